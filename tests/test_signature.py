"""Closing lines: signatures pushed right at the end of a paste, and their front-matter keys."""

from __future__ import annotations

from bantin.signature import classify_closing, editor_name, find_signature, repeated_key


def test_a_tab_pushed_last_line_is_the_signature() -> None:
    body = ("Nhằm đánh giá toàn diện kết quả thực hiện công tác cải cách hành chính.\n"
            "Hội nghị do đồng chí Hoàng Đình Sơn chủ trì.\n"
            "\t\t\t\t\t\t\t          Phòng VHXH Tân Kỳ tổng hợp\n\n")
    found = find_signature(body)
    assert found is not None
    assert found.lines == ("Phòng VHXH Tân Kỳ tổng hợp",) and found.line == 2


def test_space_pushed_author_and_position_lines() -> None:
    body = ("Đoạn văn của bài.\n\n"
            "                                  Nguyễn Thị Thảo\n"
            "                                  Chuyên viên Phòng VHXH\n")
    found = find_signature(body)
    assert found is not None and found.lines == ("Nguyễn Thị Thảo", "Chuyên viên Phòng VHXH")


def test_indented_text_that_is_not_at_the_end_or_is_long_is_no_signature() -> None:
    assert find_signature("    Đoạn thụt vào.\nĐoạn cuối bài.\n") is None
    assert find_signature("Đoạn đầu.\n\t" + "rất dài " * 20 + "\n") is None
    assert find_signature("\t\tChỉ có một dòng thụt vào\n") is None


def test_closing_lines_become_front_matter() -> None:
    closing = classify_closing(["Theo Cổng Thông tin điện tử tỉnh Nghệ An - nghean.gov.vn",
                                "Hà Thị Hương, Phòng Văn hóa - Xã hội xã Tân Châu",
                                "*Mai Dung tổng hợp*"])
    assert closing.source == "Theo Cổng Thông tin điện tử tỉnh Nghệ An - nghean.gov.vn"
    assert closing.author == ("Hà Thị Hương, Phòng Văn hóa - Xã hội xã Tân Châu",)
    assert closing.editor == "Mai Dung"
    assert editor_name("Nguyễn Thị Thảo, Chuyên viên Phòng VHXH tổng hợp") == (
        "Nguyễn Thị Thảo, Chuyên viên Phòng VHXH")


def test_a_signature_that_repeats_the_front_matter_is_recognised() -> None:
    assert repeated_key("Phòng VHXH Tân Kỳ tổng hợp", "Phòng VHXH Tân Kỳ", (), "") == "editor"
    assert repeated_key("Phòng VHXH Tân Kỳ tổng hợp", "Hương Chi", ("Phòng VHXH Tân Kỳ",),
                        "") == "author"
    assert repeated_key("Theo nghean.gov.vn", "Mai Dung", (), "Theo nghean.gov.vn") == "source"
    assert repeated_key("Phòng VHXH Tân Kỳ tổng hợp", "Hương Chi", (), "") is None
