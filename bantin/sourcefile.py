"""Reading source files: UTF-8 (with or without BOM) to NFC text, YAML with line numbers.

Front matter, issues/*.yml and site.yml are read with a narrow YAML: the libyaml parser, but
values typed like YAML 1.2's core schema (true/false, null, decimal numbers; everything else
is text), no anchors or aliases, no key written twice, and size limits, so that a pasted or
hostile file ends quickly with a Vietnamese error at its line.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    NodeEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from .errors import Diagnostics

MAX_CHARS = 50_000  # a real front matter is under 2,000 characters, site.yml under 5,000
MAX_KEYS = 200  # per mapping; an article uses about ten
MAX_DEPTH = 32  # libyaml's composer recurses in C: very deep nesting crashes the process
MAX_DIGITS = 20  # longer digit strings stay text (int() refuses over 4,300 digits)
QUOTE_LIMIT = 300  # characters of the user's text quoted in one message

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_TAG + t for t in ("str", "int", "float", "bool", "null"))
_SEQ, _MAP = _TAG + "seq", _TAG + "map"
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False,
          "FALSE": False}
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_MAY_BE_TYPED = frozenset("0123456789+-.~nNtTfF")  # first letters of the values above
_INT_TEXT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")  # 0755 and 1_000 stay text
_FLOAT_TEXT = re.compile(r"[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")  # line breaks to libyaml, not to editors
_NONPRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_KEY_VALUE = re.compile(r"^(\s*(?:-\s+)?)([^\s:#\"'][^:#]*?):(?:\s+(.*))?$")
_NO_SPACE = re.compile(r"^([A-Za-z_][\w-]*):(\S.*)$")
_CURLY = ("“", "”", "‘", "’")
HINT = 'viết mỗi dòng dạng "khóa: giá trị"; giá trị có ":" hay "#" thì đặt trong ngoặc kép "…"'
_BAD = "phần khai báo YAML viết sai: "


def clip(value: object, limit: int = QUOTE_LIMIT) -> str:
    """The user's text for quoting in a message: on one line, at most `limit` characters."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("\n", " ")


def _count(n: int) -> str:
    """Vietnamese thousands separator: 50000 -> "50.000"."""
    return f"{n:,}".replace(",", ".")


def read_bytes(path: Path, diags: Diagnostics) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as exc:
        diags.error(path, None, f"không đọc được tệp ({exc.strerror})", "kiểm tra quyền đọc tệp")
        return None


def read_text(path: Path, diags: Diagnostics) -> str | None:
    """Decode a source file to NFC text; on failure record an error and return None."""
    data = read_bytes(path, diags)
    return None if data is None else decode_source(data, path, diags)


def decode_source(data: bytes, path: Path, diags: Diagnostics) -> str | None:
    """UTF-8 (BOM or not) or UTF-16 with BOM to NFC text with \n line ends."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            text = None
        if text is not None:
            return unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        diags.error(
            path,
            line,
            "tệp không phải mã hóa UTF-8 (có thể là Windows-1258 hoặc TCVN3)",
            "mở tệp và lưu lại với mã hóa UTF-8",
        )
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


@dataclass(frozen=True)
class YamlDoc:
    """A parsed YAML mapping and the 1-based file line of each top-level key.

    `data` has YAML's types (true/false, null, decimal numbers); `written` mirrors it with
    every scalar as the text the editor wrote (None for null), for the fields that are text:
    `title: 2026` is 2026 in `data` and "2026" in `written`."""

    data: dict[str, Any]
    lines: dict[str, int]
    first_line: int
    written: dict[str, Any] = field(default_factory=dict)

    def line(self, key: str) -> int:
        return self.lines.get(key, self.first_line)

    def raw(self, key: str, default: Any = None) -> Any:
        """The value of `key` as written: text (or None) for a scalar, lists/dicts of those."""
        return self.written.get(key, default)


class _Refused(Exception):
    """One located error; `line` is a 1-based file line."""

    def __init__(self, line: int, message: str, hint: str = HINT) -> None:
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


class _CoreTyping(BaseResolver):
    """YAML 1.2-core-like typing of plain scalars, for either parser below."""

    def resolve(self, kind: type, value: str | None, implicit: Any) -> str:
        if kind is ScalarNode:
            return _plain_tag(value or "") if implicit[0] else _STR
        return _SEQ if kind is SequenceNode else _MAP


class _PyParser(Reader, Scanner, Parser, Composer, _CoreTyping):
    """PyYAML's own parser: used where PyYAML was built without libyaml."""

    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _CoreTyping.__init__(self)


