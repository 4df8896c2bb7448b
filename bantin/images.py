"""Photos of articles: found in the rendered HTML, checked, and copied next to the pages.

An editor puts a photo next to the article's .md file and writes `![Chú thích](anh.jpg)`;
the issue page and the article page both show it, and the PDF prints it.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from .cache import digest, file_digest
from .errors import Diagnostic
from .markdown import Rendered
from .model import Article, Site

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


def photos(a: Article, rendered: Rendered) -> list[Photo]:
    """The local photos an article shows (web addresses and data: URLs are left alone), from
    the image tokens the renderer kept: one rule for the site, the PDF and the checks."""
    out = []
    for ref in rendered.photos:
        src = ref.src.split("?")[0].split("#")[0]
        if not src or SCHEME.match(src) or ref.src.startswith(("#", "//")):
            continue
        out.append(Photo(src, photo_path(a, src), ref.line))
    return out


def photo_path(a: Article, src: str) -> Path:
    """The file a photo's src names: relative to the article's Markdown file."""
    return (a.path.parent / src).resolve()


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
