"""Markdown rendering: sanitising, "-"/"+" lists, source lines of blocks."""

from __future__ import annotations

import hypothesis
import markdown_it.rules_core
from hypothesis import strategies as st
from markdown_it.token import Token

from bantin.markdown import make_parser, render


def html_of(body: str) -> str:
    return render(make_parser(), body, 1).html


def test_raw_html_is_shown_as_text_never_live() -> None:
    html = html_of('Xem <script>alert("x")</script> và <img src=x onerror="alert(1)">.\n')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_javascript_links_are_not_links() -> None:
    html = html_of("[bấm vào](javascript:alert(1)) và [trang](https://nghean.gov.vn)\n")
    assert "javascript:" not in html.split("[bấm vào]")[0]
    assert 'href="javascript' not in html
    assert '<a href="https://nghean.gov.vn">trang</a>' in html


def test_plus_lines_nest_under_the_dash_item_before_them() -> None:
    body = ("- Trong quý I, kết quả nổi bật như sau:\n"
            "+ Công tác chỉ đạo, điều hành được triển khai kịp thời;\n"
            "+ Cải cách thủ tục hành chính đạt kết quả rõ nét.\n"
            "- Tuy nhiên, vẫn còn tồn tại, hạn chế.\n")
    html = html_of(body)
    assert html.count("<ul>") == 2
    outer_items = html.split("<ul>")[1]
    assert outer_items.strip().startswith("<li>Trong quý I")
    assert html.index("Cải cách thủ tục") < html.index("</ul>") < html.index("Tuy nhiên")


def test_blocks_carry_file_lines_and_heading_scopes() -> None:
    body = "Đoạn một.\n\n## Mục 1\n\nĐoạn hai\nxuống dòng.\n\n- Ý thứ nhất\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    blocks = render(make_parser(), body, 10).blocks
    assert [(b.kind, b.line, b.scope) for b in blocks] == [
        ("paragraph", 10, 0), ("paragraph", 14, 1), ("paragraph", 15, 1), ("list_item", 17, 1),
        ("table_row", 19, 1), ("table_row", 21, 1)]
    assert blocks[1].text == "Đoạn hai"
    joined = render(make_parser("markdown"), body, 10).blocks
    assert [(b.kind, b.line) for b in joined][:3] == [
        ("paragraph", 10), ("paragraph", 14), ("list_item", 17)]
    assert joined[1].text == "Đoạn hai xuống dòng."


# Seed 000 as an editor pastes it: one line a paragraph, no blank lines.
PASTED = (
    "Nhằm đánh giá toàn diện kết quả thực hiện công tác cải cách hành chính, chuyển đổi số trên địa bàn, ngày 20/5/2026 UBND xã Tân Kỳ đã tổ chức Hội nghị chuyên đề.\n"
    "Hội nghị do đồng chí Hoàng Đình Sơn – Phó Bí thư Đảng ủy, Chủ tịch UBND xã chủ trì.\n"
    "Tại hội nghị, UBND xã đã tập trung phân tích, đánh giá toàn diện kết quả Chỉ số CCHC năm 2025.\n"
)


def test_each_pasted_line_is_its_own_paragraph() -> None:
    html = html_of(PASTED)
    assert html.count("<p>") == 3
    assert html.index("Nhằm") < html.index("</p>") < html.index("Hội nghị do")


def test_markdown_rule_joins_lines_into_one_paragraph() -> None:
    html = render(make_parser("markdown"), PASTED, 1).html
    assert html.count("<p>") == 1


def test_indented_lines_are_never_code_blocks() -> None:
    for rule in ("lines", "markdown"):
        html = render(make_parser(rule), "Đoạn đầu.\n\n        Phòng VHXH Tân Kỳ tổng hợp\n", 1).html
        assert "<pre>" not in html and "<code>" not in html
        assert "<p>Phòng VHXH Tân Kỳ tổng hợp</p>" in html
    fenced = html_of("```\nmã\n```\n")
    assert "<pre><code>mã" in fenced


def test_a_line_over_dashes_is_not_a_heading_in_the_lines_rule() -> None:
    html = html_of("Kết quả quý I\n---\n")
    assert "<h4>" not in html and "<hr />" in html and "<p>Kết quả quý I</p>" in html


def test_lists_quotes_and_tables_keep_their_meaning_line_by_line() -> None:
    body = ("Mở đầu.\n- Ý một\n+ ý phụ\nĐoạn sau danh sách.\n> Trích dẫn\nĐoạn cuối.\n"
            "| Cột | Số |\n|---|---|\n| Hồ sơ | 3.118 |\n")
    r = render(make_parser(), body, 1)
    assert [b.kind for b in r.blocks] == [
        "paragraph", "list_item", "list_item", "paragraph", "blockquote", "paragraph",
        "table_row", "table_row"]
    assert r.html.count("<ul>") == 2 and "<blockquote>" in r.html and "<table>" in r.html


