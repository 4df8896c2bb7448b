"""The output folder under stress: builds killed with kill -9, two builds on one output,
WeasyPrint's temp folders, pdf_name from site.yml, outputs inside sources, slugs that can't
be folder names. Real builds of small sites, in subprocesses where a process must die."""

from __future__ import annotations

import dataclasses
import errno
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bantin import targets
from bantin.cli import main
from bantin.content import SLUG_MAX
from bantin.errors import BantinError, ContentError, UsageError
from bantin.output import MARKER, check_output_dir, lock_path, output_lock
from bantin.pdf import pdf_file_name, weasyprint_temp
from bantin.theme import default_dir

from .conftest import PROVINCIAL, REPO, many_issues, write

BUILD = [sys.executable, str(REPO / "build.py"), "build"]
BUSY = "một lần dựng khác"


# --------------------------------------------------------------------------- helpers


def start(root: Path, out: Path, *extra: str, temp: Path | None = None,
          wait: float | None = None) -> subprocess.Popen[str]:
    """`bantin build` in its own process (the console entry point: no cyclic collector,
    os._exit at the end, like an editor's build)."""
    env = dict(os.environ)
    if temp is not None:
        env["TMPDIR"] = str(temp)
    if wait is not None:
        env["BANTIN_LOCK_WAIT"] = str(wait)
    return subprocess.Popen([*BUILD, "--root", str(root), "--out", str(out), *extra],
                            cwd=REPO, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen[str], timeout: float = 240) -> tuple[int, str]:
    _, err = proc.communicate(timeout=timeout)
    return proc.returncode, err


def wait_for(ready: Callable[[], bool], proc: subprocess.Popen[str],
             timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, f"the build ended first: {proc.communicate()}"
        assert time.monotonic() < deadline, "the build never got there"
        time.sleep(0.02)


def rendering(folder: Path) -> Callable[[], bool]:
    """True once WeasyPrint lays out a PDF inside `folder` (its temp folder is there)."""
    return lambda: folder.is_dir() and any(folder.rglob(".bantin-tmp-*"))


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has stopped: nobody reaped it yet


def leftovers(out: Path) -> list[str]:
    """Anything a build leaves beside or inside the output besides the output itself (its
    lock file too: there only while a build runs)."""
    beside = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]
    inside = [p.relative_to(out).as_posix() for p in out.rglob(".bantin-*")
              if p.name != MARKER] if out.is_dir() else []
    return beside + inside


def weasyprint_folders(temp: Path) -> list[str]:
    return [p.name for p in temp.iterdir() if p.name.startswith("weasyprint-")]


def assert_complete(out: Path, issues: int, pdf: bool = True) -> None:
    assert (out / MARKER).is_file() and (out / "index.html").is_file()
    for n in range(1, issues + 1):
        folder = out / f"2026/{n}"
        assert (folder / "index.html").is_file()
        assert len(list(folder.glob("*/index.html"))) == 9
        if pdf:
            assert (folder / f"ban-tin-cchc-so-{n}-2026.pdf").read_bytes().startswith(b"%PDF-")


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- 1. kill -9


def test_a_cold_build_killed_while_printing_is_cleared_by_the_next(tmp_path: Path) -> None:
    root = many_issues(tmp_path / "site", 3)
    out, temp = root / "public", tmp_path / "tmp"
    temp.mkdir()
    new = targets.stage_folders(out)[1]
    build = start(root, out, temp=temp)
    wait_for(rendering(new), build)
    workers = children(build.pid)
    assert workers or (os.cpu_count() or 1) == 1  # two or more issues: forked workers
    build.kill()  # SIGKILL: no finally block runs
    build.wait()
    assert new.is_dir() and not out.exists()  # what the issue saw: a tree left for ever
    # The PDF workers die with the build: an orphan would keep writing into the stage.
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if alive(w)]

    code, err = finish(start(root, out, temp=temp))
    assert code == 0, err
    assert "Đã dọn các thư mục tạm của một lần dựng trước bị ngắt giữa chừng" in err
    assert_complete(out, 3)
    assert leftovers(out) == []
    assert weasyprint_folders(temp) == []


