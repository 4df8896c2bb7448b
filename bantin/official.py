"""Read an official Vietnamese document (Báo cáo, Thông báo, Kế hoạch…) as article material.

Editors build bulletin articles out of such documents. The parts around the text proper
(national motto, issuing body, "Số: …", place and date, document kind, subject, "Nơi nhận"
and the signature) are not article text, but they give the title and the source line.
`read_official` takes them off and returns what is left as a Markdown body.

The source line names only what the document says, in the order of a citation:
"Theo <Kind>[ số <number>][ ngày d/m/yyyy | tháng m/yyyy | năm yyyy][ của <issuer>]".
When the header lost its issuing body, the issuer is read from the number and the place
("…/BC-UBND" written in "Tân Kỳ" -> "UBND xã Tân Kỳ", the level xã/phường… as the text
names it), e.g. "Theo Thông báo năm 2026 của UBND xã Nghi Dương"; otherwise "của …" is left
out. There is never an empty "số" or "ngày".

Also here, because other modules need them: `sentence_case` (an ALL-CAPS title as an editor
prints it), `is_all_caps` and `demote_headings`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from bantin.text import fold

__all__ = [
    "HEADER",
    "KIND_SUBJECT",
    "RECIPIENTS",
    "SIGNATURE",
    "OfficialDoc",
    "demote_headings",
    "is_all_caps",
    "read_official",
    "sentence_case",
]

# Descriptions in OfficialDoc.removed, one per block left out.
HEADER = "phần đầu văn bản (quốc hiệu, số, ngày)"
KIND_SUBJECT = "tên loại và trích yếu văn bản"
RECIPIENTS = "Nơi nhận"
SIGNATURE = "chữ ký"


@dataclass(frozen=True)
class OfficialDoc:
    """The parts of an official document, as `read_official` found them."""

    kind: str  # "Báo cáo", "Thông báo", … (sentence case)
    number: str  # "119/BC-UBND", or "" when the number was left blank
    place: str  # "Tân Kỳ" or ""
    date: str  # "20/5/2026", "tháng 5/2026" or "năm 2026": as much as the document says
    issuer: str  # "UBND xã Tân Kỳ" when the header names it, else ""
    signer: str  # "Trịnh Huy Toàn" or ""
    title: str  # the subject as an editor prints a title ("" when the document has none)
    body: str  # Markdown body, headings from "##" down, no trailing newline
    source: str  # "Theo Báo cáo số 119/BC-UBND ngày 20/5/2026 của UBND xã Tân Kỳ"
    removed: tuple[tuple[int, str], ...]  # (1-based input line, description) per block left out


# --- Vietnamese casing --------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
# Mixed-case names and short words that are acronyms although they read as syllables.
_SPECIAL = {"VNEID": "VNeID", "AI": "AI", "EKYC": "eKYC", "IOT": "IoT", "IOFFICE": "iOffice"}
_INITIAL = "ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx]"
# A Vietnamese syllable once diacritics are folded away; anything else (UBND, CCHC, TTHC,
# VNPT, ISO) is an acronym and keeps its capitals.
_SYLLABLE = re.compile(rf"(?:{_INITIAL})?[aeiouy]{{1,3}}(?:ch|ng|nh|[cmnpt])?")
_ROMAN = re.compile(r"[IVX]+")
# Text before a word that leaves it at the start of a sentence: line start, list markers,
# numbering, opening quotes; or the end of a previous sentence.
_LEAD = re.compile(r"[\s>#*_+\-•–—]*(?:(?:\d+(?:\.\d+)*|[IVX]+|[a-zđ])[.)]\s*)?[\s*_\"“‘'(\[]*")
_SENTENCE_END = re.compile(r"[.!?…][\s*_\"”’)\]]*$")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def is_all_caps(line: str, min_letters: int = 3, share: float = 0.9) -> bool:
    """True for a line in capitals: at least `min_letters` letters, `share` or more of them
    upper-case."""
    letters = [c for c in _nfc(line) if c.isalpha()]
    if len(letters) < min_letters:
        return False
    return sum(c.isupper() for c in letters) >= share * len(letters)


@dataclass(frozen=True)
class _Tok:
    text: str
    key: str
    gap: str | None  # normalised text since the previous word on the line; None at line start
    start: bool = False  # first word of a sentence (its capital says nothing)
    code: bool = False  # part of "119/BC-UBND", "COVID-19", "I/2026": left as written


def _norm_gap(gap: str) -> str:
    gap = re.sub(r"[–—]", "-", gap.replace("*", "").replace("_", ""))
    return re.sub(r"\s+", " ", gap)


def _tokens(line: str, *, context: bool) -> list[_Tok]:
    toks: list[_Tok] = []
    prev_end: int | None = None
    for m in _WORD.finditer(line):
        gap = None if prev_end is None else _norm_gap(line[prev_end : m.start()])
        prefix = line[: m.start()]
        # Only the near end of the prefix matters; long prefixes would make this quadratic.
        start = context and (
            (len(prefix) <= 24 and _LEAD.fullmatch(prefix) is not None)
            or _SENTENCE_END.search(prefix[-12:]) is not None
        )
        chunk_start = line.rfind(" ", 0, m.start()) + 1
        chunk_end = line.find(" ", m.end())
        chunk = line[chunk_start : chunk_end if chunk_end >= 0 else len(line)]
        code = bool(re.search(r"\d|/", chunk))
        toks.append(_Tok(m.group(), m.group().lower(), gap, start, code))
        prev_end = m.end()
    return toks


@lru_cache(maxsize=16)
def _context_index(
    context: str,
) -> tuple[tuple[_Tok, ...], dict[str, list[int]], frozenset[str]]:
    """Words of the body, where each one occurs, and its short words written in capitals."""
    toks: list[_Tok] = []
    index: dict[str, list[int]] = {}
    upper_short: set[str] = set()
    for line in context.splitlines():
        if is_all_caps(line):  # a line in capitals tells nothing about casing
            continue
        for tok in _tokens(line, context=True):
            index.setdefault(tok.key, []).append(len(toks))
            toks.append(tok)
            if 2 <= len(tok.text) <= 4 and tok.text.isalpha() and tok.text.isupper():
                upper_short.add(tok.key)
    return tuple(toks), index, frozenset(upper_short)


def _longest_run(
    title: list[_Tok], i: int, ctx: tuple[_Tok, ...], index: dict[str, list[int]]
) -> tuple[int, list[int]]:
    """Length of the longest run of title words from i found in the body, and where."""
    best, where = 0, []
    for p in index.get(title[i].key, ()):
        n = 1
        while (
            i + n < len(title)
            and p + n < len(ctx)
            and ctx[p + n].gap is not None
            and ctx[p + n].key == title[i + n].key
            and ctx[p + n].gap == title[i + n].gap
        ):
            n += 1
        if n > best:
            best, where = n, [p]
        elif n == best:
            where.append(p)
    return best, where


def _vote(forms: list[tuple[str | None, ...]]) -> tuple[str | None, ...]:
    """The most frequent spelling; on a tie the one with fewer capitals."""
    counts = Counter(forms)
    return min(counts, key=lambda f: (-counts[f], sum(1 for w in f if w and w[0].isupper())))


def _run_form(ctx: tuple[_Tok, ...], where: list[int], n: int) -> tuple[str | None, ...]:
    """How the body spells a run; None for a word whose casing the body does not show."""
    mid = [tuple(ctx[p + j].text for j in range(n)) for p in where if not ctx[p].start]
    if mid:
        return _vote(list(mid))
    forms: list[tuple[str | None, ...]] = []
    for p in where:
        words: list[str | None] = [ctx[p + j].text for j in range(n)]
        # "Tân Kỳ, ngày…" at a line start: a run capitalised throughout is a name.
        if not (n > 1 and all(w and w[0].isupper() for w in words[1:])):
            words[0] = None
        forms.append(tuple(words))
    return _vote(forms)


def _fallback(tok: _Tok) -> str:
    word = tok.text
    if word.upper() in _SPECIAL:
        return _SPECIAL[word.upper()]
    if tok.code or (_ROMAN.fullmatch(word) and word not in ("VI", "XI")):
        return word
    if not _SYLLABLE.fullmatch(fold(word)):
        return word  # an acronym
    return word.lower()


def _single(tok: _Tok, body_form: str | None, upper_short: frozenset[str]) -> str:
    if tok.text.upper() in _SPECIAL:
        return _SPECIAL[tok.text.upper()]
    if 2 <= len(tok.text) <= 4 and tok.text.isupper() and tok.key in upper_short:
        return tok.text
    return body_form if body_form is not None else _fallback(tok)


def sentence_case(upper: str, context: str = "") -> str:
    """An ALL-CAPS line as an editor prints it: "UBND XÃ TÂN KỲ ĐƯỢC…" -> "UBND xã Tân Kỳ được…".

    Words are lower-cased except acronyms (not Vietnamese syllables: UBND, CCHC, TTHC; a few
    listed ones: VNeID, AI; short words the body writes in capitals) and document numbers.
    Proper nouns come back from `context` (the article body): each longest run of title words
    that the body also has takes the body's spelling, as written in mid-sentence ("Tân Kỳ",
    "Nghệ An", "Đề án 06"). The first letter is capitalised.
    """
    upper = _nfc(upper)
    title = _tokens(upper, context=False)
    ctx, index, upper_short = _context_index(_nfc(context))
    forms: list[str] = []
    i = 0
    while i < len(title):
        n, where = _longest_run(title, i, ctx, index)
        if n >= 2:
            run = _run_form(ctx, where, n)
            forms.extend(w if w is not None else _fallback(title[i + j]) for j, w in enumerate(run))
        else:
            body_form = _run_form(ctx, where, 1)[0] if where else None
            forms.append(_single(title[i], body_form, upper_short))
        i += max(n, 1)
    out, pos = [], 0
    for m, form in zip(_WORD.finditer(upper), forms, strict=True):
        out.append(upper[pos : m.start()] + form)
        pos = m.end()
    text = "".join(out) + upper[pos:]
    if title and title[0].text.upper() in _SPECIAL:
        return text
    for k, c in enumerate(text):
        if c.isalpha():
            return text[:k] + c.upper() + text[k + 1 :]
    return text


# --- headings -----------------------------------------------------------------------------

_ATX = re.compile(r"^(?P<indent> {0,3})(?P<hashes>#{1,6})(?:[ \t]+(?P<text>.*?))?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ROMAN_HEAD = re.compile(r"(?P<n>[IVX]{1,6})\.\s+(?P<rest>\S.*)")
_ARABIC_HEAD = re.compile(r"(?P<n>\d{1,2}(?:\.\d{1,2}){0,3})(?P<dot>\.?)\s+(?P<rest>\S.*)")
_ONES = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")
_ROMAN_VALUES = {tens + one: 10 * t + o for t, tens in enumerate(("", "X", "XX", "XXX"))
                 for o, one in enumerate(_ONES) if tens + one}


def _fences(lines: list[str]) -> list[bool]:
    """For each line, whether it is inside (or opens/closes) a fenced code block."""
    inside: list[bool] = []
    fence = ""
    for line in lines:
        m = _FENCE.match(line)
        if fence:
            inside.append(True)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = ""
        elif m:
            fence = m.group(1)
            inside.append(True)
        else:
            inside.append(False)
    return inside


def demote_headings(body: str, top: int = 2) -> str:
    """Shift every ATX heading so the smallest level becomes `top` (at most 6).

    Fenced code is left alone; everything else keeps its bytes.
    """
    lines = body.split("\n")
    code = _fences(lines)
    levels = [
        len(m.group("hashes"))
        for line, c in zip(lines, code, strict=True)
        if not c and (m := _ATX.match(line))
    ]
    if not levels:
        return body
    shift = top - min(levels)
    out = []
    for line, c in zip(lines, code, strict=True):
        m = None if c else _ATX.match(line)
        if m:
            level = max(1, min(6, len(m.group("hashes")) + shift))
            start, end = m.span("hashes")
            line = line[:start] + "#" * level + line[end:]
        out.append(line)
    return "\n".join(out)


def _numbering(text: str) -> tuple[int, int, str] | None:
    """(rank, number, rest) of a numbered heading.

    "II. X" -> (0, 2, "X"); "3. Y" -> (1, 3, "Y"); "2.1. Z" -> (2, 1, "Z").
    """
    m = _ROMAN_HEAD.fullmatch(text)
    if m and m.group("n") in _ROMAN_VALUES:
        return 0, _ROMAN_VALUES[m.group("n")], m.group("rest")
    m = _ARABIC_HEAD.fullmatch(text)
    if m and ("." in m.group("n") or m.group("dot")):
        parts = m.group("n").split(".")
        return len(parts), int(parts[-1]), m.group("rest")
    return None


def _heading_text(text: str) -> str:
    """Heading text without bold markers: "**I. KẾT QUẢ**" -> "I. KẾT QUẢ"."""
    text = re.sub(r"\s+#+$", "", text).replace("**", "").replace("__", "").strip()
    if len(text) > 2 and text[0] == "*" and text[-1] == "*":
        text = text[1:-1].strip()
    return text


@dataclass
class _Entry:
    rank: int  # -1 section (unnumbered, top), 0 roman, 1 "1.", 2 "1.1."…, 99 unnumbered child
    number: int
    level: int
    orig: int | None  # the ATX level the author used, for unnumbered headings


@dataclass
class _Outline:
    """Levels from the numbering, since authors' own "#" levels are often inconsistent.

    "I." is "##", "1." under it "###", "1.1." "####"; a "1." that restarts the count under
    "2." (no roman parent in between) is nested one deeper.
    """

    stack: list[_Entry] = field(default_factory=list)

    def place(self, num: tuple[int, int] | None, orig: int | None) -> int:
        level = self._numbered(*num) if num else self._unnumbered(orig)
        return min(level, 6)

    def _numbered(self, rank: int, k: int) -> int:
        stack = self.stack
        while stack and stack[-1].rank > rank:
            stack.pop()
        if stack and stack[-1].rank == rank:
            if k == 1:
                level = stack[-1].level + 1  # the count restarts: a list under the last item
            else:
                # Back out of a nested run when the number continues an outer one.
                while (
                    k != stack[-1].number + 1
                    and len(stack) > 1
                    and stack[-2].rank == rank
                    and stack[-2].number + 1 == k
                ):
                    stack.pop()
                level = stack.pop().level
        else:
            level = stack[-1].level + 1 if stack else 2
        stack.append(_Entry(rank, k, min(level, 6), None))
        return level

    def _unnumbered(self, orig: int | None) -> int:
        stack = self.stack
        first = stack[0] if stack else None
        if first is None or (
            first.rank == -1 and orig is not None and first.orig is not None and orig <= first.orig
        ):
            self.stack = [_Entry(-1, 0, 2, orig)]
            return 2
        while (
            stack[-1].rank == 99
            and orig is not None
            and stack[-1].orig is not None
            and orig <= stack[-1].orig
        ):
            stack.pop()
        level = min(stack[-1].level + 1, 6)
        stack.append(_Entry(99, 0, level, orig))
        return level


def _unbold(line: str) -> str:
    s = line.strip()
    if len(s) > 4 and s.startswith(("**", "__")) and s.endswith(s[:2]):
        s = s[2:-2].strip()
    return s


def _plain_heading(lines: list[str], i: int) -> tuple[int, int, str] | None:
    """A numbered line standing alone as a heading ("I. VỀ CHUYỂN ĐỔI SỐ", "1. Đánh giá chung").

    Short, no closing period, a capital after the number, and not one of a run of numbered
    lines (that is a list).
    """
    line = lines[i]
    if not line.strip() or line[0].isspace():
        return None
    text = _heading_text(_unbold(line))
    num = _numbering(text)
    if num is None or not num[2][:1].isupper():
        return None
    if len(text) > 160 or len(text.split()) > 30 or text.endswith((".", ";", ",")):
        return None
    for j in (i - 1, i + 1):
        if 0 <= j < len(lines) and lines[j].strip():
            other = _numbering(_heading_text(_unbold(lines[j])))
            if other is not None and other[0] == num[0]:
                return None
    return num


def _level_headings(lines: list[str]) -> list[str]:
    """ATX and plain numbered headings re-levelled from "##"; bold taken out of them."""
    outline = _Outline()
    code = _fences(lines)
    out = []
    for i, line in enumerate(lines):
        m = None if code[i] else _ATX.match(line)
        if m and m.group("text"):
            text = _heading_text(m.group("text"))
            num = _numbering(text)
            level = outline.place(num[:2] if num else None, len(m.group("hashes")))
            out.append("#" * level + " " + text)
        elif not code[i] and (num := _plain_heading(lines, i)):
            out.append("#" * outline.place(num[:2], None) + " " + _heading_text(_unbold(line)))
        else:
            out.append(line)
    return out


# --- header -------------------------------------------------------------------------------

_KINDS = (
    "Báo cáo", "Thông báo", "Kế hoạch", "Quyết định", "Tờ trình", "Công văn", "Chỉ thị",
    "Nghị quyết", "Hướng dẫn", "Giấy mời", "Công điện", "Biên bản", "Chương trình", "Đề án",
    "Phương án", "Quy chế", "Quy định", "Kết luận", "Thông tri", "Công bố",
)
_KIND_BY_FOLD = {fold(k): k for k in _KINDS}
_KIND_BY_CODE = {
    "BC": "Báo cáo", "TB": "Thông báo", "KH": "Kế hoạch", "QĐ": "Quyết định", "TTR": "Tờ trình",
    "CT": "Chỉ thị", "NQ": "Nghị quyết", "HD": "Hướng dẫn", "GM": "Giấy mời", "CĐ": "Công điện",
    "BB": "Biên bản", "CTR": "Chương trình", "ĐA": "Đề án", "PA": "Phương án", "KL": "Kết luận",
}
_MOTTO = re.compile(
    r"cong hoa xa hoi chu nghia viet nam|dang cong san viet nam"
    r"|doc lap\s*[-–—]\s*tu do\s*[-–—]\s*hanh phuc"
)
_NUMBER = re.compile(r"số\s*[:.]?\s*(?P<n>\d+|[.…_ ]*)\s*/\s*(?P<code>\S*[A-ZĐ]\S*)", re.I)
_PLACE_DATE = re.compile(
    r"(?P<place>[^\d,]{2,40}?)\s*,\s*ngày\s*(?P<d>\d{1,2})?[\s.…_]*tháng\s*(?P<m>\d{1,2})?"
    r"[\s.…_]*năm\s*(?P<y>\d{4})\b.*",
    re.I,
)
_VV = re.compile(r"(?:V/v|v/v|V/V|Về việc|VỀ VIỆC)\s*[:.]?\s*", re.I)
_LEVELS = r"THỊ TRẤN|THỊ XÃ|THÀNH PHỐ|PHƯỜNG|HUYỆN|QUẬN|TỈNH|XÃ"
_ORGAN = re.compile(
    r"(?:ỦY BAN|UỶ BAN|UBND|HĐND|HỘI ĐỒNG|SỞ|PHÒNG|BAN|VĂN PHÒNG|TRUNG TÂM|ĐẢNG|CHI BỘ|MẶT TRẬN"
    r"|MTTQ|ĐOÀN|HỘI|CÔNG AN|BỘ|CỤC|CHI CỤC|TỔNG CỤC|TRƯỜNG|TỔ|CHÍNH PHỦ|BCH|LIÊN ĐOÀN|"
    + _LEVELS
    + r")\b"
)
# "XÃ HỘI" (as in "PHÒNG VĂN HÓA - XÃ HỘI") is not a commune.
_LOCALITY_START = re.compile(rf"(?:{_LEVELS})\b(?! HỘI\b)")
_LOCALITY_IN = re.compile(rf"\b(?:{_LEVELS})\b(?! HỘI\b).*$")
_RULE = re.compile(r"[-—–=~.:| ]+")


def _plain(text: str) -> str:
    """A line without Markdown decoration: heading marks, bold, italics, hard breaks."""
    s = _nfc(text).strip()
    s = re.sub(r"^#{1,6}\s+", "", s).replace("**", "").replace("__", "")
    s = s.strip(" \t*_>\\")
    return re.sub(r"\s+", " ", s)


def _cells(line: str) -> list[str]:
    """Parts of a line that may hold two columns (a flattened table, tabs, wide spaces)."""
    s = re.sub(r"<br\s*/?>", "|", _nfc(line).strip(), flags=re.I)
    parts = s.split("|") if "|" in s else re.split(r"\t+| {2,}", s)
    return [p.strip() for p in parts if p.strip()]


def _kind_of(cell: str) -> tuple[str, str] | None:
    """("Báo cáo", "") for "BÁO CÁO"; ("Báo cáo", "KẾT QUẢ …") when more follows the kind."""
    if not is_all_caps(cell):
        return None
    key = fold(cell)
    for folded, kind in _KIND_BY_FOLD.items():
        if key == folded:
            return kind, ""
        if key.startswith(folded + " "):
            return kind, cell.split(None, len(kind.split()))[-1]
    return None


@dataclass
class _Header:
    number: str = ""
    code: str = ""
    place: str = ""
    date: str = ""
    motto: bool = False
    issuer_parts: list[str] = field(default_factory=list)
    kind: str = ""
    subject: str = ""
    head_lines: list[int] = field(default_factory=list)
    kind_lines: list[int] = field(default_factory=list)
    kind_base: str = ""  # "Thông báo" of "THÔNG BÁO KẾT LUẬN"
    kind_rest: str = ""  # "KẾT LUẬN" of it
    issuer_open: bool = False  # the line before named the issuer: capitals go on with it
    end: int = 0

    @property
    def signs(self) -> int:
        return sum((bool(self.code), bool(self.date), bool(self.kind), self.motto))


def _date(m: re.Match[str]) -> str:
    d, mo, y = m.group("d"), m.group("m"), m.group("y")
    if d and mo:
        return f"{int(d)}/{int(mo)}/{y}"
    return f"tháng {int(mo)}/{y}" if mo else f"năm {y}"


def _header_cell(head: _Header, raw: str) -> str | None:
    """Record one header cell; the category name, or None when it is not a header part."""
    cell = _plain(raw)
    if not cell:
        return "blank"
    if _RULE.fullmatch(cell) and sum(c in "-—–=~" for c in cell) >= 3:
        return "rule"
    if _MOTTO.fullmatch(fold(cell)):
        head.motto = True
        return "motto"
    if not head.code and (m := _NUMBER.fullmatch(cell)):
        n = m.group("n").strip(" ._…")
        head.code = m.group("code")
        head.number = f"{n}/{head.code}" if n else ""
        return "number"
    if not head.date and (m := _PLACE_DATE.fullmatch(cell)):
        head.place, head.date = m.group("place").strip(" *_"), _date(m)
        return "date"
    if not head.subject and _VV.match(cell):
        head.subject = cell
        return "subject"
    if not head.kind and (found := _kind_of(cell)):
        kind, rest = found
        if len(rest.split()) >= 4:  # "BÁO CÁO KẾT QUẢ CÔNG TÁC …": kind and subject
            head.kind, head.subject = kind, rest
        elif rest:  # "THÔNG BÁO KẾT LUẬN": the whole line names the kind…
            head.kind, head.kind_base, head.kind_rest = sentence_case(cell), kind, rest
        else:
            head.kind = kind
        return "kind"
    capitals = not head.kind and is_all_caps(cell) and len(cell) <= 80
    if capitals and (_ORGAN.match(cell) or head.issuer_open):
        head.issuer_parts.append(cell)
        head.issuer_open = True
        return "issuer"
    return None


def _is_subject(line: str) -> bool:
    """The line after the kind line is its subject unless it reads like body text."""
    plain = _plain(line)
    if not plain or _numbering(plain):
        return False
    if _VV.match(plain) or is_all_caps(plain):
        return True
    s = line.strip()
    if s.startswith("#") or (s.startswith("*") and s.endswith("*")):
        return True
    return len(plain) <= 600 and not plain.endswith((".", ":", ";"))


def _continues(prev: str, line: str) -> bool:
    """A subject wrapped onto the next line: both in capitals, or it goes on in lower case."""
    plain = _plain(line)
    if not plain or _numbering(plain):
        return False
    return (is_all_caps(prev) and is_all_caps(plain)) or plain[0].islower()


def _take_subject(head: _Header, lines: list[str], i: int) -> int:
    """Read the subject starting at line i; the index after it."""
    parts = [_plain(lines[i])]
    head.kind_lines.append(i)
    i += 1
    while i < len(lines) and _continues(parts[-1], lines[i]):
        parts.append(_plain(lines[i]))
        head.kind_lines.append(i)
        i += 1
    head.subject = " ".join(parts)
    if head.kind_rest and fold(head.subject).startswith(("cua ", "ve ", "tai ")):
        # …unless the subject goes on from it: "KẾT LUẬN" + "Của Chủ tịch…" is the title.
        head.kind = head.kind_base
        head.subject = f"{sentence_case(head.kind_rest)} {_lower_first(head.subject)}"
    return i


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _skip_authority(head: _Header, lines: list[str], i: int) -> int:
    """A Quyết định names its signing authority after the subject ("CHỦ TỊCH ỦY BAN…")."""
    j = i
    while j < len(lines) and not lines[j].strip():
        j += 1
    authority = ("chu tich", "uy ban", "ubnd", "hoi dong", "giam doc", "truong ban", "ban chap")
    if j < len(lines) and head.kind in ("Quyết định", "Nghị quyết"):
        plain = _plain(lines[j])
        if is_all_caps(plain) and fold(plain).startswith(authority):
            head.kind_lines.append(j)
            return j + 1
    return i


def _skip_addressees(head: _Header, lines: list[str], i: int) -> int:
    """"Kính gửi: …" and its list of addressees belong to the header, not the text."""
    j = i
    while j < len(lines) and not lines[j].strip():
        j += 1
    if j >= len(lines) or not fold(_plain(lines[j])).startswith("kinh gui"):
        return i
    head.head_lines.append(j)
    end = j + 1
    k = end
    while k < len(lines):
        s = lines[k].strip()
        if s.startswith(("-", "+", "•")) and len(s) <= 200:
            end = k + 1
        elif s:
            break
        k += 1
    return end


def _read_header(lines: list[str]) -> _Header:
    head = _Header()
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        if head.kind and not head.subject:
            if _is_subject(lines[i]):
                i = _take_subject(head, lines, i)
            break
        if head.kind:  # the kind line carried its subject
            break
        cats = [_header_cell(head, c) for c in _cells(lines[i])]
        if not cats or None in cats:
            break
        head.issuer_open = "issuer" in cats
        if "kind" in cats or "subject" in cats:
            head.kind_lines.append(i)
        if set(cats) - {"kind", "subject"}:
            head.head_lines.append(i)
        i += 1
        if "subject" in cats and len(cats) == 1:  # "V/v …" may wrap onto the next line
            while i < len(lines) and _continues(head.subject, lines[i]):
                head.subject += " " + _plain(lines[i])
                head.kind_lines.append(i)
                i += 1
    i = _skip_authority(head, lines, i)
    head.end = _skip_addressees(head, lines, i)
    return head


# --- Nơi nhận and signature ---------------------------------------------------------------

_SIG_STRONG = re.compile(
    r"^(?:(?:tm|kt|tl|tuq|t/m|k/t|t/l)\.?\s|q\.\s)"
    r"|\b(?:chu tich|giam doc|chanh van phong|truong phong|truong ban|bi thu|chu nhiem"
    r"|thu truong|truong doan)\b"
)
_ROLE = re.compile(
    r"\b(?:chu tich|giam doc|chanh van phong|truong phong|truong ban|bi thu|thu ky|chu nhiem"
    r"|thu truong|uy ban|nhan dan|van phong)\b"
)
_SIGNED = re.compile(r"\(?\s*(?:da\s+)?ky\b[^)]*\)?|\.?/\.?|!\[.*|\[image.*")


def _name(cell: str) -> str:
    """The signer's name in a cell ("Trịnh Huy Toàn", "TRỊNH HUY TOÀN"), else ""."""
    plain = _plain(cell)
    words = plain.split()
    if not 2 <= len(words) <= 6 or _ROLE.search(fold(plain)):
        return ""
    if not all(w.isalpha() and w[0].isupper() for w in words):
        return ""
    if is_all_caps(plain):
        return " ".join(w.capitalize() for w in words)
    if not all(w[1:].islower() or len(w) == 1 for w in words):
        return ""
    return plain


