"""Read a Word article (.docx) into a Draft: title, Markdown body, closing lines, photos.

python-docx opens the package (parts, relationships, styles, numbering, page size), but the
paragraphs are read by walking their XML: `Paragraph.runs` skips runs inside <w:ins>,
content controls and fields, and only the XML holds what the heuristics need (effective
alignment, indents, fonts through the style chain, drawings, footnote references).

Reading happens in two steps. `_Reader` turns the document into blocks (`_Para`, `_Table`)
that keep the formatting facts; the module functions then find the title and the closing
lines and write the rest as bantin Markdown (one paragraph per line).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.part import Part
from docx.oxml import parse_xml
from lxml import etree
from PIL import Image, UnidentifiedImageError

from . import legacy
from .draft import Draft, Note, Photo
from .errors import ImportFailed
from .official import is_all_caps

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
}
_GRAPHIC_KINDS = {
    "http://schemas.openxmlformats.org/drawingml/2006/chart": "biểu đồ (chart)",
    "http://schemas.microsoft.com/office/drawing/2014/chartex": "biểu đồ (chart)",
    "http://schemas.openxmlformats.org/drawingml/2006/diagram": "sơ đồ SmartArt",
}
_PHOTO_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/jpg": "jpg",
                "image/pjpeg": "jpg", "image/gif": "gif", "image/webp": "webp",
                "image/svg+xml": "svg"}
_PILLOW_EXT = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}
# Office vector pictures: browsers cannot show them and Pillow cannot read them everywhere.
_VECTOR_TYPES = {"image/x-emf": "EMF", "image/emf": "EMF", "image/x-wmf": "WMF",
                 "image/wmf": "WMF"}

MAX_HEADING_WORDS = 20
MAX_CAPTION_WORDS = 30
MAX_CLOSING_WORDS = 30
MAX_TITLE_WORDS = 40
DEFAULT_TEXT_WIDTH = 9000  # twips: A4 with 2 cm / 3 cm margins, when the file has no sectPr

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_SPACE_CHARS = str.maketrans({"\t": " ", "\u00a0": " ", "\u2007": " ", "\u202f": " ",
                              "\u2009": " ", "\u200a": " ", "\u2028": " ", "\u200b": None,
                              "\ufeff": None, "\u00ad": None})
_SPACES = re.compile(r" {2,}")
# "- ", "– ", "• ", "+ " typed by hand; "-Trong" without a space too, but not "-5%".
_TYPED_BULLET = re.compile(r"^([-–—•●▪+])(?:\s+|(?=[^\W\d_]))(?=\S)")
_ORDERED_LABEL = re.compile(r"\d{1,9}[.)]")
_SECTION_NUMBER = re.compile(r"^(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s", re.IGNORECASE)
_LINE_START = re.compile(r"^(?:#{1,6}(?= |$)|[-+](?= |$)|[>|]|```|~~~)")
_LINE_NUMBER = re.compile(r"^(\d{1,9})([.)])(?= |$)")
_HEADING_STYLE = re.compile(r"^heading (\d)$")
_CONTENT = etree.XPath(".//w:t[normalize-space()]|.//w:drawing|.//w:pict|.//w:object",
                       namespaces=NS)


def _q(tag: str) -> str:
    """Clark name of a prefixed tag: "w:p" -> "{http://…/main}p"."""
    prefix, local = tag.split(":")
    return f"{{{NS[prefix]}}}{local}"


W_VAL = _q("w:val")
R_EMBED, R_LINK, R_ID = _q("r:embed"), _q("r:link"), _q("r:id")


# --- Blocks: what the reader keeps of the document ------------------------------------


@dataclass
class _Text:
    text: str
    bold: bool = False
    italic: bool = False
    font: str = ""  # the legacy (TCVN3/VNI) font of the run, "" for a Unicode font
    caps: bool = False  # "All Caps" formatting: shown in capitals, stored in lowercase


@dataclass(frozen=True)
class _Break:
    """A soft line break (Shift+Enter) or a page break inside a paragraph."""


@dataclass(frozen=True)
class _NoteRef:
    number: int


@dataclass(frozen=True)
class _PhotoRef:
    ref: str


_Piece = _Text | _Break | _NoteRef | _PhotoRef


@dataclass
class _Para:
    where: str
    pieces: list[_Piece] = field(default_factory=list)
    align: str = ""  # "center", "right", "both", "left"
    style: str = ""  # lower-case style name: "heading 1", "list bullet 2", "title"
    heading: int = 0  # outline level from the style (1 = Heading 1)
    list_kind: str = ""  # Word numbering: "bullet", "number" or ""
    list_level: int = 0
    label: str = ""  # what Word shows before the text: "1.", "a)", "II.", a bullet "•", "+"
    indent: int = 0  # left + first-line indent, twips
    mark_deleted: bool = False  # tracked deletion of the paragraph mark: joins the next one
    notes: list[Note] = field(default_factory=list)

    def texts(self) -> list[_Text]:
        return [p for p in self.pieces if isinstance(p, _Text)]

    def photos(self) -> list[str]:
        return [p.ref for p in self.pieces if isinstance(p, _PhotoRef)]

    def text(self) -> str:
        """Plain text, soft breaks as spaces, whitespace collapsed."""
        return _plain(self.pieces)

    def lead(self) -> str:
        """The tabs and spaces typed before the text (how editors push a line right)."""
        raw = "".join(p.text for p in self.texts())
        return raw[: len(raw) - len(raw.lstrip(" \t\u00a0"))]

    def all_bold(self) -> bool:
        texts = [t for t in self.texts() if t.text.strip()]
        return bool(texts) and all(t.bold for t in texts)

    def all_italic(self) -> bool:
        texts = [t for t in self.texts() if t.text.strip()]
        return bool(texts) and all(t.italic for t in texts)


@dataclass
class _Table:
    where: str
    rows: list[list[list[_Para]]]  # row -> cell -> paragraphs
    notes: list[Note] = field(default_factory=list)


_Block = _Para | _Table


@dataclass
class _Context:
    """Where the reader is: the part whose relationships resolve pictures, the paragraph
    style, the place for notes, and blocks (text boxes) to put after the paragraph."""

    part: Part
    where: str
    notes: list[Note]
    style_id: str = ""
    after: list[_Block] = field(default_factory=list)


# --- Opening --------------------------------------------------------------------------


def read_docx(path: Path) -> list[Draft]:
    """The articles of a .docx file (usually one); ImportFailed if it cannot be read."""
    reader = _Reader(_open(path), path.name)
    blocks = reader.read()
    drafts = [_draft(article, reader) for article in _split_articles(blocks, reader.width)]
    converted = reader.legacy_note()
    if converted is not None:
        drafts[0].notes.insert(0, converted)
    return drafts


def _open(path: Path):  # -> docx.document.Document
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"{name}: không mở được tệp ({exc.strerror})") from exc
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED in data:
            raise ImportFailed(
                f"{name}: tệp Word có đặt mật khẩu nên không đọc được — mở tệp bằng Word, "
                "bỏ mật khẩu (Tệp › Thông tin › Bảo vệ tài liệu) rồi Lưu thành .docx")
        raise ImportFailed(
            f"{name}: đây là tệp Word cũ (.doc) mang đuôi .docx — mở tệp bằng Word rồi "
            "Lưu thành .docx (Tài liệu Word)")
    try:
        return Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError,
            etree.XMLSyntaxError, EOFError, OSError) as exc:
        raise ImportFailed(
            f"{name}: không đọc được tệp Word (tệp hỏng hoặc không phải .docx) — mở tệp "
            "bằng Word rồi Lưu thành .docx") from exc


# --- Styles and numbering -------------------------------------------------------------


class _Styles:
    """Style lookups through `w:basedOn`, as Word resolves them."""

    def __init__(self, styles: etree._Element) -> None:
        self._by_id = {s.get(_q("w:styleId")): s for s in styles.iter(_q("w:style"))}
        self.default_para = next(
            (sid for sid, s in self._by_id.items()
             if s.get(_q("w:type")) == "paragraph" and s.get(_q("w:default")) in ("1", "true")),
            "")
        defaults = styles.find("w:docDefaults", NS)
        self._default_ppr = defaults.find("w:pPrDefault/w:pPr", NS) if defaults is not None \
            else None
        self._default_rpr = defaults.find("w:rPrDefault/w:rPr", NS) if defaults is not None \
            else None
        self._chains: dict[str, list[etree._Element]] = {}

    def chain(self, style_id: str) -> list[etree._Element]:
        """The style and those it is based on, nearest first."""
        if style_id not in self._chains:
            chain, seen, sid = [], set(), style_id
            while sid and sid not in seen and sid in self._by_id:
                seen.add(sid)
                chain.append(self._by_id[sid])
                based = self._by_id[sid].find("w:basedOn", NS)
                sid = based.get(W_VAL) if based is not None else ""
            self._chains[style_id] = chain
        return self._chains[style_id]

    def name(self, style_id: str) -> str:
        style = self._by_id.get(style_id)
        node = style.find("w:name", NS) if style is not None else None
        return (node.get(W_VAL) or "").lower() if node is not None else ""

    def pprs(self, style_id: str) -> list[etree._Element]:
        found = [s.find("w:pPr", NS) for s in self.chain(style_id)]
        return [p for p in [*found, self._default_ppr] if p is not None]

    def rprs(self, para_style: str, run_style: str) -> list[etree._Element]:
        found = [s.find("w:rPr", NS) for s in [*self.chain(run_style), *self.chain(para_style)]]
        return [r for r in [*found, self._default_rpr] if r is not None]


@dataclass(frozen=True)
class _Level:
    fmt: str  # "bullet", "decimal", "lowerLetter", "upperRoman", "none", …
    text: str  # "%1.", "%1.%2.", "•"
    start: int


class _Numbering:
    """Word list numbering: the kind of a numbered paragraph and the label Word shows."""

    def __init__(self, numbering: etree._Element | None) -> None:
        self._abstract: dict[str, etree._Element] = {}
        self._nums: dict[str, etree._Element] = {}
        if numbering is not None:
            for a in numbering.iterfind("w:abstractNum", NS):
                self._abstract[a.get(_q("w:abstractNumId"))] = a
            for n in numbering.iterfind("w:num", NS):
                self._nums[n.get(_q("w:numId"))] = n
        self._counters: dict[str, list[int]] = {}
        self._started: set[str] = set()

    def _abstract_id(self, num_id: str) -> str:
        num = self._nums.get(num_id)
        ref = num.find("w:abstractNumId", NS) if num is not None else None
        return (ref.get(W_VAL) or "") if ref is not None else ""

    def level(self, num_id: str, ilvl: int) -> _Level | None:
        num = self._nums.get(num_id)
        if num is None:
            return None
        override = _child_at_level(num, "w:lvlOverride", ilvl)
        lvl = override.find("w:lvl", NS) if override is not None else None
        if lvl is None:
            abstract = self._abstract.get(self._abstract_id(num_id))
            lvl = _child_at_level(abstract, "w:lvl", ilvl) if abstract is not None else None
        if lvl is None:
            return None
        start = _int(_val(lvl, "w:start"), 1)
        if override is not None and override.find("w:startOverride", NS) is not None:
            start = _int(_val(override, "w:startOverride"), start)
        return _Level(_val(lvl, "w:numFmt") or "decimal", _val(lvl, "w:lvlText") or "", start)

    def advance(self, num_id: str, ilvl: int) -> tuple[str, str]:
        """("bullet" | "number" | "", label) for the next paragraph of list `num_id`."""
        level = self.level(num_id, ilvl)
        if level is None or level.fmt == "none":
            return "", ""
        if level.fmt == "bullet":
            return "bullet", level.text.strip()
        # Lists sharing an abstract numbering go on counting, as in Word, unless the list
        # restarts with a w:startOverride.
        counters = self._counters.setdefault(self._abstract_id(num_id), [0] * 10)
        if num_id not in self._started:
            self._started.add(num_id)
            num = self._nums[num_id]
            for override in num.iterfind("w:lvlOverride", NS):
                if override.find("w:startOverride", NS) is not None:
                    counters[_int(override.get(_q("w:ilvl")), 0)] = 0
        for deeper in range(ilvl + 1, 10):
            counters[deeper] = 0
        counters[ilvl] = counters[ilvl] + 1 if counters[ilvl] else level.start
        return "number", self._label(num_id, level.text, counters)

    def _label(self, num_id: str, text: str, counters: list[int]) -> str:
        def number(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            lvl = self.level(num_id, k)
            value = counters[k] or (lvl.start if lvl else 1)
            return _format_number(value, lvl.fmt if lvl else "decimal")

        return re.sub(r"%([1-9])", number, text).strip()


def _child_at_level(node: etree._Element, tag: str, ilvl: int) -> etree._Element | None:
    return next((c for c in node.iterfind(tag, NS) if c.get(_q("w:ilvl")) == str(ilvl)), None)


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = ""
        while n > 0:
            n, rest = divmod(n - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(n)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                           (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _val(node: etree._Element, path: str) -> str | None:
    found = node.find(path, NS)
    return found.get(W_VAL) if found is not None else None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _on(node: etree._Element) -> bool:
    """A toggle property (<w:b/>, <w:i w:val="0"/>)."""
    return node.get(W_VAL, "true") not in ("0", "false", "off")


# --- The reader -----------------------------------------------------------------------


class _Reader:
    """Walks the document body into blocks; collects photos, footnotes and conversions."""

    def __init__(self, document, origin: str) -> None:
        self.origin = origin
        self._part = document.part
        self._styles = _Styles(document.styles.element)
        self._numbering = _Numbering(_numbering_element(document.part))
        self._body = document.element.body
        self.width = _text_width(document)
        self.photos: list[Photo] = []
        self._photo_refs: dict[str, str] = {}
        self.footnotes: dict[int, str] = {}
        self._note_parts: dict[str, dict[str, etree._Element]] = {}
        self._legacy: dict[str, Counter[str]] = {}
        self._paragraphs = 0
        self._tables = 0

    # Blocks

    def read(self) -> list[_Block]:
        return self._blocks(self._body, None)

    def _blocks(self, container: etree._Element, ctx: _Context | None) -> list[_Block]:
        """Paragraphs and tables of a body, cell or text box; `ctx` None at the top level."""
        blocks: list[_Block] = []
        held: _Para | None = None  # a paragraph whose mark was deleted joins the next one
        for child in _block_children(container):
            if child.tag == _q("w:p"):
                block_ctx = ctx or self._top_context(child, "đoạn")
                para = self._paragraph(child, block_ctx)
                if ctx is None:
                    para.notes.extend(block_ctx.notes)
                if held is not None:
                    para.pieces[:0] = held.pieces
                    para.notes[:0] = held.notes
                    held = None
                if para.mark_deleted:
                    held = para
                else:
                    blocks.append(para)
                blocks.extend(block_ctx.after)
                block_ctx.after.clear()
            elif child.tag == _q("w:tbl"):
                table_ctx = ctx or self._top_context(child, "bảng")
                found = self._table(child, table_ctx)
                if ctx is None and found:
                    found[0].notes.extend(table_ctx.notes)
                blocks.extend(found)
        if held is not None:
            blocks.append(held)
        return blocks

    def _top_context(self, element: etree._Element, kind: str) -> _Context:
        if kind == "bảng":
            self._tables += 1
            number = self._tables
        else:
            self._paragraphs += 1 if _CONTENT(element) else 0
            number = self._paragraphs
        return _Context(self._part, f"{self.origin}, {kind} {number}", [])

    # Paragraphs

    def _paragraph(self, p: etree._Element, ctx: _Context) -> _Para:
        ppr = p.find("w:pPr", NS)
        style_id = _val(ppr, "w:pStyle") if ppr is not None else None
        style_id = style_id or self._styles.default_para
        pprs = [x for x in [ppr, *self._styles.pprs(style_id)] if x is not None]
        name = self._styles.name(style_id)
        para = _Para(ctx.where, align=_alignment(pprs), style=name,
                     heading=_heading_level(name, pprs), indent=_indent(pprs),
                     mark_deleted=_mark_deleted(ppr), notes=[])
        self._list_info(para, pprs, name)
        run_ctx = _Context(ctx.part, ctx.where, ctx.notes, style_id, ctx.after)
        para.pieces = list(self._inline(p, run_ctx))
        self._convert_legacy(para)
        return para

    def _list_info(self, para: _Para, pprs: list[etree._Element], style_name: str) -> None:
        num_pr = next((x.find("w:numPr", NS) for x in pprs if x.find("w:numPr", NS) is not None),
                      None)
        if num_pr is None:
            return
        num_id = _val(num_pr, "w:numId") or "0"
        ilvl = _int(_val(num_pr, "w:ilvl"), 0)
        if num_id == "0":
            return
        para.list_kind, para.label = self._numbering.advance(num_id, ilvl)
        # "List Bullet 2" carries its depth in its name, not in w:ilvl
        depth = re.search(r"^list (?:bullet|number|continue)? ?(\d)$", style_name)
        para.list_level = max(ilvl, int(depth.group(1)) - 1 if depth else 0)

    def _inline(self, node: etree._Element, ctx: _Context) -> Iterator[_Piece]:
        """The pieces of a paragraph or of an inline container, tracked changes accepted."""
        for child in node:
            tag = child.tag
            if tag == _q("w:r"):
                yield from self._run(child, ctx)
            elif tag in _INLINE_CONTAINERS:
                yield from self._inline(child, ctx)
            elif tag == _q("w:sdt"):
                content = child.find("w:sdtContent", NS)
                if content is not None:
                    yield from self._inline(content, ctx)
            elif tag == _q("mc:AlternateContent"):
                yield from self._inline(_alternate(child), ctx)
            elif tag in (_q("m:oMath"), _q("m:oMathPara")):
                ctx.notes.append(Note(ctx.where, "có công thức toán (Equation) không chuyển "
                                                 "được — hãy gõ lại thành chữ hoặc chèn ảnh"))
            # w:del and w:moveFrom (deleted text), comment ranges, bookmarks: no text

    def _run(self, r: etree._Element, ctx: _Context) -> Iterator[_Piece]:
        rpr = r.find("w:rPr", NS)
        run_style = _val(rpr, "w:rStyle") if rpr is not None else None
        rprs = [x for x in [rpr, *self._styles.rprs(ctx.style_id, run_style or "")]
                if x is not None]
        if _flag(rprs, "w:vanish"):
            return  # hidden text is not part of what the author sees
        bold, italic = _flag(rprs, "w:b"), _flag(rprs, "w:i")
        font, caps = _legacy_font(rprs), _flag(rprs, "w:caps")
        for child in _run_children(r):
            tag = child.tag
            if tag == _q("w:t"):
                yield _Text(child.text or "", bold, italic, font, caps)
            elif tag in (_q("w:tab"), _q("w:ptab")):
                yield _Text("\t", bold, italic, font)
            elif tag in (_q("w:br"), _q("w:cr")):
                yield _Break()
            elif tag == _q("w:noBreakHyphen"):
                yield _Text("-", bold, italic)
            elif tag == _q("w:sym") and (child.get(_q("w:char")) or "").upper() in _SYM_BULLETS:
                yield _Text("•", bold, italic)  # a Symbol/Wingdings bullet typed by hand
            elif tag in (_q("w:footnoteReference"), _q("w:endnoteReference")):
                yield from self._note_ref(child, ctx)
            elif tag == _q("w:drawing"):
                yield from self._drawing(child, ctx)
            elif tag == _q("w:pict"):
                yield from self._vml(child, ctx)
            elif tag == _q("w:object"):
                self._ole(child, ctx)

    # Drawings, pictures, objects

    def _drawing(self, drawing: etree._Element, ctx: _Context) -> Iterator[_Piece]:
        blips = list(drawing.iter(_q("a:blip")))
        for blip in blips:
            if blip.get(R_EMBED):
                yield from self._photo(blip.get(R_EMBED), ctx)
            elif blip.get(R_LINK):
                ctx.notes.append(Note(ctx.where, "ảnh chỉ liên kết tới một tệp bên ngoài, không "
                                                 "nằm trong tệp .docx — hãy chèn thẳng ảnh vào "
                                                 "tài liệu (không chọn «Liên kết tới tệp»)"))
        boxes = self._text_boxes(drawing, ctx)
        if blips or boxes:
            return
        data = drawing.find(".//a:graphicData", NS)
        kind = _GRAPHIC_KINDS.get(data.get("uri", "") if data is not None else "", "hình vẽ")
        ctx.notes.append(Note(ctx.where, f"có {kind} không chuyển được — hãy chụp thành ảnh "
                                         "(PNG/JPG) rồi chèn lại"))

    def _vml(self, pict: etree._Element, ctx: _Context) -> Iterator[_Piece]:
        """An old-style (VML) picture, text box or shape."""
        if any(e.get(_q("o:hr")) == "t" for e in pict.iter()):
            return  # a horizontal rule pasted from a web page
        images = [i for i in pict.iter(_q("v:imagedata")) if i.get(R_ID)]
        for image in images:
            yield from self._photo(image.get(R_ID), ctx)
        if not images and not self._text_boxes(pict, ctx):
            ctx.notes.append(Note(ctx.where, "có hình vẽ (shape) không chuyển được — hãy chụp "
                                             "thành ảnh (PNG/JPG) rồi chèn lại"))

    def _ole(self, obj: etree._Element, ctx: _Context) -> None:
        ole = obj.find("o:OLEObject", NS)
        prog = ole.get("ProgID", "") if ole is not None else ""
        what = _ole_kind(prog)
        ctx.notes.append(Note(ctx.where, f"có {what} nhúng trong bài, không chuyển được — hãy "
                                         "dán lại nội dung thành bảng Word hoặc chèn ảnh chụp"))

    def _text_boxes(self, node: etree._Element, ctx: _Context) -> bool:
        """Read the text boxes in a drawing into blocks after the paragraph."""
        boxes = [b for b in node.iter(_q("w:txbxContent")) if _outermost(b, node)]
        for box in boxes:
            ctx.after.extend(self._blocks(box, _Context(ctx.part, ctx.where, ctx.notes)))
        if boxes:
            ctx.notes.append(Note(ctx.where, "chữ trong hộp văn bản (text box) được đưa thành "
                                             "đoạn riêng ngay sau đoạn này — kiểm tra lại vị trí"))
        return bool(boxes)

    def _photo(self, rid: str, ctx: _Context) -> Iterator[_PhotoRef]:
        rel = ctx.part.rels.get(rid)
        part = rel.target_part if rel is not None and not rel.is_external else None
        if part is None:
            ctx.notes.append(Note(ctx.where, "có ảnh bị hỏng (không có dữ liệu ảnh trong tệp) "
                                             "— hãy chèn lại ảnh"))
            return
        key = str(part.partname)
        if key not in self._photo_refs:
            found = _photo_data(part.content_type, part.blob)
            if isinstance(found, str):
                ctx.notes.append(Note(ctx.where, found))
                return
            ext, data = found
            ref = f"anh-{len(self.photos) + 1}.{ext}"
            self.photos.append(Photo(ref=ref, data=data))
            self._photo_refs[key] = ref
        yield _PhotoRef(self._photo_refs[key])

    # Footnotes and endnotes

    def _note_ref(self, ref: etree._Element, ctx: _Context) -> Iterator[_NoteRef]:
        kind = "footnote" if ref.tag == _q("w:footnoteReference") else "endnote"
        note = self._notes(kind).get(ref.get(_q("w:id"), ""))
        if note is None:
            return
        number = len(self.footnotes) + 1
        self.footnotes[number] = ""  # reserve the number before reading the note's own text
        part = self._note_part(kind)
        note_ctx = _Context(part, f"{self.origin}, chú thích {number}", ctx.notes)
        paras = [b for b in self._blocks(note, note_ctx) if isinstance(b, _Para)]
        self.footnotes[number] = " ".join(m for m in (_markdown(p.pieces) for p in paras) if m)
        yield _NoteRef(number)

    def _note_part(self, kind: str) -> Part:
        reltype = RT.FOOTNOTES if kind == "footnote" else RT.ENDNOTES
        return next(r.target_part for r in self._part.rels.values()
                    if r.reltype == reltype and not r.is_external)

    def _notes(self, kind: str) -> dict[str, etree._Element]:
        if kind not in self._note_parts:
            try:
                root = parse_xml(self._note_part(kind).blob)
            except (StopIteration, etree.XMLSyntaxError):
                root = None
            self._note_parts[kind] = {} if root is None else {
                n.get(_q("w:id")): n for n in root.iterfind(f"w:{kind}", NS)
                if n.get(_q("w:type")) in (None, "normal")}
        return self._note_parts[kind]

    # Tables

    def _table(self, tbl: etree._Element, ctx: _Context) -> list[_Block]:
        rows = [tr for tr in tbl.iterfind("w:tr", NS) if not _row_deleted(tr)]
        cells = [tr.findall("w:tc", NS) for tr in rows]
        if len(rows) == 1 and len(cells[0]) == 1:
            # a one-cell table is a frame drawn around text: read it as body text
            return self._blocks(cells[0][0], _Context(ctx.part, ctx.where, ctx.notes))
        grid: list[list[list[_Para]]] = []
        for tr, tcs in zip(rows, cells, strict=True):
            grid.append(self._row(tr, tcs, grid[-1] if grid else [], ctx))
        return [_Table(ctx.where, grid)]

    def _row(self, tr: etree._Element, tcs: list[etree._Element], above: list[list[_Para]],
             ctx: _Context) -> list[list[_Para]]:
        trpr = tr.find("w:trPr", NS)
        row: list[list[_Para]] = [[] for _ in range(_int(_val(trpr, "w:gridBefore"), 0)
                                                       if trpr is not None else 0)]
        for tc in tcs:
            tcpr = tc.find("w:tcPr", NS)
            span = _int(_val(tcpr, "w:gridSpan"), 1) if tcpr is not None else 1
            merge = tcpr.find("w:vMerge", NS) if tcpr is not None else None
            column = len(row)
            if merge is not None and merge.get(W_VAL, "continue") == "continue":
                # a vertically merged cell repeats the text above, so each row reads alone
                content = above[column] if column < len(above) else []
            else:
                content = _flatten(self._blocks(tc, _Context(ctx.part, ctx.where, ctx.notes)))
            row.append(content)
            row.extend([] for _ in range(span - 1))
        return row

    # Legacy fonts

    def _convert_legacy(self, para: _Para) -> None:
        """Turn TCVN3/VNI text into Unicode: runs in a legacy font, or a whole paragraph whose
        text reads as legacy-encoded Vietnamese though its font says nothing."""
        texts = [t for t in para.texts() if t.text.strip()]
        fonted = [t for t in texts if t.font]
        if fonted:
            changed = [(t, legacy.font_scheme(t.font)) for t in fonted]
            converted = _convert(changed)
            label = ", ".join(sorted({t.font for t in fonted}))
            scheme = changed[0][1] or ""
        else:
            scheme = legacy.detect_legacy("".join(t.text for t in texts)) or ""
            converted = bool(scheme) and _convert([(t, scheme) for t in texts])
            label = ""
        if converted:
            self._legacy.setdefault(scheme, Counter())[label] += 1
        for text in texts:
            if text.caps:  # after the conversion: legacy codes are not letters to upper-case
                text.text = text.text.upper()

    def legacy_note(self) -> Note | None:
        parts = []
        for scheme, counts in self._legacy.items():
            fonts = sorted({f for label in counts for f in label.split(", ") if f})
            font = f" (phông {', '.join(fonts)})" if fonts else ""
            parts.append(f"{sum(counts.values())} đoạn gõ bằng bảng mã {scheme}{font}")
        if not parts:
            return None
        return Note(self.origin, f"đã chuyển {' và '.join(parts)} sang Unicode")


_SYM_BULLETS = frozenset({"F0B7", "F0A7", "F06C", "F06E", "F0A8", "F0D8", "F076", "F0FC"})
_INLINE_CONTAINERS = frozenset(_q(t) for t in (
    "w:ins", "w:moveTo", "w:hyperlink", "w:smartTag", "w:customXml", "w:fldSimple", "w:dir",
    "w:bdo"))


def _block_children(container: etree._Element) -> Iterator[etree._Element]:
    """w:p and w:tbl, looking through content controls and custom XML."""
    for child in container:
        if child.tag in (_q("w:p"), _q("w:tbl")):
            yield child
        elif child.tag == _q("w:sdt"):
            content = child.find("w:sdtContent", NS)
            if content is not None:
                yield from _block_children(content)
        elif child.tag in (_q("w:customXml"), _q("w:ins"), _q("w:moveTo")):
            yield from _block_children(child)
        elif child.tag == _q("mc:AlternateContent"):
            yield from _block_children(_alternate(child))


def _run_children(r: etree._Element) -> Iterator[etree._Element]:
    for child in r:
        if child.tag == _q("mc:AlternateContent"):
            yield from _alternate(child)
        else:
            yield child


def _alternate(node: etree._Element) -> etree._Element:
    """The first mc:Choice (Word writes the same drawing again as a VML mc:Fallback)."""
    choice = node.find("mc:Choice", NS)
    if choice is None:
        choice = node.find("mc:Fallback", NS)
    return choice if choice is not None else etree.Element("empty")


def _outermost(box: etree._Element, root: etree._Element) -> bool:
    for ancestor in box.iterancestors():
        if ancestor is root:
            return True
        if ancestor.tag == _q("w:txbxContent"):
            return False
    return True


def _flatten(blocks: list[_Block]) -> list[_Para]:
    """A cell's paragraphs, nested tables read row by row."""
    out: list[_Para] = []
    for block in blocks:
        if isinstance(block, _Para):
            out.append(block)
        else:
            for row in block.rows:
                for cell in row:
                    out.extend(cell)
    return out


