"""Replace the output folder atomically: build beside it, then swap."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import UsageError

MARKER = ".bantin-output"


def check_output_dir(out: Path, root: Path) -> None:
    """Refuse an output folder that would overwrite sources or someone else's files."""
    out, root = out.resolve(), root.resolve()
    for protected in (root, root / "content", root / "issues", root / "layouts",
                      root / "assets"):
        if out == protected or protected.is_relative_to(out) or out.is_relative_to(
                root / "content"):
            raise UsageError(
                f"thư mục xuất {out} trùng hoặc chứa thư mục nguồn {protected} — "
                "chọn thư mục khác, ví dụ --out public")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise UsageError(
            f"thư mục {out} đã có tệp không do bantin tạo, không ghi đè để tránh mất dữ liệu — "
            "chọn thư mục trống hoặc xóa thư mục đó trước")


@contextmanager
def staged_output(out: Path) -> Iterator[Path]:
    """Yield a fresh staging folder; on success it replaces `out`, on failure it is removed."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    try:
        yield stage
        (stage / MARKER).write_text("Thư mục này do bantin tạo; mỗi lần dựng sẽ thay thế.\n",
                                    encoding="utf-8")
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.rename(out, old)
    os.rename(stage, out)
    shutil.rmtree(old, ignore_errors=True)
