"""Find, read and validate the sources (content/, issues/) into the Site model."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import astuple, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from .cache import SPOILT, FileDigests, JsonStore, digest
from .config import Section, SiteConfig, load_config
from .errors import BantinError, Diagnostic, Diagnostics
from .model import (
    Article,
    Issue,
    IssueMeta,
    SectionGroup,
    Site,
    Week,
    article_from_json,
    article_to_json,
)
from .output import windows_reserved
from .paste import check_paste
from .signature import blank_lines, find_signature, repeated_key
from .sourcefile import YamlDoc, clip, decode_source, load_yaml_file, parse_yaml
from .sources import find_sources, read_source, read_source_stat, site_bases
from .text import closest, format_count, slugify
from .workers import PARALLEL_MIN, PARTS_PER_WORKER, run_parts, shared, split, worker_count

ARTICLE_KEYS = (
    "title", "issue", "year", "week", "editor", "commune", "section", "author", "source",
    "slug", "order", "date", "draft", "tags", "keep_repeats", "gallery",
)
ISSUE_KEYS = ("week", "date", "direction", "editorial", "banner", "order")
COMMUNE_WORDS = ("Xã", "Phường", "Thị trấn", "Đặc khu")
_WEEK = re.compile(r"^\s*(\d{1,2})/(\d{1,2})\s*[-–—]\s*(\d{1,2})/(\d{1,2})\s*$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SLUG_MAX = 120  # an article's folder name: longer ones break copies and some servers
_ISSUE_FILE = re.compile(r"^(\d{4})-(\d+)$")
_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")
WEEK_HINT = 'viết dạng ngày/tháng-ngày/tháng, ví dụ week: "25/5-29/5"'


# ---------------------------------------------------------------- pure helpers

def parse_week(value: Any, year: int) -> tuple[Week | None, str]:
    """Parse "25/5-29/5" of `year`; returns (week, "") or (None, Vietnamese reason)."""
    m = _WEEK.match(str(value)) if isinstance(value, str) else None
    if not m:
        return None, f'"{clip(value)}" không đúng dạng khoảng ngày'
    d1, m1, d2, m2 = (int(g) for g in m.groups())
    # A range whose end month is before its start month crosses the year end.
    end_year = year + 1 if m2 < m1 else year
    try:
        start = date(year, m1, d1)
    except ValueError:
        return None, f"ngày {d1}/{m1}/{year} không có thật"
    try:
        end = date(end_year, m2, d2)
    except ValueError:
        return None, f"ngày {d2}/{m2}/{end_year} không có thật"
    if end < start:
        return None, f"ngày kết thúc {d2}/{m2} trước ngày bắt đầu {d1}/{m1}"
    if end - start > timedelta(days=31):
        return None, f"khoảng {d1}/{m1}-{d2}/{m2} dài hơn một tháng"
    return Week(start, end), ""


def commune_display(value: str) -> str:
    """ "Tân Kỳ" -> "Xã Tân Kỳ"; "phường Vinh" -> "Phường Vinh"; keeps its own word."""
    value = " ".join(value.split())
    for word in COMMUNE_WORDS:
        if value.lower().startswith(word.lower() + " "):
            return word + value[len(word):]
    return f"Xã {value}"


def prefixed_title(title: str, commune: str) -> str:
    """Local-section titles start with "Xã <commune>: " unless the title already names the
    commune in its first words ("Tân Kỳ tập trung …", "UBND xã Tân Kỳ được …")."""
    bare = commune.split(" ", 1)[1] if commune.startswith("Xã ") else commune
    if commune.startswith("Thị trấn "):
        bare = commune[len("Thị trấn "):]
    head = " ".join(title.split()[:len(bare.split()) + 3]).casefold()
    if f" {bare.casefold()} " in f" {head.replace(':', ' ').replace(',', ' ')} ":
        return title
    return f"{commune}: {title}"


def split_front_matter(text: str) -> tuple[str, str, int] | str:
    """(front matter, body, file line of body) or a reason string when malformed."""
    if not text.startswith("---"):
        return "missing"
    first_nl = text.find("\n")
    if first_nl < 0 or text[:first_nl].strip() != "---":
        return "missing"
    pos = first_nl + 1
    line_no = 2
    while pos <= len(text):
        nl = text.find("\n", pos)
        line = text[pos:] if nl < 0 else text[pos:nl]
        if _FENCE.match(line):
            body = "" if nl < 0 else text[nl + 1:]
            return text[first_nl + 1:pos], body, line_no + 1
        if nl < 0:
            break
        pos = nl + 1
        line_no += 1
    return "unclosed"


def _to_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        # YAML gives dates as text: "2026-05-29", also with a time as YAML 1.1 read it
        with contextlib.suppress(ValueError):
            return datetime.fromisoformat(value.strip()).date()
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return datetime.strptime(value.strip(), fmt).date()
            except ValueError:
                continue
    return None


def _lines_of(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, str | int | float):
        return tuple(s.strip() for s in str(value).splitlines() if s.strip())
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return None


# ---------------------------------------------------------------- articles

@dataclass
class _Checker:
    """Validates one front matter, recording errors at the right line."""

    path: Path
    doc: YamlDoc
    diags: Diagnostics
    # absent key -> the unknown key written in its place ("titel" for title)
    misspelt: dict[str, str]
    ok: bool = True

    def error(self, key: str, message: str, hint: str) -> None:
        self.ok = False
        self.diags.error(self.path, self.doc.line(key), message, hint)

    def missing(self, key: str, hint: str, message: str = "") -> None:
        """A key the article needs is absent: told at the line of its misspelling, if there
        is one (the misspelt line is the fault, not the missing one)."""
        message = message or f"thiếu {key} ({_KEY_NAMES[key]})"
        wrong = self.misspelt.get(key)
        if wrong is None:
            self.error(key, message, hint)
            return
        shown = clip(wrong, 60)
        self.error(wrong, message,
                   f'có phải dòng "{shown}" là {key}? Sửa "{shown}:" thành "{key}:"')

    def text(self, key: str, required: bool, hint: str) -> str:
        value = self.doc.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.missing(key, hint)
            return ""
        if not isinstance(value, str | int | float):
            self.error(key, f"{key} phải là một dòng chữ", hint)
            return ""
        # as written: "title: 2026" is "2026", "editor: no" is "no", "title: 1e3" is "1e3"
        return " ".join(str(self.doc.raw(key, value)).split())

    def integer(self, key: str, low: int, high: int, required: bool, hint: str) -> int | None:
        value = self.doc.data.get(key)
        if value is None:
            if required:
                self.missing(key, hint)
            return None
        # "018", "18" quoted; int() of thousands of digits (or of "²") would raise
        if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) < 10:
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            shown = clip(self.doc.raw(key, value))
            self.error(key, f'{key} phải là số nguyên từ {low} đến {high}, không phải "{shown}"',
                       hint)
            return None
        return value


_KEY_NAMES = {
    "title": "tiêu đề bài", "issue": "số bản tin", "year": "năm", "week": "tuần",
    "editor": "người tổng hợp", "commune": "xã, phường gửi bài", "section": "chuyên mục",
}


def _section_of(chk: _Checker, config: SiteConfig, has_commune: bool) -> Section:
    value = chk.doc.data.get("section")
    if value is None:
        local = config.local_section
        return local if has_commune and local else config.sections[0]
    name = " ".join(str(chk.doc.raw("section", value)).split())
    for s in config.sections:
        if s.name.casefold() == name.casefold():
            return s
    names = [s.name for s in config.sections]
    near = closest(name, names)
    chk.error("section", f'chuyên mục "{clip(name)}" không có trong site.yml',
              f'có phải ý bạn là "{near}"?' if near else "chọn một trong: " + ", ".join(names))
    return config.sections[0]


# Keys whose absence is an error, or changes where the article goes (no commune: the
# provincial section): a misspelling of one of them must stop the build, not warn.
_NEEDED_KEYS = ("title", "issue", "year", "week", "editor", "commune")


def _misspellings(data: dict[str, Any], weekly: bool) -> dict[str, str]:
    """Needed keys that are absent, each with the unknown key that is likely it."""
    needed = [k for k in _NEEDED_KEYS if weekly or k != "week"]
    found: dict[str, str] = {}
    for key in data:
        if key not in ARTICLE_KEYS:
            near = closest(str(key), ARTICLE_KEYS)
            if near in needed and data.get(near) is None and near not in found:
                found[near] = key
    return found


def _check_unknown_keys(chk: _Checker) -> None:
    """Warn of unknown keys; a misspelt needed key is reported as the error it causes."""
    likely = set(chk.misspelt.values())
    for key in chk.doc.data:
        if key not in ARTICLE_KEYS and key not in likely:
            near = closest(key, ARTICLE_KEYS)
            chk.diags.warn(chk.path, chk.doc.line(key),
                           f'khóa "{clip(key, 60)}" không được dùng, bỏ qua',
                           f'có phải ý bạn là "{near}"?' if near else "xóa dòng này")


def _take_signature(chk: _Checker, body: str, body_line: int, editor: str,
                    author: tuple[str, ...], source: str) -> tuple[str, tuple[str, ...]]:
    """Move the pushed-right signature lines that end a pasted body to the closing block;
    a line that repeats the front matter is printed once, from the front matter."""
    found = find_signature(body)
    if found is None:
        return body, ()
    kept = []
    for k, line in enumerate(found.lines):
        key = repeated_key(line, editor, author, source)
        if key is None:
            kept.append(line)
        else:
            chk.diags.warn(chk.path, body_line + found.line + k,
                           f'dòng ký tên "{line}" lặp lại {key} trong phần khai báo, '
                           "chỉ in một lần (ở khối ký tên cuối bài)",
                           "xóa dòng này khỏi nội dung")
    return blank_lines(body, found.line, len(found.lines)), tuple(kept)


def build_article(
    path: Path, rel: str, doc: YamlDoc, body: str, body_line: int, config: SiteConfig,
    diags: Diagnostics, origin: str = "",
) -> Article | None:
    """Validate one article's front matter; None (with errors recorded) when invalid."""
    data = doc.data
    chk = _Checker(path, doc, diags, _misspellings(data, config.weekly))
    _check_unknown_keys(chk)
    title = chk.text("title", True, 'thêm dòng title: "Tiêu đề bài viết"')
    issue = chk.integer("issue", 1, 9999, True, "viết số bản tin, ví dụ issue: 18")
    year = chk.integer("year", 1945, 2200, True, "viết năm của số bản tin, ví dụ year: 2026")
    editor = chk.text("editor", True, "thêm dòng editor: Họ tên người tổng hợp")
    commune_raw = chk.text("commune", False, "viết commune: Tân Kỳ")
    section = _section_of(chk, config, bool(commune_raw))
    if not commune_raw and "commune" in chk.misspelt:
        # without it the article would silently move to the provincial section
        moved = "" if "section" in data else f": bài sẽ bị xếp vào chuyên mục {section.name}"
        chk.missing("commune", "", f"thiếu commune (xã, phường gửi bài){moved}")
    elif section.local and not commune_raw:
        chk.error("commune" if "commune" in data else "section",
                  f"bài thuộc chuyên mục {section.name} nhưng thiếu commune (xã, phường gửi bài)",
                  "thêm dòng commune: Tân Kỳ")
    week = None
    if data.get("week") is not None and year is not None:
        week, why = parse_week(data["week"], year)
        if week is None:
            chk.error("week", f"week {why}", WEEK_HINT)
    elif config.weekly and data.get("week") is None:
        chk.missing("week", 'thêm dòng week: "25/5-29/5", hoặc weekly: false trong site.yml',
                    "thiếu week (tuần của số bản tin)")
    author = _lines_of(doc.raw("author", data.get("author")))
    if author is None:
        chk.error("author", "author phải là một dòng chữ hoặc danh sách dòng",
                  'viết author: "Họ tên, chức vụ, đơn vị"')
    source = chk.text("source", False, 'viết source: "Theo Cổng Thông tin điện tử tỉnh …"')
    slug = doc.raw("slug", data.get("slug"))
    if slug is not None:
        _check_slug(chk, slug)
    order = chk.integer("order", 0, 100000, False, "viết order: 1")
    art_date = None
    if data.get("date") is not None:
        art_date = _to_date(data["date"])
        if art_date is None:
            chk.error("date", f'date "{clip(data["date"])}" không phải ngày hợp lệ',
                      "viết date: 2026-05-29")
    draft = data.get("draft", False)
    if not isinstance(draft, bool):
        chk.error("draft", "draft chỉ nhận true hoặc false", "viết draft: true")
    keep_repeats = data.get("keep_repeats", False)
    if not isinstance(keep_repeats, bool):
        chk.error("keep_repeats", "keep_repeats chỉ nhận true hoặc false",
                  "viết keep_repeats: true để giữ mọi đoạn lặp của bài này")
    gallery = data.get("gallery", False)
    if not isinstance(gallery, bool):
        chk.error("gallery", "gallery chỉ nhận true hoặc false",
                  "viết gallery: true để xếp các ảnh của bài thành bộ ảnh")
    tags = _lines_of(doc.raw("tags", data.get("tags")))
    if tags is None:
        chk.error("tags", "tags phải là danh sách từ khóa", "viết tags: [chuyển đổi số, TTHC]")
    if not chk.ok or issue is None or year is None:
        return None
    commune = commune_display(commune_raw) if commune_raw else None
    if commune and section.local:
        title = prefixed_title(title, commune)
    body, signature = _take_signature(chk, body, body_line, editor, author or (), source)
    check_paste(body, config.paragraphs,
                lambda k, message, hint: diags.warn(path, body_line + k, message, hint))
    if not body.strip():
        diags.warn(path, body_line, "bài chưa có nội dung", "viết nội dung dưới dòng --- thứ hai")
    return Article(
        path=path, rel=rel, title=title, issue=issue, year=year, week=week, editor=editor,
        section=section, commune=commune, commune_slug=slugify(commune) if commune else None,
        author=author or (), source=source, slug=slug or title_slug(title),
        order=order, date=art_date, draft=bool(draft), tags=tags or (), body=body,
        keep_repeats=keep_repeats is True, gallery=gallery is True, signature=signature,
        paragraph_rule=config.paragraphs, body_line=body_line, lines=dict(doc.lines),
        origin=origin,
    )


