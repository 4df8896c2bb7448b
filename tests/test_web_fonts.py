"""Web fonts: the PDF's Tinos as Vietnamese-subset WOFF2 files (scripts/subset-fonts), published
with their licence, and used by Chromium for every letter of a Vietnamese page."""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from bantin.build import BuildOptions, build

from .browser import browser, served_folder  # noqa: F401  - browser is a fixture
from .conftest import REPO
from .sitecheck import broken_links

WEB = REPO / "assets" / "fonts" / "web"
FACES = ("Tinos-Regular", "Tinos-Bold", "Tinos-Italic", "Tinos-BoldItalic")
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")


def vietnamese_letters() -> set[str]:
    """The 134 precomposed letters: 12 vowels x 5 tones x 2 cases (+ the 12 with marks of
    their own and no tone), and Đ đ."""
    letters = {"đ", "Đ"}
    for vowel in "aăâeêioôơuưy":
        for tone in TONES:
            for v in (vowel, vowel.upper()):
                c = unicodedata.normalize("NFC", v + tone)
                if not c.isascii():
                    letters.add(c)
    return letters


def test_subsets_cover_vietnamese_and_stay_small() -> None:
    pytest.importorskip("brotli")  # fontTools reads WOFF2 with it (the test extra has it)
    from fontTools.ttLib import TTFont

    letters = vietnamese_letters()
    assert len(letters) == 134
    needed = {ord(c) for c in letters} | {ord(c) for c in "₫«»“”‘’–—…\u00a0"} | {
        0x0300, 0x0301, 0x0303, 0x0309, 0x0323}
    for face in FACES:
        path = WEB / f"{face}.woff2"
        font = TTFont(path)
        assert font.flavor == "woff2"
        cmap = set(font.getBestCmap())
        assert needed <= cmap, (face, sorted(chr(c) for c in needed - cmap))
        assert path.stat().st_size < 40_000


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped Số 18 built into portal/ban-tin/."""
    work = tmp_path_factory.mktemp("fonts")
    root = work / "site"
    for name in ("content", "issues"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site.yml", root / "site.yml")
    out = work / "portal" / "ban-tin"
    build(BuildOptions(root=root, out=out, pdf=False, use_cache=False))
    return out


def test_fonts_are_published_with_their_licence_and_every_link_resolves(sample_site: Path
                                                                        ) -> None:
    fonts = sample_site / "assets" / "fonts"
    assert sorted(p.name for p in (fonts / "web").iterdir()) == sorted(
        f"{f}.woff2" for f in FACES)
    assert (fonts / "OFL-Tinos.txt").is_file()
    assert not list(fonts.glob("*.ttf"))  # the PDF's fonts stay out (2.6 MB)
    css = (sample_site / "assets/site.css").read_text(encoding="utf-8")
    urls = re.findall(r"url\(\"?([^\")]+)\"?\)", css)
    assert len(urls) == len(FACES)
    assert all((sample_site / "assets" / u).is_file() for u in urls)
    assert "font-display: swap" in css
    assert broken_links(sample_site) == []


@pytest.fixture(scope="module")
def http_base(sample_site: Path) -> Iterator[str]:
    with served_folder(sample_site.parent) as root:
        yield root + "ban-tin/"


# A paragraph of the body, the article title (bold) and the signature (italic).
NODES = (".noi-dung-bai p", ".tieu-de-bai a", ".ky-ten p")


@pytest.mark.browser
@pytest.mark.parametrize("where", ["http", "file"])
def test_vietnamese_text_is_drawn_with_the_bundled_faces_only(
        browser: object, sample_site: Path, where: str, request: pytest.FixtureRequest  # noqa: F811
        ) -> None:
    base = request.getfixturevalue("http_base") if where == "http" else \
        sample_site.as_uri() + "/"
    page = browser.new_page(viewport={"width": 390, "height": 900})  # type: ignore[attr-defined]
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(f"{r.url} {r.failure}"))
    page.goto(base + "2026/18/index.html", wait_until="load")
    page.evaluate("document.fonts.ready")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    for selector in NODES:
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, selector
        text = page.locator(selector).first.inner_text()
        assert set(text) & vietnamese_letters(), (selector, text)
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        assert fonts and all(f["isCustomFont"] and f["familyName"] == "Tinos" for f in fonts), \
            (selector, text, fonts)
    loaded = page.evaluate("""[...document.fonts].filter(f => f.status === 'loaded')
                              .map(f => f.weight + ' ' + f.style)""")
    assert {"400 normal", "700 normal", "400 italic"} <= set(loaded)
    shot = Path("/tmp") / f"bantin-fonts-{where}.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    assert problems == []
    page.close()
