"""Pixel work on photos: reading them safely, the copies made for the web and for print.

Everything here takes a file and gives a file or an ImageInfo; which photos an article shows
and what the editor is told about them is photos.py's job.
"""

from __future__ import annotations

import functools
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cache import write_atomic

# A photo above this many pixels is refused before it is decoded (a "decompression bomb": a
# small file that unpacks to gigabytes). 100 MP is more than any phone takes today.
MAX_PIXELS = 100_000_000
# Pillow formats whose photos are published (as web copies) and printed.
RASTER_KINDS = frozenset({"JPEG", "MPO", "PNG", "GIF", "WEBP", "HEIF", "AVIF", "TIFF", "BMP"})
WEB_WIDTHS = (480, 960, 1440)  # srcset widths: phone, desktop column, desktop at 2x
JPEG_QUALITY = 82
WEBP_QUALITY = 78
PRINT_QUALITY = 90
IMAGES_VERSION = "1"  # bump when the copies made from the same photo change


class PhotoProblem(Exception):
    """A photo that cannot be used: `code` says why (photos.py words it), `detail` adds
    figures for the message."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class ImageInfo:
    kind: str  # Pillow's format name, or "SVG"
    width: int  # as shown: the camera's orientation applied
    height: int
    alpha: bool = False
    animated: bool = False

    @property
    def vector(self) -> bool:
        return self.kind == "SVG"


@functools.cache
def pillow() -> Any:
    """Pillow, with HEIC/HEIF (iPhone photos) readable and its English warnings off."""
    from PIL import Image

    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except ImportError:  # without the plugin a HEIC photo is reported as unsupported
        pass
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    return Image


def inspect(path: Path) -> ImageInfo:
    """Read a photo through (cheaply: JPEGs at reduced scale) to know it is whole; raises
    PhotoProblem for a photo that is not one, is cut off, too big or of an unusable kind."""
    if path.suffix.lower() == ".svg":
        return _svg_info(path.read_bytes())
    image = pillow()
    from PIL import ImageFile

    # WeasyPrint, once imported, tells Pillow to accept cut-off files (it prints what it
    # can); here a cut-off photo must be found, so the setting is off while reading.
    lenient = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            # Pillow's own (English) bomb warning: this function words it for the editor.
            warnings.simplefilter("ignore", image.DecompressionBombWarning)
            with image.open(path) as img:
                return _read_through(img)
    except image.DecompressionBombError:
        raise PhotoProblem("bomb") from None
    except image.UnidentifiedImageError:
        raise PhotoProblem("not-image") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        code = "truncated" if "truncated" in str(exc) or isinstance(exc, EOFError | SyntaxError) \
            else "broken"
        raise PhotoProblem(code) from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def _read_through(img: Any) -> ImageInfo:
    kind = str(img.format)
    w, h = img.size
    if w * h > MAX_PIXELS:
        raise PhotoProblem("bomb", f"{w}×{h}")
    if kind not in RASTER_KINDS:
        raise PhotoProblem("unsupported", kind)
    if kind == "JPEG":
        img.draft("RGB", (max(w // 8, 1), max(h // 8, 1)))
    img.load()
    animated = getattr(img, "n_frames", 1) > 1
    alpha = img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info
    turned = img.getexif().get(0x0112, 1) in (5, 6, 7, 8)
    return ImageInfo(kind, h if turned else w, w if turned else h, alpha, animated)


def _open_upright(path: Path, largest: int) -> Any:
    """The photo decoded, turned as the camera meant, at no less than `largest` pixels
    wide (JPEGs decode at a reduced scale when that is enough: much faster)."""
    image = pillow()
    from PIL import ImageOps

    with image.open(path) as img:
        if img.format == "JPEG":
            img.draft("RGB", (largest, largest))
        img.load()
        upright = ImageOps.exif_transpose(img)
    return upright


def _flat(img: Any, alpha: bool) -> Any:
    if alpha:
        return img if img.mode == "RGBA" else img.convert("RGBA")
    return img if img.mode in ("RGB", "L") else img.convert("RGB")


def _save(img: Any, dest: Path, fmt: str, icc: bytes | None, quality: int | None) -> None:
    """Write with no metadata (EXIF with GPS, XMP, comments), keeping the colour profile;
    beside then rename, so a reader never sees half a file."""
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    options: dict[str, Any] = {"icc_profile": icc} if icc else {}
    # Encoder settings chosen for speed: 100 phone photos are six copies each. Baseline
    # JPEG (progressive and optimised Huffman cost up to 10× on detailed photos for ~8 %),
    # WebP method 1 (method 4, the default, costs 3× for a few per cent).
    if fmt == "JPEG":
        options |= {"quality": quality or JPEG_QUALITY}
    elif fmt == "WEBP":
        options |= {"quality": WEBP_QUALITY, "method": 1}
    elif fmt == "PNG":
        options |= {"optimize": True}
    try:
        img.save(tmp, fmt, **options)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


@dataclass(frozen=True)
class Copy:
    """One file to make from a photo: where, how wide, in which format."""

    dest: Path
    width: int
    fmt: str  # JPEG, PNG, WEBP
    quality: int | None = None  # the format's web quality when None


def write_copies(path: Path, info: ImageInfo, copies: list[Copy]) -> None:
    """Make every copy of one photo from a single decode, largest first."""
    copies = sorted(copies, key=lambda c: -c.width)
    img = _open_upright(path, copies[0].width)
    icc = img.info.get("icc_profile")
    # The fallback copies of one width share its resize: sort by width, formats together.
    for c in copies:
        c.dest.parent.mkdir(parents=True, exist_ok=True)
        if c.width < img.width:  # each size from the one before: less to read each time
            height = max(1, round(img.height * c.width / img.width))
            img = img.resize((c.width, height), pillow().Resampling.LANCZOS, reducing_gap=3.0)
        _save(_flat(img, info.alpha and c.fmt != "JPEG"), c.dest, c.fmt, icc, c.quality)


# ----------------------------------------------------------------------------- SVG

_UNSAFE_TAGS = frozenset({"script", "foreignObject", "iframe", "object", "embed", "audio",
                          "video", "handler", "listener"})
_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)[^)]*\)", re.IGNORECASE)
_LENGTH = re.compile(r"^\s*([\d.]+)\s*(px)?\s*$")


def _parse_svg(data: bytes) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        raise PhotoProblem("not-image") from None
    if etree.QName(root).localname != "svg":
        raise PhotoProblem("not-image")
    return root


def _svg_info(data: bytes) -> ImageInfo:
    root = _parse_svg(data)
    w, h = (_LENGTH.match(root.get(k) or "") for k in ("width", "height"))
    if w and h:
        return ImageInfo("SVG", round(float(w.group(1))), round(float(h.group(1))), True)
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        try:
            return ImageInfo("SVG", round(float(box[2])), round(float(box[3])), True)
        except ValueError:
            pass
    return ImageInfo("SVG", 300, 150, True)  # a browser's default size for such an image


def sanitize_svg(data: bytes) -> bytes:
    """An SVG with nothing that runs or loads: no scripts, event handlers, foreign content,
    links out of the file, or external references in styles. Opened from the portal's own
    address, a photo must not be able to run script there."""
    from lxml import etree

    root = _parse_svg(data)
    for el in list(root.iter()):
        if not isinstance(el.tag, str):  # comments, processing instructions
            if el.getparent() is not None:
                el.getparent().remove(el)
            continue
        if etree.QName(el).localname in _UNSAFE_TAGS and el.getparent() is not None:
            el.getparent().remove(el)
            continue
        for name in list(el.attrib):
            local = etree.QName(name).localname.lower()
            value = el.attrib[name]
            if (local.startswith("on")
                    or (local == "href" and not value.strip().startswith("#"))
                    or (local == "style" and _URL.search(value))):
                del el.attrib[name]
        if etree.QName(el).localname == "style" and el.text:
            el.text = _URL.sub("none", el.text).replace("@import", "")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


def write_svg(path: Path, dest: Path) -> None:
    write_atomic(dest, sanitize_svg(path.read_bytes()))