def _check_slug(chk: _Checker, slug: Any) -> None:
    """A written slug becomes a folder name: plain, not too long, not a Windows device."""
    if not isinstance(slug, str) or not _SLUG.match(slug):
        chk.error("slug", f'slug "{clip(slug)}" chỉ được gồm chữ thường không dấu, số và '
                  "dấu gạch",
                  f"viết slug: {slugify(str(slug)) or 'ten-bai'}")
    elif len(slug) > SLUG_MAX:
        chk.error("slug", f"slug dài {len(slug)} ký tự, quá {SLUG_MAX} ký tự (tên thư mục "
                  "quá dài không chép lên máy chủ được)",
                  f"viết slug ngắn hơn, ví dụ slug: {slugify(slug)}")
    elif windows_reserved(slug):
        chk.error("slug", f'slug "{slug}" là tên dành riêng của Windows, trang bài không chép '
                  "lên máy chủ Windows được", f"viết ví dụ slug: {slug}-bai")


def title_slug(title: str) -> str:
    """The slug of an article that writes none: its title's, cut at a word boundary
    (slugify), never a Windows device name ("Con" -> "con-bai")."""
    slug = slugify(title)[:SLUG_MAX] or "bai-viet"
    return f"{slug}-bai" if windows_reserved(slug) else slug


