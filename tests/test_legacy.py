"""Reading office text files: UTF-8/UTF-16/Windows-1258 bytes and TCVN3/VNI legacy text."""

from __future__ import annotations

import codecs
import time
import unicodedata

import pytest

from bantin import legacy
from bantin.legacy import (
    TCVN3_TABLE,
    VNI_TABLE,
    Decoded,
    decode_text,
    detect_legacy,
    font_scheme,
    is_capital_font,
    legacy_to_unicode,
    unicode_to_legacy,
)

# Every Vietnamese letter: 12 vowels x (no tone + 5 tones) and đ, both cases; 134 of them
# are not ASCII.
LOWER = "aáàảãạăắằẳẵặâấầẩẫậeéèẻẽẹêếềểễệiíìỉĩịoóòỏõọôốồổỗộơớờởỡợuúùủũụưứừửữựyýỳỷỹỵđ"
LETTERS = LOWER + LOWER.upper()

REPUBLIC = "Cộng hoà xã hội chủ nghĩa Việt Nam"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
REPUBLIC_TCVN3 = "Céng hoµ x· héi chñ nghÜa ViÖt Nam"
MOTTO_TCVN3 = "§éc lËp - Tù do - H¹nh phóc"
REPUBLIC_VNI = "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam"
MOTTO_VNI = "Ñoäc laäp - Töï do - Haïnh phuùc"

BULLETIN = """\
UBND xã Tân Kỳ tổ chức Hội nghị chuyên đề đánh giá Chỉ số cải cách hành chính năm 2025.
Ngày 22/5/2026, Tỉnh ủy ban hành Quyết định số 936-QĐ/TU về thành lập Ban Chỉ đạo sơ kết.
Trung tâm Phục vụ hành chính công tiếp nhận 3.118 hồ sơ, giải quyết đúng hạn đạt 99,77%; \
không có hồ sơ quá hạn, người dân hài lòng với thái độ phục vụ của cán bộ, công chức.
Thủ tục hành chính được niêm yết công khai, minh bạch; các tổ chức, cá nhân tra cứu trên \
Cổng Dịch vụ công quốc gia.
Ban Chỉ đạo làm việc theo chế độ kiêm nhiệm, thực hiện nhiệm vụ theo sự phân công của \
đồng chí Trưởng ban.
"""