try:  # libyaml is ~8x faster on thousands of front matters
    from yaml.cyaml import CParser

    class _CParser(CParser, _CoreTyping):
        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            _CoreTyping.__init__(self)

    _Parser: type = _CParser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    _Parser = _PyParser


def _plain_tag(value: str) -> str:
    """No YAML 1.1 guessing: yes/no/on/off, 1:30, 0755, 1_000 and dates stay text."""
    if not value:
        return _NULL
    if value[0] not in _MAY_BE_TYPED:  # most values: Vietnamese words
        return _STR
    if value in _NULLS:
        return _NULL
    if value in _BOOLS:
        return _BOOL
    if _INT_TEXT.fullmatch(value):
        return _INT
    return _FLOAT if _FLOAT_TEXT.fullmatch(value) else _STR


def _may_nest_deeply(text: str) -> bool:
    """Whether a cheap upper bound of the nesting depth exceeds MAX_DEPTH: every level
    opens with "[", "{", a "-"/"?" indicator, or a deeper indentation."""
    bound = text.count("[") + text.count("{") + text.count("- ") + text.count("-\n")
    bound += text.count("-\t") + text.count("? ") + text.count("?\n")
    if bound > MAX_DEPTH:
        return True
    indents = {len(line) - len(line.lstrip(" ")) for line in text.split("\n")}
    return bound + len(indents) > MAX_DEPTH


