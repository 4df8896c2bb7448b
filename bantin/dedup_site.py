"""Repeats over a whole site: every article, every issue, the archive, with results kept
between runs; and how findings are told to the editor. The detector itself is dedup.py (an
article, an issue) and dedup_archive.py (earlier issues)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cache import CACHE_DIR, JsonStore, digest
from .dedup import (
    VERSION,
    ArticleParas,
    ArticleResult,
    Finding,
    Local,
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
SHOW_ALSO = 5  # lines named in a finding that folds many repeats (--json lists them all)


@dataclass
class RepeatCheck:
    """Results of the repeat check by what they depend on: an article's by its text, an
    issue's by its articles' texts. Kept in the cache store between runs (JSON data) and in
    memory while `serve` runs; each run keeps only what it used (`finish`).

    The build checks articles itself while it prepares them (one Markdown parse for both)
    and hands the results over with `accept`; `check_site` does the rest.
    """

    store: JsonStore
    # Paragraphs by article_key: only those asked for or handed over since the last
    # `finish` are kept past it (an issue's articles, while it is being edited); serve would
    # otherwise come to hold every article's paragraphs as the edits move from issue to issue.
    parsed: dict[str, tuple[Para, ...]] = field(default_factory=dict)
    fresh: set[str] = field(default_factory=set)  # keys of `parsed` asked for since `finish`
    results: dict[str, ArticleResult] = field(default_factory=dict)  # by article_key
    issues: dict[str, tuple[Finding, ...]] = field(default_factory=dict)  # by issue_key
    used: set[str] = field(default_factory=set)

    @classmethod
    def for_site(cls, root: Path, use_cache: bool = True) -> RepeatCheck:
        return cls(JsonStore(root, "dedup", enabled=use_cache))

    def paras(self, a: Article) -> tuple[Para, ...]:
        key = article_key(a)
        self.used.add(key)
        self.fresh.add(key)
        if key not in self.parsed:
            self.parsed[key] = paragraphs(a.body, a.body_line, keeps_all(a),
                                          rule=a.paragraph_rule)
        return self.parsed[key]

    def cached(self, a: Article) -> ArticleResult | None:
        """The article's result from an earlier build, if its text did not change."""
        key = article_key(a)
        hit = self.results.get(key)
        if hit is None:
            data = self.store.get("a" + key)
            if data is not None:
                hit = self.results[key] = _result_of(data)
        elif key in self.results:
            self.store.keep("a" + key)
        if hit is not None:
            self.used.add(key)
        return hit

    def keep(self, key: str) -> None:
        """An article's result the caller still holds (by its article_key) was used."""
        self.used.add(key)
        self.store.keep("a" + key)

    def accept(self, a: Article, paras: tuple[Para, ...], result: ArticleResult) -> None:
        """A fresh result; `paras` may be empty when the caller did not keep them (they are
        parsed again if asked for)."""
        key = article_key(a)
        self.used.add(key)
        if paras:
            self.parsed[key] = paras
            self.fresh.add(key)
        self.results[key] = result
        self.store.put("a" + key, _result_json(result))

    def article(self, a: Article) -> ArticleResult:
        hit = self.cached(a)
        if hit is None:
            hit = check_paragraphs(self.paras(a))
            self.accept(a, self.paras(a), hit)
        return hit

    def printed(self, a: Article) -> tuple[Para, ...]:
        return printed(self.paras(a), self.results[article_key(a)].removed)

    def issue_known(self, articles: Sequence[Article]) -> bool:
        """The repeats across these articles are known (in memory or in the store); if so,
        they count as used: a build that leaves the rest of the check for later (serve)
        must not have them dropped at `finish`, to be found again, issue by issue."""
        key = issue_key(articles)
        if key in self.issues:
            self.store.keep(key)
        elif self.store.get(key) is None:
            return False
        self.used.add(key)
        return True

    def accept_issue(self, articles: Sequence[Article], findings: Sequence[Finding]) -> None:
        key = issue_key(articles)
        self.used.add(key)
        self.issues[key] = tuple(findings)
        self.store.put(key, [_finding_json(f) for f in findings])

    def issue(self, articles: Sequence[Article]) -> list[Finding]:
        key = issue_key(articles)
        hit = self.issues.get(key)
        if hit is None:
            data = self.store.get(key)
            if data is not None:
                hit = self.issues[key] = tuple(_finding_of(f) for f in data)
        else:
            self.store.keep(key)
        if hit is None:
            self.accept_issue(articles, check_issue(
                [ArticleParas(a.rel, self.printed(a)) for a in articles]))
            hit = self.issues[key]
        self.used.add(key)
        return list(hit)

    def finish(self) -> None:
        """Keep what this run used (in the store and in memory), nothing else (nothing to
        do when nothing was used since the last time)."""
        if not self.used:
            return
        self.store.save()
        for table, kept in ((self.parsed, self.fresh), (self.results, self.used),
                            (self.issues, self.used)):
            for key in [k for k in table if k not in kept]:
                del table[key]
        self.used, self.fresh = set(), set()


