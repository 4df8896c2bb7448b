"""Full-text search: the index files, their incremental rebuild, and the search page in a
real headless Chromium, from disk (file://) and from a sub-path."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bantin.build import BuildOptions, build
from bantin.search import SHARDS, Doc, YearIndex, decode_ids, encode_ids, words

from .browser import browser, served_folder  # noqa: F401  - browser is a fixture
from .conftest import write
from .test_incremental import assert_same_as_cold, edit


def article(title: str, issue: int, year: int, week: str, body: str,
            commune: str | None = None, order: int | None = None) -> str:
    place = f"commune: {commune}\n" if commune else "section: TIN CCHC TỈNH\n"
    if order is not None:
        place += f"order: {order}\n"
    return (f"---\ntitle: {title}\nissue: {issue}\nyear: {year}\nweek: \"{week}\"\n{place}"
            f"editor: Mai Dung\n---\n\n{body}\n")


SITE_YML = """\
title: CẢI CÁCH HÀNH CHÍNH
sections:
  - TIN CCHC TỈNH
  - TIN CCHC ĐỊA PHƯƠNG
local_section: TIN CCHC ĐỊA PHƯƠNG
"""

# "thanh toán trực tuyến": in the title of an older article, in the body of a newer one.
TITLED = article("Đẩy mạnh thanh toán trực tuyến trong dịch vụ công", 50, 2025, "8/12-12/12",
                 "Ngày 10/12/2025, UBND tỉnh ban hành kế hoạch hướng dẫn người dân nộp phí, "
                 "lệ phí qua Cổng Dịch vụ công quốc gia.")
BODY_ONLY = article(
    "Kết quả cải cách hành chính quý I năm 2026", 18, 2026, "25/5-29/5",
    "Trong quý I, tỷ lệ hồ sơ được thanh toán trực tuyến đạt 87%.\n\n"
    "Xã đã phát hành cuốn sổ tay điện tử hướng dẫn thủ tục cho người dân, đăng trên trang "
    "thông tin điện tử của xã.", commune="Tân Kỳ")
OTHER = article("Hội nghị sơ kết công tác chuyển đổi số", 18, 2026, "25/5-29/5",
                "Hội nghị đánh giá kết quả chuyển đổi số sáu tháng đầu năm và giao nhiệm vụ "
                "cho các phòng, ban chuyên môn qua nhóm Zalo.")
SHORT = 40  # short articles of Số 17 that all say "chỉ số hài lòng": two pages


def make_site(root: Path) -> Path:
    write(root, "site.yml", SITE_YML)
    write(root, "content/2025/50/dich-vu-cong.md", TITLED)
    write(root, "content/2026/18/ket-qua-quy-1.md", BODY_ONLY)
    write(root, "content/2026/18/hoi-nghi.md", OTHER)
    for n in range(1, SHORT + 1):
        zalo = " Ý kiến gửi qua Zalo." if n == SHORT else ""
        write(root, f"content/2026/17/tin-{n}.md", article(
            f"Tin ngắn số {n} của xã", 17, 2026, "18/5-22/5",
            f"Kết quả khảo sát lần {n}: chỉ số hài lòng của người dân đạt {50 + n}%.{zalo}",
            order=n))
    return root


def make(root: Path, out: Path, cache: bool = True) -> list[str]:
    result = build(BuildOptions(root=root, out=out, pdf=False, use_cache=cache))
    return result.written


def script_data(path: Path) -> object:
    """The JSON a generated script passes to its function: BANTIN_X("key",<data>);"""
    text = path.read_text(encoding="utf-8")
    return json.loads(text[text.index(",") + 1: text.rindex(");")])


# -- index files


def test_words_are_folded_as_the_page_folds_a_query() -> None:
    assert words("Xã Tân Kỳ: 2.234 hồ sơ, “ĐẢNG” – Đạt 99,77%") == {
        "xa", "tan", "ky", "2", "234", "ho", "so", "dang", "dat", "99", "77"}
    decomposed = "Tha\u0300nh to\u0301an"  # NFD text pasted from Word
    assert words(decomposed) == {"thanh", "toan"}


@pytest.mark.parametrize("ids, n", [
    ([], 10), ([0], 1), ([3, 4, 9], 10), (list(range(500)), 500),
    ([k for k in range(520) if k % 7], 520), ([0, 31, 32, 1023, 1024, 40_000], 50_000)])
def test_article_lists_round_trip(ids: list[int], n: int) -> None:
    code = encode_ids(ids, n)
    assert decode_ids(code, n) == ids
    if len(ids) == n:
        assert len(code) == 1  # a word in every article costs one character


def test_a_year_of_word_files_and_its_article_lists(tmp_path: Path) -> None:
    out = tmp_path / "out"
    make(make_site(tmp_path / "site"), out)
    manifest = (out / "tim-kiem/chi-muc.js").read_text(encoding="utf-8")
    years = json.loads(manifest.split(" = ", 1)[1].rstrip().rstrip(";"))["nam"]
    assert [(y[0], y[2]) for y in years] == [(2026, [[18, 2], [17, SHORT]]), (2025, [[50, 1]])]
    assert sorted(p.name for p in (out / "tim-kiem/tu").iterdir()) == sorted(
        f"{y}-{s}.js" for y in (2025, 2026) for s in SHARDS)
    # Article numbers within 2026: Số 18 first (newest), in page order.
    label, entries = script_data(out / "tim-kiem/bai/2026-18.js")  # type: ignore[misc]
    assert label == "Số 18 (25/5-29/5/2026)"
    assert [e[0] for e in entries] == ["Hội nghị sơ kết công tác chuyển đổi số",
                                       "Xã Tân Kỳ: Kết quả cải cách hành chính quý I năm 2026"]
    assert all((out / e[1]).is_file() for e in entries)
    s_words = script_data(out / "tim-kiem/tu/2026-s.js")
    n = 2 + SHORT
    assert decode_ids(s_words["so"].split(",")[0], n) == list(range(n))  # type: ignore[index]
    # Articles 0 and 41: a gap of 40 takes two characters.
    zalo = script_data(out / "tim-kiem/tu/2026-z.js")["zalo"]  # type: ignore[index]
    assert len(zalo) == 3 and decode_ids(zalo, n) == [0, n - 1]
    t_words = script_data(out / "tim-kiem/tu/2026-t.js")
    tay = t_words["tay"]  # type: ignore[index]
    assert "," not in tay and decode_ids(tay, n) == [1]  # in the body only
    all_ids, title_ids = t_words["tan"].split(",")  # type: ignore[index]
    assert decode_ids(all_ids, n) == [1] and decode_ids(title_ids, n) == [1]  # "Xã Tân Kỳ: …"


def test_an_edit_rebuilds_the_index_of_its_year_only(tmp_path: Path) -> None:
    root, out = make_site(tmp_path / "site"), tmp_path / "out"
    make(root, out)
    edit(root / "content/2026/18/ket-qua-quy-1.md", "sổ tay điện tử", "sổ tay bỏ túi")
    index = {p for p in make(root, out) if p.startswith("tim-kiem/")}
    assert index == {"tim-kiem/chi-muc.js", "tim-kiem/bai/2026-18.js",
                     *(f"tim-kiem/tu/2026-{s}.js" for s in SHARDS)}
    assert "tui" in script_data(out / "tim-kiem/tu/2026-t.js")  # type: ignore[operator]
    assert_same_as_cold(root, out, tmp_path, "--no-pdf")
    # A new article of 2025 leaves 2026's word files and article lists alone.
    write(root, "content/2025/50/moi.md", TITLED.replace("Đẩy mạnh", "Tiếp tục đẩy mạnh"))
    index = {p for p in make(root, out) if p.startswith("tim-kiem/")}
    assert index == {"tim-kiem/chi-muc.js", "tim-kiem/bai/2025-50.js",
                     *(f"tim-kiem/tu/2025-{s}.js" for s in SHARDS)}
    assert_same_as_cold(root, out, tmp_path, "--no-pdf")


# -- in Chromium


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A portal folder with the site built into ban-tin/."""
    work = tmp_path_factory.mktemp("search")
    root = make_site(work / "site")
    out = work / "portal" / "ban-tin"
    make(root, out, cache=False)
    return out