@dataclass
class _Reading:
    """One YAML text being read; lines are reported as file lines from `first_line`."""

    text: str
    first_line: int
    seen: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.other_breaks = any(b in self.text for b in _OTHER_BREAKS)

    def line(self, mark: Any) -> int:
        if mark is None:
            return self.first_line
        if self.other_breaks:  # count lines as editors do, by "\n"
            return self.first_line + self.text.count("\n", 0, mark.index)
        return self.first_line + mark.line

    def run(self) -> tuple[Any, Any, dict[str, int]]:
        """(typed data, written data, line of each top-level key)."""
        if len(self.text) > MAX_CHARS:
            raise _Refused(
                self.first_line,
                f"phần khai báo dài {_count(len(self.text))} ký tự, quá giới hạn "
                f"{_count(MAX_CHARS)}",
                "phần khai báo chỉ gồm vài chục dòng khóa: giá trị; kiểm tra dòng --- đóng "
                "phần khai báo, nội dung bài viết đặt bên dưới",
            )
        # no anchor or alias without "&" or "*": most texts skip the slower event scan
        if "&" in self.text or "*" in self.text or _may_nest_deeply(self.text):
            self.scan()
        parser = _Parser(self.text)
        try:
            node = parser.get_single_node()
        finally:
            parser.dispose()
        if node is None:
            return {}, {}, {}
        if isinstance(node, MappingNode):
            return self.mapping(node)
        typed, written = self.build(node)
        return typed, written, {}

    def scan(self) -> None:
        """Walk the parse events: refuse anchors, aliases and deep nesting before the
        composer expands (or recurses into) them."""
        parser = _Parser(self.text)
        depth = 0
        anchors: dict[str, Any] = {}
        try:
            while not isinstance(event := parser.get_event(), StreamEndEvent):
                if isinstance(event, AliasEvent):
                    raise self.alias(event.anchor, event.start_mark, anchors.get(event.anchor))
                if isinstance(event, NodeEvent) and event.anchor is not None:
                    anchors.setdefault(event.anchor, event.start_mark)
                if isinstance(event, CollectionStartEvent):
                    depth += 1
                    if depth > MAX_DEPTH:
                        raise _Refused(
                            self.line(event.start_mark),
                            f"phần khai báo lồng nhau quá sâu (hơn {MAX_DEPTH} tầng [ ], {{ }} "
                            "hoặc thụt lề)",
                            "mỗi khóa là một dòng chữ hoặc một danh sách ngắn; giá trị bắt "
                            'đầu bằng "[" hay "{" thì đặt trong ngoặc kép "…"')
                elif isinstance(event, CollectionEndEvent):
                    depth -= 1
        finally:
            parser.dispose()
        if anchors:
            name, mark = next(iter(anchors.items()))
            shown = clip(name, 60)
            raise _Refused(self.line(mark), f'phần khai báo không dùng neo YAML "&{shown}"',
                           f'xóa "&{shown}"; nếu dấu "&" là một phần giá trị, đặt cả giá trị '
                           'trong ngoặc kép "…"')

    def alias(self, name: str, mark: Any, anchor: Any) -> _Refused:
        where = f" (neo &{clip(name, 60)} ở dòng {self.line(anchor)})" if anchor else ""
        return _Refused(
            self.line(mark),
            f'phần khai báo không dùng bí danh YAML "*{clip(name, 60)}"{where}',
            'viết thẳng giá trị ra; nếu dấu "*" là một phần giá trị, đặt cả giá trị trong '
            'ngoặc kép "…"')

    def build(self, node: Node) -> tuple[Any, Any]:
        """(typed value, value as written) of a node."""
        if id(node) in self.seen:  # composed from an alias: scan() should have refused it
            raise _Refused(self.line(node.start_mark),
                           "phần khai báo không dùng bí danh YAML (*)", "viết thẳng giá trị ra")
        self.seen.add(id(node))
        if isinstance(node, ScalarNode):
            typed = self.scalar(node)
            return typed, None if typed is None else node.value
        if isinstance(node, SequenceNode) and node.tag == _SEQ:
            pairs = [self.build(item) for item in node.value]
            return [p[0] for p in pairs], [p[1] for p in pairs]
        if isinstance(node, MappingNode) and node.tag == _MAP:
            typed, written, _ = self.mapping(node)
            return typed, written
        raise self.unknown_tag(node)

    def scalar(self, node: ScalarNode) -> Any:
        tag, value = node.tag, node.value
        if tag == _STR:
            return value
        if tag == _NULL:
            return None
        if tag == _BOOL and value in _BOOLS:
            return _BOOLS[value]
        if tag == _INT and _INT_TEXT.fullmatch(value):
            return int(value) if len(value) <= MAX_DIGITS else value
        if tag == _FLOAT and _FLOAT_TEXT.fullmatch(value):
            return float(value)
        if tag in (_BOOL, _INT, _FLOAT):
            shown = tag.replace(_TAG, "!!")
            raise _Refused(self.line(node.start_mark),
                           f'giá trị "{clip(value, 60)}" không đúng kiểu {shown}',
                           f'xóa "{shown}"; số viết dạng 18, đúng sai viết true hoặc false')
        raise self.unknown_tag(node)

    def unknown_tag(self, node: Node) -> _Refused:
        tag = node.tag.replace(_TAG, "!!")
        return _Refused(
            self.line(node.start_mark),
            f'phần khai báo không dùng thẻ kiểu YAML "{clip(tag, 60)}"',
            f'xóa "{clip(tag, 60)}"; nếu dấu "!" là một phần giá trị, đặt cả giá trị trong '
            'ngoặc kép "…"')

    def mapping(self, node: MappingNode) -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
        if node.tag != _MAP:
            raise self.unknown_tag(node)
        self.seen.add(id(node))
        if len(node.value) > MAX_KEYS:
            raise _Refused(self.line(node.start_mark),
                           f"phần khai báo có {len(node.value)} khóa, quá giới hạn {MAX_KEYS}",
                           "một bài chỉ cần vài khóa (title, issue, year, week, editor…), "
                           "site.yml vài chục; kiểm tra dòng --- đóng phần khai báo")
        typed: dict[str, Any] = {}
        written: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise _Refused(self.line(key_node.start_mark),
                               "tên khóa phải là một chữ, không phải danh sách",
                               'viết mỗi dòng dạng "khóa: giá trị"')
            key, line = key_node.value, self.line(key_node.start_mark)
            if key in lines:
                shown = clip(key, 60)
                raise _Refused(line,
                               f"khóa {shown} viết hai lần (dòng {lines[key]} và dòng {line})",
                               f"giữ một dòng {shown}, xóa dòng còn lại")
            lines[key] = line
            typed[key], written[key] = self.build(value_node)
        return typed, written, lines

    # ---------------------------------------------------------------- parser errors

    def explain(self, exc: Exception) -> _Refused:
        """A YAML error in plain Vietnamese at its line; never PyYAML's English."""
        if isinstance(exc, yaml.MarkedYAMLError):
            problem, context = str(exc.problem or ""), str(exc.context or "")
            mark = exc.problem_mark or exc.context_mark
            if mark is None:
                return _Refused(self.first_line, _BAD + "YAML không đọc được tệp này", HINT)
            for words, explain in _PROBLEMS:
                if any(w in problem or w in context for w in words):
                    return explain(self, mark, exc.context_mark, problem + " " + context)
            return _Refused(self.line(mark), _BAD + "YAML không đọc được chỗ này", HINT)
        found = _NONPRINTABLE.search(self.text)  # a ReaderError, or a lone surrogate
        if found:
            return _Refused(self.first_line + self.text.count("\n", 0, found.start()),
                            f"có ký tự điều khiển vô hình (mã U+{ord(found.group()):04X})",
                            "xóa ký tự này (thường do dán từ Word hay PDF): gõ lại cả dòng")
        return _Refused(self.first_line, _BAD + "YAML không đọc được tệp này", HINT)

    def source_line(self, mark: Any) -> tuple[int, str]:
        """(0-based index by "\n", text) of the line of `mark`."""
        n = self.line(mark) - self.first_line
        lines = self.text.split("\n")
        return n, lines[n] if n < len(lines) else ""

    def example(self, line: str) -> str:
        """`line` rewritten with its value in straight double quotes (quotes inside it
        made curly)."""
        m = _KEY_VALUE.match(line)
        if not m or not m.group(3):
            return 'title: "Xã Vạn An: mô hình mới"'
        value = m.group(3).strip()
        if len(value) > 1 and (value[0], value[-1]) in (('"', '"'), ("'", "'"), ("“", "”")):
            value = value[1:-1]
        parts = value.split('"')  # "a "b" c" -> a “b” c
        value = "".join(p + ("“" if k % 2 == 0 else "”") for k, p in enumerate(parts[:-1]))
        value = clip(value + parts[-1], 120).replace("\\", "\\\\")
        lead = m.group(1).strip()
        return f'{lead + " " if lead else ""}{m.group(2)}: "{value}"'


