"""The build pipeline: sources -> model -> prepared articles -> targets -> stale ones made.

    load + validate      content.load            every error found before anything is made
    prepare              prepare.prepare         each article parsed, checked and rendered once
    targets              site.SitePages, pdf.PdfTargets   every output file and its inputs
    make                 targets.make_into       only the stale ones, into a staging folder
    commit               targets.commit/prune    renamed into place; files of nothing removed
"""

from __future__ import annotations

import bisect
import itertools
import os
import tempfile
import time
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import jinja2

from . import uptodate
from .cache import CACHE_DIR, FileDigests, JsonStore, Memo
from .content import LoadCache, load, load_site
from .dedup import ArticleParas, Finding, Report, check_issue
from .dedup_site import RepeatCheck, check_site, format_finding, keep_issue_keys, summary_line
from .errors import Diagnostic, Diagnostics, UsageError
from .markdown import Rendered
from .model import Site
from .options import BuildOptions
from .output import MARKER, check_output_dir, output_lock
from .photos import WEB_COPIES, SitePhotos
from .prepare import Held, Prepared, RenderStore, accept, cached_renders, hold, prepare
from .site import SitePages, collect, page_environment
from .targets import (
    Record,
    Stage,
    Table,
    Target,
    commit,
    discard,
    make_into,
    open_stage,
    prune,
    recover,
    stale,
)
from .text import format_count
from .theme import Theme, load_theme
from .workers import (
    PARALLEL_MIN,
    PARTS_PER_WORKER,
    collector_paused,
    run_parts,
    shared,
    split,
    worker_count,
)

if TYPE_CHECKING:  # the PDF side loads only when PDFs are made
    from .pdf import PdfJob, PdfTargets

Say = Callable[[str], None]


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
    pending_pdfs: list[PdfJob] = field(default_factory=list)  # stale PDFs left for later


@dataclass
class Plan:
    """A build's decisions before it writes anything (Builder.plan)."""

    site: Site
    rendered: dict[str, Rendered]
    photos: SitePhotos
    pages: SitePages
    printing: PdfTargets | None
    targets: list[Target]
    pdf_targets: list[Target]
    stale: list[Target]
    warnings: list[Diagnostic]
    dedup: Report | None
    read_line: str
    table: Table
    prints: list[Target] = field(default_factory=list)  # print files, for the print folder

    def pdf_notes(self) -> list[Diagnostic]:
        """The warnings kept with the PDFs (rendered now or by an earlier build)."""
        if not self.pdf_targets:
            return []
        from .pdf import note_warnings

        return note_warnings(self.table.notes(self.pdf_targets))


@dataclass
class CheckResult:
    site: Site
    warnings: list[Diagnostic]
    dedup: Report | None
    pages: int  # pages rendered to find template errors


class IssueWork(NamedTuple):
    """What a worker sends back for one issue: its articles' records, made without the
    paragraphs (big, and only wanted again by the archive check, which parses on demand),
    and the issue's repeats across its articles when they had to be found."""

    prepared: list[tuple[int, Prepared]]  # (index into the site's articles, record)
    findings: list[Finding] | None


def _prepare_part(indices: list[int]) -> list[IssueWork]:
    site: Site = shared("site")
    todo: set[int] = shared("todo")
    check: RepeatCheck = shared("check")
    first: list[int] = shared("first")
    out = []
    for i in indices:
        issue = site.issues[i]
        done = []
        for n, a in enumerate(issue.articles):
            k = first[i] + n
            if k in todo:
                prepared = prepare(a)
                check.accept(a, prepared.paras, prepared.check)
                done.append((k, prepared._replace(paras=())))
        findings = None
        if not check.issue_known(issue.articles):
            findings = check_issue([ArticleParas(a.rel, check.printed(a))
                                    for a in issue.articles])
        out.append(IssueWork(done, findings))
    return out


