"""The build pipeline: sources -> model -> rendered fragments -> site (and later PDF)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .cache import Cache, digest
from .content import load_site
from .errors import Diagnostic, Diagnostics
from .markdown import RENDER_VERSION, Rendered, make_parser, render
from .model import Site
from .output import check_output_dir, staged_output
from .site import SiteWriter, collect
from .theme import load_theme

Say = Callable[[str], None]


@dataclass(frozen=True)
class BuildOptions:
    root: Path
    out: Path
    drafts: bool = False
    pdf: bool = True
    use_cache: bool = True


@dataclass
class BuildResult:
    site: Site
    pages: list[str]
    warnings: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0


def render_articles(site: Site, cache: Cache) -> dict[str, Rendered]:
    """Markdown of every article, rendered once; unchanged bodies come from the cache."""
    md = None
    out: dict[str, Rendered] = {}
    for a in site.articles:
        key = digest(RENDER_VERSION, str(a.body_line), a.body)
        hit = cache.get(key)
        if hit is None:
            md = md or make_parser()
            hit = render(md, a.body, a.body_line)
            cache.put(key, hit)
        out[a.rel] = hit
    return out


def load(root: Path, drafts: bool = False) -> tuple[Site, list[Diagnostic]]:
    """Load and validate; raises ContentError listing every error."""
    diags = Diagnostics(root=root)
    site = load_site(root, diags, drafts=drafts)
    return site, diags.warnings


def build(options: BuildOptions, say: Say = lambda _: None) -> BuildResult:
    started = time.perf_counter()
    root, out = options.root, options.out
    check_output_dir(out, root)
    site, warnings = load(root, options.drafts)
    n = len(site.articles)
    say(f"Đã đọc {n} bài trong {len(site.issues)} số bản tin.")
    cache = Cache(root, "markdown", enabled=options.use_cache)
    rendered = render_articles(site, cache)
    theme = load_theme(root)
    content = collect(site, rendered)

    shown = {-1}

    def progress(done: int, total: int) -> None:
        fifth = done * 5 // total
        if total >= 500 and fifth not in shown:
            shown.add(fifth)
            say(f"  … đã dựng {done}/{total} trang bài và số bản tin")

    with staged_output(out) as stage:
        pages = SiteWriter(content, theme, stage, progress).write_all()
    cache.save()
    return BuildResult(site, pages, warnings, time.perf_counter() - started)
