"""Vietnamese text helpers: slugs, closest-word suggestions, no-break rules."""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata

NBSP = "\u00a0"
# Zero-width, no break opportunity, and dropped from the PDF's text layer: copy-paste and
# search still read "57-NQ/TW" (a non-breaking hyphen U+2011 would not).
WORD_JOINER = "\u2060"

_SLUG_DROP = re.compile(r"[^a-z0-9]+")
_DIGIT = re.compile(r"\d")
_LOWER = "a-zà-ỹđ"
_UPPER = "".join(c for c in map(chr, range(0x41, 0x1EFA)) if c.isupper() and c.isalpha())
# Nouns of two syllables that follow a count ("3.118 hồ sơ"): the count and both syllables
# stay on one line.
_COUNT_NOUNS = ("hồ sơ", "thủ tục", "người dân", "đồng chí", "giao dịch", "văn bản",
                "ý kiến", "kiến nghị", "doanh nghiệp", "đơn vị", "tài khoản", "cán bộ",
                "công chức", "trường hợp", "nhiệm vụ", "kế hoạch", "báo cáo", "quyết định",
                "thành viên", "chỉ tiêu", "tiêu chí", "dịch vụ", "lượt người", "triệu đồng",
                "tỷ đồng", "nghìn đồng")
_NOUN = "|".join(n.replace(" ", "[ \t]+") for n in _COUNT_NOUNS)
# A number and the word after it ("250 km", "99,77 %", "2.161 TTHC", "3.118 hồ sơ") stay on
# one line (not after a comma: "năm 2026, tuần"); so do "Số 18", "Cấp độ 2" and the like.
_NUMBER_UNIT = re.compile(
    rf"(\d(?:[\d.,/]*\d)?)[ \t]+"  # the number, ending with a digit
    rf"(?:({_NOUN})(?![^\W_])"  # a counted noun of two syllables, joined whole
    rf"|(?=[%{_LOWER}]|[{_UPPER}]{{2,}}(?![^\W\d_])))")  # or a word, "%", an acronym
# (The lookahead lets the scan skip to a possible first letter: ~40% faster on every text.)
_WORD_NUMBER = re.compile(r"(?=[SsĐđKkCc])\b(Số|số|SỐ|độ|Điều|điều|Khoản|khoản|Chương|chương)"
                          r"[ \t]+(?=\d)")
# Document numbers: 57-NQ/TW, 119/BC-UBND, 2562/QĐ-CAT-PA05. Line breaking (UAX #14) allows a
# break after "-" or "/" before a letter, never before a digit: only those get a joiner.
_DOCUMENT_NUMBER = re.compile(r"\d[^\W_]*(?:[-/][^\W_]+)+")
_BREAKABLE_SEPARATOR = re.compile(r"([-/])(?=[^\W\d_])")
# Fixed names never split over two lines (the masthead's "BIÊN TẬP VÀ TRÌNH BÀY" column).
_FIXED_PHRASES = re.compile(r"\bvăn[ \t]+thư(?:[ \t]+-)?[ \t]+lưu[ \t]+trữ\b", re.IGNORECASE)
_SPACES = re.compile(r"[ \t]+")


@functools.lru_cache(maxsize=16384)  # the search index folds every article on each build
def fold(text: str) -> str:
    """Lowercase ASCII-ish form for search and slugs: "Xã Tân Kỳ" -> "xa tan ky".

    assets/search.js folds the reader's query the same way.
    """
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        return text.lower()
    # The table folds precomposed letters in one C-speed pass; what is left (combining marks
    # of other scripts' letters) goes the long way, with the same result.
    text = unicodedata.normalize("NFD", text.translate(_FOLD))
    return _MARKS.sub("", text).lower()


_MARKS = re.compile("[\u0300-\u036f]")  # the marks assets/search.js strips too


def _fold_table() -> dict[int, str]:
    """Each precomposed Latin letter (Vietnamese ones included) -> its base letter."""
    table = {ord("đ"): "d", ord("Đ"): "D"}
    for code in range(0xC0, 0x2000):
        base = unicodedata.normalize("NFD", chr(code))
        if len(base) > 1 and base[0].isascii() and all(unicodedata.combining(c)
                                                        for c in base[1:]):
            table[code] = base[0]
    return table


_FOLD = _fold_table()


def slugify(text: str, max_length: int = 80) -> str:
    """ASCII slug of a Vietnamese title: "Xã Tân Kỳ: Hội nghị" -> "xa-tan-ky-hoi-nghi"."""
    slug = _SLUG_DROP.sub("-", fold(text)).strip("-")
    if len(slug) > max_length:
        cut = slug.rfind("-", 0, max_length + 1)
        slug = slug[: cut if cut > 0 else max_length]
    return slug


def closest(word: str, candidates: list[str] | tuple[str, ...]) -> str | None:
    """The candidate nearest to a misspelt word, if any is near enough."""
    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    if found:
        return found[0]
    lowered = {c.lower(): c for c in candidates}
    found = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[found[0]] if found else None


def _no_break_spaces(match: re.Match[str]) -> str:
    return _SPACES.sub(NBSP, match.group(0))


def _join_document_number(match: re.Match[str]) -> str:
    return _BREAKABLE_SEPARATOR.sub(r"\1" + WORD_JOINER, match.group(0))


def _join_count(match: re.Match[str]) -> str:
    noun = match.group(2)
    return match.group(1) + NBSP + (_SPACES.sub(NBSP, noun) if noun else "")


def keep_together(text: str) -> str:
    """Text with no line break where Vietnamese print wants none: numbers with their units
    and counted nouns, "Số" with its number, document numbers (57-NQ/TW) and fixed names
    (Văn thư lưu trữ). Only no-break spaces and word joiners are added: the text reads the
    same when copied or searched."""
    if "ưu" in text or "ƯU" in text:  # every body text goes through: search only when it may
        text = _FIXED_PHRASES.sub(_no_break_spaces, text)
    if _DIGIT.search(text) is None:
        return text
    if "-" in text or "/" in text:  # a document number has one of them
        text = _DOCUMENT_NUMBER.sub(_join_document_number, text)
    text = _NUMBER_UNIT.sub(_join_count, text)
    return _WORD_NUMBER.sub(lambda m: m.group(1) + NBSP, text)


def format_count(n: int) -> str:
    """Vietnamese thousands separator: 2600 -> "2.600"."""
    return f"{n:,}".replace(",", ".")