def _row_deleted(tr: etree._Element) -> bool:
    trpr = tr.find("w:trPr", NS)
    return trpr is not None and trpr.find("w:del", NS) is not None


def _mark_deleted(ppr: etree._Element | None) -> bool:
    if ppr is None:
        return False
    rpr = ppr.find("w:rPr", NS)
    return rpr is not None and (rpr.find("w:del", NS) is not None
                                or rpr.find("w:moveFrom", NS) is not None)


def _alignment(pprs: list[etree._Element]) -> str:
    value = next((_val(p, "w:jc") for p in pprs if _val(p, "w:jc")), "left")
    return {"end": "right", "start": "left", "distribute": "both"}.get(value, value)


def _indent(pprs: list[etree._Element]) -> int:
    """Left plus first-line indent in twips, each attribute from the nearest level."""
    def attr(*names: str) -> int:
        for ppr in pprs:
            ind = ppr.find("w:ind", NS)
            for name in names:
                if ind is not None and ind.get(_q(f"w:{name}")) is not None:
                    return _int(ind.get(_q(f"w:{name}")), 0)
        return 0

    return attr("left", "start") + attr("firstLine") - attr("hanging")


def _heading_level(style_name: str, pprs: list[etree._Element]) -> int:
    found = _HEADING_STYLE.match(style_name)
    if found:
        return int(found.group(1))
    outline = next((_val(p, "w:outlineLvl") for p in pprs if _val(p, "w:outlineLvl")), None)
    level = _int(outline, 9)
    return level + 1 if level < 9 else 0


