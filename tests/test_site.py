"""End-to-end builds: pages, links, feed, sitemap, theme overrides, escaping."""

from __future__ import annotations

from pathlib import Path

import pytest

from bantin.cli import main

from .conftest import LOCAL, REPO, write
from .sitecheck import broken_links, check_feed, live_markup, parse_page, sitemap_locs


def build(root: Path, out: Path, *extra: str) -> None:
    assert main(["build", "--root", str(root), "--out", str(out), "--no-pdf", *extra]) == 0


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "public"
    build(REPO, out, "--no-cache")
    return out


def test_sample_issue_18_pages(sample_out: Path) -> None:
    issue = sample_out / "2026/18/index.html"
    html = issue.read_text(encoding="utf-8")
    for text in ("CẢI CÁCH HÀNH CHÍNH", "BẢN TIN NỘI BỘ CỦA CƠ QUAN THƯỜNG TRỰC CCHC TỈNH NGHỆ AN",
                 "SỐ 18", "25/5-29/5", "CHỈ ĐẠO NỘI DUNG", "Nguyễn Việt Hưng",
                 "BIÊN TẬP VÀ TRÌNH BÀY", "TIN CCHC TỈNH", "TIN CCHC ĐỊA PHƯƠNG",
                 "Xã Vạn An: ", "Xã Tân Châu: ", "Mai Dung tổng hợp", "Hương Chi tổng hợp",
                 "Theo Cổng Thông tin điện tử tỉnh Nghệ An - nghean.gov.vn"):
        assert text in html, text
    assert html.index("TIN CCHC TỈNH</h2>") < html.index("TIN CCHC ĐỊA PHƯƠNG</h2>")
    articles = [p for p in (sample_out / "2026/18").iterdir() if p.is_dir()]
    assert len(articles) == 9
    assert html.count('<article class="bai"') == 9


def test_sample_pages_are_vietnamese_and_shareable(sample_out: Path) -> None:
    page = next((sample_out / "2026/18").glob("xa-van-an*/index.html"))
    parsed = parse_page(page)
    assert parsed.lang == "vi"
    assert parsed.meta["og:type"] == "article"
    assert parsed.meta["og:title"].startswith("Xã Vạn An: ")
    assert parsed.meta["og:url"].startswith("https://") and parsed.meta["og:url"].endswith("/")
    assert len(parsed.meta["og:description"]) > 40
    assert "viewport" in parsed.meta


def test_every_internal_link_resolves(sample_out: Path) -> None:
    assert broken_links(sample_out) == []


def test_listing_pages(sample_out: Path) -> None:
    tan_ky = (sample_out / "dia-phuong/xa-tan-ky/index.html").read_text(encoding="utf-8")
    assert tan_ky.count("<h3>") == 2  # two Tân Kỳ articles in Số 18
    local = (sample_out / "chuyen-muc/tin-cchc-dia-phuong/index.html").read_text(encoding="utf-8")
    assert local.count("<h3>") == 6
    archive = (sample_out / "luu-tru/index.html").read_text(encoding="utf-8")
    assert "Năm 2026" in archive and "Số 18 (25/5-29/5/2026)" in archive
    home = (sample_out / "index.html").read_text(encoding="utf-8")
    assert 'href="2026/18/index.html"' in home
    assert (sample_out / "404.html").is_file()


def test_feed_and_sitemap_are_valid(sample_out: Path) -> None:
    entries = check_feed(sample_out / "feed.xml")
    assert len(entries) == 9
    locs = sitemap_locs(sample_out / "sitemap.xml")
    base = "https://"
    assert locs and all(loc.startswith(base) for loc in locs)
    html_pages = [p for p in sample_out.rglob("*.html") if p.name != "404.html"]
    assert len(locs) == len(html_pages)


def test_search_index_lists_every_article(sample_out: Path) -> None:
    import json

    from bantin.search import decode_ids

    text = (sample_out / "tim-kiem/chi-muc.js").read_text(encoding="utf-8")
    assert text.startswith("window.BANTIN_CHI_MUC = ")
    years = json.loads(text.split(" = ", 1)[1].rstrip().rstrip(";"))["nam"]
    assert [(y[0], y[2]) for y in years] == [(2026, [[18, 9]])]
    chunk = (sample_out / "tim-kiem/bai/2026-18.js").read_text(encoding="utf-8")
    label, entries = json.loads(chunk.split(",", 1)[1].rstrip().rstrip(");"))
    assert label == "Số 18 (25/5-29/5/2026)" and len(entries) == 9
    assert all((sample_out / e[1]).is_file() for e in entries)
    words = (sample_out / "tim-kiem/tu/2026-k.js").read_text(encoding="utf-8")
    table = json.loads(words.split(",", 1)[1].rstrip().rstrip(");"))
    tan_ky = [entries[k][2] for k in decode_ids(table["ky"].split(",")[0], 9)]
    assert tan_ky.count("Xã Tân Kỳ") == 2


