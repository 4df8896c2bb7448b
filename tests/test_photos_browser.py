"""Photos in a real headless Chromium: a portrait and a panorama never widen the page, the
gallery is a grid, captions show, the browser picks a copy from srcset."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from bantin.cli import main

from .browser import browser, served_folder  # noqa: F401  - browser is a fixture
from .conftest import LOCAL, REPO, write
from .test_images import phone_photo

pytestmark = pytest.mark.browser
ARTIFACTS = REPO / "tests" / "artifacts"

BODY = """
Sáng ngày 26/5/2026, UBND xã Tân Kỳ tổ chức hội nghị chuyên đề về chỉ số cải cách hành chính.

![Đồng chí Chủ tịch UBND xã phát biểu tại hội nghị](chan-dung.jpg)

Hội nghị đã thảo luận các giải pháp nâng cao chỉ số hài lòng của người dân.

![Toàn cảnh hội trường UBND xã Tân Kỳ nhìn từ phía sau](toan-canh.jpg)

Một số hình ảnh:

![Người dân làm thủ tục tại Trung tâm](anh-1.jpg)
![Cán bộ hướng dẫn nộp hồ sơ trực tuyến](anh-2.jpg)
![Ký kết quy chế phối hợp](anh-3.jpg)
"""


@pytest.fixture(scope="module")
def photo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("photo-site")
    write(root, "content/2026/18/tan-ky.md", LOCAL.replace("title: UBND", "slug: tan-ky\ntitle: "
                                                           "UBND") + BODY)
    folder = root / "content/2026/18"
    phone_photo(folder / "chan-dung.jpg", (3000, 2000), orientation=6)  # portrait once turned
    Image.radial_gradient("L").resize((6000, 1200)).convert("RGB").save(folder / "toan-canh.jpg")
    for n in (1, 2, 3):
        phone_photo(folder / f"anh-{n}.jpg", (2000 + n, 1500), orientation=1)
    out = root / "public"
    assert main(["build", "--root", str(root), "--out", str(out), "--no-pdf"]) == 0
    return out


@pytest.mark.parametrize("width", [390, 1280])
def test_photos_fit_the_column_at_any_width(photo_site: Path, browser, width: int  # noqa: F811
                                            ) -> None:
    with served_folder(photo_site.parent) as base:
        context = browser.new_context(viewport={"width": width, "height": 900},
                                      device_scale_factor=2)
        page = context.new_page()
        failed: list[str] = []
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}")
                if r.status >= 400 else None)
        page.goto(base + "public/2026/18/tan-ky/index.html", wait_until="networkidle")
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        column = page.evaluate("() => document.querySelector('.noi-dung-bai')"
                               ".getBoundingClientRect().right")
        photos = page.evaluate("""() => [...document.querySelectorAll('.noi-dung-bai img')]
            .map(i => ({right: i.getBoundingClientRect().right, w: i.clientWidth,
                        src: i.currentSrc, done: i.complete && i.naturalWidth > 0}))""")
        assert len(photos) == 5 and all(p["done"] for p in photos), photos
        assert all(p["right"] <= column + 0.5 for p in photos), (column, photos)
        assert all(p["src"].endswith(".webp") for p in photos)  # the modern copy is chosen
        captions = page.locator("figcaption").all_inner_texts()
        assert "Toàn cảnh hội trường UBND xã Tân Kỳ nhìn từ phía sau" in captions
        grid = page.evaluate("""() => [...document.querySelectorAll('.bo-anh figure')]
            .map(f => Math.round(f.getBoundingClientRect().top))""")
        assert len(grid) == 3
        if width >= 1280:
            assert grid[0] == grid[1]  # side by side on a desktop
        else:
            assert grid[0] < grid[1] < grid[2]  # one per row on a phone
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"photos-{width}.png"), full_page=True)
        assert failed == []
        context.close()
