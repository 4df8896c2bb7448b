"""`bantin new`: a new article file with its front matter filled in."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

from .config import load_config
from .content import commune_display, load_site, parse_week, prefixed_title
from .errors import ContentError, Diagnostics, UsageError
from .model import Issue
from .text import closest, slugify


def _quote(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted string


def _existing_issue(root: Path, number: int, year: int | None) -> Issue | None:
    try:
        site = load_site(root, Diagnostics(root=root), drafts=True)
    except ContentError:
        return None  # broken content elsewhere must not stop an editor starting a new article
    found = [i for i in site.issues if i.number == number and (year is None or i.year == year)]
    return max(found, key=lambda i: i.year, default=None)


def new_article(root: Path, *, title: str, issue: int, year: int | None, commune: str | None,
                section: str | None, editor: str | None, week: str | None,
                default_week: str) -> Path:
    if issue < 1:
        raise UsageError("--issue phải là số từ 1 trở lên — ví dụ --issue 18")
    if not title.strip():
        raise UsageError('tiêu đề bài đang trống — viết ví dụ bantin new "Tiêu đề bài" --issue 18')
    config = load_config(root, Diagnostics(root=root))
    existing = _existing_issue(root, issue, year)
    if year is None:
        year = existing.year if existing else date.today().year
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
        editor = Counter(a.editor for a in existing.articles).most_common(1)[0][0]
    if not editor:
        raise UsageError('chưa biết người tổng hợp — thêm --editor "Họ tên"')
    if week is None and config.weekly:
        week = existing.week.label if existing and existing.week else default_week
    if week is not None:
        why = parse_week(week, year)[1]
        if why:
            raise UsageError(f'--week {why} — viết ví dụ --week 25/5-29/5')
    shown = prefixed_title(title, commune_display(commune)) if commune and sec and sec.local \
        else title
    slug = slugify(shown) or "bai-moi"
    path = root / "content" / str(year) / str(issue) / f"{slug}.md"
    if path.exists():
        raise UsageError(f"đã có tệp {path}, không ghi đè — đổi tiêu đề hoặc sửa tệp đó")
    lines = ["---", f"title: {_quote(title.strip())}", f"issue: {issue}", f"year: {year}"]
    if week:
        lines.append(f'week: "{week}"')
    if sec is not None:
        lines.append(f"section: {_quote(sec.name)}")
    if commune:
        lines.append(f"commune: {_quote(commune.strip())}")
    lines += ['author: ""', f"editor: {_quote(editor)}", "---", "",
              "Viết nội dung bài ở đây. Mỗi đoạn cách nhau một dòng trống.", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