def _colon(r: _Reading, mark: Any, _context: Any, _words: str) -> _Refused:
    """A ':' where YAML does not take one: name the likely slip."""
    n, line = r.source_line(mark)
    here = r.first_line + n
    above = r.text.split("\n")[:n]
    k = next((i for i in range(n - 1, -1, -1) if above[i].strip()), None)
    before, prev = ("", here) if k is None else (above[k], r.first_line + k)
    if any(c in line for c in _CURLY):
        return _Refused(here, _BAD + "giá trị có dấu ':' nằm trong ngoặc kép cong “…”",
                        "YAML không coi “…” là dấu ngoặc: thay bằng ngoặc kép thẳng \", ví dụ "
                        + r.example(line))
    slip = _NO_SPACE.match(before)
    if slip and not before.startswith(" "):
        key = clip(slip.group(1), 60)
        return _Refused(prev, _BAD + f"sau dấu ':' của khóa {key} thiếu dấu cách",
                        f"viết {key}: {clip(slip.group(2), 120)}")
    if before and ":" not in before and not before.lstrip().startswith(("-", "#")):
        return _Refused(prev, _BAD + "dòng này thiếu dấu ':' sau tên khóa",
                        'viết dạng "khóa: giá trị", ví dụ title: Tiêu đề bài')
    m = _KEY_VALUE.match(before)
    if line.startswith((" ", "\t")) and m and m.group(3) and not m.group(1):
        return _Refused(here, _BAD + "dòng này bị thụt vào đầu dòng",
                        "viết khóa sát lề trái, xóa các dấu cách ở đầu dòng")
    return _Refused(here, _BAD + "có dấu ':' ở chỗ không được phép",
                    'giá trị có dấu ":" thì đặt cả giá trị trong ngoặc kép thẳng, ví dụ '
                    + r.example(line))


