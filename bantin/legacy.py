"""Bytes from Vietnamese offices to NFC text, and the legacy font encodings TCVN3 and VNI.

Old documents were typed with fonts that draw Vietnamese letters on Latin-1 code points:
TCVN3/ABC (".VnTime", ".VnArial", ...) puts each letter on one code point ("«" = "ô"),
VNI ("VNI-Times", ...) writes a base letter and then a Latin-1 character that the font draws
as the marks ("oä" = "ộ"). Word stores such text as ordinary Latin-1 characters, so in
Unicode it is gibberish ("Th«ng b¸o"); an "ANSI" .txt file holds the raw bytes.

Tables: UniKey's vnconv tables (ukengine/data.cpp, VNI-WIN and TCVN3), cross-checked
against known strings in tests/test_legacy.py.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import NamedTuple

TCVN3 = "TCVN3"
VNI = "VNI"
SCHEMES = (TCVN3, VNI)

UTF8 = "UTF-8"
UTF8_BOM = "UTF-8 có BOM"
UTF16 = "UTF-16"
WINDOWS_1258 = "Windows-1258"
# Raw TCVN3/VNI bytes are Latin-1 code points that the old fonts draw as Vietnamese;
# an editor that opens such a file shows it as Windows-1252 ("ANSI").
WINDOWS_1252 = "Windows-1252"


@dataclass(frozen=True)
class Decoded:
    """Text read from a file's bytes."""

    text: str  # Unicode NFC, line ends normalised to "\n"
    encoding: str  # "UTF-8", "UTF-8 có BOM", "UTF-16", "Windows-1258" or "Windows-1252"
    legacy: str | None  # "TCVN3" or "VNI" when the text was converted from that encoding


# --- Tables ----------------------------------------------------------------------------
# Every vowel row in UniKey's tone order: none, sắc, huyền, hỏi, ngã, nặng.
_ROWS = (
    "aáàảãạ", "ăắằẳẵặ", "âấầẩẫậ", "eéèẻẽẹ", "êếềểễệ", "iíìỉĩị",
    "oóòỏõọ", "ôốồổỗộ", "ơớờởỡợ", "uúùủũụ", "ưứừửữự", "yýỳỷỹỵ",
)  # fmt: skip

