"""An editor's first week (issue 12): `new` drafts, the order editors give, misspelt keys,
usage errors, print files in their own folder, no English from the PDF libraries."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
import tomllib
import warnings
from pathlib import Path

import pytest

from bantin import pdf
from bantin.cli import main
from bantin.content import load
from bantin.errors import ContentError

from .conftest import LOCAL, PROVINCIAL, REPO, write

FIXTURE = REPO / "tests" / "fixtures" / "pdf_site"
PRINTS = ("-nha-in.pdf", "-a3-gap-doi.pdf", "-luu-tru.pdf")
# Words of the English messages WeasyPrint, fontTools, pypdf, Pillow and Python print.
ENGLISH = re.compile(r"\b(the|of|with|for|instead|please|install|using|warning|error|failed|"
                     r"unable|ignored|traceback|image|font)\b", re.IGNORECASE)
VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]",
                        re.IGNORECASE)


def errors_of(root: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load(root)
    return [d.format() for d in info.value.diagnostics]


def article(title: str, extra: str = "") -> str:
    """A provincial article of Số 18 with no `order` (and `extra` front-matter lines)."""
    text = PROVINCIAL.replace("order: 1\n", extra).replace(
        "Thành lập Ban Chỉ đạo sơ kết 01 năm vận hành chính quyền địa phương 02 cấp", title)
    return text


def titles(root: Path, section: int = 0) -> list[str]:
    site, _ = load(root, drafts=True)
    return [a.title for a in site.issues[0].sections[section].articles]


# ---------------------------------------------------------------- bantin new


def test_new_writes_a_draft_and_says_how_to_publish(site: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "Bài chưa viết xong", "--issue", "18", "--root", str(site)]) == 0
    said = capsys.readouterr().out
    [path] = site.glob("content/2026/18/bai-chua-viet-xong.md")
    assert "\ndraft: true" in path.read_text(encoding="utf-8")
    assert "bài nháp" in said and "--drafts" in said and "xóa dòng draft: true" in said
    assert main(["build", "--root", str(site), "--no-pdf"]) == 0
    home = (site / "public/index.html").read_text(encoding="utf-8")
    assert "Bài chưa viết xong" not in home and "Viết nội dung bài ở đây" not in home
    assert not list((site / "public").rglob("bai-chua-viet-xong"))
    # removing the draft line publishes it
    path.write_text(re.sub(r"\ndraft: true[^\n]*", "", path.read_text(encoding="utf-8")),
                    encoding="utf-8")
    assert main(["build", "--root", str(site), "--no-pdf"]) == 0
    assert (site / "public/2026/18/bai-chua-viet-xong/index.html").is_file()


@pytest.mark.parametrize(("args", "said"), [
    (["--issue", "0"], "--issue phải là số từ 1 trở lên"),
    (["--issue", "2026"], "--issue 2026: số bản tin quá lớn"),
    (["--issue", "101"], "--issue 101: số bản tin quá lớn"),
    (["--issue", "18", "--year", "26"], "--year 26 không phải năm của bản tin"),
    (["--issue", "18", "--year", "1999"], "từ 2000 đến 2100"),
    (["--issue", "18", "--year", "2101"], "từ 2000 đến 2100"),
])
def test_new_refuses_impossible_numbers(site: Path, capsys: pytest.CaptureFixture[str],
                                        args: list[str], said: str) -> None:
    before = sorted(site.rglob("*.md"))
    assert main(["new", "Bài mới", *args, "--editor", "Mai Dung", "--root", str(site)]) == 2
    assert said in capsys.readouterr().err
    assert sorted(site.rglob("*.md")) == before


def test_new_takes_issue_numbers_a_site_already_counts_to(site: Path) -> None:
    """A bulletin numbered across the years (Số 118) goes on past 100."""
    write(site, "content/2026/118/a.md", PROVINCIAL.replace("issue: 18", "issue: 118"))
    assert main(["new", "Bài tiếp", "--issue", "119", "--editor", "Mai Dung",
                 "--root", str(site)]) == 0
    assert main(["new", "Bài tiếp", "--issue", "118", "--root", str(site)]) == 0


def test_new_works_when_another_article_is_broken(site: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    write(site, "content/2026/18/hong.md", '---\ntitle: "Chưa đóng ngoặc\nissue: 18\n---\nx\n')
    assert main(["new", "Bài thứ ba", "--issue", "18", "--root", str(site)]) == 0
    text = (site / "content/2026/18/bai-thu-ba.md").read_text(encoding="utf-8")
    # week, year and editor from the issue's articles that read well
    assert 'week: "25/5-29/5"' in text and "year: 2026" in text and "editor:" in text
    capsys.readouterr()


def test_new_article_goes_last_among_articles_without_order(site: Path) -> None:
    for name, title in (("1-a.md", "Bài một"), ("2-b.md", "Bài hai")):
        write(site, f"content/2026/18/{name}", article(title))
    assert main(["new", "Bài cuối", "--issue", "18", "--section", "TIN CCHC TỈNH",
                 "--root", str(site)]) == 0
    assert titles(site)[-1] == "Bài cuối"


# ---------------------------------------------------------------- the order editors give


def test_articles_without_order_keep_the_file_names_order(tmp_path: Path) -> None:
    for name, title in (("10-c.md", "Bài mười"), ("2-b.md", "Bài hai"), ("1-a.md", "Bài một")):
        write(tmp_path, f"content/2026/18/{name}", article(title))
    assert titles(tmp_path) == ["Bài một", "Bài hai", "Bài mười"]


def test_order_n_is_place_n_and_moves_only_that_article(tmp_path: Path) -> None:
    for name, title in (("1-a.md", "Bài một"), ("2-b.md", "Bài hai"), ("3-c.md", "Bài ba")):
        write(tmp_path, f"content/2026/18/{name}", article(title))
    write(tmp_path, "content/2026/18/9-z.md", article("Bài đặt thứ hai", "order: 2\n"))
    assert titles(tmp_path) == ["Bài một", "Bài đặt thứ hai", "Bài hai", "Bài ba"]
    # the issue file's list comes first, in its order
    write(tmp_path, "issues/2026-18.yml", "order: [bai-ba]\n")
    assert titles(tmp_path) == ["Bài ba", "Bài đặt thứ hai", "Bài một", "Bài hai"]


# ---------------------------------------------------------------- misspelt keys


def test_misspelt_commune_is_an_error_not_a_move_to_the_provincial_section(site: Path) -> None:
    write(site, "content/2026/18/x.md",
          LOCAL.replace("commune:", "comune:").replace("UBND xã", "Xã"))
    [error] = errors_of(site)
    assert error.startswith("content/2026/18/x.md:6: thiếu commune")
    assert 'có phải dòng "comune" là commune?' in error and "TIN CCHC TỈNH" in error


def test_unknown_key_next_to_a_missing_required_one_names_it(site: Path) -> None:
    write(site, "content/2026/18/x.md",
          PROVINCIAL.replace("title:", "titel:").replace("editor:", "Editor:"))
    errors = errors_of(site)
    assert len(errors) == 2
    assert errors[0].startswith("content/2026/18/x.md:2: thiếu title (tiêu đề bài) — "
                                'có phải dòng "titel" là title?')
    assert 'có phải dòng "Editor" là editor?' in errors[1]


def test_unknown_key_beside_a_present_key_stays_a_warning(site: Path) -> None:
    write(site, "content/2026/18/x.md",
          PROVINCIAL.replace("Thành lập", "Kiện toàn").replace("order: 1", "order: 2\ntitel: x"))
    _, warnings_ = load(site)
    assert [w.message for w in warnings_] == ['khóa "titel" không được dùng, bỏ qua']
    # a bulletin without weeks needs no week: a misspelt one is only a warning
    write(site, "site.yml", "weekly: false\n")
    for name in ("ban-chi-dao.md", "tan-ky-an-toan.md", "x.md"):
        path = site / "content/2026/18" / name
        path.write_text(path.read_text(encoding="utf-8").replace("week:", "wek:"),
                        encoding="utf-8")
    _, warnings_ = load(site)
    assert sum('khóa "wek"' in w.message for w in warnings_) == 3


# ---------------------------------------------------------------- usage errors, dedup --fix


@pytest.mark.parametrize(("argv", "help_line"), [
    (["build", "--khong-co"], "Xem hướng dẫn: bantin build -h"),
    (["--khong-co"], "Xem hướng dẫn: bantin build -h"),
    (["check", "--khong-co"], "Xem hướng dẫn: bantin check -h"),
    (["new", "Bài"], "Xem hướng dẫn: bantin new -h"),
])
def test_usage_errors_point_at_the_commands_help(argv: list[str], help_line: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    err = capsys.readouterr().err
    assert info.value.code == 2
    assert help_line in err and "bantin bantin" not in err


def test_declining_dedup_fix_is_no_error_and_changes_nothing(site: Path) -> None:
    repeated = ("Ban Chỉ đạo làm việc theo chế độ kiêm nhiệm, thực hiện nhiệm vụ theo sự phân "
                "công của đồng chí Trưởng ban.")
    path = site / "content/2026/18/ban-chi-dao.md"
    path.write_text(path.read_text(encoding="utf-8") + f"\n{repeated}\n", encoding="utf-8")
    before = path.read_bytes()
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "dedup", "--fix",
                             "--root", str(site)], input="k\n", capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr  # the editor's choice, not a failure
    assert "Không sửa gì." in result.stdout
    assert path.read_bytes() == before


# ---------------------------------------------------------------- print files


def pdf_site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    return root


def stamps(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
            for p in folder.rglob("*.pdf")}


def test_print_files_have_their_own_folder_and_survive_later_builds(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = pdf_site(tmp_path)
    flags = ["--print-shop", "--booklet", "--archive"]
    assert main(["build", "--root", str(root), *flags]) == 0
    said = capsys.readouterr().out
    public, prints = root / "public", root / "in-an"
    assert sorted(stamps(public)) == ["2026/18/ban-tin-cchc-so-18-2026.pdf"]
    assert sorted(stamps(prints)) == sorted(f"2026/18/ban-tin-cchc-so-18-2026{s}"
                                            for s in PRINTS)
    assert ", 1 bản PDF, 1 số bản tin" in said and f"Bản in: 3 bản PDF vào {prints}" in said
    made = stamps(prints)
    # a plain build keeps them, and does not print the A4 file again
    assert main(["build", "--root", str(root)]) == 0
    assert "đã in" not in capsys.readouterr().err
    assert stamps(prints) == made
    # asked again: unchanged ones are skipped, a deleted one is made again
    (prints / f"2026/18/ban-tin-cchc-so-18-2026{PRINTS[0]}").unlink()
    assert main(["build", "--root", str(root), *flags]) == 0
    err = capsys.readouterr().err
    assert f"bản in trong {prints}: đã in 1 bản, 2 bản không đổi" in err
    assert {k: v for k, v in stamps(prints).items() if not k.endswith(PRINTS[0])} == {
        k: v for k, v in made.items() if not k.endswith(PRINTS[0])}
    assert not list(public.rglob("*-nha-in.pdf"))


def test_print_dir_can_be_chosen_but_never_inside_the_output(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = pdf_site(tmp_path)
    assert main(["build", "--root", str(root), "--archive", "--print-dir",
                 str(root / "public/in")]) == 2
    assert "--print-dir in-an" in capsys.readouterr().err
    elsewhere = tmp_path / "gui-nha-in"
    assert main(["build", "--root", str(root), "--archive", "--print-dir", str(elsewhere)]) == 0
    assert (elsewhere / "2026/18/ban-tin-cchc-so-18-2026-luu-tru.pdf").is_file()
    assert not (root / "in-an").exists()


def test_pypdf_is_a_runtime_dependency() -> None:
    """`--booklet` imposes pages with pypdf: a plain install must have it."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert any(re.match(r"pypdf\b", d) for d in project["dependencies"])


