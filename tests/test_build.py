"""The whole pipeline: sources -> repeat check -> site and PDF, as `bantin build` runs it."""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import pypdf
import pytest

from bantin.build import BuildOptions, build
from bantin.cli import main

from .conftest import REPO, write

SEED_ARTICLE = "content/2026/18/xa-tan-ky-hoi-nghi-chuyen-de-chi-so-cchc-2025.md"
SEED_TAIL = "Phát biểu kết luận hội nghị, đồng chí Chủ tịch UBND xã yêu cầu"
PDF = "2026/18/ban-tin-cchc-so-18-2026.pdf"


def pdf_text(path: Path) -> str:
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def sample_copy(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    for name in ("content", "issues"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site.yml", root / "site.yml")
    return root


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """The shipped sample Số 18 built with its PDF, and what the build printed."""
    root = sample_copy(tmp_path_factory.mktemp("sample"))
    said: list[str] = []
    build(BuildOptions(root=root, out=root / "public", use_cache=False), say=said.append)
    return root, root / "public", "\n".join(said)


def test_seed_paragraph_prints_once_in_site_and_pdf(sample: tuple[Path, Path, str]) -> None:
    root, out, _ = sample
    source = (root / SEED_ARTICLE).read_text(encoding="utf-8")
    assert source.count(SEED_TAIL) == 2  # the source keeps the seed's mistake
    page = next((out / "2026/18").glob("xa-tan-ky-hoi-nghi*/index.html"))
    assert page.read_text(encoding="utf-8").count(SEED_TAIL) == 1
    assert (out / "2026/18/index.html").read_text(encoding="utf-8").count(SEED_TAIL) == 1
    assert pdf_text(out / PDF).count(SEED_TAIL) == 1
    # the glued paragraph, which holds the first occurrence, is printed whole
    assert "trên địa bàn xã." in pdf_text(out / PDF)


def test_build_says_what_it_removed(sample: tuple[Path, Path, str]) -> None:
    said = sample[2]
    assert "Đoạn lặp: đã bỏ 1 đoạn lặp khỏi bản in" in said
    assert "đã in 1 bản PDF" in said


def test_issue_page_links_its_pdf(sample: tuple[Path, Path, str]) -> None:
    out = sample[1]
    html = (out / "2026/18/index.html").read_text(encoding="utf-8")
    assert 'href="ban-tin-cchc-so-18-2026.pdf"' in html
    assert (out / PDF).read_bytes().startswith(b"%PDF-")


def test_verbose_build_lists_findings_with_file_and_line(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str],
                                                         ) -> None:
    root = sample_copy(tmp_path)
    assert main(["build", "--root", str(root), "--no-pdf", "-v"]) == 0
    err = capsys.readouterr().err
    assert f"{SEED_ARTICLE}:18: đã bỏ khỏi bản in — nằm trọn trong đoạn khác" in err
    assert f"lặp {SEED_ARTICLE}:17:" in err


def test_keep_repeats_front_matter_prints_both(tmp_path: Path) -> None:
    root = sample_copy(tmp_path)
    path = root / SEED_ARTICLE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("---\n", "---\nkeep_repeats: true\n", 1), encoding="utf-8")
    result = build(BuildOptions(root=root, out=root / "public", pdf=False, use_cache=False))
    assert result.dedup is not None and not result.dedup.removed
    page = next((root / "public/2026/18").glob("xa-tan-ky-hoi-nghi*/index.html"))
    assert page.read_text(encoding="utf-8").count(SEED_TAIL) == 2


