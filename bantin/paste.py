"""Traces of a bad paste left in a hand-written article: warnings with the fix.

`check` and `build` both run these (through content loading); nothing here changes a file.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .figures import is_gallery_intro
from .markdown import tab_cells
from .signature import editor_name, is_source

# `bantin new` writes this line; a published article must not still say it.
PLACEHOLDER = "Viết nội dung bài ở đây, mỗi đoạn một dòng."
_PLACEHOLDERS = (PLACEHOLDER, "Viết nội dung bài ở đây. Mỗi đoạn cách nhau một dòng trống.")
SENTENCE_END = re.compile(r"[.!?…:;][\"”’)»]*\s*$")
LONG_LINE_WORDS = 12  # a wrapped line of one paragraph rarely ends a sentence this long
MAX_CLOSING_WORDS = 15
_BLOCK_START = re.compile(r"^\s*(?:[-+*>|#]|\d+[.)]\s|!\[|\[)")

Warn = Callable[[int, str, str], None]  # (body index, message, hint)


def _sentence_lines(lines: list[str], start: int) -> int:
    """How many consecutive long plain lines from `start` each end a sentence."""
    k = start
    while (k < len(lines) and lines[k].strip() and not _BLOCK_START.match(lines[k])
           and len(lines[k].split()) >= LONG_LINE_WORDS and SENTENCE_END.search(lines[k])):
        k += 1
    return k - start


def check_joined_sentences(lines: list[str], warn: Warn) -> None:
    """paragraphs: markdown — a paragraph of long lines that each end a sentence is most
    likely several paragraphs pasted without blank lines."""
    k = 0
    while k < len(lines):
        starts_paragraph = k == 0 or not lines[k - 1].strip()
        n = _sentence_lines(lines, k) if starts_paragraph else 0
        if n >= 2:
            warn(k, f"đoạn gồm {n} dòng dài, dòng nào cũng hết câu: có lẽ là {n} đoạn dán "
                    "liền nhau, sẽ bị in thành một đoạn",
                 "để một dòng trống giữa các đoạn (hoặc bỏ paragraphs: markdown trong "
                 "site.yml để mỗi dòng là một đoạn)")
            k += n
        else:
            k += 1


def check_tab_tables(lines: list[str], warn: Warn) -> None:
    k = 0
    while k < len(lines):
        n = 0
        while k + n < len(lines) and tab_cells(lines[k + n]) is not None:
            n += 1
        if n >= 2:
            head = tab_cells(lines[k]) or []
            pipe = "| " + " | ".join(head) + " |"
            warn(k, f"bảng dán từ Word ({n} dòng, các cột cách nhau bằng phím Tab) — đã in "
                    "thành bảng, nhưng ô trống hay Tab thừa sẽ làm lệch cột",
                 f"viết dạng bảng Markdown: {pipe}, dòng thứ hai |---|---|")
        k += max(n, 1)


def check_signature_in_body(lines: list[str], warn: Warn) -> None:
    """A last line like "Phòng VHXH Tân Kỳ tổng hợp" typed as body text."""
    k = len(lines) - 1
    while k >= 0 and not lines[k].strip():
        k -= 1
    if k < 1:
        return
    line = lines[k].strip().strip("*_ ")
    if len(line.split()) > MAX_CLOSING_WORDS or SENTENCE_END.search(line):
        return  # a sentence that happens to end the article
    name = editor_name(line)
    if name:
        warn(k, f'dòng ký tên "{line}" nằm trong nội dung bài',
             f'xóa dòng này và ghi vào phần khai báo: editor: {name} (hoặc author: "{name}"), '
             "hoặc đẩy dòng sang phải bằng phím Tab")
    elif is_source(line):
        warn(k, f'dòng nguồn "{line}" nằm trong nội dung bài',
             f'xóa dòng này và ghi vào phần khai báo: source: "{line}"')


def check_placeholder(lines: list[str], warn: Warn) -> None:
    for k, line in enumerate(lines):
        if line.strip() in _PLACEHOLDERS:
            warn(k, "bài còn dòng mẫu của bantin new", "thay dòng này bằng nội dung bài")


def check_empty_gallery(lines: list[str], warn: Warn) -> None:
    """"Một số hình ảnh:" with no photo after it: the pasted text lost its photos (seed 001's
    articles end this way when copied out of a PDF or Word)."""
    for k, line in enumerate(lines):
        if not (line.rstrip().endswith(":") and is_gallery_intro(line)):
            continue
        following = next((n for n in lines[k + 1:] if n.strip()), "")
        if not following.lstrip().startswith("!["):
            warn(k, f"dòng “{line.strip()}” không có ảnh nào theo sau",
                 "chép ảnh vào cạnh tệp .md rồi viết mỗi ảnh một dòng ![chú thích](tên-ảnh.jpg) "
                 "ngay dưới dòng này, hoặc xóa dòng này")


def check_legacy_text(lines: list[str], warn: Warn) -> None:
    """Text typed with a TCVN3 or VNI font reads as gibberish in Unicode."""
    from .legacy import detect_legacy  # tables load on the first article read, not before

    if detect_legacy("\n".join(lines)) is None:
        return  # one look at the whole body: the answer for almost every article
    for k, line in enumerate(lines):
        scheme = detect_legacy(line) if len(line.split()) >= 4 else None
        if scheme:
            warn(k, f"nội dung gõ bằng bảng mã {scheme}, sẽ hiện ra chữ lỗi",
                 "nhập lại bài bằng bantin import <tệp> (tự chuyển sang Unicode), hoặc chuyển "
                 "mã sang Unicode bằng Unikey")
            return  # one warning per article: every line after it is the same


def check_paste(body: str, rule: str, warn: Warn) -> None:
    """Every paste trace of a body (whose signature, if any, is already taken out)."""
    lines = body.split("\n")
    if rule == "markdown":
        check_joined_sentences(lines, warn)
    if "\t" in body:
        check_tab_tables(lines, warn)
    check_signature_in_body(lines, warn)
    check_placeholder(lines, warn)
    check_empty_gallery(lines, warn)
    check_legacy_text(lines, warn)