# Bump when reading the same file with the same site.yml gives a different article.
# 2: slugs checked for length and Windows names; 3: YAML 1.2 values; 4: empty galleries;
# 5: a misspelt needed key is an error; 6: gallery: true; 7: bodies kept apart
LOAD_VERSION = "7"


_NONE = type(None)
# The JSON types of each Article field as article_to_json writes them ("path" is the file's).
_ARTICLE_JSON: dict[str, tuple[type, ...]] = {
    "path": (str,), "rel": (str,), "title": (str,), "issue": (int,), "year": (int,),
    "week": (list, _NONE), "editor": (str,), "section": (list,), "commune": (str, _NONE),
    "commune_slug": (str, _NONE), "author": (list,), "source": (str,), "slug": (str,),
    "order": (int, _NONE), "date": (str, _NONE), "draft": (bool,), "tags": (list,),
    "body": (str,), "body_line": (int,), "keep_repeats": (bool,), "gallery": (bool,),
    "signature": (list,),
    "paragraph_rule": (str,), "lines": (dict,), "origin": (str,),
}


_ARTICLE_TYPES = {k: frozenset(types) for k, types in _ARTICLE_JSON.items()}
assert _ARTICLE_TYPES.keys() == set(Article.__dataclass_fields__)
# A load cache entry holds every field but the body, which is kept apart (BODIES).
_CACHED_TYPES = {k: v for k, v in _ARTICLE_TYPES.items() if k != "body"}
BODIES = "article-bodies"


def _names_file(rel: Any, path: Path, diags: Diagnostics) -> bool:
    """Whether `rel` is how messages and pages name this file (diags.rel), tried first
    without resolving the path (a system call per folder, for every cached article)."""
    if diags.root is not None and isinstance(rel, str):
        head = str(diags.root) + os.sep
        if str(path) == head + rel.replace("/", os.sep) and ".." not in rel.split("/"):
            return True
    return diags.rel(path) == rel