def _result_json(r: ArticleResult) -> list[Any]:
    return [r.paragraphs, [list(f) for f in r.findings], sorted(r.removed)]


def _result_of(data: list[Any]) -> ArticleResult:
    return ArticleResult(data[0], tuple(Local(*f[:6], _folded_lines(f, 6)) for f in data[1]),
                         frozenset(data[2]))


def _finding_json(f: Finding) -> list[Any]:
    return [f.action, f.kind, f.scope, f.file, f.line, f.of.file, f.of.line, f.similarity,
            f.excerpt, list(f.also)]


def _finding_of(d: list[Any]) -> Finding:
    return Finding(d[0], d[1], d[2], d[3], d[4], Where(d[5], d[6]), d[7], d[8],
                   _folded_lines(d, 9))


def _folded_lines(data: list[Any], at: int) -> tuple[int, ...]:
    """The `also` lines kept at data[at] (absent from data kept before they were)."""
    return tuple(data[at]) if len(data) > at else ()


def printed(paras: Sequence[Para], removed: frozenset[int]) -> tuple[Para, ...]:
    """The paragraphs that will be printed and are long enough to compare across articles."""
    return tuple(p for p in paras if shared_eligible(p) and p.line not in removed)


def issue_key(articles: Sequence[Article]) -> str:
    if isinstance(articles, tuple):  # an Issue's own tuple: the same one build after build
        kept = _ISSUE_KEYS.get(id(articles))
        if kept is not None and kept[0] is articles:
            return kept[1]
    key = "i" + digest(VERSION, "issue", *(a.rel + "\0" + article_key(a) for a in articles))
    if isinstance(articles, tuple):
        _ISSUE_KEYS[id(articles)] = (articles, key)
    return key


def keep_issue_keys(issues: Iterable[Issue]) -> None:
    """Forget the keys of issues that are gone or were edited (a build, once it has its
    site): what is kept stays the size of the site however long `serve` runs."""
    ids = {id(i.articles) for i in issues}
    for k in [k for k in _ISSUE_KEYS if k not in ids]:
        del _ISSUE_KEYS[k]


# id of an issue's articles tuple -> (that tuple, its issue_key): `serve` asks for every
# issue's key on each save. The tuple is kept, so its id is not reused while it is here.
_ISSUE_KEYS: dict[int, tuple[tuple[Article, ...], str]] = {}