def _sig_part(cell: str) -> str | None:
    """"strong" (TM., KT., CHỦ TỊCH…), "title" (other capitals), "name", "mark" or None."""
    plain = _plain(cell)
    if not plain:
        return "mark"
    if is_all_caps(plain) and len(plain) <= 80 and not _name(cell):
        return "strong" if _SIG_STRONG.search(fold(plain)) else "title"
    if _name(cell):
        return "name"
    if _SIGNED.fullmatch(fold(plain)):
        return "mark"
    return None


def _recipient_part(cell: str) -> bool:
    plain = _plain(cell)
    return fold(plain).startswith("noi nhan") or len(plain) <= 160


@dataclass
class _Tail:
    start: int
    recipients: int | None = None
    signature: int | None = None
    signer: str = ""
    strong: bool = False

    @property
    def signs(self) -> int:
        return (self.recipients is not None) + self.strong


def _find_recipients(lines: list[str], lo: int) -> int | None:
    """The "Nơi nhận" line, when everything after it is recipients and signature."""
    for i in range(len(lines) - 1, max(lo, len(lines) - 80) - 1, -1):
        cells = _cells(lines[i])
        if cells and fold(_plain(cells[0])).startswith("noi nhan"):
            after = [c for line in lines[i + 1 :] for c in _cells(line)]
            ok = all(_recipient_part(c) or _sig_part(c) for c in after)
            return i if ok else None
    return None