def _cached_article(d: dict[str, Any], path: Path, diags: Diagnostics, key: str,
                    config: SiteConfig | None, body_later: Callable[[], str]
                    ) -> Article | None:
    """The article a load cache entry holds (its body read by `body_later` when asked
    for), or None when it is not one this file and this site.yml could have given (a
    damaged or planted cache): what it holds becomes pages, file names and links, so it is
    checked like a source."""
    # JSON gives exact types (a bool is not an int here): one set lookup per field.
    if d.keys() != _CACHED_TYPES.keys() or not all(
            type(v) in _CACHED_TYPES[k] for k, v in d.items()):
        return None
    texts = [t for k in ("author", "tags", "signature") for t in d.get(k, ())]
    lines = d.get("lines", {})
    if (not _names_file(d.get("rel"), path, diags) or d.get("origin") != key
            or not _SLUG.match(d.get("slug", "")) or len(d["slug"]) > SLUG_MAX
            or not all(isinstance(t, str) for t in texts)
            or not all(isinstance(k, str) and type(v) is int for k, v in lines.items())):
        return None
    try:
        article = article_from_json(d, path, body_later)
    except (TypeError, ValueError, IndexError):  # a week, date or section of another shape
        return None
    if config is not None and (article.section not in config.sections
                               or article.paragraph_rule != config.paragraphs):
        return None
    return article


STAMPS = "source-stamps"


class LoadCache:
    """Articles read earlier, by the digest of their file's bytes and of site.yml: reading
    2,600 front matters again costs ~1 s, looking them up ~0.1 s. Kept in the cache store
    between runs; while `serve` runs, also in memory, with each file's size and change time
    so that an unchanged file is not even read (the watcher names the files it saw change:
    those are always read)."""

    def __init__(self, root: Path, enabled: bool = True) -> None:
        self.store = JsonStore(root, "articles", enabled)
        self.store.preload()
        # The bodies, apart: read one by one when asked for (an unchanged article's never
        # is), where reading them all with the articles cost ~0.2 s a build.
        self.bodies = JsonStore(root, BODIES, enabled)
        # A Builder writes the bodies when its build ends (save_bodies): one read again
        # from its file after the load (see _body) is kept right for the next build too.
        self.bodies_later = False
        self.memo: dict[str, tuple[Article | None, list[Diagnostic]]] = {}  # by source key
        # path -> size, change time, site.yml's key and the source key it was read with;
        # kept between runs too, so a build after one edit reads one file, not 2,600.
        self.stamp_store = JsonStore(root, STAMPS, enabled)
        kept = self.stamp_store.get(STAMPS) or {}
        self.stamps: dict[str, tuple[int, int, str, str]] = {
            p: (v[0], v[1], v[2], v[3]) for p, v in kept.items()}
        self.used: set[str] = set()
        self.sources: list[Path] | None = None  # the files the last load found
        # Issues as the last load built them, with what they were built from (see _issue).
        self.issues: dict[tuple[int, int], KeptIssue] = {}
        # serve keeps the cache in memory and writes it when the edits pause (save()).
        self.save_later = False

    def can_hit(self) -> bool:
        """Whether any article could come from here (not so when disabled or empty)."""
        store = self.store
        return bool(self.memo or store.raw or store.seen or store.new
                    or (store.enabled and not store.preloaded))

    def get(self, key: str, path: Path, diags: Diagnostics,
            config: SiteConfig | None = None) -> tuple[bool, Article | None]:
        hit = self.memo.get(key)
        if hit is None:
            data = self.store.get(key)  # its shape checked by the store (cache.SHAPES)
            if data is None:
                return False, None
            article = None
            if data["article"] is not None:
                if not self.bodies.has(key):
                    return False, None
                article = _cached_article(data["article"], path, diags, key, config,
                                          functools.partial(self._body, key, path, config))
                if article is None:
                    self.store.reject(key)
                    return False, None
                if self.save_later:
                    # serve keeps its articles for hours: bodies read as edits come would
                    # look like growth (its memory target); read them with the first build.
                    article.body  # noqa: B018
            hit = self.memo[key] = (article, [Diagnostic(*d) for d in data["diags"]])
        else:
            self.store.keep(key)
        if hit[0] is not None:
            self.bodies.keep(key)
        self.used.add(key)
        diags.items += hit[1]
        return True, hit[0]

    def _body(self, key: str, path: Path, config: SiteConfig | None) -> str:
        kept = self.bodies.get(key)  # [body], its shape checked by the store
        if kept is not None:
            return str(kept[0])
        # Spoilt or gone since it was listed: read again from the file, if it still holds
        # what the article was read from (and kept right for the next build).
        if config is not None:
            diags = Diagnostics(root=self.store.root)
            data = read_source(path, diags, site_bases(self.store.root))
            if data is not None and source_key(config_key(config), path, data) == key:
                article = _read_article(path, data, config, diags, key)
                if article is not None:
                    self.bodies.put(key, [article.body])
                    return article.body
        raise BantinError(SPOILT)

    def save_bodies(self) -> None:
        self.bodies.save()

    def put(self, key: str, article: Article | None, said: list[Diagnostic]) -> None:
        self.memo[key] = (article, list(said))
        self.used.add(key)
        if self.store.enabled:  # --no-cache: nothing is written, so nothing is converted
            data = article_to_json(article) if article else None
            if data is not None:
                self.bodies.put(key, [data.pop("body")])
            self.store.put(key, {"article": data, "diags": [list(astuple(d)) for d in said]})

    def finish(self, paths: set[str]) -> None:
        """Keep what this load used, nothing else (`paths`: the files it found)."""
        self.memo = {k: v for k, v in self.memo.items() if k in self.used}
        self.stamps = {p: s for p, s in self.stamps.items() if p in paths}
        self.used = set()
        if not self.save_later:
            self.save()

    def save(self) -> None:
        """Write what the last load used to the cache store (the next run starts there)."""
        self.store.save()
        if not self.bodies_later:
            self.save_bodies()
        # A file changed within RACY_NS of now may change again within its time stamp's
        # resolution: it is not trusted by the next run, which reads it again.
        settled = time.time_ns() - FileDigests.RACY_NS
        self.stamp_store.put(STAMPS, {p: list(v) for p, v in self.stamps.items()
                                      if v[1] < settled})
        self.stamp_store.save()