def cp1258(text: str) -> bytes:
    """Windows-1258 bytes as Word writes them: precomposed where the code page has the
    letter, otherwise the letter without its tone and a combining tone mark."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        tone = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tone))
        out += (base + tone).encode("cp1258")
    return bytes(out)


# --- The tables --------------------------------------------------------------------------


def test_known_strings_convert() -> None:
    assert legacy_to_unicode(REPUBLIC_TCVN3, "TCVN3") == REPUBLIC
    assert legacy_to_unicode(MOTTO_TCVN3, "TCVN3") == MOTTO
    assert legacy_to_unicode(REPUBLIC_VNI, "VNI") == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert legacy_to_unicode(MOTTO_VNI, "VNI") == MOTTO
    assert legacy_to_unicode("Th«ng b¸o", "TCVN3") == "Thông báo"


def test_known_strings_encode_back() -> None:
    assert unicode_to_legacy(REPUBLIC, "TCVN3") == REPUBLIC_TCVN3
    assert unicode_to_legacy(MOTTO, "TCVN3") == MOTTO_TCVN3
    assert unicode_to_legacy("Cộng hòa xã hội chủ nghĩa Việt Nam", "VNI") == REPUBLIC_VNI
    assert unicode_to_legacy(MOTTO, "VNI") == MOTTO_VNI


def test_tables_cover_every_letter() -> None:
    assert len(set(LETTERS)) == 146 and sum(not c.isascii() for c in LETTERS) == 134
    assert all(letter in VNI_TABLE for letter in LETTERS)
    assert all(letter in TCVN3_TABLE for letter in LOWER + "ĂÂĐÊÔƠƯ")


def test_table_entries_match_unikey() -> None:
    # byte values from UniKey's vnconv tables (ukengine/data.cpp)
    tcvn3 = {"ư": 0xAD, "đ": 0xAE, "Đ": 0xA7, "ấ": 0xCA, "ặ": 0xC6, "ỵ": 0xFE, "ị": 0xDE,
             "ờ": 0xEA, "ữ": 0xF7, "Ư": 0xA6, "â": 0xA9, "Â": 0xA2}  # fmt: skip
    assert {c: ord(TCVN3_TABLE[c]) for c in tcvn3} == tcvn3
    vni = {"ự": "öï", "ỵ": "î", "Ữ": "ÖÕ", "ẵ": "aü", "ấ": "aá", "ĩ": "ó", "ị": "ò",
           "Đ": "Ñ", "ờ": "ôø", "ẳ": "aú", "Ể": "EÅ"}  # fmt: skip
    assert {c: VNI_TABLE[c] for c in vni} == vni


def test_vni_round_trip_of_every_letter() -> None:
    for letter in LETTERS:
        assert legacy_to_unicode(unicode_to_legacy(letter, "VNI"), "VNI") == letter, letter
    assert legacy_to_unicode(unicode_to_legacy(LETTERS, "VNI"), "VNI") == LETTERS


def test_tcvn3_round_trip_of_every_letter() -> None:
    for letter in LOWER + "ĂÂĐÊÔƠƯ":
        assert legacy_to_unicode(unicode_to_legacy(letter, "TCVN3"), "TCVN3") == letter, letter
    # a capital with a tone has no code of its own in .VnTime: it reads back lowercase,
    # and the "H" fonts draw the lowercase codes as capitals
    codes = unicode_to_legacy(LETTERS, "TCVN3")
    assert codes[len(LOWER) + 1] == codes[1] == "¸"  # Á and á
    plain_capitals = "".join(
        c if c.isascii() or c in "ĂÂĐÊÔƠƯ" else c.lower() for c in LOWER.upper()
    )
    assert legacy_to_unicode(codes, "TCVN3") == LOWER + plain_capitals
    assert legacy_to_unicode(codes, "TCVN3", capitals=True) == LETTERS.upper()


def test_tcvn3_codes_are_single_bytes() -> None:
    codes = unicode_to_legacy(LOWER + "ĂÂĐÊÔƠƯ", "TCVN3").encode("cp1252")
    assert len(codes) == len(LOWER) + 7
    assert len(set(codes)) == len(codes)
    assert not any(0x80 <= b < 0xA1 for b in codes)  # nothing in cp1252 0x80-0xA0


def test_capital_font_heading() -> None:
    heading = "ñy ban nh©n d©n x· t©n kú"  # typed with .VnTimeH
    assert legacy_to_unicode(heading, "TCVN3", capitals=True) == "ỦY BAN NHÂN DÂN XÃ TÂN KỲ"


def test_vni_capitals_and_changed_case() -> None:
    assert legacy_to_unicode("ÑOÄC LAÄP - TÖÏ DO - HAÏNH PHUÙC", "VNI") == MOTTO.upper()
    # Word's "change case" on VNI text leaves marks in the other case than their base
    assert legacy_to_unicode("COäNG HOøA", "VNI") == "CỘNG HÒA"
    assert legacy_to_unicode("coÄng", "VNI") == "cộng"


def test_vni_mark_after_a_wrong_base_is_kept() -> None:
    assert legacy_to_unicode("uá", "VNI") == "uá"
    assert legacy_to_unicode("ôá", "VNI") == "ơá"


def test_unknown_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="bảng mã không hỗ trợ"):
        legacy_to_unicode("abc", "VISCII")


@pytest.mark.parametrize(
    "word",
    ["người", "Quỳnh", "quốc", "nghĩa", "khuya", "giếng", "gì", "xoong", "thuở", "kỳ",
     "ỦY", "hoà", "hòa", "khuấy", "huỳnh", "oanh", "yêu", "ở", "được", "lịch"],
)  # fmt: skip
def test_vietnamese_syllables(word: str) -> None:
    assert legacy._is_syllable(word)


@pytest.mark.parametrize(
    "word",
    ["nghóa", "cé", "ge", "kan", "hãp", "cac", "Th«ng", "chuyªn", "hello", "café", "â", "đ",
     "ướ", "quúnh", "bả1"],
)  # fmt: skip
def test_not_vietnamese_syllables(word: str) -> None:
    assert not legacy._is_syllable(word)


# --- Fonts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("font", "scheme"),
    [
        (".VnTime", "TCVN3"),
        (".VnTimeH", "TCVN3"),
        (".VnArial NarrowH", "TCVN3"),
        (".vnarial", "TCVN3"),
        (" .VnTime ", "TCVN3"),
        ("VNI-Times", "VNI"),
        ("VNI-Helve", "VNI"),
        ("vni-helve-condense", "VNI"),
        ("VNI Times", "VNI"),
        ("Times New Roman", None),
        ("Arial", None),
        ("Vni", None),
        ("", None),
    ],
)
def test_font_scheme(font: str, scheme: str | None) -> None:
    assert font_scheme(font) == scheme


def test_capital_fonts() -> None:
    assert is_capital_font(".VnTimeH")
    assert is_capital_font(".VnArial NarrowH")
    assert is_capital_font(".VnCentury SchoolbookH")
    assert not is_capital_font(".VnTime")
    assert not is_capital_font(".VnArial Narrow")
    assert not is_capital_font("VNI-Helve")
    assert not is_capital_font("Times New Roman")


# --- Detection ---------------------------------------------------------------------------


def test_detects_legacy_text() -> None:
    assert detect_legacy(f"{REPUBLIC_TCVN3}\n{MOTTO_TCVN3}") == "TCVN3"
    assert detect_legacy(f"{REPUBLIC_VNI}\n{MOTTO_VNI}") == "VNI"
    assert detect_legacy("Th«ng b¸o") == "TCVN3"
    assert detect_legacy(unicode_to_legacy(BULLETIN, "TCVN3")) == "TCVN3"
    assert detect_legacy(unicode_to_legacy(BULLETIN, "VNI")) == "VNI"


@pytest.mark.parametrize(
    "text",
    [
        BULLETIN,
        unicodedata.normalize("NFD", BULLETIN),
        BULLETIN.upper(),
        "The Commune People's Committee held its quarterly meeting on public services.",
        "Café ©2026",
        "©",
        "®",
        "Bản quyền © 2026 UBND xã Tân Kỳ. Bantin® là tên sản phẩm.",
        "1. 2.600\n2. 3.118\n3. 99,77 %\n4. ½ ¼ ¾ × ÷ ± ° µ ¶ §",
        "Où est la gare ? Je ne sais pas où. L'été dernier, un café très âgé, naïf.",
        "Müller und Schäfer fahren über die Brücke nach Köln. Grüße aus München.",
        "El niño está aquí. Sí, señor, mañana iré a la estación.",
        "Th«ng",  # one word is too little to go on
        "",
    ],
)
def test_does_not_fire_on_other_text(text: str) -> None:
    assert detect_legacy(text) is None


# --- decode_text -------------------------------------------------------------------------


def test_utf8_plain() -> None:
    assert decode_text(BULLETIN.encode()) == Decoded(BULLETIN, "UTF-8", None)


def test_utf8_with_bom_and_crlf() -> None:
    data = codecs.BOM_UTF8 + BULLETIN.replace("\n", "\r\n").encode()
    assert decode_text(data) == Decoded(BULLETIN, "UTF-8 có BOM", None)


def test_utf8_nfd_becomes_nfc() -> None:
    decoded = decode_text(unicodedata.normalize("NFD", BULLETIN).encode())
    assert decoded.text == BULLETIN and unicodedata.is_normalized("NFC", decoded.text)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    data = BULLETIN.replace("\n", "\r\n").encode(codec)
    if codec != "utf-16":
        bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
        data = bom + data
    assert decode_text(data) == Decoded(BULLETIN, "UTF-16", None)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(codec: str) -> None:
    assert decode_text(BULLETIN.encode(codec)) == Decoded(BULLETIN, "UTF-16", None)


def test_windows_1258_bytes() -> None:
    data = cp1258("Thủ tục hành chính")
    assert data == b"Thu\xd2 tu\xf2c h\xe0nh ch\xednh"
    assert decode_text(data) == Decoded("Thủ tục hành chính", "Windows-1258", None)


def test_windows_1258_bulletin_reads_back_nfc() -> None:
    decoded = decode_text(cp1258(BULLETIN.replace("\n", "\r\n")))
    assert decoded == Decoded(BULLETIN, "Windows-1258", None)
    assert unicodedata.is_normalized("NFC", decoded.text)


def test_windows_1258_ascii_with_smart_quotes() -> None:
    data = "He said \u201cyes\u201d \u2013 twice.".encode("cp1252")
    assert decode_text(data) == Decoded(
        "He said \u201cyes\u201d \u2013 twice.", "Windows-1258", None
    )


def test_tcvn3_bytes() -> None:
    data = f"{REPUBLIC_TCVN3}\r\n{MOTTO_TCVN3}\r\n".encode("cp1252")
    assert decode_text(data) == Decoded(f"{REPUBLIC}\n{MOTTO}\n", "Windows-1252", "TCVN3")


def test_vni_bytes() -> None:
    data = f"{REPUBLIC_VNI}\r\n{MOTTO_VNI}\r\n".encode("cp1252")
    expected = f"Cộng hòa xã hội chủ nghĩa Việt Nam\n{MOTTO}\n"
    assert decode_text(data) == Decoded(expected, "Windows-1252", "VNI")


def test_tcvn3_bulletin_bytes_and_pasted_utf8() -> None:
    legacy = unicode_to_legacy(BULLETIN, "TCVN3")
    assert "UBND x· T©n Kú tæ chøc Héi nghÞ" in legacy
    assert decode_text(legacy.encode("cp1252")) == Decoded(BULLETIN, "Windows-1252", "TCVN3")
    assert decode_text(legacy.encode()) == Decoded(BULLETIN, "UTF-8", "TCVN3")


def test_vni_bulletin_bytes_and_pasted_utf8() -> None:
    legacy = unicode_to_legacy(BULLETIN, "VNI")
    assert decode_text(legacy.encode("cp1252")) == Decoded(BULLETIN, "Windows-1252", "VNI")
    assert decode_text(legacy.encode()) == Decoded(BULLETIN, "UTF-8", "VNI")
    utf16 = codecs.BOM_UTF16_LE + legacy.encode("utf-16-le")
    assert decode_text(utf16) == Decoded(BULLETIN, "UTF-16", "VNI")


def test_pasted_legacy_paragraph_in_unicode_text() -> None:
    unicode_part = "Xã Tân Kỳ: Hội nghị chuyên đề về cải cách hành chính, tháng 5/2026."
    mixed_line = "Trích văn bản cũ: " + unicode_to_legacy(
        "Thông báo kết luận của Chủ tịch", "TCVN3"
    )
    # "thóng tỏm" would read as Vietnamese too: with Unicode around, the line stays
    ambiguous = "Tháng tám"
    text = "\n".join(
        [unicode_part, REPUBLIC_TCVN3, MOTTO_TCVN3, mixed_line, ambiguous, unicode_part]
    )
    decoded = decode_text(text.encode())
    assert decoded.legacy == "TCVN3"
    assert decoded.text.split("\n") == [
        unicode_part,
        REPUBLIC,
        MOTTO,
        "Trích văn bản cũ: Thông báo kết luận của Chủ tịch",
        ambiguous,
        unicode_part,
    ]


def test_word_that_stops_being_vietnamese_is_kept_in_a_legacy_line() -> None:
    # "Trích" turns into junk under TCVN3, "Phó" (= "Phú") reads both ways
    line = "Trích " + unicode_to_legacy("Phó Chủ tịch UBND xã Quỳnh Phú chủ trì hội nghị", "TCVN3")
    assert (
        decode_text(line.encode()).text == "Trích Phó Chủ tịch UBND xã Quỳnh Phú chủ trì hội nghị"
    )


def test_lines_without_evidence_follow_a_legacy_file() -> None:
    # "Sôn" and "Phó" read as syllables both ways; with no Unicode Vietnamese in the file,
    # they are taken as legacy text like the rest
    fields = ["Xã Anh Sơn", "Phường Quỳnh Phú", "Thủ tục hành chính được niêm yết công khai."]
    for scheme in ("TCVN3", "VNI"):
        data = unicode_to_legacy("\n".join(fields), scheme).encode("cp1252")
        assert decode_text(data).text.split("\n") == fields, scheme
        assert decode_text(data.decode("cp1252").encode()).text.split("\n") == fields, scheme


def test_empty_file() -> None:
    assert decode_text(b"") == Decoded("", "UTF-8", None)


def test_one_megabyte_is_fast() -> None:
    text = (BULLETIN * (1_000_000 // len(BULLETIN) + 1))[:1_000_000]
    for data in (
        text.encode(),
        cp1258(text),
        unicode_to_legacy(text, "TCVN3").encode("cp1252"),
        unicode_to_legacy(text, "VNI").encode("cp1252"),
        unicode_to_legacy(text, "VNI").encode(),
    ):
        start = time.process_time()
        decoded = decode_text(data)
        elapsed = time.process_time() - start
        assert elapsed < 1.0, (decoded.encoding, decoded.legacy, elapsed)
        assert len(decoded.text) > 900_000