def _flag(rprs: list[etree._Element], tag: str) -> bool:
    for rpr in rprs:
        node = rpr.find(tag, NS)
        if node is not None:
            return _on(node)
    return False


def _legacy_font(rprs: list[etree._Element]) -> str:
    """The run's font if it draws a legacy encoding; hAnsi first, the slot Word uses for the
    Latin-1 characters that carry the Vietnamese letters."""
    for slot in ("w:hAnsi", "w:ascii"):
        for rpr in rprs:
            fonts = rpr.find("w:rFonts", NS)
            name = fonts.get(_q(slot)) if fonts is not None else None
            if name:
                if legacy.font_scheme(name):
                    return name
                break
    return ""


def _convert(texts: list[tuple[_Text, str | None]]) -> bool:
    changed = False
    for text, scheme in texts:
        if not scheme:
            continue
        capitals = bool(text.font) and legacy.is_capital_font(text.font)
        new = legacy.legacy_to_unicode(text.text, scheme, capitals=capitals)
        changed = changed or new != text.text
        text.text = new
    return changed


def _ole_kind(prog_id: str) -> str:
    for key, what in (("Excel", "bảng tính Excel"), ("Word", "văn bản Word"),
                      ("PowerPoint", "trang trình chiếu PowerPoint"), ("Equation", "công thức"),
                      ("Visio", "bản vẽ Visio"), ("Package", "tệp đính kèm")):
        if key.lower() in prog_id.lower():
            return f"{what} ({prog_id})"
    return f"đối tượng OLE ({prog_id})" if prog_id else "đối tượng OLE"