def read_articles(paths: list[Path], config: SiteConfig, diags: Diagnostics,
                  cache: LoadCache | None = None, changed: frozenset[str] = frozenset(),
                  workers: int | None = None, trusted: bool = False,
                  stats: Mapping[str, Sequence[int]] | None = None) -> list[Article | None]:
    """Articles of these files, in order (None where a file has errors): unchanged ones
    from the cache, the others parsed (in worker processes when there are many). Their
    diagnostics are added in file order, however the work was split. `trusted`: `changed`
    names every file changed since the cache's stamps were taken (no other file is looked
    at). `stats`: size and change time of the files, taken a moment ago (no need to ask
    the system again)."""
    found: list[Article | None] = [None] * len(paths)
    said: list[list[Diagnostic]] = [[] for _ in paths]
    todo: list[tuple[int, Path, bytes | None, str]] = []
    mine = Diagnostics(root=diags.root)
    bases = site_bases(diags.root) if diags.root is not None else ()
    site_key = config_key(config)
    if (cache is None or not cache.can_hit()) and len(paths) >= PARALLEL_MIN:
        # Nothing to look up by the files' bytes (--no-cache, a first build): the workers
        # read them too.
        todo = [(k, path, None, "") for k, path in enumerate(paths)]
    for k, path in enumerate(paths if not todo else ()):
        before = len(mine.items)
        key = (_unchanged(cache, path, site_key, trusted, stats)
               if cache and str(path) not in changed else None)
        hit = cache.get(key, path, mine, config) if cache and key else (False, None)
        if not hit[0]:
            data = read_source(path, mine, bases)
            if data is not None:
                key = source_key(site_key, path, data)
                if cache is not None:
                    _stamp(cache, path, site_key, key)
                    hit = cache.get(key, path, mine, config)
                if not hit[0]:
                    todo.append((k, path, data, key))
        found[k], said[k] = hit[1], mine.items[before:]
    n = 1 if len(todo) < PARALLEL_MIN else worker_count(workers, len(todo))
    parts = split(len(todo), n * PARTS_PER_WORKER)
    for part, results in zip(parts, run_parts(_parse_part, parts, n, todo=todo,
                                              config=config, root=diags.root, bases=bases,
                                              site_key=site_key), strict=True):
        for i, (article, items, key, stamp) in zip(part, results, strict=True):
            k, path = todo[i][0], todo[i][1]
            found[k], said[k] = article, said[k] + items
            if cache is not None and key:
                if stamp is not None:
                    cache.stamps[str(path)] = (*stamp, site_key, key)
                cache.put(key, article, items)
    for items in said:
        diags.items += items
    return found


Parsed = tuple[Article | None, list[Diagnostic], str, tuple[int, int] | None]


def _parse_part(indices: list[int]) -> list[Parsed]:
    """(article, its diagnostics, its source key, the size and change time of the file
    read here) of each file; a file the parent did not read (data None) is read here."""
    todo, config, root = shared("todo"), shared("config"), shared("root")
    out: list[Parsed] = []
    mine = Diagnostics(root=root)
    for i in indices:
        _, path, data, key = todo[i]
        before = len(mine.items)
        stamp = None
        if data is None:
            read = read_source_stat(path, mine, shared("bases"))
            if read is not None:
                data, stamp = read
                key = source_key(shared("site_key"), path, data)
        article = _read_article(path, data, config, mine, key) if data is not None else None
        out.append((article, mine.items[before:], key, stamp))
    return out


def _stamp(cache: LoadCache, path: Path, site_key: str, key: str) -> None:
    with contextlib.suppress(OSError):
        st = path.stat()
        cache.stamps[str(path)] = (st.st_size, st.st_mtime_ns, site_key, key)


def _unchanged(cache: LoadCache, path: Path, site_key: str, trusted: bool = False,
               stats: Mapping[str, Sequence[int]] | None = None) -> str | None:
    """The source key of a file seen earlier, if it looks untouched (`trusted`: known to
    be) and site.yml is the same (`site_key`: config_key; an article is read with it)."""
    known = cache.stamps.get(str(path))
    if known is None or known[2] != site_key:
        return None
    if trusted:
        return known[3]
    seen = stats.get(str(path)) if stats is not None else None
    if seen is not None:
        return known[3] if (seen[0], seen[1]) == known[:2] else None
    try:
        st = path.stat()
    except OSError:
        return None
    return known[3] if (st.st_size, st.st_mtime_ns) == known[:2] else None


def source_key(config: str, path: Path, data: bytes) -> str:
    """What an article is read from: its bytes, its path and site.yml (Article.origin)."""
    return digest(config, str(path), hashlib.blake2b(data, digest_size=16).hexdigest())


@functools.cache
def config_key(config: SiteConfig) -> str:
    return digest(LOAD_VERSION, repr(config))


def _read_article(path: Path, data: bytes, config: SiteConfig,
                  diags: Diagnostics, origin: str = "") -> Article | None:
    text = decode_source(data, path, diags)
    if text is None:
        return None
    split = split_front_matter(text)
    if split == "missing":
        diags.error(path, 1, "thiếu phần khai báo (front matter) ở đầu bài",
                    "bắt đầu tệp bằng dòng ---, các dòng khóa: giá trị (title, issue, year, "
                    "week, editor), rồi một dòng ---")
        return None
    if split == "unclosed":
        diags.error(path, 1, "phần khai báo mở bằng --- nhưng không có dòng --- đóng lại",
                    "thêm một dòng --- sau dòng khai báo cuối cùng")
        return None
    assert isinstance(split, tuple)
    fm, body, body_line = split
    doc = parse_yaml(fm, path, diags, first_line=2)
    if doc is None:
        return None
    rel = diags.rel(path)
    article = build_article(path, rel, doc, body, body_line, config, diags, origin)
    # the body as printed (its closing signature lines blanked) when the article is valid
    fits = body_fits(path, article.body if article else body, body_line, config.paragraphs,
                     diags)
    return article if fits else None


