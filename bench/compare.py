"""Two bantin checkouts against each other and Hugo, in alternating rounds (not a test).

    git worktree add /tmp/base <commit>
    python bench/compare.py /tmp/base            # after bench/run.py made the corpus and venv

Each checkout builds its own copy of bench/corpus/bantin (so their caches never mix): a cold
build, then a no-change build, with Hugo between them in every round. Prints medians and the
median of the per-round ratios (the first round is a warm-up and is left out).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from run import hugo_binary  # noqa: E402  (bench/ is not a package)


def timed(cmd: list[str], env: dict[str, str] | None = None) -> float:
    os.sync()
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env)
    return time.perf_counter() - start


def bantin(checkout: Path, site: Path, out: Path, cold: bool) -> float:
    if cold:
        shutil.rmtree(site / ".bantin-cache", ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "bantin.cli", "build", "--root", str(site), "--out", str(out),
           "--no-pdf"]
    return timed(cmd, dict(os.environ, PYTHONPATH=str(checkout)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("base", type=Path, help="the other checkout (e.g. a git worktree)")
    ap.add_argument("--rounds", type=int, default=4)
    args = ap.parse_args()
    corpus = HERE / "corpus"
    work = Path(tempfile.mkdtemp(prefix="bantin-compare-"))
    sides = {"base": args.base.resolve(), "new": REPO}
    for name in sides:
        shutil.copytree(corpus / "bantin", work / name, ignore=shutil.ignore_patterns(
            ".bantin-cache"))
    times: dict[str, list[float]] = {k: [] for k in (
        "hugo", "base cold", "base no-change", "new cold", "new no-change")}
    for _ in range(args.rounds):
        times["hugo"].append(timed([str(hugo_binary()), "--source", str(corpus / "hugo"),
                                    "--destination", str(work / "hugo"), "--quiet"]))
        shutil.rmtree(work / "hugo")
        for name, checkout in sides.items():
            site, out = work / name, work / f"{name}-out"
            times[f"{name} cold"].append(bantin(checkout, site, out, cold=True))
            times[f"{name} no-change"].append(bantin(checkout, site, out, cold=False))
    for key, values in times.items():
        ratio = "" if key == "hugo" else "  /hugo {:.2f}".format(statistics.median(
            a / b for a, b in zip(values[1:], times["hugo"][1:], strict=True)))
        print(f"{key:15s} median {statistics.median(values[1:]):6.2f} s{ratio}   "
              f"runs {[round(v, 2) for v in values]}")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
