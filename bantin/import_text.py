"""Plain text as editors receive it (pasted from Word or Zalo, or a Markdown document) into
Drafts: decoded to Unicode, split into articles, title and signature lines set apart."""

from __future__ import annotations

import re
from pathlib import Path

from .draft import Draft, Note
from .legacy import decode_text
from .markdown import tab_cells
from .official import is_all_caps, read_official
from .signature import MAX_SIGNATURE_WORDS, clean_line, pushed_right

_IMAGE_MARK = re.compile(r"\[image:[^\]]*\]")  # a picture lost when a Google Doc became text
MIN_PARAGRAPH_WORDS = 15
_LIST_OR_MARKUP = re.compile(r"^\s*(?:[-+*]\s|\d+[.)]\s|\||>|#)")


def _pushed_right(line: str) -> bool:
    """A signature line of a paste; wider than in an article, where a list may be indented."""
    return pushed_right(line, min_spaces=8) and len(line.split()) <= MAX_SIGNATURE_WORDS


def _caps_title(line: str) -> bool:
    return is_all_caps(line, min_letters=12)


def split_articles(lines: list[str]) -> list[tuple[int, list[str], list[str]]]:
    """(first line index, article lines, signature lines) for each article of a paste.

    An article ends at its pushed-right signature lines (seed 000), or where a capitalised
    title line follows a blank line; the next non-blank line is the next article's title."""
    out: list[tuple[int, list[str], list[str]]] = []
    start, k = 0, 0
    while k < len(lines):
        if _pushed_right(lines[k]) and any(s.strip() for s in lines[start:k]):
            end = k
            while k < len(lines) and (_pushed_right(lines[k]) or not lines[k].strip()):
                k += 1
            out.append((start, lines[start:end], [clean_line(s) for s in lines[end:k]
                                                  if s.strip()]))
            start = k
            continue
        if (k > start and _caps_title(lines[k]) and not lines[k - 1].strip()
                and _has_text(lines[start:k], 2)):
            out.append((start, lines[start:k], []))
            start = k
        k += 1
    if any(s.strip() for s in lines[start:]):
        out.append((start, lines[start:], []))
    return out


def _has_text(lines: list[str], n: int) -> bool:
    return sum(1 for s in lines if s.strip()) >= n


def _has_paragraph(lines: list[str]) -> bool:
    """An article has at least one real paragraph; a masthead or a list of names has not."""
    for line in lines:
        words = sum(1 for w in line.split() if any(c.isalpha() for c in w))
        sentence = line.rstrip().endswith((".", ";", ":", "!", "?", "…")) or words >= 25
        if words >= MIN_PARAGRAPH_WORDS and sentence and not _caps_title(line):
            return True
    return False


def _skipped(origin: str, start: int, part: list[str]) -> Note:
    shown = [" ".join(s.split()) for s in part if s.strip()]
    first = shown[0] if len(shown[0]) <= 60 else shown[0][:60] + "…"
    return Note(f"{origin}:{start + 1}-{start + len(part)}",
                f'phần bắt đầu bằng "{first}" ({len(shown)} dòng) không có đoạn văn nào, '
                "không giống một bài (măng-sét, danh sách tên…) nên không nhập — nếu cần, "
                "chép tay vào bài")


def pipe_tables(lines: list[str]) -> list[str]:
    """Runs of tab-separated lines (a table pasted from Word) written as pipe tables."""
    out: list[str] = []
    k = 0
    while k < len(lines):
        rows = []
        while k + len(rows) < len(lines) and (cells := tab_cells(lines[k + len(rows)])):
            rows.append(cells)
        if len(rows) < 2:
            out.append(lines[k])
            k += 1
            continue
        width = max(len(r) for r in rows)
        for i, cells in enumerate(rows):
            cells = [c.replace("|", "\\|") for c in cells] + [""] * (width - len(cells))
            out.append("| " + " | ".join(cells) + " |")
            if i == 0:
                out.append("|" + "---|" * width)
        k += len(rows)
    return out


def tidy_body(lines: list[str], origin: str, first: int, notes: list[Note]) -> str:
    """One paragraph per line: indentation dropped (kept before list markers), lost-picture
    marks removed with a note, tables as pipe tables, blank runs collapsed."""
    out: list[str] = []
    for k, raw in enumerate(lines):
        line = raw.rstrip()
        if _IMAGE_MARK.search(line):
            notes.append(Note(f"{origin}:{first + k + 1}",
                              "chỗ này có ảnh nhưng tệp văn bản không mang theo ảnh — thêm "
                              "tệp ảnh cạnh bài rồi viết ![chú thích](ten-anh.jpg)"))
            line = _IMAGE_MARK.sub("", line).rstrip()
        out.append(line if _LIST_OR_MARKUP.match(line) else line.lstrip())
    out = pipe_tables(out)
    text = "\n".join(out).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", text) + "\n"


def drafts_from_text(text: str, origin: str, notes: list[Note]) -> list[Draft]:
    """The articles of a decoded text (or one official document)."""
    doc = read_official(text)
    if doc is not None:
        for line, what in doc.removed:
            notes.append(Note(f"{origin}:{line}", f"đã bỏ {what} của văn bản hành chính"))
        return [Draft(title=doc.title, body=doc.body.strip("\n") + "\n", origin=origin,
                      source=doc.source, notes=list(notes))]
    lines = text.split("\n")
    drafts = []
    for start, part, signature in split_articles(lines):
        k = next(i for i, s in enumerate(part) if s.strip())
        if not signature and not _has_paragraph(part[k + 1:]):
            notes.append(_skipped(origin, start, part))
            continue
        title = " ".join(part[k].split())
        own: list[Note] = list(notes) if not drafts else []
        body = tidy_body(part[k + 1:], origin, start + k + 1, own)
        drafts.append(Draft(title=title, body=body, origin=origin, closing=signature,
                            notes=own, body_line=start + k + 2))
    return drafts


def read_text_file(path: Path) -> list[Draft]:
    """A .txt/.md file in UTF-8 (BOM or not), UTF-16, Windows-1258, TCVN3 or VNI bytes."""
    decoded = decode_text(path.read_bytes())
    notes: list[Note] = []
    if decoded.legacy:
        notes.append(Note(path.name, f"văn bản gõ bằng bảng mã {decoded.legacy}, đã chuyển "
                                     "sang Unicode — đọc lại dấu của tên người, địa danh"))
    elif decoded.encoding not in ("UTF-8", "UTF-8 có BOM"):
        notes.append(Note(path.name, f"đã đọc tệp theo bảng mã {decoded.encoding} và lưu "
                                     "lại bằng UTF-8"))
    return drafts_from_text(decoded.text, path.name, notes)