MAX_TABLE_ROWS = 2_000  # ~50 printed pages; 20,000 rows took 106 s and 1.4 GB to print
_DEEP_PREFIX = 10  # columns of indentation, list markers and ">" before a line's text
_PREFIX = re.compile(r"^[ \t>*+\-0-9.)]{3,}", re.M)


def _may_nest_deeply(body: str) -> bool:
    """Whether a line could open a list or quote as deep as markdown-it stops following
    (20 levels: a list takes two and at least two columns of the line's prefix, a quote one
    and one column, and the line has its own marker): only then is the body parsed here.
    Pushed-right lines (signatures) have no marker."""
    return any(len(m.group().expandtabs(4)) >= _DEEP_PREFIX and m.group().strip()
               for m in _PREFIX.finditer(body))


def body_fits(path: Path, body: str, body_line: int, rule: str, diags: Diagnostics) -> bool:
    """No list or quote nested past what the parser follows (it would drop the rest of the
    article from page and PDF without a word) and no more table rows than print takes.
    Tables are counted from the text (parsing 20,000 rows takes seconds); the body is
    parsed only when a line may be nested that deep."""
    if body.count("\n") > MAX_TABLE_ROWS and ("|" in body or "\t" in body):
        total = 0
        for start, rows in _tables(body.split("\n")):
            total += rows
            if total > MAX_TABLE_ROWS:
                what = (f"bảng dài {format_count(rows)} dòng" if rows == total
                        else f"các bảng của bài tới bảng này dài {format_count(total)} dòng")
                diags.error(path, body_line + start, f"{what}, quá giới hạn "
                            f"{format_count(MAX_TABLE_ROWS)} dòng bảng một bài: bản in sẽ rất "
                            "lâu và rất nặng", "tách bảng sang nhiều bài, hoặc đính kèm số "
                            "liệu thành tệp riêng (PDF, Excel) và chỉ đưa phần tóm tắt vào bài")
                return False  # not parsed below: that is what takes so long
    if not _may_nest_deeply(body):
        return True
    from .markdown import parser, too_deep  # loads markdown-it only for such bodies

    md = parser(rule)
    deep = too_deep(md.block.parse(body, md, {}, []) or [], md.options.maxNesting)
    if deep is None:
        return True
    levels = md.options.maxNesting // 2
    diags.error(path, body_line + deep, "danh sách hoặc trích dẫn lồng nhau quá sâu: từ dòng "
                "này, phần còn lại của danh sách (và của bài) sẽ bị mất khỏi trang web và bản "
                "in", f"danh sách chỉ lồng tối đa {levels - 1} tầng (mỗi tầng thụt vào thêm "
                f"vài dấu cách), trích dẫn tối đa {2 * levels - 1} dấu >; bỏ bớt thụt đầu dòng")
    return False


_DELIMITER = re.compile(r" {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")
# Blocks that end a table (markdown-it's "blockquote" terminators): quote, heading, fence,
# list item, rule.
_ENDS_TABLE = re.compile(r" {0,3}(?:[>#]|```|~~~|[-*+](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)"
                         r"|[-*_](?:[ \t]*[-*_]){2,}[ \t]*$)")


def _tables(lines: list[str]) -> list[tuple[int, int]]:
    """(0-based line, rows) of the stretches of text that may be tables, never fewer rows
    than markdown-it makes of them: each "|" line over a "---|---" line, with the non-blank
    lines below it up to another block, and each run of lines pasted from a Word table
    (tab-separated); overlapping ones are one stretch (the parser may take a table from
    any of them). Lines are looked at without the indentation and ">" of the lists and
    quotes a table may sit in."""
    n = len(lines)
    bare = [line.lstrip(" \t>") for line in lines]
    rows = [0] * (n + 1)  # non-blank lines from here that start no other block
    tabs = [0] * (n + 1)  # lines from here with a tab between words
    for i in range(n - 1, -1, -1):
        rows[i] = rows[i + 1] + 1 if bare[i].strip() and not _ENDS_TABLE.match(bare[i]) else 0
        tabs[i] = tabs[i + 1] + 1 if "\t" in lines[i].strip() else 0
    found: list[list[int]] = []  # [start, end, delimiter lines]
    for k in range(n):
        if k + 1 < n and "|" in lines[k] and "-" in bare[k + 1] and _DELIMITER.fullmatch(
                bare[k + 1]):
            start, end, delimiters = k, k + 2 + rows[k + 2], 1
        elif tabs[k] >= 2 and (k == 0 or tabs[k - 1] == 0):
            start, end, delimiters = k, k + tabs[k], 0
        else:
            continue
        if found and start < found[-1][1]:  # its "---" line may be a row of the first
            found[-1][1] = max(found[-1][1], end)
        else:
            found.append([start, end, delimiters])
    return [(start, end - start - delimiters) for start, end, delimiters in found]