def _token_start(r: _Reading, mark: Any, _context: Any, _words: str) -> _Refused:
    """A character that cannot start a value: a Tab, or "@", "`", "%"."""
    n, line = r.source_line(mark)
    char = r.text[mark.index] if mark and mark.index < len(r.text) else ""
    if char == "\t" or (not char.strip() and "\t" in line):
        return _tab(r, mark, None, "")
    return _Refused(r.first_line + n, _BAD + f'giá trị không được bắt đầu bằng "{char}"',
                    "đặt cả giá trị trong ngoặc kép, ví dụ " + r.example(line))


def _tab(r: _Reading, mark: Any, _context: Any, _words: str) -> _Refused:
    return _Refused(r.line(mark), _BAD + "có ký tự Tab (YAML chỉ dùng dấu cách)",
                    "thay mỗi Tab ở đầu dòng bằng dấu cách")


def _unclosed(r: _Reading, mark: Any, context: Any, words: str) -> _Refused:
    """The stream (or a --- line) came before a quote or bracket was closed."""
    if "quoted" not in words:
        return _Refused(r.line(mark), _BAD + "tệp kết thúc khi giá trị chưa viết xong", HINT)
    opened = context or mark
    quote = r.text[opened.index] if opened.index < len(r.text) else '"'
    name = "ngoặc đơn '" if quote == "'" else 'ngoặc kép "'
    return _Refused(r.line(opened), _BAD + f"{name} mở ở dòng {r.line(opened)} chưa được đóng",
                    f"thêm dấu {quote} ở cuối giá trị; phần trích dẫn bên trong giá trị thì "
                    "dùng ngoặc kép cong “…”")


def _after_value(r: _Reading, mark: Any, _context: Any, _words: str) -> _Refused:
    """Text after a closed quote or bracket, or a line out of its block."""
    n, line = r.source_line(mark)
    m = _KEY_VALUE.match(line)
    value = (m.group(3) or "").strip() if m else ""
    if value[:1] in "\"'" and m and mark.column > len(line) - len(value):
        return _Refused(r.first_line + n, _BAD + "sau dấu ngoặc đóng giá trị vẫn còn chữ",
                        "phần trích dẫn bên trong giá trị thì dùng ngoặc kép cong “…”, hoặc "
                        "đặt cả giá trị trong ngoặc đơn, ví dụ " + r.example(line))
    if value[:1] in "[{" and m:
        return _Refused(r.first_line + n,
                        _BAD + f'giá trị bắt đầu bằng "{value[0]}" được hiểu là danh sách',
                        "đặt cả giá trị trong ngoặc kép, ví dụ " + r.example(line))
    return _Refused(r.first_line + n, _BAD + "sai thụt lề hoặc thiếu khóa",
                    "các khóa viết thẳng hàng sát lề trái, mỗi dòng dạng \"khóa: giá trị\"")


def _bracket(r: _Reading, mark: Any, context: Any, words: str) -> _Refused:
    close = "]" if "]" in words else "}"
    where = f" mở ở dòng {r.line(context)}" if context else ""
    return _Refused(r.line(mark),
                    _BAD + f'thiếu dấu "{close}" đóng danh sách{where}, hoặc thiếu dấu phẩy',
                    "viết danh sách trên một dòng, ví dụ tags: [chuyển đổi số, TTHC]; mục có "
                    'dấu phẩy thì đặt trong ngoặc kép "…"')


def _escape(r: _Reading, mark: Any, _context: Any, _words: str) -> _Refused:
    return _Refused(r.line(mark), _BAD + 'trong ngoặc kép có dấu "\\" không hợp lệ',
                    'trong ngoặc kép "\\" bắt đầu một mã ký tự: viết "\\\\", hoặc đặt giá trị '
                    "trong ngoặc đơn '…' (ở đó \\ giữ nguyên)")


def _indicator(r: _Reading, mark: Any, _context: Any, words: str) -> _Refused:
    """A value starting with YAML's "*", "&", "!", "-", "?", "|" or ">" signs."""
    n, line = r.source_line(mark)
    sign = ("*" if "alias" in words else "&" if "anchor" in words else "!" if "tag" in words
            else "-" if "sequence" in words else "?" if "keys" in words else "|")
    return _Refused(r.first_line + n, _BAD + f'giá trị bắt đầu bằng dấu "{sign}" của YAML',
                    "đặt cả giá trị trong ngoặc kép, ví dụ " + r.example(line))


