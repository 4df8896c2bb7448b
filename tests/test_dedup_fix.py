"""`bantin dedup --fix`: only the repeated blocks go; every other byte stays."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from bantin.build import load
from bantin.cli import run_dedup
from bantin.dedup_site import check_site

P1 = ("Việc được phê duyệt cấp độ an toàn hệ thống thông tin là dấu mốc quan trọng, khẳng "
      "định sự quan tâm, chỉ đạo của cấp ủy, chính quyền địa phương.")
P2 = ("Trong thời gian qua, UBND xã đã quan tâm đầu tư hạ tầng công nghệ thông tin, nâng cao "
      "chất lượng vận hành các nền tảng số, ứng dụng chữ ký số.")
FRONT = ('---\ntitle: "An toàn thông tin"\nissue: 18\nyear: 2026\nweek: "25/5-29/5"\n'
         "commune: Tân Kỳ\neditor: Hương Chi\n---\n")


def site_with(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "content/2026/18/bai.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    return path


def fix(root: Path, monkeypatch: pytest.MonkeyPatch, answer: str | None = None) -> int:
    if answer is not None:
        monkeypatch.setattr("builtins.input", lambda: answer)
    return run_dedup(root, json_output=False, fix=True, yes=answer is None, verbose=False)


def test_fix_drops_the_repeat_and_nothing_else(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # CRLF endings, an NFD paragraph, trailing spaces, a BOM: all must survive untouched.
    nfd = unicodedata.normalize("NFD", P2)
    lines = [FRONT.replace("\n", "\r\n").encode(), b"\r\n", f"{nfd}  \r\n".encode(), b"\r\n",
             f"{P1} {P1[:0]}\r\n".encode(), b"\r\n", f"{P2}\r\n".encode(), b"\r\n",
             "Phòng VHXH Tân Kỳ tổng hợp\t\r\n".encode()]
    original = b"\xef\xbb\xbf" + b"".join(lines)
    path = site_with(tmp_path, original)
    assert fix(tmp_path, monkeypatch) == 0
    expected = b"\xef\xbb\xbf" + b"".join(lines[:6] + lines[8:])  # the copy and one blank line
    assert path.read_bytes() == expected
    assert check_site(load(tmp_path)[0], use_cache=False).findings == []


def test_fix_at_the_end_of_the_file_and_in_lists(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    text = f"{FRONT}\n- {P1}\n- {P2}\n- {P1}\n\nĐoạn kết.\n\n{P2}\n"
    path = site_with(tmp_path, text.encode())
    assert fix(tmp_path, monkeypatch) == 0
    assert path.read_text(encoding="utf-8") == f"{FRONT}\n- {P1}\n- {P2}\n\nĐoạn kết.\n"


def test_declined_fix_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    original = f"{FRONT}\n{P1}\n\n{P1}\n".encode()
    path = site_with(tmp_path, original)
    assert fix(tmp_path, monkeypatch, answer="k") == 0
    assert path.read_bytes() == original
    out = capsys.readouterr().out
    assert f"-{P1}" in out and "Không sửa gì." in out


def test_confirmed_fix_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = site_with(tmp_path, f"{FRONT}\n{P1}\n\n{P1}\n".encode())
    assert fix(tmp_path, monkeypatch, answer="c") == 0
    assert path.read_text(encoding="utf-8") == f"{FRONT}\n{P1}\n"


def test_nothing_to_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                        capsys: pytest.CaptureFixture[str]) -> None:
    original = f"{FRONT}\n{P1}\n\n{P2}\n".encode()
    path = site_with(tmp_path, original)
    assert fix(tmp_path, monkeypatch) == 0
    assert path.read_bytes() == original
    assert "Không có gì để sửa" in capsys.readouterr().out


def test_build_never_modifies_sources(tmp_path: Path) -> None:
    original = f"{FRONT}\n{P1}\n\n{P1}\n".encode()
    path = site_with(tmp_path, original)
    report = check_site(load(tmp_path)[0])
    assert report.removed and path.read_bytes() == original
