"""Photos: shown on the issue and article pages, checked with file:line, sources untouched."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bantin.build import BuildOptions, build
from bantin.cli import main

from .conftest import LOCAL, REPO, write
from .sitecheck import broken_links

FIXTURE = REPO / "tests" / "fixtures" / "pdf_site"
ARTICLE = "content/2026/18/xa-tan-ky-ket-qua-cchc-quy-i.md"


@pytest.fixture
def photo_site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    return root


def test_photo_is_next_to_the_issue_and_article_pages(photo_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = build(BuildOptions(root=photo_site, out=out, pdf=False, use_cache=False))
    photo = (photo_site / "content/2026/18/anh-hoi-nghi.png").read_bytes()
    assert (out / "2026/18/anh-hoi-nghi.png").read_bytes() == photo
    assert (out / "2026/18/xa-tan-ky-ket-qua-cchc-quy-i/anh-hoi-nghi.png").read_bytes() == photo
    assert broken_links(out) == []
    assert not [w for w in result.warnings if "ảnh" in w.message]


def test_missing_photo_is_a_warning_with_file_and_line(site: Path, capsys: pytest.CaptureFixture[str],
                                                       ) -> None:
    path = write(site, "content/2026/18/tan-ky-an-toan.md",
                 LOCAL + "\n![Hội nghị tại xã](anh-khong-co.jpg)\n")
    line = path.read_text(encoding="utf-8").split("\n").index(
        "![Hội nghị tại xã](anh-khong-co.jpg)") + 1
    before = path.read_bytes()
    assert main(["build", "--root", str(site)]) == 0
    err = capsys.readouterr().err
    assert (f"content/2026/18/tan-ky-an-toan.md:{line}: cảnh báo: không có tệp ảnh "
            "anh-khong-co.jpg — đặt ảnh cạnh tệp .md") in err
    assert "Failed to load image" not in err  # said once, in Vietnamese, not by WeasyPrint
    assert path.read_bytes() == before


def test_photo_outside_the_article_folder_and_non_photos(site: Path, tmp_path: Path) -> None:
    (site / "content/anh-chung.png").write_bytes((FIXTURE / "content/2026/18/anh-hoi-nghi.png")
                                                 .read_bytes())
    (site / "content/2026/18/bao-cao.docx").write_bytes(b"PK\x03\x04")
    write(site, "content/2026/18/tan-ky-an-toan.md",
          LOCAL + "\n![Ảnh chung](../../anh-chung.png)\n\n![Báo cáo](bao-cao.docx)\n"
          "\n![Ảnh trên mạng](https://nghean.gov.vn/anh.jpg)\n")
    out = tmp_path / "out"
    result = build(BuildOptions(root=site, out=out, pdf=False, use_cache=False))
    said = [w.format() for w in result.warnings]
    assert any("ảnh ../../anh-chung.png nằm ngoài thư mục của bài" in s for s in said), said
    assert any("bao-cao.docx không phải tệp ảnh" in s for s in said), said
    assert not any("nghean.gov.vn" in s for s in said)
    assert not (out / "anh-chung.png").exists() and not list(out.rglob("bao-cao.docx"))


def test_broken_photo_is_a_warning(photo_site: Path, tmp_path: Path) -> None:
    photo = photo_site / "content/2026/18/anh-hoi-nghi.png"
    photo.write_bytes(photo.read_bytes()[:200])  # cut off, as by a failed copy
    result = build(BuildOptions(root=photo_site, out=tmp_path / "out", use_cache=False))
    said = [w.format() for w in result.warnings]
    assert any(s.startswith(f"{ARTICLE}:26: cảnh báo: tệp ảnh anh-hoi-nghi.png bị hỏng")
               for s in said), said


def camera_photo(path: Path) -> bytes:
    """A 3000x2000 phone photo stored sideways with EXIF orientation 6, as phones do."""
    import os as os_

    from PIL import Image

    img = Image.frombytes("RGB", (3000, 2000), os_.urandom(3000 * 2000 * 3))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    img.save(path, "JPEG", quality=90, exif=exif)
    return path.read_bytes()


def test_big_photos_are_scaled_down_for_the_web_and_kept(photo_site: Path,
                                                         tmp_path: Path) -> None:
    from PIL import Image

    article = photo_site / ARTICLE
    source = photo_site / "content/2026/18/anh-dien-thoai.jpg"
    original = camera_photo(source)
    article.write_text(article.read_text(encoding="utf-8")
                       + "\n![Ảnh chụp bằng điện thoại](anh-dien-thoai.jpg)\n", encoding="utf-8")
    out = tmp_path / "out"
    build(BuildOptions(root=photo_site, out=out, pdf=False))
    web = out / "2026/18/anh-dien-thoai.jpg"
    with Image.open(web) as img:
        assert img.size == (1067, 1600)  # upright, longest side 1600 px
    assert web.stat().st_size < len(original) // 3
    assert (out / "2026/18/xa-tan-ky-ket-qua-cchc-quy-i/anh-dien-thoai.jpg").read_bytes() \
        == web.read_bytes()
    assert source.read_bytes() == original  # the editor's photo is never touched
    kept = list((photo_site / ".bantin-cache/anh-web").iterdir())
    assert len(kept) == 1 and kept[0].read_bytes() == web.read_bytes()
    stamp = kept[0].stat().st_mtime_ns
    build(BuildOptions(root=photo_site, out=out, pdf=False))
    assert kept[0].stat().st_mtime_ns == stamp  # not resized again
    small = (FIXTURE / "content/2026/18/anh-hoi-nghi.png").read_bytes()
    assert (out / "2026/18/anh-hoi-nghi.png").read_bytes() == small  # small: as it is


def test_no_cache_build_still_scales_photos_down(photo_site: Path, tmp_path: Path) -> None:
    from PIL import Image

    camera_photo(photo_site / "content/2026/18/anh-hoi-nghi.png".replace(".png", ".jpg"))
    article = photo_site / ARTICLE
    article.write_text(article.read_text(encoding="utf-8").replace(
        "anh-hoi-nghi.png", "anh-hoi-nghi.jpg"), encoding="utf-8")
    out = tmp_path / "out"
    build(BuildOptions(root=photo_site, out=out, pdf=False, use_cache=False))
    with Image.open(out / "2026/18/xa-tan-ky-ket-qua-cchc-quy-i/anh-hoi-nghi.jpg") as img:
        assert max(img.size) == 1600
    assert not (photo_site / ".bantin-cache").exists()
