"""site.yml and its defaults -> a frozen SiteConfig."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import Diagnostics
from .sourcefile import YamlDoc, clip, load_yaml_file
from .text import closest, slugify

DEFAULT_SECTIONS = ("TIN CCHC TỈNH", "TIN CCHC ĐỊA PHƯƠNG")
SITE_KEYS = (
    "title", "publisher", "province", "base_url", "sections", "local_section", "weekly",
    "direction", "editorial", "banner", "colors", "logo", "pdf_name", "toc", "feed_size",
    "paragraphs",
)
PARAGRAPH_RULES = ("lines", "markdown")  # how body lines become paragraphs (markdown.py)
_COLOR = re.compile(r"^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$")


@dataclass(frozen=True)
class Section:
    name: str
    slug: str
    local: bool


@dataclass(frozen=True)
class SiteConfig:
    title: str = "CẢI CÁCH HÀNH CHÍNH"
    publisher: str = ""
    province: str = ""
    base_url: str = ""
    sections: tuple[Section, ...] = ()
    weekly: bool = True
    direction: tuple[str, ...] = ()
    editorial: str = ""
    banner: str = ""
    primary_color: str = "#b3001b"
    accent_color: str = "#0b4f8a"
    logo: str = ""
    pdf_name: str = "ban-tin-cchc-so-{issue}-{year}.pdf"
    toc: bool = False
    feed_size: int = 30
    paragraphs: str = "lines"  # "lines": each non-blank body line is a paragraph

    @property
    def site_name(self) -> str:
        """ "Bản tin Cải cách hành chính" from the masthead title."""
        return f"Bản tin {self.title.capitalize()}"

    @property
    def local_section(self) -> Section | None:
        return next((s for s in self.sections if s.local), None)

    def section(self, name: str) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)


def _str_list(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return tuple(v.strip() for v in value.splitlines() if v.strip())
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return tuple(str(v).strip() for v in value)
    return None


def _sections(doc: YamlDoc, path: Path, diags: Diagnostics) -> tuple[Section, ...]:
    names = _str_list(doc.raw("sections") if "sections" in doc.data
                      else list(DEFAULT_SECTIONS))
    if not names:
        diags.error(path, doc.line("sections"), "sections phải là danh sách tên chuyên mục",
                    "viết:\nsections:\n  - TIN CCHC TỈNH\n  - TIN CCHC ĐỊA PHƯƠNG")
        names = DEFAULT_SECTIONS
    if "local_section" in doc.data:
        local = doc.raw("local_section")  # as written: "local_section: 2026" is text
        if local is not None and local not in names:
            near = closest(str(local), names)
            diags.error(path, doc.line("local_section"),
                        f'local_section "{clip(local)}" không có trong sections',
                        f'viết "{near}"' if near else "chọn một tên trong sections")
    else:
        local = names[1] if len(names) > 1 else None
    slugs = [slugify(n) or f"chuyen-muc-{i + 1}" for i, n in enumerate(names)]
    names, slugs = _unique_sections(names, slugs, doc, path, diags)
    return tuple(Section(n, s, n == local) for n, s in zip(names, slugs, strict=True))


def _unique_sections(names: tuple[str, ...], slugs: list[str], doc: YamlDoc, path: Path,
                     diags: Diagnostics) -> tuple[tuple[str, ...], list[str]]:
    """A section named twice (or two whose pages would share an address) would print every
    article of it twice: an error at the second entry, which is then left out."""
    seen: dict[str, str] = {}
    kept: list[int] = []
    for i, (name, slug) in enumerate(zip(names, slugs, strict=True)):
        first = seen.get(name.casefold()) or seen.get(slug)
        if first is None:
            seen[name.casefold()] = seen[slug] = name
            kept.append(i)
            continue
        same = first.casefold() == name.casefold()
        diags.error(path, _item_line(path, "sections", i) or doc.line("sections"),
                    f'chuyên mục "{clip(name, 80)}" '
                    + ("có hai lần trong sections" if same
                       else f'trùng địa chỉ trang "{slug}" với chuyên mục "{clip(first, 80)}"'),
                    "xóa dòng này" if same else "đổi tên một trong hai chuyên mục")
    return tuple(names[i] for i in kept), [slugs[i] for i in kept]


def _item_line(path: Path, key: str, index: int) -> int | None:
    """The file line of item `index` of the list under `key` (YamlDoc keeps only the lines
    of keys); None if it cannot be told. Read again only when an error needs it."""
    try:
        with path.open(encoding="utf-8-sig") as f:
            text = f.read(1 << 20)  # read and checked once already: this is a re-read
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        value = next(v for k, v in node.value if k.value == key)
        return int(value.value[index].start_mark.line) + 1
    except (OSError, ValueError, yaml.YAMLError, AttributeError, IndexError, TypeError,
            StopIteration):
        return None


def _default_config() -> SiteConfig:
    return SiteConfig(sections=tuple(
        Section(n, slugify(n), i == 1) for i, n in enumerate(DEFAULT_SECTIONS)))


def _check_pdf_name(values: dict[str, Any], doc: YamlDoc, path: Path,
                    diags: Diagnostics) -> None:
    """pdf_name takes only {issue}, {number}, {label} and {year}, and must give a plain
    file name; a bad one is told at its line (and the default used meanwhile)."""
    from .output import file_name_problem, pdf_name_problem

    name = values.get("pdf_name")
    if name is None:
        return
    example = 'viết ví dụ pdf_name: "ban-tin-cchc-so-{issue}-{year}.pdf"'
    why = pdf_name_problem(name)
    if why is None:
        sample = name.replace("{{", "\0").replace("}}", "\1")
        for field_name in ("issue", "number", "label", "year"):
            sample = sample.replace("{" + field_name + "}", "18")
        why = file_name_problem(sample.replace("\0", "{").replace("\1", "}"))
    if why is not None:
        diags.error(path, doc.line("pdf_name"), f'pdf_name "{clip(name, 80)}": {why}',
                    "chỉ dùng {issue}, {number}, {label}, {year}; " + example)
        del values["pdf_name"]


def _check_logo(values: dict[str, Any], doc: YamlDoc, root: Path, diags: Diagnostics) -> None:
    """A logo names a file of assets/; a missing one would be a broken image on every page."""
    logo = values.get("logo")
    if not logo:
        return
    from .theme import default_dir

    if ".." in Path(logo).parts or not any((folder / logo).is_file() for folder in (
            root / "assets", default_dir("assets"))):
        diags.warn(root / "site.yml", doc.line("logo"),
                   f'không có tệp logo "{clip(logo, 80)}" trong thư mục assets/, trang web sẽ '
                   "không hiện logo", "chép tệp ảnh logo vào assets/ rồi viết logo: tên-tệp.png")
        del values["logo"]


def load_config(root: Path, diags: Diagnostics) -> SiteConfig:
    """Read <root>/site.yml if present; a site with only content/ uses the defaults."""
    path = root / "site.yml"
    if not path.exists():
        return _default_config()
    doc = load_yaml_file(path, diags)
    if doc is None:
        return _default_config()
    data = doc.data
    for key in data:
        if key not in SITE_KEYS:
            near = closest(key, SITE_KEYS)
            diags.warn(path, doc.line(key), f'khóa "{clip(key, 60)}" không được dùng trong '
                       "site.yml",
                       f'có phải ý bạn là "{near}"?' if near else "xóa dòng này")
    values: dict[str, Any] = {"sections": _sections(doc, path, diags)}
    for key in ("title", "publisher", "province", "base_url", "editorial", "banner", "logo",
                "pdf_name"):
        if key in data and data[key] is not None:
            if not isinstance(doc.raw(key), str):  # a scalar, kept as written
                diags.error(path, doc.line(key), f"{key} phải là một dòng chữ",
                            f'viết {key}: "…"')
            else:
                values[key] = doc.raw(key).strip()
    _check_pdf_name(values, doc, path, diags)
    _check_logo(values, doc, root, diags)
    if "base_url" in values and values["base_url"] and not values["base_url"].endswith("/"):
        values["base_url"] += "/"
    if "base_url" in values and values["base_url"] and not values["base_url"].startswith(
        ("http://", "https://")
    ):
        diags.error(path, doc.line("base_url"), "base_url phải là địa chỉ đầy đủ",
                    'viết base_url: "https://tenmien.gov.vn/ban-tin/"')
    for key in ("weekly", "toc"):
        if key in data:
            if not isinstance(data[key], bool):
                diags.error(path, doc.line(key), f"{key} chỉ nhận true hoặc false",
                            f"viết {key}: true")
            else:
                values[key] = data[key]
    if "direction" in data:
        lines = _str_list(doc.raw("direction"))
        if lines is None:
            diags.error(path, doc.line("direction"), "direction phải là danh sách người",
                        'mỗi dòng "- Họ tên, chức vụ"')
        else:
            values["direction"] = lines
    if "paragraphs" in data:
        if data["paragraphs"] in PARAGRAPH_RULES:
            values["paragraphs"] = data["paragraphs"]
        else:
            diags.error(path, doc.line("paragraphs"),
                        f'paragraphs "{clip(data["paragraphs"])}" không hợp lệ',
                        "viết paragraphs: lines (mỗi dòng một đoạn, mặc định) hoặc "
                        "paragraphs: markdown (các dòng liền nhau nối thành một đoạn)")
    if "feed_size" in data:
        if isinstance(data["feed_size"], int) and data["feed_size"] > 0:
            values["feed_size"] = data["feed_size"]
        else:
            diags.error(path, doc.line("feed_size"), "feed_size phải là số nguyên dương",
                        "viết feed_size: 30")
    colors = data.get("colors") or {}
    if not isinstance(colors, dict):
        diags.error(path, doc.line("colors"), "colors phải gồm primary và accent",
                    'viết:\ncolors:\n  primary: "#b3001b"')
        colors = {}
    for name, field_name in (("primary", "primary_color"), ("accent", "accent_color")):
        if name in colors:
            value = str(colors[name])
            if _COLOR.match(value):
                values[field_name] = value
            else:
                diags.error(path, doc.line("colors"), f'màu {name} "{clip(value)}" không hợp lệ',
                            'viết mã màu dạng "#b3001b"')
    return SiteConfig(**values)
