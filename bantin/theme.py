"""Template and asset lookup: the site's own layouts/ and assets/ override the defaults."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .cache import file_digest

_PACKAGE = Path(__file__).resolve().parent


def default_dir(name: str) -> Path:
    """The default theme folder: inside the installed package, or the repository's top level."""
    installed = _PACKAGE / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


@dataclass(frozen=True)
class Theme:
    layouts: tuple[Path, ...]  # site first, then defaults
    assets: tuple[Path, ...]

    def asset_files(self) -> dict[str, Path]:
        """Relative asset path -> the file that wins (site overrides default by name)."""
        found: dict[str, Path] = {}
        for folder in reversed(self.assets):
            if folder.is_dir():
                for p in sorted(folder.rglob("*")):
                    rel = p.relative_to(folder)
                    if p.is_file() and not rel.name.startswith((".", "__")) and \
                            "__pycache__" not in rel.parts:
                        found[rel.as_posix()] = p
        return found

    def layouts_key(self) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
        """Which layout folders exist, the templates in each and a digest of their bytes: a
        kept environment is good while this stays the same (it never looks at its files
        again, see `environment`)."""
        return tuple((str(p), tuple(sorted((f.relative_to(p).as_posix(), _layout_digest(f))
                                           for f in p.rglob("*") if f.is_file())))
                     for p in self.layouts if p.is_dir())

    def environment(self) -> jinja2.Environment:
        """Templates are compiled once per environment: with Jinja2's auto_reload, every
        page asked the system for the time stamps of its template and of each one it
        includes (14,000 calls on a big archive). A changed template changes
        layouts_key, and callers keep environments by it."""
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(p) for p in self.layouts if p.is_dir()]),
            autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
            auto_reload=False,
        )
        return env


def _layout_digest(path: Path) -> str:
    try:
        return file_digest(path)
    except OSError:  # unreadable: Jinja2 will say so if a page needs it
        return ""


def load_theme(root: Path) -> Theme:
    return Theme(
        layouts=(root / "layouts", default_dir("layouts")),
        assets=(root / "assets", default_dir("assets")),
    )


def template_error_message(exc: BaseException, root: Path | None = None) -> str:
    """A template error as an editor reads it: the template file (relative to the site's
    folder when it is in it) and line first."""

    def shown(name: str) -> str:
        if root is not None and Path(name).is_relative_to(root):
            return Path(name).relative_to(root).as_posix()
        return name

    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"{shown(exc.filename or exc.name or '')}:{exc.lineno}: mẫu trang viết sai: " \
            f"{exc.message}"
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"không tìm thấy mẫu trang {exc.name}"
    # Undefined names and other render errors: point at the deepest template frame.
    tb, where = exc.__traceback__, ""
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".html", ".xml")):
            where = f"{shown(name)}:{tb.tb_lineno}: "
        tb = tb.tb_next
    said = re.sub(r"^'(.+)' is undefined$", r"không có biến '\1'", str(exc))
    said = re.sub(r"has no attribute '(.+)'$", r"không có thuộc tính '\1'", said)
    return f"{where}lỗi khi dựng mẫu trang: {said}"
