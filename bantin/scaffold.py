"""`bantin new`: a new article file with its front matter filled in."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .config import Section, SiteConfig, load_config
from .content import (
    commune_display,
    find_sources,
    parse_week,
    prefixed_title,
    read_articles,
    read_issue_meta,
)
from .errors import Diagnostics, UsageError
from .model import Article
from .paste import PLACEHOLDER
from .text import closest, slugify

# A weekly bulletin numbered within its year has at most 53 issues; a number above this is
# taken for a slip (the year typed as the issue, a digit too many) unless the site has it.
ISSUE_MAX = 100
YEARS = (2000, 2100)
# What `bantin new` writes: its placeholder text must not reach the published bulletin.
DRAFT_LINE = "draft: true  # bài nháp: xóa dòng này khi viết xong để đăng"


def _quote(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted string


def _readable_articles(root: Path, config: SiteConfig) -> list[Article]:
    """Every article that reads without errors, drafts too: a broken article elsewhere
    (or in this very issue) must not stop an editor starting a new one."""
    found = read_articles(find_sources(root), config, Diagnostics(root=root))
    return [a for a in found if a is not None]


def _issue_articles(articles: list[Article], number: int, year: int | None) -> list[Article]:
    """The articles of issue `number` (of `year`, or of the newest year that has one)."""
    found = [a for a in articles if a.issue == number and (year is None or a.year == year)]
    newest = max((a.year for a in found), default=None)
    return [a for a in found if a.year == newest]


def _issue_file_numbers(root: Path) -> set[int]:
    return {int(p.stem.split("-")[1]) for p in (root / "issues").glob("*-*.y*ml")
            if p.stem.split("-")[1].isdigit()}


def _check_number(root: Path, issue: int, year: int | None, articles: list[Article]) -> None:
    """Refuse an issue number or year no bulletin has (UsageError in Vietnamese)."""
    if issue < 1:
        raise UsageError("--issue phải là số từ 1 trở lên — ví dụ --issue 18")
    if year is not None and not YEARS[0] <= year <= YEARS[1]:
        raise UsageError(f"--year {year} không phải năm của bản tin — viết năm đủ 4 chữ số, "
                         f"từ {YEARS[0]} đến {YEARS[1]}, ví dụ --year 2026")
    known = {a.issue for a in articles} | _issue_file_numbers(root)
    if issue > ISSUE_MAX and issue not in known and issue > max(known, default=0) + 10:
        raise UsageError(
            f"--issue {issue}: số bản tin quá lớn (bản tin tuần có nhiều nhất 53 số mỗi năm) "
            "— kiểm tra lại, có nhầm số với năm không? Nếu bản tin đánh số liên tục qua các "
            f"năm, tạo trước tệp issues/{year or '<năm>'}-{issue}.yml rồi chạy lại")


@dataclass(frozen=True)
class ArticleMeta:
    """The front matter a new article gets, settled from the options and the issue."""

    issue: int
    year: int
    week: str | None
    section: Section | None
    commune: str | None
    editor: str
    order: int = 1  # after the articles the issue already has

    def shown_title(self, title: str) -> str:
        """The title as printed (with the "Xã …: " prefix in the local section)."""
        local = self.commune and self.section and self.section.local
        return prefixed_title(title, commune_display(self.commune or "")) if local else title

    def front_matter(self, title: str, author: tuple[str, ...] = (), source: str = "",
                     extra: tuple[str, ...] = ()) -> list[str]:
        lines = ["---", f"title: {_quote(title.strip())}", f"issue: {self.issue}",
                 f"year: {self.year}"]
        if self.week:
            lines.append(f'week: "{self.week}"')
        if self.section is not None:
            lines.append(f"section: {_quote(self.section.name)}")
        if self.commune:
            lines.append(f"commune: {_quote(self.commune.strip())}")
        if len(author) == 1:
            lines.append(f"author: {_quote(author[0])}")
        elif author:
            lines += ["author:"] + [f"  - {_quote(a)}" for a in author]
        else:
            lines.append('author: ""')
        if source:
            lines.append(f"source: {_quote(source)}")
        lines.append(f"editor: {_quote(self.editor)}")
        lines.append(f"order: {self.order}")
        return [*lines, *extra, "---"]


def _issue_file_year(root: Path, number: int) -> int | None:
    """The newest year with an issue file issues/<year>-<number>.yml."""
    years = [int(p.stem.split("-")[0]) for p in (root / "issues").glob(f"*-{number}.y*ml")
             if p.stem.split("-")[0].isdigit()]
    return max(years, default=None)


def _issue_file_week(root: Path, number: int, year: int) -> str | None:
    """The week an issue file gives, for an issue that has no article yet."""
    for path in sorted((root / "issues").glob(f"{year}-{number}.y*ml")):
        found = read_issue_meta(path, Diagnostics(root=root))
        if found and found[1].week:
            return found[1].week.label
    return None


def article_meta(root: Path, *, issue: int, year: int | None, commune: str | None,
                 section: str | None, editor: str | None, week: str | None,
                 default_week: str) -> ArticleMeta:
    """Settle a new article's front matter; UsageError (Vietnamese) when it cannot be."""
    config = load_config(root, Diagnostics(root=root))
    articles = _readable_articles(root, config)
    _check_number(root, issue, year, articles)
    existing = _issue_articles(articles, issue, year)
    if year is None:
        year = existing[0].year if existing else (_issue_file_year(root, issue)
                                                  or date.today().year)
    names = [s.name for s in config.sections]
    if section and section not in names:
        near = closest(section, names)
        raise UsageError(f'chuyên mục "{section}" không có trong site.yml — '
                         + (f'có phải ý bạn là "{near}"?' if near else "chọn: " + ", ".join(names)))
    local = config.local_section
    sec = config.section(section) if section else (local if commune and local else
                                                    config.sections[0])
    if sec is not None and sec.local and not commune:
        raise UsageError(f"bài chuyên mục {sec.name} cần --commune, ví dụ --commune \"Tân Kỳ\"")
    if editor is None and existing:
        editor = Counter(a.editor for a in existing).most_common(1)[0][0]
    if not editor:
        raise UsageError('chưa biết người tổng hợp — thêm --editor "Họ tên"')
    if week is None and config.weekly:
        weeks = Counter(a.week.label for a in existing if a.week)
        week = (_issue_file_week(root, issue, year)
                or (weeks.most_common(1)[0][0] if weeks else default_week))
    if week is not None:
        why = parse_week(week, year)[1]
        if why:
            raise UsageError(f'--week {why} — viết ví dụ --week 25/5-29/5')
    return ArticleMeta(issue, year, week, sec, commune, editor, _next_order(existing, sec))


def _next_order(existing: list[Article], section: Section | None) -> int:
    """The last place of the section: `order: N` is place N (content._placed), so past both
    the articles it has and the highest order any of them gives."""
    same = [a for a in existing if a.section == section]
    return 1 + max([len(same), *(a.order or 0 for a in same)])


def new_article(root: Path, *, title: str, issue: int, year: int | None, commune: str | None,
                section: str | None, editor: str | None, week: str | None,
                default_week: str) -> Path:
    if not title.strip():
        raise UsageError('tiêu đề bài đang trống — viết ví dụ bantin new "Tiêu đề bài" --issue 18')
    meta = article_meta(root, issue=issue, year=year, commune=commune, section=section,
                        editor=editor, week=week, default_week=default_week)
    shown = meta.shown_title(title)
    slug = slugify(shown) or "bai-moi"
    path = root / "content" / str(meta.year) / str(meta.issue) / f"{slug}.md"
    if path.exists():
        raise UsageError(f"đã có tệp {path}, không ghi đè — đổi tiêu đề hoặc sửa tệp đó")
    lines = [*meta.front_matter(title, extra=(DRAFT_LINE,)), "", PLACEHOLDER, ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