def read_issue_meta(path: Path, diags: Diagnostics) -> tuple[tuple[int, int], IssueMeta] | None:
    m = _ISSUE_FILE.match(path.stem)
    if not m:
        diags.error(path, None, f'tên tệp "{path.name}" không đúng dạng <năm>-<số>.yml',
                    "đặt tên ví dụ issues/2026-18.yml")
        return None
    year, number = int(m.group(1)), int(m.group(2))
    doc = load_yaml_file(path, diags)
    if doc is None:
        return None
    data = doc.data
    ok = True
    for key in data:
        if key not in ISSUE_KEYS:
            near = closest(key, ISSUE_KEYS)
            diags.warn(path, doc.line(key),
                       f'khóa "{clip(key, 60)}" không được dùng trong tệp số bản tin',
                       f'có phải ý bạn là "{near}"?' if near else "xóa dòng này")
    week = None
    if data.get("week") is not None:
        week, why = parse_week(data["week"], year)
        if week is None:
            ok = False
            diags.error(path, doc.line("week"), f"week {why}", WEEK_HINT)
    issue_date = None
    if data.get("date") is not None:
        issue_date = _to_date(data["date"])
        if issue_date is None:
            ok = False
            diags.error(path, doc.line("date"),
                        f'date "{clip(data["date"])}" không phải ngày hợp lệ',
                        "viết date: 2026-05-29")
    lists: dict[str, tuple[str, ...] | None] = {}
    for key in ("direction", "order"):
        value = _lines_of(doc.raw(key)) if key in data else None
        if key in data and value is None:
            ok = False
            diags.error(path, doc.line(key), f"{key} phải là danh sách", "viết mỗi dòng - …")
        lists[key] = value
    texts: dict[str, str | None] = {}
    for key in ("editorial", "banner"):
        value = doc.raw(key)  # as written: "banner: 2026" is text
        if value is not None and not isinstance(value, str):
            ok = False
            diags.error(path, doc.line(key), f"{key} phải là một dòng chữ", f'viết {key}: "…"')
        texts[key] = " ".join(value.split()) if isinstance(value, str) else None
    if not ok:
        return None
    meta = IssueMeta(path, week, issue_date, lists["direction"], texts["editorial"],
                     texts["banner"], lists["order"] or (), dict(doc.lines))
    return (year, number), meta


def _check_agreement(
    key: tuple[int, int], articles: list[Article], meta: IssueMeta | None, diags: Diagnostics
) -> Week | None:
    """All articles of an issue and its issue file agree on the week."""
    first = articles[0]
    week = meta.week if meta and meta.week else first.week
    ref_where = (f"{diags.rel(meta.path)}:{meta.lines.get('week', 1)}"
                 if meta and meta.week else f"{first.rel}:{first.lines.get('week', 1)}")
    for a in articles:
        if a.week is not None and week is not None and a.week != week:
            diags.error(a.path, a.lines.get("week"),
                        f"số {key[1]}/{key[0]} có tuần {a.week.label} ở bài này nhưng "
                        f"{week.label} ở {ref_where}",
                        f'sửa cho thống nhất, ví dụ week: "{week.label}"')
    return week


def _order_articles(
    articles: list[Article], meta: IssueMeta | None, config: SiteConfig, diags: Diagnostics
) -> tuple[SectionGroup, ...]:
    position = {slug: i for i, slug in enumerate(meta.order)} if meta else {}
    # A name of `order` with no article is left out with a warning: the article may have
    # been deleted (the issue still builds), or have an error of its own (reported once,
    # there: no second, misleading message here).
    if meta and not diags.errors:
        slugs = [a.slug for a in articles]
        for slug in meta.order:
            if slug not in slugs:
                near = closest(slug, slugs)
                diags.warn(meta.path, meta.lines.get("order"),
                           f'order nhắc tới bài "{clip(slug)}" không có trong số này, bỏ qua',
                           f'có phải ý bạn là "{near}"?' if near
                           else "nếu bài đã bị xóa, xóa tên này khỏi order")
    groups = []
    for section in config.sections:
        members = [a for a in articles if a.section == section]
        listed = sorted((a for a in members if a.slug in position),
                        key=lambda a: position[a.slug])
        rest = [a for a in members if a.slug not in position]
        if members:
            groups.append(SectionGroup(section, (*listed, *_placed(rest, len(listed) + 1))))
    return tuple(groups)


_DIGITS = re.compile(r"(\d+)")


@functools.lru_cache(maxsize=16384)  # every build orders every issue; names rarely change
def file_order(rel: str) -> tuple[tuple[str | int, ...], str]:
    """The order of file names as an editor numbers them: "2-…" before "10-…" (text and
    numbers alternate in the split, so like compares with like)."""
    parts = _DIGITS.split(rel.casefold())
    return tuple(int(p) if k % 2 else p for k, p in enumerate(parts)), rel


def _placed(articles: list[Article], first: int) -> list[Article]:
    """An article with `order: N` takes place N of its section; the others keep the order
    of their file names in the places left (numbering one article moves only that one).
    `first`: the place after the articles the issue file lists."""
    numbered = sorted((a for a in articles if a.order is not None),
                      key=lambda a: (a.order, file_order(a.rel)))
    rest = sorted((a for a in articles if a.order is None), key=lambda a: file_order(a.rel))
    out: list[Article] = []
    n = r = 0
    for place in range(first, first + len(articles)):
        if n < len(numbered) and (r == len(rest) or (numbered[n].order or 0) <= place):
            out.append(numbered[n])
            n += 1
        else:
            out.append(rest[r])
            r += 1
    return out


def _check_slugs(articles: list[Article], diags: Diagnostics) -> None:
    seen: dict[str, Article] = {}
    for a in articles:
        if a.slug in seen:
            diags.error(a.path, a.lines.get("slug", a.lines.get("title")),
                        f'bài trùng địa chỉ "{clip(a.slug)}" với {seen[a.slug].rel}',
                        "thêm dòng slug: <tên-khác> cho một trong hai bài")
        else:
            seen[a.slug] = a


def build_issue(
    key: tuple[int, int], articles: list[Article], meta: IssueMeta | None, config: SiteConfig,
    diags: Diagnostics,
) -> Issue:
    week = _check_agreement(key, articles, meta, diags)
    _check_slugs(articles, diags)
    groups = _order_articles(articles, meta, config, diags)
    dates = [a.date for a in articles if a.date]
    issue_date = (meta.date if meta and meta.date else None) or (
        week.end if week else max(dates, default=date(key[0], 1, 1)))
    return Issue(
        year=key[0], number=key[1], week=week, date=issue_date,
        direction=(meta.direction if meta and meta.direction is not None else config.direction),
        editorial=(meta.editorial if meta and meta.editorial else config.editorial),
        banner=(meta.banner if meta and meta.banner else config.banner),
        sections=groups,
    )