def _photo_data(content_type: str, blob: bytes) -> tuple[str, bytes] | str:
    """(extension, bytes) of a picture bantin can show, or why not (a note)."""
    if content_type in _PHOTO_TYPES:
        return _PHOTO_TYPES[content_type], blob
    if content_type in _VECTOR_TYPES:
        return (f"có ảnh dạng {_VECTOR_TYPES[content_type]} (hình vẽ của Office) không hiện "
                "được trên web — hãy lưu ảnh thành PNG hoặc JPG rồi chèn lại")
    try:
        image = Image.open(io.BytesIO(blob))
        if image.format in _PILLOW_EXT:
            return _PILLOW_EXT[image.format], blob
        out = io.BytesIO()  # BMP, TIFF: convert once, browsers do not show them
        image.save(out, format="PNG")
        return "png", out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError):
        return (f"có ảnh dạng {content_type or 'không rõ'} không đọc được — hãy lưu ảnh thành "
                "PNG hoặc JPG rồi chèn lại")


def _numbering_element(part) -> etree._Element | None:
    try:
        return part.numbering_part.element
    except (KeyError, NotImplementedError):
        return None


def _text_width(document) -> int:
    """Page width minus margins in twips (the last section is the body's)."""
    try:
        section = document.sections[-1]
        emu = int(section.page_width) - int(section.left_margin) - int(section.right_margin)
    except (IndexError, TypeError, AttributeError):
        return DEFAULT_TEXT_WIDTH
    return emu // 635 if emu > 0 else DEFAULT_TEXT_WIDTH  # 635 EMU to the twip