# TCVN3 (TCVN 5712:1993 VN3): one code point per lowercase letter; .VnTime has no code for
# a capital with a tone (the "H" fonts draw the lowercase codes as capitals instead).
_TCVN3_ROWS = (
    "a¸µ¶·¹", "¨¾»¼½Æ", "©ÊÇÈÉË", "eÐÌÎÏÑ", "ªÕÒÓÔÖ", "iÝ×ØÜÞ",
    "oãßáâä", "«èåæçé", "¬íêëìî", "uóïñòô", "\xadøõö÷ù", "yýúûüþ",
)  # fmt: skip
_TCVN3_EXTRA = {"đ": "®", "Ă": "¡", "Â": "¢", "Đ": "§", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦"}

# VNI Windows: the Latin-1 characters drawn as marks after a base letter, tone order as above.
_VNI_TONES = "ùøûõï"  # sắc huyền hỏi ngã nặng, on a e o u y ơ ư
_VNI_CIRCUMFLEX = "âáàåãä"  # â ấ ầ ẩ ẫ ậ (also ê..., ô...)
_VNI_BREVE = "êéèúüë"  # ă ắ ằ ẳ ẵ ặ


def _vni_rows() -> dict[str, str]:
    """Unicode letter -> VNI string, both cases (for lowercase; uppercase marks for capitals)."""
    lower = {
        "a": ["a", *("a" + m for m in _VNI_TONES)],
        "ă": ["a" + m for m in _VNI_BREVE],
        "â": ["a" + m for m in _VNI_CIRCUMFLEX],
        "e": ["e", *("e" + m for m in _VNI_TONES)],
        "ê": ["e" + m for m in _VNI_CIRCUMFLEX],
        "i": list("iíìæóò"),  # i carries its tones as single code points
        "o": ["o", *("o" + m for m in _VNI_TONES)],
        "ô": ["o" + m for m in _VNI_CIRCUMFLEX],
        "ơ": ["ô", *("ô" + m for m in _VNI_TONES)],
        "u": ["u", *("u" + m for m in _VNI_TONES)],
        "ư": ["ö", *("ö" + m for m in _VNI_TONES)],
        "y": ["y", *("y" + m for m in _VNI_TONES[:4]), "î"],  # ỵ is one code point
    }
    table = {"đ": "ñ", "Đ": "Ñ"}
    for row in _ROWS:
        for letter, code in zip(row, lower[row[0]], strict=True):
            table[letter] = code
            table[letter.upper()] = code.upper()
    return table


def _tcvn3_table() -> dict[str, str]:
    table = dict(_TCVN3_EXTRA)
    for row, codes in zip(_ROWS, _TCVN3_ROWS, strict=True):
        table.update(zip(row, codes, strict=True))
    return table


VNI_TABLE: dict[str, str] = _vni_rows()  # Unicode letter -> VNI (all 134 letters)
TCVN3_TABLE: dict[str, str] = _tcvn3_table()  # Unicode letter -> TCVN3 (lowercase + 8)


def _marker_pattern() -> re.Pattern[str]:
    """Characters the legacy encodings use that Vietnamese in Unicode never does ("®", "¸",
    "ø", "ñ"…): a text without any is not legacy, and most lines of a build have none."""
    letters = set(TCVN3_TABLE) | set(VNI_TABLE)
    used = {c for table in (TCVN3_TABLE, VNI_TABLE) for v in table.values() for c in v}
    markers = sorted(c for c in used if not c.isascii() and c not in letters)
    return re.compile("[" + re.escape("".join(markers)) + "]")


_MARKER = _marker_pattern()

_TCVN3_DECODE = {ord(code): letter for letter, code in TCVN3_TABLE.items() if code != letter}


def _vni_decode_table() -> dict[str, str]:
    table = {code: letter for letter, code in VNI_TABLE.items() if code != letter}
    # Word's "change case" turns marks to the other case than the base; still one letter.
    for code, letter in list(table.items()):
        if len(code) == 2:
            table.setdefault(code[0] + code[1].swapcase(), letter)
    return table


_VNI_DECODE = _vni_decode_table()
_VNI_MARKS = _VNI_TONES + _VNI_CIRCUMFLEX + _VNI_BREVE
_VNI_SINGLES = "".join(sorted({c for c in _VNI_DECODE if len(c) == 1}))
_VNI_BASES = "AEOUYaeouyÔôÖö"
_VNI_ALL_MARKS = _VNI_MARKS + _VNI_MARKS.upper()
# One group, so that split() returns [text, sequence, text, sequence, ..., text].
_VNI_SEQ = re.compile(f"([{_VNI_BASES}][{_VNI_ALL_MARKS}]|[{_VNI_SINGLES}])")


def _vni_sequences() -> dict[str, str]:
    """Every string _VNI_SEQ can match -> its Unicode; a mark that does not fit its base
    ("uá") stays as it is after the converted base."""
    table = {single: _VNI_DECODE[single] for single in _VNI_SINGLES}
    for base in _VNI_BASES:
        for mark in _VNI_ALL_MARKS:
            table[base + mark] = _VNI_DECODE.get(base + mark) or table.get(base, base) + mark
    return table


_VNI_SEQUENCES = _vni_sequences()


def _vni_to_unicode(text: str) -> str:
    # split + map over a dict: no Python call per letter, ~4x faster than sub() on 1 MB
    parts = _VNI_SEQ.split(text)
    parts[1::2] = map(_VNI_SEQUENCES.__getitem__, parts[1::2])
    return "".join(parts)


# --- Public conversion -----------------------------------------------------------------


def legacy_to_unicode(text: str, scheme: str, *, capitals: bool = False) -> str:
    """Convert text typed in a TCVN3 or VNI font to Unicode NFC.

    capitals=True is for the TCVN3 "H" fonts (".VnTimeH"), which draw every letter as a
    capital: the result is upper-cased.
    """
    text = _nfc(text)
    if scheme == TCVN3:
        text = text.translate(_TCVN3_DECODE)
    elif scheme == VNI:
        text = _vni_to_unicode(text)
    else:
        raise ValueError(f"bảng mã không hỗ trợ: {scheme!r} (chỉ có TCVN3 hoặc VNI)")
    if capitals:
        text = text.upper()
    return _nfc(text)


def unicode_to_legacy(text: str, scheme: str) -> str:
    """The inverse of legacy_to_unicode (TCVN3 capitals with a tone fall back to lowercase)."""
    if scheme not in SCHEMES:
        raise ValueError(f"bảng mã không hỗ trợ: {scheme!r} (chỉ có TCVN3 hoặc VNI)")
    table = TCVN3_TABLE if scheme == TCVN3 else VNI_TABLE
    out = []
    for char in _nfc(text):
        code = table.get(char)
        if code is None and not char.isascii():
            code = table.get(char.lower())  # a TCVN3 capital with a tone
        out.append(char if code is None else code)
    return "".join(out)


_SPACES = re.compile(r"\s+")


def font_scheme(font_name: str) -> str | None:
    """The legacy encoding a font draws: ".VnTime" -> "TCVN3", "VNI-Times" -> "VNI"."""
    name = _SPACES.sub("", font_name).casefold()
    if name.startswith(".vn"):
        return TCVN3
    if name.startswith(("vni-", "vni_")) or re.match(r"\s*vni\s", font_name, re.IGNORECASE):
        return VNI
    return None


def is_capital_font(font_name: str) -> bool:
    """A TCVN3 capitals font: ".VnTimeH", ".VnArial NarrowH" (its name ends in "H")."""
    name = _SPACES.sub("", font_name)
    return font_scheme(font_name) == TCVN3 and name[-1:] in ("H", "h")


# --- Plausible Vietnamese syllables ------------------------------------------------------
# with the spelling rules: gh/ngh/k before i e ê (y), c/g/ng elsewhere, q only in qu
_INITIALS = (
    "ngh(?=[ieê])|gh(?=[ieê])|ng(?![ieê])|nh|ch|gi|kh|ph|th|tr|qu|q(?=u)|k(?=[ieêy])"
    "|c(?![ieêy])|g(?![eê])|[bdđhlmnprstvx]"
)
# nucleus: finals ("-" = open syllable)
_RHYME_SPEC = """
a: - i o u y c ch m n ng nh p t | ă: c m n ng p t | â: u y c m n ng p t
e: - o c m n ng p t | ê: - u ch m n nh p t | i: - a u ch m n nh p t
iê: u c m n ng p t | yê: u m n ng t | o: - i c m n ng p t | oo: c ng
ô: - i c m n ng p t | ơ: - i m n p t | u: - a i c m n ng p t | uô: i c m n ng t
ư: - a i u c m n ng t | ươ: i u c m n ng p t | y: -
oa: - i o y c ch m n ng nh p t | oă: c m n ng t | oe: - o m n t
uâ: n ng t y | uê: - ch nh n | uơ: - | uy: - a u ch nh n p t | uyê: n t
"""


def _rhymes() -> list[str]:
    found = set()
    for part in _RHYME_SPEC.replace("\n", "|").split("|"):
        if part.strip():
            nucleus, finals = part.split(":")
            found.update(nucleus.strip() + f.strip("-") for f in finals.split())
    return sorted(found, key=len, reverse=True)


_SYLLABLE = re.compile(f"(?:{_INITIALS})?(?:{'|'.join(_rhymes())})")
_TONE_OF = {c: i for row in _ROWS for i, c in enumerate(row) if i}
_TONED = re.compile(f"[{''.join(_TONE_OF)}]")
_UNTONE = str.maketrans({c: row[0] for row in _ROWS for c in row[1:]})
_STOP_FINALS = ("c", "p", "t", "ch")
_SAC, _NANG = 1, 5


@lru_cache(maxsize=1 << 16)
def _is_syllable(word: str) -> bool:
    """Initial + rhyme with at most one tone; c/ch/p/t endings take only sắc or nặng."""
    word = word.lower()
    tones = _TONED.findall(word)
    if len(tones) > 1:
        return False
    bare = word.translate(_UNTONE)
    if _SYLLABLE.fullmatch(bare) is None:
        return False
    if bare.endswith(_STOP_FINALS):
        return bool(tones) and _TONE_OF[tones[0]] in (_SAC, _NANG)
    return True


# --- Detection ---------------------------------------------------------------------------
_LETTERS = "A-Za-z\u00a1-\u00ff\u0100-\u024f\u0300-\u036f\u1e00-\u1eff"
# A word that a legacy table can change: it has a Latin-1 character from U+00A1 up.
_CHANGEABLE = re.compile(f"(?<![{_LETTERS}])[{_LETTERS}]*?[\u00a1-\u00ff][{_LETTERS}]*")
# Letters only Unicode Vietnamese has; a word holding one was not typed in a legacy font.
_UNICODE_VIET = re.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9]")

