"""The validated site model: what the sources say, before anything is rendered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from .config import Section, SiteConfig


@dataclass(frozen=True)
class Week:
    """A bulletin's week range, e.g. 25/5-29/5 of 2026."""

    start: date
    end: date

    @property
    def label(self) -> str:
        return f"{self.start.day}/{self.start.month}-{self.end.day}/{self.end.month}"


@dataclass(frozen=True)
class Article:
    path: Path  # absolute source path
    rel: str  # path relative to the site root, with "/"
    title: str  # as displayed, with the "Xã …: " prefix in the local section
    issue: int
    year: int
    week: Week | None
    editor: str
    section: Section
    commune: str | None  # display form: "Xã Tân Kỳ", "Phường Vinh"
    commune_slug: str | None
    author: tuple[str, ...]
    source: str
    slug: str
    order: int | None
    date: date | None
    draft: bool
    tags: tuple[str, ...]
    body: str
    body_line: int  # file line of the body's first line
    keep_repeats: bool = False  # front matter keep_repeats: true — never drop a repeat
    gallery: bool = False  # front matter gallery: true — photos on their own lines form galleries
    # Pushed-right lines that ended the body (blanked there), printed in the closing block.
    signature: tuple[str, ...] = ()
    paragraph_rule: str = "lines"  # site.yml paragraphs: how body lines become paragraphs
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    # Digest of the file's bytes, its path and the site config: everything this article was
    # read from, so a key for whatever is made from the article alone (renders, checks).
    origin: str = field(default="", compare=False)

    @cached_property
    def url(self) -> str:
        return f"{self.year}/{self.issue}/{self.slug}/index.html"

    def __getattr__(self, name: str) -> Any:
        """The body of an article taken from the load cache, read when first asked for
        (article_with_body_later): a build after one edit never needs the 2,599 others'."""
        fetch = self.__dict__.get("_body_later") if name == "body" else None
        if fetch is None:
            raise AttributeError(name)
        body = fetch()
        object.__setattr__(self, "body", body)
        self.__dict__.pop("_body_later", None)  # (serve's PDF thread may have read it too)
        return body

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (sent to another process) with its body, never with the reader of it."""
        if "_body_later" in self.__dict__:
            self.body  # noqa: B018 - read now
        return dict(self.__dict__)

    @property
    def editor_line(self) -> str:
        editor = self.editor.strip()
        return editor if editor.lower().endswith("tổng hợp") else f"{editor} tổng hợp"


@dataclass(frozen=True)
class IssueMeta:
    """What issues/<year>-<số>.yml says about one issue."""

    path: Path
    week: Week | None = None
    date: date | None = None
    direction: tuple[str, ...] | None = None
    editorial: str | None = None
    banner: str | None = None
    order: tuple[str, ...] = ()
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class SectionGroup:
    section: Section
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Issue:
    year: int
    number: int
    week: Week | None
    date: date
    direction: tuple[str, ...]
    editorial: str
    banner: str
    sections: tuple[SectionGroup, ...]

    @cached_property
    def articles(self) -> tuple[Article, ...]:
        return tuple(a for g in self.sections for a in g.articles)

    @property
    def url(self) -> str:
        return f"{self.year}/{self.number}/index.html"

    @property
    def key(self) -> tuple[int, int]:
        return (self.year, self.number)

    @property
    def label(self) -> str:
        """ "Số 18 (25/5-29/5/2026)" or "Số 01 (2026)"."""
        if self.week:
            return f"Số {self.number_label} ({self.week.label}/{self.week.end.year})"
        return f"Số {self.number_label} ({self.year})"

    @property
    def number_label(self) -> str:
        """Issue numbers print with two digits, as on the bulletins: 01, 18, 120."""
        return f"{self.number:02d}"


@dataclass(frozen=True)
class Site:
    root: Path
    config: SiteConfig
    issues: tuple[Issue, ...]  # newest first

    @cached_property
    def articles(self) -> tuple[Article, ...]:
        return tuple(a for i in self.issues for a in i.articles)


# ---------------------------------------------------------------- plain data (caches)

def _week_json(w: Week | None) -> list[str] | None:
    return [w.start.isoformat(), w.end.isoformat()] if w else None


def _week_of(v: list[str] | None) -> Week | None:
    return Week(date.fromisoformat(v[0]), date.fromisoformat(v[1])) if v else None


def article_to_json(a: Article) -> dict[str, Any]:
    """An article as JSON data (the load cache keeps these; no code runs when reading it)."""
    out: dict[str, Any] = {}
    for f in fields(Article):
        v = getattr(a, f.name)
        if isinstance(v, Path):
            v = str(v)
        elif isinstance(v, Week):
            v = _week_json(v)
        elif isinstance(v, Section):
            v = [v.name, v.slug, v.local]
        elif isinstance(v, date):
            v = v.isoformat()
        elif isinstance(v, tuple):
            v = list(v)
        out[f.name] = v
    return out


def article_from_json(d: dict[str, Any], path: Path | None = None,
                      body_later: Callable[[], str] | None = None) -> Article:
    """`path`: the article's file when the caller has it already (saves making one).
    `body_later`: when `d` has no body, what reads it when it is first asked for."""
    values = {
        **d, "path": path or Path(d["path"]), "week": _week_of(d["week"]),
        "section": Section(*d["section"]), "author": tuple(d["author"]),
        "date": date.fromisoformat(d["date"]) if d["date"] else None,
        "tags": tuple(d["tags"]), "signature": tuple(d["signature"]),
    }
    if body_later is None:
        return Article(**values)
    return article_with_body_later(values, body_later)


def article_with_body_later(values: dict[str, Any], body_later: Callable[[], str]) -> Article:
    """An Article with every field but its body, which `body_later` gives when asked for
    (the dataclass's __init__ would want it now; it checks nothing a cached article needs)."""
    article = object.__new__(Article)
    state = article.__dict__
    for name in _BUT_BODY:
        state[name] = values[name]
    state["_body_later"] = body_later
    return article


_BUT_BODY = tuple(f.name for f in fields(Article) if f.name != "body")
