"""Worker processes: the one place bantin forks.

Work is split into parts of indices into data the parent already holds (the site, its
renders, compiled templates); the children inherit that data through fork instead of
receiving pickles, and send back only small results. Forking is refused while other threads
run (the `serve` watcher and HTTP threads): a forked child would inherit their locks held.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any, TypeVar

R = TypeVar("R")
# Below this many articles (or pages) to make, one process is faster than forking workers.
PARALLEL_MIN = 300

# The data of the current parallel run, set just before forking and cleared after.
_SHARED: dict[str, Any] = {}


def can_fork() -> bool:
    return (sys.platform != "win32" and hasattr(os, "fork")
            and threading.active_count() == 1)


def worker_count(requested: int | None, items: int) -> int:
    """Processes worth starting for `items` parts: one per core, never more than parts."""
    if not can_fork():
        return 1
    return max(1, min(requested or os.cpu_count() or 1, items))


def shared(name: str, default: Any = None) -> Any:
    """What the parent handed to this run (read from a worker or from the parent)."""
    return _SHARED.get(name, default)


def remember(name: str, value: Any) -> None:
    """Keep a value for this process's next tasks of the same run (a worker's own copy)."""
    _SHARED[name] = value


@contextmanager
def sharing(**data: Any) -> Iterator[None]:
    _SHARED.update(data)
    try:
        yield
    finally:
        _SHARED.clear()


class Pool:
    """Workers forked once for several rounds of tasks (`map`), or this process alone."""

    def __init__(self, executor: ProcessPoolExecutor | None) -> None:
        self.executor = executor

    def map(self, task: Callable[..., R], *args: Iterable[Any]) -> Iterator[R]:
        if self.executor is None:
            return map(task, *args)
        return self.executor.map(task, *args)


@contextmanager
def pool(workers: int, **data: Any) -> Iterator[Pool]:
    """A Pool of `workers` forked processes sharing `data` (see `shared`); one process
    (this one) when workers <= 1 or forking is not safe here."""
    with sharing(**data):
        if workers <= 1 or not can_fork():
            yield Pool(None)
            return
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=ctx) as executor:
            yield Pool(executor)


@contextmanager
def in_background(task: Callable[..., R], *args: Any) -> Iterator[Callable[[], R]]:
    """Run task(*args) in a forked helper while this process goes on; call the yielded
    function for its result (computed here if the helper could not run or died)."""
    if not can_fork():
        yield lambda: task(*args)
        return
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    helper = ctx.Process(target=_send_result, args=(send, task, args), daemon=True)
    helper.start()
    send.close()

    def result() -> R:
        try:
            value: R = receive.recv()
        except EOFError:  # the helper died: do it here
            value = task(*args)
        return value

    try:
        yield result
    finally:
        receive.close()
        helper.terminate()  # still running only if the caller failed before asking
        helper.join()


def _send_result(send: Any, task: Callable[..., Any], args: tuple[Any, ...]) -> None:
    send.send(task(*args))
    send.close()


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a build runs: the ~100,000 objects a big archive
    loads set the collector off again and again, each time walking all of them (a third
    of a rebuild's time in `serve`; the `bantin` command runs without it anyway). What is
    freed by reference counting is still freed at once; cycles wait until the build is
    over."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# Parts per worker process: the run ends when the last part does, so with few big parts
# one worker waited idle for up to a part (~1 s of a 4.5 s cold prepare with 4 each).
PARTS_PER_WORKER = 16


def split(n: int, parts: int) -> list[list[int]]:
    """0..n-1 dealt round-robin into `parts` lists (neighbours spread: balanced load)."""
    return [part for part in ([*range(k, n, parts)] for k in range(parts)) if part]


def run_parts(task: Callable[[list[int]], R], parts: Sequence[list[int]], workers: int,
              progress: Callable[[int, int], None] | None = None, **data: Any) -> list[R]:
    """task(part) for every part: in this process when workers == 1, else in forked workers.
    `data` is available to the task through `shared(name)` in both cases. Results come back
    in the order of `parts`."""
    with sharing(**data):
        if workers <= 1 or len(parts) <= 1:
            return [task(part) for part in parts]
        ctx = multiprocessing.get_context("fork")
        results: list[Any] = [None] * len(parts)
        with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
            futures = {pool.submit(task, list(part)): k for k, part in enumerate(parts)}
            for done, future in enumerate(as_completed(futures), 1):
                results[futures[future]] = future.result()
                if progress:
                    progress(done, len(futures))
        return results