# --- Plain text and Markdown of pieces ------------------------------------------------


def _normalized(pieces: Iterable[_Piece]) -> list[_Text]:
    """Text pieces with plain spaces, no doubled spaces across runs, no outer spaces.

    Soft breaks become spaces and footnote references "[n]" (Markdown footnotes are off)."""
    out: list[_Text] = []
    for piece in pieces:
        if isinstance(piece, _Text):
            out.append(_Text(_SPACES.sub(" ", piece.text.translate(_SPACE_CHARS)),
                             piece.bold, piece.italic))
        elif isinstance(piece, _Break):
            out.append(_Text(" "))
        elif isinstance(piece, _NoteRef):
            out.append(_Text(f"[{piece.number}]"))
    previous_space = True  # drops leading spaces
    for text in out:
        if previous_space and text.text.startswith(" "):
            text.text = text.text[1:]
        if text.text:
            previous_space = text.text.endswith(" ")
    out = [t for t in out if t.text]
    while out and not out[-1].text.strip(" "):
        out.pop()
    if out:
        out[-1].text = out[-1].text.rstrip(" ")
    return out


def _plain(pieces: Iterable[_Piece]) -> str:
    return "".join(t.text for t in _normalized(pieces))


def _drop_chars(texts: list[_Text], count: int) -> list[_Text]:
    """The pieces without their first `count` characters (a typed list marker)."""
    out = []
    for text in texts:
        if count >= len(text.text):
            count -= len(text.text)
            continue
        out.append(_Text(text.text[count:], text.bold, text.italic))
        count = 0
    if out:
        out[0].text = out[0].text.lstrip(" ")
    return [t for t in out if t.text]


