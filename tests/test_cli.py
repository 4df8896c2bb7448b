"""The command line: exit codes, Vietnamese messages, atomic output, `new`, `check`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bantin.cli import main
from bantin.output import MARKER

from .conftest import PROVINCIAL, REPO, write


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file()}


def test_build_is_the_default_command_and_writes_public(site: Path) -> None:
    result = run("--no-pdf", cwd=site)
    assert result.returncode == 0, result.stderr
    assert "Xong:" in result.stdout and "số bản tin" in result.stdout
    assert (site / "public/2026/18/index.html").is_file()
    assert (site / "public" / MARKER).is_file()


def test_content_errors_exit_1_list_all_and_keep_the_last_good_site(site: Path) -> None:
    assert run("build", "--no-pdf", cwd=site).returncode == 0
    before = snapshot(site / "public")
    sources = snapshot(site / "content")
    write(site, "content/2026/18/x.md", PROVINCIAL.replace("issue: 18", "issue: 0"))
    write(site, "content/2026/18/y.md", "---\ntitle: Thiếu hết\n---\nNội dung\n")
    result = run("build", "--no-pdf", cwd=site)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("content/")]
    assert any(ln.startswith("content/2026/18/x.md:3: issue phải là số nguyên") for ln in lines)
    assert sum(ln.startswith("content/2026/18/y.md:") for ln in lines) >= 3
    assert "thư mục xuất cũ được giữ nguyên" in result.stderr
    assert snapshot(site / "public") == before
    assert {k: v for k, v in snapshot(site / "content").items() if k in sources} == sources
    assert not list(site.glob(".public.*"))  # no staging folder left behind


def test_usage_errors_exit_2_in_vietnamese(site: Path) -> None:
    result = run("build", "--khong-co", cwd=site)
    assert result.returncode == 2
    assert "không hiểu tham số: --khong-co" in result.stderr
    assert "Cách dùng:" in result.stderr and "usage:" not in result.stderr
    result = run("new", "Bài mới", cwd=site)
    assert result.returncode == 2 and "thiếu tham số bắt buộc: --issue" in result.stderr
    result = run("check", "--root", str(site / "khong-co"))
    assert result.returncode == 2 and "không có thư mục" in result.stderr


def test_help_is_vietnamese() -> None:
    result = run("build", "-h")
    assert result.returncode == 0
    assert "Tùy chọn:" in result.stdout and "không dựng bản PDF" in result.stdout


def test_refuses_to_overwrite_a_foreign_or_source_folder(site: Path, tmp_path: Path) -> None:
    foreign = tmp_path / "tai-lieu"
    write(foreign, "quan-trong.docx", "dữ liệu")
    for out in (foreign, site, site / "content"):
        result = run("build", "--no-pdf", "--out", str(out), cwd=site)
        assert result.returncode == 2, out
        assert "Traceback" not in result.stderr
    assert (foreign / "quan-trong.docx").read_text(encoding="utf-8") == "dữ liệu"


def test_check_builds_nothing(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--root", str(site)]) == 0
    assert "Nội dung hợp lệ: 2 bài, 1 số bản tin" in capsys.readouterr().out
    assert not (site / "public").exists()
    write(site, "content/2026/18/x.md", PROVINCIAL.replace('week: "25/5-29/5"', 'week: "30/2-3/3"'))
    assert main(["check", "--root", str(site)]) == 1
    assert "ngày 30/2/2026 không có thật" in capsys.readouterr().err


def test_new_scaffolds_a_valid_article(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "Mô hình “Trung tâm Phục vụ hành chính công lưu động”", "--issue", "18",
                 "--commune", "Vạn An", "--root", str(site)]) == 0
    path = site / "content/2026/18/xa-van-an-mo-hinh-trung-tam-phuc-vu-hanh-chinh-cong-luu-dong.md"
    text = path.read_text(encoding="utf-8")
    assert 'week: "25/5-29/5"' in text and "commune: \"Vạn An\"" in text
    assert "editor:" in text and 'section: "TIN CCHC ĐỊA PHƯƠNG"' in text
    assert main(["check", "--root", str(site)]) == 0
    # never overwrite
    assert main(["new", "Mô hình “Trung tâm Phục vụ hành chính công lưu động”", "--issue", "18",
                 "--commune", "Vạn An", "--root", str(site)]) == 2
    assert "không ghi đè" in capsys.readouterr().err


def test_new_needs_an_editor_for_a_new_issue(site: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "Bài đầu tiên", "--issue", "30", "--root", str(site)]) == 2
    assert "--editor" in capsys.readouterr().err
    assert main(["new", "Bài đầu tiên", "--issue", "30", "--year", "2026", "--week",
                 "20/7-24/7", "--editor", "Mai Dung", "--root", str(site)]) == 0
    assert main(["check", "--root", str(site)]) == 0


def test_console_script_matches_build_py(site: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bantin.cli", "check", "--root", str(site)],
                            capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 0 and "Nội dung hợp lệ" in result.stdout


def test_cache_is_used_and_can_be_ignored(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["build", "--root", str(site), "--out", str(out), "--no-pdf"]) == 0
    caches = sorted(p for p in (site / ".bantin-cache").iterdir() if p.is_file())
    assert {c.name for c in caches} >= {"cache.sqlite3", "outputs.json"}
    first = (out / "2026/18/index.html").read_text(encoding="utf-8")
    for cache in caches:
        cache.write_bytes(b"hong")  # a corrupt cache is ignored, not fatal
    assert main(["build", "--root", str(site), "--out", str(out), "--no-pdf"]) == 0
    assert (out / "2026/18/index.html").read_text(encoding="utf-8") == first
    assert main(["build", "--root", str(site), "--out", str(out), "--no-pdf", "--no-cache"]) == 0


def test_broken_site_template_is_reported_with_its_line(site: Path, tmp_path: Path) -> None:
    write(site, "layouts/article.html", "{% extends 'base.html' %}\n{% block content %}\n"
          "{{ article.title }\n{% endblock %}\n")
    result = run("build", "--no-pdf", "--out", str(tmp_path / "out"), cwd=site)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "layouts/article.html:3: mẫu trang viết sai" in result.stderr
    write(site, "layouts/article.html", "{% extends 'base.html' %}\n{% block content %}\n"
          "{{ khong_co.title }}\n{% endblock %}\n")
    result = run("build", "--no-pdf", "--out", str(tmp_path / "out"), cwd=site)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "article.html:3: lỗi khi dựng mẫu trang" in result.stderr
    assert not (tmp_path / "out").exists()


def test_empty_site_builds_a_home_page(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    assert main(["build", "--root", str(tmp_path), "--no-pdf"]) == 0
    assert "Chưa có số bản tin nào" in (tmp_path / "public/index.html").read_text(encoding="utf-8")


def test_unexpected_failure_is_reported_in_vietnamese_and_keeps_the_site(
        site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Fault injection: a bug deep in the pipeline (here in the site writer) must not print a
    Python traceback at an editor, nor cost the last good site."""
    import bantin.site

    assert main(["build", "--root", str(site), "--no-pdf"]) == 0
    before = snapshot(site / "public")

    def broken(self: object, *args: object) -> None:
        raise RuntimeError("hỏng thử")

    # The fault is in making a page: its new file is staged, never put in place.
    write(site, "content/2026/18/ban-chi-dao.md",
          (site / "content/2026/18/ban-chi-dao.md").read_text(encoding="utf-8") + "\nThêm.\n")
    monkeypatch.setattr(bantin.site.SitePages, "render", broken)
    capsys.readouterr()
    assert main(["build", "--root", str(site), "--no-pdf"]) == 1
    err = capsys.readouterr().err
    assert "lỗi ngoài dự kiến của bantin (RuntimeError: hỏng thử)" in err
    assert "Traceback" not in err
    assert snapshot(site / "public") == before
    monkeypatch.setenv("BANTIN_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["build", "--root", str(site), "--no-pdf"])