# How a word reacts to a table: it becomes a syllable, stops being one, stays junk, stays
# (or becomes) a syllable without evidence either way, or is Unicode Vietnamese already.
_GAIN, _LOSS, _JUNK, _FINE, _UNICODE = range(5)


class _Word(NamedTuple):
    converted: str
    before: bool  # a Vietnamese syllable as it stands
    kind: int


@lru_cache(maxsize=1 << 16)
def _word(token: str, scheme: str) -> _Word:
    if _UNICODE_VIET.search(token):
        return _Word(token, False, _UNICODE)
    converted = legacy_to_unicode(token, scheme)
    before, after = _is_syllable(token), _is_syllable(converted)
    if len(token) > 1 and converted != token and before != after:  # "©" alone is too little
        return _Word(converted, before, _GAIN if after else _LOSS)
    return _Word(converted, before, _FINE if after else _JUNK)


class _Line(NamedTuple):
    legacy: bool  # more words become Vietnamese than stop being Vietnamese
    neutral: bool  # no evidence either way ("Anh Sôn" is a syllable both ways)
    mixed: bool  # the line also holds Unicode Vietnamese
    whole: bool  # not mixed and no word to keep: convert the line as a whole


def _scan(
    lines: list[str], tokens: list[list[str]], words: dict[str, _Word]
) -> tuple[int, int, list[_Line | None]]:
    """(words gained on legacy lines, distinct such words, each line's verdict)."""
    kinds = {t: w.kind for t, w in words.items()}
    gain, gained, verdicts = 0, set(), []
    for line, found in zip(lines, tokens, strict=True):
        if not found:
            verdicts.append(None)
            continue
        k = [kinds[t] for t in found]
        n_gain, n_loss, n_fine, n_unicode = (k.count(x) for x in (_GAIN, _LOSS, _FINE, _UNICODE))
        # most marked words still junk after conversion: this is not the line's table
        legacy = n_gain > n_loss and 2 * (n_gain + n_fine) >= len(k) - n_unicode
        if not legacy:
            neutral = n_gain == n_loss == n_unicode == 0
            verdicts.append(_Line(False, neutral, False, neutral))
            continue
        gain += n_gain
        if len(gained) < 2:
            gained.update(t.lower() for t in found if kinds[t] == _GAIN)
        mixed = n_unicode > 0 or _UNICODE_VIET.search(line) is not None
        verdicts.append(_Line(True, False, mixed, not mixed and n_loss == 0))
    return gain, len(gained), verdicts


