"""`bantin import`: Word and text files into articles under content/<year>/<số>/.

Readers turn each input into Drafts; this module settles titles and front matter, names
photos after the article's slug, and writes the files — never over an existing one, never
touching the input.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .draft import Draft, Note
from .errors import ImportFailed, UsageError
from .import_text import read_text_file
from .official import is_all_caps, sentence_case
from .scaffold import ArticleMeta, article_meta
from .signature import classify_closing
from .text import slugify

TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")
_UNTITLED_WORDS = 12


@dataclass(frozen=True)
class ImportOptions:
    root: Path
    issue: int
    year: int | None = None
    week: str | None = None
    commune: str | None = None
    section: str | None = None
    editor: str | None = None
    author: str | None = None
    default_week: str = ""


@dataclass
class Planned:
    """One article ready to write: its Markdown file and photos, and what to tell."""

    path: Path
    text: str
    photos: dict[Path, bytes]
    notes: list[Note] = field(default_factory=list)


def read_input(path: Path) -> list[Draft]:
    """The drafts of one input file, by its kind."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UsageError(f"không có tệp {path} — kiểm tra lại đường dẫn")
    if suffix == ".docx":
        from .import_docx import read_docx  # the Word reader's imports are heavy

        return read_docx(path)
    if suffix == ".doc":
        raise ImportFailed(f"{path}: tệp Word 97-2003 (.doc) chưa đọc được — mở tệp bằng Word "
                           "rồi Lưu thành (Save As) .docx, sau đó nhập lại")
    if suffix in TEXT_SUFFIXES:
        return read_text_file(path)
    raise ImportFailed(f"{path}: bantin chỉ nhập được tệp .docx, .txt hoặc .md — lưu tệp "
                       "dưới một trong các dạng đó rồi nhập lại")


def settle_title(draft: Draft) -> tuple[str, list[Note]]:
    """The title in the case an editor prints it; a stand-in (and a note) when missing."""
    title = " ".join(draft.title.split()).strip(" .")
    if title and is_all_caps(title):
        title = sentence_case(title, draft.body)
    if title:
        return title, []
    words = re.sub(r"[*_#>|]", "", draft.body).split()
    stand_in = " ".join(words[:_UNTITLED_WORDS]).rstrip(",;:.") + "…"
    return stand_in, [Note(draft.origin, "không tìm thấy tiêu đề; tạm lấy những chữ đầu bài "
                                         "— sửa dòng title trong tệp đã tạo")]


def _photo_names(draft: Draft, slug: str) -> dict[str, str]:
    """ "anh-1.png" -> "<slug>-1.png": photos of two articles never share a name."""
    names = {}
    for n, photo in enumerate(draft.photos, 1):
        ext = Path(photo.ref).suffix.lower() or ".jpg"
        names[photo.ref] = f"{slug}-{n}{ext}"
    return names


def _rename_photos(body: str, names: dict[str, str]) -> str:
    for old, new in names.items():
        body = body.replace(f"](<{old}>)", f"]({new})").replace(f"]({old})", f"]({new})")
    return body


def plan_article(draft: Draft, options: ImportOptions, taken: set[Path],
                 settled: dict[str | None, ArticleMeta]) -> Planned:
    """The file of one draft; `settled`: front matter settled so far in this import, by
    editor (settling it reads the whole site, so it is done once per editor)."""
    closing = classify_closing(draft.closing)
    editor = options.editor or closing.editor or None
    if editor not in settled:
        settled[editor] = article_meta(
            options.root, issue=options.issue, year=options.year, commune=options.commune,
            section=options.section, editor=editor, week=options.week,
            default_week=options.default_week)
    # the articles keep the order of the files and of the articles in them
    meta = replace(settled[editor], order=settled[editor].order + len(taken))
    title, notes = settle_title(draft)
    author = (options.author,) if options.author else closing.author
    source = draft.source or closing.source
    if closing.editor and options.editor and closing.editor != options.editor:
        author = (*author, f"{closing.editor} tổng hợp")  # the commune's own line stays
    folder = options.root / "content" / str(meta.year) / str(meta.issue)
    slug = slugify(meta.shown_title(title)) or "bai-nhap"
    path, n = folder / f"{slug}.md", 2
    while path in taken:  # two articles of one import with the same title
        path, n = folder / f"{slug}-{n}.md", n + 1
    slug = path.stem
    names = _photo_names(draft, slug)
    body = _rename_photos(draft.body, names)
    extra = (f"slug: {slug}",) if slug != slugify(meta.shown_title(title)) else ()
    text = "\n".join([*meta.front_matter(title, author, source, extra), "", body.rstrip("\n"),
                      ""])
    photos = {folder / names[p.ref]: p.data for p in draft.photos}
    return Planned(path, text, photos, [*draft.notes, *notes])


def plan_import(files: list[Path], options: ImportOptions) -> list[Planned]:
    planned: list[Planned] = []
    taken: set[Path] = set()
    settled: dict[str | None, ArticleMeta] = {}
    for f in files:
        drafts = read_input(f)
        if not drafts:
            raise ImportFailed(f"{f}: không tìm thấy nội dung bài nào trong tệp")
        for d in drafts:
            p = plan_article(d, options, taken, settled)
            taken.add(p.path)
            planned.append(p)
    return planned


def existing_targets(planned: list[Planned]) -> list[Path]:
    return [t for p in planned for t in (p.path, *p.photos) if t.exists()]


def _write_new(path: Path, data: bytes) -> None:
    """Create `path`; fail rather than replace a file that appeared meanwhile."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def write_planned(planned: list[Planned], say: Callable[[Path], None]) -> list[Path]:
    """Write every planned file; refuses (writing nothing) when any of them exists."""
    clash = existing_targets(planned)
    if clash:
        listed = ", ".join(str(c) for c in clash[:5])
        raise ImportFailed(f"đã có tệp {listed} — bantin không ghi đè; đổi --issue, xóa hoặc "
                           "đổi tên tệp cũ rồi nhập lại")
    written: list[Path] = []
    for p in planned:
        for photo, data in p.photos.items():
            _write_new(photo, data)
            written.append(photo)
        _write_new(p.path, p.text.encode("utf-8"))
        written.append(p.path)
        say(p.path)
    return written