def prepare_all(site: Site, store: RenderStore, check: RepeatCheck, workers: int | None,
                say: Say, held: Held | None = None) -> dict[str, Rendered]:
    """Every article's record: from the store when its text did not change, else prepared
    (in worker processes, issue by issue, when there are many); the repeats across the
    articles of an issue are found on the way, while its paragraphs are at hand. `held`:
    the records of the last build of this process, by article (prepare.hold)."""
    rendered = cached_renders(site, store, check, held)
    articles = site.articles
    todo = {k for k, a in enumerate(articles) if a.rel not in rendered}
    first = list(itertools.accumulate((len(i.articles) for i in site.issues), initial=0))
    touched = {bisect.bisect_right(first, k) - 1 for k in todo}
    issues = [i for i, issue in enumerate(site.issues)
              if i in touched or not check.issue_known(issue.articles)]
    n = 1 if len(todo) < PARALLEL_MIN else worker_count(workers, len(issues))
    parts = [[issues[j] for j in part] for part in split(len(issues), n * PARTS_PER_WORKER)]
    for part, works in zip(parts, run_parts(_prepare_part, parts, n, site=site, todo=todo,
                                            check=check, first=first), strict=True):
        for i, work in zip(part, works, strict=True):
            for k, prepared in work.prepared:
                accept(articles[k], prepared, store, check, rendered)
            if work.findings is not None:
                check.accept_issue(site.issues[i].articles, work.findings)
    if todo:
        say(f"  … đã dựng lại {format_count(len(todo))} bài thay đổi")
    if held is not None:
        hold(site, rendered, held)
    return rendered


PHOTOS_PARALLEL = 4


def _make_part(indices: list[int]) -> dict[str, tuple[str, ...]]:
    return make_into(shared("stage"), shared("targets"), indices)


def make_targets(todo: list[Target], stage: Stage, workers: int | None, say: Say
                 ) -> dict[str, tuple[str, ...]]:
    """Make the stale targets under `stage`: pages and photos first, then the PDFs (slow,
    one issue per task); in worker processes when there are many."""
    notes: dict[str, tuple[str, ...]] = {}
    light = [k for k, t in enumerate(todo) if t.kind not in ("pdf", "photo")]
    photos = [k for k, t in enumerate(todo) if t.kind == "photo"]
    heavy = [k for k, t in enumerate(todo) if t.kind == "pdf"]
    n = 1 if len(light) < PARALLEL_MIN else worker_count(workers, len(light))
    parts = [[light[i] for i in part] for part in split(len(light), n * PARTS_PER_WORKER)]
    for done in run_parts(_make_part, parts, n, targets=todo, stage=stage):
        notes.update(done)
    # A phone photo takes ~0.3 s to decode and scale: worth a process from a few on.
    n = 1 if len(photos) < PHOTOS_PARALLEL else worker_count(workers, len(photos))
    for done in run_parts(_make_part, [[k] for k in photos], n, targets=todo, stage=stage):
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
                  options: BuildOptions, digests: FileDigests,
                  issue_keys: dict[tuple[int, int], str], photos: SitePhotos) -> PdfTargets:
    from .pdf import PRINT_COPIES, PdfTargets

    copies = options.root / CACHE_DIR / PRINT_COPIES if options.use_cache else None
    return PdfTargets(site, rendered, theme, options.print_options, digests, issue_keys,
                      photos, copies)


PRINT_TABLE = "print-outputs.json"
PRINT_MARKER_TEXT = ("Thư mục bản in do bantin tạo: bản gửi nhà in, bản A3 gấp đôi, bản lưu "
                     "trữ. Không đưa thư mục này lên cổng thông tin; các lần dựng sau giữ "
                     "nguyên tệp ở đây.\n")


def check_print_dir(folder: Path, out: Path, root: Path) -> None:
    """The print folder: never in the published output (nor holding it), and like the
    output never a folder of sources or of someone else's files."""
    if folder.is_relative_to(out) or out.is_relative_to(folder):
        raise UsageError(f"thư mục bản in {folder} trùng, nằm trong hoặc chứa thư mục xuất "
                         f"{out} (thư mục đưa lên cổng thông tin) — chọn thư mục khác, ví dụ "
                         "--print-dir in-an")
    try:
        check_output_dir(folder, root)
    except UsageError as exc:
        raise UsageError(str(exc).replace("thư mục xuất", "thư mục bản in")
                         .replace("--out public", "--print-dir in-an")) from None


