"""`bantin dedup --fix`: delete the removed repeats from the Markdown sources.

Only whole lines of the repeated blocks go (and one blank line, so the spacing stays as it
was); every other byte of the file is written back unchanged: line endings, NFD text,
trailing spaces, a BOM. The diff is shown and confirmed first unless --yes.
"""

from __future__ import annotations

import codecs
import difflib
import os
import shutil
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from markdown_it.token import Token

from .dedup import Report
from .markdown import parser
from .model import Article, Site

_YES = ("c", "có", "co", "y", "yes")


@dataclass(frozen=True)
class FilePlan:
    """The new bytes of one source file, and why some blocks stay."""

    article: Article
    old: bytes
    new: bytes
    dropped: int  # blocks removed
    skipped: tuple[int, ...]  # file lines of blocks that cannot be removed safely


def _only_child(tokens: Sequence[Token], open_index: int) -> bool:
    """The container opened at `open_index` holds exactly one paragraph."""
    close_type = tokens[open_index].type.replace("_open", "_close")
    level = tokens[open_index].level
    inner = []
    for tok in tokens[open_index + 1:]:
        if tok.type == close_type and tok.level == level:
            break
        inner.append(tok.type)
    return inner == ["paragraph_open", "inline", "paragraph_close"]


def _span(tokens: Sequence[Token], i: int) -> tuple[int, int] | None:
    """Body lines [start, end) to delete for the block opened at tokens[i], if safe."""
    tok = tokens[i]
    if tok.map is None:
        return None
    if tok.type == "tr_open":
        inside_head = any(t.type == "thead_open" for t in tokens[:i]) and not any(
            t.type == "thead_close" for t in tokens[:i])
        return None if inside_head else (tok.map[0], tok.map[1])
    parent = tokens[i - 1] if i > 0 else None
    if parent is not None and parent.type in ("list_item_open", "blockquote_open"):
        if parent.map and _only_child(tokens, i - 1):
            return parent.map[0], parent.map[1]
        if parent.map and parent.map[0] == tok.map[0]:
            return None  # the first paragraph of a longer item: its marker line stays
    return tok.map[0], tok.map[1]


def _trim(lines: list[str], start: int, end: int) -> tuple[int, int]:
    """Without the blank lines markdown-it counts into a list item's map."""
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return start, end


def removal_spans(body: str, lines: frozenset[int], body_line: int, rule: str = "lines",
                  ) -> tuple[list[tuple[int, int]], list[int]]:
    """0-based body line spans to delete, and the file lines that cannot be deleted."""
    tokens = parser(rule).parse(body)
    body_lines = body.split("\n")
    spans, skipped = [], []
    for i, tok in enumerate(tokens):
        if tok.type not in ("paragraph_open", "tr_open") or not tok.map:
            continue
        if body_line + tok.map[0] not in lines:
            continue
        span = _span(tokens, i)
        if span is None:
            skipped.append(body_line + tok.map[0])
        else:
            spans.append(_trim(body_lines, *span))
    return sorted(set(spans)), skipped


def _with_blank(raw: list[bytes], start: int, end: int) -> tuple[int, int]:
    """Widen a deleted span by one blank line when it sits between blank lines."""
    def blank(k: int) -> bool:
        return 0 <= k < len(raw) and not raw[k].strip()

    if blank(end) and (start == 0 or blank(start - 1)):
        return start, end + 1
    if end >= len(raw) - (1 if raw and raw[-1] == b"" else 0) and blank(start - 1):
        return start - 1, end
    return start, end


def plan_file(a: Article, lines: frozenset[int]) -> FilePlan | None:
    """The file without the blocks starting at these file lines; None when unchanged."""
    old = a.path.read_bytes()
    if old.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return FilePlan(a, old, old, 0, tuple(sorted(lines)))
    spans, skipped = removal_spans(a.body, lines, a.body_line, a.paragraph_rule)
    raw = old.split(b"\n")
    body_lines = a.body.split("\n")
    offset = a.body_line - 1  # 0-based file line of body line 0
    drop: set[int] = set()
    for start, end in spans:
        for k in range(start, end):
            text = raw[offset + k].decode("utf-8", "replace").removesuffix("\r")
            if unicodedata.normalize("NFC", text.lstrip("\ufeff")) != body_lines[k]:
                return FilePlan(a, old, old, 0, tuple(sorted(lines)))  # file changed since
        s, e = _with_blank(raw, offset + start, offset + end)
        drop.update(range(s, e))
    if not drop:
        return FilePlan(a, old, old, 0, tuple(skipped)) if skipped else None
    new = b"\n".join(line for k, line in enumerate(raw) if k not in drop)
    return FilePlan(a, old, new, len(spans), tuple(skipped))


def plan(site: Site, report: Report) -> list[FilePlan]:
    by_rel = {a.rel: a for a in site.articles}
    plans = [plan_file(by_rel[rel], lines) for rel, lines in sorted(report.removed.items())
             if rel in by_rel]
    return [p for p in plans if p is not None]


def diff(p: FilePlan) -> str:
    old = p.old.decode("utf-8", "replace").splitlines(keepends=True)
    new = p.new.decode("utf-8", "replace").splitlines(keepends=True)
    return "".join(difflib.unified_diff(old, new, f"a/{p.article.rel}", f"b/{p.article.rel}",
                                        n=2))


def write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".bantin-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _confirmed(out: TextIO, n_files: int) -> bool:
    print(f"Ghi các thay đổi trên vào {n_files} tệp? [c/K] ", end="", file=out, flush=True)
    try:
        answer = input()
    except EOFError:
        answer = ""
    return answer.strip().casefold() in _YES


def fix_sources(site: Site, report: Report, *, yes: bool, verbose: bool, out: TextIO) -> int:
    """Show the diff, ask, write. 0 in every case: declining is the editor's choice, not a
    failure (the repeats stay reported as warnings)."""
    plans = plan(site, report)
    for p in plans:
        for line in p.skipped:
            print(f"{p.article.rel}:{line}: không tự bỏ được đoạn này (nằm đầu một mục danh "
                  "sách nhiều đoạn, hoặc tệp vừa thay đổi) — hãy sửa tay", file=out)
    changes = [p for p in plans if p.new != p.old]
    if not changes:
        print("Không có gì để sửa trong các tệp nguồn.", file=out)
        return 0
    for p in changes:
        print(diff(p), file=out, end="")
    if not yes and not _confirmed(out, len(changes)):
        print("Không sửa gì.", file=out)
        return 0
    for p in changes:
        write_atomic(p.article.path, p.new)
        if verbose:
            print(f"Đã sửa {p.article.rel}", file=out)
    dropped = sum(p.dropped for p in changes)
    print(f"Đã bỏ {dropped} đoạn lặp trong {len(changes)} tệp.", file=out)
    return 0
