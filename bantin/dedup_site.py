"""Repeats over a whole site: every article, every issue, the archive, with results kept
between runs; and how findings are told to the editor. The detector itself is dedup.py (an
article, an issue) and dedup_archive.py (earlier issues)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .cache import Cache, digest
from .dedup import (
    VERSION,
    ArticleParas,
    ArticleResult,
    Finding,
    Para,
    Report,
    Where,
    article_key,
    check_issue,
    check_paragraphs,
    keeps_all,
    paragraphs,
    shared_eligible,
)
from .dedup_archive import Entry, check_archive
from .model import Article, Issue, Site
from .text import format_count

SHOW_FINDINGS = 50  # `bantin dedup` without -v lists this many


@dataclass
class RepeatCheck:
    """One run over a site: per-article and per-issue results come from the cache.

    The build checks articles itself while it renders them (one Markdown parse for both)
    and hands the results over with `accept`; `report` does the rest.
    """

    cache: Cache
    parsed: dict[str, tuple[Para, ...]] = field(default_factory=dict)
    results: dict[str, ArticleResult] = field(default_factory=dict)
    issues: dict[str, tuple[Finding, ...]] = field(default_factory=dict)  # by issue_key

    @classmethod
    def for_site(cls, root: Path, use_cache: bool = True) -> RepeatCheck:
        return cls(Cache(root, "dedup", enabled=use_cache))

    def paras(self, a: Article) -> tuple[Para, ...]:
        if a.rel not in self.parsed:
            self.parsed[a.rel] = paragraphs(a.body, a.body_line, keeps_all(a),
                                            rule=a.paragraph_rule)
        return self.parsed[a.rel]

    def cached(self, a: Article) -> ArticleResult | None:
        """The article's result from an earlier build, if its text did not change."""
        hit = self.results.get(a.rel)
        if hit is None:
            hit = self.cache.get("a" + article_key(a))
        if hit is not None:
            self.results[a.rel] = hit
        return hit

    def accept(self, a: Article, paras: tuple[Para, ...], result: ArticleResult) -> None:
        self.parsed[a.rel] = paras
        self.results[a.rel] = result
        self.cache.put("a" + article_key(a), result)

    def article(self, a: Article) -> ArticleResult:
        hit = self.cached(a)
        if hit is None:
            hit = check_paragraphs(self.paras(a))
            self.accept(a, self.paras(a), hit)
        return hit

    def printed(self, a: Article) -> tuple[Para, ...]:
        return printed(self.paras(a), self.results[a.rel].removed)

    def issue_cached(self, articles: Sequence[Article]) -> bool:
        key = issue_key(articles)
        return key in self.issues or self.cache.get(key) is not None

    def accept_issue(self, articles: Sequence[Article], findings: Sequence[Finding]) -> None:
        key = issue_key(articles)
        self.issues[key] = tuple(findings)
        self.cache.put(key, self.issues[key])

    def issue(self, articles: Sequence[Article]) -> list[Finding]:
        key = issue_key(articles)
        hit = self.issues.get(key)
        if hit is None:
            hit = self.cache.get(key)
        if hit is None:
            self.accept_issue(articles, check_issue(
                [ArticleParas(a.rel, self.printed(a)) for a in articles]))
            hit = self.issues[key]
        return list(hit)


def printed(paras: Sequence[Para], removed: frozenset[int]) -> tuple[Para, ...]:
    """The paragraphs that will be printed and are long enough to compare across articles."""
    return tuple(p for p in paras if shared_eligible(p) and p.line not in removed)


def issue_key(articles: Sequence[Article]) -> str:
    return "i" + digest(VERSION, "issue", *(a.rel + "\0" + article_key(a) for a in articles))


def check_site(site: Site, *, use_cache: bool = True, archive: bool = True,
               run: RepeatCheck | None = None) -> Report:
    """All findings of a site; report.removed says what the renderer must drop.
    `run`: a check the build has already fed with the articles it parsed."""
    run = run or RepeatCheck.for_site(site.root, use_cache)
    report = Report()
    issues = sorted(site.issues, key=lambda i: i.key)
    for issue in issues:
        for a in issue.articles:
            r = run.article(a)
            report.paragraphs += r.paragraphs
            report.findings += [Finding(f.action, f.kind, "article", a.rel, f.line,
                                        Where(a.rel, f.of_line), f.similarity, f.excerpt)
                                for f in r.findings]
            if r.removed:
                report.removed[a.rel] = r.removed
    for issue in issues:
        _add_new(report, run.issue(issue.articles))
    if archive and len(issues) > 1:
        _add_new(report, _archive(site, issues, run, use_cache))
    run.cache.save()
    report.sort()
    return report


def _add_new(report: Report, findings: Iterable[Finding]) -> None:
    """One finding per paragraph: the narrower scope (article, then issue) wins."""
    seen = {(f.file, f.line) for f in report.findings}
    report.findings += [f for f in findings if (f.file, f.line) not in seen]


def _archive(site: Site, issues: Sequence[Issue], run: RepeatCheck,
             use_cache: bool) -> list[Finding]:
    articles = [a for issue in issues for a in issue.articles]
    entries = [Entry(a.rel, article_key(a), a.year * 10000 + a.issue) for a in articles]
    return check_archive(site.root, entries, lambda k: run.printed(articles[k]), use_cache)


# ---------------------------------------------------------------- reporting

_KIND_TEXT = {"exact": "lặp nguyên văn", "contained": "nằm trọn trong đoạn khác",
              "joined": "là các đoạn liền trước nối lại",
              "near": "gần giống"}
_SCOPE_TEXT = {"article": "trong cùng bài", "issue": "ở bài khác cùng số",
               "archive": "đã đăng ở số trước"}


def format_finding(f: Finding) -> str:
    """content/2026/18/x.md:26: đã bỏ khỏi bản in — nằm trọn trong đoạn khác trong cùng bài,
    lặp content/2026/18/x.md:24: "Phát biểu kết luận…" """
    action = "đã bỏ khỏi bản in" if f.action == "removed" else "cảnh báo"
    kind = _KIND_TEXT[f.kind]
    if f.kind == "near":
        kind += f" ({round(f.similarity * 100)}%)"
    return (f'{f.file}:{f.line}: {action} — {kind} {_SCOPE_TEXT[f.scope]}, lặp '
            f'{f.of.file}:{f.of.line}: "{f.excerpt}"')


def summary_line(report: Report, hint: bool = True) -> str:
    """One line for `bantin build` (with a hint to run `bantin dedup`) and `bantin dedup`."""
    removed = sum(f.action == "removed" for f in report.findings)
    warned = len(report.findings) - removed
    if not report.findings:
        return f"Đoạn lặp: không có ({format_count(report.paragraphs)} đoạn đã kiểm tra)."
    parts = []
    if removed:
        parts.append(f"đã bỏ {format_count(removed)} đoạn lặp khỏi bản in")
    if warned:
        parts.append(f"{format_count(warned)} cảnh báo")
    return "Đoạn lặp: " + ", ".join(parts) + (" (chi tiết: bantin dedup)." if hint else ".")


