"""The print edition: one A4 PDF per issue (WeasyPrint), plus print-shop, booklet and archive
variants, rendered in worker processes and skipped when nothing an issue uses has changed.

WeasyPrint is imported lazily: a build with --no-pdf never pays for it.
"""

from __future__ import annotations

import functools
import html as html_lib
import json
import logging
import mimetypes
import re
import shutil
import tempfile
import time
import warnings
import weakref
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import astuple, dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import jinja2
from markupsafe import Markup

from .cache import digest, file_digest
from .config import SiteConfig
from .errors import BantinError, ContentError, Diagnostic
from .images import IMAGES_VERSION
from .markdown import Rendered
from .model import Issue, Site
from .options import PdfOptions
from .output import file_name_problem, fill_pdf_name, pdf_name_problem
from .photos import SCHEME, Photo, SitePhotos, fill, print_copy
from .sourcefile import clip
from .targets import Target
from .text import keep_together
from .theme import Theme

if TYPE_CHECKING:
    from weasyprint import Document
    from weasyprint.urls import URLFetcherResponse

# Bump when this module changes what it writes for the same inputs (invalidates skipped PDFs).
PDF_VERSION = "1"
PRINT_TEMPLATE = "print.html"
PHOTO_TEMPLATE = "_photo.html"
PRINT_COPIES = "anh-in"  # in .bantin-cache: each photo at its printed width and 300 dpi
PRINT_SCHEME = "bantin-anh"
PRINT_CSS = "print.css"
# Crop marks in the slug, outside the bleed, as print shops expect: WeasyPrint draws them
# from the sheet's edge over half the `bleed`, so 10 mm puts 5 mm marks 5-10 mm from the
# trim. The PDF's BleedBox stays 10 pt (3.5 mm) around the TrimBox (WeasyPrint's cap).
PRINT_SHOP_CSS = "@page { bleed: 10mm; marks: crop; }"
ARCHIVE_VARIANT = "pdf/a-3b"
BOOKLET_SUFFIX = "-a3-gap-doi.pdf"
PRINT_SHOP_SUFFIX = "-nha-in.pdf"
ARCHIVE_SUFFIX = "-luu-tru.pdf"

_TAG = re.compile(r"<[^>]*>")
_FONT_FACE = re.compile(r"@font-face\s*{([^}]*)}", re.S)
_FAMILY = re.compile(r"font-family\s*:\s*[\"']?([^;\"']+)")
_SRC_URL = re.compile(r"url\(\s*[\"']?([^\"')]+)")


@dataclass(frozen=True)
class PdfResult:
    path: Path  # the A4 file
    pages: int
    extras: tuple[Path, ...] = ()  # print-shop, booklet, archive files
    missing_glyphs: str = ""  # characters that no shipped font can print
    problems: tuple[str, ...] = ()  # WeasyPrint's warnings (missing photo, bad CSS…)
    seconds: float = 0.0
    skipped: bool = False  # unchanged since the last build: copied, not rendered


def pdf_file_name(config: SiteConfig, issue: Issue) -> str:
    """site.yml's pdf_name with {issue} (18), {number} (18), {label} (01, 18) and {year}:
    only these fields, never str.format (it reads attributes and pads without limit), and
    the result a plain file name."""
    return _pdf_file_name(config.pdf_name, issue.number, issue.number_label, issue.year)


@functools.lru_cache(maxsize=4096)  # every build names every issue's PDF (several times)
def _pdf_file_name(pattern: str, number: int, label: str, year: int) -> str:
    hint = 'viết ví dụ pdf_name: "ban-tin-cchc-so-{issue}-{year}.pdf"'
    shown = pattern if len(pattern) <= 80 else pattern[:79] + "…"
    why = pdf_name_problem(pattern)
    if why is not None:
        raise ContentError([Diagnostic(
            "site.yml", None, f'pdf_name "{shown}": {why}',
            "chỉ dùng {issue}, {number}, {label}, {year}, không thêm gì sau tên trong ngoặc; "
            + hint)])
    name = fill_pdf_name(pattern, {"issue": number, "number": number, "label": label,
                                   "year": year})
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    why = file_name_problem(name)
    if why is not None:
        raise ContentError([Diagnostic(
            "site.yml", None, f'pdf_name "{shown}" cho tên tệp "{name[:80]}": {why}',
            hint)])
    return name


