"""Incremental builds: after any edit, the output is byte for byte what a cold build of the
same sources writes; only what changed is made; a failed build leaves the output as it was;
a build with nothing changed is answered without building."""

from __future__ import annotations

import io
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from bantin.build import Builder, BuildOptions
from bantin.cli import main
from bantin.dedup import article_key
from bantin.dedup_site import check_site

from .conftest import REPO, many_issues, write


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def jpeg(color: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buf, "JPEG", quality=90)
    return buf.getvalue()


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """The shipped Số 18 (nine articles, an issue file, site.yml) and one photo."""
    root = tmp_path / "site"
    for name in ("content", "issues"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site.yml", root / "site.yml")
    article = root / "content/2026/18/xa-tan-ky-hoi-nghi-chuyen-de-chi-so-cchc-2025.md"
    (article.parent / "hoi-nghi.jpg").write_bytes(jpeg((200, 30, 30)))
    article.write_text(article.read_text(encoding="utf-8")
                       + "\n![Quang cảnh hội nghị](hoi-nghi.jpg)\n", encoding="utf-8")
    return root


def build(root: Path, out: Path, *extra: str) -> int:
    return main(["build", "--root", str(root), "--out", str(out), *extra])


def assert_same_as_cold(root: Path, out: Path, tmp: Path, *extra: str) -> None:
    cold = tmp / f"cold-{time.monotonic_ns()}"
    assert build(root, cold, "--no-cache", *extra) == 0
    got, want = snapshot(out), snapshot(cold)
    assert sorted(got) == sorted(want)
    differ = [p for p in want if got[p] != want[p]]
    assert not differ, f"khác bản dựng từ đầu: {differ}"
    shutil.rmtree(cold)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


ART = "content/2026/18/xa-tan-ky-phe-duyet-cap-do-an-toan-he-thong-thong-tin.md"
TAN_KY = "content/2026/18/xa-tan-ky-hoi-nghi-chuyen-de-chi-so-cchc-2025.md"

NEW_ARTICLE = """\
---
title: Xã Nghi Dương tổ chức đối thoại với doanh nghiệp về thủ tục đất đai
issue: 18
year: 2026
week: "25/5-29/5"
commune: Nghi Dương
editor: Mai Dung
order: 9
---

Sáng ngày 27/5/2026, UBND xã Nghi Dương tổ chức hội nghị đối thoại với các doanh nghiệp trên địa bàn về giải quyết thủ tục hành chính lĩnh vực đất đai.

Tại hội nghị, các doanh nghiệp đã nêu 12 ý kiến, kiến nghị; lãnh đạo xã đã trả lời trực tiếp 10 ý kiến và giao các bộ phận chuyên môn tiếp thu, giải quyết 02 ý kiến còn lại.
"""


def _body(root: Path) -> None:
    edit(root / ART, "chuyển đổi số,", "chuyển đổi số toàn diện,")


def _title(root: Path) -> None:
    edit(root / ART, 'hệ thống thông tin"', 'hệ thống thông tin năm 2026"')


def _delete(root: Path) -> None:
    (root / "content/2026/18/xa-hop-minh-doi-thoai-voi-nhan-dan-dot-1-nam-2026.md").unlink()


def _add(root: Path) -> None:
    write(root, "content/2026/18/xa-nghi-duong-doi-thoai-doanh-nghiep.md", NEW_ARTICLE)


def _rename(root: Path) -> None:
    src = root / "content/2026/18/xa-nghi-duong-doi-thoai-voi-doanh-nghiep.md"
    (root / "content/2026/18/xa-nghi-duong-doi-thoai-doanh-nghiep.md").rename(src)


def _issue_file(root: Path) -> None:
    path = root / "issues/2026-18.yml"
    path.write_text(path.read_text(encoding="utf-8")
                    + 'banner: "Số đặc biệt chào mừng Ngày Cải cách hành chính"\n',
                    encoding="utf-8")


def _site_yml(root: Path) -> None:
    path = root / "site.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("province: Nghệ An",
                                                             "province: Tỉnh Nghệ An")
                    + "\nfeed_size: 5\n", encoding="utf-8")


def _template(root: Path) -> None:
    text = (REPO / "layouts/article.html").read_text(encoding="utf-8")
    write(root, "layouts/article.html", text.replace("{% block content %}",
                                                     "{% block content %}<!-- bản của xã -->", 1))


def _stylesheet(root: Path) -> None:
    text = (REPO / "assets/site.css").read_text(encoding="utf-8")
    write(root, "assets/site.css", text + "\n.dau-trang { border-bottom: 3px solid; }\n")


def _photo(root: Path) -> None:
    (root / TAN_KY).parent.joinpath("hoi-nghi.jpg").write_bytes(jpeg((30, 30, 200)))


EDITS: list[tuple[str, Callable[[Path], None]]] = [
    ("body", _body), ("title", _title), ("delete", _delete), ("add", _add),
    ("rename", _rename), ("issue file", _issue_file), ("site.yml", _site_yml),
    ("template override", _template), ("stylesheet", _stylesheet), ("photo", _photo),
]


