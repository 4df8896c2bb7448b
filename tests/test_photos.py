"""Photos as editors drop them next to articles: captions, galleries, web and print copies,
every bad photo told at its own line, and no photo read twice."""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from PIL import Image

from bantin.build import BuildOptions, build
from bantin.cli import main

from .conftest import LOCAL, REPO, write
from .sitecheck import broken_links
from .test_images import phone_photo

FIXTURE = REPO / "tests" / "fixtures" / "pdf_site"
ARTICLE = "content/2026/18/tan-ky-an-toan.md"
OLD = 1_700_000_000  # a time stamp long past: the digest cache may trust it


def article(site: Path, body: str, rel: str = ARTICLE, slug: str = "tan-ky-an-toan") -> Path:
    front = LOCAL.replace("title: UBND", f"slug: {slug}\ntitle: UBND", 1)
    return write(site, rel, front + "\n" + body)


def line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").split("\n").index(text) + 1


def page(out: Path, slug: str = "tan-ky-an-toan") -> str:
    return (out / f"2026/18/{slug}/index.html").read_text(encoding="utf-8")


def pdf_text(out: Path) -> str:
    from pypdf import PdfReader

    pdf = next(out.glob("2026/18/*.pdf"))
    return "\n".join(p.extract_text() for p in PdfReader(pdf).pages)


def pdf_images(out: Path) -> list[tuple[int, int]]:
    """Pixel sizes of the images the PDF holds (each once)."""
    from pypdf import PdfReader

    pdf = next(out.glob("2026/18/*.pdf"))
    seen: dict[str, tuple[int, int]] = {}
    for p in PdfReader(pdf).pages:
        for im in p.images:
            seen.setdefault(im.name, im.image.size)
    return sorted(seen.values())


