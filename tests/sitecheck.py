"""Reading a built site back: links, anchors, feed and sitemap (used by several tests)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.meta: dict[str, str] = {}
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        if "id" in a:
            self.ids.add(a["id"])
        for key in ("href", "src"):
            if key in a and tag != "meta":
                self.links.append(a[key])
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta[a.get("property") or a["name"]] = a.get("content", "")


def parse_page(path: Path) -> PageParser:
    p = PageParser()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def broken_links(out: Path) -> list[str]:
    """Every relative link of every HTML page must resolve to a file (and its #anchor)."""
    pages = {p: parse_page(p) for p in out.rglob("*.html")}
    broken = []
    for page, parsed in pages.items():
        for link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if parts.path.endswith("/"):
                broken.append(f"{page.relative_to(out)}: {link} (thư mục, không mở được từ đĩa)")
            elif not target.is_file():
                broken.append(f"{page.relative_to(out)}: {link}")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse_page(target).ids
                if parts.fragment not in ids:
                    broken.append(f"{page.relative_to(out)}: {link} (thiếu #{parts.fragment})")
    return broken


def rfc3339(value: str) -> datetime:
    return datetime.fromisoformat(value)


def check_feed(path: Path) -> list[ET.Element]:
    """Validate the Atom feed's required elements; returns its entries."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{ATOM}feed"
    for child in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{child}") is not None, child
    rfc3339(root.findtext(f"{ATOM}updated") or "")
    entries = root.findall(f"{ATOM}entry")
    ids = set()
    for e in entries:
        for child in ("id", "title", "updated", "link", "content"):
            assert e.find(f"{ATOM}{child}") is not None, child
        rfc3339(e.findtext(f"{ATOM}updated") or "")
        ids.add(e.findtext(f"{ATOM}id"))
    assert len(ids) == len(entries), "entry ids must be unique"
    return entries


def sitemap_locs(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{SITEMAP}urlset"
    return [u.findtext(f"{SITEMAP}loc") or "" for u in root.findall(f"{SITEMAP}url")]


class _LiveMarkup(HTMLParser):
    """Finds markup that would run: inline or foreign scripts, on… handlers, javascript: URLs.

    The theme's own scripts (search page) are files of the site, loaded by relative src.
    """

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        src = dict(attrs).get("src") or ""
        own_script = tag == "script" and src.endswith(("assets/search.js", "chi-muc.js")) \
            and "//" not in src
        if tag in ("script", "iframe", "object", "embed") and not own_script:
            self.found.append(f"<{tag} src={src}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if value and value.strip().lower().startswith(("javascript:", "vbscript:")):
                self.found.append(f"{tag} {name}={value}")


def live_markup(html: str) -> list[str]:
    p = _LiveMarkup()
    p.feed(html)
    return p.found