class KeptIssue(NamedTuple):
    """An issue built by an earlier load, and what it was built from."""

    sources: tuple[Any, ...]  # the articles (the very objects), meta, config, errors before
    issue: Issue
    said: list[Diagnostic]


def _issue(cache: LoadCache | None, key: tuple[int, int], articles: list[Article],
           meta: IssueMeta | None, config: SiteConfig, diags: Diagnostics) -> Issue:
    """build_issue, or the issue an earlier load built from the same articles (unchanged
    ones are the same objects, from the cache), issue file and site.yml: with 260 issues,
    `serve` would otherwise order and check them all on every save."""
    if cache is None:
        return build_issue(key, articles, meta, config, diags)
    sources = (*articles, meta, meta.lines if meta else None, config, bool(diags.errors))
    kept = cache.issues.get(key)
    if kept is not None and len(kept.sources) == len(sources) and all(
            a is b for a, b in zip(kept.sources[:len(articles)], articles, strict=True)) \
            and kept.sources[len(articles):] == sources[len(articles):]:
        diags.items += kept.said
        return kept.issue
    before = len(diags.items)
    issue = build_issue(key, articles, meta, config, diags)
    cache.issues[key] = KeptIssue(sources, issue, diags.items[before:])
    return issue


def _check_masthead(root: Path, issues: list[Issue], diags: Diagnostics) -> None:
    """The printed masthead names who directs and who edits the bulletin; one warning for
    all the issues that would print either box empty (on a site with a site.yml: a bare
    content/ folder is someone trying bantin out)."""
    if not (root / "site.yml").exists():
        return
    for heading, key, empty in (
            ("CHỈ ĐẠO NỘI DUNG", "direction", [i for i in issues if not i.direction]),
            ("BIÊN TẬP VÀ TRÌNH BÀY", "editorial", [i for i in issues if not i.editorial])):
        if not empty:
            continue
        shown = ", ".join(f"số {i.number}/{i.year}" for i in sorted(
            empty, key=lambda i: (i.year, i.number))[:3]) + (" …" if len(empty) > 3 else "")
        example = ('direction:\n  - "Họ tên, chức vụ"' if key == "direction"
                   else 'editorial: "Tên phòng, cơ quan biên tập"')
        diags.warn(root / "site.yml", None,
                   f"mục {heading} trên trang nhất bản in để trống ({shown})",
                   f"thêm vào site.yml (dùng cho mọi số) hoặc vào tệp issues/ của số đó: "
                   f"{example}")


def load_site(root: Path, diags: Diagnostics, drafts: bool = False,
              use_cache: bool = False, cache: LoadCache | None = None,
              changed: frozenset[str] = frozenset(), watched: bool = False,
              stats: Mapping[str, Sequence[int]] | None = None) -> Site:
    """Read and validate everything; collects every error before raising ContentError.
    `use_cache`: take unchanged articles from the load cache (and keep it up to date);
    `cache`: one kept by the caller between loads; `changed`: files known to have changed
    (always read again); `watched`: `changed` is every change since the last load with
    this cache (serve's watcher saw them), so when they are only edits of articles it
    found, its list of files and their stamps still hold; `stats`: the sources' sizes and
    change times as the caller has just taken them (uptodate.take)."""
    config = load_config(root, diags)
    if cache is None and use_cache:
        cache = LoadCache(root)
    if not (root / "content").is_dir():
        diags.error(root / "content", None, "không tìm thấy thư mục content/",
                    "tạo thư mục content/ và đặt các bài .md vào đó, hoặc chỉ đúng --root")
        diags.raise_if_errors()
    by_issue: dict[tuple[int, int], list[Article]] = defaultdict(list)
    known = cache.sources if cache is not None and watched else None
    trusted = known is not None and only_edits(root, changed, known)
    sources = known if trusted and known is not None else find_sources(root, diags)
    for article in read_articles(sources, config, diags, cache, changed, trusted=trusted,
                                 stats=stats):
        if article is not None and (drafts or not article.draft):
            by_issue[(article.year, article.issue)].append(article)
    metas: dict[tuple[int, int], IssueMeta] = {}
    issues_dir = root / "issues"
    if issues_dir.is_dir():
        for path in sorted(issues_dir.glob("*.y*ml")):
            found = read_issue_meta(path, diags)
            if found:
                metas[found[0]] = found[1]
    for key, meta in metas.items():
        if key not in by_issue:
            diags.warn(meta.path, None, f"chưa có bài nào cho số {key[1]}/{key[0]}",
                       "thêm bài có issue và year tương ứng trong content/")
    issues = [_issue(cache, k, arts, metas.get(k), config, diags)
              for k, arts in by_issue.items()]
    if cache is not None:
        cache.issues = {k: v for k, v in cache.issues.items() if k in by_issue}
    _check_masthead(root, issues, diags)
    if cache is not None:
        # A load that stops at an error finds no fewer files: its list holds.
        cache.sources = None if diags.errors and not trusted else sources
        cache.finish({str(p) for p in sources})  # articles with errors too: reported fast
    diags.raise_if_errors()
    issues.sort(key=lambda i: (i.year, i.number), reverse=True)
    return Site(root=root, config=config, issues=tuple(issues))


def only_edits(root: Path, changed: frozenset[str], known: list[Path]) -> bool:
    """Every change under content/ is to a file of `known` that is still a plain file
    (no file added, removed, renamed or replaced by a folder or a link)."""
    content = str(root / "content") + os.sep
    names = {str(p) for p in known}
    for path in changed:
        if not path.startswith(content):
            continue  # site.yml, issues/, layouts/, assets/: read (or not) as always
        if path not in names or os.path.islink(path) or not os.path.isfile(path):
            return False
    return True


def load(root: Path, drafts: bool = False, use_cache: bool = False,
         ) -> tuple[Site, list[Diagnostic]]:
    """Load and validate a site; raises ContentError listing every error."""
    diags = Diagnostics(root=root)
    site = load_site(root, diags, drafts=drafts, use_cache=use_cache)
    return site, diags.warnings
