"""Paste traces in hand-written articles: each is a warning with file:line and the fix."""

from __future__ import annotations

from pathlib import Path

from bantin.build import load
from bantin.paste import PLACEHOLDER

from .conftest import write

HEAD = """\
---
title: Kết quả giải quyết thủ tục hành chính
issue: 18
year: 2026
week: "25/5-29/5"
commune: Tân Kỳ
editor: Hương Chi
---
"""
LONG1 = "Kết quả giải quyết thủ tục hành chính tiếp tục duy trì tích cực với 3.118 hồ sơ được tiếp nhận."
LONG2 = "Tỷ lệ thanh toán trực tuyến đạt 99,77%, tỷ lệ số hóa hồ sơ cơ bản đạt yêu cầu đề ra."


def warnings_of(root: Path, body: str, site_yml: str = "") -> list[str]:
    write(root, "content/2026/18/bai.md", HEAD + body)
    if site_yml:
        write(root, "site.yml", site_yml)
    return [w.format() for w in load(root)[1]]


def test_markdown_rule_warns_about_lines_that_each_end_a_sentence(tmp_path: Path) -> None:
    said = warnings_of(tmp_path, f"{LONG1}\n{LONG2}\n", "paragraphs: markdown\n")
    assert any(s.startswith("content/2026/18/bai.md:9: cảnh báo: đoạn gồm 2 dòng dài")
               and "để một dòng trống giữa các đoạn" in s for s in said), said
    assert warnings_of(tmp_path / "b", f"{LONG1}\n{LONG2}\n") == []  # the lines rule: fine


def test_tab_table_is_printed_and_warned_with_the_pipe_form(tmp_path: Path) -> None:
    said = warnings_of(tmp_path, "Kết quả:\nLĩnh vực\tTiếp nhận\nĐất đai\t1.204\n")
    assert any(s.startswith("content/2026/18/bai.md:10: cảnh báo: bảng dán từ Word (2 dòng")
               and "| Lĩnh vực | Tiếp nhận |" in s for s in said), said


def test_signature_typed_as_body_text(tmp_path: Path) -> None:
    said = warnings_of(tmp_path, f"{LONG1}\nPhòng VHXH Tân Kỳ tổng hợp\n")
    assert any(s.startswith("content/2026/18/bai.md:10: cảnh báo: dòng ký tên "
                            '"Phòng VHXH Tân Kỳ tổng hợp" nằm trong nội dung bài')
               and "editor: Phòng VHXH Tân Kỳ" in s for s in said), said


def test_pushed_right_signature_repeating_front_matter_is_warned_and_printed_once(
        tmp_path: Path) -> None:
    said = warnings_of(tmp_path, f"{LONG1}\n\t\t\t\tHương Chi tổng hợp\n")
    assert said == ["content/2026/18/bai.md:10: cảnh báo: dòng ký tên \"Hương Chi tổng hợp\" "
                    "lặp lại editor trong phần khai báo, chỉ in một lần (ở khối ký tên cuối "
                    "bài) — xóa dòng này khỏi nội dung"]
    site, _ = load(tmp_path)
    assert site.articles[0].signature == ()


def test_placeholder_of_bantin_new(tmp_path: Path) -> None:
    said = warnings_of(tmp_path, f"\n{PLACEHOLDER}\n")
    assert any(":10: cảnh báo: bài còn dòng mẫu của bantin new" in s for s in said), said


def test_text_in_a_legacy_encoding(tmp_path: Path) -> None:
    tcvn3 = "UBND x· T©n Kú tæ chøc Héi nghÞ chuyªn ®Ò ®¸nh gi¸ ChØ sè c¶i c¸ch hµnh chÝnh."
    said = warnings_of(tmp_path, f"{LONG1}\n{tcvn3}\n")
    assert any(":10: cảnh báo: nội dung gõ bằng bảng mã TCVN3" in s for s in said), said


def test_clean_article_has_no_warning(tmp_path: Path) -> None:
    assert warnings_of(tmp_path, f"{LONG1}\n{LONG2}\n\n## Kết quả\n- Ý một\n+ ý phụ\n") == []