# ---------------------------------------------------------------- no English for editors


def test_render_warnings_reach_the_editor_in_vietnamese_or_not_at_all() -> None:
    with pdf.captured_warnings() as found:
        logging.getLogger("weasyprint").warning(
            'Using fontTools instead of HarfBuzz-Subset for font "%s". This will be '
            "unsupported in future versions of WeasyPrint.", "Bantin Serif")
        logging.getLogger("weasyprint").warning("Ignored `colr: red` at 3:5, unknown property.")
        warnings.warn("Palette images with Transparency expressed in bytes should be "
                      "converted to RGBA images", UserWarning, stacklevel=1)
    told = pdf.result_warnings(pdf.PdfResult(Path("x.pdf"), 1, (), "", tuple(found)), "x.pdf")
    assert [d.format() for d in told] == [
        "x.pdf: cảnh báo: CSS của bản in: bỏ qua `colr: red` ở dòng 3, cột 5 (thuộc tính không "
        "có) — sửa dòng đó trong assets/print.css (hoặc layouts/print.html) của trang"]
    # a warning an older bantin kept in English is not repeated as it was
    kept = ['["x.pdf", null, "WeasyPrint: Using fontTools instead of HarfBuzz-Subset for '
            'font \\"Bantin Sans\\".", "", true]']
    assert pdf.note_warnings(kept) == []


def test_sample_build_says_nothing_in_english(tmp_path: Path) -> None:
    """What `bash scripts/build-sample` runs, on a machine without the HarfBuzz subset
    library (WeasyPrint then logs "Using fontTools instead of HarfBuzz-Subset" per font)."""
    root = tmp_path / "site"
    for name in ("content", "issues"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site.yml", root / "site.yml")
    script = ("import sys, weasyprint.pdf.fonts as fonts; fonts.harfbuzz_subset = None; "
              "from bantin.cli import main; sys.exit(main(sys.argv[1:]))")
    result = subprocess.run([sys.executable, "-c", script, "build", "--root", str(root)],
                            capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    said = (result.stdout + result.stderr).replace(str(tmp_path), "")  # "pytest-of-root"
    lines = [ln for ln in said.splitlines() if ln.strip()]
    assert lines
    for line in lines:
        assert not ENGLISH.search(line), line
        assert VIETNAMESE.search(line), line