def image_boxes(out: Path) -> list[tuple[int, float, float]]:
    """(page, left, top) in points of every image drawn in the PDF."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(next(out.glob("2026/18/*.pdf")))
    boxes = []
    for n in range(len(pdf)):
        for obj in pdf[n].get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=5):
            left, _, _, top = obj.get_bounds()
            boxes.append((n, round(left, 1), round(top, 1)))
    return boxes


def test_a_phone_photo_becomes_a_captioned_figure_web_and_print(site: Path, tmp_path: Path
                                                                ) -> None:
    photo = phone_photo(site / "content/2026/18/hoi-nghi.jpg")
    original = photo.read_bytes()
    article(site, "![Quang cảnh hội nghị chuyên đề](hoi-nghi.jpg)\n")
    out = tmp_path / "out"
    result = build(BuildOptions(root=site, out=out))
    html = page(out)
    figure = re.search(r'<figure class="anh">.*?</figure>', html, re.S)
    assert figure, html
    fig = figure.group(0)
    assert "<figcaption>Quang cảnh hội nghị chuyên đề</figcaption>" in fig
    assert 'alt="Quang cảnh hội nghị chuyên đề"' in fig
    assert 'width="2000" height="3000"' in fig  # upright: the camera said turn it
    assert 'type="image/webp"' in fig and " 480w" in fig and " 1440w" in fig
    assert 'sizes="' in fig and 'loading="lazy"' not in fig  # the page's first photo
    copies = sorted(p.name for p in (out / "anh").iterdir())
    key = copies[0].split("-")[2]
    assert copies == sorted(f"hoi-nghi-{key}-{w}.{e}" for e in ("jpg", "webp")
                            for w in (480, 960, 1440))
    for name in copies:
        with Image.open(out / "anh" / name) as img:
            assert not img.getexif(), name  # no GPS, no camera, no orientation
            assert img.height == img.width * 3 // 2
    assert "Quang cảnh hội nghị chuyên đề" in pdf_text(out)
    # Printed 70 mm wide (105 mm tall, the figure's limit): 827 px at 300 dpi, not 2000.
    assert pdf_images(out) == [(827, 1240)]
    assert photo.read_bytes() == original
    assert broken_links(out) == []
    assert not [w for w in result.warnings if "ảnh" in w.message]


def test_photos_in_a_row_form_a_gallery_two_per_printed_row(site: Path, tmp_path: Path) -> None:
    folder = site / "content/2026/18"
    for n in range(3):
        phone_photo(folder / f"anh-{n}.jpg", (1600 + n, 1200), orientation=1)
    article(site, "Một số hình ảnh:\n\n![Ảnh một](anh-0.jpg)\n![Ảnh hai](anh-1.jpg)\n"
            "![Ảnh ba](anh-2.jpg)\n")
    out = tmp_path / "out"
    build(BuildOptions(root=site, out=out))
    html = page(out)
    gallery = re.search(r'<div class="bo-anh">(.*?)</div>', html, re.S)
    assert gallery and gallery.group(1).count("<figure") == 3
    assert [c for c in ("Ảnh một", "Ảnh hai", "Ảnh ba")
            if f"<figcaption>{c}</figcaption>" not in gallery.group(1)] == []
    assert gallery.group(1).count('loading="lazy"') == 2
    boxes = image_boxes(out)
    assert len(boxes) == 3
    (p0, left0, top0), (p1, left1, top1), (_, left2, _) = boxes
    assert (p0, top0) == (p1, top1) and left1 > left0 + 200  # side by side
    assert abs(left2 - left0) < 1  # the third starts the next row
    # 82.7 mm wide (62 mm tall, a gallery cell's limit) at 300 dpi: ~977 × 733
    sizes = pdf_images(out)
    assert len(sizes) == 3 and all(975 <= w <= 980 and 731 <= h <= 734 for w, h in sizes)


def test_a_small_photo_is_warned_about_with_pixels_and_dpi(site: Path, tmp_path: Path) -> None:
    Image.new("RGB", (300, 200), (90, 90, 200)).save(site / "content/2026/18/zalo.jpg")
    path = article(site, "![Ảnh gửi qua Zalo](zalo.jpg)\n")
    result = build(BuildOptions(root=site, out=tmp_path / "out"))
    said = [w.format() for w in result.warnings]
    assert (f"{ARTICLE}:{line_of(path, '![Ảnh gửi qua Zalo](zalo.jpg)')}: cảnh báo: ảnh zalo.jpg "
            "chỉ có 300×200 điểm ảnh: in rộng 150 mm chỉ đạt 51 dpi, bản in sẽ mờ") in " ".join(
        said), said


def test_names_with_spaces_and_vietnamese_letters(site: Path, tmp_path: Path) -> None:
    folder = site / "content/2026/18"
    size = (1800, 1200)  # big enough to print sharp: no warning expected
    phone_photo(folder / "Ảnh hội nghị.JPG", size, orientation=1)
    # macOS stores names decomposed; the editor types them composed
    phone_photo(folder / unicodedata.normalize("NFD", "Đối thoại.jpg"), (1801, 1200), 1)
    phone_photo(folder / "anh 3.jpg", (1802, 1200), orientation=1)
    article(site, "Đầu bài.\n![Một](<Ảnh hội nghị.JPG>)\n\nGiữa bài.\n![Hai](Đối thoại.jpg)\n\n"
            "Đoạn nữa.\n![Ba](anh%203.jpg#giua)\n\nHết.\n![Bốn](Ảnh hội nghị.JPG)\n")
    out = tmp_path / "out"
    result = build(BuildOptions(root=site, out=out))
    html = page(out)
    for caption in ("Một", "Hai", "Ba", "Bốn"):
        assert f"<figcaption>{caption}</figcaption>" in html, caption
    assert "![" not in html
    assert not [w for w in result.warnings if "ảnh" in w.message], result.warnings
    text = pdf_text(out)
    assert all(c in text for c in ("Một", "Hai", "Ba", "Bốn"))
    assert len(pdf_images(out)) == 3  # "Bốn" is the same photo as "Một"
    assert broken_links(out) == []


BAD = {
    "missing": (lambda p: None, "không có tệp ảnh {src} — đặt ảnh cạnh tệp .md"),
    "text": (lambda p: p.write_text("không phải ảnh", encoding="utf-8"),
             "{src} không phải tệp ảnh"),
    "truncated": (lambda p: p.write_bytes(phone_photo(p).read_bytes()[:30000]),
                  "tệp ảnh {src} bị hỏng, không mở được (tệp bị cắt cụt)"),
    "bomb": (lambda p: Image.new("1", (12000, 10000)).save(p, "PNG"),
             "ảnh {src} quá lớn (12000×10000 điểm ảnh), vượt 100 triệu điểm ảnh"),
    "tga": (lambda p: Image.new("RGB", (20, 20)).save(p, "TGA"),
            "ảnh {src} có định dạng TGA không hiện được trên trang web"),
    "docx": (lambda p: p.write_bytes(b"PK\x03\x04"), "{src} không phải tệp ảnh"),
}


def test_every_bad_photo_is_told_once_at_its_own_line_and_the_bulletin_builds(
        site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = site / "content/2026/18"
    names = {"missing": "khong-co.jpg", "text": "ghi-chu.jpg", "truncated": "cat-cut.jpg",
             "bomb": "bom.png", "tga": "anh.tga", "docx": "bao-cao.docx"}
    body = []
    for kind, name in names.items():
        BAD[kind][0](folder / name)
        body.append(f"Đoạn văn trước ảnh {kind} có nhắc {name} trong câu.\n![Ảnh {kind}]({name})\n")
    (site / "content/chung.jpg").write_bytes(phone_photo(tmp_path / "x.jpg").read_bytes())
    body.append("Ảnh chung:\n![Ảnh chung](../../chung.jpg)\n")
    outside = tmp_path / "ngoai"
    outside.mkdir()
    phone_photo(outside / "bi-mat.jpg", (600, 400), 1)
    (folder / "lien-ket.jpg").symlink_to(outside / "bi-mat.jpg")
    body.append("Ảnh liên kết:\n![Ảnh liên kết](lien-ket.jpg)\n")
    path = article(site, "\n".join(body))
    source = path.read_bytes()
    out = tmp_path / "out"
    assert main(["build", "--root", str(site), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    for kind, name in names.items():
        where = f"{ARTICLE}:{line_of(path, f'![Ảnh {kind}]({name})')}: cảnh báo: "
        assert where + BAD[kind][1].format(src=name) in err, (kind, err)
    for shown in ("![Ảnh chung](../../chung.jpg)", "![Ảnh liên kết](lien-ket.jpg)"):
        src = shown.split("(")[1].rstrip(")")
        assert (f"{ARTICLE}:{line_of(path, shown)}: cảnh báo: ảnh {src} nằm ngoài thư mục "
                "của bài") in err, (src, err)
    assert err.count("cảnh báo: ") == len(names) + 2
    assert "Failed to load" not in err and "DecompressionBomb" not in err
    html = page(out)
    assert "<figure" not in html and "![" not in html
    assert not list(out.rglob("*bi-mat*")) and not list(out.rglob("*chung*"))
    assert not any(b"bi-mat" in p.read_bytes() or b"chung.jpg" in p.read_bytes()
                   for p in out.rglob("*") if p.is_file() and p.suffix in (".html", ".xml"))
    assert path.read_bytes() == source
    assert (out / "2026/18/index.html").exists() and next(out.glob("2026/18/*.pdf"))


def test_two_articles_each_with_anh_png_show_their_own(site: Path, tmp_path: Path) -> None:
    for folder, color in (("a", (200, 0, 0)), ("b", (0, 0, 200))):
        path = article(site, "![Ảnh của bài](anh.png)\n", f"content/2026/18/{folder}/bai.md",
                       f"bai-{folder}")
        Image.new("RGB", (640, 480), color).save(path.parent / "anh.png")
    (site / ARTICLE).unlink()
    out = tmp_path / "out"
    build(BuildOptions(root=site, out=out, pdf=False))
    colors = []
    for folder in ("a", "b"):
        found = re.search(r'<img src="../../../([^"]+)"', page(out, f"bai-{folder}"))
        assert found
        with Image.open(out / found.group(1)) as img:
            colors.append(img.convert("RGB").getpixel((5, 5)))
    assert colors[0][0] > 150 and colors[1][2] > 150, colors


def test_feed_links_photos_by_absolute_address(site: Path, tmp_path: Path) -> None:
    write(site, "site.yml", "title: Bản tin CCHC\npublisher: UBND xã Tân Kỳ\n"
          "base_url: https://tanky.nghean.gov.vn/ban-tin/\n")
    phone_photo(site / "content/2026/18/anh.jpg", (800, 600), 1)
    article(site, "![Ảnh](anh.jpg)\n")
    out = tmp_path / "out"
    build(BuildOptions(root=site, out=out, pdf=False))
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    srcs = re.findall(r"src=&#34;([^&]+)&#34;", feed) + re.findall(r'src="([^"]+)"', feed)
    assert srcs and all(s.startswith("https://tanky.nghean.gov.vn/ban-tin/anh/") for s in srcs)


def test_a_second_build_reads_no_photo(site: Path, tmp_path: Path) -> None:
    """Photos are known by size and time after the first build: one whose bytes change
    behind a kept time stamp is not read again (and nothing is written)."""
    folder = site / "content/2026/18"
    for n in range(3):
        os.utime(phone_photo(folder / f"anh-{n}.jpg", (1200, 900), 1), ns=(OLD * 10**9,) * 2)
    article(site, "".join(f"![Ảnh {n}](anh-{n}.jpg)\n" for n in range(3)))
    out = tmp_path / "out"
    build(BuildOptions(root=site, out=out))
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    for n in range(3):  # same size, same time, other bytes: only reading would notice
        p = folder / f"anh-{n}.jpg"
        p.write_bytes(bytes(len(p.read_bytes())))
        os.utime(p, ns=(OLD * 10**9,) * 2)
    second = build(BuildOptions(root=site, out=out))
    assert second.written == [] and second.pdfs == 0
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_check_reports_photos_as_build_does(site: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = article(site, "Đoạn văn.\n![Ảnh thiếu](thieu.jpg)\n")
    assert main(["check", "--root", str(site)]) == 0
    err = capsys.readouterr().err
    assert f"{ARTICLE}:{line_of(path, '![Ảnh thiếu](thieu.jpg)')}: cảnh báo: không có tệp ảnh " \
           "thieu.jpg" in err


def test_a_gallery_line_with_no_photo_is_warned_about(site: Path, tmp_path: Path) -> None:
    """Seed 001's articles end with "Một số hình ảnh:"; pasted as text, the photos are lost."""
    path = article(site, "Hội nghị thành công tốt đẹp.\n\nMột số hình ảnh:\n")
    result = build(BuildOptions(root=site, out=tmp_path / "out", pdf=False))
    assert [w.format() for w in result.warnings if "hình ảnh" in w.message] == [
        f"{ARTICLE}:{line_of(path, 'Một số hình ảnh:')}: cảnh báo: dòng “Một số hình ảnh:” "
        "không có ảnh nào theo sau — chép ảnh vào cạnh tệp .md rồi viết mỗi ảnh một dòng "
        "![chú thích](tên-ảnh.jpg) ngay dưới dòng này, hoặc xóa dòng này"]


