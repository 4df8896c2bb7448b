"""What an importer reads out of one input article, before it is written as Markdown.

Readers (`import_text`, `import_docx`) fill these; `importer` names the photos after the
article's slug, turns the closing lines into front matter and writes the files.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Photo:
    """An embedded photo: `ref` is the name the body uses, `![caption](<ref>)`."""

    ref: str  # e.g. "anh-1.png"; the importer renames it "<slug>-1.png"
    data: bytes


@dataclass(frozen=True)
class Note:
    """Something the editor should know about the import, in Vietnamese."""

    where: str  # "bao-cao.docx, đoạn 12" / "tin.txt:34"
    message: str


@dataclass
class Draft:
    """One article as read from an input file.

    `body` is Markdown in bantin's paragraph rule: one paragraph per line (blank lines
    allowed), `## `/`### ` headings, "-" and "+" lists, pipe tables, `![caption](<ref>)`
    photos. Neither the title nor the closing lines are repeated in it.
    """

    title: str  # as found; may be ALL CAPITALS (the importer sets the case)
    body: str
    origin: str  # the input file's name, for messages
    closing: list[str] = field(default_factory=list)  # right-aligned lines at the end, in order
    photos: list[Photo] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    source: str = ""  # e.g. "Theo Báo cáo số 119/BC-UBND …" of an official document
    body_line: int = 1  # line of the input where the body starts (text inputs), for messages