def test_site_with_only_content_builds(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(site, out)
    assert (out / "2026/18/index.html").is_file()
    assert (out / "assets/site.css").is_file()
    assert broken_links(out) == []
    check_feed(out / "feed.xml")
    assert not (out / "sitemap.xml").exists()  # no base_url: no sitemap (it needs absolute URLs)


def test_markup_in_sources_never_goes_live(site: Path, tmp_path: Path) -> None:
    write(site, "content/2026/18/xss.md", """\
        ---
        title: "<script>alert(1)</script> Ban <b onmouseover=x>đậm</b>"
        issue: 18
        year: 2026
        week: "25/5-29/5"
        source: "<img src=x onerror=alert(1)> Theo nghean.gov.vn"
        editor: "<i>Mai Dung</i>"
        ---

        <script>alert(2)</script>

        [bấm](javascript:alert(3)) <a href="javascript:x">y</a> ![ảnh](javascript:alert(4))
        """)
    out = tmp_path / "out"
    build(site, out)
    for page in out.rglob("*.html"):
        live = live_markup(page.read_text(encoding="utf-8"))
        assert live == [], (page, live)
    assert "&lt;script&gt;alert(2)" in (out / "2026/18/index.html").read_text(encoding="utf-8")
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert "<script" not in feed


def test_site_layouts_and_assets_override_defaults(site: Path, tmp_path: Path) -> None:
    write(site, "layouts/404.html", "<!doctype html><html lang=vi><p>Trang riêng của xã</p></html>")
    write(site, "assets/site.css", "body { color: #123456 }")
    write(site, "assets/logo-xa.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    out = tmp_path / "out"
    build(site, out)
    assert "Trang riêng của xã" in (out / "404.html").read_text(encoding="utf-8")
    assert (out / "assets/site.css").read_text(encoding="utf-8") == "body { color: #123456 }"
    assert (out / "assets/logo-xa.svg").is_file()
    assert "Xã Tân Kỳ" in (out / "2026/18/index.html").read_text(encoding="utf-8")


def test_print_only_assets_stay_out_of_the_website(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(site, out)
    assert not (out / "assets/print.css").exists()
    # the web fonts and their licence, never the PDF's 2.6 MB of fonts
    assert (out / "assets/fonts/web/Tinos-Regular.woff2").is_file()
    assert (out / "assets/fonts/OFL-Tinos.txt").is_file()
    assert not list((out / "assets/fonts").glob("*.ttf"))
    # a site stylesheet that uses a shipped font gets the fonts (and their licences)
    write(site, "assets/site.css",
          '@font-face { font-family: T; src: url("fonts/Tinos-Regular.ttf"); }')
    build(site, out)
    assert (out / "assets/fonts/Tinos-Regular.ttf").is_file()
    assert (out / "assets/fonts/OFL-Tinos.txt").is_file()


def test_commune_example_site_builds(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(REPO / "examples/tan-ky", out)
    html = (out / "2026/1/index.html").read_text(encoding="utf-8")
    assert "BẢN TIN CCHC NỘI BỘ CỦA UBND XÃ TÂN KỲ, TỈNH NGHỆ AN" in html
    assert "SỐ 01" in html and "tuan" not in html.split("o-so")[1][:200]
    assert html.count("<ul>") >= 2  # "+" items nested under "-" items
    assert broken_links(out) == []


def test_many_issues_order_newest_first(site: Path, tmp_path: Path) -> None:
    for n, week in ((17, "18/5-22/5"), (19, "1/6-5/6")):
        write(site, f"content/2026/{n}/a.md", LOCAL.replace("issue: 18", f"issue: {n}")
              .replace("25/5-29/5", week))
    out = tmp_path / "out"
    build(site, out)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert home.index("Số 19 (1/6-5/6/2026)") < home.index("Số 18") < home.index("Số 17")
    art = (out / "2026/19/xa-tan-ky-ubnd-xa-duoc-phe-duyet-cap-do-an-toan-he-thong-thong-tin"
           / "index.html")
    assert art.is_file()
    assert broken_links(out) == []
