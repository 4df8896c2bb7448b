"""`bantin serve` in a real headless Chromium: a saved edit appears without anyone reloading,
a broken article shows the error box over the last good page, fixing it removes the box."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bantin.serve import Server

from .browser import browser  # noqa: F401  - a fixture

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

ARTICLE = "content/2026/18/ban-chi-dao.md"
WAIT = 15_000  # ms
REPEAT = ("\nBan Chỉ đạo làm việc theo chế độ kiêm nhiệm, thực hiện nhiệm vụ theo sự phân công "
          "của đồng chí Trưởng ban.\n")


@pytest.fixture
def server(site: Path) -> Iterator[Server]:
    running = Server(site, site / "public", port=0, say=lambda _line: None)
    running.start()
    yield running
    running.stop()


def listening(page: object) -> None:
    """Wait until the page's live script has its event stream and the current state."""
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => window.__bantinLive && window.__bantinLive.version !== null", timeout=WAIT)


def test_edits_errors_and_fixes_show_up_without_reloading(server: Server,
                                                          browser) -> None:  # noqa: F811
    expect = playwright_api.expect
    src = server.root / ARTICLE
    folder = next(p for p in (server.out / "2026" / "18").iterdir()
                  if p.name.startswith("thanh-lap-ban-chi-dao"))
    page = browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(f"{server.url}2026/18/{folder.name}/")
    listening(page)
    body = page.locator("body")
    expect(body).to_contain_text("chế độ kiêm nhiệm")

    # 1. A saved edit (with a repeated paragraph, so the build also warns) appears by itself.
    good = src.read_text(encoding="utf-8")
    edited = good.replace("chế độ kiêm nhiệm", "chế độ chuyên trách") + REPEAT
    src.write_text(edited, encoding="utf-8")
    expect(body).to_contain_text("chế độ chuyên trách", timeout=WAIT)
    warnings = page.locator("#bantin-canh-bao")
    expect(warnings).to_contain_text("Cảnh báo khi dựng (1)", timeout=WAIT)
    warnings.locator("summary").click()
    expect(warnings).to_contain_text("ban-chi-dao.md:")

    # 2. Broken front matter: the error box over the last good page, with file and line.
    listening(page)
    src.write_text(edited.replace("issue: 18\n", "issue: [18\n"), encoding="utf-8")
    box = page.locator("#bantin-loi")
    expect(box).to_contain_text("Bản tin chưa dựng lại được — đang hiện bản dựng gần nhất",
                                timeout=WAIT)
    expect(box).to_contain_text("content/2026/18/ban-chi-dao.md:4:")
    expect(body).to_contain_text("chế độ chuyên trách")  # still the last good build

    # 3. Fixed: the page reloads and the box is gone.
    src.write_text(good, encoding="utf-8")
    expect(box).to_have_count(0, timeout=WAIT)
    expect(body).to_contain_text("chế độ kiêm nhiệm", timeout=WAIT)
    expect(warnings).to_have_count(0, timeout=WAIT)

    # 4. PDF notes from a background renderer.
    listening(page)
    server.notify("pdf", {"state": "rendering", "issue": "Số 18 (25/5-29/5/2026)"})
    note = page.locator("#bantin-pdf")
    expect(note).to_contain_text("Đang in lại PDF Số 18…", timeout=WAIT)
    server.notify("pdf", {"state": "ready", "issue": "Số 18 (25/5-29/5/2026)",
                          "url": "2026/18/ban-tin-so-18.pdf"})
    expect(note).to_contain_text("Đã in xong PDF Số 18 — mở bản PDF", timeout=WAIT)
    expect(note.locator("a")).to_have_attribute("href", "/2026/18/ban-tin-so-18.pdf")
    server.notify("pdf", {"state": "failed", "issue": "Số 18 (25/5-29/5/2026)",
                          "message": "thiếu phông chữ"})
    expect(note).to_contain_text("Chưa in được PDF Số 18: thiếu phông chữ", timeout=WAIT)
    assert problems == []
    page.close()