def test_tab_separated_lines_pasted_from_word_become_a_table() -> None:
    body = ("Kết quả giải quyết hồ sơ:\n"
            "Lĩnh vực\tTiếp nhận\tĐúng hạn\n"
            "Đất đai\t1.204\t1.180\n"
            "Hộ tịch\t\t932\n"
            "Sau bảng.\n")
    r = render(make_parser(), body, 3)
    assert r.html.count("<tr>") == 3 and "<th>Lĩnh vực</th>" in r.html
    assert "<td>Hộ tịch</td>\n<td></td>\n<td>932</td>" in r.html
    assert [(b.kind, b.line) for b in r.blocks] == [
        ("paragraph", 3), ("table_row", 4), ("table_row", 5), ("table_row", 6),
        ("paragraph", 7)]
    assert r.blocks[2].text == "Đất đai | 1.204 | 1.180"
    # one line with a tab is text, not a table
    assert "<table>" not in html_of("Ngày 20/5\tUBND xã họp.\n")


def test_headings_sit_below_the_page_levels_and_tables_scroll() -> None:
    html = html_of("# Một\n\n### Ba\n\n| Cột | Số |\n|---|---|\n| Hồ sơ | 3.118 |\n")
    assert "<h4>Một</h4>" in html and "<h5>Ba</h5>" in html
    assert '<div class="bang-cuon"><table>' in html


def test_numbers_and_units_are_kept_together() -> None:
    # the number and its two-syllable noun stay on one line ("hồ sơ" is one word)
    assert "3.118\u00a0hồ\u00a0sơ" in html_of("Tiếp nhận 3.118 hồ sơ.\n")


def test_summary_is_the_first_real_paragraph() -> None:
    r = render(make_parser(), "Ngắn.\n\n" + "Đoạn dài về cải cách hành chính. " * 20, 1)
    assert r.summary.startswith("Đoạn dài") and r.summary.endswith("…")
    assert len(r.summary) <= 221


def test_skipped_blocks_are_not_printed_but_still_listed() -> None:
    body = ("Đoạn đầu.\n\nĐoạn lặp lại.\n\n- Ý một\n- Ý bị bỏ\n\n- Ý duy nhất bị bỏ\n\n"
            "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n\nĐoạn cuối.\n")
    r = render(make_parser(), body, 5, skip_lines=frozenset({7, 10, 12, 17}))
    assert "Đoạn lặp lại" not in r.html and "Ý bị bỏ" not in r.html
    assert "Ý duy nhất" not in r.html and "<td>3</td>" not in r.html
    assert r.html.count("<ul>") == 1 and r.html.count("<li>") == 1 and "Ý một" in r.html
    assert "<td>1</td>" in r.html and "Đoạn cuối" in r.html and "Đoạn đầu" in r.html
    assert len(r.blocks) == 9


# Inline text as articles have it, with every character an inline rule may start at.
_INLINE_TEXT = st.text(alphabet=st.sampled_from(
    list("aăâđêôơưbcxyz ĐÀÁẠẢÃ019.,;:%-+=/()\"'#$@^{}|\t") + list("\n\\`~*_[]!<>&")),
    max_size=40)


def _tokens(tokens: list[Token]) -> list[tuple]:
    return [(t.type, t.tag, t.nesting, t.level, t.content, t.markup, t.info, t.map,
             t.attrs, t.meta, t.block, t.hidden, _tokens(t.children or [])) for t in tokens]


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(st.lists(_INLINE_TEXT, min_size=1, max_size=4))
def test_the_inline_shortcut_makes_the_tokens_of_the_full_parse(lines: list[str]) -> None:
    body = "\n\n".join(lines) + "\n\nHỏi: *đáp* và [liên kết](https://nghean.gov.vn).\n"
    fast = make_parser()
    full = make_parser()
    full.core.ruler.at("inline", markdown_it.rules_core.inline)
    assert _tokens(fast.parse(body)) == _tokens(full.parse(body))


def test_the_inline_shortcut_is_taken_for_plain_lines_only() -> None:
    md = make_parser()
    parsed: list[str] = []
    full_parse = md.inline.parse
    md.inline.parse = lambda src, *rest: parsed.append(src) or full_parse(src, *rest)
    tokens = md.parse("Ngày 25/5/2026: xã Tân Kỳ - 100% hồ sơ.\n\nCó *nhấn mạnh*.\n")
    (text,) = tokens[1].children
    assert (text.type, text.content) == ("text", "Ngày 25/5/2026: xã Tân Kỳ - 100% hồ sơ.")
    assert parsed == ["Có *nhấn mạnh*."]
