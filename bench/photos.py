"""Photo benchmark: 100 phone-size photos (4000 × 3000 JPEG, stored sideways with an EXIF
orientation, as phones do) in ten articles of one issue.

Measures, in one process each:
- a cold build (no output, no cache) on one worker and on both cores, alternating;
- a second build: how many photo files it opens (an audit hook counts them) and how long
  its photo step takes.

Run: python bench/photos.py [--photos 100] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

ARTICLE = """\
---
title: "Xã Tân Kỳ: hội nghị chuyên đề số {n}"
issue: 18
year: 2026
week: "25/5-29/5"
commune: Tân Kỳ
author: Phòng VHXH Tân Kỳ
editor: Hương Chi
order: {n}
---

Sáng ngày 26/5/2026, UBND xã Tân Kỳ tổ chức hội nghị chuyên đề về cải cách hành chính.

Một số hình ảnh:

{photos}
"""


def phone_photo(path: Path, seed: int) -> None:
    """A 4000 × 3000 photo with texture (so it compresses like a real one, ~3 MB)."""
    noise = Image.effect_noise((1000, 750), 60 + seed % 20).resize((4000, 3000))
    base = Image.radial_gradient("L").resize((4000, 3000))
    img = Image.merge("RGB", (noise, base, Image.blend(noise, base, 0.5)))
    exif = Image.Exif()
    exif[0x0112] = 6
    img.save(path, "JPEG", quality=88, exif=exif)


def make_site(root: Path, photos: int) -> None:
    per = 10
    for a in range((photos + per - 1) // per):
        folder = root / "content/2026/18"
        folder.mkdir(parents=True, exist_ok=True)
        names = []
        for k in range(per):
            n = a * per + k
            if n >= photos:
                break
            phone_photo(folder / f"anh-{n:03d}.jpg", n)
            names.append(f"![Ảnh {n + 1}](anh-{n:03d}.jpg)")
        (folder / f"bai-{a}.md").write_text(
            ARTICLE.format(n=a + 1, photos="\n".join(names)), encoding="utf-8")
    old = time.time() - 3600  # settled files: the digest cache may trust their stamps
    for p in (root / "content").rglob("*"):
        os.utime(p, (old, old))


CHILD = """
import json, sys, time
from pathlib import Path
opened = []
def hook(event, args):
    if event == "open" and isinstance(args[0], str) and args[0].endswith(".jpg") \\
            and "/content/" in args[0]:
        opened.append(args[0])
sys.addaudithook(hook)
from bantin.build import Builder, BuildOptions
root, workers, cache = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
b = Builder(BuildOptions(root=root, out=root / "public", pdf=False, workers=workers,
                         use_cache=cache), record=False)
t = time.perf_counter()
r = b.build()
print(json.dumps({"seconds": time.perf_counter() - t, "opened": len(opened),
                  "photo_files": sum(p.startswith("anh/") for p in r.written),
                  "timings": b.timings}))
"""


def run(root: Path, workers: int, cache: bool) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, str(root), str(workers),
                           "1" if cache else "0"], capture_output=True, text=True)
    if done.returncode:
        sys.exit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bantin-photo-bench-") as tmp:
        root = Path(tmp) / "site"
        made = time.perf_counter()
        make_site(root, args.photos)
        size = sum(p.stat().st_size for p in root.rglob("*.jpg"))
        print(f"{args.photos} ảnh 4000×3000 ({size / 1e6:.0f} MB) tạo trong "
              f"{time.perf_counter() - made:.0f} s")
        cold: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(args.rounds):
            for workers in (1, 2):  # alternating: the machine's speed drifts
                shutil.rmtree(root / "public", ignore_errors=True)
                shutil.rmtree(root / ".bantin-cache", ignore_errors=True)
                cold[workers].append(run(root, workers, cache=True)["seconds"])
        second = run(root, 2, cache=True)
        for w in (1, 2):
            print(f"dựng từ đầu, {w} tiến trình: trung vị {statistics.median(cold[w]):.1f} s "
                  f"({', '.join(f'{s:.1f}' for s in cold[w])})")
        ratios = [a / b for a, b in zip(cold[1], cold[2], strict=True)]
        print(f"tăng tốc trên 2 lõi: trung vị {statistics.median(ratios):.2f}×")
        print(f"lần dựng thứ hai: {second['seconds']:.2f} s, mở {second['opened']} tệp ảnh, "
              f"ghi {second['photo_files']} tệp ảnh, bước ảnh "
              f"{second['timings'].get('photos', 0) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
