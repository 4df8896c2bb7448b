"""The loader and validator: every rule of the content model, with bad files."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest

from bantin.content import (
    commune_display,
    load,
    load_site,
    parse_week,
    prefixed_title,
    split_front_matter,
)
from bantin.errors import ContentError, Diagnostics

from .conftest import LOCAL, PROVINCIAL, write


def errors_of(root: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load(root)
    return [d.format() for d in info.value.diagnostics]


def replace(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


def other(text: str) -> str:
    """Another article of the same issue (a different title, so a different slug)."""
    return replace(text, "Thành lập Ban Chỉ đạo", "Kiện toàn Tổ giúp việc")


# ---------------------------------------------------------------- pure rules

@pytest.mark.parametrize(("value", "start", "end"), [
    ("25/5-29/5", date(2026, 5, 25), date(2026, 5, 29)),
    ("28/5 - 1/6", date(2026, 5, 28), date(2026, 6, 1)),
    ("29/12–2/1", date(2026, 12, 29), date(2027, 1, 2)),
])
def test_week_ranges(value: str, start: date, end: date) -> None:
    week, why = parse_week(value, 2026)
    assert why == "" and week is not None
    assert (week.start, week.end) == (start, end)


@pytest.mark.parametrize(("value", "reason"), [
    ("25/5", "không đúng dạng"),
    ("31/4-2/5", "31/4/2026 không có thật"),
    ("29/2-3/3", "29/2/2026 không có thật"),
    ("29/5-25/5", "trước ngày bắt đầu"),
    ("1/5-29/6", "dài hơn một tháng"),
])
def test_bad_week_ranges(value: str, reason: str) -> None:
    week, why = parse_week(value, 2026)
    assert week is None and reason in why


def test_commune_display_keeps_its_own_word() -> None:
    assert commune_display("Tân Kỳ") == "Xã Tân Kỳ"
    assert commune_display("phường Trường Vinh") == "Phường Trường Vinh"
    assert commune_display("Thị trấn Quỳ Hợp") == "Thị trấn Quỳ Hợp"


def test_title_prefix_added_once() -> None:
    assert prefixed_title("Mô hình lưu động", "Xã Vạn An") == "Xã Vạn An: Mô hình lưu động"
    assert prefixed_title("Xã Vạn An: Mô hình lưu động", "Xã Vạn An") == \
        "Xã Vạn An: Mô hình lưu động"
    assert prefixed_title("xã Vạn An - Mô hình", "Xã Vạn An") == "xã Vạn An - Mô hình"
    assert prefixed_title("Vạn An: Mô hình", "Xã Vạn An") == "Vạn An: Mô hình"
    # a title that names the commune in its first words is not prefixed again
    assert prefixed_title("Vạn An đổi mới", "Xã Vạn An") == "Vạn An đổi mới"
    assert prefixed_title("UBND xã Tân Kỳ được phê duyệt cấp độ 2", "Xã Tân Kỳ") == (
        "UBND xã Tân Kỳ được phê duyệt cấp độ 2")
    assert prefixed_title("Hội nghị chuyên đề của xã Tân Kỳ", "Xã Tân Kỳ") == (
        "Xã Tân Kỳ: Hội nghị chuyên đề của xã Tân Kỳ")
    assert prefixed_title("Ra mắt", "Phường Vinh") == "Phường Vinh: Ra mắt"


def test_front_matter_split_reports_body_line() -> None:
    split = split_front_matter("---\ntitle: A\n---\n\nThân bài\n")
    assert split == ("title: A\n", "\nThân bài\n", 4)
    assert split_front_matter("title: A\n") == "missing"
    assert split_front_matter("---\ntitle: A\n") == "unclosed"


# ---------------------------------------------------------------- a valid site

def test_site_with_only_content_loads_with_defaults(site: Path) -> None:
    loaded, warnings = load(site)
    assert warnings == []
    [issue] = loaded.issues
    assert issue.label == "Số 18 (25/5-29/5/2026)"
    assert [g.section.name for g in issue.sections] == ["TIN CCHC TỈNH", "TIN CCHC ĐỊA PHƯƠNG"]
    local = issue.sections[1].articles[0]
    assert local.title.startswith("Xã Tân Kỳ: UBND xã được phê duyệt")
    assert local.commune == "Xã Tân Kỳ" and local.commune_slug == "xa-tan-ky"
    assert local.editor_line == "Hương Chi tổng hợp"
    assert local.author == ("Phòng VHXH Tân Kỳ",)
    assert local.slug == "xa-tan-ky-ubnd-xa-duoc-phe-duyet-cap-do-an-toan-he-thong-thong-tin"


def test_section_defaults_follow_commune(tmp_path: Path) -> None:
    write(tmp_path, "content/a.md", replace(PROVINCIAL, "section: TIN CCHC TỈNH\n", ""))
    write(tmp_path, "content/b.md", replace(LOCAL, "title: UBND", "title: Ủy ban"))
    loaded, _ = load(tmp_path)
    by_title = {a.title[:8]: a.section.name for a in loaded.articles}
    assert by_title == {"Thành lậ": "TIN CCHC TỈNH", "Xã Tân K": "TIN CCHC ĐỊA PHƯƠNG"}


def test_bom_and_decomposed_text_are_normalised(tmp_path: Path) -> None:
    text = unicodedata.normalize("NFD", LOCAL)
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "nfd.md").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    loaded, _ = load(tmp_path)
    [a] = loaded.articles
    assert unicodedata.is_normalized("NFC", a.title + a.body)
    assert a.commune == "Xã Tân Kỳ"


def test_issue_file_supplies_masthead_and_order(site: Path) -> None:
    write(site, "issues/2026-18.yml", """\
        week: "25/5-29/5"
        date: 2026-05-29
        direction:
          - Nguyễn Việt Hưng, Giám đốc Sở Nội vụ
        editorial: Phòng Cải cách hành chính và Văn thư lưu trữ, Sở Nội vụ
        banner: BẢN TIN ĐIỆN TỬ
        order: [xa-tan-ky-ubnd-xa-duoc-phe-duyet-cap-do-an-toan-he-thong-thong-tin]
        """)
    loaded, _ = load(site)
    [issue] = loaded.issues
    assert issue.direction == ("Nguyễn Việt Hưng, Giám đốc Sở Nội vụ",)
    assert issue.banner == "BẢN TIN ĐIỆN TỬ" and issue.date == date(2026, 5, 29)


def test_drafts_are_skipped_unless_asked(site: Path) -> None:
    write(site, "content/2026/18/nhap.md", other(replace(PROVINCIAL, "order: 1", "draft: true")))
    assert len(load(site)[0].articles) == 2
    assert len(load(site, drafts=True)[0].articles) == 3


def test_commune_bulletin_without_week(tmp_path: Path) -> None:
    write(tmp_path, "site.yml", "weekly: false\nsections: [TIN CCHC XÃ]\n")
    write(tmp_path, "content/2026/1/a.md", replace(replace(PROVINCIAL, 'week: "25/5-29/5"\n', ""),
                                                  "section: TIN CCHC TỈNH", "issue: 1\nx: 1"
                                                  ).replace("issue: 18\n", ""))
    loaded, warnings = load(tmp_path)
    assert loaded.issues[0].label == "Số 01 (2026)"
    assert any('khóa "x"' in w.format() for w in warnings)


# ---------------------------------------------------------------- errors

def test_missing_required_keys_are_all_listed(tmp_path: Path) -> None:
    write(tmp_path, "content/a.md", "---\ntitle: Chỉ có tiêu đề\n---\n\nNội dung.\n")
    errors = errors_of(tmp_path)
    joined = "\n".join(errors)
    for key in ("issue", "year", "editor", "week"):
        assert f"thiếu {key}" in joined
    assert all(e.startswith("content/a.md:") for e in errors)


def test_errors_of_several_files_are_reported_together(site: Path) -> None:
    write(site, "content/2026/18/x.md", replace(PROVINCIAL, "issue: 18", "issue: mười tám"))
    write(site, "content/2026/18/y.md", replace(LOCAL, "year: 2026", "year: 26"))
    errors = errors_of(site)
    assert any(e.startswith("content/2026/18/x.md:3: issue phải là số nguyên") for e in errors)
    assert any(e.startswith("content/2026/18/y.md:4: year phải là số nguyên") for e in errors)
    assert all(" — " in e for e in errors)  # every error says what to write instead


def test_bad_week_points_at_its_line(site: Path) -> None:
    write(site, "content/2026/18/x.md", replace(PROVINCIAL, '"25/5-29/5"', '"31/4-2/5"'))
    [error] = errors_of(site)
    assert error.startswith("content/2026/18/x.md:5: week ngày 31/4/2026 không có thật")
    assert 'week: "25/5-29/5"' in error


def test_articles_of_one_issue_must_agree_on_the_week(site: Path) -> None:
    write(site, "content/2026/18/z.md", other(replace(PROVINCIAL, '"25/5-29/5"', '"26/5-29/5"')))
    errors = errors_of(site)
    assert len(errors) == 1
    assert "content/2026/18/z.md:5" in errors[0] or "content/2026/18/ban-chi-dao.md:5" in errors[0]
    assert "26/5-29/5" in errors[0] and "25/5-29/5" in errors[0]


def test_issue_file_disagreeing_with_articles_names_both(site: Path) -> None:
    write(site, "issues/2026-18.yml", 'week: "18/5-22/5"\n')
    errors = errors_of(site)
    assert errors and all("issues/2026-18.yml:1" in e for e in errors)
    assert errors[0].startswith("content/2026/18/")


def test_local_article_needs_a_commune(site: Path) -> None:
    write(site, "content/2026/18/x.md",
          replace(LOCAL, "commune: Tân Kỳ", "section: TIN CCHC ĐỊA PHƯƠNG"))
    [error] = errors_of(site)
    assert "thiếu commune" in error and "commune: Tân Kỳ" in error


def test_unknown_section_suggests_the_closest(site: Path) -> None:
    write(site, "content/2026/18/x.md", replace(PROVINCIAL, "TIN CCHC TỈNH", "TIN CCHC TINH"))
    [error] = errors_of(site)
    assert 'chuyên mục "TIN CCHC TINH"' in error and '"TIN CCHC TỈNH"' in error


def test_unknown_key_is_a_warning_with_a_suggestion(site: Path) -> None:
    write(site, "content/2026/18/x.md", other(replace(PROVINCIAL, "source:", "sourse:")))
    _, warnings = load(site)
    [w] = warnings
    assert w.warning and w.line == 7
    assert 'khóa "sourse"' in w.message and '"source"' in w.hint


def test_yaml_syntax_error_has_file_line(site: Path) -> None:
    write(site, "content/2026/18/x.md",
          replace(PROVINCIAL, "editor: Mai Dung", "editor: Mai Dung\nauthor: Hà: Hiền: x"))
    [error] = errors_of(site)
    assert error.startswith("content/2026/18/x.md:9: phần khai báo YAML viết sai")


def test_missing_and_unclosed_front_matter(site: Path) -> None:
    write(site, "content/2026/18/a.md", "Chỉ có nội dung, không khai báo.\n")
    write(site, "content/2026/18/b.md", "---\ntitle: Bài chưa đóng khai báo\n\nNội dung.\n")
    errors = errors_of(site)
    assert errors[0].startswith("content/2026/18/a.md:1: thiếu phần khai báo")
    assert errors[1].startswith("content/2026/18/b.md:1: phần khai báo mở bằng ---")


def test_non_utf8_file_is_named(site: Path) -> None:
    (site / "content/2026/18/cp1258.md").write_bytes(
        PROVINCIAL.replace("Thành lập", "Thanh lap").encode("utf-8")[:40] + b"\xd2\xe0 \xec\n")
    [error] = errors_of(site)
    assert error.startswith("content/2026/18/cp1258.md:") and "UTF-8" in error


def test_duplicate_slugs_in_an_issue(site: Path) -> None:
    write(site, "content/2026/18/copy.md", PROVINCIAL)
    [error] = errors_of(site)
    assert "trùng địa chỉ" in error and "content/2026/18/ban-chi-dao.md" in error


def test_bad_slug_is_the_only_error_order_does_not_add_one(site: Path) -> None:
    write(site, "content/2026/18/x.md",
          replace(PROVINCIAL, "order: 1", "slug: Bài Số 2\norder: 2"))
    write(site, "issues/2026-18.yml", "order: [bai-so-2, ban-chi-dao]\n")
    [error] = errors_of(site)
    assert "slug \"Bài Số 2\"" in error and "slug: bai-so-2" in error


def test_order_naming_a_missing_article_is_a_warning(site: Path) -> None:
    """An editor deletes an article the issue file still lists: the issue builds."""
    write(site, "issues/2026-18.yml", "order: [ban-chi-dao-so-ket]\n")
    diags = Diagnostics(root=site)
    load_site(site, diags)
    [warning] = [d.format() for d in diags.warnings if "order" in d.message]
    assert 'order nhắc tới bài "ban-chi-dao-so-ket" không có trong số này, bỏ qua' in warning
    assert "nếu bài đã bị xóa, xóa tên này khỏi order" in warning


def test_bad_issue_file_name(site: Path) -> None:
    write(site, "issues/so-18.yml", "week: 25/5-29/5\n")
    [error] = errors_of(site)
    assert error.startswith("issues/so-18.yml: tên tệp") and "2026-18.yml" in error


def test_bad_site_yml_is_reported(site: Path) -> None:
    write(site, "site.yml", "titel: X\nweekly: có\ncolors:\n  primary: đỏ\n")
    with pytest.raises(ContentError) as info:
        load(site)
    text = "\n".join(d.format() for d in info.value.diagnostics)
    assert "site.yml:2: weekly chỉ nhận true hoặc false" in text
    assert 'site.yml:3: màu primary "đỏ" không hợp lệ' in text


def test_a_big_first_read_gives_what_reading_file_by_file_gives(tmp_path: Path) -> None:
    """Past PARALLEL_MIN files and with nothing cached, the worker processes read the files
    themselves: articles, messages (in file order) and the stamps kept for the next build
    are those of reading each file on its own."""
    from bantin.config import load_config
    from bantin.content import LoadCache, read_articles
    from bantin.sources import find_sources
    from bantin.workers import PARALLEL_MIN

    for n in range(PARALLEL_MIN + 20):
        text = replace(LOCAL, "được phê duyệt", f"được phê duyệt lần {n}")
        write(tmp_path, f"content/2026/18/bai-{n:03d}.md", text)
    write(tmp_path, "content/2026/18/bai-007.md", replace(LOCAL, "issue: 18", "issue: [18"))
    write(tmp_path, "content/2026/18/bai-011.md", "Chỉ có nội dung, quên phần khai báo.\n")
    link = tmp_path / "content/2026/18/bai-013.md"
    link.unlink()
    link.symlink_to("/etc/hostname")  # found by walking, it is refused there: read here too
    paths = sorted([*find_sources(tmp_path), link])
    config = load_config(tmp_path, Diagnostics(root=tmp_path))

    one_by_one = Diagnostics(root=tmp_path)
    single = [read_articles([p], config, one_by_one)[0] for p in paths]
    together = Diagnostics(root=tmp_path)
    cache = LoadCache(tmp_path)
    assert not cache.can_hit()
    found = read_articles(paths, config, together, cache)

    assert found == single
    assert [d.format() for d in together.items] == [d.format() for d in one_by_one.items]
    assert len(together.errors) == 3
    # every file read is stamped, those with errors too (told again at once next time)
    fresh = {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in paths if p != link}
    assert {p: s[:2] for p, s in cache.stamps.items()} == fresh
    assert cache.can_hit()


# ---------------------------------------------------------------- the load cache

def _loaded(root: Path) -> dict[str, object]:
    from bantin.content import LoadCache

    site = load_site(root, Diagnostics(root=root), False, cache=LoadCache(root))
    return {a.rel: a for a in site.articles}


@pytest.fixture
def cached(site: Path) -> tuple[Path, dict[str, object]]:
    """The site read once with its load cache written: its articles, as parsed."""
    return site, _loaded(site)


def test_a_cached_article_reads_its_body_only_when_asked(
        cached: tuple[Path, dict[str, object]]) -> None:
    import pickle

    root, parsed = cached
    again = _loaded(root)
    assert again.keys() == parsed.keys()
    for rel, a in again.items():
        assert "body" not in vars(a)  # from the cache: every field but the body
        assert a.title == parsed[rel].title and a.url == parsed[rel].url
        assert "body" not in vars(a)
        assert a.body == parsed[rel].body and a.body  # read now, the text as written
        assert a == parsed[rel]
    lazy = next(iter(_loaded(root).values()))
    sent = pickle.loads(pickle.dumps(lazy))  # to another process: with its body
    assert sent == parsed[lazy.rel] and "_body_later" not in vars(sent)


def test_a_cached_article_whose_body_is_gone_is_read_again(
        cached: tuple[Path, dict[str, object]]) -> None:
    import sqlite3

    from bantin.cache import CACHE_DIR, DATABASE
    from bantin.content import BODIES

    root, parsed = cached
    with sqlite3.connect(root / CACHE_DIR / DATABASE) as db:
        db.execute("DELETE FROM entries WHERE store = ?", (BODIES,))
    again = _loaded(root)
    assert all("body" in vars(a) for a in again.values())  # parsed from the files
    assert again == parsed


def test_a_body_spoilt_after_it_was_listed_is_read_from_its_file_again(
        cached: tuple[Path, dict[str, object]]) -> None:
    """The file still holds what the article was read from: its body comes from there, and
    the next build finds it kept right. Changed meanwhile too: told in Vietnamese."""
    import sqlite3

    from bantin.cache import CACHE_DIR, DATABASE
    from bantin.content import BODIES
    from bantin.errors import BantinError

    root, parsed = cached
    lazy = list(_loaded(root).values())
    with sqlite3.connect(root / CACHE_DIR / DATABASE) as db:
        db.execute("UPDATE entries SET value = '[1]' WHERE store = ?", (BODIES,))
    first, last = lazy[0], lazy[-1]
    assert first.body == parsed[first.rel].body
    last.path.write_text(last.path.read_text(encoding="utf-8") + "\nThêm một câu.\n",
                         encoding="utf-8")
    with pytest.raises(BantinError, match=r"bộ nhớ đệm \.bantin-cache/ bị hỏng giữa lúc dựng"):
        last.body  # noqa: B018


def test_a_spoilt_body_read_from_its_file_is_kept_right_for_the_next_build(site: Path) -> None:
    import sqlite3

    from bantin import cache
    from bantin.cli import main
    from bantin.content import BODIES

    assert main(["build", "--root", str(site), "--no-pdf"]) == 0
    with sqlite3.connect(site / cache.CACHE_DIR / cache.DATABASE) as db:
        db.execute("UPDATE entries SET value = '[1]' WHERE store = ?", (BODIES,))
    told: list[str] = []
    old, cache.tell = cache.tell, told.append
    try:
        for n in range(2):  # an edit each time: the issue's other articles are checked again
            path = next((site / "content").rglob("*.md"))
            path.write_text(path.read_text(encoding="utf-8") + f"\nThêm câu {n}.\n",
                            encoding="utf-8")
            assert main(["build", "--root", str(site), "--no-pdf"]) == 0
    finally:
        cache.tell = old
    assert told == [cache.DAMAGED]
    with sqlite3.connect(site / cache.CACHE_DIR / cache.DATABASE) as db:
        spoilt = db.execute("SELECT COUNT(*) FROM entries WHERE store = ? AND value = '[1]'",
                            (BODIES,)).fetchone()[0]
        read = db.execute("SELECT COUNT(*) FROM entries WHERE store = ?", (BODIES,)).fetchone()[0]
    assert read and not spoilt  # the bodies read again were written back