def variant_path(path: Path, suffix: str) -> Path:
    """ban-tin-cchc-so-18-2026.pdf -> ban-tin-cchc-so-18-2026-a3-gap-doi.pdf."""
    return path.with_name(path.name[: -len(path.suffix)] + suffix)


def css_string(value: str) -> Markup:
    """A quoted CSS string, safe inside <style> (for running headers set from Python)."""
    escaped = "".join(c if c.isprintable() and c not in '"\\<>' else f"\\{ord(c):x} "
                      for c in value)
    return Markup(f'"{escaped}"')


# --------------------------------------------------------------------------- fonts


@dataclass(frozen=True)
class FontFace:
    family: str
    path: Path


def font_faces(css: str, css_path: Path, assets: dict[str, Path],
               asset_dirs: tuple[Path, ...]) -> tuple[FontFace, ...]:
    """The @font-face files of a stylesheet, resolved like the URL fetcher does."""
    faces = []
    base = css_path.parent
    for block in _FONT_FACE.findall(css):
        family, url = _FAMILY.search(block), _SRC_URL.search(block)
        if not family or not url or SCHEME.match(url.group(1)):
            continue
        rel = url.group(1).strip()
        winner = _asset_rel(base / rel, assets, asset_dirs)
        faces.append(FontFace(family.group(1).strip(), winner or (base / rel).resolve()))
    return tuple(faces)


@cache
def _cmap(path: Path, stamp: float) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def font_cmap(path: Path) -> frozenset[int]:
    """Code points a font file maps (cached per process, refreshed when the file changes)."""
    return _cmap(path, path.stat().st_mtime)


def uncovered(text: str, faces: tuple[FontFace, ...]) -> str:
    """Characters of `text` that some face of the families can't print, sorted."""
    needed = {ord(c) for c in text if not c.isspace() and c.isprintable()}
    missing: set[int] = set()
    for face in faces:
        if face.path.is_file():
            missing |= needed - font_cmap(face.path)
        else:
            missing |= needed
    return "".join(sorted(map(chr, missing)))


def html_text(markup: str) -> str:
    return html_lib.unescape(_TAG.sub(" ", markup))


# --------------------------------------------------------------------------- fetching


def _asset_rel(path: Path, assets: dict[str, Path], dirs: tuple[Path, ...]) -> Path | None:
    """The winning theme asset for a path under any asset folder (site first, then default)."""
    resolved = path.resolve()
    for folder in dirs:
        try:
            rel = resolved.relative_to(folder).as_posix()
        except ValueError:
            continue
        if rel in assets:
            return assets[rel]
    return None


def _asset_dirs(theme: Theme) -> tuple[Path, ...]:
    return tuple(p.resolve() for p in theme.assets)


