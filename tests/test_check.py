"""`bantin check` tells everything `bantin build` would, and writes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from bantin.cli import main

from .conftest import LOCAL, write

ARTICLE = "content/2026/18/tan-ky-an-toan.md"
SITE_YML = """\
title: Bản tin Cải cách hành chính
publisher: UBND xã Tân Kỳ
direction:
  - "Nguyễn Văn An, Chủ tịch UBND xã"
editorial: "Văn phòng HĐND và UBND xã Tân Kỳ"
"""


def _append(rel: str, text: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / rel
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return edit


def _site_yml(extra: str, base: str = SITE_YML) -> Callable[[Path], None]:
    return lambda root: write(root, "site.yml", base + extra)


def _small_photo(root: Path) -> None:
    Image.new("RGB", (320, 240), (10, 90, 160)).save(root / "content/2026/18/zalo.jpg")
    _append(ARTICLE, "\n![Ảnh gửi qua Zalo](zalo.jpg)\n")(root)


BROKEN: dict[str, Callable[[Path], None]] = {
    "missing photo": _append(ARTICLE, "\n![Hội nghị](khong-co.jpg)\n"),
    "photo outside": _append(ARTICLE, "\n![Ảnh chung](../../anh.jpg)\n"),
    "small photo": _small_photo,
    "template syntax": lambda root: write(root, "layouts/article.html",
                                          '{% extends "base.html" %}\n{% block content %}\n'
                                          "{{ article.title }\n{% endblock %}\n"),
    "template runtime": lambda root: write(root, "layouts/article.html",
                                           '{% extends "base.html" %}{% block content %}'
                                           "{{ article.title.upper(1, 2) }}{% endblock %}"),
    "pdf_name": _site_yml('pdf_name: "ban-tin-{issue.__class__}.pdf"\n'),
    "logo": _site_yml("logo: logo-xa.png\n"),
    "empty masthead": _site_yml("", "title: Bản tin\npublisher: UBND xã Tân Kỳ\n"),
    "unknown key": lambda root: (root / ARTICLE).write_text(
        (root / ARTICLE).read_text(encoding="utf-8").replace("commune:", "comune:"),
        encoding="utf-8"),
    "empty gallery": _append(ARTICLE, "\nMột số hình ảnh:\n"),
}


def said(capsys: pytest.CaptureFixture[str]) -> set[str]:
    """The located lines a command printed (errors and warnings), without its summary."""
    err = capsys.readouterr().err
    return {line for line in err.splitlines()
            if re.match(r"^(content|layouts|site\.yml|issues)[^ ]*(:\d+)?: ", line)}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_check_and_build_agree(case: str, site: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    write(site, "site.yml", SITE_YML)
    BROKEN[case](site)
    checked = main(["check", "--root", str(site)])
    from_check = said(capsys)
    out = tmp_path / "out"
    assert not out.exists()
    built = main(["build", "--root", str(site), "--out", str(out)])
    from_build = said(capsys)
    assert from_check, case  # each broken site has something to say
    assert (checked, from_check) == (built, from_build), case
    assert not (site / "public").exists()  # check wrote no output


def test_strict_counts_warnings_as_errors(site: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    write(site, "site.yml", SITE_YML)
    assert main(["check", "--root", str(site), "--strict"]) == 0
    BROKEN["missing photo"](site)
    assert main(["check", "--root", str(site)]) == 0
    assert main(["check", "--root", str(site), "--strict"]) == 1
    assert "--strict: 1 cảnh báo được tính là lỗi" in capsys.readouterr().err


def test_warnings_are_shown_with_errors(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Warnings found on the way are shown with the errors, not hidden by them."""
    path = site / ARTICLE
    path.write_text(path.read_text(encoding="utf-8").replace("title:", "titel:"),
                    encoding="utf-8")
    write(site, "content/2026/18/khac.md", LOCAL.replace("order: 1", "order: 2").replace(
        "title: UBND", "slug: khac\nghi_chu: bài của xã gửi\ntitle: UBND"))
    assert main(["check", "--root", str(site)]) == 1
    err = capsys.readouterr().err
    assert "content/2026/18/tan-ky-an-toan.md:2: thiếu title" in err
    assert "content/2026/18/khac.md:3: cảnh báo: khóa \"ghi_chu\"" in err, err