def _signature_before(lines: list[str], end: int, lo: int) -> int | None:
    """First line of a signature block ending just before `end`, if it has a TM./KT./… line."""
    first, strong = None, False
    i = end - 1
    while i >= lo:
        if lines[i].strip():
            parts = [_sig_part(c) for c in _cells(lines[i])]
            if None in parts:
                break
            strong = strong or "strong" in parts
            first = i
        i -= 1
    return first if strong else None


def _read_tail(lines: list[str], lo: int) -> _Tail:
    recipients = _find_recipients(lines, lo)
    end = recipients if recipients is not None else len(lines)
    before = _signature_before(lines, end, lo)
    found = [x for x in (recipients, before) if x is not None]
    tail = _Tail(min(found) if found else len(lines), recipients)
    seen_title = False
    names: list[str] = []  # after the first title line
    for i in range(tail.start, len(lines)):
        for cell in _cells(lines[i]):
            plain = _plain(cell)
            if plain.startswith(("-", "+", "•")) or fold(plain).startswith(("noi nhan", "luu")):
                continue  # a recipient, even one written in capitals
            part = _sig_part(cell)
            if part in ("strong", "title"):
                tail.signature = i if tail.signature is None else tail.signature
                tail.strong = tail.strong or part == "strong"
                seen_title = True
            elif part == "name" and seen_title:
                names.append(plain)
    # A name in capitals may be a title we do not know ("NGƯỜI LẬP"): prefer one in mixed case.
    mixed = [n for n in names if not is_all_caps(n)]
    tail.signer = _name((mixed or names or [""])[0])
    if not tail.strong:
        tail.signature = None
    return tail


