"""Print details of issue 12, read back from the PDF of the sample Số 18 (seed 001's layout):
page 1 filled to its foot, titles set ragged, no line break inside document numbers and
counts, crop marks in the slug, a masthead whose text reads in order with spaces."""

from __future__ import annotations

import collections
import dataclasses
import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest

from bantin import pdf
from bantin.content import load
from bantin.model import Site
from bantin.prepare import render_articles
from bantin.text import NBSP, WORD_JOINER, keep_together
from bantin.theme import load_theme

from .conftest import REPO, write

MM = 72 / 25.4
FOOTER = 20 * MM  # bottom page margin (print.css)
HEADER = 18 * MM  # the running header band ends 17 mm from the top
TITLE_PT = 13  # .tieu-de-bai
WORD_SPACE = 0.25  # Tinos' space, in em
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="poppler-utils (pdftotext) not installed")


@dataclasses.dataclass(frozen=True)
class Sample:
    site: Site
    result: pdf.PdfResult

    @property
    def path(self) -> Path:
        return self.result.path

    @property
    def shop(self) -> Path:
        return self.result.extras[0]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    """The repository's sample issue (content/, Số 18), A4 and print-shop files."""
    root = tmp_path_factory.mktemp("sample")
    for name in ("content", "issues"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site.yml", root / "site.yml")
    site, _ = load(root)
    issue = site.issues[0]
    out = tmp_path_factory.mktemp("out") / "so-18.pdf"
    result = pdf.render_issue_pdf(site, issue, render_articles(site), load_theme(root), out,
                                  pdf.PdfOptions(print_shop=True))
    return Sample(site, result)


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def body_lines(page: pypdfium2.PdfPage) -> list[str]:
    """Lines of the page between the running header and the footer."""
    width, height = page.get_size()
    text = page.get_textpage().get_text_bounded(0, FOOTER, width, height - HEADER)
    return [" ".join(line.replace(NBSP, " ").split()) for line in text.splitlines()
            if line.strip()]


# ---------------------------------------------------------------- 1. the foot of page 1


def foot_gap_mm(page: pypdfium2.PdfPage) -> float:
    """Empty height between the lowest line of text and the bottom margin."""
    _, height = page.get_size()
    text = page.get_textpage()
    bottoms = [text.get_charbox(i)[1] for i in range(text.count_chars())]
    lowest = min(b for b in bottoms if FOOTER < b < height - HEADER)
    return (lowest - FOOTER) / MM


def test_page_one_is_filled_to_its_foot(sample: Sample) -> None:
    # Was 25 mm: the last 3-line paragraph and its closing block went to page 2.
    doc = pypdfium2.PdfDocument(sample.path)
    try:
        assert foot_gap_mm(doc[0]) < 5
        assert body_lines(doc[0])[-1] == sample.site.issues[0].articles[0].editor_line
    finally:
        doc.close()
    assert sample.result.pages <= 12


def test_closing_block_never_opens_a_page(sample: Sample) -> None:
    """A closing block that moves to the next page takes at least 2 lines of text with it."""
    firsts = set()
    for a in sample.site.issues[0].articles:
        first = a.source or (a.author[0] if a.author else "") or (
            a.signature[0] if a.signature else "") or a.editor_line
        firsts.add(" ".join(first.split())[:30])
    doc = pypdfium2.PdfDocument(sample.path)
    seen = 0
    try:
        for number, page in enumerate(doc, 1):
            lines = body_lines(page)
            for index, line in enumerate(lines):
                if line[:30] in firsts:
                    seen += 1
                    assert index >= 2, (number, line)
    finally:
        doc.close()
    assert seen == len(sample.site.issues[0].articles)


# ---------------------------------------------------------------- 2. titles not justified


def title_word_gaps(path: Path) -> dict[tuple[int, float], list[float]]:
    """Gaps between the words of each line set at the title size, by (page, baseline)."""
    doc = pypdfium2.PdfDocument(path)
    lines: dict[tuple[int, float], list[tuple[float, float, str]]] = collections.defaultdict(list)
    try:
        for number, page in enumerate(doc, 1):
            text = page.get_textpage()
            x, y = pdfium_c.c_double(), pdfium_c.c_double()
            for i in range(text.count_chars()):
                # pdfium reports the size in CSS pixels: WeasyPrint's page matrix scales by 0.75
                if abs(pdfium_c.FPDFText_GetFontSize(text.raw, i) * 0.75 - TITLE_PT) > 0.05:
                    continue
                char = chr(pdfium_c.FPDFText_GetUnicode(text.raw, i))
                pdfium_c.FPDFText_GetCharOrigin(text.raw, i, x, y)
                left, _, right, _ = text.get_charbox(i, loose=True)
                lines[number, round(y.value, 1)].append((left, right, char))
    finally:
        doc.close()
    gaps = {}
    for key, chars in lines.items():
        found, previous = [], None
        for left, right, char in sorted(chars):
            if char.isspace():
                continue
            if previous is not None and left - previous > 0.5:
                found.append(left - previous)
            previous = right
        gaps[key] = found
    return gaps


def test_titles_are_set_ragged_not_justified(sample: Sample) -> None:
    gaps = title_word_gaps(sample.path)
    titles = sample.site.issues[0].articles
    assert len(gaps) >= len(titles)  # every title, some over two to four lines
    natural = WORD_SPACE * TITLE_PT
    # Justified, the loose lines of pages 6 and 9 had spaces of 6-11 pt.
    widest = max(g for found in gaps.values() for g in found)
    assert widest < natural * 1.1, widest


def test_bookmarks_keep_the_titles_as_written(sample: Sample) -> None:
    with pypdf.PdfReader(sample.path) as reader:
        titles = [c.title for group in reader.outline if isinstance(group, list)
                  for c in group]
    assert titles == [a.title for a in sample.site.issues[0].articles]
    assert any("57-NQ/TW" in t for t in titles)


# ---------------------------------------------------------------- 3. no break inside


@pytest.mark.parametrize(("text", "expected"), [
    ("Nghị quyết số 57-NQ/TW.", f"Nghị quyết số{NBSP}57-{WORD_JOINER}NQ/{WORD_JOINER}TW."),
    ("Báo cáo 119/BC-UBND", f"Báo cáo 119/{WORD_JOINER}BC-{WORD_JOINER}UBND"),
    ("số 2562/QĐ-CAT-PA05 về",
     f"số{NBSP}2562/{WORD_JOINER}QĐ-{WORD_JOINER}CAT-{WORD_JOINER}PA05{NBSP}về"),
    ("công khai 2.161 TTHC;", f"công khai 2.161{NBSP}TTHC;"),
    ("với 3.118 hồ sơ được", f"với 3.118{NBSP}hồ{NBSP}sơ được"),
    ("Văn thư lưu trữ, Sở Nội vụ", f"Văn{NBSP}thư{NBSP}lưu{NBSP}trữ, Sở Nội vụ"),
    # What never breaks anyway is left alone (dates, a digit after "-" or "/"), and a
    # number before a comma does not hold the next word.
    ("ngày 22/5/2026, tuần 25/5-29/5", "ngày 22/5/2026, tuần 25/5-29/5"),
    ("Nghị định 123/2025/NĐ-CP", f"Nghị định 123/2025/{WORD_JOINER}NĐ-{WORD_JOINER}CP"),
])
def test_keep_together(text: str, expected: str) -> None:
    assert keep_together(text) == expected
    assert keep_together(expected) == expected  # templates may apply it to rendered text
    # Copied or searched, the text reads as written.
    assert expected.replace(WORD_JOINER, "").replace(NBSP, " ") == text


TOKENS = ("57-NQ/TW", "2.161 TTHC", "3.118 hồ sơ", "2562/QĐ-CAT-PA05", "119/BC-UBND")
REPEATS = 40
FILLER = ("là", "đã", "của", "trong", "thực", "hiện", "công", "khai", "nhận", "theo")


@pytest.fixture(scope="module")
def numbers_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each token 40 times, after 1-6 words of filler that vary irregularly: the ends of the
    lines fall everywhere in them (without the joiners each token broke 2-8 times)."""
    root = tmp_path_factory.mktemp("numbers")
    parts = []
    for i in range(REPEATS):
        for j, token in enumerate(TOKENS):
            words = (i * i + 3 * j + i // 3) % 6 + 1
            parts.append(" ".join(FILLER[(i * j + 3 * m + i) % len(FILLER)]
                                  for m in range(words)) + " " + token)
    body = "\n".join(f"Đoạn {n // 25 + 1}: " + " ".join(parts[n:n + 25]) + "."
                     for n in range(0, len(parts), 25))
    write(root, "content/2026/18/so-van-ban.md", "---\ntitle: Số văn bản\nissue: 18\n"
          'year: 2026\nweek: "25/5-29/5"\neditor: Mai Dung\n---\n\n' + body + "\n")
    site, _ = load(root)
    out = root / "so-van-ban.pdf"
    pdf.render_issue_pdf(site, site.issues[0], render_articles(site), load_theme(root), out)
    return out


@needs_pdftotext
def test_no_line_break_inside_numbers(numbers_pdf: Path) -> None:
    text = pdftotext(numbers_pdf)
    assert WORD_JOINER not in text
    for token in TOKENS:
        # A token broken over two lines reads with a line break inside.
        assert text.count(token) == REPEATS, token
    doc = pypdfium2.PdfDocument(numbers_pdf)
    try:
        layer = "".join(page.get_textpage().get_text_range() for page in doc)
    finally:
        doc.close()
    assert WORD_JOINER not in layer and layer.count("57-NQ/TW") == REPEATS


@needs_pdftotext
def test_masthead_keeps_van_thu_luu_tru_on_one_line(sample: Sample) -> None:
    page_one = pdftotext(sample.path, "-layout", "-l", "1")
    assert any("Văn thư lưu trữ, Sở Nội vụ" in line for line in page_one.splitlines())


# ---------------------------------------------------------------- 4. crop marks


def dark_outside_trim(shop: Path) -> tuple[list[tuple[float, float]], float]:
    """Points (mm from the trim, outside it, by axis) of the marks at the top-left corner of
    page 1, and the slug's width in mm."""
    with pypdf.PdfReader(shop) as reader:
        page = reader.pages[0]
        media, trim = page.mediabox, page.trimbox
        slug = (float(trim.left) - float(media.left)) / MM
    scale = 300 / 72
    doc = pypdfium2.PdfDocument(shop)
    try:
        image = doc[0].render(scale=scale).to_pil().convert("L")
    finally:
        doc.close()
    per_mm = scale * MM
    corner = int(slug * per_mm)
    points = []
    for y in range(corner):
        for x in range(corner):
            if image.getpixel((x, y)) < 128:
                points.append((slug - x / per_mm, slug - y / per_mm))
    return points, slug


def test_crop_marks_sit_in_the_slug(sample: Sample) -> None:
    points, slug = dark_outside_trim(sample.shop)
    assert points, "no crop marks"
    # Marks start beyond the 3 mm bleed (they were inside it, 1.5-3 mm from the trim).
    nearest = min(max(dx, dy) for dx, dy in points)
    assert nearest >= 3, nearest
    # The horizontal mark runs along the top trim line, about 5 mm long.
    along = [dx for dx, dy in points if abs(dy) < 0.3]
    assert 4 <= max(along) - min(along) <= 6.5, (min(along), max(along))
    assert max(along) <= slug + 0.1  # on the sheet
    with pypdf.PdfReader(sample.shop) as reader:
        page = reader.pages[0]
        assert round(float(page.trimbox.width) / MM) == 210
        bleed = (float(page.trimbox.left) - float(page.bleedbox.left)) / MM
        assert 3 <= bleed < 4  # the bleed the print shop reads


# ---------------------------------------------------------------- 5. masthead text


MASTHEAD_ORDER = [r"CẢI CÁCH HÀNH CHÍNH", r"BẢN TIN NỘI BỘ CỦA CƠ QUAN THƯỜNG TRỰC CCHC TỈNH NGHỆ AN",
                  r"SỐ 18", r"25/5-29/5", r"2026", r"CHỈ ĐẠO NỘI DUNG"]
IN_ORDER = re.compile(r"\s+".join(MASTHEAD_ORDER))


def test_masthead_text_reads_in_order_with_spaces(sample: Sample) -> None:
    with pypdf.PdfReader(sample.path) as reader:
        text = reader.pages[0].extract_text()  # was "HÀNH CHÍNHBẢN", "SỐ 1825/5-29/5"
    assert IN_ORDER.search(text), text[:200]
    doc = pypdfium2.PdfDocument(sample.path)
    try:
        layer = doc[0].get_textpage()
        chars = [(chr(pdfium_c.FPDFText_GetUnicode(layer.raw, i)),
                  pdfium_c.FPDFText_IsGenerated(layer.raw, i) == 1)
                 for i in range(layer.count_chars())]
    finally:
        doc.close()
    # A space drawn in the PDF, not one a reader guesses, ends each part.
    drawn = "".join(c if not generated else "\n" for c, generated in chars)
    for part in MASTHEAD_ORDER[:-1]:
        assert f"{part} " in drawn, part


@needs_pdftotext
def test_masthead_reads_in_order_in_pdftotext(sample: Sample) -> None:
    assert IN_ORDER.search(pdftotext(sample.path, "-l", "1"))
    layout = pdftotext(sample.path, "-layout", "-l", "1")
    for joined in ("CHÍNHBẢN", "CHÍNH BẢN TIN", "1825/5", "29/52026"):
        assert joined not in layout.replace("\n", ""), joined
    for part in MASTHEAD_ORDER:
        assert part in layout, part


def test_issue_box_stays_centred(sample: Sample) -> None:
    """The space that ends each line of the issue box is offset: the box looks the same."""
    doc = pypdfium2.PdfDocument(sample.path)
    try:
        text = doc[0].get_textpage()
        centres = []
        for word in ("SỐ 18", "25/5-29/5", "2026"):
            start, count = text.search(word).get_next()
            left = text.get_charbox(start)[0]
            right = text.get_charbox(start + count - 1)[2]
            centres.append((left + right) / 2)
    finally:
        doc.close()
    assert max(centres) - min(centres) < 1.5, centres  # points; glyphs differ a little
