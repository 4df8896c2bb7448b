"""Reading source files: UTF-8 (with or without BOM) to NFC text, YAML with line numbers."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import Diagnostics

try:  # libyaml is ~8x faster on thousands of front matters
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*)\s*:", re.MULTILINE)

_YAML_PROBLEMS = {
    "mapping values are not allowed here": "có dấu ':' ở chỗ không được phép",
    "could not find expected ':'": "thiếu dấu ':' sau tên khóa",
    "found character '\\t' that cannot start any token": "có ký tự Tab (YAML chỉ dùng dấu cách)",
    "found unexpected end of stream": "tệp kết thúc khi chuỗi chưa đóng",
    "did not find expected key": "sai thụt lề hoặc thiếu khóa",
    "found undefined alias": "dùng bí danh (*) chưa khai báo",
    "expected <block end>, but found '<scalar>'": "sai thụt lề",
    "found duplicate anchor": "trùng neo (&)",
}


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
    """A parsed YAML mapping and the 1-based file line of each top-level key."""

    data: dict[str, Any]
    lines: dict[str, int]
    first_line: int

    def line(self, key: str) -> int:
        return self.lines.get(key, self.first_line)


def parse_yaml(
    text: str, path: Path, diags: Diagnostics, first_line: int = 1
) -> YamlDoc | None:
    """Parse a YAML mapping whose first line is file line `first_line`."""
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark else first_line
        problem = str(exc.problem or exc.context or "")
        said = _YAML_PROBLEMS.get(problem, problem)
        diags.error(
            path,
            line,
            f"phần khai báo YAML viết sai: {said}",
            'viết mỗi dòng dạng "khóa: giá trị"; giá trị có ":" hay "#" thì đặt trong ngoặc kép',
        )
        return None
    except yaml.YAMLError as exc:
        diags.error(path, first_line, f"phần khai báo YAML viết sai: {exc}", "")
        return None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        diags.error(
            path, first_line, "phần khai báo phải là danh sách khóa: giá trị",
            'viết mỗi dòng dạng "title: Tiêu đề bài"',
        )
        return None
    lines: dict[str, int] = {}
    for m in _KEY_LINE.finditer(text):
        lines.setdefault(m.group(1), first_line + text.count("\n", 0, m.start()))
    return YamlDoc({str(k): v for k, v in data.items()}, lines, first_line)


def load_yaml_file(path: Path, diags: Diagnostics) -> YamlDoc | None:
    text = read_text(path, diags)
    return None if text is None else parse_yaml(text, path, diags)
