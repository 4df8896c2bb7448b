"""Hostile and unlucky inputs (issue 11): each ends in a correct build or a Vietnamese error at
its file:line, within seconds and under a memory limit, reading nothing from outside the site
into the output and keeping the last good output byte for byte.

Each case is a copy of one good site (built once, in this process), broken in its own way.
The builds of the broken copies run through `bantin.cli.main` in a child process under
RLIMIT_AS and a time limit, one child for all of them (starting Python and bantin for each
would cost more than the builds). Markdown bodies and front matter are also thrown at the
loader and renderer by hypothesis."""

from __future__ import annotations

import functools
import json
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import hypothesis
import pytest
from hypothesis import strategies as st

from bantin import cache
from bantin.cli import main
from bantin.content import _may_nest_deeply, _tables, load
from bantin.errors import ContentError
from bantin.markdown import parser, too_deep
from bantin.prepare import render_articles
from bantin.search import MANIFEST

from .conftest import LOCAL, PROVINCIAL, REPO, write

MEMORY = 1 << 30  # RLIMIT_AS of the child that runs the hostile builds
TIMEOUT = 180  # seconds before the child counts as hung (a FIFO read, a loop)
FAST = 15.0  # seconds one hostile build may take (each takes under 2)
SECRET = "BÍ MẬT NGOÀI TRANG"  # text of files outside the site: never in the output
DROP_DAC = ("setpriv", "--bounding-set=-dac_override,-dac_read_search",
            "--inh-caps=-dac_override,-dac_read_search")
ENGLISH = re.compile(r"\b(found|expected|while|allowed|could not|cannot|error|denied|"
                     r"permission|such|file|directory|symbolic|links|traceback)\b", re.I)
PARA = ("Ngày 22/5/2026, UBND xã Tân Kỳ tổ chức hội nghị triển khai nhiệm vụ cải cách hành "
        "chính năm 2026 với sự tham dự của lãnh đạo các phòng, ban chuyên môn.")


def article(title: str, body: str, issue: int = 18) -> str:
    """An article of Số `issue` whose front matter takes file lines 1-8 (body from line 10)."""
    week = "25/5-29/5" if issue == 18 else "1/6-5/6"
    return (f'---\ntitle: {title}\nissue: {issue}\nyear: 2026\nweek: "{week}"\n'
            f"commune: Tân Kỳ\neditor: Hương Chi\n---\n\n{body}")


def line_of(text: str, needle: str) -> int:
    return next(k for k, line in enumerate(text.split("\n"), 1) if needle in line)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def published(folder: Path) -> dict[str, bytes]:
    """The output but the search manifest, whose version tag digests the sources' paths:
    a copy of the site rebuilt in another folder differs there, and only there."""
    return {k: v for k, v in snapshot(folder).items() if k != MANIFEST}


def png(path: Path) -> Path:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (900, 600), (30, 90, 160)).save(path, "PNG")
    old = time.time() - 3600  # older than FileDigests.RACY_NS: its digest is kept
    os.utime(path, (old, old))
    return path


# ---------------------------------------------------------------- running builds

class Run(NamedTuple):
    code: int | str  # the exit code, or the exception that escaped main()
    out: str
    err: str
    seconds: float