def _document_start(r: _Reading, mark: Any, _context: Any, _words: str) -> _Refused:
    """Text after the document ended: a "..." line, or keys not lined up with the first."""
    lines = r.text.split("\n")
    dots = next((k for k, x in enumerate(lines) if x.rstrip() == "..."), None)
    if dots is not None:
        return _Refused(r.first_line + dots, _BAD + 'dòng "..." kết thúc phần khai báo giữa chừng',
                        'xóa dòng "..."')
    return _Refused(r.line(mark), _BAD + "các khóa không thẳng hàng (sai thụt lề)",
                    "viết mọi khóa sát lề trái, không có dấu cách ở đầu dòng")


def _simple(message: str, hint: str = HINT, at_context: bool = False) -> Any:
    def explain(r: _Reading, mark: Any, context: Any, _words: str) -> _Refused:
        return _Refused(r.line(context if at_context and context else mark), _BAD + message, hint)
    return explain


# libyaml's (and PyYAML's) problem and context words -> the explanation; first match wins.
_PROBLEMS: tuple[tuple[tuple[str, ...], Any], ...] = (
    (("mapping values are not allowed", "found unexpected ':'"), _colon),
    (("tab character",), _tab),
    (("cannot start any token",), _token_start),
    (("end of stream", "unexpected document indicator"), _unclosed),
    (("alphabetic or numeric", "block sequence entries", "mapping keys are not allowed",
      "expected '!'", "tag URI", "URI escaped", "undefined tag handle", "constructor"),
     _indicator),
    (("escape", "hexdecimal"), _escape),
    (("',' or ']'", "',' or '}'"), _bracket),
    (("could not find expected ':'",),
     _simple("thiếu dấu ':' sau tên khóa", 'viết dạng "khóa: giá trị"', at_context=True)),
    (("did not find expected key", "expected <block end>", "expected <block mapping end>"),
     _after_value),
    (("'-' indicator",),
     _simple("dòng này không thuộc danh sách ở trên (sai thụt lề)",
             'mỗi mục danh sách bắt đầu bằng "- " thẳng hàng; khóa mới viết sát lề trái')),
    (("node content",),
     _simple("thiếu giá trị (hai dấu phẩy liền nhau, hoặc dấu ở chỗ không đúng)",
             'mục có dấu phẩy thì đặt trong ngoặc kép "…"')),
    (("block scalar",),
     _simple('sau dấu "|" hoặc ">" phải xuống dòng',
             "viết nội dung ở các dòng bên dưới, thụt vào hai dấu cách")),
    (("single document", "another document"),
     _simple('có dòng "---" ở giữa, chia phần khai báo làm hai', 'xóa dòng "---" này')),
    (("<document start>",), _document_start),
    (("alias",), _indicator),
    (("anchor",), _indicator),
    (("directive", "%YAML", "%TAG"),
     _simple('dòng bắt đầu bằng "%" là chỉ thị YAML',
             'đặt giá trị trong ngoặc kép "…" hoặc xóa dòng này')),
)


def parse_yaml(
    text: str, path: Path, diags: Diagnostics, first_line: int = 1
) -> YamlDoc | None:
    """Parse a YAML mapping whose first line is file line `first_line`."""
    reading = _Reading(text, first_line)
    try:
        try:
            data, written, lines = reading.run()
        except (yaml.YAMLError, UnicodeError) as exc:
            raise reading.explain(exc) from None
        except RecursionError:
            raise _Refused(first_line, f"phần khai báo lồng nhau quá sâu (hơn {MAX_DEPTH} tầng)",
                           "mỗi khóa là một dòng chữ hoặc một danh sách ngắn") from None
    except _Refused as exc:  # libyaml may point past the last line at the end of the text
        last = first_line + text.rstrip("\n").count("\n")
        diags.error(path, min(exc.line, last), exc.message, exc.hint)
        return None
    if not isinstance(data, dict):
        diags.error(
            path, first_line, "phần khai báo phải là danh sách khóa: giá trị",
            'viết mỗi dòng dạng "title: Tiêu đề bài"',
        )
        return None
    return YamlDoc(data, lines, first_line, written)


def load_yaml_file(path: Path, diags: Diagnostics) -> YamlDoc | None:
    text = read_text(path, diags)
    return None if text is None else parse_yaml(text, path, diags)
