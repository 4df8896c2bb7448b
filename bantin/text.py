"""Vietnamese text helpers: slugs, closest-word suggestions, no-break rules."""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata

NBSP = "\u00a0"

_SLUG_DROP = re.compile(r"[^a-z0-9]+")
# A number and the word after it ("3.118 hồ sơ", "99,77 %", "250 km") stay on one line;
# so do "Số 18", "Cấp độ 2" and the like (a capitalised word then a number).
_NUMBER_UNIT = re.compile(r"(\d[\d.,/]*)[ \t]+(?=[%a-zà-ỹđ])")
_DIGIT = re.compile(r"\d")
_WORD_NUMBER = re.compile(r"\b(Số|số|SỐ|độ|Điều|điều|Khoản|khoản|Chương|chương)[ \t]+(?=\d)")


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


def keep_together(text: str) -> str:
    """Join numbers to their units and "Số" to its number with no-break spaces."""
    if _DIGIT.search(text) is None:
        return text
    text = _NUMBER_UNIT.sub(lambda m: m.group(1) + NBSP, text)
    return _WORD_NUMBER.sub(lambda m: m.group(1) + NBSP, text)


def format_count(n: int) -> str:
    """Vietnamese thousands separator: 2600 -> "2.600"."""
    return f"{n:,}".replace(",", ".")