def test_an_incremental_build_killed_keeps_the_output_and_is_cleared(tmp_path: Path) -> None:
    root = many_issues(tmp_path / "site", 3)
    out = root / "public"
    code, err = finish(start(root, out, "--no-pdf"))
    assert code == 0, err
    pages = snapshot(out)
    staging = targets.stage_folders(out)[0]
    build = start(root, out)  # only the PDFs are stale: made in out/.bantin-staging
    wait_for(rendering(staging), build)
    build.kill()
    build.wait()
    assert staging.is_dir()
    kept = {p for p in snapshot(out) if not p.startswith(".bantin-staging/")}
    assert kept == pages.keys()  # the last good output is all there, as it was

    code, err = finish(start(root, out))
    assert code == 0, err
    assert_complete(out, 3)
    assert leftovers(out) == []


def test_leftovers_of_older_versions_are_cleared(tmp_path: Path) -> None:
    root = many_issues(tmp_path / "site", 1)
    out = root / "public"
    assert main(["build", "--root", str(root), "--out", str(out), "--no-pdf"]) == 0
    for name in (".public.tmp-4242", ".public.old-4243", ".public.bantin-new",
                 ".public.bantin-old", "public/.bantin-staging"):
        write(root, f"{name}/2026/1/index.html", "cũ")
    other = write(root, ".publicx.tmp-1/giu-lai.txt", "không phải của bản dựng này")
    assert main(["build", "--root", str(root), "--out", str(out), "--no-pdf"]) == 0
    assert leftovers(out) == []
    assert other.is_file()
    assert_complete(out, 1, pdf=False)


def test_the_output_swapped_out_by_a_killed_build_is_put_back(tmp_path: Path) -> None:
    """Killed between the two renames of the old way of swapping: no public/ at all, the
    last good output beside it."""
    root = many_issues(tmp_path / "site", 1)
    out = root / "public"
    assert main(["build", "--root", str(root), "--out", str(out), "--no-pdf"]) == 0
    _, new, old = targets.stage_folders(out)
    out.rename(old)
    write(new, "index.html", "dở dang")
    assert targets.recover(out)
    assert_complete(out, 1, pdf=False)
    assert leftovers(out) == []
    # the same from a version that named it .public.old-PID
    out.rename(out.parent / ".public.old-777")
    assert targets.recover(out)
    assert_complete(out, 1, pdf=False)
    assert not targets.recover(out)  # nothing left to do


# --------------------------------------------------------------------------- 2. one at a time


def test_a_second_build_waits_then_fails_and_leaves_the_first_alone(tmp_path: Path) -> None:
    root = many_issues(tmp_path / "site", 3)
    out = root / "public"
    first = start(root, out)
    wait_for(rendering(targets.stage_folders(out)[1]), first)
    began = time.monotonic()
    code, err = finish(start(root, out, "--no-pdf", wait=1))
    assert time.monotonic() - began >= 1
    assert first.poll() is None  # it really was refused while the first one ran
    assert code != 0
    assert f"{BUSY} (bantin build hoặc bantin serve) đang ghi vào public/" in err
    assert "chờ nó xong rồi chạy lại" in err
    code, err = finish(first)
    assert code == 0, err
    assert_complete(out, 3)
    assert leftovers(out) == []