# --- putting it together ------------------------------------------------------------------


_ORGANS = {"UBND": "UBND|Ủy ban nhân dân|Uỷ ban nhân dân", "HĐND": "HĐND|Hội đồng nhân dân"}
_LEVEL_WORDS = "thị trấn|thị xã|thành phố|phường|huyện|quận|tỉnh|xã"


def _issuer(parts: list[str], context: str) -> str:
    """"ỦY BAN NHÂN DÂN" + "XÃ TÂN KỲ" -> "UBND xã Tân Kỳ"; a sub-body takes its parent's place."""
    name = ""
    for part in parts:
        if not name or _LOCALITY_START.match(part):
            name = f"{name} {part}".strip()
        elif _ORGAN.match(part):
            loc = _LOCALITY_IN.search(name)
            name = part if _LOCALITY_IN.search(part) or not loc else f"{part} {loc.group(0)}"
        else:
            name = f"{name} {part}"
    if not name:
        return ""
    name = re.sub(r"\b(?:ỦY|UỶ) BAN NHÂN DÂN\b", "UBND", name)
    name = re.sub(r"\bHỘI ĐỒNG NHÂN DÂN\b", "HĐND", name)
    return _proper(sentence_case(name, context))


def _proper(name: str) -> str:
    """Capitalise a place name after its level word and an organ's own name: "Sở Nội vụ"."""
    # "xã hội" is not a place ("Phòng Văn hóa - Xã hội").
    m = re.search(rf"\b(?i:({_LEVEL_WORDS}))\s+(?!(?i:hội)\b)(.+)$", name)
    if m:
        place = " ".join(w[:1].upper() + w[1:] for w in m.group(2).split())
        name = f"{name[: m.start(1)]}{m.group(1).lower()} {place}"
    m = re.match(r"(Sở|Phòng|Ban|Cục|Chi cục|Trung tâm|Văn phòng)\s+(\w)", name)
    if m:
        name = name[: m.start(2)] + m.group(2).upper() + name[m.end(2) :]
    return name