class Builder:
    """Builds one site again and again (the `serve` loop keeps one), each build making only
    what changed. `build` raises ContentError, BantinError or a Jinja2 error and then leaves
    the output as it was."""

    def __init__(self, options: BuildOptions, say: Say = lambda _: None,
                 record: bool = True, pdf_later: bool = False, save_later: bool = False
                 ) -> None:
        """`record`: keep the state a no-change `bantin build` answers from (serve, which
        builds on every save, does not pay for it). `pdf_later`: stale PDFs are not made
        but handed back (BuildResult.pending_pdfs) for the caller to render and `put_pdf`;
        the pages link them all the same. `save_later`: what builds learn is written to
        the cache when the caller asks (`flush`, serve: when the edits pause), not after
        every build; a process killed before that only makes its next build redo more."""
        self.options = o = options
        self.say = say
        self.pdf_later = pdf_later
        self.pending: list[PdfJob] = []  # the PDFs the last build left for later
        self.record = record and o.use_cache
        root = o.root
        # What one build hands the next: in the cache store on disk, and in memory.
        self.loads = LoadCache(root, enabled=o.use_cache)
        self.save_later = self.loads.save_later = save_later
        self.loads.bodies_later = True  # written by save(), when the build is over
        self.renders = RenderStore(JsonStore(root, "rendered", enabled=o.use_cache))
        self.renders.store.preload()
        self.check = RepeatCheck.for_site(root, o.use_cache)
        self.check.store.preload()  # a build asks for every article's entry
        self.digests = FileDigests(root, enabled=o.use_cache)
        self.photo_store = JsonStore(root, "photos", enabled=o.use_cache)
        self.photo_store.preload()
        self.search_tags = JsonStore(root, "search-tags", enabled=o.use_cache)
        self.archive: dict[str, Any] = {}  # the kept archive index, as last loaded
        self.table: Table | None = None
        self.envs: dict[Hashable, jinja2.Environment] = {}
        self.memo = Memo()  # targets' digests by what they are made from, build to build
        self.held: Held = {}  # the last build's records by article

    def build(self, changed: Iterable[Path] = (), repeats: bool = True,
              taken: uptodate.Taken | None = None, watched: bool = False) -> BuildResult:
        """Build once, holding the output (another build writing it at the same time is
        waited for a little, then refused) after clearing what a killed build left in it;
        see `_build`."""
        out = self.options.out.resolve()
        check_output_dir(out, self.options.root)
        if self.options.pdf and self.options.print_options.variants:
            check_print_dir(self.options.prints, out, self.options.root.resolve())
        with output_lock(out), collector_paused():
            if recover(out):
                self.say("Đã dọn các thư mục tạm của một lần dựng trước bị ngắt giữa chừng.")
            return self._build(changed, repeats, taken, watched)

    def _build(self, changed: Iterable[Path] = (), repeats: bool = True,
               taken: uptodate.Taken | None = None, watched: bool = False) -> BuildResult:
        """Build once; `changed`: files known to have changed since the last build of this
        Builder (a watcher's events): they are read again whatever their time stamps say.
        `repeats`: False leaves out the repeat check across articles and issues (warnings
        only: the pages do not depend on it) for the caller to run after, with
        `check_repeats` (serve shows the pages first). `taken`: the sources' snapshot the
        no-change check has just taken (recorded, not taken again). `watched`: `changed`
        is every change since the last build of this Builder (see content.load_site)."""
        o = self.options
        root, out = o.root, o.out.resolve()
        taken = taken or (uptodate.take(root) if self.record else uptodate.Taken(0, {}))
        started_ns, inputs = taken.at_ns, dict(taken.files)
        uptodate.forget(root)
        plan = self.plan(changed, repeats or self.record, watched, taken.files)
        lap, table = self.lap, plan.table
        todo = plan.stale
        later = [t for t in todo if t.kind == "pdf"] if self.pdf_later else []
        if later:
            todo = [t for t in todo if t.kind != "pdf"]
        with self.print_files(plan) as printed:
            written, removed = self.write(out, plan.targets, todo, table)
        pending = {t.path for t in later}  # not made: not settled
        table.settled = {t.paths[0]: t.inputs for t in plan.targets
                         if t.paths[0] not in pending}
        lap("write")
        self.say_pdfs(len(plan.pdf_targets), sum(t.kind == "pdf" for t in todo))
        if plan.prints:
            self.say_prints(len(plan.prints), len(printed))
            inputs.update(uptodate.snapshot_files(
                [str(self.options.prints / p) for t in plan.prints for p in t.paths]))
        if not self.save_later:
            self.save()
            table.save()
        lap("save")
        warnings = plan.warnings + plan.pdf_notes()
        site, dedup = plan.site, plan.dedup
        result = BuildResult(site, list(plan.pages.page_list), warnings,
                             time.perf_counter() - self._started, dedup,
                             sum(t.kind == "pdf" for t in todo), written, removed,
                             [plan.printing.job(t) for t in later] if plan.printing else [])
        self.pending = result.pending_pdfs
        if self.record and dedup is not None:
            said = [plan.read_line, summary_line(dedup)]
            if plan.pdf_targets:
                said.append(f"  … không cần in lại PDF: {format_count(len(plan.pdf_targets))} "
                            "bản không đổi")
            summary = uptodate.Summary(said, warnings, [format_finding(f) for f in
                                                        dedup.findings],
                                       len(result.pages), len(site.issues))
            inputs.update(uptodate.snapshot_files([str(p) for p in plan.photos.files()]))
            uptodate.record(root, o, inputs, started_ns, summary)
        return result

    def plan(self, changed: Iterable[Path] = (), repeats: bool = True,
             watched: bool = False, stats: dict[str, list[int]] | None = None) -> Plan:
        """Everything a build decides before writing: the site read and checked, every
        article prepared, every photo inspected, every output file as a target and which
        of them are stale; raises ContentError, BantinError as `build` does."""
        self.timings: dict[str, float] = {}
        self._started = self._lap = time.perf_counter()
        lap = self.lap
        o = self.options
        root, out = o.root, o.out.resolve()
        diags = Diagnostics(root=root)
        site = load_site(root, diags, o.drafts, use_cache=o.use_cache, cache=self.loads,
                         changed=frozenset(str(p) for p in changed), watched=watched,
                         stats=stats)
        warnings = diags.warnings
        lap("load")
        read_line = (f"Đã đọc {format_count(len(site.articles))} bài trong "
                     f"{format_count(len(site.issues))} số bản tin.")
        self.say(read_line)
        rendered = prepare_all(site, self.renders, self.check, o.workers, self.say,
                               self.held)
        keep_issue_keys(site.issues)
        lap("prepare")
        pdfs = pdf_names(site) if o.pdf else {}
        content = collect(site, rendered, pdfs)
        photos = SitePhotos(site, rendered, self.digests, self.photo_store,
                            o.print_options.dpi)
        lap("photos")
        theme = load_theme(root)
        pages = SitePages(content, theme, self.digests,
                          root / CACHE_DIR / WEB_COPIES if o.use_cache else None,
                          env=self.environment(theme), photos=photos,
                          search_tags=self.search_tags, memo=self.memo)
        targets = pages.targets()
        printing = print_targets(site, rendered, theme, o, self.digests,
                                 pages.issue_digests, photos) if o.pdf else None
        pdf_targets = printing.targets() if printing else []
        targets += pdf_targets
        self.memo.sweep()
        lap("targets")
        warnings += photos.problems()
        dedup = self.check_repeats(site) if repeats else None
        if dedup is not None:
            self.say(summary_line(dedup))
        lap("repeats")
        if self.table is None:
            self.table = Table(root, out, enabled=o.use_cache)
        todo = stale(targets, self.table, trusted=watched)
        lap("stale")
        return Plan(site, rendered, photos, pages, printing, targets, pdf_targets, todo,
                    warnings, dedup, read_line, self.table,
                    printing.print_targets() if printing else [])

    def dry_run(self) -> CheckResult:
        """What `build` would report, writing nothing to the output: every stale page is
        rendered (into a folder thrown away) so that template errors show; stale PDFs are
        checked for characters the fonts lack, unchanged ones repeat their kept warnings."""
        with collector_paused():
            return self._dry_run()

    def _dry_run(self) -> CheckResult:
        plan = self.plan()
        pages = [t for t in plan.stale if t.kind in ("page", "text")]
        with tempfile.TemporaryDirectory(prefix="bantin-check-") as folder:
            make_into(Stage(Path(folder), whole=True), pages, range(len(pages)))
        warnings = plan.warnings + plan.pdf_notes()
        if plan.printing is not None:
            warnings += plan.printing.glyph_warnings([t for t in plan.stale if t.kind == "pdf"])
        self.save()
        return CheckResult(plan.site, warnings, plan.dedup, len(pages))

    def save(self) -> None:
        """Keep what this run learnt (renders, digests, photos, article bodies) for the
        next one."""
        self.loads.save_bodies()
        self.renders.save()
        self.digests.save()
        self.photo_store.save()
        self.search_tags.save()

    def flush(self) -> None:
        """Write what the builds since the last flush learnt (save_later), and keep in
        memory only what they used (the repeat check's paragraphs too)."""
        self.save()
        self.check.finish()
        self.loads.save()
        if self.table is not None:
            self.table.save()

    def put_pdf(self, job: PdfJob, made: Path, notes: list[str]) -> bool:
        """Put a PDF rendered elsewhere in place, if its issue did not change meanwhile (the
        last build left it stale with the same inputs); False when it is out of date."""
        table, out = self.table, self.options.out.resolve()
        if table is None or not any(j.target.path == job.target.path
                                    and j.target.inputs == job.target.inputs
                                    for j in self.pending):
            return False
        final = out / job.target.path
        with output_lock(out):
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(made, final)
            st = final.stat()
        table.files[job.target.path] = Record(job.target.inputs, st.st_size, st.st_mtime_ns,
                                              tuple(notes))
        table.settled[job.target.path] = job.target.inputs
        table.save()
        self.pending = [j for j in self.pending if j.target.path != job.target.path]
        return True

    def check_repeats(self, site: Site) -> Report:
        """The repeat check of a site this Builder has just built (its articles' checks are
        done; issues and the archive are checked here, unchanged ones from the cache)."""
        return check_site(site, use_cache=self.options.use_cache, run=self.check,
                          kept=self.archive, full_scan=False)

    def lap(self, stage: str) -> None:
        """Seconds since the last lap, by stage (`timings`: bench/ reads them)."""
        now = time.perf_counter()
        self.timings[stage] = now - self._lap if self.timings else now - self._started
        self._lap = now

    def environment(self, theme: Theme) -> jinja2.Environment:
        """One template environment per set of layout folders and templates in them
        (compiled templates are kept; Jinja2 reloads a template whose file changed)."""
        key = theme.layouts_key()
        if key not in self.envs:
            self.envs = {key: page_environment(theme)}
        return self.envs[key]

    def say_pdfs(self, total: int, made: int) -> None:
        kept = total - made
        if made:
            self.say(f"  … đã in {format_count(made)} bản PDF"
                     + (f", giữ nguyên {format_count(kept)} bản không đổi" if kept else ""))
        elif total:
            self.say(f"  … không cần in lại PDF: {format_count(kept)} bản không đổi")

    def say_prints(self, total: int, made: int) -> None:
        kept = f"{format_count(total - made)} bản không đổi" if total > made else ""
        done = f"đã in {format_count(made)} bản" if made else ""
        self.say(f"  … bản in trong {self.options.prints}: "
                 + ", ".join(s for s in (done, kept) if s))

    @contextmanager
    def print_files(self, plan: Plan) -> Iterator[list[Target]]:
        """The stale print files, made into the print folder's staging folder (holding its
        lock) before the block writes the output, put in place after it; thrown away if
        either fails. Files already there stay: a plain build never removes them."""
        if not plan.prints:
            yield []
            return
        folder, o = self.options.prints, self.options
        # The print folder has a table of its own: it is kept apart from the output (and
        # never pruned: later builds keep its files).
        table = Table(o.root, folder, enabled=o.use_cache, name=PRINT_TABLE)
        with output_lock(folder):
            if recover(folder):
                self.say("Đã dọn các thư mục tạm của một lần in trước bị ngắt giữa chừng.")
            todo = stale(plan.prints, table)
            stage = open_stage(folder, whole=False)
            try:
                notes = make_targets(todo, stage, o.workers, self.say)
                yield todo
            except BaseException:
                discard(folder)
                raise
            commit(folder, stage, todo, notes, table)
            if not (folder / MARKER).exists():
                (folder / MARKER).write_text(PRINT_MARKER_TEXT, encoding="utf-8")
            table.save()

    def write(self, out: Path, targets: list[Target], todo: list[Target], table: Table
              ) -> tuple[list[str], list[str]]:
        """Make what is stale, then put it in place and remove what no target makes. With
        no table of the last build (a cold build), everything is made as a new tree."""
        whole = not table.files
        created = not out.exists()
        stage = open_stage(out, whole)
        try:
            notes = make_targets(todo, stage, self.options.workers, self.say)
        except BaseException:
            discard(out)
            if created and not whole:
                out.rmdir()
            raise
        commit(out, stage, todo, notes, table)
        removed = [] if whole else prune(out, targets, table)
        return [p for t in todo for p in t.paths], removed


def build(options: BuildOptions, say: Say = lambda _: None,
          taken: uptodate.Taken | None = None) -> BuildResult:
    return Builder(options, say).build(taken=taken)


__all__ = ["BuildOptions", "BuildResult", "Builder", "build", "load"]
