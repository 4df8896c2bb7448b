"""The photos of every article, resolved once: which file each image names, what it is, what
the editor is told about it, and the copies the site and the PDF show in its place.

An editor puts a photo next to the article's .md file and writes `![Chú thích](anh.jpg)`.
The image tokens of the Markdown (markdown.PhotoRef) are the only list of photos: the site,
the feed, the PDF and the checks all read it through `SitePhotos`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cache import JsonStore, digest, file_digest
from .errors import Diagnostic
from .images import (
    IMAGES_VERSION,
    MAX_PIXELS,
    PRINT_QUALITY,
    WEB_WIDTHS,
    Copy,
    ImageInfo,
    PhotoProblem,
    inspect,
    write_copies,
    write_svg,
)
from .markdown import PhotoRef, Rendered
from .model import Article, Site
from .text import format_count, slugify

SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
WEB_FOLDER = "anh"  # the site's photo copies: /anh/<name>-<digest>-<width>.<ext>
WEB_COPIES = "anh-web"  # in .bantin-cache: the web copies, kept for the next cold build
# Printed size limits by placement (mm): width of the text column or of a gallery cell,
# and the height a portrait photo may take. assets/print.css lays photos out the same way.
PRINT_BOX = {"figure": (150.0, 105.0), "gallery": (83.0, 62.0), "inline": (40.0, 30.0)}
LOW_DPI = 150  # below this a printed photo looks soft: the editor is told
PLACE_SIZES = {  # the `sizes` of srcset: how wide the photo shows, by placement
    "figure": "(min-width: 48rem) 44rem, calc(100vw - 2rem)",
    "gallery": "(min-width: 48rem) 21.5rem, calc(100vw - 2rem)",
    "inline": "(min-width: 48rem) 44rem, calc(100vw - 2rem)",
}
PHOTO_HINT = "đặt ảnh cạnh tệp .md của bài rồi viết ![chú thích](<tên ảnh.jpg>)"


@dataclass(frozen=True)
class Photo:
    """One image as an article places it, resolved."""

    ref: PhotoRef
    path: Path | None = None  # the local file; None for a web address or a bad reference
    digest: str = ""  # of the file's bytes
    info: ImageInfo | None = None  # None when it cannot be shown
    problem: Diagnostic | None = None  # why it is not shown, or a print-quality warning

    @property
    def shown(self) -> bool:
        return self.info is not None

    @property
    def remote(self) -> bool:
        return self.path is None and self.problem is None

    def stem(self) -> str:
        return slugify(Path(self.ref.src).stem, 40) or "anh"

    # -- web
    def web_files(self) -> list[tuple[str, int, str]]:
        """(site path, width, format) of every web copy."""
        info = self.info
        assert info is not None
        base = f"{WEB_FOLDER}/{self.stem()}-{self.digest[:10]}"
        if info.vector:
            return [(f"{base}.svg", info.width, "SVG")]
        if info.animated:
            return [(f"{base}.gif", info.width, "GIF")]
        widths = sorted({w for w in WEB_WIDTHS if w < info.width}
                        | {min(info.width, WEB_WIDTHS[-1])})
        fallback, ext = ("PNG", "png") if info.alpha else ("JPEG", "jpg")
        return ([(f"{base}-{w}.webp", w, "WEBP") for w in widths]
                + [(f"{base}-{w}.{ext}", w, fallback) for w in widths])

    def web(self, root: str, lazy: bool) -> dict[str, Any]:
        """What layouts/_photo.html's `web_photo` macro shows."""
        info = self.info
        assert info is not None
        files = self.web_files()
        modern = [f for f in files if f[2] == "WEBP"]
        plain = [f for f in files if f[2] != "WEBP"]

        def srcset(group: list[tuple[str, int, str]]) -> str:
            return ", ".join(f"{root}{p} {w}w" for p, w, _ in group) if len(group) > 1 else ""

        return {"caption": self.ref.caption, "place": self.ref.place, "lazy": lazy,
                "src": root + plain[-1][0], "width": info.width, "height": info.height,
                "srcset": srcset(plain), "sizes": PLACE_SIZES[self.ref.place],
                "modern": srcset(modern) or (root + modern[0][0] if modern else "")}

    # -- print
    def print_mm(self) -> float:
        """How wide the photo prints (mm): its placement's box, kept to its proportions."""
        info = self.info
        assert info is not None
        width, height = PRINT_BOX[self.ref.place]
        return round(min(width, height * info.width / max(info.height, 1)), 1)

    def print_width(self, dpi: int) -> int:
        """Pixels of the print copy: the printed width at `dpi`, never more than the photo."""
        assert self.info is not None
        return min(self.info.width, math.ceil(self.print_mm() / 25.4 * dpi))