def _escape(text: str) -> str:
    """Characters that would turn literal text into Markdown emphasis or code."""
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("`", "\\`")


def _escape_start(line: str) -> str:
    """A literal "# ", "- ", "+ ", "> ", "|" or "1. " at the start of a paragraph."""
    number = _LINE_NUMBER.match(line)
    if number:
        return number.group(1) + "\\" + line[number.end(1):]
    return "\\" + line if _LINE_START.match(line) else line


def _markdown(pieces: Iterable[_Piece], *, emphasis: bool = True) -> str:
    """Inline Markdown of pieces; emphasis=False for headings (bold is their nature)."""
    texts = _normalized(pieces)
    if not emphasis:
        texts = [_Text(t.text) for t in texts]
    return _emphasize(texts, False)


def _emphasize(texts: list[_Text], start: bool) -> str:
    """`**bold**`, `*italic*` around normalized pieces, adjacent runs of one format merged.

    start=True escapes what would make the line a heading, list, quote or table."""
    groups = _merge(texts)
    escaped = [_escape(g.text) for g in groups]
    if start and escaped:
        escaped[0] = _escape_start(escaped[0])
    spans: list[tuple[str, str]] = []  # (text, mark)
    i = 0
    while i < len(groups):
        if groups[i].bold:
            j = i
            while j < len(groups) and groups[j].bold:
                j += 1
            inner = "".join(_wrap(escaped[k], "*") if groups[k].italic else escaped[k]
                            for k in range(i, j))
            spans.append((inner, "**"))
            i = j
        else:
            spans.append((escaped[i], "*" if groups[i].italic else ""))
            i += 1
    out = ""
    for k, (text, mark) in enumerate(spans):
        after = spans[k + 1][0][:1] if k + 1 < len(spans) else ""
        out += _wrap(text, mark, out[-1:], after) if mark else text
    return out


def _merge(texts: list[_Text]) -> list[_Text]:
    """Merge runs of one format; a space between two runs of a format takes that format
    (so "**Tân** **Kỳ**" is written "**Tân Kỳ**")."""
    texts = [_Text(t.text, t.bold, t.italic) for t in texts]
    for k, text in enumerate(texts):
        if not text.text.strip():
            before = texts[k - 1] if k else None
            after = texts[k + 1] if k + 1 < len(texts) else None
            text.bold = bool(before and after and before.bold and after.bold)
            text.italic = bool(before and after and before.italic and after.italic)
    merged: list[_Text] = []
    for text in texts:
        if merged and (merged[-1].bold, merged[-1].italic) == (text.bold, text.italic):
            merged[-1].text += text.text
        else:
            merged.append(text)
    return merged


def _wrap(text: str, mark: str, before: str = "", after: str = "") -> str:
    """Emphasis marks hugging the words, spaces outside ("** Tân**" does not parse).

    Punctuation at the edge moves outside the marks when a letter touches them from outside:
    "**Kết quả:**đạt" would print its asterisks, "**Kết quả**:đạt" does not."""
    core = text.strip(" ")
    lead = text[: len(text) - len(text.lstrip(" "))]
    trail = text[len(text.rstrip(" ")):]
    if not lead and before.isalnum():
        while core and _is_punctuation(core[0]):
            lead, core = lead + core[0], core[1:]
    if not trail and after.isalnum():
        while core and _is_punctuation(core[-1]):
            core, trail = core[:-1], core[-1] + trail
    if not core:
        return text
    return f"{lead}{mark}{core}{mark}{trail}"


