"""The build pipeline: sources -> model -> repeat check -> rendered fragments -> site and PDF."""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from .cache import CACHE_DIR, Cache, digest
from .content import load_site
from .dedup import (
    ArticleParas,
    ArticleResult,
    Finding,
    Para,
    RepeatCheck,
    Report,
    check_issue,
    check_paragraphs,
    check_site,
    keeps_all,
    paragraphs,
    summary_line,
)
from .errors import Diagnostic, Diagnostics
from .images import check_photos
from .markdown import RENDER_VERSION, Rendered, parse, parser, render_parsed
from .model import Article, Site
from .output import check_output_dir, staged_output
from .pdf import PdfOptions, build_pdfs, load_manifest, pdf_file_name, save_manifest
from .site import SiteContent, SiteWriter, collect
from .text import format_count
from .theme import load_theme

Say = Callable[[str], None]
# Below this many articles a build is faster in one process than with forked workers.
PARALLEL_MIN_ARTICLES = 300


@dataclass(frozen=True)
class BuildOptions:
    root: Path
    out: Path
    drafts: bool = False
    pdf: bool = True
    use_cache: bool = True
    workers: int | None = None  # default: one per core
    print_options: PdfOptions = field(default_factory=PdfOptions)


@dataclass
class BuildResult:
    site: Site
    pages: list[str]
    warnings: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0
    dedup: Report | None = None
    pdfs: int = 0  # PDFs rendered (not counting unchanged ones kept from the last build)


def render_key(a: Article, removed: frozenset[int]) -> str:
    skip = ",".join(map(str, sorted(removed)))
    return digest(RENDER_VERSION, a.paragraph_rule, str(a.body_line), a.body, skip)


class Prepared(NamedTuple):
    """One article parsed once, checked for repeats, and rendered without them."""

    rendered: Rendered
    key: str  # render cache key
    paras: tuple[Para, ...]
    check: ArticleResult


def prepare(a: Article) -> Prepared:
    md = parser(a.paragraph_rule)
    parsed = parse(md, a.body, a.body_line)
    paras = paragraphs(a.body, a.body_line, keeps_all(a), blocks=parsed.blocks)
    check = check_paragraphs(paras)
    rendered = render_parsed(md, parsed, check.removed)
    return Prepared(rendered, render_key(a, check.removed), paras, check)


def cached_renders(site: Site, cache: Cache, check: RepeatCheck) -> dict[str, Rendered]:
    """Renders of the articles whose text (and so whose removed repeats) did not change."""
    out: dict[str, Rendered] = {}
    for a in site.articles:
        result = check.cached(a)
        hit = cache.get(render_key(a, result.removed)) if result is not None else None
        if hit is not None:
            out[a.rel] = hit
    return out


def render_articles(site: Site, cache: Cache, check: RepeatCheck | None = None,
                    ) -> dict[str, Rendered]:
    """Every article rendered without its removed repeats, unchanged ones from the cache."""
    check = check or RepeatCheck(Cache(site.root, "dedup", enabled=False))
    out = cached_renders(site, cache, check)
    for a in site.articles:
        if a.rel not in out:
            done = prepare(a)
            out[a.rel] = done.rendered
            cache.put(done.key, done.rendered)
            check.accept(a, done.paras, done.check)
    return out


def load(root: Path, drafts: bool = False) -> tuple[Site, list[Diagnostic]]:
    """Load and validate; raises ContentError listing every error."""
    diags = Diagnostics(root=root)
    site = load_site(root, diags, drafts=drafts)
    return site, diags.warnings


# The writer and content of a build, set just before worker processes are forked so the
# children inherit them (compiled templates included) instead of receiving pickles.
_FORKED: dict[str, Any] = {}


class Written(NamedTuple):
    """What a page worker sends back: new renders and the repeat checks it made."""

    prepared: dict[str, Prepared]
    issues: dict[int, list[Finding]]  # issue index -> repeats across its articles


