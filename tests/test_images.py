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