def test_every_edit_gives_the_bytes_of_a_cold_build(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert build(sample, out, "--no-pdf") == 0
    assert_same_as_cold(sample, out, tmp_path, "--no-pdf")
    for _name, change in EDITS:
        change(sample)
        assert build(sample, out, "--no-pdf") == 0
        assert_same_as_cold(sample, out, tmp_path, "--no-pdf")
    assert not (out / ".bantin-staging").exists()


def test_pdf_follows_edits_byte_for_byte(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert build(sample, out) == 0
    pdf = out / "2026/18/ban-tin-cchc-so-18-2026.pdf"
    first = pdf.read_bytes()
    _body(sample)
    assert build(sample, out) == 0
    assert pdf.read_bytes() != first
    assert_same_as_cold(sample, out, tmp_path)


def test_only_what_changed_is_made(sample: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "public"
    assert build(sample, out, "--no-pdf") == 0
    untouched = out / "2026/18/thanh-lap-ban-chi-dao-so-ket-01-nam/index.html"
    listing = out / "chuyen-muc/tin-cchc-tinh/index.html"
    before = {p: p.stat().st_mtime_ns for p in (untouched, listing)}
    other_issue = write(sample, "content/2026/17/xa-tan-ky-tiep-nhan-ho-so.md",
                        NEW_ARTICLE.replace("issue: 18", "issue: 17").replace(
                            'week: "25/5-29/5"', 'week: "18/5-22/5"'))
    capsys.readouterr()
    assert build(sample, out, "--no-pdf") == 0
    assert "đã dựng lại 1 bài thay đổi" in capsys.readouterr().err
    # A new article of Số 17 does not touch the pages of Số 18 nor the province's section.
    assert {p: p.stat().st_mtime_ns for p in before} == before
    assert (out / "2026/17/index.html").is_file()
    other_issue.unlink()
    assert build(sample, out, "--no-pdf") == 0
    assert not (out / "2026/17").exists()  # gone with its source, folders too
    assert_same_as_cold(sample, out, tmp_path, "--no-pdf")


def test_a_file_changed_by_hand_in_the_output_is_made_again(sample: Path, tmp_path: Path
                                                            ) -> None:
    out = tmp_path / "public"
    assert build(sample, out, "--no-pdf") == 0
    page = out / "2026/18/index.html"
    good = page.read_bytes()
    page.write_text("<p>sửa tay</p>", encoding="utf-8")
    (out / "feed.xml").unlink()
    assert build(sample, out, "--no-pdf") == 0
    assert page.read_bytes() == good
    assert (out / "feed.xml").is_file()


def test_a_failed_build_leaves_the_last_good_output(sample: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "public"
    assert build(sample, out, "--no-pdf") == 0
    good = snapshot(out)
    _body(sample)  # a change that makes every page of the issue stale...
    write(sample, "layouts/article.html",  # ...and a template that fails on them
          "{% extends 'base.html' %}\n{% block content %}\n{{ khong_co.title }}\n"
          "{% endblock %}\n")
    capsys.readouterr()
    assert build(sample, out, "--no-pdf") == 1
    err = capsys.readouterr().err
    assert "article.html:3: lỗi khi dựng mẫu trang" in err
    assert snapshot(out) == good
    assert not (out / ".bantin-staging").exists()
    (sample / "layouts/article.html").unlink()
    assert build(sample, out, "--no-pdf") == 0
    assert_same_as_cold(sample, out, tmp_path, "--no-pdf")


def _age(root: Path, seconds: int = 60) -> None:
    """Make every source look saved a minute ago (quick edits are never trusted)."""
    old = time.time() - seconds
    for p in root.rglob("*"):
        if ".bantin-cache" not in p.parts and "public" not in p.parts:
            os.utime(p, (old, old))


def test_nothing_changed_is_answered_without_building(sample: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    out = tmp_path / "public"
    _age(sample)
    assert build(sample, out, "--no-pdf") == 0
    full = capsys.readouterr()
    before = snapshot(out)
    assert build(sample, out, "--no-pdf") == 0
    quick = capsys.readouterr()
    assert "Không có tệp nào thay đổi" in quick.err
    # The same warnings and counts as the build it stands for.
    assert [w for w in quick.err.splitlines() if "cảnh báo:" in w] == [
        w for w in full.err.splitlines() if "cảnh báo:" in w]
    assert quick.out.split(" trong ")[0] == full.out.split(" trong ")[0]
    assert snapshot(out) == before
    # Any change, even one that keeps the size, means a real build.
    edit(sample / ART, "an toàn thông tin mạng", "an toàn thông-tin mạng")
    assert build(sample, out, "--no-pdf") == 0
    assert "Không có tệp nào thay đổi" not in capsys.readouterr().err
    assert_same_as_cold(sample, out, tmp_path, "--no-pdf")
    # An output file removed by hand: the quick answer does not hold.
    _age(sample)
    assert build(sample, out, "--no-pdf") == 0
    (out / "feed.xml").unlink()
    capsys.readouterr()
    assert build(sample, out, "--no-pdf") == 0
    assert "Không có tệp nào thay đổi" not in capsys.readouterr().err
    assert (out / "feed.xml").is_file()


def test_a_camera_photo_is_made_smaller_the_same_way_cold_or_not(sample: Path, tmp_path: Path
                                                                 ) -> None:
    import random

    rng = random.Random(18)
    img = Image.new("RGB", (2400, 1600))
    img.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256))
                 for _ in range(2400 * 1600)])
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=95)
    (sample / TAN_KY).parent.joinpath("hoi-nghi.jpg").write_bytes(buf.getvalue())
    out = tmp_path / "public"
    assert build(sample, out, "--no-pdf") == 0
    published = max((out / "anh").glob("hoi-nghi-*.jpg"),
                    key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    with Image.open(published) as small:
        assert small.size == (1440, 960)  # the widest web copy
    assert not [p for p in out.rglob("*") if p.name.startswith(".") and p.name != ".bantin-output"]
    assert_same_as_cold(sample, out, tmp_path, "--no-pdf")


def test_a_builder_kept_between_builds_gives_the_bytes_of_a_cold_build(sample: Path,
                                                                        tmp_path: Path) -> None:
    """serve keeps one Builder and its memory: the same edits, the same bytes."""
    from bantin.build import Builder, BuildOptions

    out = tmp_path / "public"
    builder = Builder(BuildOptions(root=sample, out=out, pdf=False, workers=1), record=False)
    builder.build()
    edits = [*EDITS, ("paragraph rule", lambda root: (root / "site.yml").write_text(
        (root / "site.yml").read_text(encoding="utf-8") + "paragraphs: markdown\n",
        encoding="utf-8"))]
    for _name, change in edits:
        change(sample)
        builder.build()
        assert_same_as_cold(sample, out, tmp_path, "--no-pdf")


def _stamps(root: Path) -> dict[Path, tuple[int, int]]:
    return {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")
            if p.is_file() and ".bantin-cache" not in p.parts}


def test_a_builder_told_what_changed_gives_the_bytes_of_a_cold_build(sample: Path,
                                                                      tmp_path: Path) -> None:
    """serve tells its Builder which files its watcher saw change (and keeps the cache in
    memory until the edits pause): it then reads only those, and still writes the bytes of
    a cold build after every kind of edit."""
    from bantin.build import Builder, BuildOptions

    out = tmp_path / "public"
    builder = Builder(BuildOptions(root=sample, out=out, pdf=False, workers=1), record=False,
                      save_later=True)
    builder.build()
    before = _stamps(sample)
    def append(root: Path) -> None:  # a body edited again after everything else
        with (root / ART).open("a", encoding="utf-8") as f:
            f.write("\nXã sẽ tiếp tục rà soát, cập nhật hồ sơ hệ thống thông tin.\n")

    for _name, change in [*EDITS, ("body again", append)]:
        time.sleep(0.01)  # a new change time for a file written twice in a row
        change(sample)
        now = _stamps(sample)
        changed = {p for p in before.keys() | now.keys() if before.get(p) != now.get(p)}
        before = now
        builder.build(changed, watched=True)
        assert_same_as_cold(sample, out, tmp_path, "--no-pdf")
    builder.flush()
    builder.flush()  # serve writes its cache when the edits pause and again when it stops
    said: list[str] = []
    fresh = Builder(BuildOptions(root=sample, out=out, pdf=False, workers=1), say=said.append)
    fresh.build()  # the cache it left reads back: nothing is rendered again
    assert not [line for line in said if "dựng lại" in line], said
    assert_same_as_cold(sample, out, tmp_path, "--no-pdf")


def test_a_builder_leaving_the_repeat_check_for_later_holds_one_issue_s_paragraphs(
        tmp_path: Path) -> None:
    """serve builds without the check across issues and, when the saves never pause, writes
    its cache every so many builds with that check still undone: the issues no edit touched
    stay known (not checked again, all 2,600 articles parsed, on the next save), and only
    the paragraphs of the issue being edited are held from one write to the next."""
    root = many_issues(tmp_path / "site", 4)
    builder = Builder(BuildOptions(root=root, out=tmp_path / "public", pdf=False),
                      save_later=True)
    first = builder.build(repeats=False)
    builder.check_repeats(first.site)
    builder.flush()
    issue_of = {article_key(a): a.issue for a in first.site.articles}
    name = Path(TAN_KY).name
    for n in (1, 2, 3):
        path = root / f"content/2026/{n}/{name}"
        edit(path, "Tân Kỳ", f"Tân Kỳ (lần {n})")
        result = builder.build([path], repeats=False, watched=True)
        issue_of.update({article_key(a): a.issue for a in result.site.articles})
        builder.flush()  # the check across issues not run since the last write
        assert {issue_of[k] for k in builder.check.parsed} == {n}
    # What it says then is what a check from scratch says (no archive index here).
    fresh = check_site(result.site, use_cache=False, archive=False)
    assert builder.check_repeats(result.site).findings == fresh.findings
