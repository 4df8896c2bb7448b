"""The PDF of the issue being edited, following the edits while `serve` runs.

Each good rebuild hands over the issue PDFs it left stale. Once the edits pause, the one of
the issue being edited is laid out by WeasyPrint in another process (spawned: a fork of the
threaded server could inherit a held lock), so the pages never wait for it. It is put in
place only if no later build changed its issue meanwhile; the open pages are told when it
is being printed, ready or failed.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from multiprocessing.pool import Pool
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .build import Builder
    from .pdf import PdfJob

PAUSE = 1.5  # seconds without a rebuild before a PDF is laid out again
Notify = Callable[[str, dict[str, Any]], None]


def chosen(jobs: Iterable[PdfJob], changes: Iterable[str]) -> list[PdfJob]:
    """The stale PDFs worth printing now: of the issues whose articles or issue file changed;
    when only the theme or site.yml changed, the newest issue's."""
    jobs = list(jobs)
    changes = set(changes)
    mine = [j for j in jobs
            if any(a.rel in changes for a in j.issue.articles)
            or f"issues/{j.issue.year}-{j.issue.number}.yml" in changes]
    sources = any(c.startswith(("content/", "issues/")) for c in changes)
    if mine or sources or not jobs:
        return mine
    return [max(jobs, key=lambda j: j.issue.key)]


STOP_POLL = 0.2  # seconds between looks at whether serve is stopping, while a PDF prints


class _Stopped(Exception):
    """serve stopped while a PDF was printing (it is abandoned)."""


def _end_resource_tracker() -> None:
    """End the helper process multiprocessing starts beside a spawn pool, and wait for it:
    left alone it outlived `serve` by a second or more after Ctrl-C. The pool's locks are
    collected first (each one tells the helper it is gone), so the helper has nothing left
    to clean. (A private function of the standard library: if it is gone, the helper still
    ends on its own.)"""
    from multiprocessing import resource_tracker

    gc.collect()
    with contextlib.suppress(Exception):
        resource_tracker._resource_tracker._stop()


class PdfFollower:
    """Renders the chosen PDFs one at a time, after each pause in the edits."""

    def __init__(self, builder: Builder, lock: threading.Lock, notify: Notify,
                 say: Callable[[str], None]) -> None:
        self.builder = builder
        self.lock = lock  # held while the builder builds: a PDF is put in place between
        self.notify = notify
        self.say = say
        self.folder = builder.options.out.resolve().parent / (
            f".{builder.options.out.name}.bantin-pdf")
        self._cond = threading.Condition()
        self._jobs: list[PdfJob] = []
        self._due = 0.0
        self._stopping = False
        self._pool: Pool | None = None
        self._thread = threading.Thread(target=self._run, name="bantin-in-pdf", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def offer(self, jobs: list[PdfJob]) -> None:
        """A rebuild finished: these PDFs are stale now (they replace any waiting ones)."""
        with self._cond:
            self._jobs = list(jobs)
            self._due = time.monotonic() + PAUSE
            self._cond.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """No PDF waiting nor being printed (for tests)."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._jobs and not self._busy, timeout)

    _busy = False

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._pool is not None:
            self._pool.terminate()  # a layout in progress is abandoned, not waited for
            self._pool.join()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        if self._pool is not None:
            self._pool = None
            _end_resource_tracker()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _next(self) -> PdfJob | None:
        with self._cond:
            while not self._stopping:
                now = time.monotonic()
                if self._jobs and now >= self._due:
                    self._busy = True
                    return self._jobs.pop(0)
                self._cond.wait(self._due - now if self._jobs else None)
            return None

    def _run(self) -> None:
        while (job := self._next()) is not None:
            try:
                self._print(job)
            except Exception as exc:  # shown, never fatal: the preview goes on
                if not self._stopping:
                    self._tell(job, "failed", str(exc) or type(exc).__name__)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _print(self, job: PdfJob) -> None:
        from .pdf import render_document

        self._tell(job, "rendering")
        document = job.document()
        self.folder.mkdir(parents=True, exist_ok=True)
        made = self.folder / Path(job.target.path).name
        if self._pool is None:
            # A fresh process for every PDF, with WeasyPrint imported while the edits go on:
            # its caches never pile up however long serve runs, and a PDF never waits for
            # the ~1 s import.
            self._pool = multiprocessing.get_context("spawn").Pool(
                1, initializer=_warm, maxtasksperchild=1)
        options = self.builder.options
        pending = self._pool.apply_async(render_document, (options.root, document, made,
                                                           options.print_options,
                                                           job.targets.renderer.copy_folder))
        while True:  # a pool ended by stop() never answers: look up now and then
            try:
                problems = pending.get(timeout=STOP_POLL)
                break
            except multiprocessing.TimeoutError:
                if self._stopping:
                    raise _Stopped from None
        with self.lock:
            placed = self.builder.put_pdf(job, made, job.notes(document, problems))
        if placed:
            self._tell(job, "ready")
        else:  # the issue changed while it was printed: the next offer has it
            made.unlink(missing_ok=True)

    def _tell(self, job: PdfJob, state: str, message: str = "") -> None:
        label = job.issue.label
        self.notify("pdf", {"state": state, "issue": label, "url": job.target.path,
                            "message": message})
        if state == "ready":
            self.say(f"Đã in xong PDF {label}: {job.target.path}")
        elif state == "failed":
            self.say(f"Chưa in được PDF {label}: {message}")


def _warm() -> None:
    """The PDF helper's first step: import what laying out a PDF needs."""
    import weasyprint  # noqa: F401

    from . import pdf  # noqa: F401