CHILD = r"""
import contextlib, io, json, sys, time
from bantin.cli import main

done = []
for argv in json.load(sys.stdin):
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except BaseException as exc:  # a crash is a result to assert on, not the end
            code = f"{type(exc).__name__}: {exc}"
    done.append([code, out.getvalue(), err.getvalue(), time.perf_counter() - start])
print("\n" + json.dumps(done))
"""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run_builds(jobs: list[list[str]], prefix: tuple[str, ...] = ()) -> list[Run]:
    """Each argument list run by bantin.cli.main, in order, in one child process under
    MEMORY and TIMEOUT (`prefix`: a command that runs the child, e.g. as another user)."""
    done = subprocess.run([*prefix, sys.executable, "-c", CHILD], input=json.dumps(jobs),
                          capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT,
                          preexec_fn=_limit_memory, cwd=REPO,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert done.returncode == 0, done.stderr[-3000:]  # killed: out of memory or a crash
    return [Run(*r) for r in json.loads(done.stdout.splitlines()[-1])]


def build_args(root: Path, *extra: str) -> list[str]:
    return ["build", "--root", str(root), "--no-pdf", *extra]


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Số 18 and Số 19 built once, with a photo and repeats so that every cache store has
    entries: the site each case copies and breaks."""
    root = tmp_path_factory.mktemp("good") / "site"
    write(root, "content/2026/18/ban-chi-dao.md", PROVINCIAL + f"\n{PARA}\n")
    write(root, "content/2026/18/tan-ky-an-toan.md",
          LOCAL + f"\n![Hội nghị triển khai](anh.png)\n\n{PARA}\n\n{PARA}\n")
    png(root / "content/2026/18/anh.png")
    write(root, "content/2026/19/tan-ky.md",
          article("Tân Kỳ sơ kết công tác cải cách hành chính", "Nội dung số 19.\n", 19))
    assert main(["build", "--root", str(root), "--no-pdf"]) == 0
    # copies answer no "nothing changed" (a build just after writing its sources keeps none)
    (root / ".bantin-cache/state.json").unlink(missing_ok=True)
    return root


def copy_of(good: Path, folder: Path) -> Path:
    """A copy of the good site with its output and cache, and a secret file beside it."""
    root = folder / "site"
    shutil.copytree(good, root, symlinks=True)
    write(folder, "ngoai/bi-mat.md", article(SECRET, f"{SECRET}\n"))
    return root


def assert_refused(root: Path, run: Run, before: dict[str, bytes]) -> list[str]:
    """A failed build that said why in Vietnamese, quickly, and left the output as it was;
    its error lines."""
    assert run.code == 1, run.out + run.err
    assert "lỗi ngoài dự kiến" not in run.err and "Traceback" not in run.err, run.err
    assert "thư mục xuất cũ được giữ nguyên" in run.err
    assert run.seconds < FAST
    assert snapshot(root / "public") == before
    assert not list(root.glob(".public.*"))
    lines = [ln for ln in run.err.splitlines()
             if ln.startswith(("content/", "site.yml")) and ": cảnh báo: " not in ln]
    for ln in lines:  # the outside path a link names is the machine's, not a message
        assert not ENGLISH.search(re.sub(r"\(/[^)]*\)", "", ln)), ln
        assert len(ln) < 600
    return lines


def assert_nothing_from_outside(root: Path) -> None:
    for name, data in snapshot(root / "public").items():
        assert SECRET.encode() not in data, name


# ---------------------------------------------------------------- hostile sources

def _outside_file(root: Path) -> tuple[str, str]:
    os.symlink(root.parent / "ngoai/bi-mat.md", root / "content/2026/18/bi-mat.md")
    return "content/2026/18/bi-mat.md", "liên kết (symlink) trỏ ra ngoài thư mục trang"


def _outside_folder(root: Path) -> tuple[str, str]:
    os.symlink(root.parent / "ngoai", root / "content/2026/ngoai")
    return "content/2026/ngoai", "liên kết (symlink) trỏ ra ngoài thư mục trang"


def _relative_escape(root: Path) -> tuple[str, str]:
    os.symlink("../../../../ngoai/bi-mat.md", root / "content/2026/18/tuong-doi.md")
    return "content/2026/18/tuong-doi.md", "trỏ ra ngoài thư mục trang"


def _folder_loop(root: Path) -> tuple[str, str]:
    os.symlink("..", root / "content/2026/18/vong")
    return "content/2026/18/vong", "liên kết (symlink) tới thư mục content/2026 đã đọc rồi"


def _file_loop(root: Path) -> tuple[str, str]:
    os.symlink("vong.md", root / "content/2026/18/vong.md")
    return "content/2026/18/vong.md", "liên kết (symlink) vòng"


def _same_folder_twice(root: Path) -> tuple[str, str]:
    os.symlink("../../content/2026/19", root / "content/2026/so-19")
    return "content/2026/so-19", "liên kết (symlink) tới thư mục content/2026/19 đã đọc rồi"


def _broken_link(root: Path) -> tuple[str, str]:
    os.symlink("khong-con.md", root / "content/2026/18/mat.md")
    return "content/2026/18/mat.md", "liên kết (symlink) trỏ tới tệp không còn"


def _fifo(root: Path) -> tuple[str, str]:
    os.mkfifo(root / "content/2026/18/ong.md")  # reading it would wait forever
    return "content/2026/18/ong.md", "không phải tệp văn bản thường"


def _deep_list(root: Path) -> tuple[str, str]:
    body = ("Mở đầu\n" + "".join("  " * i + f"- mục {i}\n" for i in range(12))
            + "\nĐoạn cuối sẽ mất\n")
    text = article("Danh sách lồng quá sâu", body)
    write(root, "content/2026/18/sau.md", text)
    return f"content/2026/18/sau.md:{line_of(text, '- mục 9')}", "lồng nhau quá sâu"


def _deep_quote(root: Path) -> tuple[str, str]:
    text = article("Trích dẫn lồng quá sâu", "Mở đầu\n\n" + ">" * 40 + " trích\n\nCuối\n")
    write(root, "content/2026/18/trich.md", text)
    return f"content/2026/18/trich.md:{line_of(text, '>>>')}", "lồng nhau quá sâu"


def _huge_table(root: Path) -> tuple[str, str]:
    rows = "".join(f"| {i} | Xã {i} | 100% |\n" for i in range(20_000))
    text = article("Bảng hai vạn dòng", f"Số liệu:\n\n| TT | Xã | Tỷ lệ |\n|---|---|---|\n{rows}")
    write(root, "content/2026/18/bang.md", text)
    return f"content/2026/18/bang.md:{line_of(text, '| TT |')}", "bảng dài 20.001 dòng"


def _huge_tab_table(root: Path) -> tuple[str, str]:
    rows = "".join(f"{i}\tXã {i}\t100%\n" for i in range(20_000))
    text = article("Bảng dán từ Word", f"Số liệu:\nTT\tXã\tTỷ lệ\n{rows}")
    write(root, "content/2026/18/bang-word.md", text)
    return f"content/2026/18/bang-word.md:{line_of(text, 'TT')}", "bảng dài 20.001 dòng"


def _many_tables(root: Path) -> tuple[str, str]:
    table = "| A | B |\n|---|---|\n" + "| 1 | 2 |\n" * 900 + "\n"
    text = article("Ba bảng dài", "Mở đầu\n\n" + table * 3)
    write(root, "content/2026/18/ba-bang.md", text)
    third = [k for k, ln in enumerate(text.split("\n"), 1) if ln == "| A | B |"][2]
    return f"content/2026/18/ba-bang.md:{third}", "các bảng của bài tới bảng này dài 2.703"


def _oversized(root: Path) -> tuple[str, str]:
    write(root, "content/2026/18/dai.md", article("Bài ba triệu byte", f"{PARA}\n" * 16_000))
    return "content/2026/18/dai.md", "quá giới hạn 2 MB"


def _section_twice(root: Path) -> tuple[str, str]:
    write(root, "site.yml", "sections:\n  - TIN CCHC TỈNH\n  - TIN CCHC ĐỊA PHƯƠNG\n"
          "  - TIN CCHC TỈNH\n")
    return "site.yml:4", 'chuyên mục "TIN CCHC TỈNH" có hai lần trong sections'


CASES: dict[str, Callable[[Path], tuple[str, str]]] = {
    "outside-file": _outside_file, "outside-folder": _outside_folder,
    "relative-escape": _relative_escape, "same-folder-twice": _same_folder_twice,
    "broken-link": _broken_link, "fifo": _fifo, "deep-list": _deep_list,
    "deep-quote": _deep_quote, "huge-table": _huge_table, "huge-tab-table": _huge_tab_table,
    "many-tables": _many_tables, "oversized": _oversized, "section-twice": _section_twice,
}
LOOPS = {"file-loop": _file_loop, "folder-loop": _folder_loop}


def _inside_links(root: Path) -> tuple[str, str]:
    write(root, "chia-se/chung.md", article("Bài dùng chung của hai số", f"{PARA}\n"))
    os.symlink("../../../chia-se/chung.md", root / "content/2026/18/chung.md")
    return "", ""


class Case(NamedTuple):
    root: Path
    before: dict[str, bytes]
    where: str
    said: str
    run: Run


@pytest.fixture(scope="module")
def hostile(good: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    """Every case of CASES and LOOPS broken in its own copy of the good site and built,
    in one child process. Loops are built twice: as is and with --no-cache (which skips
    the up-to-date check)."""
    made: dict[str, tuple[Path, dict[str, bytes], str, str, list[str]]] = {}
    for name, make in [*CASES.items(), *LOOPS.items(), ("inside-links", _inside_links)]:
        for extra in ((), ("--no-cache",)) if name in LOOPS else ((),):
            key = name + "".join(extra)
            root = copy_of(good, tmp_path_factory.mktemp(key))
            before = snapshot(root / "public")
            made[key] = (root, before, *make(root), build_args(root, *extra))
    runs = run_builds([m[4] for m in made.values()])
    return {k: Case(*m[:4], r) for (k, m), r in zip(made.items(), runs, strict=True)}


@pytest.mark.parametrize("name", [*CASES, *(f"{n}--no-cache" for n in LOOPS)])
def test_hostile_source_is_told_at_its_file_line_and_the_output_kept(
        hostile: dict[str, Case], name: str) -> None:
    case = hostile[name]
    lines = assert_refused(case.root, case.run, case.before)
    assert any(ln.startswith(f"{case.where}: ") and case.said in ln for ln in lines), lines
    assert len(lines) == 1, lines  # nothing else of the site is blamed
    assert_nothing_from_outside(case.root)


@pytest.mark.parametrize("name", list(LOOPS))
def test_symlink_loop_is_told_by_a_default_build(hostile: dict[str, Case], name: str) -> None:
    case = hostile[name]
    lines = assert_refused(case.root, case.run, case.before)
    assert any(ln.startswith(f"{case.where}: ") and case.said in ln for ln in lines), lines


def test_links_inside_the_site_are_followed(hostile: dict[str, Case]) -> None:
    case = hostile["inside-links"]
    assert case.run.code == 0, case.run.err
    assert any("bai-dung-chung" in name for name in published(case.root / "public"))


# ---------------------------------------------------------------- unreadable sources

@functools.cache
def _as_other_user() -> tuple[str, ...] | None:
    """How to run a build that permissions apply to: as is for a normal user; as root,
    under setpriv without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH; None if neither."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        locked = Path(folder, "khoa")
        locked.mkdir(mode=0)
        probe = subprocess.run([*DROP_DAC, sys.executable, "-c",
                                f"import os; os.listdir({str(locked)!r})"],
                               capture_output=True, text=True, timeout=30)
        locked.chmod(0o700)
    return DROP_DAC if "PermissionError" in probe.stderr else None


UNREADABLE = {
    "content/2026/19": "content/2026/19: không đọc được thư mục (không có quyền đọc)",
    "content/2026/18/ban-chi-dao.md":
        "content/2026/18/ban-chi-dao.md: không đọc được tệp (không có quyền đọc)",
}


@pytest.fixture(scope="module")
def unreadable(good: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    prefix = _as_other_user()
    if prefix is None:
        pytest.skip("running as root and setpriv cannot drop CAP_DAC_OVERRIDE: no folder "
                    "can be made unreadable")
    made = {}
    for target, said in UNREADABLE.items():
        root = copy_of(good, tmp_path_factory.mktemp("khong-doc-duoc"))
        made[target] = (root, snapshot(root / "public"), target, said)
        (root / target).chmod(0)
    try:
        runs = run_builds([build_args(m[0]) for m in made.values()], prefix)
    finally:
        for root, _, target, _ in made.values():
            (root / target).chmod(0o755)
    return {k: Case(*m, r) for (k, m), r in zip(made.items(), runs, strict=True)}


@pytest.mark.parametrize("target", list(UNREADABLE))
def test_unreadable_source_fails_the_build_and_keeps_the_issue(
        unreadable: dict[str, Case], target: str) -> None:
    case = unreadable[target]
    assert any(p.startswith("2026/19/") for p in case.before)  # what must not vanish
    lines = assert_refused(case.root, case.run, case.before)
    assert len(lines) == 1 and lines[0].startswith(case.said), lines
    assert "cấp quyền đọc" in lines[0]


# ---------------------------------------------------------------- the cache

def _rows(root: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(root / cache.CACHE_DIR / cache.DATABASE) as db:
        return list(db.execute("SELECT store, key, value FROM entries"))


def _set_values(root: Path, change: Callable[[str, str, Any], Any]) -> None:
    path = root / cache.CACHE_DIR / cache.DATABASE
    with sqlite3.connect(path) as db:
        for store, key, value in list(db.execute("SELECT store, key, value FROM entries")):
            db.execute("UPDATE entries SET value = ? WHERE store = ? AND key = ?",
                       (json.dumps(change(store, key, json.loads(value))), store, key))


def test_cache_shapes_match_what_bantin_writes(good: Path) -> None:
    """Every value a real build stores passes its store's shape check (else every build
    would call the cache damaged and never use it)."""
    rows = _rows(good)
    stores = {store for store, _, _ in rows}
    assert stores >= {"articles", "rendered", "photos", "dedup", "file-digests"}, stores
    for store, key, value in rows:
        assert cache.SHAPES[store](key, json.loads(value)), (store, key, value[:200])
    local = [json.loads(v) for s, k, v in rows if s == "dedup" and k.startswith("a")]
    assert any(r[1] for r in local)  # findings of an article, not only empty lists


def _wrong_shapes(store: str, key: str, value: Any) -> Any:
    bad: list[Any] = [[], {}, "x", [1, 2, 3], [[["sâu"]]], {"article": None}, 7, True, None]
    return bad[sum(map(ord, store + key)) % len(bad)]


def _planted_article(store: str, key: str, value: Any) -> Any:
    """A value of the right shape that its file could not have given: a slug that leaves
    the output folder, or another file's name; the secret as title."""
    if store == "articles" and value["article"]:
        planted = {"slug": "../../../thoat-ra", "title": SECRET}
        if "/19/" in value["article"]["rel"]:
            planted = {"slug": "bai-khac", "rel": "content/2026/19/khac.md", "title": SECRET}
        value["article"] |= planted
    return value


def _other_table(path: Path) -> None:
    """A database of another program, with a table of the same name."""
    path.unlink()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE entries (a, b)")
        db.execute("INSERT INTO entries VALUES (1, 2)")


def _link(path: Path) -> None:
    """A link in the cache's place to a file outside the site (SQLite would happily make an
    empty file a database)."""
    path.unlink()
    os.symlink(path.parent.parent.parent / "ngoai/tep-rong", path)


def _journal_link(path: Path) -> None:
    """A journal beside the cache that links to a file outside: SQLite would write the
    journal through it."""
    os.symlink(path.parent.parent.parent / "ngoai/tep-rong", f"{path}-journal")


def _fifo_cache(path: Path) -> None:
    """A pipe in the cache's place: reading it would wait forever."""
    path.unlink()
    os.mkfifo(path)


def _folder(path: Path) -> None:
    path.unlink()
    write(path, "ben-trong.txt", "không phải bộ nhớ đệm")


DAMAGE: dict[str, Callable[[Path], None]] = {
    "journal-link": _journal_link,
    "folder": _folder,
    "fifo": _fifo_cache,
    "garbage": lambda p: p.write_bytes(os.urandom(50_000)),
    "other-format": lambda p: p.write_bytes(b"\x80\x04\x95" + b"cos\nsystem\n" * 100),
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
    "other-table": _other_table,
    "wrong-shapes": lambda p: _set_values(p.parent.parent, _wrong_shapes),
    "planted-article": lambda p: _set_values(p.parent.parent, _planted_article),
    "link": _link,
}


KEYED = ("wrong-shapes", "planted-article")  # damage the entries a build looks up


@pytest.fixture(scope="module")
def damaged(good: Path, tmp_path_factory: pytest.TempPathFactory,
            ) -> dict[str, tuple[Case, Run]]:
    """Each DAMAGE done to the cache of a copy of the good site, built, then built again
    (the second build must find a good cache). The copies whose entries must be looked up
    are built once in their own folder first: the cache's keys name the sources' paths."""
    roots = {kind: copy_of(good, tmp_path_factory.mktemp(kind)) for kind in DAMAGE}
    keyed = [roots[kind] for kind in KEYED]
    assert all(r.code == 0 for r in run_builds([build_args(r) for r in keyed]))
    made = {}
    for kind, root in roots.items():
        (root.parent / "ngoai/tep-rong").write_bytes(b"")
        before = (snapshot if kind in KEYED else published)(root / "public")
        DAMAGE[kind](root / cache.CACHE_DIR / cache.DATABASE)
        (root / ".bantin-cache/state.json").unlink(missing_ok=True)
        made[kind] = (root, before, "", "")
    first = run_builds([build_args(m[0]) for m in made.values()])
    for root, *_ in made.values():
        (root / ".bantin-cache/state.json").unlink(missing_ok=True)  # a real build again
    second = run_builds([build_args(m[0]) for m in made.values()])
    return {k: (Case(*m, r1), r2)
            for (k, m), r1, r2 in zip(made.items(), first, second, strict=True)}


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_damaged_cache_is_rebuilt_and_told_once(damaged: dict[str, tuple[Case, Run]],
                                                kind: str) -> None:
    case, again = damaged[kind]
    run = case.run
    assert run.code == 0, run.err
    assert run.err.count(cache.DAMAGED) == 1, run.err
    assert "lỗi" not in run.err and run.seconds < FAST
    same = snapshot if kind in KEYED else published
    assert same(case.root / "public") == case.before  # the same site, nothing planted
    assert_nothing_from_outside(case.root)
    path = case.root / cache.CACHE_DIR / cache.DATABASE
    assert not path.is_symlink()
    assert (case.root.parent / "ngoai/tep-rong").read_bytes() == b""  # not written through
    for store, key, value in _rows(case.root):  # made anew: every entry is bantin's
        assert cache.SHAPES[store](key, json.loads(value)), (store, key)
    assert again.code == 0 and cache.DAMAGED not in again.err, again.err


def test_store_told_once_and_values_of_other_shapes_are_misses(tmp_path: Path) -> None:
    told: list[str] = []
    old, cache.tell = cache.tell, told.append
    try:
        for name in cache.SHAPES:
            store = cache.JsonStore(tmp_path, name)
            for k, bad in enumerate(([], {}, "x", [1], None, [[1, 2, 3]], {"diags": []})):
                store.put(f"a{k}", bad)
            store.save()
            store.close()
            store = cache.JsonStore(tmp_path, name)
            store.preload()
            assert all(store.get(f"a{k}") is None for k in range(7)), name
            store.close()
    finally:
        cache.tell = old
    assert told == [cache.DAMAGED]


# ---------------------------------------------------------------- any text at all

# Markdown's signs, quotes, Vietnamese letters, digits, blanks and odd breaks
MD_ALPHABET = "-+*>#|`~_[]()!:\\<&. \t\n\n\n1)abcđêơ“”\u2028"
MD_PIECES = st.sampled_from(["- ", "+ ", "* ", "1. ", "> ", "  ", "    ", "\t", "| a | b |",
                             "|---|---|", "a\tb\tc", "![ảnh](anh.png)", "## ", "Đoạn văn",
                             "\n", "\n\n", "```", "---"])
BODIES = st.one_of(st.text(alphabet=MD_ALPHABET, max_size=300),
                   st.lists(MD_PIECES, max_size=60).map("".join), st.text(max_size=80))
FRONT_ALPHABET = ":-[]{}&*!|>'\"#%@`?,.~\\ \t\n“”abcđêơ0189"
FRONTS = st.one_of(st.text(alphabet=FRONT_ALPHABET, max_size=120),
                   st.just('title: Bài thử\nissue: 18\nyear: 2026\nweek: "25/5-29/5"\n'
                           "commune: Tân Kỳ\neditor: Hương Chi"))


def _load_and_render(text: str) -> None:
    """Either a site whose every article renders whole, or only located Vietnamese errors."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = root / "content/2026/18/bai.md"
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
        lines = text.count("\n") + 2
        try:
            site, warnings = load(root)
        except ContentError as exc:
            said = exc.diagnostics + exc.warnings
        else:
            said = warnings
            rendered = render_articles(site)
            for a in site.articles:
                md = parser(a.paragraph_rule)
                assert too_deep(md.parse(a.body, {}), md.options.maxNesting) is None
                assert a.rel in rendered
    for d in said:
        assert d.path == "content/2026/18/bai.md", d.format()
        assert d.line is None or 1 <= d.line <= lines, d.format()
        assert len(d.message) + len(d.hint) < 800
        assert not ENGLISH.search(d.message + d.hint), d.format()


@hypothesis.settings(max_examples=60, deadline=None)
@hypothesis.given(BODIES)
def test_any_markdown_body_builds_or_is_told(body: str) -> None:
    _load_and_render(article("Bài thử", body))


@hypothesis.settings(max_examples=40, deadline=None)
@hypothesis.given(FRONTS, BODIES)
def test_any_front_matter_and_body_build_or_are_told(front: str, body: str) -> None:
    _load_and_render(f"---\n{front}\n---\n{body}")


@hypothesis.settings(max_examples=200, deadline=None)
@hypothesis.given(st.lists(st.sampled_from(["- ", "* ", "+ ", "1. ", "2) ", "> ", ">", "  ",
                                            "   ", "\t", "x", "\n", "\n\n", "-", " - "]),
                           max_size=90).map("".join),
                  st.sampled_from(["lines", "markdown"]))
def test_nesting_is_parsed_for_whenever_it_can_overflow(body: str, rule: str) -> None:
    """The cheap look that decides whether a body is parsed at load never misses a body
    the parser would cut."""
    md = parser(rule)
    if too_deep(md.block.parse(body, md, {}, []) or [], md.options.maxNesting) is not None:
        assert _may_nest_deeply(body)


@hypothesis.settings(max_examples=150, deadline=None)
@hypothesis.given(st.lists(st.sampled_from(["| a | b |", "|---|---|", "| 1 | 2 |", "x | y",
                                            "a\tb", "a\tb\tc", "\t", "- mục", "## Đề mục",
                                            "> trích", "---", "văn bản", "", "   | c |",
                                            "    | d |", "```", "> | a | b |",
                                            "> |---|---|", "> | 1 | 2 |", "- | a | b |",
                                            "  |---|---|", "  | 3 | 4 |", ">"]),
                           max_size=40).map("\n".join),
                  st.sampled_from(["lines", "markdown"]))
def test_tables_are_never_counted_short(body: str, rule: str) -> None:
    """The rows counted from the text, which decide the print limit without parsing, are
    never fewer than the rows the parser makes."""
    md = parser(rule)
    made = sum(t.type == "tr_open" for t in md.block.parse(body, md, {}, []) or [])
    assert sum(rows for _, rows in _tables(body.split("\n"))) >= made


@pytest.mark.parametrize(("sections", "said"), [
    ("[TIN CCHC TỈNH, TIN CCHC ĐỊA PHƯƠNG, Tin cchc tỉnh]",
     'site.yml:1: chuyên mục "Tin cchc tỉnh" có hai lần trong sections'),
    ("\n  - TIN CCHC TỈNH\n  - TIN CCHC ĐỊA PHƯƠNG\n  - TIN CCHC TINH",
     'site.yml:4: chuyên mục "TIN CCHC TINH" trùng địa chỉ trang "tin-cchc-tinh" với chuyên '
     'mục "TIN CCHC TỈNH"'),
])
def test_sections_that_would_print_twice_are_refused_at_their_line(
        tmp_path: Path, sections: str, said: str) -> None:
    write(tmp_path, "content/2026/18/bai.md", PROVINCIAL)
    write(tmp_path, "site.yml", f"sections: {sections}\n")
    with pytest.raises(ContentError) as caught:
        load(tmp_path)
    [error] = caught.value.diagnostics  # the first entry stands, no other error follows
    assert error.format().startswith(said)