def _detect(text: str) -> tuple[str | None, list[_Line | None]]:
    lines = text.split("\n")
    tokens = [_CHANGEABLE.findall(line) for line in lines]
    counts = Counter(chain.from_iterable(tokens))
    candidates = []
    for scheme in SCHEMES:
        kinds = {t: _word(t, scheme).kind for t in counts}
        bound = sum(n for t, n in counts.items() if kinds[t] == _GAIN)
        candidates.append((bound, scheme))
    best: tuple[str | None, list[_Line | None]] = (None, [])
    best_gain = 0
    for bound, scheme in sorted(candidates, reverse=True):
        if bound <= best_gain or bound < 2:
            break  # cannot beat what was found: skip the line by line pass
        words = {t: _word(t, scheme) for t in counts}
        gain, distinct, verdicts = _scan(lines, tokens, words)
        # two different words at least: one repeated word (French "où") proves nothing
        if distinct >= 2 and gain > best_gain:
            best, best_gain = (scheme, verdicts), gain
    return best


def detect_legacy(text: str) -> str | None:
    """Return "TCVN3" or "VNI" when the text reads as Vietnamese only once converted.

    Counts, line by line, the words that turn into Vietnamese syllables and those that stop
    being ones; a lone "©", "café" or a normal Unicode paragraph gives no evidence.
    """
    text = _nfc(text)
    if _MARKER.search(text) is None:
        return None  # the fast answer for the Unicode text of every build
    return _detect(text)[0]


