"""Shared fixtures: small real-looking Vietnamese sites written into tmp folders."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

PROVINCIAL = """\
---
title: Thành lập Ban Chỉ đạo sơ kết 01 năm vận hành chính quyền địa phương 02 cấp
issue: 18
year: 2026
week: "25/5-29/5"
section: TIN CCHC TỈNH
source: Theo Cổng Thông tin điện tử tỉnh Nghệ An - nghean.gov.vn
editor: Mai Dung
order: 1
---

Ngày 22/5/2026, Tỉnh ủy ban hành Quyết định số 936-QĐ/TU về thành lập Ban Chỉ đạo sơ kết.

Ban Chỉ đạo làm việc theo chế độ kiêm nhiệm, thực hiện nhiệm vụ theo sự phân công của đồng chí Trưởng ban.
"""

LOCAL = """\
---
title: UBND xã được phê duyệt cấp độ an toàn hệ thống thông tin
issue: 18
year: 2026
week: "25/5-29/5"
commune: Tân Kỳ
author: Phòng VHXH Tân Kỳ
editor: Hương Chi
order: 1
---

Ngày 22/5/2026, Giám đốc Công an tỉnh Nghệ An đã ban hành Quyết định số 2562/QĐ-CAT-PA05.

## Kết quả

- Tổng số 2.234 hồ sơ được tiếp nhận, 100% hồ sơ thực hiện trực tuyến:
+ Thanh toán trực tuyến đạt 99,77% với 1.709 giao dịch;
+ Tỷ lệ ký số văn bản đạt 98%.
- Công tác tài chính – ngân sách được thực hiện hiệu quả.
"""


def many_issues(root: Path, issues: int) -> Path:
    """The shipped Số 18's nine articles again as Số 1…n: a site whose PDFs take seconds."""
    root.mkdir(parents=True)
    shutil.copy(REPO / "site.yml", root / "site.yml")
    for n in range(1, issues + 1):
        for src in sorted((REPO / "content/2026/18").glob("*.md")):
            text = src.read_text(encoding="utf-8").replace("issue: 18\n", f"issue: {n}\n", 1)
            dest = root / f"content/2026/{n}/{src.name}"
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text, encoding="utf-8")
    return root


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site with only content/: two articles of Số 18."""
    write(tmp_path, "content/2026/18/ban-chi-dao.md", PROVINCIAL)
    write(tmp_path, "content/2026/18/tan-ky-an-toan.md", LOCAL)
    return tmp_path
