"""`bantin import` of pasted text: seed 000 verbatim, encodings, official documents, and
the articles it writes building right with no hand edits."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from bantin.build import BuildOptions, build
from bantin.cli import main
from bantin.import_text import pipe_tables, split_articles

from .conftest import REPO, write
from .test_build import pdf_text

FIXTURES = Path(__file__).parent / "fixtures"
SEED_000 = FIXTURES / "seed-000-hai-bai-dan-tu-word.txt"
TAIL = "Phát biểu kết luận hội nghị, đồng chí Chủ tịch UBND xã yêu cầu"
FIRST = "content/2026/18/ubnd-xa-tan-ky-to-chuc-hoi-nghi-chuyen-de-danh-gia-nhung-ton-tai-han-che-cac.md"


def new_site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    write(root, "issues/2026-18.yml", 'week: "25/5-29/5"\n')
    return root


def run_import(root: Path, *args: str) -> int:
    return main(["import", "--root", str(root), *args])


def test_seed_000_is_split_into_its_two_articles() -> None:
    lines = SEED_000.read_text(encoding="utf-8").split("\n")
    parts = split_articles(lines)
    assert [p[2] for p in parts] == [["Phòng VHXH Tân Kỳ tổng hợp"]] * 2
    assert parts[0][1][0].startswith(" UBND xã Tân Kỳ tổ chức Hội nghị chuyên đề")
    assert parts[1][1][0].startswith(" UBND XÃ TÂN KỲ ĐƯỢC PHÊ DUYỆT")


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """Seed 000 imported as it came, into a new site, then built with its PDF."""
    root = new_site(tmp_path_factory.mktemp("import"))
    source = tmp_path_factory.mktemp("in") / "tin-tan-ky.txt"
    shutil.copy(SEED_000, source)
    before = source.read_bytes()
    with pytest.MonkeyPatch.context() as mp:
        out: list[str] = []
        mp.setattr("builtins.print", lambda *a, **k: out.append(" ".join(map(str, a))))
        code = run_import(root, str(source), "--issue", "18", "--year", "2026",
                          "--commune", "Tân Kỳ", "--editor", "Hương Chi")
    assert code == 0, out
    assert source.read_bytes() == before  # the input is never changed
    build(BuildOptions(root=root, out=root / "public", use_cache=False))
    return root, "\n".join(out), (root / FIRST).read_text(encoding="utf-8")


def test_import_prints_the_paths_it_wrote(imported: tuple[Path, str, str]) -> None:
    root, said, _ = imported
    assert FIRST in said
    written = sorted(p.relative_to(root).as_posix() for p in (root / "content").rglob("*.md"))
    assert written == sorted([
        FIRST, "content/2026/18/ubnd-xa-tan-ky-duoc-phe-duyet-cap-do-an-toan-he-thong-thong-tin.md"])
    assert "Không có lỗi" in said and "1 đoạn lặp" in said


def test_imported_front_matter_and_body(imported: tuple[Path, str, str]) -> None:
    text = imported[2]
    assert 'title: "UBND xã Tân Kỳ tổ chức Hội nghị chuyên đề đánh giá những tồn tại' in text
    assert 'commune: "Tân Kỳ"' in text and 'editor: "Hương Chi"' in text
    assert 'author: "Phòng VHXH Tân Kỳ tổng hợp"' in text
    body = text.split("\n---\n", 1)[1].strip().split("\n")
    assert len(body) == 7 and body[0].startswith("Nhằm đánh giá toàn diện")
    assert "\t" not in text and "tổng hợp\n" not in body[-1]


def test_capitalised_title_gets_the_case_an_editor_prints(imported: tuple[Path, str, str]) -> None:
    root = imported[0]
    second = (root / "content/2026/18/ubnd-xa-tan-ky-duoc-phe-duyet-cap-do-an-toan-he-thong"
              "-thong-tin.md").read_text(encoding="utf-8")
    assert 'title: "UBND xã Tân Kỳ được phê duyệt cấp độ an toàn hệ thống thông tin"' in second
    # the articles keep the order they had in the file
    assert "\norder: 1\n" in imported[2] and "\norder: 2\n" in second


def test_imported_seed_builds_into_paragraphs_with_the_repeat_once(
        imported: tuple[Path, str, str]) -> None:
    root = imported[0]
    page = next((root / "public/2026/18").glob("ubnd-xa-tan-ky-to-chuc*/index.html"))
    html = page.read_text(encoding="utf-8")
    article = html.split("<footer", 1)[0]
    assert article.count(TAIL) == 1
    assert article.count("<p>") == 6  # 7 paragraph lines under the title, 1 repeat
    assert html.count("Phòng VHXH Tân Kỳ tổng hợp") == 1 and "Hương Chi tổng hợp" in html
    pdf = root / "public/2026/18/ban-tin-cchc-so-18-2026.pdf"
    text = pdf_text(pdf)
    assert text.count("Tổ công nghệ số cộng đồng") == 1  # (a page break splits longer phrases)
    assert text.count("Phòng VHXH Tân Kỳ tổng hợp") == 2


def test_import_never_overwrites(imported: tuple[Path, str, str],
                                 capsys: pytest.CaptureFixture[str]) -> None:
    root = imported[0]
    before = (root / FIRST).read_bytes()
    assert run_import(root, str(SEED_000), "--issue", "18", "--year", "2026",
                      "--commune", "Tân Kỳ") == 1
    err = capsys.readouterr().err
    assert "không ghi đè" in err and FIRST.split("/")[-1] in err
    assert (root / FIRST).read_bytes() == before


def test_verbatim_paste_into_an_article_builds_right(tmp_path: Path) -> None:
    """Seed 000's first article pasted under a front matter, nothing tidied by hand."""
    first = SEED_000.read_text(encoding="utf-8").split("\n")[1:10]
    root = tmp_path / "site"
    write(root, "content/2026/18/tan-ky.md", "\n".join([
        "---", "title: Hội nghị chuyên đề Chỉ số CCHC 2025", "issue: 18", "year: 2026",
        'week: "25/5-29/5"', "commune: Tân Kỳ", "editor: Hương Chi", "---", *first, ""]))
    result = build(BuildOptions(root=root, out=root / "public", use_cache=False))
    assert [w.format() for w in result.warnings] == []
    html = next((root / "public/2026/18").glob("*/index.html")).read_text(encoding="utf-8")
    body = html.split('<footer class="ky-ten">')[0]
    assert body.count(TAIL) == 1 and body.count("<p>") >= 7
    assert "<pre>" not in html and html.count("Phòng VHXH Tân Kỳ tổng hợp") == 1
    assert result.dedup is not None and len(result.dedup.findings) == 1


TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Word writes it: vowel shapes precomposed, tone marks combining."""
    out = b""
    for ch in text:
        nfd = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in TONES))
        out += (base + "".join(c for c in nfd if c in TONES)).encode("cp1258")
    return out


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1258"])
def test_text_in_each_encoding(tmp_path: Path, encoding: str) -> None:
    text = ("KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH QUÝ I\n"
            "Tổng số 2.234 hồ sơ được tiếp nhận, 100% hồ sơ thực hiện trực tuyến.\n"
            "Thanh toán trực tuyến đạt 99,77% với 1.709 giao dịch.\n"
            "\t\t\t\tPhòng VHXH Tân Kỳ tổng hợp\n")
    data = to_cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    source = tmp_path / "bai.txt"
    source.write_bytes(data)
    root = new_site(tmp_path)
    assert run_import(root, str(source), "--issue", "18", "--year", "2026",
                      "--commune", "Tân Kỳ") == 0
    written = next((root / "content/2026/18").glob("*.md")).read_text(encoding="utf-8")
    assert 'title: "Kết quả giải quyết thủ tục hành chính quý I"' in written
    assert 'editor: "Phòng VHXH Tân Kỳ"' in written
    assert "Tổng số 2.234 hồ sơ được tiếp nhận, 100% hồ sơ thực hiện trực tuyến.\n" in written


def test_tab_table_is_written_as_a_pipe_table() -> None:
    assert pipe_tables(["Lĩnh vực\tTiếp nhận", "Đất đai\t1.204", "Hộ tịch|x\t932", "Hết."]) == [
        "| Lĩnh vực | Tiếp nhận |", "|---|---|", "| Đất đai | 1.204 |", "| Hộ tịch\\|x | 932 |",
        "Hết."]


def test_official_report_in_markdown_becomes_an_article(tmp_path: Path) -> None:
    source = tmp_path / "bao-cao.md"
    source.write_text((FIXTURES / "bao-cao-119.md").read_text(encoding="utf-8"), "utf-8")
    root = new_site(tmp_path)
    assert run_import(root, str(source), "--issue", "18", "--year", "2026",
                      "--commune", "Tân Kỳ", "--editor", "Hương Chi") == 0
    written = next((root / "content/2026/18").glob("*.md")).read_text(encoding="utf-8")
    assert "source: \"Theo Báo cáo số 119/BC-UBND" in written
    assert "Nơi nhận" not in written and "Trịnh Huy Toàn" not in written
    assert "\n## I. KẾT QUẢ XẾP HẠNG CCHC NĂM 2025\n" in written
    assert "\nThực hiện Công văn số 2624/SNV-CCHC&VTLT" in written


def test_unknown_input_kind_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       ) -> None:
    source = tmp_path / "bang.xlsx"
    source.write_bytes(b"PK\x03\x04")
    assert run_import(new_site(tmp_path), str(source), "--issue", "18") == 1
    assert "chỉ nhập được tệp .docx, .txt hoặc .md" in capsys.readouterr().err


def test_sample_site_is_untouched_by_the_repo_fixture() -> None:
    assert (REPO / "content").is_dir()


# ---------------------------------------------------------------- a commune's Word file

def commune_docx(folder: Path) -> Path:
    """What a commune sends: centred capital title, a bold sub-heading, a photo with its
    italic caption, a table, a line typed in .VnTime, tracked changes, a right-aligned
    signature."""
    from . import docx_fixtures as dx

    doc = dx.new_document()
    dx.para(doc, ("XÃ VẠN AN VẬN HÀNH TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG LƯU ĐỘNG", "b"),
            align="center")
    p = dx.para(doc, "Ngày 22/4/2026, UBND xã Vạn An ")
    dx.tracked_insert(p, "đã ban hành Kế hoạch số 625/KH-UBND về mô hình Trung tâm Phục vụ "
                        "hành chính công lưu động. ")
    dx.tracked_delete(p, "dự thảo chưa duyệt. ")
    dx.para(doc, "Mô hình đưa dịch vụ công đến gần người dân ở các thôn vùng sâu, vùng xa.")
    dx.para(doc, ("Kết quả bước đầu", "b"))
    dx.para(doc, "Sau một tháng, tổ lưu động đã tiếp nhận và giải quyết nhiều hồ sơ:")
    dx.table(doc, [["Lĩnh vực", "Hồ sơ"], ["Hộ tịch", "124"], ["Chứng thực", "311"]])
    dx.picture(doc, dx.png_bytes(size=(40, 30)))
    dx.para(doc, ("Tổ lưu động làm việc tại thôn Yên Thành", "i"), align="center")
    legacy = doc.add_paragraph()
    dx.legacy_run(legacy, "Ng­êi d©n ®¸nh gi¸ cao sù tiÖn lîi cña m« h×nh.")
    dx.para(doc, "Hoàng Thị Thúy Giang - Giám đốc Trung tâm Phục vụ hành chính công xã",
            align="right")
    return dx.save(doc, folder, "Bài Vạn An.docx")


@pytest.fixture(scope="module")
def word_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = new_site(tmp_path_factory.mktemp("word"))
    source = commune_docx(tmp_path_factory.mktemp("in"))
    before = source.read_bytes()
    assert run_import(root, str(source), "--issue", "18", "--year", "2026",
                      "--commune", "Vạn An", "--editor", "Đảng Thiện") == 0
    assert source.read_bytes() == before
    build(BuildOptions(root=root, out=root / "public", use_cache=False))
    return root


def test_word_file_becomes_an_article_with_its_photo(word_site: Path) -> None:
    md = next((word_site / "content/2026/18").glob("*.md"))
    text = md.read_text(encoding="utf-8")
    assert md.name == "xa-van-an-van-hanh-trung-tam-phuc-vu-hanh-chinh-cong-luu-dong.md"
    assert 'title: "Xã Vạn An vận hành Trung tâm Phục vụ hành chính công lưu động"' in text
    assert ('author: "Hoàng Thị Thúy Giang - Giám đốc Trung tâm Phục vụ hành chính công xã"'
            in text)
    assert "đã ban hành Kế hoạch số 625/KH-UBND" in text and "dự thảo" not in text
    assert "\n## Kết quả bước đầu\n" in text
    assert "| Hộ tịch | 124 |" in text
    assert "Người dân đánh giá cao sự tiện lợi của mô hình." in text
    photo = md.with_name(md.stem + "-1.png")
    assert photo.is_file() and f"![Tổ lưu động làm việc tại thôn Yên Thành]({photo.name})" in text


def test_imported_word_article_builds_right(word_site: Path) -> None:
    page = next((word_site / "public/2026/18").glob("xa-van-an*/index.html"))
    html = page.read_text(encoding="utf-8")
    assert html.count("<tr>") == 3 and "<td>Chứng thực</td>" in html
    assert "Tổ lưu động làm việc tại thôn Yên Thành" in html
    shown = re.search(r'<img src="../../../(anh/[^"]+)"[^>]*alt="Tổ lưu động làm việc tại '
                      r'thôn Yên Thành"', html)
    assert shown and (word_site / "public" / shown.group(1)).is_file()
    assert "<figcaption>Tổ lưu động làm việc tại thôn Yên Thành</figcaption>" in html
    assert html.count("Hoàng Thị Thúy Giang") == 1 and "Đảng Thiện tổng hợp" in html
    body = html.split('<footer class="ky-ten">')[0].split("<h4>Kết quả bước đầu</h4>")
    assert len(body) == 2 and body[0].count("<p>") >= 2


def test_a_whole_commune_bulletin_gives_its_article_and_skips_the_masthead(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = new_site(tmp_path)
    assert run_import(root, str(FIXTURES / "seed-002-ban-tin-xa-tan-ky.txt"), "--issue", "18",
                      "--year", "2026", "--commune", "Tân Kỳ") == 0
    err = capsys.readouterr().err
    assert 'seed-002-ban-tin-xa-tan-ky.txt:8-15: phần bắt đầu bằng "CHỈ ĐẠO NỘI DUNG:"' in err
    assert "seed-002-ban-tin-xa-tan-ky.txt:22: chỗ này có ảnh" in err
    [md] = (root / "content/2026/18").glob("*.md")
    text = md.read_text(encoding="utf-8")
    assert ('title: "Tân Kỳ tập trung khắc phục tồn tại CCHC quý I năm 2026; nâng cao hiệu quả '
            'cải cách hành chính quý II năm 2026"') in text
    assert 'editor: "Nguyễn Thị Thảo, Chuyên viên Phòng VHXH"' in text
    assert "[image:" not in text and "\n+ Công tác chỉ đạo, điều hành" in text
