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

from .cache import digest, file_digest
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


def copy_photos(issue: Issue, rendered: dict[str, Rendered], out: Path,
                cache_dir: Path | None = None) -> None:
    """Each photo next to the issue page and next to its article's page, where the same
    relative path written in the Markdown finds it; big camera photos are made smaller
    for the web (kept in `cache_dir` so the next build does not resize them again)."""
    issue_dir = (out / issue.url).parent
    for a in issue.articles:
        article_dir = (out / a.url).parent
        for p in photos(a, rendered[a.rel]):
            if p.inside and p.path.is_file() and p.path.suffix.lower() in PHOTO_TYPES:
                first = issue_dir / p.src
                if not first.exists():
                    place_web_photo(p.path, first, cache_dir)
                _place(first, article_dir / p.src)


# Photos wider or taller than this are scaled down for the web (the PDF keeps the original;
# WeasyPrint downsamples it to the print resolution itself).
WEB_MAX_PX = 1600
WEB_MIN_BYTES = 400_000  # smaller files are already web-sized: published as they are
RESIZABLE = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
RESIZE_VERSION = "1"


def place_web_photo(src: Path, target: Path, cache_dir: Path | None) -> None:
    """Publish a photo at `target`: as it is, or scaled down when it is a big photo."""
    kind = RESIZABLE.get(src.suffix.lower())
    if kind is None or src.stat().st_size < WEB_MIN_BYTES:
        _place(src, target)
        return
    made = target
    if cache_dir is not None:
        key = digest(RESIZE_VERSION, str(WEB_MAX_PX), file_digest(src))
        made = cache_dir / f"{key}{src.suffix.lower()}"
    if not made.exists() and not _resize(src, made, kind):
        _place(src, target)  # unreadable: check_photos has warned about it
        return
    if made.stat().st_size >= src.stat().st_size:  # already well compressed: keep it
        made = src
        target.unlink(missing_ok=True)
    if made != target:
        _place(made, target)


def _resize(src: Path, target: Path, kind: str) -> bool:
    """Write a scaled-down copy; False when Pillow cannot read the photo."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with Image.open(src) as original:
            img = ImageOps.exif_transpose(original)  # phones store portraits turned sideways
            img.thumbnail((WEB_MAX_PX, WEB_MAX_PX), Image.Resampling.LANCZOS)
            if kind == "JPEG" and img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            quality = {"quality": 82} if kind in ("JPEG", "WEBP") else {}
            img.save(tmp, kind, optimize=True, **quality)
    except (OSError, SyntaxError, ValueError, UnidentifiedImageError):
        tmp.unlink(missing_ok=True)
        return False
    os.replace(tmp, target)  # workers resizing the same photo never see half a file
    return True