def _convert_lines(text: str, scheme: str, verdicts: list[_Line | None]) -> str:
    """Convert the legacy lines of a text that may also hold Unicode Vietnamese.

    Lines without evidence either way are converted only when the text has no Unicode
    Vietnamese at all: then they are most likely legacy text too.
    """
    pure = _UNICODE_VIET.search(text) is None

    def in_legacy_line(m: re.Match[str]) -> str:
        word = _word(m.group(), scheme)
        return m.group() if word.kind == _LOSS else word.converted

    def in_mixed_line(m: re.Match[str]) -> str:
        word = _word(m.group(), scheme)
        # keep what reads as Vietnamese already; Unicode words convert to themselves
        return m.group() if word.before else word.converted

    lines = text.split("\n")
    for i, verdict in enumerate(verdicts):
        if verdict is None or not (verdict.legacy or (pure and verdict.neutral)):
            continue
        if verdict.whole:
            lines[i] = legacy_to_unicode(lines[i], scheme)
        else:
            convert = in_mixed_line if verdict.mixed else in_legacy_line
            lines[i] = _CHANGEABLE.sub(convert, lines[i])
    return "\n".join(lines)


# --- Bytes -------------------------------------------------------------------------------
def _charmap(codec: str) -> str:
    """A 256-character decoding table; bytes the codec leaves undefined read as Latin-1."""
    chars = []
    for byte in range(256):
        try:
            chars.append(bytes([byte]).decode(codec))
        except UnicodeDecodeError:
            chars.append(chr(byte))
    return "".join(chars)


_CP1252 = _charmap("cp1252")
_CP1258 = _charmap("cp1258")
_TCVN3_BYTES = _CP1252.translate(_TCVN3_DECODE)
_SAMPLE = 128 * 1024  # enough words to tell the encodings apart; keeps 1 MB files fast


def _read(data: bytes, table: str) -> str:
    return codecs.charmap_decode(data, "strict", table)[0]


_SINGLE_BYTE: dict[str | None, Callable[[bytes], str]] = {
    None: lambda b: _read(b, _CP1258),
    TCVN3: lambda b: _read(b, _TCVN3_BYTES),
    VNI: lambda b: _vni_to_unicode(_read(b, _CP1252)),
}

_MARKED_WORD = re.compile(f"[{_LETTERS}]*[^\\x00-\\x7f][{_LETTERS}]*")


def _plausibility(text: str) -> int:
    """Syllables minus non-syllables among the words that have a non-ASCII letter."""
    score = 0
    for word in _MARKED_WORD.findall(text):
        if len(word) > 1:
            score += 1 if _is_syllable(word) else -1
    return score


def _single_byte(data: bytes) -> tuple[str, str, str | None]:
    sample = data[:_SAMPLE]
    if len(data) > _SAMPLE and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n")]
    scores = {s: _plausibility(_nfc(read(sample))) for s, read in _SINGLE_BYTE.items()}
    best = max(SCHEMES, key=lambda s: scores[s])
    # Windows-1258 is the standard; a legacy table has to read clearly better
    scheme = best if scores[best] > max(scores[None], 1) else None
    text = _SINGLE_BYTE[scheme](data)
    return text, WINDOWS_1258 if scheme is None else WINDOWS_1252, scheme


def _utf16_without_bom(data: bytes) -> str | None:
    """Byte order of BOM-less UTF-16 judged by where the NUL bytes sit, or None."""
    head = data[:4096]
    if len(head) < 4:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _decode_unicode(data: bytes) -> tuple[str, str] | None:
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), UTF8_BOM
        except UnicodeDecodeError:
            return None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), UTF16
        except UnicodeDecodeError:
            return None
    codec = _utf16_without_bom(data)
    if codec is not None:
        try:
            return data[: len(data) // 2 * 2].decode(codec), UTF16
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), UTF8
    except UnicodeDecodeError:
        return None


def decode_text(data: bytes) -> Decoded:
    """Read a text file's bytes: UTF-8/UTF-16 or a single-byte Vietnamese encoding, to NFC.

    Single-byte files are read as Windows-1258, TCVN3 or VNI, whichever gives the most
    Vietnamese syllables. Unicode text that holds TCVN3/VNI words (pasted from an old Word
    document) has those lines converted.
    """
    unicode = _decode_unicode(data)
    if unicode is None:
        text, encoding, legacy = _single_byte(data)
        return Decoded(_normalise(text), encoding, legacy)
    text, encoding = unicode
    text = _normalise(text)
    legacy, verdicts = _detect(text)
    if legacy is not None:
        text = _nfc(_convert_lines(text, legacy, verdicts))
    return Decoded(text, encoding, legacy)


def _normalise(text: str) -> str:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return _nfc(text)


def _nfc(text: str) -> str:
    if unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)