def _is_punctuation(char: str) -> bool:
    # "*" and "\\" belong to nested marks and escapes, which must stay inside
    return char not in "*\\" and unicodedata.category(char)[0] in "PS"


# --- From blocks to articles ----------------------------------------------------------


def _words(text: str) -> int:
    return len(text.split())


def _all_caps(text: str) -> bool:
    return is_all_caps(text, min_letters=4, share=1.0)


def _has_text(block: _Block) -> bool:
    return isinstance(block, _Table) or bool(block.text() or block.photos())


def _title_like(block: _Block) -> bool:
    """Centred, capitals, bold or a title style: how an article's title looks."""
    if not isinstance(block, _Para) or block.photos() or block.list_kind:
        return False
    text = block.text()
    if not text or _words(text) > MAX_TITLE_WORDS:
        return False
    return (block.align == "center" or _all_caps(text) or block.all_bold()
            or block.style == "title" or block.heading == 1)


def _strong_title(block: _Block) -> bool:
    """A title that starts a second article after a closing block (plain bold is not
    enough: a bold sub-heading may follow a right-aligned line)."""
    if not _title_like(block):
        return False
    assert isinstance(block, _Para)
    return (_all_caps(block.text()) or block.style == "title" or block.heading == 1
            or (block.align == "center" and block.all_bold()))


