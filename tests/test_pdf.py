"""The print edition: the PDF of a small Số 18 (tests/fixtures/pdf_site), read back.

Reference images: tests/reference/pdf_page*.png. After an intended layout change, look at
the new pages (pdftoppm) and rewrite them with BANTIN_UPDATE_REFERENCE=1 pytest tests/test_pdf.py.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import unicodedata
from pathlib import Path

import pypdf
import pypdfium2
import pytest
from PIL import Image, ImageChops, ImageStat

from bantin import pdf
from bantin.content import load
from bantin.markdown import Rendered
from bantin.model import Site
from bantin.prepare import render_articles
from bantin.theme import load_theme

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "pdf_site"
REFERENCE = REPO / "tests" / "reference"
SECTIONS = ("TIN CCHC TỈNH", "TIN CCHC ĐỊA PHƯƠNG")
RUNNING_TITLE = "Bản tin Cải cách hành chính – Số 18 (25/5-29/5/2026)"
SHIPPED_FONT_NAMES = ("Bantin-Serif", "Bantin-Sans")
MM = 72 / 25.4
HEADER_HEIGHT = 18 * MM  # the running header sits 11-17 mm from the top (print.css)
FOOTER_HEIGHT = 20 * MM
MAX_PIXEL_DIFFERENCE = 2.0  # mean absolute difference, 0-255 grey levels


@dataclasses.dataclass(frozen=True)
class Built:
    site: Site
    rendered: dict[str, Rendered]
    result: pdf.PdfResult

    @property
    def path(self) -> Path:
        return self.result.path


def load_fixture(root: Path) -> tuple[Site, dict[str, Rendered]]:
    site, _ = load(root)
    return site, render_articles(site)


@pytest.fixture(scope="module")
def fixture_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pdf_site")
    shutil.copytree(FIXTURE, root, dirs_exist_ok=True)
    return root


@pytest.fixture(scope="module")
def built(fixture_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    site, rendered = load_fixture(fixture_root)
    issue = site.issues[0]
    out = tmp_path_factory.mktemp("out") / pdf.issue_pdf_rel(site.config, issue)
    result = pdf.render_issue_pdf(site, issue, rendered, load_theme(fixture_root), out)
    return Built(site, rendered, result)


def page_texts(path: Path) -> list[tuple[str, str, str]]:
    """(header, body, footer) text of every page."""
    doc = pypdfium2.PdfDocument(path)
    out = []
    for page in doc:
        width, height = page.get_size()
        text = page.get_textpage()
        out.append((text.get_text_bounded(0, height - HEADER_HEIGHT, width, height),
                    text.get_text_bounded(0, FOOTER_HEIGHT, width, height - HEADER_HEIGHT),
                    text.get_text_bounded(0, 0, width, FOOTER_HEIGHT)))
    doc.close()
    return out


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace("\u00a0", " ").split())


def test_file_name_and_place(built: Built) -> None:
    issue = built.site.issues[0]
    assert pdf.pdf_file_name(built.site.config, issue) == "ban-tin-cchc-so-18-2026.pdf"
    assert pdf.issue_pdf_rel(built.site.config, issue) == "2026/18/ban-tin-cchc-so-18-2026.pdf"
    assert built.path.is_file() and built.path.name == "ban-tin-cchc-so-18-2026.pdf"
    config = dataclasses.replace(built.site.config, pdf_name="so-{label}-{year}")
    assert pdf.pdf_file_name(config, issue) == "so-18-2026.pdf"
    with pytest.raises(pdf.BantinError):
        pdf.pdf_file_name(dataclasses.replace(config, pdf_name="{so}.pdf"), issue)


def test_pages_and_no_problems(built: Built) -> None:
    assert 4 <= built.result.pages <= 6
    assert built.result.missing_glyphs == ""
    assert built.result.problems == ()
    with pypdf.PdfReader(built.path) as reader:
        assert len(reader.pages) == built.result.pages
        for page in reader.pages:  # A4 portrait
            assert round(float(page.mediabox.width) / MM) == 210
            assert round(float(page.mediabox.height) / MM) == 297


def test_masthead_on_page_one_only(built: Built) -> None:
    pages = page_texts(built.path)
    header, body, _ = pages[0]
    body = flat(body)
    # No running header on page 1: the masthead stands in (and starts in that band, 15 mm
    # from the top, so only the header's own text is looked for).
    assert RUNNING_TITLE not in flat(header) and not any(s in flat(header) for s in SECTIONS)
    for text in ("CẢI CÁCH HÀNH CHÍNH",
                 "BẢN TIN NỘI BỘ CỦA CƠ QUAN THƯỜNG TRỰC CCHC TỈNH NGHỆ AN",
                 "SỐ 18", "25/5-29/5", "2026", "CHỈ ĐẠO NỘI DUNG",
                 "Nguyễn Việt Hưng, Ủy viên BCH Đảng bộ tỉnh, Giám đốc Sở Nội vụ",
                 "Dương Danh Vỹ, Trưởng phòng CCHC & VTLT, Sở Nội vụ",
                 "BIÊN TẬP VÀ TRÌNH BÀY", "TIN CCHC TỈNH",
                 "Thành lập Ban Chỉ đạo sơ kết 01 năm"):
        assert text in body, text
    # Articles start flowing under the masthead, in order.
    assert body.index("BIÊN TẬP VÀ TRÌNH BÀY") < body.index("TIN CCHC TỈNH") < body.index(
        "Ngày 22/5/2026")
    for _, later, _ in pages[1:]:
        assert "CHỈ ĐẠO NỘI DUNG" not in later


def test_running_header_names_the_section_in_force(built: Built) -> None:
    pages = page_texts(built.path)
    in_force = None
    for number, (header, body, _) in enumerate(pages, 1):
        header, body = flat(header), flat(body)
        if number > 1:
            assert RUNNING_TITLE in header, number
            named = header.replace(RUNNING_TITLE, "").strip()
            # The section whose text the page opens with: the last band before this page,
            # or a band standing at the very top of it.
            expected = next((s for s in SECTIONS if body.startswith(s)), in_force)
            assert named == expected, (number, header)
        bands = [(body.rfind(s), s) for s in SECTIONS if s in body]
        if bands:
            in_force = max(bands)[1]
    assert in_force == SECTIONS[-1]
    assert flat(pages[-1][0]).startswith(SECTIONS[-1])


def test_page_numbers_in_the_footer(built: Built) -> None:
    footers = [flat(f) for _, _, f in page_texts(built.path)]
    assert footers == [str(n) for n in range(1, len(footers) + 1)]


def test_bookmarks_sections_then_articles(built: Built) -> None:
    issue = built.site.issues[0]
    with pypdf.PdfReader(built.path) as reader:
        outline = reader.outline
        tops = [o for o in outline if not isinstance(o, list)]
        children = [o for o in outline if isinstance(o, list)]
        assert [t.title for t in tops] == [g.section.name for g in issue.sections]
        assert [[flat(c.title) for c in group] for group in children] == [
            [flat(a.title) for a in g.articles] for g in issue.sections]
        pages = [reader.get_destination_page_number(c) for group in children for c in group]
    assert pages == sorted(pages) and pages[0] == 0
    # The local section's titles carry the commune prefix (format.md).
    assert children[1][0].title.startswith("Xã Vạn An: ")


def test_metadata(built: Built) -> None:
    with pypdf.PdfReader(built.path) as reader:
        meta = reader.metadata
        assert meta is not None
        assert meta.title == RUNNING_TITLE
        assert meta.author == "BẢN TIN NỘI BỘ CỦA CƠ QUAN THƯỜNG TRỰC CCHC TỈNH NGHỆ AN"
        assert reader.trailer["/Root"]["/Lang"] == "vi"


def _fonts(reader: pypdf.PdfReader) -> dict[str, pypdf.generic.DictionaryObject]:
    fonts = {}
    for page in reader.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            fonts[str(font["/BaseFont"])] = font
    return fonts


def test_only_shipped_fonts_all_embedded(built: Built) -> None:
    with pypdf.PdfReader(built.path) as reader:
        fonts = _fonts(reader)
        assert fonts
        for name, font in fonts.items():
            subset, _, base = name.lstrip("/").partition("+")
            assert len(subset) == 6 and subset.isupper(), f"{name} is not a subset"
            assert base.startswith(SHIPPED_FONT_NAMES), f"{name} is not a shipped font"
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, f"{name} is not embedded"
    if shutil.which("pdffonts"):
        import subprocess

        rows = subprocess.run(["pdffonts", str(built.path)], capture_output=True, text=True,
                              check=True).stdout.splitlines()[2:]
        assert rows and all(r.split()[-5:-3] == ["yes", "yes"] for r in rows), rows


def fixture_text(site: Site) -> str:
    cfg = site.config
    issue = site.issues[0]
    parts = [cfg.title, cfg.publisher, cfg.site_name, issue.label, issue.editorial,
             *issue.direction, *(g.section.name for g in issue.sections)]
    for a in issue.articles:
        parts += [a.title, a.body, a.source, *a.author, a.editor_line]
    return "\n".join(parts)


def test_every_character_is_in_the_shipped_fonts(built: Built) -> None:
    theme = load_theme(FIXTURE)
    renderer = pdf.PrintRenderer(built.site, theme)
    families = {f.family for f in renderer.faces}
    assert families == {"Bantin Serif", "Bantin Sans"}
    fonts_dir = REPO / "assets" / "fonts"
    assert all(f.path.parent == fonts_dir for f in renderer.faces)
    # Every face of every family: the body can be bold or italic, the masthead is sans.
    text = fixture_text(built.site)
    assert any(c in text for c in "ỹữẵậđĐƯ")
    assert pdf.uncovered(text, renderer.faces) == ""
    # Every precomposed Vietnamese letter, in every face.
    letters = {unicodedata.normalize("NFC", base + mark)
               for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
               for mark in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")} | set("đĐ")
    assert pdf.uncovered("".join(letters), renderer.faces) == ""
    # A character no shipped font has is reported, not silently taken from the system.
    assert pdf.uncovered("Hoàn thành ✓", renderer.faces) == "✓"


def test_licences_shipped_with_fonts() -> None:
    fonts_dir = REPO / "assets" / "fonts"
    for licence in ("OFL-Tinos.txt", "OFL-BeVietnamPro.txt"):
        assert "SIL OPEN FONT LICENSE" in (fonts_dir / licence).read_text(encoding="utf-8")


def test_photo_embedded(built: Built) -> None:
    with pypdf.PdfReader(built.path) as reader:
        images = {img.name: len(img.data) for page in reader.pages for img in page.images}
    assert len(images) == 1  # one photo, stored once
    assert min(images.values()) > 1000


def test_closing_block_right_aligned(built: Built) -> None:
    doc = pypdfium2.PdfDocument(built.path)
    width, _ = doc[0].get_size()
    right_edges = []
    for page in doc:
        text = page.get_textpage()
        searcher = text.search("tổng hợp")
        while (hit := searcher.get_next()) is not None:
            start, count = hit
            box = text.get_charbox(start + count - 1)
            right_edges.append(box[2])
    doc.close()
    assert len(right_edges) >= 5
    right_margin = width - 18 * MM
    assert all(abs(edge - right_margin) < 2 for edge in right_edges), right_edges


def render_page(path: Path, index: int) -> Image.Image:
    doc = pypdfium2.PdfDocument(path)
    image = doc[index].render(scale=50 / 72).to_pil().convert("L")
    doc.close()
    return image


@pytest.mark.parametrize("index", [0, 2])
def test_pages_look_like_the_reference(built: Built, index: int) -> None:
    image = render_page(built.path, index)
    reference = REFERENCE / f"pdf_page{index + 1}.png"
    if os.environ.get("BANTIN_UPDATE_REFERENCE"):
        REFERENCE.mkdir(exist_ok=True)
        image.save(reference, optimize=True)
    expected = Image.open(reference).convert("L")
    assert image.size == expected.size
    difference = ImageStat.Stat(ImageChops.difference(image, expected)).mean[0]
    assert difference <= MAX_PIXEL_DIFFERENCE, (
        f"page {index + 1} differs from {reference.name} by {difference:.2f}")


def test_table_of_contents_with_page_numbers(built: Built, tmp_path: Path) -> None:
    site = dataclasses.replace(built.site,
                               config=dataclasses.replace(built.site.config, toc=True))
    out = tmp_path / "toc.pdf"
    pdf.render_issue_pdf(site, site.issues[0], built.rendered, load_theme(FIXTURE), out)
    pages = page_texts(out)
    first = flat(pages[0][1])
    assert "Mục lục" in first
    with pypdf.PdfReader(out) as reader:
        targets = {flat(c.title): reader.get_destination_page_number(c) + 1
                   for group in reader.outline if isinstance(group, list) for c in group}
    for title, page in targets.items():
        # The TOC line of each article ends with the page its title is printed on.
        found = re.search(re.escape(flat(title)) + r"[\s.]*(\d+)", first)
        assert found and found.group(1) == str(page), (title, page)


def test_booklet_order() -> None:
    assert pdf.booklet_order(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]
    assert pdf.booklet_order(5) == [(None, 0), (1, None), (None, 2), (3, 4)]
    assert pdf.booklet_order(1) == [(None, 0), (None, None)]
    every = [p for side in pdf.booklet_order(12) for p in side]
    assert sorted(every) == list(range(12))


def test_variants_print_shop_booklet_archive(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "ban-tin.pdf"
    options = pdf.PdfOptions(print_shop=True, booklet=True, archive=True)
    result = pdf.render_issue_pdf(built.site, built.site.issues[0], built.rendered,
                                  load_theme(FIXTURE), out, options)
    names = sorted(p.name for p in result.extras)
    assert names == ["ban-tin-a3-gap-doi.pdf", "ban-tin-luu-tru.pdf", "ban-tin-nha-in.pdf"]
    with pypdf.PdfReader(tmp_path / "ban-tin-nha-in.pdf") as shop:
        page = shop.pages[0]
        trim, media = page.trimbox, page.mediabox
        assert round(float(trim.width) / MM) == 210  # trimmed to A4 along the crop marks
        assert float(media.width) - float(trim.width) >= 6 * MM - 0.5  # 3 mm bleed each side
    with pypdf.PdfReader(tmp_path / "ban-tin-a3-gap-doi.pdf") as booklet:
        sides = -(-result.pages // 4) * 2
        assert len(booklet.pages) == sides
        page = booklet.pages[0]
        assert round(float(page.mediabox.width) / MM) == 420  # A3 landscape
        assert round(float(page.mediabox.height) / MM) == 297
        # Side 1: the last page (or a blank) on the left, page 1 with the masthead on the right.
        assert "CẢI CÁCH HÀNH CHÍNH" in page.extract_text()
    with pypdf.PdfReader(tmp_path / "ban-tin-luu-tru.pdf") as archive:
        root = archive.trailer["/Root"]
        xmp = root["/Metadata"].get_object().get_data().decode()
        assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
        assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"


def _two_issue_site(built: Built) -> Site:
    first = built.site.issues[0]
    second = dataclasses.replace(first, number=19)
    return dataclasses.replace(built.site, issues=(second, first))


def _pdf_inputs(site: Site, rendered: dict, options: pdf.PdfOptions | None = None
                ) -> dict[str, str]:
    targets = pdf.PdfTargets(site, rendered, load_theme(FIXTURE), options).targets()
    return {t.path: t.inputs for t in targets}


def test_pdf_targets_change_only_with_what_the_issue_prints(built: Built) -> None:
    site = _two_issue_site(built)
    first = _pdf_inputs(site, built.rendered)
    assert set(first) == {"2026/18/ban-tin-cchc-so-18-2026.pdf",
                          "2026/19/ban-tin-cchc-so-19-2026.pdf"}
    assert _pdf_inputs(site, dict(built.rendered)) == first  # same inputs, same digests
    # An article body changes (both test issues share it): both are stale.
    a = site.issues[1].articles[0]
    changed = dict(built.rendered)
    changed[a.rel] = Rendered(changed[a.rel].html + "<p>Thêm một đoạn.</p>",
                              changed[a.rel].summary, changed[a.rel].blocks)
    third = _pdf_inputs(site, changed)
    assert all(third[k] != first[k] for k in first)
    archiving = pdf.PdfTargets(site, changed, load_theme(FIXTURE), pdf.PdfOptions(archive=True))
    # The A4 file is made from the same inputs whatever print files are asked for; the
    # archive file is a target of its own (for the print folder, build.py).
    assert {t.path: t.inputs for t in archiving.targets()} == third
    archived = archiving.print_targets()
    assert archived[0].paths == ("2026/19/ban-tin-cchc-so-19-2026-luu-tru.pdf",)
    assert archived[0].inputs not in third.values()


def test_css_string_is_safe() -> None:
    assert pdf.css_string('Số "18" </style>') == '"Số \\22 18\\22  \\3c /style\\3e "'


def test_missing_glyph_is_reported(built: Built, tmp_path: Path) -> None:
    issue = built.site.issues[0]
    a = issue.articles[0]
    changed = dict(built.rendered)
    changed[a.rel] = Rendered(changed[a.rel].html + "<p>Đã hoàn thành ✓</p>",
                              changed[a.rel].summary, changed[a.rel].blocks)
    result = pdf.render_issue_pdf(built.site, issue, changed, load_theme(FIXTURE),
                                  tmp_path / "x.pdf")
    assert result.missing_glyphs == "✓"
    report = pdf.result_warnings(result, "2026/18/x.pdf")
    assert len(report) == 1 and report[0].warning
    assert "✓ (U+2713)" in report[0].format()
    assert report[0].path == "2026/18/x.pdf"
    notes = [json.dumps(dataclasses.astuple(d)) for d in report]
    assert pdf.note_warnings(notes) == report  # kept with the target, reported again