def test_builds_racing_on_one_output_keep_it_whole(tmp_path: Path) -> None:
    root = many_issues(tmp_path / "site", 2)
    out = root / "public"
    assert main(["build", "--root", str(root), "--out", str(out), "--no-pdf"]) == 0
    missing: list[float] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            if not (out / "index.html").is_file():
                missing.append(time.monotonic())
            time.sleep(0.0005)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        for _ in range(2):  # --no-cache: every build makes a whole new tree and swaps it
            builds = [start(root, out, "--no-pdf", "--no-cache") for _ in range(2)]
            results = [finish(b) for b in builds]
            assert [code for code, _ in results] == [0, 0], results
    finally:
        stop.set()
        watcher.join()
    assert not missing, "public/ was missing while a build swapped it"
    assert_complete(out, 2, pdf=False)
    assert leftovers(out) == []


def test_an_output_held_elsewhere_is_not_cleared_nor_written(tmp_path: Path) -> None:
    root = many_issues(tmp_path / "site", 1)
    out = root / "public"
    assert main(["build", "--root", str(root), "--out", str(out), "--no-pdf"]) == 0
    write(root, ".public.bantin-new/2026/1/index.html", "của lần dựng đang chạy")
    before = snapshot(out)
    with output_lock(out, wait=0):
        assert lock_path(out).is_file()
        code, err = finish(start(root, out, "--no-pdf", "--no-cache", wait=0.2))
    assert code == 1 and BUSY in err
    assert snapshot(out) == before
    assert (root / ".public.bantin-new/2026/1/index.html").is_file()
    assert main(["build", "--root", str(root), "--out", str(out), "--no-pdf"]) == 0
    assert leftovers(out) == []


def test_a_process_forked_during_a_build_does_not_keep_the_output(tmp_path: Path) -> None:
    out = tmp_path / "public"
    ready, told = os.pipe()
    with output_lock(out, wait=0):
        pid = os.fork()
        if pid == 0:  # a build's worker
            os.write(told, b"1")  # started: the at-fork hooks have run
            time.sleep(30)
            os._exit(0)
        os.read(ready, 1)
    try:
        with output_lock(out, wait=0):  # the worker did not take the lock with it
            pass
        with output_lock(out, wait=0), pytest.raises(BantinError, match=BUSY), \
                output_lock(out, wait=0.2):
            pass
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(ready)
        os.close(told)


def test_a_build_waiting_on_a_removed_lock_file_locks_the_new_one(tmp_path: Path) -> None:
    """The lock file goes when its build ends; one waiting on it then locks the path
    anew, so that a third build still finds the output held."""
    out = tmp_path / "public"
    got, done = threading.Event(), threading.Event()

    def second() -> None:
        with output_lock(out, wait=10):
            got.set()
            done.wait(10)

    waiter = threading.Thread(target=second)
    with output_lock(out, wait=0):
        waiter.start()
        time.sleep(0.3)
    assert got.wait(10)
    try:
        with pytest.raises(BantinError, match=BUSY), output_lock(out, wait=0):
            pass
    finally:
        done.set()
        waiter.join()
    assert not lock_path(out).exists()


