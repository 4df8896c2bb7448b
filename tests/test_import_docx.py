"""The Word reader: each case is a .docx built by tests/docx_fixtures.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from bantin.errors import BantinError, ImportFailed
from bantin.import_docx import read_docx
from tests import docx_fixtures as fx

TITLE = "UBND XÃ TÂN KỲ ĐƯỢC PHÊ DUYỆT CẤP ĐỘ AN TOÀN HỆ THỐNG THÔNG TIN"
P1 = ("Thực hiện các nhiệm vụ về chuyển đổi số, xây dựng chính quyền số và bảo đảm an toàn "
      "thông tin mạng trên địa bàn, UBND xã Tân Kỳ đã hoàn thành việc xây dựng hồ sơ đề xuất "
      "cấp độ an toàn hệ thống thông tin theo quy định.")
P2 = ("Kết quả giải quyết thủ tục hành chính tiếp tục duy trì tích cực với 3.118 hồ sơ được "
      "tiếp nhận, 100% hồ sơ nộp trực tuyến.")
SIGN = "Phòng VHXH Tân Kỳ tổng hợp"


def read_one(path: Path):
    drafts = read_docx(path)
    assert len(drafts) == 1
    return drafts[0]


def lines(body: str) -> list[str]:
    return [line for line in body.split("\n") if line]


def titled() -> fx.DocumentObject:
    doc = fx.new_document()
    fx.para(doc, (TITLE, "b"), align="center")
    return doc


def test_title_body_closing_and_origin(tmp_path: Path) -> None:
    doc = titled()
    doc.add_paragraph("")
    fx.para(doc, P1, align="justify")
    doc.add_paragraph("   ")
    fx.para(doc, P2, align="justify")
    fx.para(doc, SIGN, align="right")
    draft = read_one(fx.save(doc, tmp_path, "tan-ky.docx"))
    assert draft.title == TITLE
    assert draft.body == f"{P1}\n\n{P2}"
    assert draft.closing == [SIGN]
    assert draft.origin == "tan-ky.docx"
    assert draft.notes == []


def test_bold_and_italic_runs_become_markdown(tmp_path: Path) -> None:
    doc = titled()
    fx.para(doc, "Hội nghị do đồng chí ", ("Hoàng", "b"), " ", ("Đình Sơn", "b"),
            " – Phó Bí thư Đảng ủy chủ trì; tham dự có ", ("các đồng chí ", "i"),
            ("Phó Chủ tịch", "bi"), " và ", ("lãnh ", "b"), ("đạo", "b"), (" ", "b"), "các phòng.")
    draft = read_one(fx.save(doc, tmp_path))
    assert draft.body == ("Hội nghị do đồng chí **Hoàng Đình Sơn** – Phó Bí thư Đảng ủy chủ trì; "
                          "tham dự có *các đồng chí* ***Phó Chủ tịch*** và **lãnh đạo** các phòng.")


def test_hidden_text_all_caps_and_punctuation_beside_emphasis(tmp_path: Path) -> None:
    doc = fx.new_document()
    title = fx.para(doc, align="center")
    title.add_run("Hội nghị chuyên đề về chỉ số CCHC").font.all_caps = True
    body = fx.para(doc, ("Kết quả:", "b"), "đạt 61,85/73,5 điểm")
    body.add_run(" (ghi chú ẩn của người soạn)").font.hidden = True
    body.add_run(", xếp thứ 3/130 xã, phường.")
    draft = read_one(fx.save(doc, tmp_path))
    assert draft.title == "HỘI NGHỊ CHUYÊN ĐỀ VỀ CHỈ SỐ CCHC"
    assert draft.body == "**Kết quả**:đạt 61,85/73,5 điểm, xếp thứ 3/130 xã, phường."


def test_literal_markdown_characters_are_escaped(tmp_path: Path) -> None:
    doc = titled()
    fx.para(doc, "# 1 là mã hồ sơ đầu tiên.")
    fx.para(doc, "2. Không phải danh sách: số thứ tự gõ tay.")
    fx.para(doc, "> 95% hồ sơ được giải quyết trước hạn.")
    fx.para(doc, "| cột gõ tay")
    fx.para(doc, "Chỉ tiêu (*) tính theo quý.")
    draft = read_one(fx.save(doc, tmp_path))
    assert lines(draft.body) == [
        "\\# 1 là mã hồ sơ đầu tiên.",
        "2\\. Không phải danh sách: số thứ tự gõ tay.",
        "\\> 95% hồ sơ được giải quyết trước hạn.",
        "\\| cột gõ tay",
        "Chỉ tiêu (\\*) tính theo quý.",
    ]


def test_headings_from_styles_and_short_bold_paragraphs(tmp_path: Path) -> None:
    doc = titled()
    fx.para(doc, P1)
    doc.add_heading("Kết quả nổi bật", level=1)
    doc.add_heading("Cải cách thủ tục hành chính", level=2)
    doc.add_heading("Thanh toán trực tuyến", level=3)
    fx.para(doc, ("Nhiệm vụ trọng tâm quý II", "b"))
    fx.para(doc, ("1. Công tác chỉ đạo, điều hành.", "b"))
    fx.para(doc, ("Kết quả đạt được rất đáng ghi nhận.", "b"))
    fx.para(doc, ("Cụ thể như sau:", "b"))
    draft = read_one(fx.save(doc, tmp_path))
    assert lines(draft.body) == [
        P1,
        "## Kết quả nổi bật",
        "## Cải cách thủ tục hành chính",
        "### Thanh toán trực tuyến",
        "## Nhiệm vụ trọng tâm quý II",
        "## 1. Công tác chỉ đạo, điều hành.",
        "**Kết quả đạt được rất đáng ghi nhận.**",
        "**Cụ thể như sau:**",
    ]


def test_word_lists_and_typed_lists(tmp_path: Path) -> None:
    doc = titled()
    fx.para(doc, "Một số kết quả nổi bật trong quý I như sau:")
    fx.para(doc, "Công tác chỉ đạo, điều hành được triển khai kịp thời:", style="List Bullet")
    fx.para(doc, "UBND xã đã ban hành 02 quyết định, 08 kế hoạch;", style="List Bullet 2")
    fx.para(doc, ("Đã thực hiện", "b"), " 5/31 nhiệm vụ.", style="List Bullet 2")
    fx.para(doc, "Tổng thu ngân sách đạt 47% dự toán.", style="List Bullet")
    fx.para(doc, "Các bước thực hiện:")
    fx.para(doc, "Rà soát hồ sơ tồn đọng;", style="List Number")
    fx.para(doc, "Chấn chỉnh quy trình tiếp nhận.", style="List Number")
    fx.para(doc, "- Trước thực trạng trên, UBND xã đã đề ra nhiều giải pháp.")
    fx.para(doc, "+  Thanh toán trực tuyến được đẩy mạnh: đạt 99,77%.")
    fx.para(doc, "– Siết chặt kỷ luật, kỷ cương hành chính.")
    fx.para(doc, "•\tTăng cường sử dụng hộp thư công vụ.")
    fx.para(doc, "-Các phòng, ban được giao nhiệm vụ cụ thể.")
    draft = read_one(fx.save(doc, tmp_path))
    assert draft.body == (
        "Một số kết quả nổi bật trong quý I như sau:\n\n"
        "- Công tác chỉ đạo, điều hành được triển khai kịp thời:\n"
        "+ UBND xã đã ban hành 02 quyết định, 08 kế hoạch;\n"
        "+ **Đã thực hiện** 5/31 nhiệm vụ.\n"
        "- Tổng thu ngân sách đạt 47% dự toán.\n\n"
        "Các bước thực hiện:\n\n"
        "1. Rà soát hồ sơ tồn đọng;\n"
        "2. Chấn chỉnh quy trình tiếp nhận.\n"
        "- Trước thực trạng trên, UBND xã đã đề ra nhiều giải pháp.\n"
        "+ Thanh toán trực tuyến được đẩy mạnh: đạt 99,77%.\n"
        "- Siết chặt kỷ luật, kỷ cương hành chính.\n"
        "- Tăng cường sử dụng hộp thư công vụ.\n"
        "- Các phòng, ban được giao nhiệm vụ cụ thể."
    )


def test_custom_word_numbering(tmp_path: Path) -> None:
    doc = titled()
    letters = fx.numbered_list(doc, "lowerLetter", "%1)")
    plus = fx.numbered_list(doc, "bullet", "+")
    dash = fx.numbered_list(doc, "bullet", "-")
    fx.number(fx.para(doc, "Công tác chỉ đạo, điều hành:"), dash)
    fx.number(fx.para(doc, "Ban hành 02 quyết định;"), plus)
    fx.number(fx.para(doc, "Ban hành 08 kế hoạch."), plus)
    fx.number(fx.para(doc, "Rà soát hồ sơ tồn đọng;"), letters)
    fx.number(fx.para(doc, "Chấn chỉnh quy trình tiếp nhận."), letters)
    draft = read_one(fx.save(doc, tmp_path))
    assert draft.body == (
        "- Công tác chỉ đạo, điều hành:\n"
        "+ Ban hành 02 quyết định;\n"
        "+ Ban hành 08 kế hoạch.\n\n"
        "a) Rà soát hồ sơ tồn đọng;\n\n"
        "b) Chấn chỉnh quy trình tiếp nhận."
    )


def test_title_style_and_vni_font(tmp_path: Path) -> None:
    doc = fx.new_document()
    doc.add_heading("Mô hình Trung tâm Phục vụ hành chính công lưu động", level=0)
    body = fx.para(doc)
    fx.legacy_run(body, "Thoâng baùo keát quaû", "VNI-Times")
    draft = read_one(fx.save(doc, tmp_path))
    assert draft.title == "Mô hình Trung tâm Phục vụ hành chính công lưu động"
    assert draft.body == "Thông báo kết quả"
    assert [n.message for n in draft.notes] == [
        "đã chuyển 1 đoạn gõ bằng bảng mã VNI (phông VNI-Times) sang Unicode"]


def test_table_becomes_pipe_table(tmp_path: Path) -> None:
    doc = titled()
    fx.para(doc, P2)
    fx.table(doc, [
        ["Chỉ tiêu", "Kế hoạch", "Thực hiện"],
        ["Hồ sơ trực tuyến", "95%", "100%"],
        ["Ký số văn bản\nvăn bản điện tử", "90%", "98% | vượt"],
    ])
    fx.para(doc, "Tuy nhiên vẫn còn 25 hồ sơ quá hạn.")
    draft = read_one(fx.save(doc, tmp_path))
    assert lines(draft.body) == [
        P2,
        "| Chỉ tiêu | Kế hoạch | Thực hiện |",
        "|---|---|---|",
        "| Hồ sơ trực tuyến | 95% | 100% |",
        "| Ký số văn bản; văn bản điện tử | 90% | 98% \\| vượt |",
        "Tuy nhiên vẫn còn 25 hồ sơ quá hạn.",
    ]


def test_merged_cells(tmp_path: Path) -> None:
    doc = titled()
    table = doc.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "Lĩnh vực"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "Số hồ sơ"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "Đất đai"
    table.cell(1, 1).text = "Quá hạn"
    table.cell(1, 2).text = "21"
    table.cell(2, 1).text = "Trễ hạn"
    table.cell(2, 2).text = "05"
    draft = read_one(fx.save(doc, tmp_path))
    assert lines(draft.body) == [
        "| Lĩnh vực | Số hồ sơ |  |",
        "|---|---|---|",
        "| Đất đai | Quá hạn | 21 |",
        "| Đất đai | Trễ hạn | 05 |",
    ]


def test_one_cell_table_is_a_frame_around_text(tmp_path: Path) -> None:
    doc = titled()
    table = doc.add_table(rows=1, cols=1)
    cell = table.cell(0, 0)
    cell.paragraphs[0].text = P1
    cell.add_paragraph("- Tăng cường kiểm tra, đôn đốc.")
    draft = read_one(fx.save(doc, tmp_path))
    assert lines(draft.body) == [P1, "- Tăng cường kiểm tra, đôn đốc."]


def test_photos_with_and_without_caption(tmp_path: Path) -> None:
    png, jpeg = fx.png_bytes(), fx.jpeg_bytes()
    doc = titled()
    fx.para(doc, P1)
    fx.picture(doc, png)
    fx.para(doc, ("Quang cảnh hội nghị", "i"), align="center")
    fx.para(doc, P2)
    fx.picture(doc, jpeg, align=None)
    fx.para(doc, "Phát biểu kết luận hội nghị, đồng chí Chủ tịch UBND xã yêu cầu các phòng, "
                 "ban, đơn vị tiếp tục xác định cải cách hành chính là nhiệm vụ trọng tâm.")
    draft = read_one(fx.save(doc, tmp_path))
    assert lines(draft.body)[1:4] == ["![Quang cảnh hội nghị](<anh-1.png>)", P2,
                                      "![](<anh-2.jpg>)"]
    assert "Quang cảnh hội nghị" not in draft.body.replace("![Quang cảnh hội nghị]", "")
    assert [p.ref for p in draft.photos] == ["anh-1.png", "anh-2.jpg"]
    assert draft.photos[0].data == png
    assert draft.photos[1].data == jpeg


def test_caption_centred_not_italic_and_photo_inside_text(tmp_path: Path) -> None:
    png = fx.png_bytes((0, 90, 0))
    doc = titled()
    fx.picture(doc, png)
    fx.para(doc, "Ảnh: Đồng chí Hoàng Đình Sơn phát biểu tại hội nghị", align="center")
    paragraph = fx.para(doc)
    fx.cell_picture(paragraph, png)
    paragraph.add_run("+  Phát triển kinh tế số, xã hội số có chuyển biến: 75% hộ dân, tiểu "
                      "thương sử dụng thanh toán điện tử.")
    draft = read_one(fx.save(doc, tmp_path))
    assert lines(draft.body) == [
        "![Ảnh: Đồng chí Hoàng Đình Sơn phát biểu tại hội nghị](<anh-1.png>)",
        "![](<anh-1.png>)",
        "+ Phát triển kinh tế số, xã hội số có chuyển biến: 75% hộ dân, tiểu thương sử dụng "
        "thanh toán điện tử.",
    ]
    assert len(draft.photos) == 1  # the same picture twice is one photo


def test_photos_laid_out_in_a_table(tmp_path: Path) -> None:
    red, blue = fx.png_bytes((255, 0, 0)), fx.png_bytes((0, 0, 255))
    doc = titled()
    fx.para(doc, "Một số hình ảnh tại hội nghị:")
    table = doc.add_table(rows=2, cols=2)
    fx.cell_picture(table.cell(0, 0).paragraphs[0], red)
    fx.cell_picture(table.cell(0, 1).paragraphs[0], blue)
    table.cell(1, 0).text = "Quang cảnh hội nghị"
    table.cell(1, 1).text = "Đại biểu thảo luận"
    draft = read_one(fx.save(doc, tmp_path))
    assert lines(draft.body) == ["Một số hình ảnh tại hội nghị:",
                                 "![Quang cảnh hội nghị](<anh-1.png>)",
                                 "![Đại biểu thảo luận](<anh-2.png>)"]
    assert [p.data for p in draft.photos] == [red, blue]


def test_photo_in_a_data_table_goes_after_the_table(tmp_path: Path) -> None:
    png = fx.png_bytes()
    doc = titled()
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Mô hình"
    table.cell(0, 1).text = "Hình ảnh"
    table.cell(1, 0).text = "Trung tâm Phục vụ hành chính công lưu động phục vụ người dân tại "\
                            "các thôn, bản vùng sâu vùng xa của xã trong suốt quý II năm 2026 vừa qua"
    fx.cell_picture(table.cell(1, 1).paragraphs[0], png)
    draft = read_one(fx.save(doc, tmp_path))
    assert lines(draft.body)[:2] == ["| Mô hình | Hình ảnh |", "|---|---|"]
    assert lines(draft.body)[3] == "![](<anh-1.png>)"
    assert draft.photos[0].data == png


def test_footnotes_are_kept_as_numbered_notes(tmp_path: Path) -> None:
    doc = titled()
    paragraph = fx.para(doc, "Thực hiện Nghị quyết số 57-NQ/TW")
    fx.add_footnote(doc, paragraph, "Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị.")
    paragraph.add_run(" và Đề án 06")
    fx.add_footnote(doc, paragraph, "Đề án 06 về phát triển ứng dụng dữ liệu dân cư.")
    paragraph.add_run(", UBND xã đã ban hành nhiều kế hoạch.")
    draft = read_one(fx.save(doc, tmp_path))
    assert lines(draft.body) == [
        "Thực hiện Nghị quyết số 57-NQ/TW[1] và Đề án 06[2], UBND xã đã ban hành nhiều kế hoạch.",
        "Chú thích:",
        "[1] Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị.",
        "[2] Đề án 06 về phát triển ứng dụng dữ liệu dân cư.",
    ]


def test_missing_title_is_noted(tmp_path: Path) -> None:
    doc = fx.new_document()
    fx.para(doc, P1)
    fx.para(doc, P2)
    draft = read_one(fx.save(doc, tmp_path))
    assert draft.title == ""
    assert draft.body == f"{P1}\n\n{P2}"
    assert [n.message for n in draft.notes] == [
        "không tìm thấy tiêu đề (đoạn đầu không căn giữa, không in đậm, không viết hoa) — hãy "
        "điền tiêu đề"]


def test_title_in_capitals_only(tmp_path: Path) -> None:
    doc = fx.new_document()
    fx.para(doc, "TÂN KỲ TẬP TRUNG KHẮC PHỤC TỒN TẠI CCHC QUÝ I NĂM 2026")
    fx.para(doc, P1)
    assert read_one(fx.save(doc, tmp_path)).title == (
        "TÂN KỲ TẬP TRUNG KHẮC PHỤC TỒN TẠI CCHC QUÝ I NĂM 2026")


def test_closing_block_pushed_right_in_every_way(tmp_path: Path) -> None:
    doc = titled()
    fx.para(doc, P1)
    fx.para(doc, P2)
    fx.para(doc, ("Theo Cổng Thông tin điện tử tỉnh Nghệ An - nghean.gov.vn", "i"),
            align="right")
    fx.para(doc, "\t\t\t\t\t\t\t          Phòng VHXH Tân Kỳ tổng hợp")
    indented = fx.para(doc, "Tác giả: Nguyễn Thị Thảo")
    indented.paragraph_format.left_indent = Cm(10)
    signed = fx.para(doc, "Nguyễn Thị Thảo,", align="right")
    fx.soft_break(signed)
    signed.add_run("Chuyên viên Phòng VHXH")
    doc.add_paragraph("")
    draft = read_one(fx.save(doc, tmp_path))
    assert draft.body == f"{P1}\n\n{P2}"
    assert draft.closing == [
        "Theo Cổng Thông tin điện tử tỉnh Nghệ An - nghean.gov.vn",
        "Phòng VHXH Tân Kỳ tổng hợp",
        "Tác giả: Nguyễn Thị Thảo",
        "Nguyễn Thị Thảo,",
        "Chuyên viên Phòng VHXH",
    ]


def test_right_aligned_line_inside_the_body_stays(tmp_path: Path) -> None:
    doc = titled()
    fx.para(doc, P1)
    fx.para(doc, "Tân Kỳ, ngày 20 tháng 5 năm 2026", align="right")
    fx.para(doc, P2)
    draft = read_one(fx.save(doc, tmp_path))
    assert lines(draft.body) == [P1, "Tân Kỳ, ngày 20 tháng 5 năm 2026", P2]
    assert draft.closing == []


def test_soft_breaks_tabs_and_non_breaking_spaces(tmp_path: Path) -> None:
    doc = titled()
    paragraph = fx.para(doc, "Tổng số 2.234\u00a0hồ sơ được tiếp nhận,")
    fx.soft_break(paragraph)
    paragraph.add_run("100%\thồ sơ thực hiện  trực tuyến.")
    draft = read_one(fx.save(doc, tmp_path))
    assert draft.body == "Tổng số 2.234 hồ sơ được tiếp nhận, 100% hồ sơ thực hiện trực tuyến."


def test_tracked_changes_are_accepted(tmp_path: Path) -> None:
    doc = titled()
    paragraph = fx.para(doc, "Ngày 22/5/2026, Giám đốc Công an tỉnh ")
    fx.tracked_delete(paragraph, "Hà Tĩnh ")
    fx.tracked_insert(paragraph, "Nghệ An ")
    paragraph.add_run("đã ban hành Quyết định")
    fx.tracked_move(paragraph, " (bản cũ)", to=False)
    fx.tracked_move(paragraph, " số 2562/QĐ-CAT-PA05", to=True)
    paragraph.add_run(".")
    joined = fx.para(doc, "Theo đó, hệ thống được xác định ")
    fx.delete_paragraph_mark(joined)
    fx.para(doc, "ở Cấp độ 2.")
    draft = read_one(fx.save(doc, tmp_path))
    assert lines(draft.body) == [
        "Ngày 22/5/2026, Giám đốc Công an tỉnh Nghệ An đã ban hành Quyết định số "
        "2562/QĐ-CAT-PA05.",
        "Theo đó, hệ thống được xác định ở Cấp độ 2.",
    ]
    assert "Hà Tĩnh" not in draft.body and "bản cũ" not in draft.body


def test_comments_leave_no_text(tmp_path: Path) -> None:
    doc = titled()
    paragraph = fx.para(doc, "Tỷ lệ thanh toán trực tuyến đạt ")
    run = paragraph.add_run("99,77%")
    paragraph.add_run(".")
    doc.add_comment(run, text="Kiểm tra lại số liệu với Trung tâm PVHCC", author="Thảo",
                    initials="NT")
    draft = read_one(fx.save(doc, tmp_path))
    assert draft.body == "Tỷ lệ thanh toán trực tuyến đạt 99,77%."
    assert "Kiểm tra" not in draft.body


def test_tcvn3_fonts_are_converted(tmp_path: Path) -> None:
    doc = fx.new_document()
    title = fx.para(doc, align="center")
    fx.legacy_run(title, "Th«ng b¸o", ".VnTimeH")
    body = fx.para(doc)
    fx.legacy_run(body, "Th«ng b¸o")
    body.add_run(" kết quả: ")
    fx.legacy_run(body, "UBND x· T©n Kú tæ chøc Héi nghÞ").bold = True
    typed = fx.para(doc, "UBND x· T©n Kú tæ chøc Héi nghÞ chuyªn ®Ò ®¸nh gi¸ chØ sè CCHC")
    assert typed.runs[0].font.name is None  # no legacy font: found by the text itself
    draft = read_one(fx.save(doc, tmp_path))
    assert draft.title == "THÔNG BÁO"
    assert lines(draft.body) == [
        "Thông báo kết quả: **UBND xã Tân Kỳ tổ chức Hội nghị**",
        "UBND xã Tân Kỳ tổ chức Hội nghị chuyên đề đánh giá chỉ số CCHC",
    ]
    assert [n.message for n in draft.notes] == [
        "đã chuyển 3 đoạn gõ bằng bảng mã TCVN3 (phông .VnTime, .VnTimeH) sang Unicode"]


def test_legacy_font_from_the_paragraph_style(tmp_path: Path) -> None:
    doc = fx.new_document()
    doc.styles["Normal"].font.name = ".VnTime"
    fx.para(doc, ("Th«ng b¸o", "b"), align="center")
    fx.para(doc, "UBND x· T©n Kú tæ chøc Héi nghÞ.")
    draft = read_one(fx.save(doc, tmp_path))
    assert (draft.title, draft.body) == ("Thông báo", "UBND xã Tân Kỳ tổ chức Hội nghị.")


def test_objects_that_cannot_be_placed_are_noted(tmp_path: Path) -> None:
    doc = titled()
    fx.para(doc, P1)
    fx.ole_object(doc, fx.para(doc))
    fx.para(doc, P2)
    arrow = fx.para(doc, "Quy trình tiếp nhận hồ sơ ")
    fx.vml_shape(arrow)
    fx.chart(fx.para(doc))
    fx.linked_picture(fx.para(doc))
    draft = read_one(fx.save(doc, tmp_path, "bao-cao.docx"))
    assert lines(draft.body) == [P1, P2, "Quy trình tiếp nhận hồ sơ"]
    assert [(n.where, n.message) for n in draft.notes] == [
        ("bao-cao.docx, đoạn 3", "có bảng tính Excel (Excel.Sheet.12) nhúng trong bài, không "
         "chuyển được — hãy dán lại nội dung thành bảng Word hoặc chèn ảnh chụp"),
        ("bao-cao.docx, đoạn 5", "có hình vẽ (shape) không chuyển được — hãy chụp thành ảnh "
         "(PNG/JPG) rồi chèn lại"),
        ("bao-cao.docx, đoạn 6", "có biểu đồ (chart) không chuyển được — hãy chụp thành ảnh "
         "(PNG/JPG) rồi chèn lại"),
        ("bao-cao.docx, đoạn 7", "ảnh chỉ liên kết tới một tệp bên ngoài, không nằm trong tệp "
         ".docx — hãy chèn thẳng ảnh vào tài liệu (không chọn «Liên kết tới tệp»)"),
    ]


def test_text_box_text_is_read_once(tmp_path: Path) -> None:
    doc = titled()
    holder = fx.para(doc, P1)
    fx.text_box(holder, ["Hotline: 0238.3844.xxx", "Tổ công nghệ số cộng đồng"])
    fx.para(doc, P2)
    draft = read_one(fx.save(doc, tmp_path))
    assert lines(draft.body) == [P1, "Hotline: 0238.3844.xxx", "Tổ công nghệ số cộng đồng", P2]
    assert [n.where for n in draft.notes] == ["bai-viet.docx, đoạn 2"]
    assert "hộp văn bản" in draft.notes[0].message


def test_two_articles_in_one_file(tmp_path: Path) -> None:
    doc = fx.new_document()
    fx.para(doc, "UBND XÃ TÂN KỲ TỔ CHỨC HỘI NGHỊ CHUYÊN ĐỀ VỀ CHỈ SỐ CCHC NĂM 2025")
    fx.para(doc, P2)
    fx.para(doc, "\t\t\t\t\t\t\t   " + SIGN)
    fx.para(doc, TITLE)
    fx.para(doc, P1)
    fx.para(doc, "\t\t\t\t\t\t\t   " + SIGN)
    first, second = read_docx(fx.save(doc, tmp_path))
    assert (first.title, first.body, first.closing) == (
        "UBND XÃ TÂN KỲ TỔ CHỨC HỘI NGHỊ CHUYÊN ĐỀ VỀ CHỈ SỐ CCHC NĂM 2025", P2, [SIGN])
    assert (second.title, second.body, second.closing) == (TITLE, P1, [SIGN])


def test_text_is_nfc(tmp_path: Path) -> None:
    import unicodedata

    doc = fx.new_document()
    fx.para(doc, (unicodedata.normalize("NFD", "Hội nghị chuyên đề"), "b"),
            align="center").alignment = WD_ALIGN_PARAGRAPH.CENTER
    fx.para(doc, unicodedata.normalize("NFD", P1))
    draft = read_one(fx.save(doc, tmp_path))
    assert draft.title == "Hội nghị chuyên đề"
    assert draft.body == P1


@pytest.mark.parametrize(("data", "expected"), [
    (b"\x00\x17 r\xe1c r\x0f\xaa" * 50, "không đọc được tệp Word"),
    (b"PK\x03\x04" + b"\x00" * 200, "không đọc được tệp Word"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "tệp Word cũ (.doc)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), "mật khẩu"),
])
def test_unreadable_files_fail_in_vietnamese(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "bai-viet.docx"
    path.write_bytes(data)
    with pytest.raises(ImportFailed) as failure:
        read_docx(path)
    message = str(failure.value)
    assert isinstance(failure.value, BantinError)
    assert message.startswith("bai-viet.docx: ")
    assert expected in message
    assert "mở tệp bằng Word" in message and "Lưu thành .docx" in message