def _pushed_right(block: _Block, width: int) -> bool:
    """Right-aligned, or pushed right with tabs, spaces or a wide indent: a closing line."""
    if not isinstance(block, _Para) or block.photos() or block.list_kind:
        return False
    text = block.text()
    if not text or _words(text) > MAX_CLOSING_WORDS:
        return False
    lead = block.lead()
    return (block.align == "right" or lead.count("\t") >= 2 or len(lead) >= 6
            or block.indent > width // 2)


def _split_articles(blocks: list[_Block], width: int) -> list[list[_Block]]:
    """Several articles in one file: a closing block followed by a title starts a new one."""
    blocks = _drop_empty(blocks)
    articles: list[list[_Block]] = []
    start = i = 0
    while i < len(blocks):
        if not _pushed_right(blocks[i], width):
            i += 1
            continue
        j = i
        while j < len(blocks) and _pushed_right(blocks[j], width):
            j += 1
        if j < len(blocks) and i > start + 1 and _strong_title(blocks[j]):
            articles.append(blocks[start:j])
            start = j
        i = j
    articles.append(blocks[start:])
    return articles


def _drop_empty(blocks: list[_Block]) -> list[_Block]:
    """Blocks with text or photos; the notes of an empty one (an OLE object, a chart) move
    to the next block so they still reach the draft."""
    kept: list[_Block] = []
    orphans: list[Note] = []
    for block in blocks:
        if _has_text(block):
            block.notes[:0] = orphans
            orphans = []
            kept.append(block)
        else:
            orphans.extend(block.notes)
    if orphans:
        if not kept:
            kept.append(_Para(orphans[0].where))
        kept[-1].notes.extend(orphans)
    return kept


def _take_title(blocks: list[_Block]) -> tuple[str, list[_Block]]:
    if not blocks or not _title_like(blocks[0]):
        return "", blocks
    first = blocks[0]
    assert isinstance(first, _Para)
    parts, end = [first.text()], 1
    # a title in capitals sometimes goes on over a second paragraph of capitals
    while (end < min(len(blocks), 3) and _all_caps(parts[0]) and _title_like(blocks[end])
           and _all_caps(blocks[end].text()) and blocks[end].align == first.align
           and blocks[end].all_bold() == first.all_bold()):
        parts.append(blocks[end].text())
        end += 1
    return " ".join(parts), blocks[end:]


def _take_closing(blocks: list[_Block], width: int) -> tuple[list[str], list[_Block]]:
    start = len(blocks)
    while start > 1 and _pushed_right(blocks[start - 1], width):
        start -= 1
    lines: list[str] = []
    for block in blocks[start:]:
        assert isinstance(block, _Para)
        lines.extend(_closing_lines(block))
    return lines, blocks[:start]


def _closing_lines(para: _Para) -> list[str]:
    """One closing line per soft line break: "Nguyễn Văn A<br>Chuyên viên"."""
    lines: list[list[_Piece]] = [[]]
    for piece in para.pieces:
        if isinstance(piece, _Break):
            lines.append([])
        elif not isinstance(piece, _NoteRef):
            lines[-1].append(piece)
    return [text for text in (_plain(line) for line in lines) if text]


def _draft(blocks: list[_Block], reader: _Reader) -> Draft:
    notes = [note for block in blocks for note in block.notes]
    title, rest = _take_title(blocks)
    if not title:
        notes.insert(0, Note(reader.origin, "không tìm thấy tiêu đề (đoạn đầu không căn giữa, "
                                            "không in đậm, không viết hoa) — hãy điền tiêu đề"))
    closing, rest = _take_closing(rest, reader.width)
    chunks = _render(rest)
    body = _join(chunks + _footnote_chunks(chunks, reader.footnotes))
    refs = set(re.findall(r"\]\(<([^>]+)>\)", body))
    return Draft(
        title=unicodedata.normalize("NFC", title),
        body=unicodedata.normalize("NFC", body),
        origin=reader.origin,
        closing=[unicodedata.normalize("NFC", line) for line in closing],
        photos=[p for p in reader.photos if p.ref in refs],
        notes=notes,
    )


# --- Rendering blocks -----------------------------------------------------------------


@dataclass
class _Chunk:
    lines: list[str]
    item: bool = False  # a list item: no blank line between it and the next item


def _join(chunks: list[_Chunk]) -> str:
    out: list[str] = []
    for k, chunk in enumerate(chunks):
        if k:
            out.append("\n" if chunk.item and chunks[k - 1].item else "\n\n")
        out.append("\n".join(chunk.lines))
    return "".join(out)


def _render(blocks: list[_Block]) -> list[_Chunk]:
    chunks: list[_Chunk] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if isinstance(block, _Table):
            chunks.extend(_render_table(block))
        elif block.photos() and not block.text():
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            caption = _caption(following)
            chunks.extend(_photo_chunks(block.photos(), caption))
            i += 1 if caption else 0
        else:
            chunks.extend(_render_paragraph(block))
        i += 1
    return chunks


def _caption(block: _Block | None) -> str:
    """The text under a photo if it reads as its caption: short, italic or centred."""
    if not isinstance(block, _Para) or block.photos() or block.list_kind:
        return ""
    text = block.text()
    if not text or _words(text) > MAX_CAPTION_WORDS:
        return ""
    if block.all_italic() or block.align == "center" or block.style == "caption":
        return text
    return ""


def _photo_chunks(refs: list[str], caption: str) -> list[_Chunk]:
    """`![caption](<ref>)` lines; a caption under several photos goes with the last one."""
    alt = re.sub(r"([\\\[\]*`])", r"\\\1", caption)
    return [_Chunk([f"![{alt if k == len(refs) - 1 else ''}](<{ref}>)"])
            for k, ref in enumerate(refs)]


def _render_paragraph(para: _Para) -> list[_Chunk]:
    """Photos in a text paragraph go on their own lines, before or after the text."""
    photos = para.photos()
    if not photos and not para.text():
        return []
    first_text = next((k for k, p in enumerate(para.pieces)
                       if isinstance(p, _Text) and p.text.strip()), len(para.pieces))
    before = [p.ref for p in para.pieces[:first_text] if isinstance(p, _PhotoRef)]
    after = [ref for ref in photos if ref not in before]
    if before and not after and _caption(_Para(para.where, para.texts(), para.align,
                                               para.style)):
        return _photo_chunks(before, para.text())  # picture, Shift+Enter, caption
    chunks = _photo_chunks(before, "")
    chunks.append(_text_chunk(para))
    return chunks + _photo_chunks(after, "")


def _text_chunk(para: _Para) -> _Chunk:
    texts = _normalized(para.pieces)
    plain = "".join(t.text for t in texts)
    if para.list_kind == "number" and not _ORDERED_LABEL.fullmatch(para.label):
        # "a)", "II.", "1.1.": not a Markdown list; keep the number as text
        bold = bool(texts) and texts[0].bold
        texts = [_Text(para.label + " ", bold), *texts] if para.label else texts
        plain = "".join(t.text for t in texts)
        para = _Para(para.where, list(texts), para.align, para.style, para.heading)
    level = _heading(para, plain)
    if level:
        return _Chunk([f"{'#' * level} {_markdown(texts, emphasis=False)}"])
    marker, drop = _list_marker(para, plain)
    if marker:
        return _Chunk([marker + _emphasize(_drop_chars(texts, drop), False)], item=True)
    return _Chunk([_emphasize(texts, True)])


def _heading(para: _Para, plain: str) -> int:
    """## for Heading 1/2 (or a short all-bold line), ### for Heading 3 and deeper."""
    if para.heading or para.style == "title":
        return 2 if para.heading <= 2 else 3
    if para.list_kind or _TYPED_BULLET.match(plain):
        return 0  # a bold list item stays a list item
    if not para.all_bold() or _words(plain) > MAX_HEADING_WORDS:
        return 0
    if not any(c.isalpha() for c in plain) or plain.endswith(":"):
        return 0  # a lead-in ("Cụ thể như sau:") is not a heading
    if plain.endswith(".") and not _SECTION_NUMBER.match(plain):
        return 0  # a bold sentence
    return 2


def _list_marker(para: _Para, plain: str) -> tuple[str, int]:
    """The Markdown marker ("- ", "+ ", "3. ") and how many typed characters it replaces."""
    typed = _TYPED_BULLET.match(plain)
    drop = typed.end() if typed else 0
    if para.list_kind == "bullet":
        return ("- " if para.list_level == 0 and para.label != "+" else "+ "), drop
    if para.list_kind == "number":
        return para.label + " ", 0
    if typed:
        return ("+ " if typed.group(1) == "+" else "- "), drop
    return "", 0


def _render_table(table: _Table) -> list[_Chunk]:
    grid = _photo_grid(table)
    if grid is not None:
        return grid
    rows = [[_cell_markdown(cell) for cell in row] for row in table.rows]
    rows = [row for row in rows if any(row)]
    photos = [ref for row in table.rows for cell in row for p in cell for ref in p.photos()]
    chunks = _photo_chunks(list(dict.fromkeys(photos)), "")
    if not rows:
        return chunks
    width = max(len(row) for row in rows)
    lines = [f"| {' | '.join(row + [''] * (width - len(row)))} |" for row in rows]
    lines.insert(1, "|" + "---|" * width)
    return [_Chunk(lines), *chunks]


def _cell_markdown(cell: list[_Para]) -> str:
    """A cell's paragraphs on one line: "; " between them unless one ends a sentence."""
    out = ""
    for para in cell:
        text = _emphasize(_normalized(para.pieces), False)
        if not text:
            continue
        if out:
            out += " " if out[-1] in ".;:,!?" else "; "
        out += text
    return out.replace("|", "\\|")


def _photo_grid(table: _Table) -> list[_Chunk] | None:
    """A table used to lay photos out side by side, captions in the cell under each photo
    or below it in the same cell: its photos and captions, no table."""
    paras = [p for row in table.rows for cell in row for p in cell]
    if not any(p.photos() for p in paras):
        return None
    if any(p.text() and (p.photos() or p.list_kind or _words(p.text()) > MAX_CAPTION_WORDS)
           for p in paras):
        return None
    chunks: list[_Chunk] = []
    rows = table.rows
    r = 0
    while r < len(rows):
        row = rows[r]
        below = rows[r + 1] if r + 1 < len(rows) else None
        only_photos = all(not p.text() for cell in row for p in cell)
        captions_below = (only_photos and below is not None
                          and all(not p.photos() for cell in below for p in cell))
        for c, cell in enumerate(row):
            extra = below[c] if captions_below and c < len(below) else []
            chunks.extend(_grid_cell(cell + extra))
        r += 2 if captions_below else 1
    return chunks


def _grid_cell(paras: list[_Para]) -> list[_Chunk]:
    chunks: list[_Chunk] = []
    k = 0
    while k < len(paras):
        para = paras[k]
        if para.photos():
            following = paras[k + 1] if k + 1 < len(paras) else None
            caption = following.text() if following is not None and not following.photos() \
                else ""
            chunks.extend(_photo_chunks(para.photos(), caption))
            k += 2 if caption else 1
        else:
            if para.text():
                chunks.append(_Chunk([_emphasize(_normalized(para.pieces), True)]))
            k += 1
    return chunks


def _footnote_chunks(chunks: list[_Chunk], footnotes: dict[int, str]) -> list[_Chunk]:
    """"Chú thích:" and "[n] text" for the notes referenced in this body."""
    body = "\n".join(line for chunk in chunks for line in chunk.lines)
    used = [n for n in footnotes if f"[{n}]" in body]
    if not used:
        return []
    return [_Chunk(["Chú thích:"]), *(_Chunk([f"[{n}] {footnotes[n]}"]) for n in used)]
