"""Photos of articles: found in the rendered HTML, checked, and copied next to the pages.

An editor puts a photo next to the article's .md file and writes `![Chú thích](anh.jpg)`;
the issue page and the article page both show it, and the PDF prints it.
"""

from __future__ import annotations

import html as html_lib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from .errors import Diagnostic
from .markdown import Rendered
from .model import Article, Issue, Site

IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")')
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
PHOTO_TYPES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg")


@dataclass(frozen=True)
class Photo:
    src: str  # as written in the Markdown, relative to the article's file
    path: Path  # the file it names
    line: int | None  # source line of the Markdown that shows it

    @property
    def inside(self) -> bool:
        """Under the article's folder: its relative path works unchanged next to the pages."""
        return not self.src.startswith(("/", "\\")) and ".." not in Path(self.src).parts


def _source_line(a: Article, src: str) -> int | None:
    for n, text in enumerate(a.body.split("\n")):
        if src in text or src in unquote(text):
            return a.body_line + n
    return None


def photos(a: Article, rendered: Rendered) -> list[Photo]:
    """The local photos an article shows (web addresses and data: URLs are left alone)."""
    out = []
    for m in IMG_SRC.finditer(rendered.html):
        src = html_lib.unescape(m.group(2))
        if not src or SCHEME.match(src) or src.startswith(("#", "//")):
            continue
        src = unquote(src.split("?")[0].split("#")[0])
        out.append(Photo(src, (a.path.parent / src).resolve(), _source_line(a, src)))
    return out


def check_photos(site: Site, rendered: dict[str, Rendered]) -> list[Diagnostic]:
    """Warnings for photos that are missing, outside the article's folder, or not photos."""
    found = []
    for a in site.articles:
        for p in photos(a, rendered[a.rel]):
            if not p.path.is_file():
                found.append(Diagnostic(
                    a.rel, p.line, f"không có tệp ảnh {p.src}",
                    "đặt ảnh cạnh tệp .md của bài hoặc sửa tên tệp trong ![chú thích](tên-ảnh.jpg)",
                    warning=True))
            elif not p.inside:
                found.append(Diagnostic(
                    a.rel, p.line, f"ảnh {p.src} nằm ngoài thư mục của bài, trang web sẽ không "
                    "hiện", "chép ảnh vào cạnh tệp .md rồi viết ![chú thích](tên-ảnh.jpg)",
                    warning=True))
            elif p.path.suffix.lower() not in PHOTO_TYPES:
                found.append(Diagnostic(
                    a.rel, p.line, f"{p.src} không phải tệp ảnh",
                    "dùng ảnh .jpg, .png, .gif, .webp hoặc .svg", warning=True))
            elif not readable(p.path):
                found.append(Diagnostic(
                    a.rel, p.line, f"tệp ảnh {p.src} bị hỏng, không mở được",
                    "lưu lại ảnh từ máy ảnh hoặc điện thoại rồi chép đè lên tệp này",
                    warning=True))
    return found


def readable(path: Path) -> bool:
    """Pillow can read the photo's header and structure (SVG is text: not checked)."""
    if path.suffix.lower() == ".svg":
        return True
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img.verify()
    except (OSError, SyntaxError, ValueError, UnidentifiedImageError):
        return False
    return True


def _place(src: Path, target: Path) -> None:
    """Hard-link (same disk, no copy) or copy a photo into the output."""
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, target)
    except OSError:
        shutil.copyfile(src, target)


def copy_photos(issue: Issue, rendered: dict[str, Rendered], out: Path) -> None:
    """Each photo next to the issue page and next to its article's page, where the same
    relative path written in the Markdown finds it."""
    issue_dir = (out / issue.url).parent
    for a in issue.articles:
        article_dir = (out / a.url).parent
        for p in photos(a, rendered[a.rel]):
            if p.inside and p.path.is_file() and p.path.suffix.lower() in PHOTO_TYPES:
                _place(p.path, issue_dir / p.src)
                _place(p.path, article_dir / p.src)