def _guess_issuer(code: str, place: str, text: str) -> str:
    """For the source line only: "UBND xã Nghi Dương" from "/TB-UBND", the place and the text.

    The level (xã, phường…) comes from "UBND xã Nghi Dương" written in the text, else from
    how the document names itself ("Chủ tịch UBND xã yêu cầu…": a bare "UBND xã").
    """
    organ = next((p for p in re.split(r"[-/]", code.upper()) if p in _ORGANS), "")
    if not organ or not place:
        return ""
    names = rf"(?i:{_ORGANS[organ]})\s+({_LEVEL_WORDS})\b"
    m = re.search(names + r"\s+" + re.escape(place) + r"\b", text)
    if m:
        return f"{organ} {m.group(1)} {place}"
    bare = Counter(
        m.group(1)
        for m in re.finditer(names, text)
        if not text[m.end() :].lstrip()[:1].isupper()  # "UBND xã Tân Kỳ" names another one
    )
    if bare and (top := bare.most_common(1)[0])[1] >= 2:
        return f"{organ} {top[0]} {place}"
    return f"{organ} {place}"


def _source(kind: str, number: str, date: str, who: str) -> str:
    """"Theo Báo cáo số 119/BC-UBND ngày 20/5/2026 của UBND xã Tân Kỳ", known parts only."""
    parts = [f"Theo {kind}"]
    if number:
        parts.append(f"số {number}")
    if date:
        parts.append(f"ngày {date}" if date[0].isdigit() else date)
    if who:
        parts.append(f"của {who}")
    return " ".join(parts)


