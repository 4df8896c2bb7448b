"""How fast is the PDF step? Run by hand; not a test, CI does not run it.

    python bench/pdf_bench.py                 # a generated year: 52 issues x 10 articles
    python bench/pdf_bench.py --issues 12     # quicker

It measures, in one run:
1. overhead: bantin's PDF step for one issue (template, photo paths, font-coverage check,
   WeasyPrint) against WeasyPrint alone on the same final HTML (target: at most 1.2x);
2. parallel: 10 changed issues in 1 process, then in one worker per core (target: >= 1.6x on
   2 cores);
3. incremental: the whole year built twice; the second build must render zero PDFs.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bantin import pdf  # noqa: E402
from bantin.content import load  # noqa: E402
from bantin.prepare import render_articles  # noqa: E402
from bantin.theme import load_theme  # noqa: E402


def make_corpus(where: Path, issues: int) -> Path:
    subprocess.run([sys.executable, str(HERE / "gen_corpus.py"), str(where), "--years", "1",
                    "--issues", str(issues), "--articles", "10"], check=True,
                   stdout=subprocess.DEVNULL)
    return where


def overhead(root: Path, out: Path, repeat: int) -> dict[str, float]:
    """Median seconds per issue: bantin's step vs WeasyPrint on the final HTML."""
    from weasyprint import HTML

    site, _ = load(root)
    rendered = render_articles(site)
    theme = load_theme(root)
    issue = site.issues[0]
    renderer = pdf.PrintRenderer(site, theme)
    final_html = renderer.html(issue, rendered)
    ours: list[float] = []
    theirs: list[float] = []
    pages = 0

    def run_ours() -> None:
        nonlocal pages
        pages = pdf.render_issue_pdf(site, issue, rendered, theme, out / "ours.pdf").pages

    def run_theirs() -> None:
        HTML(string=final_html, base_url=root.as_uri() + "/").write_pdf(out / "theirs.pdf")

    run_ours()  # warm-up: imports, font files in the page cache
    run_theirs()
    for n in range(repeat):  # alternate the order so neither side always runs first
        pair = [(run_ours, ours), (run_theirs, theirs)]
        for step, times in pair if n % 2 == 0 else reversed(pair):
            gc.collect()
            t = time.perf_counter()
            step()
            times.append(time.perf_counter() - t)
    o, w = statistics.median(ours), statistics.median(theirs)
    return {"pages": pages, "bantin_s": round(o, 3), "weasyprint_s": round(w, 3),
            "ratio": round(o / w, 3), "pages_per_s": round(pages / o, 1)}


def parallel(root: Path, out: Path, count: int) -> dict[str, float]:
    """Seconds for `count` changed issues in one process and in one worker per core."""
    import dataclasses

    site, _ = load(root)
    site = dataclasses.replace(site, issues=site.issues[:count])
    rendered = render_articles(site)
    theme = load_theme(root)
    workers = os.cpu_count() or 1
    times = {}
    for n in (1, workers):
        t = time.perf_counter()
        built = pdf.build_pdfs(site, rendered, theme, out / f"w{n}", workers=n)
        times[n] = time.perf_counter() - t
        assert built.rendered_count == count
    return {"issues": count, "workers": workers, "one_process_s": round(times[1], 2),
            "parallel_s": round(times[workers], 2),
            "speedup": round(times[1] / times[workers], 2)}


def incremental(root: Path, out: Path) -> dict[str, float]:
    """The whole year twice: the second build reuses every PDF."""
    site, _ = load(root)
    rendered = render_articles(site)
    theme = load_theme(root)
    workers = os.cpu_count() or 1
    t = time.perf_counter()
    first = pdf.build_pdfs(site, rendered, theme, out / "first", workers=workers)
    full = time.perf_counter() - t
    t = time.perf_counter()
    second = pdf.build_pdfs(site, rendered, theme, out / "second", previous=out / "first",
                            manifest=first.manifest, workers=workers)
    again = time.perf_counter() - t
    pages = sum(r.pages for r in first.results.values())
    return {"issues": len(site.issues), "pages": pages, "first_build_s": round(full, 2),
            "first_rendered": first.rendered_count, "second_build_s": round(again, 2),
            "second_rendered": second.rendered_count}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=52)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--corpus", type=Path, default=None,
                        help="an existing bantin site instead of a generated one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.corpus or make_corpus(Path(tmp) / "corpus", args.issues)
        out = Path(tmp) / "out"
        out.mkdir()
        results = {"overhead": overhead(root, out, args.repeat),
                   "parallel": parallel(root, out, min(10, args.issues)),
                   "incremental": incremental(root, out)}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
