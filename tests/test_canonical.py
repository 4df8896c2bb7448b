"""The canonical form shared by de-duplication and (later) search."""

from __future__ import annotations

import unicodedata

import pytest

from bantin.canonical import canonical


@pytest.mark.parametrize(("old", "new"), [
    ("hòa", "hoà"), ("Hòa Bình", "Hoà Bình"), ("thủy lợi", "thuỷ lợi"), ("Ủy ban", "Uỷ ban"),
    ("khỏe mạnh", "khoẻ mạnh"), ("hóa đơn", "hoá đơn"), ("thỏa thuận", "thoả thuận"),
    ("tùy", "tuỳ"), ("lòe loẹt", "loè loẹt"), ("ĐẢNG ỦY", "đảng uỷ"), ("họa", "hoạ"),
])
def test_both_tone_placements_are_equal(old: str, new: str) -> None:
    assert canonical(old) == canonical(new)


@pytest.mark.parametrize("word", ["hoàng", "thuyền", "hoặc", "khuyến", "quý", "ngoài", "hoạt"])
def test_tone_placement_not_in_dispute_is_unchanged(word: str) -> None:
    assert canonical(word) == word


def test_nfd_and_nfc_are_equal() -> None:
    text = "Phó Bí thư Đảng ủy, Chủ tịch UBND xã chủ trì hội nghị"
    assert canonical(unicodedata.normalize("NFD", text)) == canonical(text)
    assert unicodedata.is_normalized("NFC", canonical(unicodedata.normalize("NFD", text)))


def test_lookalike_letters() -> None:
    assert canonical("\u00d0ảng ủy") == canonical("Đảng ủy") == "đảng uỷ"
    assert canonical("\u00f0ồng chí") == "đồng chí"
    assert canonical("x\u0430 Tân Kỳ") == canonical("xa Tân Kỳ")  # Cyrillic а


def test_case_folded() -> None:
    assert canonical("UBND XÃ TÂN KỲ") == canonical("UBND xã Tân Kỳ") == "ubnd xã tân kỳ"


def test_whitespace_nbsp_and_line_wraps_collapse() -> None:
    wrapped = "tỷ lệ thanh toán\ntrực tuyến  đạt\u00a099,77\u202f%\t;\r\nsố hóa"
    assert canonical(wrapped) == canonical("tỷ lệ thanh toán trực tuyến đạt 99,77 %; số hoá")


def test_quotes_dashes_and_ellipses() -> None:
    curly = "“Hệ thống thông tin UBND xã Tân Kỳ” – cấp độ 2…"
    straight = "\"Hệ thống thông tin UBND xã Tân Kỳ\" - cấp độ 2..."
    assert canonical(curly) == canonical(straight)
    assert canonical("Sơn — Phó Bí thư") == canonical("Sơn ‐ Phó Bí thư") == "sơn - phó bí thư"
    assert canonical("‘Tổ công nghệ số’") == canonical("'Tổ công nghệ số'")


def test_trailing_punctuation_ignored_inner_kept() -> None:
    assert canonical("trên địa bàn xã.") == canonical("trên địa bàn xã") == "trên địa bàn xã"
    assert canonical("đạt yêu cầu;  ") == canonical("đạt yêu cầu…") == "đạt yêu cầu"
    assert canonical("a, b") != canonical("a b")


def test_space_before_punctuation_ignored() -> None:
    assert canonical("Theo đó , hệ thống ; được xác định") == "theo đó, hệ thống; được xác định"


def test_invisible_characters_dropped() -> None:
    assert canonical("chuyển\u200b đổi\u00ad số\ufeff") == "chuyển đổi số"


def test_idempotent_and_empty() -> None:
    text = "  “Hòa” – THỦY…  "
    assert canonical(canonical(text)) == canonical(text)
    assert canonical("") == canonical(" ... ") == ""
