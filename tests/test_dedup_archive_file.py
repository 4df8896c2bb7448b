"""The kept archive index (.bantin-cache/dedup-archive.npz): plain arrays, read without ever
running code; a file that cannot be used counts as none and is told of once, in Vietnamese."""

from __future__ import annotations

import io
import os
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

from bantin import dedup_archive
from bantin.build import load
from bantin.cli import main
from bantin.dedup_archive import ARCHIVE_FILE, Corpus, Entry, Texts, Unreadable
from bantin.dedup_site import check_site, summary_line

from .conftest import write
from .test_dedup import P1, P2, P3, P4, front

CACHE = ".bantin-cache"
BROKEN = "Chỉ mục đoạn lặp trong .bantin-cache/ bị hỏng hoặc không do bantin lập nên đã bỏ qua."
OLD = "Chỉ mục đoạn lặp trong .bantin-cache/ do phiên bản bantin khác lập nên không dùng được."
NOT_CHECKED = "Chưa so với các số trước: chạy bantin dedup"


class Planted:
    """What an attacker plants: unpickling it writes a marker file (any code could run)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return Path.write_text, (self.marker, "pickle code ran")


def planted_pickle(marker: Path) -> bytes:
    payload = pickle.dumps({"version": "2", "entries": Planted(marker)})
    probe = marker.with_name("probe")
    pickle.loads(pickle.dumps(Planted(probe)))  # the payload is live: it does run when loaded
    assert probe.read_text() == "pickle code ran"
    probe.unlink()
    return payload


def archive_site(root: Path) -> Path:
    """Three issues with a paragraph published again: the archive check has work to do."""
    write(root, "content/2026/17/a.md", front(17, 1) + f"{P1}\n\n{P2}\n")
    write(root, "content/2026/18/b.md", front(18, 1) + f"{P4}\n\n{P2}\n")
    write(root, "content/2026/19/c.md", front(19, 1) + f"{P3}\n\n{P1}\n")
    return root


def archive_findings(report) -> list[tuple[str, str]]:
    return [(f.file, f.of.file) for f in report.findings if f.scope == "archive"]


def kept_index(root: Path) -> Path:
    check_site(load(root)[0])  # `bantin dedup`: indexes everything and keeps it
    path = root / CACHE / ARCHIVE_FILE
    assert path.is_file()
    return path


# ---------------------------------------------------------------- the format

def test_kept_index_round_trips_as_plain_arrays(tmp_path: Path) -> None:
    path = kept_index(archive_site(tmp_path))
    with np.load(path, allow_pickle=False) as z:  # no member needs a pickle
        assert all(z[name].dtype != object for name in z.files)
    corpus = Corpus.load(tmp_path)
    again = dedup_archive._cold([Entry(e.rel, e.key, e.issue) for e in corpus.entries],
                                [corpus.paragraphs_of(k) for k in range(len(corpus.entries))])
    assert corpus.findings == again.findings and len(corpus.findings) == 2
    assert list(corpus.excerpts) == list(again.excerpts)
    assert isinstance(corpus.excerpts, Texts) and corpus.excerpts[-1] == again.excerpts[-1]
    assert not list((tmp_path / CACHE).glob("*.tmp"))


def test_no_index_is_not_a_problem(tmp_path: Path) -> None:
    assert Corpus.load(tmp_path) is None
    report = check_site(load(archive_site(tmp_path))[0], full_scan=False)
    assert report.notices == [] and not report.archive_checked


def test_texts_decode_on_demand_and_never_fail() -> None:
    arrays = Texts.arrays("t", ["Đoạn một", "", "Ủy ban"])
    texts = Texts.of_arrays("t", arrays)
    assert list(texts) == ["Đoạn một", "", "Ủy ban"] and texts[-1] == "Ủy ban"
    assert texts[1:] == ["", "Ủy ban"]
    with pytest.raises(IndexError):
        texts[3]
    bad = Texts(b"\xff\xfe ok", np.array([0, 5], dtype=np.int64))
    assert bad[0] == "\ufffd\ufffd ok"


# ---------------------------------------------------------------- planted files never run

@pytest.mark.parametrize("name", ["dedup-archive.pickle", ARCHIVE_FILE])
@pytest.mark.parametrize("full_scan", [False, True])  # a build, `bantin dedup`
def test_a_planted_pickle_is_never_run(tmp_path: Path, name: str, full_scan: bool) -> None:
    root = archive_site(tmp_path)
    marker = tmp_path / "marker"
    write(root, f"{CACHE}/{name}", "")
    (root / CACHE / name).write_bytes(planted_pickle(marker))
    report = check_site(load(root)[0], full_scan=full_scan, kept={})
    assert not marker.exists()
    assert report.notices == ([BROKEN] if name == ARCHIVE_FILE else [])
    assert report.archive_checked == full_scan
    if full_scan:  # indexed again, and the planted files are gone
        assert archive_findings(report) == [("content/2026/18/b.md", "content/2026/17/a.md"),
                                            ("content/2026/19/c.md", "content/2026/17/a.md")]
        assert not (root / CACHE / "dedup-archive.pickle").exists()
        assert Corpus.load(root) is not None
    assert not marker.exists()


def npz_bytes(**arrays: np.ndarray) -> bytes:
    out = io.BytesIO()
    np.savez(out, **arrays)
    return out.getvalue()


def test_a_pickle_inside_the_npz_is_never_run(tmp_path: Path) -> None:
    root = archive_site(tmp_path)
    path = kept_index(root)
    marker = tmp_path / "marker"
    with np.load(path, allow_pickle=False) as z:
        arrays = {name: z[name] for name in z.files}
    payload = np.empty(1, dtype=object)
    payload[0] = Planted(marker)
    for name in ("meta", "flat", "excerpt_text"):  # the header, the index, the excerpts
        path.write_bytes(npz_bytes(**{**arrays, name: payload}))
        with pytest.raises(Unreadable):
            Corpus.load(root)
        assert not marker.exists()


def test_an_old_index_and_its_pickle_are_told_of_and_replaced(tmp_path: Path) -> None:
    root = archive_site(tmp_path)
    path = kept_index(root)
    marker = tmp_path / "marker"
    with np.load(path, allow_pickle=False) as z:  # as the pickle era kept it
        index = {name: z[name] for name in ("flat", "offsets", "keys", "starts", "postings",
                                              "sizes")}
    path.write_bytes(npz_bytes(**index))
    (root / CACHE / "dedup-archive.pickle").write_bytes(planted_pickle(marker))
    build = check_site(load(root)[0], full_scan=False)
    assert build.notices == [OLD] and not build.archive_checked
    assert OLD in summary_line(build) and NOT_CHECKED in summary_line(build)
    dedup = check_site(load(root)[0])
    assert dedup.notices == [OLD] and len(archive_findings(dedup)) == 2
    assert not (root / CACHE / "dedup-archive.pickle").exists() and not marker.exists()
    assert check_site(load(root)[0], full_scan=False).notices == []  # the new one is used


def test_another_dedup_version_is_old(tmp_path: Path, monkeypatch) -> None:
    root = archive_site(tmp_path)
    kept_index(root)
    monkeypatch.setattr(dedup_archive, "VERSION", "0")
    with pytest.raises(Unreadable, match="old"):
        Corpus.load(root)


# ---------------------------------------------------------------- broken files

def arrays_of(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as z:
        return {name: z[name] for name in z.files}


def corrupt(path: Path, how: str) -> None:
    data = path.read_bytes()
    arrays = arrays_of(path) if how not in ("truncated", "garbage", "empty") else {}
    if how == "truncated":
        path.write_bytes(data[:len(data) // 2])
    elif how == "garbage":
        path.write_bytes(os.urandom(4096))
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "flipped":  # a damaged byte in the middle of an array
        mid = len(data) // 2
        path.write_bytes(data[:mid] + bytes([data[mid] ^ 0xFF]) + data[mid + 1:])
    elif how == "npy":
        np.save(path.with_suffix(".tmp.npy"), np.arange(10))
        path.write_bytes(path.with_suffix(".tmp.npy").read_bytes())
    elif how == "foreign zip":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("readme.txt", "không phải chỉ mục")
    elif how == "missing array":
        del arrays["postings"]
        path.write_bytes(npz_bytes(**arrays))
    elif how == "wrong dtype":
        path.write_bytes(npz_bytes(**{**arrays, "postings": arrays["postings"].astype(float)}))
    elif how == "big-endian":
        path.write_bytes(npz_bytes(**{**arrays, "flat": arrays["flat"].astype(">u4")}))
    elif how == "out of range":
        postings = arrays["postings"].copy()
        postings[0] = 10**6
        path.write_bytes(npz_bytes(**{**arrays, "postings": postings}))
    elif how == "wrong shape":
        path.write_bytes(npz_bytes(**{**arrays, "line": arrays["line"][:-1]}))
    elif how == "2-D":
        path.write_bytes(npz_bytes(**{**arrays, "art": arrays["art"].reshape(1, -1)}))
    elif how == "bad finding":
        later = arrays["found_later"].copy()
        later[0] = -1
        path.write_bytes(npz_bytes(**{**arrays, "found_later": later}))
    elif how == "bad header":
        header = np.frombuffer(b'{"format": "bantin-dedup-archive", "version": [', np.uint8)
        path.write_bytes(npz_bytes(**{**arrays, "meta": header}))
    elif how == "bad entries":
        names = np.frombuffer(b"\xff\xfe", np.uint8)
        path.write_bytes(npz_bytes(**{**arrays, "entry_names": names}))
    elif how == "a folder":
        path.unlink()
        path.mkdir()
    elif how == "a fifo":
        path.unlink()
        os.mkfifo(path)  # opening it to read would wait forever
    else:
        raise AssertionError(how)


KINDS = ["truncated", "garbage", "empty", "flipped", "npy", "foreign zip", "missing array",
         "wrong dtype", "big-endian", "out of range", "wrong shape", "2-D", "bad finding",
         "bad header", "bad entries", "a folder"] + (["a fifo"] if hasattr(os, "mkfifo") else [])


@pytest.mark.parametrize("how", KINDS)
def test_a_broken_index_counts_as_none_and_is_told_of(tmp_path: Path, how: str) -> None:
    root = archive_site(tmp_path)
    path = kept_index(root)
    corrupt(path, how)
    try:
        corpus = Corpus.load(root)
    except Unreadable as exc:
        assert exc.reason == "broken"
    else:  # a flipped byte may land where nothing checks it: still a usable index
        assert how == "flipped" and corpus is not None
        return
    build = check_site(load(root)[0], full_scan=False)
    assert build.notices == [BROKEN] and not build.archive_checked
    assert [f.scope for f in build.findings] == []  # article and issue checks still ran
    if how in ("a folder", "a fifo"):
        return  # not ours to replace
    dedup = check_site(load(root)[0])
    assert dedup.notices == [BROKEN] and len(archive_findings(dedup)) == 2
    assert check_site(load(root)[0], full_scan=False).notices == []


def test_a_broken_index_is_told_of_once_while_it_stays(tmp_path: Path) -> None:
    root = archive_site(tmp_path)
    corrupt(kept_index(root), "truncated")
    kept: dict = {}  # what `bantin serve` keeps between builds
    site = load(root)[0]
    assert check_site(site, full_scan=False, kept=kept).notices == [BROKEN]
    assert check_site(site, full_scan=False, kept=kept).notices == []
    corrupt(root / CACHE / ARCHIVE_FILE, "garbage")  # another file: told of again
    assert check_site(site, full_scan=False, kept=kept).notices == [BROKEN]


def test_build_and_check_work_with_a_truncated_index(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    root = archive_site(tmp_path)
    assert main(["dedup", "--root", str(root)]) == 0
    corrupt(root / CACHE / ARCHIVE_FILE, "truncated")
    capsys.readouterr()
    assert main(["build", "--root", str(root), "--no-pdf"]) == 0
    said = capsys.readouterr().err
    assert BROKEN in said and NOT_CHECKED in said and said.count(BROKEN) == 1
    assert main(["check", "--root", str(root)]) == 0
    assert main(["dedup", "--root", str(root)]) == 0
    assert "content/2026/19/c.md:13: cảnh báo" in capsys.readouterr().out
    assert main(["build", "--root", str(root), "--no-pdf"]) == 0
    said = capsys.readouterr().err
    assert BROKEN not in said and "2 cảnh báo" in said