def test_a_failed_swap_puts_the_old_output_back(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    out, new = tmp_path / "public", tmp_path / ".public.bantin-new"
    write(out, "index.html", "cũ")
    write(new, "index.html", "mới")
    monkeypatch.setattr(targets, "_exchange", lambda a, b: False)
    real = os.rename
    calls: list[str] = []

    def second_fails(a: Path, b: Path) -> None:
        calls.append(str(b))
        if len(calls) == 2:
            raise OSError(errno.EIO, "ổ đĩa lỗi")
        real(a, b)

    monkeypatch.setattr(targets.os, "rename", second_fails)
    with pytest.raises(OSError):
        targets.swap_in(new, out)
    assert (out / "index.html").read_text(encoding="utf-8") == "cũ"
    monkeypatch.undo()
    targets.swap_in(new, out)
    assert (out / "index.html").read_text(encoding="utf-8") == "mới"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


# --------------------------------------------------------------------------- 3. temp folders


def test_printing_leaves_no_weasyprint_folder_in_the_temp_folder(tmp_path: Path) -> None:
    root = many_issues(tmp_path / "site", 1)
    out, temp = root / "public", tmp_path / "tmp"
    temp.mkdir()
    code, err = finish(start(root, out, "--print-shop", temp=temp))
    assert code == 0, err
    assert (root / "in-an/2026/1/ban-tin-cchc-so-1-2026-nha-in.pdf").is_file()  # print folder
    assert weasyprint_folders(temp) == []
    assert leftovers(out) == []


def test_weasyprint_temp_files_go_to_a_folder_removed_after(tmp_path: Path) -> None:
    before = tempfile.tempdir
    with weasyprint_temp(tmp_path):
        made = Path(tempfile.mkdtemp(prefix="weasyprint-"))
        assert made.parent.parent == tmp_path
    assert not made.exists() and list(tmp_path.iterdir()) == []
    assert tempfile.tempdir == before


# --------------------------------------------------------------------------- 4. pdf_name


@pytest.fixture(scope="module")
def issue_18() -> object:
    from bantin.content import load

    site, _ = load(REPO)
    return site.issues[0]


@pytest.mark.parametrize("template", [
    "{issue.__class__}", "{issue:>900000000}", "{year!r}", "{issue[0]}", "{0}", "{}",
    "{so}", "so-{issue", "{issue}/x", "..{issue}", ".{issue}", "so\\{issue}", "so:{issue}",
    "so\x07{issue}", "con", "nul.pdf", "x" * 160,
])
def test_pdf_name_takes_only_the_documented_fields_and_a_plain_name(
        issue_18: object, template: str) -> None:
    from bantin.config import SiteConfig

    with pytest.raises(ContentError) as caught:
        pdf_file_name(SiteConfig(pdf_name=template), issue_18)  # type: ignore[arg-type]
    (d,) = caught.value.diagnostics
    assert d.path == "site.yml" and "pdf_name" in d.message
    assert "ban-tin-cchc-so-{issue}-{year}.pdf" in d.hint


@pytest.mark.parametrize(("template", "name"), [
    ("so-{label}-{year}", "so-18-2026.pdf"),
    ("Bản tin số {number} năm {year}.PDF", "Bản tin số 18 năm 2026.PDF"),
    ("{{so}}-{issue:}", "{so}-18.pdf"),
])
def test_pdf_name_fills_the_documented_fields(issue_18: object, template: str,
                                              name: str) -> None:
    from bantin.config import SiteConfig

    config = dataclasses.replace(SiteConfig(), pdf_name=template)
    assert pdf_file_name(config, issue_18) == name  # type: ignore[arg-type]


def test_a_huge_pdf_name_padding_fails_at_once(tmp_path: Path) -> None:
    root = many_issues(tmp_path / "site", 1)
    (root / "site.yml").write_text((root / "site.yml").read_text(encoding="utf-8")
                                   + 'pdf_name: "so-{issue:>900000000}.pdf"\n',
                                   encoding="utf-8")
    began = time.monotonic()
    code, err = finish(start(root, root / "public"), timeout=60)
    assert code == 1 and time.monotonic() - began < 30
    assert re.search(r'site\.yml:\d+: pdf_name "so-\{issue:>900000000\}\.pdf": không dùng '
                     r"được \{issue:>900000000\}", err), err  # told at its line of site.yml
    assert not (root / "public").exists()


# --------------------------------------------------------------------------- 5. where


@pytest.mark.parametrize("rel", ["assets/web", "assets", "content/2026/web", "layouts",
                                 "issues/x", ".bantin-cache/web", ".", ".."])
def test_an_output_inside_a_source_or_holding_the_site_is_refused(
        tmp_path: Path, rel: str, capsys: pytest.CaptureFixture[str]) -> None:
    site = many_issues(tmp_path / "site", 1)
    for name in ("assets", "layouts", "issues"):
        (site / name).mkdir()
    out = (site / rel).resolve()
    before = sorted(tmp_path.rglob("*"))
    assert main(["build", "--root", str(site), "--out", str(out), "--no-pdf"]) == 2
    err = capsys.readouterr().err
    assert f"thư mục xuất {out} trùng" in err and "ví dụ --out public" in err
    assert [p for p in sorted(tmp_path.rglob("*"))
            if p not in before and ".bantin-cache" not in p.parts] == []


def test_an_output_in_the_default_theme_is_refused(site: Path) -> None:
    with pytest.raises(UsageError, match="thư mục nguồn"):
        check_output_dir(default_dir("assets") / "web", site)


@pytest.mark.parametrize("rel", ["public", "web/ban-tin", "../public-ban-tin"])
def test_an_output_of_its_own_is_accepted(site: Path, rel: str) -> None:
    check_output_dir(site / rel, site)


# --------------------------------------------------------------------------- 6. slugs


def article(site: Path, *, title: str | None = None, slug: str | None = None) -> tuple[str, int]:
    """Số 18's provincial article with another title or a slug line; its path and the
    line of the slug."""
    text = PROVINCIAL
    if title is not None:
        text = text.replace(text.splitlines()[1], f'title: "{title}"', 1)
    if slug is not None:
        text = text.replace("order: 1\n", f"order: 1\nslug: {slug}\n", 1)
    rel = "content/2026/18/ban-chi-dao.md"
    write(site, rel, text)
    return rel, text.splitlines().index(f"slug: {slug}") + 1 if slug else 0


def test_a_written_slug_too_long_is_an_error_at_its_line(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    slug = "-".join(["thanh-lap-ban-chi-dao"] * 15)  # 314 characters
    rel, line = article(site, slug=slug)
    assert main(["check", "--root", str(site)]) == 1
    err = capsys.readouterr().err
    assert f"{rel}:{line}: slug dài {len(slug)} ký tự, quá {SLUG_MAX} ký tự" in err
    assert "viết slug ngắn hơn, ví dụ slug: thanh-lap-ban-chi-dao-" in err


@pytest.mark.parametrize("slug", ["con", "aux", "nul", "prn", "com1", "lpt9"])
def test_a_written_windows_name_is_an_error_at_its_line(
        site: Path, slug: str, capsys: pytest.CaptureFixture[str]) -> None:
    rel, line = article(site, slug=slug)
    assert main(["check", "--root", str(site)]) == 1
    err = capsys.readouterr().err
    assert f'{rel}:{line}: slug "{slug}" là tên dành riêng của Windows' in err
    assert f"viết ví dụ slug: {slug}-bai" in err


@pytest.mark.parametrize(("title", "slug"), [("Con", "con-bai"), ("NUL", "nul-bai"),
                                             ("Com 1", "com-1"), ("Lpt9", "lpt9-bai")])
def test_a_title_giving_a_windows_name_gets_another_slug(site: Path, tmp_path: Path,
                                                         title: str, slug: str) -> None:
    article(site, title=title)
    out = tmp_path / "out"
    assert main(["build", "--root", str(site), "--out", str(out), "--no-pdf"]) == 0
    assert (out / f"2026/18/{slug}/index.html").is_file()


def test_a_long_title_gives_a_slug_cut_at_a_word(site: Path, tmp_path: Path) -> None:
    title = " ".join(["Thành lập Ban Chỉ đạo sơ kết vận hành chính quyền hai cấp"] * 6)
    article(site, title=title)
    out = tmp_path / "out"
    assert main(["build", "--root", str(site), "--out", str(out), "--no-pdf"]) == 0
    (page,) = [p for p in (out / "2026/18").iterdir() if p.name.startswith("thanh-lap")]
    assert len(page.name) <= SLUG_MAX and not page.name.endswith("-")
    assert ("thanh-lap-ban-chi-dao-so-ket-van-hanh-chinh-quyen-hai-cap-" * 6).startswith(
        page.name + "-")
