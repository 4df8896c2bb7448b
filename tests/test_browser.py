"""The built site in a real headless Chromium: no horizontal overflow, no console errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bantin.cli import main

from .browser import browser, served_folder  # noqa: F401  - browser is a fixture
from .conftest import REPO

ARTIFACTS = REPO / "tests" / "artifacts"
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("browser") / "public"
    assert main(["build", "--root", str(REPO), "--out", str(out), "--no-cache"]) == 0
    # Serve from a sub-path, as on a commune portal: every link must be relative.
    with served_folder(out.parent) as base:
        yield base + "public/"


PAGES = ["2026/18/index.html", "index.html"]


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("page_path", PAGES)
def test_page_fits_and_has_no_console_errors(served: str, browser, width: int,  # noqa: F811
                                             page_path: str) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  device_scale_factor=1)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"{r.url} {r.failure}"))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 else None)
    page.goto(served + page_path, wait_until="networkidle")
    overflow = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]")
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                     && !e.closest('.bang-cuon'))
        .slice(0, 5).map(e => e.tagName + '.' + e.className)""")
    ARTIFACTS.mkdir(exist_ok=True)
    name = page_path.replace("/", "_").replace(".html", "")
    shot = ARTIFACTS / f"{name}-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    title = page.title()
    styled = page.evaluate(
        "() => getComputedStyle(document.querySelector('.dau-trang')).backgroundColor")
    context.close()
    assert problems == []
    assert overflow[0] <= overflow[1], f"tràn ngang {overflow}: {wide}"
    assert wide == []
    assert shot.stat().st_size > 10_000
    assert "Bản tin Cải cách hành chính" in title
    assert styled == "rgb(179, 0, 27)"  # the stylesheet loaded through the relative link


def test_article_links_work_from_a_sub_path(served: str, browser) -> None:  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto(served + "2026/18/index.html")
    page.click(".muc-luc-chuyen-muc + ol li:first-child a")
    first = page.locator(".bai").first.get_attribute("id")
    assert page.url.endswith("#" + first)
    page.click(f"#{first} h3 a")
    page.wait_for_load_state()
    assert page.url.endswith(f"/public/2026/18/{first.removeprefix('bai-')}/index.html")
    assert page.locator("h1.tieu-de-bai").inner_text().strip()
    page.click(".duong-dan a:first-child")
    assert page.url.endswith("/public/index.html")
    page.close()


def test_search_finds_articles_typed_without_diacritics(served: str, browser) -> None:  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(served + "tim-kiem/index.html?q=tan%20ky")
    # The index loads in parts after the page, and typing waits for a pause: the list is
    # aria-busy until the results are shown.
    settled = page.locator("#ket-qua:not([aria-busy])")
    settled.wait_for(state="attached")
    # Full text: other articles have "tân" and "ký" too; title matches come first.
    titles = page.locator("#ket-qua h3 a").all_inner_texts()
    assert all(t.startswith("Xã Tân Kỳ: ") for t in titles[:2])
    assert not any(t.startswith("Xã Tân Kỳ: ") for t in titles[2:])
    page.fill("#o-tim", "Vạn An trung tâm")
    settled.wait_for(state="attached")
    titles = page.locator("#ket-qua h3 a").all_inner_texts()
    assert titles[0].startswith("Xã Vạn An: ")
    page.fill("#o-tim", "khongcobainaoco")
    settled.wait_for(state="attached")
    assert "Không tìm thấy" in page.locator("#ket-qua-dem").inner_text()
    page.fill("#o-tim", "tan ky")
    settled.wait_for(state="attached")
    page.click("#ket-qua h3 a >> nth=0")
    page.wait_for_load_state()
    assert "/public/2026/18/xa-tan-ky" in page.url
    assert errors == []
    page.close()


def test_pdf_link_downloads_the_print_edition(served: str, browser) -> None:  # noqa: F811
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(served + "2026/18/index.html")
    assert "Tải bản PDF" in page.locator(".tai-pdf a").inner_text()
    with page.expect_download() as info:
        page.click(".tai-pdf a")
    download = info.value
    assert download.suggested_filename == "ban-tin-cchc-so-18-2026.pdf"
    data = Path(download.path()).read_bytes()
    context.close()
    assert data.startswith(b"%PDF-") and len(data) > 50_000


def test_repeated_seed_paragraph_shows_once(served: str, browser) -> None:  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(served + "2026/18/xa-tan-ky-hoi-nghi-chuyen-de-chi-so-cchc-2025/index.html")
    text = page.locator("main").inner_text()
    page.close()
    assert text.count("Phát biểu kết luận hội nghị, đồng chí Chủ tịch UBND xã yêu cầu") == 1