def test_keep_repeats_must_be_true_or_false(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    root = sample_copy(tmp_path)
    path = root / SEED_ARTICLE
    path.write_text(path.read_text(encoding="utf-8").replace(
        "---\n", "---\nkeep_repeats: có\n", 1), encoding="utf-8")
    assert main(["build", "--root", str(root), "--no-pdf"]) == 1
    err = capsys.readouterr().err
    assert f"{SEED_ARTICLE}:2:" in err and "keep_repeats chỉ nhận true hoặc false" in err


def test_cached_build_follows_a_fix_of_the_source(tmp_path: Path) -> None:
    """The render cache is keyed on what was removed: once the source is fixed, the page
    still shows the paragraph once, and it shows again when the editor asks to keep it."""
    root = sample_copy(tmp_path)
    options = BuildOptions(root=root, out=root / "public", pdf=False)
    build(options)
    assert main(["dedup", "--root", str(root), "--fix", "--yes"]) == 0
    assert (root / SEED_ARTICLE).read_text(encoding="utf-8").count(SEED_TAIL) == 1
    result = build(options)
    assert result.dedup is not None and not result.dedup.removed
    page = next((root / "public/2026/18").glob("xa-tan-ky-hoi-nghi*/index.html"))
    assert page.read_text(encoding="utf-8").count(SEED_TAIL) == 1


def test_dedup_command_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = sample_copy(tmp_path)
    before = (root / SEED_ARTICLE).read_bytes()
    assert main(["dedup", "--root", str(root), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["paragraphs"] > 50
    removed = [f for f in report["findings"] if f["action"] == "removed"]
    assert removed == [{"action": "removed", "kind": "contained", "scope": "article",
                        "file": SEED_ARTICLE, "line": 18,
                        "of": {"file": SEED_ARTICLE, "line": 17}, "similarity": 1.0,
                        "excerpt": removed[0]["excerpt"]}]
    assert removed[0]["excerpt"].startswith("Phát biểu kết luận hội nghị")
    assert (root / SEED_ARTICLE).read_bytes() == before


def test_pdf_flags_write_the_variants(tmp_path: Path) -> None:
    root = sample_copy(tmp_path)
    out = tmp_path / "out"
    assert main(["build", "--root", str(root), "--out", str(out), "--print-shop",
                 "--archive"]) == 0
    folder = root / "in-an/2026/18"  # print files: never in the published output
    assert not list(out.rglob("*-nha-in.pdf")) and not list(out.rglob("*-luu-tru.pdf"))
    assert (folder / "ban-tin-cchc-so-18-2026-nha-in.pdf").is_file()
    assert (folder / "ban-tin-cchc-so-18-2026-luu-tru.pdf").is_file()
    assert not (folder / "ban-tin-cchc-so-18-2026-a3-gap-doi.pdf").exists()


def test_no_pdf_with_a_pdf_flag_is_a_usage_error(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    root = sample_copy(tmp_path)
    assert main(["build", "--root", str(root), "--no-pdf", "--booklet"]) == 2
    assert "--no-pdf không đi cùng" in capsys.readouterr().err
    assert not (root / "public").exists()


def test_broken_print_template_keeps_the_last_good_site(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str],
                                                        ) -> None:
    root = sample_copy(tmp_path)
    assert main(["build", "--root", str(root)]) == 0
    before = {p: p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()}
    write(root, "layouts/print.html", "{% extends 'base.html' %}{% block x %}\n{{ issue.nope( }}")
    assert main(["build", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "print.html:2" in err and "mẫu trang viết sai" in err
    after = {p: p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()}
    assert after == before


def test_forked_workers_build_the_same_site_and_report(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Large sites render, check and write in forked workers: same pages, same findings."""
    import bantin.build
    import bantin.content

    root = sample_copy(tmp_path)
    # an article of the same issue that copies a paragraph of the Tân Kỳ one: issue scope
    source = (root / SEED_ARTICLE).read_text(encoding="utf-8").split("\n")
    write(root, "content/2026/18/ban-sao.md", "\n".join(
        ["---", "title: Bài chép lại", "issue: 18", "year: 2026", 'week: "25/5-29/5"',
         "commune: Tân Kỳ", "editor: Hương Chi", "---", "", source[15], ""]))
    serial = build(BuildOptions(root=root, out=tmp_path / "serial", pdf=False,
                                use_cache=False))
    monkeypatch.setattr(bantin.build, "PARALLEL_MIN", 1)
    monkeypatch.setattr(bantin.content, "PARALLEL_MIN", 1)
    forked = build(BuildOptions(root=root, out=tmp_path / "forked", pdf=False,
                                use_cache=False, workers=2))
    assert serial.dedup is not None and forked.dedup is not None
    assert forked.dedup.to_json() == serial.dedup.to_json()
    assert [(f.scope, f.file) for f in serial.dedup.findings if f.scope == "issue"] == [
        ("issue", "content/2026/18/ban-sao.md")]
    assert forked.dedup.removed == serial.dedup.removed == {SEED_ARTICLE: frozenset({18})}

    def pages(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes()
                for p in folder.rglob("*.html")}

    assert pages(tmp_path / "forked") == pages(tmp_path / "serial")


def test_dedup_yes_without_fix_is_a_usage_error(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    root = sample_copy(tmp_path)
    assert main(["dedup", "--root", str(root), "--yes"]) == 2
    assert "--yes chỉ dùng cùng --fix" in capsys.readouterr().err
