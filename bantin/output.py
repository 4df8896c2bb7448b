"""The output folder: never one that holds sources or files bantin did not make."""

from __future__ import annotations

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
