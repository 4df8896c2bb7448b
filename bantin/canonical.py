"""The canonical form of a paragraph: what two copies of "the same text" have in common.

Used to find repeated paragraphs (bantin.dedup) and meant for the search index too.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that look like Vietnamese letters but are other code points (Ð U+00D0 is the
# Icelandic eth, not Đ U+0110; Cyrillic letters come in from copy-pasted PDFs), then
# quotes, dashes and ellipses, each family to one character, and invisible characters.
_MAP = {
    "\u00d0": "Đ", "\u00f0": "đ", "\u0189": "Đ", "\u0256": "đ",
    "\u0430": "a", "\u0435": "e", "\u043e": "o", "\u0440": "p", "\u0441": "c",
    "\u0443": "y", "\u0445": "x", "\u0410": "A", "\u0415": "E", "\u041e": "O",
    "\u0420": "P", "\u0421": "C", "\u0425": "X", "\u0422": "T", "\u041d": "H",
    "\u041c": "M", "\u041a": "K", "\u0412": "B",
    **dict.fromkeys("“”„‟«»″‘’‚‛′`´'", '"'),
    **dict.fromkeys("‐‑‒–—―−", "-"),
    "…": "...",
    **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", ""),
}
_MAP_RE = re.compile("[" + re.escape("".join(_MAP)) + "]")

# Two tone-placement conventions: "hòa, khỏe, thủy" (mark on the first vowel) and
# "hoà, khoẻ, thuỷ" (on the second). They differ only in open syllables ending in
# oa, oe, uy; a following letter (hoàng, thuyền) means the placement is not in dispute.
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below


def _tone_table() -> dict[str, str]:
    table = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for mark in _TONE_MARKS:
            old = unicodedata.normalize("NFC", first + mark) + second
            table[old] = first + unicodedata.normalize("NFC", second + mark)
    return table


_TONE = _tone_table()
_TONE_RE = re.compile("(?:" + "|".join(_TONE) + r")(?!\w)")
_SPACE_BEFORE_MARK = re.compile(r" (?=[,.;:!?)\]])")


def _strip_trailing(text: str) -> str:
    end = len(text)
    while end and not text[end - 1].isalnum():
        end -= 1
    return text[:end]


def canonical(text: str) -> str:
    """Case-, spacing-, tone-placement- and punctuation-variant-insensitive form of a text.

    "Hòa  “Thủy”–KHỎE…" and "hoà \"thuỷ\"-khoẻ" have the same canonical form:
    NFC, look-alike letters mapped, case-folded, tone marks placed on the second vowel of
    oa/oe/uy, quotes/dashes/ellipses unified, whitespace (no-break spaces and line wraps
    too) collapsed to one space, no space before , . ; : ! ? ), trailing punctuation dropped.
    """
    text = unicodedata.normalize("NFC", text)
    if _MAP_RE.search(text):
        text = _MAP_RE.sub(lambda m: _MAP[m.group()], text)
    text = text.casefold()
    if _TONE_RE.search(text):
        text = _TONE_RE.sub(lambda m: _TONE[m.group()], text)
    text = _SPACE_BEFORE_MARK.sub("", " ".join(text.split()))
    return _strip_trailing(text)