def _title(subject: str, context: str) -> str:
    subject = _plain(subject)
    if m := _VV.match(subject):
        subject = subject[m.end() :]
    subject = subject.rstrip(" .;:,")
    if is_all_caps(subject):
        return sentence_case(subject, context)
    return subject[:1].upper() + subject[1:]


def _finish_body(lines: list[str]) -> str:
    """Trim blank edges, re-level headings, drop the "/." end-of-document marker."""
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    lines = _level_headings(lines)
    if lines:
        last = re.sub(r"\.?/\.\s*$", ".", lines[-1].rstrip())
        lines[-1] = last
        if last.strip() in ("", "."):
            return _finish_body(lines[:-1])
    return "\n".join(lines)


def _kind(head: _Header) -> str:
    if head.kind:
        return head.kind
    code = head.code.split("/")[-1].split("-")[0].upper()
    if code in _KIND_BY_CODE:
        return _KIND_BY_CODE[code]
    return "Công văn" if head.subject else "Văn bản"


def read_official(text: str) -> OfficialDoc | None:
    """Split an official document into its parts; None for an ordinary article.

    A document needs two strong signs among: a "Số: …/XX-…" line, a place-date line, a kind
    line (BÁO CÁO…) or the national motto at the top, a "Nơi nhận" list and a signature
    (TM./KT./TL./CHỦ TỊCH…) at the end. Lines are split with str.splitlines and the body is
    joined with "\\n"; body lines keep their bytes except re-levelled headings and the
    "/." marker taken off the last sentence.
    """
    lines = text.splitlines()
    head = _read_header(lines)
    tail = _read_tail(lines, head.end)
    if head.signs + tail.signs < 2:
        return None
    body = _finish_body(lines[head.end : tail.start])
    issuer = _issuer(head.issuer_parts, body)
    who = issuer or _guess_issuer(head.code, head.place, _nfc(text))
    kind = _kind(head)
    removed = []
    if head.head_lines:
        removed.append((min(head.head_lines) + 1, HEADER))
    if head.kind_lines:
        removed.append((min(head.kind_lines) + 1, KIND_SUBJECT))
    if tail.recipients is not None:
        removed.append((tail.recipients + 1, RECIPIENTS))
    if tail.signature is not None:
        removed.append((tail.signature + 1, SIGNATURE))
    return OfficialDoc(
        kind=kind,
        number=head.number,
        place=head.place,
        date=head.date,
        issuer=issuer,
        signer=tail.signer,
        title=_title(head.subject, body) if head.subject else "",
        body=body,
        source=_source(kind, head.number, head.date, who),
        removed=tuple(sorted(removed)),
    )
