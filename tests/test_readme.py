"""README's examples work as written: copied into a site, its site.yml, issue file and
article load without errors or warnings, and no "…" placeholder reaches the bulletin."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bantin.cli import main
from bantin.content import load
from bantin.pdf import PrintRenderer, html_text
from bantin.prepare import render_articles
from bantin.theme import load_theme

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
ARTICLE = "content/2026/18/vi-du-readme.md"


def blocks(lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", README, re.S | re.M)


def example(lang: str, *keys: str) -> str:
    """The one README block of `lang` that has every key (a line starting `key:`)."""
    [found] = [b for b in blocks(lang)
               if all(re.search(rf"^{k}:", b, re.M) for k in keys)]
    return found


def site_yml() -> str:
    return example("yaml", "sections", "direction", "editorial")


def issue_yml() -> str:
    [found] = [b for b in blocks("yaml") if "sections:" not in b and "order:" in b]
    return found


def article_md() -> str:
    [found] = [b for b in blocks("markdown") if b.startswith("---\n")]
    return found


def test_examples_have_no_placeholders() -> None:
    for block in (*blocks("yaml"), *blocks("markdown")):
        assert "…" not in block, block


@pytest.fixture
def readme_site(tmp_path: Path) -> Path:
    """The sample Số 18 with README's site.yml, issue file and article in place of its own."""
    root = tmp_path / "site"
    shutil.copytree(REPO / "content", root / "content")
    (root / "issues").mkdir()
    (root / "site.yml").write_text(site_yml(), encoding="utf-8")
    (root / "issues/2026-18.yml").write_text(issue_yml(), encoding="utf-8")
    (root / ARTICLE).write_text(article_md(), encoding="utf-8")
    return root


def test_examples_load_without_errors_or_warnings(readme_site: Path) -> None:
    site, warnings = load(readme_site)
    mine = [w.format() for w in warnings
            if w.path in ("site.yml", "issues/2026-18.yml", ARTICLE)]
    assert mine == []
    config, issue = site.config, site.issues[0]
    assert config.direction and config.editorial and issue.direction and issue.editorial
    # the issue file's order names the README article: first of its section
    local = next(g for g in issue.sections if g.section.local)
    assert local.articles[0].rel == ARTICLE
    assert local.articles[0].title.startswith("Xã Vạn An: Mô hình")


def test_no_placeholder_reaches_the_bulletin(readme_site: Path) -> None:
    site, _ = load(readme_site)
    issue = site.issues[0]
    document = PrintRenderer(site, load_theme(readme_site)).html(
        issue, render_articles(site), text_only=True)
    text = html_text(document.split("<body", 1)[-1])
    assert "CHỈ ĐẠO NỘI DUNG" in text and "Nguyễn Việt Hưng" in text
    assert "…" not in text
    assert main(["build", "--root", str(readme_site), "--no-pdf"]) == 0
    page = next((readme_site / "public/2026/18").glob("xa-van-an-mo-hinh-*/index.html"))
    assert "…" not in page.read_text(encoding="utf-8")
