"""The build pipeline: sources -> model -> prepared articles -> targets -> stale ones made.

    load + validate      content.load            every error found before anything is made
    prepare              prepare.prepare         each article parsed, checked and rendered once
    targets              site.SitePages, pdf.PdfTargets   every output file and its inputs
    make                 targets.make_into       only the stale ones, into a staging folder
    commit               targets.commit/prune    renamed into place; files of nothing removed
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import uptodate
from .cache import CACHE_DIR, Cache, FileDigests, JsonStore
from .content import load
from .dedup import Report
from .dedup_site import RepeatCheck, check_site, format_finding, summary_line
from .errors import Diagnostic
from .images import check_photos, photos
from .markdown import Rendered
from .model import Site
from .options import BuildOptions
from .output import check_output_dir
from .prepare import Prepared, RenderStore, accept, cached_renders, prepare
from .site import SitePages, collect
from .targets import Table, Target, commit, discard, make_into, prune, staging, stale
from .text import format_count
from .theme import Theme, load_theme
from .workers import run_parts, shared, split, worker_count

Say = Callable[[str], None]
# Below this many articles (or pages) one process is faster than forking workers.
PARALLEL_MIN_ARTICLES = 300
PARALLEL_MIN_PAGES = 300


@dataclass
class BuildResult:
    site: Site
    pages: list[str]
    warnings: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0
    dedup: Report | None = None
    pdfs: int = 0  # PDFs rendered (not counting unchanged ones left in place)
    written: list[str] = field(default_factory=list)  # output files made by this build
    removed: list[str] = field(default_factory=list)  # output files no source makes any more


def _prepare_part(indices: list[int]) -> list[Prepared]:
    articles = shared("articles")
    return [prepare(articles[i]) for i in indices]


def prepare_all(site: Site, store: RenderStore, check: RepeatCheck, workers: int | None,
                say: Say) -> dict[str, Rendered]:
    """Every article's record: from the store when its text did not change, else prepared
    (in worker processes when there are many)."""
    rendered = cached_renders(site, store, check)
    todo = [a for a in site.articles if a.rel not in rendered]
    n = 1 if len(todo) < PARALLEL_MIN_ARTICLES else worker_count(workers, len(todo))
    parts = split(len(todo), n * 4)
    for part, done in zip(parts, run_parts(_prepare_part, parts, n, articles=todo),
                          strict=True):
        for i, prepared in zip(part, done, strict=True):
            accept(todo[i], prepared, store, check, rendered)
    if todo:
        say(f"  … đã dựng lại {format_count(len(todo))} bài thay đổi")
    return rendered


def _make_part(indices: list[int]) -> dict[str, tuple[str, ...]]:
    return make_into(shared("stage"), shared("targets"), indices)


def make_targets(todo: list[Target], stage: Path, workers: int | None, say: Say
                 ) -> dict[str, tuple[str, ...]]:
    """Make the stale targets under `stage`: pages and photos first, then the PDFs (slow,
    one issue per task); in worker processes when there are many."""
    notes: dict[str, tuple[str, ...]] = {}
    light = [k for k, t in enumerate(todo) if t.kind != "pdf"]
    heavy = [k for k, t in enumerate(todo) if t.kind == "pdf"]
    n = 1 if len(light) < PARALLEL_MIN_PAGES else worker_count(workers, len(light))
    parts = [[light[i] for i in part] for part in split(len(light), n * 4)]
    for done in run_parts(_make_part, parts, n, targets=todo, stage=stage):
        notes.update(done)
    if heavy:
        n = worker_count(workers, len(heavy))
        if n > 1:
            import weasyprint  # noqa: F401  - imported once here, inherited by the workers
        for done in run_parts(_make_part, [[k] for k in heavy], n, targets=todo, stage=stage):
            notes.update(done)
    return notes


def pdf_names(site: Site) -> dict[tuple[int, int], str]:
    from .pdf import pdf_file_name  # WeasyPrint's side loads only when PDFs are made

    return {i.key: pdf_file_name(site.config, i) for i in site.issues}


def print_targets(site: Site, rendered: dict[str, Rendered], theme: Theme,
                  options: BuildOptions, digests: FileDigests) -> list[Target]:
    from .pdf import PdfTargets

    return PdfTargets(site, rendered, theme, options.print_options, digests).targets()


class Builder:
    """Builds one site again and again (the `serve` loop keeps one), each build making only
    what changed. `build` raises ContentError, BantinError or a Jinja2 error and then leaves
    the output as it was."""

    def __init__(self, options: BuildOptions, say: Say = lambda _: None) -> None:
        self.options = options
        self.say = say

    def build(self) -> BuildResult:
        started = time.perf_counter()
        o = self.options
        root, out = o.root, o.out.resolve()
        check_output_dir(out, root)
        started_ns = uptodate.now_ns()
        inputs = uptodate.snapshot(root) if o.use_cache else {}
        uptodate.forget(root)
        site, warnings = load(root, o.drafts, use_cache=o.use_cache)
        read_line = (f"Đã đọc {format_count(len(site.articles))} bài trong "
                     f"{format_count(len(site.issues))} số bản tin.")
        self.say(read_line)
        store = RenderStore(JsonStore(root, "rendered", enabled=o.use_cache))
        store.store.preload()
        check = RepeatCheck.for_site(root, o.use_cache)
        digests = FileDigests(root, enabled=o.use_cache)
        rendered = prepare_all(site, store, check, o.workers, self.say)
        pdfs = pdf_names(site) if o.pdf else {}
        content = collect(site, rendered, pdfs)
        theme = load_theme(root)
        pages = SitePages(content, theme, digests,
                          root / CACHE_DIR / "anh-web" if o.use_cache else None)
        targets = pages.targets()
        pdf_targets = print_targets(site, rendered, theme, o, digests) if o.pdf else []
        targets += pdf_targets
        warnings += check_photos(site, rendered)
        dedup = check_site(site, use_cache=o.use_cache, run=check)
        self.say(summary_line(dedup))
        table = Table(root, out, enabled=o.use_cache)
        todo = stale(targets, table)
        written, removed = self.write(out, targets, todo, table)
        self.say_pdfs(len(pdf_targets), sum(t.kind == "pdf" for t in todo))
        store.save()
        digests.save()
        table.save()
        if pdf_targets:
            from .pdf import note_warnings

            warnings += note_warnings(table.notes(pdf_targets))
        result = BuildResult(site, pages.pages(), warnings, time.perf_counter() - started,
                             dedup, sum(t.kind == "pdf" for t in todo), written, removed)
        if o.use_cache:
            said = [read_line, summary_line(dedup)]
            if pdf_targets:
                said.append(f"  … không cần in lại PDF: {format_count(len(pdf_targets))} bản "
                            "không đổi")
            summary = uptodate.Summary(said, warnings, [format_finding(f) for f in
                                                        dedup.findings],
                                       len(result.pages), len(site.issues))
            photos_outside = [str(p.path) for a in site.articles
                              for p in photos(a, rendered[a.rel])]
            inputs.update(uptodate.snapshot_files(photos_outside))
            uptodate.record(root, o, inputs, started_ns, summary)
        return result

    def say_pdfs(self, total: int, made: int) -> None:
        kept = total - made
        if made:
            self.say(f"  … đã in {format_count(made)} bản PDF"
                     + (f", giữ nguyên {format_count(kept)} bản không đổi" if kept else ""))
        elif total:
            self.say(f"  … không cần in lại PDF: {format_count(kept)} bản không đổi")

    def write(self, out: Path, targets: list[Target], todo: list[Target], table: Table
              ) -> tuple[list[str], list[str]]:
        """Make what is stale, then put it in place and remove what no target makes."""
        created = not out.exists()
        stage = staging(out)
        discard(out)
        stage.mkdir(parents=True)
        try:
            notes = make_targets(todo, stage, self.options.workers, self.say)
        except BaseException:
            discard(out)
            if created:
                out.rmdir()
            raise
        trusted = bool(table.files)  # the last build's table: it knows every file it left
        commit(out, todo, notes, table)
        removed = prune(out, targets, table, everything=not trusted)
        return [p for t in todo for p in t.paths], removed


def build(options: BuildOptions, say: Say = lambda _: None) -> BuildResult:
    return Builder(options, say).build()


__all__ = ["BuildOptions", "BuildResult", "Builder", "Cache", "build", "load"]