def _write_issues(indices: list[int]) -> Written:
    """Write the pages of some issues, rendering (and checking) the articles not cached; the
    issues whose articles changed are checked for repeats across articles on the way."""
    content: SiteContent = _FORKED["content"]
    writer: SiteWriter = _FORKED["writer"]
    check: RepeatCheck = _FORKED["check"]
    out = Written({}, {})
    for i in indices:
        issue = content.site.issues[i]
        for a in issue.articles:
            if a.rel not in content.rendered:
                done = out.prepared[a.rel] = prepare(a)
                content.rendered[a.rel] = done.rendered
                check.accept(a, done.paras, done.check)
        if i in _FORKED["issue_todo"]:
            out.issues[i] = check_issue([ArticleParas(a.rel, check.printed(a))
                                         for a in issue.articles])
        writer.write_issue(issue)
    return out


def _chunks(n: int, parts: int) -> list[list[int]]:
    return [list(range(n))[k::parts] for k in range(parts)]


def _worker_count(options: BuildOptions, site: Site) -> int:
    if sys.platform == "win32" or len(site.articles) < PARALLEL_MIN_ARTICLES:
        return 1
    return max(1, options.workers or os.cpu_count() or 1)


def write_pages(content: SiteContent, writer: SiteWriter, cache: Cache, check: RepeatCheck,
                workers: int, say: Say) -> None:
    """Issue and article pages, split over forked workers when the site is large; articles
    not in the cache are checked for repeats and rendered on the way."""
    issues = content.site.issues
    todo = {i for i, issue in enumerate(issues) if not check.issue_cached(issue.articles)}
    _FORKED.update(content=content, writer=writer, check=check, issue_todo=todo)
    try:
        n = len(issues)
        if workers == 1:
            written = [_write_issues(list(range(n)))]
        else:
            written = []
            parts = _chunks(n, workers * 4)  # small parts: progress and balanced load
            ctx = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
                futures = [pool.submit(_write_issues, part) for part in parts if part]
                for done, future in enumerate(as_completed(futures), 1):
                    written.append(future.result())
                    if done % workers == 0 or done == len(futures):
                        say(f"  … đã dựng {done * 100 // len(futures)}% số bản tin và bài")
        articles = {a.rel: a for a in content.site.articles}
        for part in written:
            for rel, done in part.prepared.items():
                content.rendered[rel] = done.rendered
                cache.put(done.key, done.rendered)
                check.accept(articles[rel], done.paras, done.check)
            for i, findings in part.issues.items():
                check.accept_issue(issues[i].articles, findings)
    finally:
        _FORKED.clear()


def build(options: BuildOptions, say: Say = lambda _: None) -> BuildResult:
    started = time.perf_counter()
    root, out = options.root, options.out
    check_output_dir(out, root)
    site, warnings = load(root, options.drafts)
    say(f"Đã đọc {format_count(len(site.articles))} bài trong "
        f"{format_count(len(site.issues))} số bản tin.")
    cache = Cache(root, "markdown", enabled=options.use_cache)
    check = RepeatCheck.for_site(root, options.use_cache)
    rendered = cached_renders(site, cache, check)
    pdfs = {i.key: pdf_file_name(site.config, i) for i in site.issues} if options.pdf else {}
    content = collect(site, rendered, pdfs)
    theme = load_theme(root)
    printed = None
    with staged_output(out) as stage:
        writer = SiteWriter(content, theme, stage,
                            root / CACHE_DIR / "anh-web" if options.use_cache else None)
        write_pages(content, writer, cache, check, _worker_count(options, site), say)
        pages = writer.write_common()
        warnings += check_photos(site, content.rendered)
        dedup = check_site(site, use_cache=options.use_cache, run=check)
        say(summary_line(dedup))
        if options.pdf:
            printed = build_pdfs(
                site, content.rendered, theme, stage, options=options.print_options,
                previous=out if out.is_dir() else None,
                manifest=load_manifest(root) if options.use_cache else {},
                workers=max(1, options.workers or os.cpu_count() or 1), say=say)
            warnings += printed.warnings(site)
    cache.save()
    if printed is not None and options.use_cache:
        save_manifest(root, printed.manifest)
    return BuildResult(site, pages, warnings, time.perf_counter() - started, dedup,
                       printed.rendered_count if printed else 0)


class Builder:
    """Builds one site again and again (the `serve` loop keeps one), each build writing only
    what changed. `build` raises ContentError, BantinError or a Jinja2 error and then leaves
    the output as it was."""

    def __init__(self, options: BuildOptions, say: Say = lambda _: None) -> None:
        self.options = options
        self.say = say

    def build(self) -> BuildResult:
        return build(self.options, self.say)