def test_the_sample_prints_no_gallery_line_over_nothing(tmp_path: Path) -> None:
    """No photo of the seeds' galleries ships with an open licence, so the shipped Số 18
    leaves the line out instead of printing it over nothing."""
    root = tmp_path / "site"
    for name in ("content", "issues"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site.yml", root / "site.yml")
    result = build(BuildOptions(root=root, out=tmp_path / "out", pdf=False))
    assert not [w for w in result.warnings if "ảnh" in w.message]


def test_gallery_in_front_matter_makes_each_photo_line_a_gallery(site: Path, tmp_path: Path
                                                                 ) -> None:
    folder = site / "content/2026/18"
    for n in range(2):
        phone_photo(folder / f"anh-{n}.jpg", (1800 + n, 1200), orientation=1)
    body = "Đoạn mở đầu.\n![Ảnh một](anh-0.jpg)\nĐoạn giữa.\n![Ảnh hai](anh-1.jpg)\n"
    plain = article(site, body)
    out = tmp_path / "out"
    build(BuildOptions(root=site, out=out, pdf=False))
    assert "bo-anh" not in page(out)  # one photo between paragraphs: a figure
    plain.write_text(plain.read_text(encoding="utf-8").replace(
        "order: 1", "order: 1\ngallery: true"), encoding="utf-8")
    build(BuildOptions(root=site, out=out, pdf=False))
    assert page(out).count('<div class="bo-anh">') == 2
    plain.write_text(plain.read_text(encoding="utf-8").replace(
        "gallery: true", "gallery: có"), encoding="utf-8")
    from bantin.errors import ContentError

    with pytest.raises(ContentError) as caught:
        build(BuildOptions(root=site, out=out, pdf=False))
    assert [d.message for d in caught.value.diagnostics] == ["gallery chỉ nhận true hoặc false"]