@pytest.fixture(scope="module")
def http_base(portal: Path) -> Iterator[str]:
    """The site under /ban-tin/ of a local server, as on a commune portal."""
    with served_folder(portal.parent) as root:
        yield root + "ban-tin/"


@pytest.fixture(params=["file", "http"])
def base(request: pytest.FixtureRequest, portal: Path) -> str:
    if request.param == "file":
        return portal.as_uri() + "/"
    return request.getfixturevalue("http_base")


class SearchPage:
    def __init__(self, browser: object, base: str) -> None:  # noqa: F811
        self.page = browser.new_page()  # type: ignore[attr-defined]
        self.base = base
        self.problems: list[str] = []
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))
        self.page.on("console", lambda m: self.problems.append(m.text)
                     if m.type == "error" else None)
        self.page.on("requestfailed", lambda r: self.problems.append(f"{r.url} {r.failure}"))

    def open(self, query: str = "") -> None:
        self.page.goto(self.base + "tim-kiem/index.html"
                       + (f"?q={query.replace(' ', '+')}" if query else ""))

    def type(self, query: str) -> None:
        self.page.fill("#o-tim", query)

    def titles(self) -> list[str]:
        """The titles shown once the search has settled (typed or opened with ?q=)."""
        self.page.locator("#ket-qua:not([aria-busy])").wait_for(state="attached")
        return self.page.locator("#ket-qua h3 a").all_inner_texts()

    def count(self) -> str:
        return self.page.locator("#ket-qua-dem").inner_text()


