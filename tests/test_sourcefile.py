"""YAML of front matter, issues/*.yml and site.yml: plain values, Vietnamese errors at the
right line, and hostile files (bombs, huge or deep documents) that end quickly."""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

import bantin.sourcefile as sf
from bantin.config import load_config
from bantin.content import load, load_site, read_articles
from bantin.errors import ContentError, Diagnostic, Diagnostics
from bantin.sourcefile import parse_yaml

from .conftest import PROVINCIAL, REPO, write

# Words of PyYAML's and libyaml's English problems: none may reach an editor.
ENGLISH = re.compile(r"\b(found|expected|while|allowed|could not|cannot|constructor|scalar|"
                     r"token|mapping|stream|indicator|character|alias|anchor|document)\b")

ARTICLE = """\
---
title: Xã Tân Kỳ triển khai Đề án 06 về dữ liệu dân cư
issue: 18
year: 2026
week: "25/5-29/5"
commune: Tân Kỳ
author: Phòng VHXH xã Tân Kỳ
editor: Hương Chi
---

Ngày 22/5/2026, UBND xã Tân Kỳ tổ chức hội nghị triển khai Đề án 06.
"""


def parse(text: str) -> tuple[sf.YamlDoc | None, list[Diagnostic]]:
    """Parse a front matter as content.py does: its first line is line 2 of the file."""
    diags = Diagnostics()
    doc = parse_yaml(textwrap.dedent(text), Path("content/2026/18/bai.md"), diags, first_line=2)
    return doc, diags.items


def the_error(text: str) -> Diagnostic:
    doc, items = parse(text)
    assert doc is None and len(items) == 1, items
    [d] = items
    assert d.path == "content/2026/18/bai.md" and not d.warning
    assert not ENGLISH.search(d.message + d.hint), d.format()
    return d


