"""The closing block: signature lines pushed right at the end of a pasted article, and which
front-matter key ("editor", "source", "author") a closing line belongs to."""

from __future__ import annotations

import re
from typing import NamedTuple

from .text import fold

MAX_SIGNATURE_WORDS = 25  # a longer pushed-right line is text, not a signature
MAX_SIGNATURE_LINES = 4
_EDITOR_TAIL = re.compile(r"[\s,.;:–—-]*tổng\s+hợp\s*[.;:]?\s*$", re.IGNORECASE)
_SOURCE_HEAD = re.compile(r"^\s*(?:\*+\s*)?(theo|nguồn)\b[\s:]*", re.IGNORECASE)
_EMPHASIS = re.compile(r"^[*_]+|[*_]+$")
_PUNCT = re.compile(r"[^\w]+")


class Signature(NamedTuple):
    """Pushed-right lines at the end of a body; `line` is the body index of the first."""

    lines: tuple[str, ...]
    line: int


def pushed_right(line: str, min_spaces: int = 4) -> bool:
    """Tabs or a wide run of spaces before the text: the editor's way to right-align."""
    lead = line[: len(line) - len(line.lstrip(" \t"))]
    return bool(line.strip()) and ("\t" in lead or len(lead) >= min_spaces)


def clean_line(line: str) -> str:
    """A closing line without the emphasis marks and spacing it was typed with."""
    return _EMPHASIS.sub("", " ".join(line.split())).strip()


def find_signature(body: str) -> Signature | None:
    """The pushed-right short lines that end a body (seed 000: "\\t\\t… tổng hợp")."""
    lines = body.split("\n")
    end = len(lines)
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    start = end
    while (start > 0 and end - start < MAX_SIGNATURE_LINES and pushed_right(lines[start - 1])
           and len(lines[start - 1].split()) <= MAX_SIGNATURE_WORDS
           and "\t" not in lines[start - 1].strip()):
        start -= 1
    if start == end or start == 0 or not any(s.strip() for s in lines[:start]):
        return None  # a body that is only pushed-right lines is indented text, not a signature
    return Signature(tuple(clean_line(s) for s in lines[start:end]), start)


def blank_lines(body: str, start: int, count: int) -> str:
    """The body with `count` lines from `start` emptied (line numbers stay where they were)."""
    lines = body.split("\n")
    for k in range(start, min(start + count, len(lines))):
        lines[k] = ""
    return "\n".join(lines)


def _key(text: str) -> str:
    return _PUNCT.sub(" ", fold(text)).strip()


def editor_name(line: str) -> str | None:
    """ "Phòng VHXH Tân Kỳ tổng hợp" -> "Phòng VHXH Tân Kỳ"; None when not an editor line."""
    m = _EDITOR_TAIL.search(line)
    return line[: m.start()].strip(" ,") if m and m.start() > 0 else None


def is_source(line: str) -> bool:
    """ "Theo Cổng Thông tin điện tử tỉnh …", "Nguồn: …"."""
    return bool(_SOURCE_HEAD.match(line))


def repeated_key(line: str, editor: str, author: tuple[str, ...], source: str) -> str | None:
    """The front-matter key that already says what this closing line says."""
    key = _key(editor_name(line) or line)
    if not key:
        return None
    if editor and key == _key(editor_name(editor) or editor):
        return "editor"
    if source and key in (_key(source), _key(_SOURCE_HEAD.sub("", source))):
        return "source"
    if any(key == _key(a) for a in author):
        return "author"
    return None


class Closing(NamedTuple):
    editor: str
    source: str
    author: tuple[str, ...]


def classify_closing(lines: list[str] | tuple[str, ...]) -> Closing:
    """Closing lines as front matter: "… tổng hợp" -> editor, "Theo …" -> source, the rest
    -> author lines (a person, a position, a unit)."""
    editor, source, author = "", "", []
    for raw in lines:
        line = clean_line(raw)
        if not line:
            continue
        name = editor_name(line)
        if name and not editor:
            editor = name
        elif is_source(line) and not source:
            source = line
        else:
            author.append(line)
    return Closing(editor, source, tuple(author))