def check_site(site: Site, *, use_cache: bool = True, archive: bool = True,
               run: RepeatCheck | None = None, kept: dict[str, Any] | None = None,
               full_scan: bool = True) -> Report:
    """All findings of a site; report.removed says what the renderer must drop.
    `run`: a check the build has already fed with the articles it parsed; `kept`: where a
    long-lived caller keeps the archive index between runs; `full_scan`: False for a build,
    which checks earlier issues only against the index `bantin dedup` keeps."""
    run = run or RepeatCheck.for_site(site.root, use_cache)
    report = Report()
    issues = sorted(site.issues, key=lambda i: i.key)
    for issue in issues:
        for a in issue.articles:
            r = run.article(a)
            report.paragraphs += r.paragraphs
            _add_new(report, [Finding(f.action, f.kind, "article", a.rel, f.line,
                                      Where(a.rel, f.of_line), f.similarity, f.excerpt, f.also)
                              for f in r.findings])
            if r.removed:
                report.removed[a.rel] = r.removed
    for issue in issues:
        _add_new(report, run.issue(issue.articles))
    if archive and len(issues) > 1:
        problems: list[str] = []
        found = _archive(site, issues, run, use_cache, kept, full_scan, problems)
        report.notices += [_UNUSABLE_INDEX[p] for p in dict.fromkeys(problems)]
        if found is None:
            report.archive_checked = False
        else:
            _add_new(report, found)
    run.finish()
    report.sort()
    return report


def _add_new(report: Report, findings: Iterable[Finding]) -> None:
    """One finding per paragraph: the narrower scope (article, then issue) wins."""
    seen = report.seen
    for f in findings:
        if (f.file, f.line) not in seen:
            seen.add((f.file, f.line))
            seen.update((f.file, line) for line in f.also)
            report.findings.append(f)


def _archive(site: Site, issues: Sequence[Issue], run: RepeatCheck,
             use_cache: bool, kept: dict[str, Any] | None, full_scan: bool,
             problems: list[str]) -> list[Finding] | None:
    articles = [a for issue in issues for a in issue.articles]
    entries = [Entry(a.rel, article_key(a), a.year * 10000 + a.issue) for a in articles]
    return check_archive(site.root, entries, lambda k: run.printed(articles[k]), use_cache,
                         kept, full_scan, problems)


# ---------------------------------------------------------------- reporting

_KIND_TEXT = {"exact": "lặp nguyên văn", "contained": "nằm trọn trong đoạn khác",
              "joined": "là các đoạn liền trước nối lại",
              "near": "gần giống"}
# A kept archive index that is there but unusable (dedup_archive.Unreadable reasons).
_UNUSABLE_INDEX = {
    "old": f"Chỉ mục đoạn lặp trong {CACHE_DIR}/ do phiên bản bantin khác lập nên không dùng "
           "được.",
    "broken": f"Chỉ mục đoạn lặp trong {CACHE_DIR}/ bị hỏng hoặc không do bantin lập nên đã "
              "bỏ qua.",
}
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
            f'{f.of.file}:{f.of.line}: "{f.excerpt}"' + _also_text(f.also))


def _also_text(lines: Sequence[int]) -> str:
    """The lines folded into a finding, in a few words: "; cũng vậy ở 19.998 đoạn khác
    (dòng 5, 7, 9, 11, 13 … 39999)"."""
    if not lines:
        return ""
    shown = ", ".join(map(str, lines[:SHOW_ALSO]))
    more = f" … {lines[-1]}" if len(lines) > SHOW_ALSO else ""
    return f"; cũng vậy ở {format_count(len(lines))} đoạn khác (dòng {shown}{more})"


def summary_line(report: Report, hint: bool = True) -> str:
    """One line for `bantin build` (with a hint to run `bantin dedup`) and `bantin dedup`."""
    # Paragraphs, not findings: one finding may fold many repeats.
    removed = sum(1 + len(f.also) for f in report.findings if f.action == "removed")
    warned = sum(1 + len(f.also) for f in report.findings) - removed
    archive = "".join(" " + n for n in report.notices) + (
        "" if report.archive_checked else
        " Chưa so với các số trước: chạy bantin dedup để lập (lại) chỉ mục, các lần dựng sau "
        "sẽ tự so.")
    if not report.findings:
        return (f"Đoạn lặp: không có ({format_count(report.paragraphs)} đoạn đã kiểm tra)."
                + archive)
    parts = []
    if removed:
        parts.append(f"đã bỏ {format_count(removed)} đoạn lặp khỏi bản in")
    if warned:
        parts.append(f"{format_count(warned)} cảnh báo")
    return ("Đoạn lặp: " + ", ".join(parts) + (" (chi tiết: bantin dedup)." if hint else ".")
            + archive)