def errors_of(root: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load(root)
    return [d.format() for d in info.value.diagnostics]


def replace(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


# ---------------------------------------------------------------- plain values

@pytest.mark.parametrize(("written", "value"), [
    ("yes", "yes"), ("no", "no"), ("on", "on"), ("Off", "Off"), ("1:30", "1:30"),
    ("0755", "0755"), ("1_000", "1_000"), ("0x1F", "0x1F"), (".inf", ".inf"),
    ("2026-05-29", "2026-05-29"), ("25/5-29/5", "25/5-29/5"),
    ("true", True), ("False", False), ("~", None), ("null", None), ("", None),
    ("18", 18), ("-3", -3), ("1.5", 1.5), ("1e3", 1000.0),
])
def test_values_are_typed_like_yaml_1_2_core(written: str, value: object) -> None:
    doc, items = parse(f"giatri: {written}\n")
    assert items == [] and doc is not None
    assert doc.data["giatri"] == value and type(doc.data["giatri"]) is type(value)
    assert doc.raw("giatri") == (written if value is not None else None)


def test_text_fields_are_exactly_what_the_editor_wrote(tmp_path: Path) -> None:
    write(tmp_path, "content/2026/18/a.md", replace(replace(replace(
        PROVINCIAL, "title: Thành lập Ban Chỉ đạo sơ kết 01 năm vận hành chính quyền địa "
        "phương 02 cấp", "title: 2026"), "editor: Mai Dung", "editor: no"),
        "source: Theo Cổng Thông tin điện tử tỉnh Nghệ An - nghean.gov.vn", "source: 1.10"))
    write(tmp_path, "content/2026/18/b.md", replace(replace(
        PROVINCIAL, "title: Thành lập Ban Chỉ đạo sơ kết 01 năm vận hành chính quyền địa "
        "phương 02 cấp", "title: 1e3"), "order: 1", "order: 02\ntags: [on, 0755]"))
    write(tmp_path, "issues/2026-18.yml", "banner: 2026\ndirection:\n  - yes\n")
    write(tmp_path, "site.yml", "publisher: 0238\nsections: [TIN CCHC TỈNH, 1945]\n")
    site, _ = load(tmp_path)
    by_title = {a.title: a for a in site.articles}
    assert set(by_title) == {"2026", "1e3"}
    assert by_title["2026"].editor_line == "no tổng hợp"
    assert by_title["2026"].source == "1.10"
    assert by_title["1e3"].order == 2 and by_title["1e3"].tags == ("on", "0755")
    [issue] = site.issues
    assert issue.banner == "2026" and issue.direction == ("yes",)
    assert site.config.publisher == "0238"
    assert [s.name for s in site.config.sections] == ["TIN CCHC TỈNH", "1945"]


def test_yes_is_not_true_for_a_yes_or_no_key(site: Path) -> None:
    write(site, "content/2026/18/x.md",
          replace(PROVINCIAL, "order: 1", "order: 2\ndraft: yes").replace("Thành lập", "Lập"))
    [error] = errors_of(site)
    assert error.startswith("content/2026/18/x.md:10: draft chỉ nhận true hoặc false")


def test_date_that_does_not_exist_is_an_error_at_its_line(site: Path) -> None:
    write(site, "content/2026/18/x.md",
          replace(PROVINCIAL, "order: 1", "order: 2\ndate: 2026-02-30").replace("Thành", "Lập"))
    write(site, "issues/2026-18.yml", 'week: "25/5-29/5"\ndate: 2026-13-01\n')
    errors = errors_of(site)
    assert 'content/2026/18/x.md:10: date "2026-02-30" không phải ngày hợp lệ' in errors[0]
    assert 'issues/2026-18.yml:2: date "2026-13-01" không phải ngày hợp lệ' in errors[1]
    assert not any("ngoài dự kiến" in e for e in errors)


def test_date_with_a_time_is_still_a_date(site: Path) -> None:
    write(site, "issues/2026-18.yml", 'week: "25/5-29/5"\ndate: 2026-05-29 08:30:00\n')
    [issue] = load(site)[0].issues
    assert issue.date.isoformat() == "2026-05-29"


def test_five_thousand_digit_issue_number(site: Path) -> None:
    write(site, "content/2026/18/x.md", replace(PROVINCIAL, "issue: 18", "issue: " + "1" * 5000))
    [error] = errors_of(site)
    assert error.startswith("content/2026/18/x.md:3: issue phải là số nguyên từ 1 đến 9999")
    assert "…" in error and len(error) < 600


# ---------------------------------------------------------------- keys written twice

def test_key_written_twice_is_an_error_at_the_second(site: Path) -> None:
    write(site, "content/2026/18/x.md",
          replace(PROVINCIAL, "editor: Mai Dung", "editor: Mai Dung\ntitle: Ban Chỉ đạo"))
    [error] = errors_of(site)
    assert error == ("content/2026/18/x.md:9: khóa title viết hai lần (dòng 2 và dòng 9) — "
                     "giữ một dòng title, xóa dòng còn lại")


def test_key_written_twice_inside_a_mapping_of_site_yml(site: Path) -> None:
    write(site, "site.yml", 'title: CẢI CÁCH HÀNH CHÍNH\ncolors:\n  primary: "#b3001b"\n'
                            '  primary: "#0b4f8a"\n')
    [error] = errors_of(site)
    assert error.startswith("site.yml:4: khóa primary viết hai lần (dòng 3 và dòng 4)")


# ---------------------------------------------------------------- anchors and aliases

def test_alias_is_refused_at_its_line(site: Path) -> None:
    write(site, "content/2026/18/x.md", replace(replace(
        ARTICLE, "author: Phòng VHXH", "author: &tacgia Phòng VHXH"),
        "editor: Hương Chi", "editor: *tacgia"))
    [error] = errors_of(site)
    assert error.startswith('content/2026/18/x.md:8: phần khai báo không dùng bí danh YAML '
                            '"*tacgia" (neo &tacgia ở dòng 7)')


def test_anchor_alone_is_refused() -> None:
    d = the_error("title: Xã Tân Kỳ\nauthor: &vhxh Phòng VHXH xã Tân Kỳ\n")
    assert d.line == 3 and 'neo YAML "&vhxh"' in d.message


def test_value_starting_with_an_ampersand_is_told_to_use_quotes() -> None:
    d = the_error("title: Xã Tân Kỳ\nsource: &nbsp;Báo Nghệ An\n")
    assert d.line == 3 and '"&"' in d.message and "ngoặc kép" in d.hint


def test_value_starting_with_a_star_is_told_to_use_quotes() -> None:
    d = the_error("title: *Chú ý* lịch tiếp công dân\n")
    assert d.line == 2 and '"*"' in d.message and "ngoặc kép" in d.hint


def test_composer_level_guard_also_catches_aliases(monkeypatch: pytest.MonkeyPatch) -> None:
    """The event scan finds aliases first; without it the node-level check still does."""
    monkeypatch.setattr(sf._Reading, "scan", lambda self: None)
    d = the_error("author: &a Phòng VHXH\neditor: *a\n")
    assert "bí danh" in d.message


# ---------------------------------------------------------------- parser errors in Vietnamese

def test_curly_quoted_title_with_a_colon_is_told_to_use_straight_quotes() -> None:
    d = the_error("""\
        title: “Xã Vạn An: Mô hình Trung tâm Phục vụ hành chính công lưu động”
        issue: 18
        """)
    assert d.line == 2 and "ngoặc kép cong" in d.message
    assert "ngoặc kép thẳng" in d.hint
    assert 'title: "Xã Vạn An: Mô hình Trung tâm Phục vụ hành chính công lưu động"' in d.hint


@pytest.mark.parametrize(("text", "line", "said"), [
    ("title: Xã Vạn An: mô hình mới\n", 2, 'đặt cả giá trị trong ngoặc kép thẳng, ví dụ '
                                            'title: "Xã Vạn An: mô hình mới"'),
    ("title: Hội nghị\nissue: 18\n  year: 2026\n", 4, "thụt vào đầu dòng"),
    ("title: Hội nghị\n\tissue: 18\n", 3, "Tab"),
    ("title: Hội nghị\nissue:\t18\n\tyear: 2026\n", 4, "Tab"),
    ('title: "Sở Nội vụ \\u00zz"\n', 2, 'dấu "\\" không hợp lệ'),
    ('logo: "C:\\Anh\\logo.png"\n', 2, 'dấu "\\" không hợp lệ'),
    ('title: "Hội nghị sơ kết\nissue: 18\n', 2, 'ngoặc kép " mở ở dòng 2 chưa được đóng'),
    ("title: 'Hội nghị sơ kết\nissue: 18\n", 2, "ngoặc đơn ' mở ở dòng 2 chưa được đóng"),
    ('title: "Phong trào "Bình dân học vụ số"" ra mắt\n', 2, "sau dấu ngoặc đóng"),
    ("title: !Quan trọng lịch tiếp dân\n", 2, "thẻ kiểu"),
    ("title:Hội nghị\nissue: 18\n", 2, "sau dấu ':' của khóa title thiếu dấu cách"),
    ("title\nissue: 18\n", 2, "thiếu dấu ':'"),
    ("tags: [chuyển đổi số, TTHC\nissue: 18\n", 3, 'thiếu dấu "]" đóng danh sách mở ở dòng 2'),
    ("tags: [chuyển đổi số, , TTHC]\n", 2, "thiếu giá trị"),
    ("author:\n  - Phòng VHXH\n  editor: Hương Chi\n", 4, "không thuộc danh sách"),
    ("title: - Hội nghị\n", 2, 'dấu "-"'),
    ("title: @Hội nghị\n", 2, '"@"'),
    ("title: | Hội nghị\n", 2, 'sau dấu "|"'),
    ("title: Hội nghị\n---\nissue: 18\n", 3, 'dòng "---"'),
    ("title: Hội nghị\n...\nissue: 18\n", 3, 'dòng "..."'),
    ("[title, issue]: 18\n", 2, "tên khóa"),
    ("issue: !!int 018\n", 2, "không đúng kiểu !!int"),
    ("title: Hội nghị\x0b sơ kết\n", 2, "U+000B"),
])
def test_parser_errors_are_vietnamese_at_their_line(text: str, line: int, said: str) -> None:
    d = the_error(text)
    assert d.line == line, d.format()
    assert said in d.message + " " + d.hint, d.format()
    assert d.message.startswith(("phần khai báo", "có ", "khóa ", "tên khóa", "giá trị"))


def test_python_parser_errors_are_vietnamese_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where PyYAML lacks libyaml: its own messages ("expected <block end>…") translated."""
    monkeypatch.setattr(sf, "_Parser", sf._PyParser)
    assert "sau dấu ngoặc đóng" in the_error('title: "Xã Vạn An" mô hình\n').message
    assert the_error("title: “Xã: Vạn An”\n").line == 2
    assert "Tab" in the_error("title: a\n\tissue: 18\n").message
    assert "chưa được đóng" in the_error('title: "abc\nissue: 1\n').message
    doc, _ = parse("editor: no\nissue: 18\n")
    assert doc is not None and doc.data == {"editor": "no", "issue": 18}


def test_unusual_line_breaks_do_not_shift_lines() -> None:
    """U+2028 pasted from Word is a line break to YAML, not to the editor's count."""
    d = the_error('title: "Hội nghị\u2028sơ kết"\nissue: 18\nyear: 2026\nissue: 19\n')
    assert d.line == 5 and "(dòng 3 và dòng 5)" in d.message


# ---------------------------------------------------------------- bounded messages

def test_messages_quote_at_most_300_characters(site: Path) -> None:
    long = "Ban Chỉ đạo " * 1000
    write(site, "content/2026/18/x.md", replace(replace(replace(
        PROVINCIAL, '"25/5-29/5"', f'"{long}"'), "section: TIN CCHC TỈNH", f"section: {long}"),
        "order: 1", f"order: 1\n{'khoa' * 50}: 1\ndate: {long}"))
    write(site, "content/2026/18/y.md", replace(ARTICLE, "title: Xã", f"title: {long}:"))
    diags = Diagnostics(root=site)
    with pytest.raises(ContentError):
        load_site(site, diags)
    assert len(diags.items) >= 5
    for d in diags.items:
        assert len(d.message) < 400 and len(d.hint) < 400, d.format()


# ---------------------------------------------------------------- hostile documents

CHILD = r"""
import json, sys, time
from pathlib import Path
from bantin.errors import Diagnostics
from bantin.sourcefile import parse_yaml

kind = sys.argv[1]
if kind == "laughs":
    rows = ['a: &a ["Cải cách", "hành chính", "Cải cách", "hành chính", "Cải cách"]']
    rows += [f"{b}: &{b} [{', '.join(['*' + a] * 9)}]" for a, b in zip("abcdefgh", "bcdefghi")]
    text = "\n".join(rows) + "\n"
elif kind == "keys":
    text = "".join(f"khoa{i}: Giá trị {i}\n" for i in range(500_000))
elif kind == "deep":
    text = "title: " + "[" * 24_000 + "]" * 24_000 + "\n"
elif kind == "dashes":
    text = "author:\n" + "- " * 24_000 + "Phòng VHXH\n"
diags = Diagnostics()
start = time.perf_counter()
doc = parse_yaml(text, Path("content/2026/18/bom.md"), diags, first_line=2)
print(json.dumps({"seconds": time.perf_counter() - start, "ok": doc is not None,
                  "diags": [[d.line, d.message, d.hint] for d in diags.items]}))
"""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def run_child(kind: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-c", CHILD, kind], capture_output=True, text=True,
                          encoding="utf-8", timeout=60, env=env, cwd=REPO,
                          preexec_fn=_limit_memory)
    assert done.returncode == 0, done.stderr[-2000:]  # a crash (segfault, MemoryError) fails
    return json.loads(done.stdout)


@pytest.mark.parametrize(("kind", "line", "said"), [
    ("laughs", 3, 'bí danh YAML "*a" (neo &a ở dòng 2)'),
    ("keys", 2, "quá giới hạn 50.000"),
    ("deep", 2, "lồng nhau quá sâu"),
    ("dashes", 3, "lồng nhau quá sâu"),
])
def test_hostile_document_ends_quickly_with_a_short_error(kind: str, line: int, said: str) -> None:
    found = run_child(kind)
    assert not found["ok"] and found["seconds"] < 1.0
    [[at, message, hint]] = found["diags"]
    assert at == line and said in message and len(message) + len(hint) < 400


# ---------------------------------------------------------------- any text at all

hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies

# YAML's signs, quotes (straight and curly), Vietnamese letters, digits, blanks, odd breaks
ALPHABET = ":-[]{}&*!|>'\"#%@`?,.~\\ \t\n\u2028\x0b“”abcđêơ0189"


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(st.one_of(st.text(alphabet=ALPHABET, max_size=120), st.text(max_size=60)))
def test_any_front_matter_gives_an_article_or_diagnostics(front: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = write(root, "content/bai.md", "")
        path.write_text(f"---\n{front}\n---\n\nNội dung.\n", encoding="utf-8")
        diags = Diagnostics(root=root)
        config = load_config(root, diags)
        [article] = read_articles([path], config, diags)
    assert article is not None or diags.errors
    for d in diags.items:
        assert d.path == "content/bai.md"
        assert len(d.message) < 500 and len(d.hint) < 500
        assert not ENGLISH.search(d.message + d.hint), d.format()
