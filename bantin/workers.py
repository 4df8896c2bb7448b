"""Worker processes: the one place bantin forks.

Work is split into parts of indices into data the parent already holds (the site, its
renders, compiled templates); the children inherit that data through fork instead of
receiving pickles, and send back only small results. Forking is refused while other threads
run (the `serve` watcher and HTTP threads): a forked child would inherit their locks held.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any, TypeVar

R = TypeVar("R")

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


def shared(name: str) -> Any:
    """What the parent handed to this run (read from a worker or from the parent)."""
    return _SHARED[name]


@contextmanager
def sharing(**data: Any) -> Iterator[None]:
    _SHARED.update(data)
    try:
        yield
    finally:
        _SHARED.clear()


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