def _find(folder: Path, name: str) -> Path | None:
    """A photo whose name differs only in Unicode form (macOS writes "ả" as a + ̉) or in
    letter case (`anh.JPG` for anh.jpg, as Windows lets editors write)."""
    want = unicodedata.normalize("NFC", name).casefold()
    try:
        found = [p for p in folder.iterdir()
                 if unicodedata.normalize("NFC", p.name).casefold() == want]
    except OSError:
        return None
    return found[0] if len(found) == 1 else None


def locate(a: Article, src: str) -> Path | str:
    """The file an image's src names, relative to the article's Markdown file; or why it
    cannot be used: "outside" (not under the article's folder, symlinks followed),
    "missing", "not-image" (a folder)."""
    src = src.split("#")[0].split("?")[0]
    folder = a.path.parent
    if not src or src.startswith(("/", "\\")) or ".." in Path(src).parts:
        return "outside"
    path = folder / src
    if not path.exists() and not path.is_symlink():
        path = _find(path.parent, path.name) or path
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a symlink loop
        return "missing"
    if not real.is_relative_to(folder.resolve()):
        return "outside"
    return real if real.is_file() else "not-image"


def _message(ref: PhotoRef, code: str, detail: str) -> tuple[str, str]:
    src = ref.src
    if code == "missing":
        return (f"không có tệp ảnh {src}",
                "đặt ảnh cạnh tệp .md của bài hoặc sửa tên tệp trong ![chú thích](tên-ảnh.jpg)")
    if code == "outside":
        return (f"ảnh {src} nằm ngoài thư mục của bài, trang web sẽ không hiện",
                "chép ảnh vào cạnh tệp .md rồi viết ![chú thích](tên-ảnh.jpg)")
    if code == "not-image":
        return (f"{src} không phải tệp ảnh",
                "dùng ảnh .jpg, .png, .heic, .webp, .gif hoặc .svg")
    if code == "bomb":
        size = f" ({detail} điểm ảnh)" if detail else ""
        return (f"ảnh {src} quá lớn{size}, vượt {format_count(MAX_PIXELS // 1_000_000)} triệu "
                "điểm ảnh nên không được đọc", "thu nhỏ ảnh (dưới 8.000 điểm ảnh mỗi chiều) "
                "rồi chép đè lên tệp này")
    if code == "unsupported":
        return (f"ảnh {src} có định dạng {detail} không hiện được trên trang web",
                "lưu lại ảnh dạng .jpg hoặc .png")
    cut = " (tệp bị cắt cụt)" if code == "truncated" else ""
    return (f"tệp ảnh {src} bị hỏng, không mở được{cut}",
            "lưu lại ảnh từ máy ảnh hoặc điện thoại rồi chép đè lên tệp này")


def low_dpi(rel: str, photo: Photo, dpi: int) -> Diagnostic | None:
    """A print-quality warning for a photo too small for the width it prints at."""
    info = photo.info
    if info is None or info.vector:
        return None
    mm = photo.print_mm()
    effective = round(info.width / (mm / 25.4))
    if effective >= min(LOW_DPI, dpi):
        return None
    return Diagnostic(
        rel, photo.ref.line,
        f"ảnh {photo.ref.src} chỉ có {format_count(info.width)}×{format_count(info.height)} "
        f"điểm ảnh: in rộng {mm:g} mm chỉ đạt {effective} dpi, bản in sẽ mờ",
        "dùng ảnh gốc từ máy ảnh hoặc điện thoại (ảnh gửi qua Zalo, Facebook đã bị thu nhỏ)",
        warning=True)


NO_PHOTOS = digest(IMAGES_VERSION)  # SitePhotos.key of an article without photos