def _make_fetcher(theme: Theme, assets: dict[str, Path], allowed: tuple[Path, ...],
                  copies: Path | None = None) -> Any:
    """A URL fetcher that reads local files only: theme assets (site overrides default by
    name, so a site can replace print.css and keep the shipped fonts), files under the site
    and print copies of photos (`bantin-anh:<name>`: one address wherever the copies are
    kept, so the PDF's bytes do not depend on it); never the network, so a build can't hang
    on an unreachable server."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    asset_dirs = _asset_dirs(theme)
    roots = tuple(p.resolve() for p in allowed) + asset_dirs

    class LocalFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(f"{PRINT_SCHEME}:") and copies is not None:
                name = url.split(":", 1)[1]
                if "/" in name or "\\" in name or name.startswith("."):
                    raise ValueError(f"tên bản in của ảnh không hợp lệ: {name}")
                path = copies / name
                mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
            parts = urlsplit(url)
            if parts.scheme != "file":
                raise ValueError(f"không tải tệp qua mạng khi in PDF: {url}")
            path = Path(unquote(parts.path))
            path = _asset_rel(path, assets, asset_dirs) or path.resolve()
            if not any(path.is_relative_to(r) for r in roots):
                raise ValueError(f"tệp nằm ngoài thư mục trang: {path}")
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                      {"Content-Type": mime})

    return LocalFetcher()


@contextmanager
def captured_warnings() -> Iterator[list[str]]:
    """The warnings of one render, to report them with the issue, in Vietnamese
    (result_warnings), never printed in English as they come: WeasyPrint's and its font
    subsetter's log records, pypdf's (the booklet), and Python warnings (Pillow's)."""
    found: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            found.append(record.getMessage())

    handler = Collect(logging.WARNING)
    loggers = [logging.getLogger(name) for name in _RENDER_LOGGERS]
    propagates = [logger.propagate for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            yield found
        found += [str(w.message) for w in said if not issubclass(w.category, _NOT_FOR_EDITORS)]
    finally:
        for logger, propagate in zip(loggers, propagates, strict=True):
            logger.removeHandler(handler)
            logger.propagate = propagate


@contextmanager
def weasyprint_temp(beside: Path) -> Iterator[None]:
    """WeasyPrint copies the @font-face files of every layout into a new weasyprint-* temp
    folder (2.5 MB) and removes it only when its FontConfiguration is collected, which a
    build's workers and `bantin build` (no cyclic collector, os._exit) never do. Its temp
    files go into a folder of ours beside the PDF for the time of the block, removed after
    (inside a staging folder, a killed build's is cleared by the next build)."""
    folder = Path(tempfile.mkdtemp(prefix=".bantin-tmp-", dir=beside))
    before = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield
    finally:
        tempfile.tempdir = before
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- rendering


_PRINT_ENV: dict[Hashable, jinja2.Environment] = {}


def print_environment(theme: Theme) -> jinja2.Environment:
    """The print template's environment, kept while the layout folders and their templates
    stay the same (`serve` builds again and again; compiling print.html costs ~15 ms)."""
    key = theme.layouts_key()
    env = _PRINT_ENV.get(key)
    if env is None:
        env = theme.environment()
        env.filters["css_string"] = css_string
        env.filters["keep_together"] = keep_together
        _PRINT_ENV.clear()
        _PRINT_ENV[key] = env
    return env


@dataclass
class PrintRenderer:
    """Compiled template, stylesheet and fonts of one site, reused for all its issues."""

    site: Site
    theme: Theme
    options: PdfOptions = field(default_factory=PdfOptions)
    photos: SitePhotos | None = None  # the site's photos, resolved; made when first needed
    copies: Path | None = None  # where print copies of photos are kept (a temporary folder)
    _cache: dict[str, Any] = field(default_factory=dict)  # WeasyPrint's shared image cache

    def __post_init__(self) -> None:
        self.assets = self.theme.asset_files()
        if PRINT_CSS not in self.assets:
            raise BantinError(f"thiếu tệp assets/{PRINT_CSS} để in PDF")
        self.css_path = self.assets[PRINT_CSS]
        css = self.css_path.read_text(encoding="utf-8")
        self.faces = font_faces(css, self.css_path, self.assets, _asset_dirs(self.theme))
        self.env = print_environment(self.theme)
        try:
            self.template = self.env.get_template(PRINT_TEMPLATE)
        except jinja2.TemplateNotFound:
            raise BantinError(f"thiếu mẫu layouts/{PRINT_TEMPLATE} để in PDF") from None

    @cached_property
    def copy_folder(self) -> Path:
        """Print copies of photos: kept in the cache, or (building without one) in a
        temporary folder removed with this renderer."""
        if self.copies is not None:
            return self.copies
        folder = Path(tempfile.mkdtemp(prefix="bantin-anh-in-"))
        weakref.finalize(self, shutil.rmtree, folder, True)
        return folder

    @cached_property
    def fetcher(self) -> Any:
        """Made on first use: importing WeasyPrint costs ~0.9 s, a build with nothing to
        render again never pays it."""
        return _make_fetcher(self.theme, self.assets, (self.site.root,), self.copy_folder)

    def html(self, issue: Issue, rendered: dict[str, Rendered], text_only: bool = False) -> str:
        """The final HTML that WeasyPrint lays out (`text_only`: photos not copied, for
        `check`, which only reads the text)."""
        if self.photos is None:
            self.photos = SitePhotos(self.site, rendered, dpi=self.options.dpi)
        macro = self.env.get_template(PHOTO_TEMPLATE).module.print_photo  # type: ignore[attr-defined]
        def show(photo: Photo) -> str:
            copy = "" if text_only else print_copy(photo, self.copy_folder, self.options.dpi).name
            return str(macro({"src": f"{PRINT_SCHEME}:{copy}",
                              "caption": photo.ref.caption,
                              "place": photo.ref.place, "mm": photo.print_mm()}))

        bodies = {a.rel: fill(rendered[a.rel].html, self.photos.of(a.rel), show)
                  for a in issue.articles}
        cfg = self.site.config
        return self.template.render(
            config=cfg, site=self.site, issue=issue, bodies=bodies,
            stylesheet=self.css_path.as_uri(),
            running_title=f"{cfg.site_name} – {issue.label}")

    def missing_glyphs(self, issue: Issue, document_html: str) -> str:
        """Characters no shipped face can print: the body text in the first family (the
        serif), the masthead, bands and running header in the other ones."""
        if not self.faces:
            return ""
        text = html_text(document_html.split("<body", 1)[-1])
        body_family = self.faces[0].family
        body_faces = tuple(f for f in self.faces if f.family == body_family)
        found = set(uncovered(text, body_faces))
        others = tuple(f for f in self.faces if f.family != body_family)
        cfg = self.site.config
        display = " ".join((cfg.title, cfg.publisher, cfg.site_name, issue.label, issue.banner,
                            *(g.section.name for g in issue.sections)))
        found |= set(uncovered(display, others))
        return "".join(sorted(found))

    def layout(self, document_html: str, print_shop: bool = False) -> Document:
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()
        extra = [CSS(string=PRINT_SHOP_CSS, font_config=fonts)] if print_shop else []
        doc = HTML(string=document_html, base_url=self.site.root.resolve().as_uri() + "/",
                   url_fetcher=self.fetcher)
        return doc.render(font_config=fonts, stylesheets=extra, **self.write_options())

    def write_options(self) -> dict[str, Any]:
        return {"dpi": self.options.dpi, "jpeg_quality": self.options.jpeg_quality,
                "cache": self._cache}

    def render(self, issue: Issue, rendered: dict[str, Rendered], out_path: Path,
               variants: bool = True) -> PdfResult:
        """The A4 file, and (`variants`) the print files the options ask for beside it."""
        started = time.perf_counter()
        document_html = self.html(issue, rendered)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        extras: list[Path] = []
        with captured_warnings() as problems, weasyprint_temp(out_path.parent):
            doc = self.layout(document_html)
            doc.write_pdf(out_path, **self.write_options())
            for suffix in _extra_suffixes(self.options) if variants else ():
                path = variant_path(out_path, suffix)
                self.write_variant(suffix, document_html, path, doc, out_path)
                extras.append(path)
        return PdfResult(out_path, len(doc.pages), tuple(extras),
                         self.missing_glyphs(issue, document_html),
                         tuple(dict.fromkeys(problems)), time.perf_counter() - started)

    def write_variant(self, suffix: str, document_html: str, dest: Path,
                      doc: Document | None = None, a4: Path | None = None) -> None:
        """One print file of an issue (print shop, booklet or archive); `doc` and `a4`: its
        A4 layout and file when they are made already (else made here)."""
        if suffix == PRINT_SHOP_SUFFIX:
            self.layout(document_html, print_shop=True).write_pdf(dest, **self.write_options())
            return
        doc = doc or self.layout(document_html)
        if suffix == ARCHIVE_SUFFIX:
            doc.write_pdf(dest, pdf_variant=ARCHIVE_VARIANT, **self.write_options())
            return
        if a4 is not None:
            impose_booklet(a4, dest)
            return
        a4 = dest.with_name(f".a4-{dest.name}")  # beside it, gone when imposed
        try:
            doc.write_pdf(a4, **self.write_options())
            impose_booklet(a4, dest)
        finally:
            a4.unlink(missing_ok=True)


def render_issue_pdf(site: Site, issue: Issue, rendered: dict[str, Rendered], theme: Theme,
                     out_path: Path, options: PdfOptions | None = None) -> PdfResult:
    """Write the A4 PDF of one issue (and the variants the options ask for)."""
    return PrintRenderer(site, theme, options or PdfOptions()).render(issue, rendered, out_path)


# --------------------------------------------------------------------------- booklet


def booklet_order(pages: int) -> list[tuple[int | None, int | None]]:
    """Page pairs (left, right) of each A3 side, 0-based, None for a blank page.

    Sheets are printed duplex (flip on the short edge) and nested, then folded and
    stapled: the first side holds the last and first pages, the next one pages 2 and n-1…
    """
    n = -(-pages // 4) * 4

    def page(p: int) -> int | None:
        return p if p < pages else None  # the padding at the end is blank

    sides: list[tuple[int | None, int | None]] = []
    for i in range(n // 4):
        sides.append((page(n - 1 - 2 * i), page(2 * i)))  # front of sheet i
        sides.append((page(2 * i + 1), page(n - 2 - 2 * i)))  # its back
    return sides


def impose_booklet(source: Path, target: Path) -> int:
    """Two A4 pages side by side on A3 landscape, in booklet order; returns the A3 sides."""
    try:
        from pypdf import PageObject, PdfReader, PdfWriter, Transformation
    except ImportError:  # pragma: no cover - pypdf is a dependency
        raise BantinError("cần gói pypdf để dàn trang in gấp đôi: pip install pypdf") from None
    reader = PdfReader(source)
    first = reader.pages[0]
    width, height = float(first.mediabox.width), float(first.mediabox.height)
    writer = PdfWriter()
    sides = booklet_order(len(reader.pages))
    for left, right in sides:
        sheet = PageObject.create_blank_page(width=2 * width, height=height)
        for index, dx in ((left, 0.0), (right, width)):
            if index is not None:
                sheet.merge_transformed_page(reader.pages[index],
                                             Transformation().translate(tx=dx, ty=0))
        writer.add_page(sheet)
    writer.add_metadata({k: str(v) for k, v in (reader.metadata or {}).items()})
    with target.open("wb") as f:
        writer.write(f)
    return len(sides)


# --------------------------------------------------------------------------- many issues


def theme_digest(theme: Theme, renderer_assets: dict[str, Path] | None = None,
                 digests: Callable[[Path], str] = file_digest) -> str:
    """Templates, print styles and fonts: what every issue's PDF depends on."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        weasyprint_version = version("weasyprint")
    except PackageNotFoundError:  # pragma: no cover - a source checkout of WeasyPrint
        import weasyprint

        weasyprint_version = weasyprint.__version__
    parts = [PDF_VERSION, weasyprint_version]
    for folder in theme.layouts:
        if folder.is_dir():
            for p in sorted(folder.glob("*.html")):
                if p.name.startswith(("print", "_")):
                    parts += [str(p), digests(p)]
    assets = renderer_assets if renderer_assets is not None else theme.asset_files()
    for rel, p in sorted(assets.items()):
        if rel.startswith(("print", "fonts/")) or rel.endswith(".css"):
            parts += [rel, digests(p)]
    return digest(*parts)


def issue_parts(issue: Issue, rendered: dict[str, Rendered], photos: SitePhotos,
                issue_key: str | None = None) -> list[str]:
    """What one issue's PDF depends on besides what all share (PdfTargets.a4_head): its
    articles as rendered, its issue file's values and the photos the articles show.
    `issue_key`: the site writer's digest of the issue and its articles as rendered, when
    known (it stands for them without hashing every article again)."""
    parts = [issue_key] if issue_key else [repr(issue), *(rendered[a.rel].html
                                                           for a in issue.articles)]
    return [*parts, IMAGES_VERSION, *(photos.key(a.rel) for a in issue.articles)]


def issue_pdf_rel(config: SiteConfig, issue: Issue) -> str:
    """public/<year>/<số>/<pdf name>, next to the issue page."""
    return f"{issue.year}/{issue.number}/{pdf_file_name(config, issue)}"


def _extra_suffixes(options: PdfOptions) -> tuple[str, ...]:
    return tuple(s for on, s in ((options.archive, ARCHIVE_SUFFIX),
                                 (options.print_shop, PRINT_SHOP_SUFFIX),
                                 (options.booklet, BOOKLET_SUFFIX)) if on)


def render_document(root: Path, document_html: str, dest: Path, options: PdfOptions,
                    copies: Path | None = None) -> list[str]:
    """Lay out and write one print document made by PrintRenderer.html: the same bytes as
    PrintRenderer.render writes, in a process that has nothing else of the site (serve
    renders PDFs this way, beside the HTML). Returns WeasyPrint's warnings."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from .theme import load_theme

    theme = load_theme(root)
    assets = theme.asset_files()
    fetcher = _make_fetcher(theme, assets, (root,), copies)
    write = {"dpi": options.dpi, "jpeg_quality": options.jpeg_quality, "cache": {}}
    with captured_warnings() as problems, weasyprint_temp(dest.parent):
        fonts = FontConfiguration()
        doc = HTML(string=document_html, base_url=root.resolve().as_uri() + "/",
                   url_fetcher=fetcher).render(font_config=fonts, stylesheets=[], **write)
        doc.write_pdf(dest, **write)
    return list(dict.fromkeys(problems))


@dataclass(frozen=True)
class PdfJob:
    """A stale issue PDF left for later (serve renders it in another process)."""

    issue: Issue
    target: Target
    targets: PdfTargets

    def document(self) -> str:
        return self.targets.renderer.html(self.issue, self.targets.rendered)

    def notes(self, document_html: str, problems: list[str]) -> list[str]:
        result = PdfResult(Path(self.target.path), 0, (),
                           self.targets.renderer.missing_glyphs(self.issue, document_html),
                           tuple(problems))
        return [json.dumps(astuple(d), ensure_ascii=False)
                for d in result_warnings(result, self.target.path)]


class PdfTargets:
    """The PDF of every issue (and the variants the options ask for) as targets: an issue's
    files are rendered again only when something its PDF shows changed."""

    def __init__(self, site: Site, rendered: dict[str, Rendered], theme: Theme,
                 options: PdfOptions | None = None,
                 digests: Callable[[Path], str] = file_digest,
                 issue_keys: dict[tuple[int, int], str] | None = None,
                 photos: SitePhotos | None = None, copies: Path | None = None) -> None:
        self.site = site
        self.rendered = rendered
        self.options = options or PdfOptions()
        self.photos = photos or SitePhotos(site, rendered, digests, dpi=self.options.dpi)
        self.renderer = PrintRenderer(site, theme, self.options, self.photos, copies)
        self.base = theme_digest(theme, self.renderer.assets, digests)
        self.digests = digests
        self.issue_of: dict[str, Issue] = {}
        self.issue_keys = issue_keys or {}

    def a4_key(self, issue: Issue) -> str:
        """What an issue's A4 PDF is made from (the print files asked for are not: asking
        for a booklet does not print the A4 file again)."""
        return digest(self.a4_head, *issue_parts(issue, self.rendered, self.photos,
                                                 self.issue_keys.get(issue.key)))

    @cached_property
    def a4_head(self) -> str:
        """What every issue's A4 PDF shares: the theme, the options and site.yml (hashed
        once, not for each issue)."""
        plain = replace(self.options, print_shop=False, booklet=False, archive=False)
        return digest(self.base, repr(plain), repr(self.site.config))

    def targets(self) -> list[Target]:
        """The A4 PDF of every issue, beside its page in the output folder."""
        out = []
        for issue in self.site.issues:
            rel = issue_pdf_rel(self.site.config, issue)
            out.append(Target((rel,), self.a4_key(issue), functools.partial(self.make, issue),
                              "pdf"))
            self.issue_of[rel] = issue
        return out

    def print_targets(self) -> list[Target]:
        """The print files asked for (print shop, booklet, archive), one target each, with
        the path of the A4 file's variant: they go to the print folder (build.py), not to
        the output that is published."""
        out = []
        for issue in self.site.issues:
            rel = Path(issue_pdf_rel(self.site.config, issue))
            for suffix in _extra_suffixes(self.options):
                key = digest(self.a4_key(issue), suffix)
                make = functools.partial(self.make_variant, issue, suffix)
                out.append(Target((variant_path(rel, suffix).as_posix(),), key, make, "pdf"))
        return out

    def make_variant(self, issue: Issue, suffix: str, dest: Path) -> list[str]:
        """Render one print file; WeasyPrint's warnings are the A4 file's, reported there."""
        document_html = self.renderer.html(issue, self.rendered)
        dest.parent.mkdir(parents=True, exist_ok=True)
        with captured_warnings(), weasyprint_temp(dest.parent):
            self.renderer.write_variant(suffix, document_html, dest)
        return []

    def glyph_warnings(self, targets: list[Target]) -> list[Diagnostic]:
        """Characters the fonts cannot print, in the issues of these (stale) PDF targets,
        found from their text without laying them out (what `check` can afford)."""
        out: list[Diagnostic] = []
        for t in targets:
            issue = self.issue_of[t.path]
            html = self.renderer.html(issue, self.rendered, text_only=True)
            missing = self.renderer.missing_glyphs(issue, html)
            out += result_warnings(PdfResult(Path(t.path), 0, (), missing), t.path)
        return out

    def job(self, target: Target) -> PdfJob:
        return PdfJob(self.issue_of[target.path], target, self)

    def make(self, issue: Issue, dest: Path) -> list[str]:
        """Render one issue; its warnings come back as notes (kept with the target)."""
        rel = issue_pdf_rel(self.site.config, issue)
        result = self.renderer.render(issue, self.rendered, dest, variants=False)
        return [json.dumps(astuple(d), ensure_ascii=False) for d in result_warnings(result, rel)]


def result_warnings(result: PdfResult, rel: str) -> list[Diagnostic]:
    """Missing glyphs and WeasyPrint's complaints, as build warnings."""
    out = []
    if result.missing_glyphs:
        chars = " ".join(f"{c} (U+{ord(c):04X})" for c in result.missing_glyphs)
        out.append(Diagnostic(rel, None, f"phông chữ kèm theo không có ký tự {chars}",
                              "thay bằng ký tự khác hoặc thêm phông vào assets/fonts/",
                              warning=True))
    for p in dict.fromkeys(result.problems):
        told = editor_warning(p)
        if told is not None:
            out.append(Diagnostic(rel, None, *told, warning=True))
    return out


def note_warnings(notes: list[str]) -> list[Diagnostic]:
    """The warnings kept as notes of PDF targets, back as Diagnostics (notes kept by an
    older bantin with WeasyPrint's English text are told in Vietnamese, or left out)."""
    out = []
    for n in notes:
        d = Diagnostic(*json.loads(n))
        if d.message.startswith(_OLD_NOTE):
            told = editor_warning(d.message[len(_OLD_NOTE):])
            if told is None:
                continue
            d = Diagnostic(d.path, d.line, *told, warning=True)
        out.append(d)
    return out


_OLD_NOTE = "WeasyPrint: "
_NOT_FOR_EDITORS = (DeprecationWarning, PendingDeprecationWarning, ImportWarning,
                    ResourceWarning)
_RENDER_LOGGERS = ("weasyprint", "fontTools", "pypdf")
# What a render says that needs nothing from the editor: the PDF is right (fonts subset
# the slower way when the HarfBuzz subset library is missing), or bantin reports it
# better elsewhere (photos by photos.py with file and line, glyphs by missing_glyphs).
_NOISE = (
    "Using fontTools instead of HarfBuzz-Subset", "Unable to subset", "HarfBuzz-Subset",
    "Please install HarfBuzz", "NOT subset", "Failed to load image", "Too many glyphs missing",
    "Palette images with Transparency", "Image size (", "Missing required \"lang\"",
    "has no required alt description",
)
_CSS_HINT = "sửa dòng đó trong assets/print.css (hoặc layouts/print.html) của trang"
_CSS_WHY = {"unknown property": "thuộc tính không có", "invalid value": "giá trị không hợp lệ",
            "invalid selector": "bộ chọn không hợp lệ"}
_TOLD: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], tuple[str, str]]], ...] = (
    (re.compile(r"Ignored `(.+?)` at (\d+):(\d+), (.+?)\.?$"),
     lambda m: (f"CSS của bản in: bỏ qua `{m[1]}` ở dòng {m[2]}, cột {m[3]} "
                f"({_CSS_WHY.get(m[4].strip(), 'không dùng được')})", _CSS_HINT)),
    (re.compile(r"Parse error at (\d+):(\d+)"),
     lambda m: (f"CSS của bản in viết sai ở dòng {m[1]}, cột {m[2]}", _CSS_HINT)),
    (re.compile(r"the whole (?:(@[\w-]+) )?rule was ignored at (\d+):(\d+)"),
     lambda m: (f"CSS của bản in: bỏ qua cả khối {m[1] or ''} ở dòng {m[2]}, cột {m[3]}"
                .replace("khối  ", "khối "), _CSS_HINT)),
    (re.compile(r"No anchor #(\S+) for internal URI reference"),
     lambda m: (f"liên kết tới #{m[1]} không dẫn tới đâu trong bản in",
                "sửa hoặc bỏ liên kết đó trong bài")),
    (re.compile(r"Anchor defined twice: '?([^']+)'?"),
     lambda m: (f"hai chỗ trong bản in cùng mang tên neo #{m[1]}",
                "đổi tên một trong hai (đề mục trùng tên, hoặc mẫu trang)")),
    (re.compile(r"Failed to load stylesheet at (\S+)"),
     lambda m: (f"không đọc được tệp CSS {m[1]} của bản in",
                "kiểm tra đường dẫn trong layouts/print.html")),
    (re.compile(r"(?:Font-face|Failed to load font at) '?\"?([^'\"]+)"),
     lambda m: (f"không nạp được phông {m[1].strip()} của bản in",
                "kiểm tra tệp phông trong assets/fonts/ và dòng @font-face trong print.css")),
    (re.compile(r"This row has more columns than the table, ignored (\d+) cells?"),
     lambda m: (f"một hàng của bảng có nhiều ô hơn các hàng khác: {m[1]} ô bị bỏ khi in",
                "sửa bảng trong bài cho mọi hàng cùng số cột")),
)


def editor_warning(problem: str) -> tuple[str, str] | None:
    """A render's warning as (message, hint) in Vietnamese, or None when it is noise."""
    if any(n in problem for n in _NOISE):
        return None
    for pattern, told in _TOLD:
        m = pattern.search(problem)
        if m:
            return told(m)
    # Not known yet: said in Vietnamese, the original kept for whoever looks after bantin.
    return ("bộ dàn trang PDF (WeasyPrint) có cảnh báo khi in số này",
            f'nguyên văn: "{clip(problem, 200)}" — báo cho người quản trị bantin nếu bản in '
            "bị sai")
