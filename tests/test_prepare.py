"""Render once: records kept in the cache give back exactly what was rendered, their HTML
and search words read only when asked for, in this process or in a worker."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from bantin.build import Builder, BuildOptions
from bantin.cache import CACHE_DIR, DATABASE, JsonStore
from bantin.markdown import Rendered
from bantin.prepare import BODIES, WORDS, RenderStore
from bantin.workers import run_parts, shared

from .conftest import REPO


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, dict[str, Rendered]]:
    """The shipped Số 18 built once with its cache: its records, as rendered."""
    root = tmp_path / "site"
    for name in ("content", "issues"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site.yml", root / "site.yml")
    builder = Builder(BuildOptions(root=root, out=tmp_path / "public", pdf=False, workers=1))
    result = builder.build()
    records = {a.rel: builder.held[a.rel][1] for a in result.site.articles}
    return root, records


def kept(root: Path) -> RenderStore:
    store = JsonStore(root, "rendered")
    store.preload()
    return RenderStore(store)


def test_a_kept_record_reads_its_body_only_when_asked(built: tuple[Path, dict[str, Rendered]]
                                                      ) -> None:
    root, records = built
    store = kept(root)
    for made in records.values():
        got = store.get(made.key)
        assert got is not None
        assert got._html is None and got._words is None  # summary and photos only
        assert (got.summary, got.photos, got.shown) == (made.summary, made.photos, made.shown)
        assert got.words == made.words and got.words
        assert got._html is None  # the search index reads words, never the HTML with them
        assert got.html == made.html


def _bodies(indices: list[int]) -> list[tuple[str, str]]:
    records: list[Rendered] = shared("records")
    return [(records[k].html, records[k].words) for k in indices]


def test_a_worker_process_reads_bodies_on_its_own_connection(
        built: tuple[Path, dict[str, Rendered]]) -> None:
    root, records = built
    store = kept(root)
    lazy = [store.get(r.key) for r in records.values()]
    assert all(r is not None and r._html is None for r in lazy)
    parts = [[k] for k in range(len(lazy))]
    got = [b for part in run_parts(_bodies, parts, 2, records=lazy) for b in part]
    assert got == [(r.html, r.words) for r in records.values()]
    assert all(r is not None and r._html is None for r in lazy)  # the parent read nothing


@pytest.mark.parametrize("part", [BODIES, WORDS])
def test_a_record_whose_body_is_gone_is_made_again(built: tuple[Path, dict[str, Rendered]],
                                                   part: str) -> None:
    root, records = built
    with sqlite3.connect(root / CACHE_DIR / DATABASE) as db:
        db.execute("DELETE FROM entries WHERE store = ?", (part,))
    store = kept(root)
    assert all(store.get(r.key) is None for r in records.values())  # a miss, not a failure


@pytest.mark.parametrize("part", [BODIES, WORDS])
def test_a_body_spoilt_after_it_was_listed_is_rendered_again(
        built: tuple[Path, dict[str, Rendered]], part: str) -> None:
    root, records = built
    builder = Builder(BuildOptions(root=root, out=root.parent / "public", pdf=False,
                                   workers=1))
    plan = builder.plan()  # its records are read lazily: their bodies are listed, not read
    with sqlite3.connect(root / CACHE_DIR / DATABASE) as db:
        db.execute("UPDATE entries SET value = '[1, 2]' WHERE store = ?", (part,))
    for rel, made in records.items():
        assert plan.rendered[rel].html == made.html
        assert plan.rendered[rel].words == made.words