@pytest.mark.browser
def test_a_phrase_of_the_body_is_found_with_and_without_diacritics(browser: object,  # noqa: F811
                                                                   base: str) -> None:
    page = SearchPage(browser, base)
    page.open("so tay dien tu")
    want = ["Xã Tân Kỳ: Kết quả cải cách hành chính quý I năm 2026"]
    assert page.titles() == want
    assert page.count() == "Tìm thấy 1 bài"
    meta = page.page.locator("#ket-qua li p").inner_text()
    assert meta.startswith("Bản tin Số 18 (25/5-29/5/2026) · Xã Tân Kỳ — Trong quý I")
    page.type("Sổ tay ĐIỆN TỬ")
    assert page.titles() == want
    page.type("sổ tay điện tử khongcobainaoco")
    assert page.titles() == []
    assert "Không tìm thấy" in page.count()
    page.type("so tay dien t")  # the last word while it is being typed
    assert page.titles() == want
    page.type("so tay dien t ")  # ... and once it is finished
    assert page.titles() == []
    page.type("so tay dien tu")
    page.titles()
    page.page.click("#ket-qua h3 a")
    page.page.wait_for_load_state()
    assert page.page.url.startswith(base + "2026/18/")
    assert page.page.locator("h1").inner_text() == want[0]
    assert page.problems == []
    page.page.close()


@pytest.mark.browser
def test_title_matches_come_before_newer_body_matches(browser: object,  # noqa: F811
                                                      base: str) -> None:
    page = SearchPage(browser, base)
    page.open("thanh toán trực tuyến")
    assert page.titles() == ["Đẩy mạnh thanh toán trực tuyến trong dịch vụ công",
                             "Xã Tân Kỳ: Kết quả cải cách hành chính quý I năm 2026"]
    page.type("thanh toan truc tuyen")
    assert page.titles()[0] == "Đẩy mạnh thanh toán trực tuyến trong dịch vụ công"
    assert page.problems == []
    page.page.close()


@pytest.mark.browser
def test_words_far_apart_and_in_every_article_decode_in_the_page(browser: object,  # noqa: F811
                                                                 base: str) -> None:
    page = SearchPage(browser, base)
    page.open("zalo")
    assert page.titles() == ["Hội nghị sơ kết công tác chuyển đổi số", f"Tin ngắn số {SHORT} của xã"]
    page.type("số")  # in every article: written as the articles it is not in
    page.titles()
    assert page.count() == f"Tìm thấy {SHORT + 3} bài"
    assert page.problems == []
    page.page.close()


@pytest.mark.browser
def test_many_results_come_a_page_at_a_time(browser: object, portal: Path) -> None:  # noqa: F811
    page = SearchPage(browser, portal.as_uri() + "/")
    page.open("chi so hai long")
    titles = page.titles()
    assert page.count() == f"Tìm thấy {SHORT} bài"
    assert titles == [f"Tin ngắn số {n} của xã" for n in range(1, 21)]
    more = page.page.locator("#xem-them")
    assert more.inner_text() == "Xem thêm 20 bài"
    more.click()
    assert len(page.titles()) == SHORT
    assert page.page.locator("#ket-qua li").count() == SHORT
    assert more.is_hidden()
    assert page.problems == []
    page.page.close()


# -- the index kept while serve runs

WORD_POOL = ["xa", "tan", "ky", "ho", "so", "2026", "18", "thu", "tuc", "cong", "dan", "zalo",
             "a", "b", "0"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sets(st.sampled_from(WORD_POOL), max_size=8),
                          st.sets(st.sampled_from(WORD_POOL), max_size=3)),
                min_size=1, max_size=12),
       st.lists(st.tuples(st.integers(0, 11), st.sets(st.sampled_from(WORD_POOL), max_size=8),
                          st.sets(st.sampled_from(WORD_POOL), max_size=3)), max_size=6))
def test_a_kept_year_index_updated_by_edits_writes_what_a_fresh_one_writes(
        before: list[tuple[set[str], set[str]]],
        edits: list[tuple[int, set[str], set[str]]]) -> None:
    found: dict[str, tuple[frozenset[str], frozenset[str]]] = {}

    def doc(n: int, every: set[str], title: set[str]) -> Doc:
        key = f"{n}:{sorted(every)}:{sorted(title)}"
        found[key] = (frozenset(every | title), frozenset(title))
        return Doc(None, None, "", key)  # type: ignore[arg-type]  - words come from `found`

    def words_of(d: Doc) -> tuple[frozenset[str], frozenset[str]]:
        return found[d.key]

    docs = [doc(n, every, title) for n, (every, title) in enumerate(before)]
    kept = YearIndex(2026, docs, words_of)
    for k, every, title in edits:
        docs[k % len(docs)] = doc(k, every, title)
        assert kept.update(docs)
        assert kept.texts == YearIndex(2026, docs, words_of).texts