class SitePhotos:
    """Every article's photos, resolved; a photo file is read only when its size or time
    changed (FileDigests), and inspected only once per content (the "photos" store)."""

    def __init__(self, site: Site, rendered: dict[str, Rendered],
                 digests: Callable[[Path], str] | None = None, store: JsonStore | None = None,
                 dpi: int = 300) -> None:
        self.site = site
        self.dpi = dpi
        self.digests = digests or file_digest
        self.store = store
        self.by_article: dict[str, list[Photo]] = {
            a.rel: [self._resolve(a, ref) for ref in rendered[a.rel].photos]
            for a in site.articles}

    def _resolve(self, a: Article, ref: PhotoRef) -> Photo:
        if not ref.src or SCHEME.match(ref.src) or ref.src.startswith(("#", "//")):
            return Photo(ref)  # a web address: shown as written
        found = locate(a, ref.src)
        if isinstance(found, str):
            return self._bad(a, ref, found, "")
        key = self.digests(found)
        try:
            info = self._inspect(found, key)
        except PhotoProblem as p:
            return self._bad(a, ref, p.code, p.detail)
        photo = Photo(ref, found, key, info)
        return Photo(ref, found, key, info, low_dpi(a.rel, photo, self.dpi))

    def _bad(self, a: Article, ref: PhotoRef, code: str, detail: str) -> Photo:
        message, hint = _message(ref, code, detail)
        return Photo(ref, problem=Diagnostic(a.rel, ref.line, message, hint, warning=True))

    def _inspect(self, path: Path, key: str) -> ImageInfo:
        store_key = f"{IMAGES_VERSION}:{key}"
        kept = self.store.get(store_key) if self.store is not None else None
        if kept is not None:
            if kept[0] == "!":
                raise PhotoProblem(kept[1], kept[2])
            return ImageInfo(*kept)
        try:
            info = inspect(path)
        except PhotoProblem as p:
            if self.store is not None:
                self.store.put(store_key, ["!", p.code, p.detail])
            raise
        if self.store is not None:
            self.store.put(store_key, [info.kind, info.width, info.height, info.alpha,
                                       info.animated])
        return info

    def save(self) -> None:
        if self.store is not None:
            self.store.save()

    # -- what outputs need
    def of(self, rel: str) -> list[Photo]:
        return self.by_article.get(rel, [])

    def problems(self) -> list[Diagnostic]:
        return [p.problem for a in self.site.articles for p in self.of(a.rel)
                if p.problem is not None]

    def shown(self) -> Iterable[Photo]:
        for a in self.site.articles:
            yield from (p for p in self.of(a.rel) if p.shown)

    def key(self, rel: str) -> str:
        """Digest of what an article's pages show of its photos."""
        photos = self.of(rel)
        if not photos:
            return NO_PHOTOS
        return digest(IMAGES_VERSION, *(f"{p.digest}\0{p.info!r}\0{p.problem is None}"
                                        for p in photos))

    def files(self) -> list[Path]:
        return [p.path for a in self.site.articles for p in self.of(a.rel) if p.path]


# Each image as markdown/figures.py writes it: a figure (photo, caption) or a bare <img>.
_PLACED = re.compile(
    r'<figure class="anh"><img src="[^"]*" alt="[^"]*">(?:<figcaption>[^<]*</figcaption>)?'
    r'</figure>\n?|<img src="[^"]*" alt="[^"]*">')


def fill(html: str, photos: list[Photo], show: Callable[[Photo], str | None]) -> str:
    """An article's HTML with each image replaced by what `show` makes of its photo (the
    web or print copy); a photo that cannot be shown is left out, caption and all; a web
    address is kept as written."""
    if not photos:
        return html
    found = list(_PLACED.finditer(html))
    if len(found) != len(photos):  # cannot happen: both come from the same tokens
        return html
    parts: list[str] = []
    last = 0
    for m, photo in zip(found, photos, strict=True):
        parts.append(html[last:m.start()])
        if photo.remote:
            parts.append(m.group(0))
        elif photo.shown:
            parts.append(show(photo) or "")
        last = m.end()
    parts.append(html[last:])
    return "".join(parts)


def write_web_copies(photo: Photo, dests: dict[str, Path]) -> None:
    """Every web copy of a photo: each site path of `web_files` written at dests[path]."""
    assert photo.path is not None and photo.info is not None
    files = photo.web_files()
    if photo.info.vector:
        write_svg(photo.path, dests[files[0][0]])
    elif photo.info.animated:  # a GIF that moves: as it is
        dests[files[0][0]].write_bytes(photo.path.read_bytes())
    else:
        write_copies(photo.path, photo.info, [Copy(dests[p], w, fmt) for p, w, fmt in files])


def print_copy(photo: Photo, folder: Path, dpi: int) -> Path:
    """The copy a PDF prints: its printed width at `dpi` (never upscaled), made once."""
    assert photo.path is not None and photo.info is not None
    info = photo.info
    if info.vector:
        dest = folder / f"{photo.digest[:20]}.svg"
        if not dest.exists():
            write_svg(photo.path, dest)
        return dest
    width = photo.print_width(dpi)
    ext, fmt = ("png", "PNG") if info.alpha or info.kind == "GIF" else ("jpg", "JPEG")
    dest = folder / f"{photo.digest[:20]}-{width}.{ext}"
    if not dest.exists():
        write_copies(photo.path, info, [Copy(dest, width, fmt, PRINT_QUALITY)])
    return dest
