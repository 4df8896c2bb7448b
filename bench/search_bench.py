"""How big is the search index, and how fast is the first result? Run by hand; not a test,
CI does not run it.

    python bench/search_bench.py                  # builds bench/corpus/bantin into a temp dir
    python bench/search_bench.py --out /tmp/site  # an output already built from the corpus
    python bench/search_bench.py --repeat 9 --json /tmp/search.json

It reports:
1. the size of the index files (tim-kiem/), as stored and gzipped (what a portal that
   compresses .js sends);
2. for each query, in headless Chromium (Debian's chromium, as tests/test_browser.py
   launches it), with an empty cache each time, the median time to the first result shown
   and the bytes the search page and its first query downloaded:
   - url:   open tim-kiem/index.html?q=… (page, search.js, manifest, word files, article
            lists), the time counted from navigation start;
   - typed: the page is open; the query is typed (one input event), the time counted from
            that event (it includes the 200 ms the page waits for typing to pause);
   both from a sub-path served over HTTP (http://127.0.0.1:<port>/ban-tin/, Python's
   http.server, no compression) and from disk (file://);
3. how long making the newest year's word files takes, in a fresh process and again with the
   words of unchanged articles kept in memory (as `bantin serve` does).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
QUERIES = ["thanh toan truc tuyen", "thanh toán trực tuyến", "tân kỳ", "chuyen doi so"]

# Records when the first result appears (performance.now(), from navigation start).
FIRST_RESULT = """
window.__firstResult = null;
document.addEventListener("DOMContentLoaded", () => {
  const list = document.getElementById("ket-qua");
  if (!list) return;
  new MutationObserver((_, obs) => {
    if (list.firstChild && window.__firstResult === null) {
      window.__firstResult = performance.now();
      obs.disconnect();
    }
  }).observe(list, {childList: true});
});
"""

TYPE = """query => new Promise(resolve => {
  const list = document.getElementById("ket-qua"), box = document.getElementById("o-tim");
  const start = performance.now();
  new MutationObserver((_, obs) => {
    if (list.firstChild) {
      obs.disconnect();
      resolve(performance.now() - start);
    }
  }).observe(list, {childList: true});
  box.value = query;
  box.dispatchEvent(new Event("input"));
})"""


def build(corpus: Path, work: Path) -> Path:
    root = work / "corpus"
    shutil.copytree(corpus, root, ignore=shutil.ignore_patterns(".bantin-cache"))
    out = work / "out"
    subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--root", str(root),
                    "--out", str(out), "--no-pdf"], check=True, stdout=subprocess.DEVNULL)
    return out


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6, mtime=0))


def sizes(out: Path) -> dict[str, dict[str, int]]:
    groups = {"manifest": [out / "tim-kiem/chi-muc.js"],
              "word files": sorted((out / "tim-kiem/tu").glob("*.js")),
              "article lists": sorted((out / "tim-kiem/bai").glob("*.js"))}
    report = {}
    for name, files in groups.items():
        data = [f.read_bytes() for f in files]
        report[name] = {"files": len(files), "bytes": sum(map(len, data)),
                        "gzip": sum(gz(d) for d in data)}
    report["total"] = {k: sum(g[k] for g in report.values()) for k in ("files", "bytes", "gzip")}
    return report


@contextmanager
def served(out: Path) -> Iterator[str]:
    """The output under /ban-tin/ of a local HTTP server."""
    with tempfile.TemporaryDirectory() as portal:
        (Path(portal) / "ban-tin").symlink_to(out, target_is_directory=True)

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Quiet, directory=portal))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/ban-tin/"
        finally:
            server.shutdown()


def file_of(url: str, base: str, out: Path) -> Path | None:
    if not url.startswith(base):
        return None
    return out / unquote(urlsplit(url[len(base):]).path)


def weight(urls: list[str], base: str, out: Path) -> dict[str, int]:
    files = {f for u in urls if (f := file_of(u, base, out)) is not None and f.is_file()}
    data = [f.read_bytes() for f in files]
    return {"requests": len(files), "bytes": sum(map(len, data)), "gzip": sum(gz(d) for d in data)}


def run_query(browser: object, base: str, out: Path, query: str, how: str
              ) -> tuple[float, dict[str, int], int]:
    context = browser.new_context()  # type: ignore[attr-defined]
    context.add_init_script(FIRST_RESULT)
    page = context.new_page()
    errors: list[str] = []
    urls: list[str] = []  # every request, file:// ones too (resource timing skips those)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: urls.append(r.url))
    try:
        if how == "url":
            page.goto(base + "tim-kiem/index.html?q=" + query.replace(" ", "%20"))
            page.wait_for_function("window.__firstResult !== null", timeout=30_000)
            ms = page.evaluate("window.__firstResult")
        else:
            page.goto(base + "tim-kiem/index.html", wait_until="load")
            del urls[:]  # the page is open: count what the query itself loads
            ms = page.evaluate(TYPE, query)
        found = page.locator("#ket-qua li").count()
        assert not errors, errors
        return ms, weight(urls, base, out), found
    finally:
        context.close()


def index_timing(corpus_root: Path) -> dict[str, float]:
    """Seconds to make the newest year's word files: cold, then with the words memoized."""
    code = f"""
import sys, time, tempfile
sys.path.insert(0, {str(REPO)!r})
from pathlib import Path
from bantin.content import load
from bantin.prepare import render_articles
from bantin.site import article_digest
from bantin import search
site, _ = load(Path({str(corpus_root)!r}))
r = render_articles(site)
digests = {{a.rel: article_digest(a, r[a.rel]) for a in site.articles}}
t = time.perf_counter()
targets = search.search_targets(site.issues, r, digests)
listed = time.perf_counter() - t
year = next(t for t in targets if len(t.paths) > 1)
dest = Path(tempfile.mkdtemp()) / "x.js"
t = time.perf_counter(); year.make(dest); cold = time.perf_counter() - t
t = time.perf_counter(); year.make(dest); warm = time.perf_counter() - t
newest = site.issues[0].year
print(listed, cold, warm, sum(len(i.articles) for i in site.issues if i.year == newest))
"""
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                          text=True)
    listed, cold, warm, n = done.stdout.split()
    return {"targets_s": float(listed), "year_cold_s": float(cold), "year_memo_s": float(warm),
            "year_articles": int(n)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=HERE / "corpus" / "bantin")
    ap.add_argument("--out", type=Path, help="a site already built from the corpus")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    if CHROMIUM is None:
        print("chromium không có trên máy (apt-get install chromium)", file=sys.stderr)
        return 1
    if args.out is None and not (args.corpus / "site.yml").is_file():
        print(f"không có corpus ở {args.corpus}: chạy python bench/gen_corpus.py bench/corpus",
              file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as work:
        out = args.out.resolve() if args.out else build(args.corpus, Path(work))
        report: dict[str, object] = {"sizes": sizes(out)}
        print("index files        files      bytes   gzipped")
        for name, s in report["sizes"].items():  # type: ignore[union-attr]
            print(f"  {name:14} {s['files']:7} {s['bytes']:10,} {s['gzip']:9,}")
        runs: list[dict[str, object]] = []
        with served(out) as http_base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"])
            bases = {"http": http_base, "file": out.as_uri() + "/"}
            print("\nfirst result       where how    median ms  min-max ms  requests   bytes "
                  "  gzipped  results  query")
            for query in QUERIES:
                for where, base in bases.items():
                    for how in ("url", "typed"):
                        got = [run_query(browser, base, out, query, how)
                               for _ in range(args.repeat)]
                        ms = [g[0] for g in got]
                        w, found = got[0][1], got[0][2]
                        runs.append({"query": query, "where": where, "how": how,
                                     "median_ms": statistics.median(ms), "ms": ms, **w,
                                     "results_shown": found})
                        print(f"  {'':16} {where:5} {how:5} {statistics.median(ms):10.0f} "
                              f"{min(ms):5.0f}-{max(ms):<5.0f} {w['requests']:9} "
                              f"{w['bytes']:7,} {w['gzip']:9,} {found:8}  {query}")
            browser.close()
        report["runs"] = runs
        if args.out is None or (args.corpus / "site.yml").is_file():
            corpus_root = Path(work) / "corpus" if args.out is None else args.corpus
            report["index_timing"] = t = index_timing(corpus_root)
            print(f"\nmaking the newest year's word files ({t['year_articles']} articles): "
                  f"{t['year_cold_s']:.2f} s in a fresh process, {t['year_memo_s']:.3f} s with "
                  f"the words kept (serve); listing every search target {t['targets_s']:.3f} s")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
