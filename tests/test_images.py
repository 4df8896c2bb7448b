"""Pixel work: reading phone photos safely, web and print copies, SVG made harmless."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from bantin.images import (
    Copy,
    ImageInfo,
    PhotoProblem,
    inspect,
    pillow,
    sanitize_svg,
    write_copies,
)

GPS_IFD = 0x8825


def phone_photo(path: Path, size: tuple[int, int] = (3000, 2000), orientation: int = 6,
                quality: int = 90) -> Path:
    """A phone photo as the camera stores it: sideways pixels with an EXIF orientation,
    the GPS position and the camera model in its metadata."""
    img = Image.radial_gradient("L").resize(size).convert("RGB")
    img.paste((200, 30, 30), (0, 0, size[0] // 4, size[1] // 4))  # a red corner to find
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x0110] = "Điện thoại"  # camera model
    exif.get_ifd(GPS_IFD)[2] = (18.0, 40.0, 12.0)  # latitude: Nghệ An
    img.save(path, "JPEG", quality=quality, exif=exif)
    return path


def test_inspect_reads_the_shown_size_and_kind(tmp_path: Path) -> None:
    info = inspect(phone_photo(tmp_path / "anh.jpg"))
    assert info == ImageInfo("JPEG", 2000, 3000, False, False)  # orientation 6: portrait
    png = tmp_path / "logo.png"
    Image.new("RGBA", (40, 30)).save(png)
    assert inspect(png) == ImageInfo("PNG", 40, 30, True, False)


@pytest.mark.parametrize(("make", "code"), [
    (lambda p: p.write_bytes(b"day khong phai anh"), "not-image"),
    (lambda p: p.write_bytes(phone_photo(p).read_bytes()[:20000]), "truncated"),
    (lambda p: Image.new("1", (12000, 10000)).save(p, "PNG"), "bomb"),
    (lambda p: Image.new("RGB", (20, 20)).save(p, "TGA"), "unsupported"),
])
def test_inspect_refuses_what_cannot_be_shown(tmp_path: Path, make, code: str) -> None:
    path = tmp_path / "anh.jpg"
    make(path)
    with pytest.raises(PhotoProblem) as caught:
        inspect(path)
    assert caught.value.code == code


def test_a_bomb_is_refused_before_decoding_within_limits(tmp_path: Path) -> None:
    """A 30,000 × 30,000 PNG (900 MP, a few hundred kB on disk) under a 512 MB limit."""
    bomb = tmp_path / "bom.png"
    Image.new("1", (30000, 30000)).save(bomb, "PNG")
    script = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (512 << 20, 512 << 20))
        from bantin.images import PhotoProblem, inspect
        try:
            inspect(__import__("pathlib").Path({str(bomb)!r}))
        except PhotoProblem as p:
            print(p.code, p.detail)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=30)
    assert done.stdout.split()[0] == "bomb", done.stderr
    assert "Warning" not in done.stderr  # no English Pillow warnings reach the editor


def test_copies_are_upright_stripped_and_sized(tmp_path: Path) -> None:
    src = phone_photo(tmp_path / "anh.jpg")
    info = inspect(src)
    copies = [Copy(tmp_path / "a-480.webp", 480, "WEBP"), Copy(tmp_path / "a-1440.jpg", 1440,
                                                                "JPEG")]
    write_copies(src, info, copies)
    for c in copies:
        with Image.open(c.dest) as img:
            assert img.width == c.width and img.height == round(c.width * 1.5)
            assert not img.getexif()  # no orientation, camera or GPS left
            assert "exif" not in img.info and "xmp" not in img.info
            # the red corner is top right once turned upright (orientation 6: 90° clockwise)
            r, g, _ = img.convert("RGB").getpixel((img.width - 5, 5))
            assert r > 150 and g < 90
    assert os.path.getsize(tmp_path / "a-1440.jpg") < os.path.getsize(src)


def test_heic_photos_are_read(tmp_path: Path) -> None:
    pillow()  # registers the HEIF plugin
    import pillow_heif

    heic = tmp_path / "IMG_0001.HEIC"
    pillow_heif.from_pillow(Image.new("RGB", (1200, 900), (20, 120, 40))).save(heic)
    info = inspect(heic)
    assert (info.kind, info.width, info.height) == ("HEIF", 1200, 900)
    write_copies(heic, info, [Copy(tmp_path / "x.jpg", 480, "JPEG")])
    with Image.open(tmp_path / "x.jpg") as img:
        assert img.format == "JPEG" and img.size == (480, 360)


def test_svg_is_made_harmless(tmp_path: Path) -> None:
    evil = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
            b'xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="80" '
            b'onload="alert(1)"><script>alert(document.cookie)</script>'
            b'<style>@import url(https://x.example/a.css); rect{fill:url(https://x/a)}</style>'
            b'<a xlink:href="javascript:alert(2)"><rect width="10" height="10" '
            b'onclick="alert(3)" style="fill:url(http://x/y)"/></a>'
            b'<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>'
            b'<use href="#r"/><circle r="4" fill="red"/></svg>')
    clean = sanitize_svg(evil).decode()
    for bad in ("script", "onload", "onclick", "javascript", "foreignObject", "@import",
                "x.example", "http://x/"):
        assert bad not in clean, bad
    assert 'href="#r"' in clean and "<circle" in clean  # the drawing itself stays
    (tmp_path / "a.svg").write_bytes(evil)
    assert inspect(tmp_path / "a.svg") == ImageInfo("SVG", 120, 80, True)


def test_a_cut_off_photo_is_found_after_weasyprint_is_loaded(tmp_path: Path) -> None:
    """WeasyPrint makes Pillow accept cut-off files; inspecting must not."""
    import weasyprint.images  # noqa: F401  - sets ImageFile.LOAD_TRUNCATED_IMAGES

    path = tmp_path / "cat.jpg"
    path.write_bytes(phone_photo(path).read_bytes()[:30000])
    with pytest.raises(PhotoProblem) as caught:
        inspect(path)
    assert caught.value.code == "truncated"
