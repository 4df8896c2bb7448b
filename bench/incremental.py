#!/usr/bin/env python3
"""Paired benchmark of bantin's incremental builds against Hugo (not a test).

    python bench/incremental.py [--rounds 5] [--only cold,nochange,edit,serve] [--verify]

Works on copies of bench/corpus (bantin and Hugo sites with the same 2,600 articles) in a
temporary folder. In every round bantin and Hugo build the same content one after the other
(the one that goes first alternates), and the report gives the median of the per-round
ratios bantin/Hugo and the medians of the raw seconds. One untimed warm-up round comes first.

  cold      bantin --no-cache, no cache nor output       vs  hugo, no output (the old
            ones are moved aside, deleted only with the work folder: see Sites.set_aside)
  nochange  bantin again with its cache and old output    vs  hugo again with its old output
  edit      one sentence added to one article's body (a different article each round, the
            same edit in both copies), then a normal build of each
  serve     `bantin serve`: edit → reload event → page with the new text; memory growth

--verify: at the end, a cold --no-cache build of the same sources into a fresh folder must
be byte-identical (same file names, same bytes) to the incremental output.
Results: a table on stdout and bench/incremental.json. Exit status 1 if a build failed, an
edit did not reach the output, --verify found a difference or the serve part failed.
"""

from __future__ import annotations

import argparse
import contextlib
import filecmp
import http.client
import json
import os
import platform
import queue
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections import deque
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import (  # bench/ is not a package: imported by path
    BENCH,
    REPO,
    BuildFailed,
    Sample,
    corpus_stats,
    ensure_corpus,
    ensure_others,
    hugo_binary,
    measure,
    remove,
    tree,
    version,
)

SCENARIOS = ("cold", "nochange", "edit", "serve")
TARGETS = {"cold": 2.0, "nochange": 0.25, "edit": 0.5}  # bantin / Hugo, median of rounds
LABELS = {"cold": "cold", "nochange": "no change", "edit": "one article edited"}
TARGET_LATENCY_S = 0.3  # serve: median edit → page with the new text
TARGET_GROWTH_PCT = 10.0  # serve: RSS growth over --memory-edits edits
DEFAULT_CORPUS = BENCH / "corpus"
COPY_IGNORE = shutil.ignore_patterns(".bantin-cache", "public", "resources", ".hugo_build.lock")


# --------------------------------------------------------------------------------------------
# Editing an article (the same way in the bantin and the Hugo copy)
# --------------------------------------------------------------------------------------------


def write_atomically(path: Path, text: str) -> None:
    """Write to a hidden temporary file next to `path`, then os.replace it (as editors do)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def split_front(text: str) -> tuple[str, str]:
    if not text.startswith("---\n"):
        raise ValueError("no front matter")
    end = text.index("\n---\n", 3) + len("\n---\n")
    return text[:end], text[end:]


def edit_article(path: Path, sentence: str) -> None:
    """Append `sentence` to the first plain paragraph of the body (never the front matter)."""
    front, body = split_front(path.read_text(encoding="utf-8"))
    lines = body.split("\n")
    for k, line in enumerate(lines):
        if line.strip() and not line[0].isspace() and line[0] not in "#-+*|>!<`":
            lines[k] = f"{line.rstrip()} {sentence}"
            break
    else:
        raise ValueError(f"{path}: no plain paragraph in the body")
    write_atomically(path, front + "\n".join(lines))


def article_url(path: Path) -> str:
    """`<year>/<số>/<slug>/` of a bantin article, from its front matter."""
    front, _ = split_front(path.read_text(encoding="utf-8"))
    fields = dict(re.findall(r"^(\w+): *\"?([^\"\n]*)\"?$", front, re.M))
    return f"{fields['year']}/{fields['issue']}/{fields.get('slug') or path.stem}/"


def page_has(page: Path | bytes, sentence: str) -> bool:
    try:
        raw = page.read_bytes() if isinstance(page, Path) else page
    except OSError:
        return False
    text = unicodedata.normalize("NFC", raw.decode("utf-8", "replace"))
    return unicodedata.normalize("NFC", sentence) in text


def sentence_for(n: int) -> str:
    return f"Cập nhật lần {n}."


# --------------------------------------------------------------------------------------------
# The two sites and their builds
# --------------------------------------------------------------------------------------------


class Sites:
    """Copies of the corpus's bantin and Hugo sites in `work`, and where they are built."""

    def __init__(self, work: Path, corpus: Path, checkout: Path) -> None:
        self.work = work
        self.checkout = checkout  # the bantin source tree that builds (has build.py)
        self.bantin = work / "bantin"
        self.hugo = work / "hugo"
        self.bantin_out = work / "out" / "bantin"
        self.hugo_out = work / "out" / "hugo"
        self.logs = work / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        shutil.copytree(corpus / "bantin", self.bantin, ignore=COPY_IGNORE)
        shutil.copytree(corpus / "hugo", self.hugo, ignore=COPY_IGNORE)
        self.primed = False  # bantin and Hugo outputs (and bantin's cache) exist
        self.aside = work / "aside"
        self.set_aside_count = 0

    def set_aside(self, *paths: Path) -> None:
        """Move old outputs out of the way instead of deleting them: this disk (ext4 without
        a journal) skips the inodes freed in the last minutes when it makes new files, so
        deleting ~6,500 files before a cold build slowed the next builds of both tools,
        by up to 2x, depending on what was deleted when. Deleted with the work folder."""
        for p in paths:
            if p.exists() or p.is_symlink():
                self.aside.mkdir(exist_ok=True)
                self.set_aside_count += 1
                p.rename(self.aside / f"{self.set_aside_count}-{p.name}")

    def bantin_cmd(self, out: Path, cold: bool) -> list[str]:
        cmd = [sys.executable, "build.py", "build", "--root", str(self.bantin),
               "--out", str(out), "--no-pdf"]
        return [*cmd, "--no-cache"] if cold else cmd

    def hugo_cmd(self) -> list[str]:
        return [str(hugo_binary()), "--source", str(self.hugo), "--destination",
                str(self.hugo_out), "--quiet"]

    def build(self, tool: str, cold: bool, log: str) -> Sample:
        if tool == "bantin":
            if cold:
                self.set_aside(self.bantin / ".bantin-cache", self.bantin_out)
            return measure(self.bantin_cmd(self.bantin_out, cold), self.checkout,
                           self.logs / log)
        if cold:
            self.set_aside(self.hugo_out, self.hugo / "resources", self.hugo / ".hugo_build.lock")
        return measure(self.hugo_cmd(), self.hugo, self.logs / log)

    def articles(self) -> list[str]:
        """Relative paths under content/, the same in both copies (see gen_corpus.py)."""
        return sorted(p.relative_to(self.bantin).as_posix()
                      for p in (self.bantin / "content").rglob("*.md"))


# --------------------------------------------------------------------------------------------
# Paired rounds
# --------------------------------------------------------------------------------------------


@dataclass
class Round:
    first: str  # which tool built first in this round
    bantin_s: float = 0.0
    hugo_s: float = 0.0
    bantin_peak_mb: float = 0.0
    hugo_peak_mb: float = 0.0
    article: str | None = None  # edit rounds: the edited article (relative path)
    bantin_has_edit: bool | None = None  # the new sentence is in the built article page
    hugo_has_edit: bool | None = None

    @property
    def ratio(self) -> float:
        return self.bantin_s / self.hugo_s


@dataclass
class Scenario:
    key: str
    warmup: Round | None = None
    rounds: list[Round] = field(default_factory=list)
    error: str | None = None

    def median(self, what: str) -> float:
        return statistics.median(getattr(r, what) for r in self.rounds)

    def summary(self) -> dict[str, Any]:
        if not self.rounds:
            return {"target_ratio": TARGETS[self.key], "error": self.error}
        ratio = self.median("ratio")
        return {
            "target_ratio": TARGETS[self.key],
            "median_bantin_s": round(self.median("bantin_s"), 3),
            "median_hugo_s": round(self.median("hugo_s"), 3),
            "median_ratio": round(ratio, 3),
            "target_ok": ratio <= TARGETS[self.key],
            "error": self.error,
            "warmup": self.warmup and round_json(self.warmup),
            "rounds": [round_json(r) for r in self.rounds],
        }


def round_json(r: Round) -> dict[str, Any]:
    return {**asdict(r), "ratio": round(r.ratio, 4)}


def paired(sites: Sites, key: str, i: int, cold: bool) -> Round:
    r = Round(first="bantin" if i % 2 == 0 else "hugo")
    for tool in (("bantin", "hugo") if r.first == "bantin" else ("hugo", "bantin")):
        sample = sites.build(tool, cold, f"{key}-{tool}.log")
        setattr(r, f"{tool}_s", sample.seconds)
        setattr(r, f"{tool}_peak_mb", round(sample.peak_mb, 1))
    sites.primed = not cold
    return r


def prime(sites: Sites) -> None:
    """Normal (untimed) builds, so that the next build has a cache and a previous output."""
    if not sites.primed:
        print("  priming: one normal build of each, untimed", file=sys.stderr)
        for tool in ("bantin", "hugo"):
            sites.build(tool, cold=False, log=f"prime-{tool}.log")
        sites.primed = True


def run_scenario(sites: Sites, key: str, rounds: int, edits: list[str]) -> Scenario:
    sc = Scenario(key)
    for i in range(rounds + 1):
        try:
            if key != "cold" and not i:
                prime(sites)
            if key == "edit":
                r = edit_round(sites, i, edits[i])
            else:
                r = paired(sites, key, i, cold=key == "cold")
        except BuildFailed as exc:
            sc.error = str(exc)
            print(f"  {key}: FAILED {exc}", file=sys.stderr)
            break
        if i:
            sc.rounds.append(r)
        else:
            sc.warmup = r
        extra = f"  {r.article}" if r.article else ""
        print(f"  {LABELS[key]}: {f'round {i}' if i else 'warm-up'}  bantin {r.bantin_s:.2f} s"
              f"  hugo {r.hugo_s:.2f} s  ratio {r.ratio:.2f}{extra}", file=sys.stderr)
    return sc


def edit_round(sites: Sites, i: int, article: str) -> Round:
    sentence = sentence_for(i)
    for root in (sites.bantin, sites.hugo):
        edit_article(root / article, sentence)
    r = paired(sites, "edit", i, cold=False)
    url = article_url(sites.bantin / article)
    r.article = article
    r.bantin_has_edit = page_has(sites.bantin_out / url / "index.html", sentence)
    r.hugo_has_edit = page_has(sites.hugo_out / url / "index.html", sentence)
    return r


# --------------------------------------------------------------------------------------------
# --verify: the incremental output against a cold build of the same sources
# --------------------------------------------------------------------------------------------


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if not p.is_dir()}


def verify(sites: Sites) -> dict[str, Any]:
    """Cold --no-cache build of the same root into a fresh folder (the cache is moved aside
    meanwhile, so the cold build can neither read nor change it), then compare every file."""
    fresh = sites.work / "out" / "bantin-cold-verify"
    cache = sites.bantin / ".bantin-cache"
    aside = sites.work / "cache-aside"
    remove(fresh, aside)
    if cache.exists():
        cache.rename(aside)
    try:
        measure(sites.bantin_cmd(fresh, cold=True), sites.checkout,
                sites.logs / "verify-cold.log")
    except BuildFailed as exc:
        return {"identical": False, "error": str(exc), "files": 0, "differences": []}
    finally:
        remove(cache)
        if aside.exists():
            aside.rename(cache)
    incremental, cold = files_under(sites.bantin_out), files_under(fresh)
    diffs = [f"only in the incremental output: {p}" for p in sorted(incremental - cold)]
    diffs += [f"only in the cold output: {p}" for p in sorted(cold - incremental)]
    diffs += [f"different bytes: {p}" for p in sorted(incremental & cold)
              if not filecmp.cmp(sites.bantin_out / p, fresh / p, shallow=False)]
    return {"identical": not diffs, "error": None, "files": len(cold),
            "difference_count": len(diffs), "differences": diffs[:20]}


# --------------------------------------------------------------------------------------------
# Serve: edit → reload event → page with the new text; memory
# --------------------------------------------------------------------------------------------


class ServeError(RuntimeError):
    pass


@dataclass
class Event:
    at: float  # perf_counter() when the event was complete
    event: str
    data: str


class EventStream(threading.Thread):
    """One Server-Sent Events client; complete events go to `self.events`, None at the end."""

    def __init__(self, host: str, port: int, path: str) -> None:
        super().__init__(daemon=True)
        self.events: queue.Queue[Event | None] = queue.Queue()
        conn = http.client.HTTPConnection(host, port, timeout=10)
        conn.request("GET", path, headers={"Accept": "text/event-stream",
                                           "Cache-Control": "no-cache"})
        self.sock = conn.sock
        self.response = conn.getresponse()
        if self.response.status != 200:
            raise ServeError(f"GET {path}: HTTP {self.response.status}")
        if self.sock is not None:
            self.sock.settimeout(None)  # the stream may stay quiet for a long time

    def run(self) -> None:
        event, data = "message", []
        try:
            while raw := self.response.readline():
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                if not line:  # a blank line ends an event
                    if data or event != "message":
                        self.events.put(Event(time.perf_counter(), event, "\n".join(data)))
                    event, data = "message", []
                elif not line.startswith(":"):  # ":…" is a comment (keep-alive)
                    name, _, value = line.partition(":")
                    value = value[1:] if value.startswith(" ") else value
                    if name == "event":
                        event = value
                    elif name == "data":
                        data.append(value)
        except (OSError, ValueError, AttributeError, http.client.HTTPException):
            pass  # the stream ended (AttributeError: http.client after a shutdown)
        finally:
            self.events.put(None)

    def close(self) -> None:
        """Shut the socket down (that ends the reader's readline), then close the response."""
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)
        self.join(5)
        if not self.is_alive():
            self.response.close()


def http_get(host: str, port: int, path: str, timeout: float = 10) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tree_rss_mb(pid: int) -> float:
    """Summed VmRSS (from /proc/<pid>/status) of a process and all its descendants."""
    kb = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                kb += next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
        except (OSError, ValueError):
            pass
    return kb / 1024


def rss_mb(pid: int) -> float:
    """VmRSS of one process (the serve process without its PDF helper)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            return next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")),
                        0) / 1024
    except (OSError, ValueError):
        return 0.0


def wait_first_pdf(server: Server, timeout: float = 90.0) -> None:
    """serve prints the newest issue's PDF once after its first build (in a helper
    process): the memory baseline is taken after it, helper included."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, body = http_get(*server.address(), "/__bantin/status", timeout=5)
            pdf = json.loads(body).get("pdf", {}) if status == 200 else {}
            if pdf.get("state") in ("ready", "failed"):
                return
        except (OSError, ValueError, http.client.HTTPException):
            pass
        time.sleep(0.2)


def tree_cpu_ticks(pid: int) -> int:
    ticks = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return ticks


def settle(pid: int, quiet_s: float = 1.0, limit_s: float = 30.0) -> None:
    """Wait until the process tree used (almost) no CPU for `quiet_s` seconds."""
    deadline = time.monotonic() + limit_s
    last, quiet_since = tree_cpu_ticks(pid), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = tree_cpu_ticks(pid)
        if now - last > 1:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= quiet_s:
            return
        last = now


class Server:
    """`python build.py serve --root … --port …`, its output read by a thread into a log."""

    def __init__(self, checkout: Path, site: Path, port: int, log: Path) -> None:
        self.port = port
        self.cmd = [sys.executable, "build.py", "serve", "--root", str(site), "--port", str(port)]
        self.log = log.open("w", encoding="utf-8")
        self.tail: deque[str] = deque(maxlen=30)
        self.url: str | None = None
        self.proc = subprocess.Popen(
            self.cmd, cwd=checkout, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace",
            env=dict(os.environ, PYTHONUNBUFFERED="1"))
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.log.write(line)
            self.log.flush()
            self.tail.append(line.rstrip())
            if self.url is None and (m := re.search(r"https?://[^\s\"'<>]+", line)):
                self.url = m.group(0)

    def address(self) -> tuple[str, int]:
        if self.url:
            parts = urlsplit(self.url)
            if parts.hostname and parts.port:
                return parts.hostname, parts.port
        return "127.0.0.1", self.port

    def output_tail(self) -> str:
        return "\n".join(self.tail)

    def wait_ready(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.reader.join(5)
                raise ServeError(f"`{' '.join(self.cmd[1:])}` exited with code "
                                 f"{self.proc.returncode} before it was ready:\n"
                                 f"{self.output_tail()}")
            try:
                status, body = http_get(*self.address(), "/__bantin/status", timeout=5)
                if status == 200:
                    data = json.loads(body)
                    if isinstance(data, dict) and "version" in data:
                        return data
            except (OSError, ValueError, http.client.HTTPException):
                pass
            time.sleep(0.1)
        raise ServeError(f"/__bantin/status did not answer within {timeout:.0f} s")

    def stop(self) -> dict[str, Any]:
        """SIGINT (as Ctrl-C would), then check that it and its children are gone."""
        if self.proc.poll() is not None:
            return {"exited": True, "exit_code": self.proc.returncode, "seconds": 0.0,
                    "left_behind": [], "note": "had already exited"}
        family = tree(self.proc.pid)[1:]
        start = time.perf_counter()
        self.proc.send_signal(signal.SIGINT)
        try:
            code: int | None = self.proc.wait(15)
        except subprocess.TimeoutExpired:
            code = None
            self.proc.kill()
            self.proc.wait()
        seconds = time.perf_counter() - start
        time.sleep(0.2)
        left = [p for p in family if Path(f"/proc/{p}").exists()]
        for p in left:  # only descendants of the server we started
            with contextlib.suppress(OSError):
                os.kill(p, signal.SIGTERM)
        self.reader.join(5)
        self.log.close()
        return {"exited": code is not None, "exit_code": code, "seconds": round(seconds, 3),
                "left_behind": left}


def percentile(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def one_edit(server: Server, stream: EventStream, md: Path, url: str, n: int,
             timeout: float) -> dict[str, Any]:
    """Rewrite one article, wait for the next reload, fetch its page until the text is in."""
    while True:  # drop events left over from earlier edits
        try:
            if stream.events.get_nowait() is None:
                raise ServeError("the event stream closed")
        except queue.Empty:
            break
    sentence = sentence_for(n)
    start = time.perf_counter()
    edit_article(md, sentence)
    deadline = start + timeout
    reloads: list[Any] = []
    while True:
        left = deadline - time.perf_counter()
        try:
            ev = stream.events.get(timeout=max(left, 0.001))
        except queue.Empty:
            raise ServeError(f"edit {n} ({url}): the new text was not served within "
                             f"{timeout:.0f} s (reload events: {reloads})") from None
        if ev is None:
            raise ServeError(f"the event stream closed during edit {n}:\n{server.output_tail()}")
        if ev.event == "error":  # the rebuild failed: no reload will come for this edit
            raise ServeError(f"edit {n} ({url}): the rebuild failed: {ev.data[:500]}")
        if ev.event != "reload":
            continue
        try:
            reloads.append(json.loads(ev.data).get("version"))
        except (ValueError, AttributeError):
            reloads.append(ev.data)
        status, body = http_get(*server.address(), f"/{url}index.html")
        if status == 200 and page_has(body, sentence):
            done = time.perf_counter()
            return {"article": url, "latency_s": round(done - start, 4),
                    "reload_event_s": round(ev.at - start, 4), "versions": reloads}


def run_serve(corpus: Path, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    site = work / "serve-site"
    shutil.copytree(corpus / "bantin", site, ignore=COPY_IGNORE)
    articles = sorted((site / "content").rglob("*.md"))
    total = max(args.edits, args.memory_edits)
    picked = random.Random(2).sample(articles, min(total, len(articles)))
    result: dict[str, Any] = {"edits": args.edits, "memory_edits": args.memory_edits}
    started = time.perf_counter()
    server = Server(args.bantin, site, free_port(), work / "logs" / "serve.log")
    result["command"] = " ".join(server.cmd)
    stream: EventStream | None = None
    try:
        result["first_status"] = server.wait_ready(args.serve_timeout)
        result["ready_s"] = round(time.perf_counter() - started, 3)
        result["url"] = server.url
        print(f"  serve: ready after {result['ready_s']:.1f} s at {server.url}", file=sys.stderr)
        stream = EventStream(*server.address(), "/__bantin/events")
        stream.start()
        wait_first_pdf(server)
        settle(server.proc.pid)
        result["rss_first_build_mb"] = round(tree_rss_mb(server.proc.pid), 1)
        result["rss_main_first_mb"] = round(rss_mb(server.proc.pid), 1)
        runs: list[dict[str, Any]] = []
        result["runs"] = runs
        for k in range(total):
            md = picked[k % len(picked)]
            runs.append(one_edit(server, stream, md, article_url(md), k + 1, args.edit_timeout))
            if k + 1 == args.edits:
                lat = [r["latency_s"] for r in runs]
                result["median_latency_s"] = round(statistics.median(lat), 4)
                result["p90_latency_s"] = round(percentile(lat, 90), 4)
                print(f"  serve: {len(lat)} edits, median {statistics.median(lat) * 1000:.0f} ms",
                      file=sys.stderr)
            elif (k + 1) % 50 == 0:
                print(f"  serve: {k + 1}/{total} edits", file=sys.stderr)
        if args.memory_edits:
            settle(server.proc.pid)
            rss = tree_rss_mb(server.proc.pid)
            result["rss_after_edits_mb"] = round(rss, 1)
            result["rss_growth_pct"] = round(100 * (rss / result["rss_first_build_mb"] - 1), 2)
            main = rss_mb(server.proc.pid)
            result["rss_main_after_mb"] = round(main, 1)
            result["rss_main_growth_pct"] = round(
                100 * (main / result["rss_main_first_mb"] - 1), 2)
        lat_all = [r["latency_s"] for r in runs]
        if lat_all:
            result["median_latency_all_s"] = round(statistics.median(lat_all), 4)
            result["p90_latency_all_s"] = round(percentile(lat_all, 90), 4)
        result["error"] = None
    except (ServeError, OSError, http.client.HTTPException) as exc:
        result["error"] = str(exc)
        print(f"  serve: FAILED {exc}", file=sys.stderr)
    finally:
        if stream is not None:
            stream.close()
        result["stop"] = server.stop()
    return result


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def table(scenarios: list[Scenario]) -> str:
    head = (f"{'build':<20}{'bantin s':>9}{'Hugo s':>8}{'ratio':>8}{'ratio min-max':>15}"
            f"{'target':>9}  result")
    lines = [head, "-" * len(head)]
    for sc in scenarios:
        target = f"≤ {TARGETS[sc.key]:g}×"
        if not sc.rounds:
            lines.append(f"{LABELS[sc.key]:<20}  FAILED: {(sc.error or '').splitlines()[0]}")
            continue
        ratios = [r.ratio for r in sc.rounds]
        ratio = sc.median("ratio")
        lines.append(f"{LABELS[sc.key]:<20}{sc.median('bantin_s'):>9.2f}{sc.median('hugo_s'):>8.2f}"
                     f"{ratio:>7.2f}×{f'{min(ratios):.2f}-{max(ratios):.2f}':>15}"
                     f"{target:>9}  {verdict(ratio <= TARGETS[sc.key])}"
                     + ("  (stopped early: a build failed)" if sc.error else ""))
    return "\n".join(lines)


def edit_check(sc: Scenario) -> str:
    done = ([sc.warmup] if sc.warmup else []) + sc.rounds
    b = sum(bool(r.bantin_has_edit) for r in done)
    h = sum(bool(r.hugo_has_edit) for r in done)
    return (f"edited sentence found in the built article page: bantin {b}/{len(done)}, "
            f"Hugo {h}/{len(done)}")


def verify_line(v: dict[str, Any]) -> str:
    if v.get("skipped"):
        return f"verify: skipped ({v['skipped']})"
    if v["error"]:
        return f"verify: the cold reference build FAILED: {v['error'].splitlines()[0]}"
    if v["identical"]:
        return f"verify: incremental output is byte-identical to a cold build ({v['files']} files)"
    return "\n".join([f"verify: incremental output DIFFERS from a cold build "
                      f"({v['difference_count']} differences; first 20):",
                      *(f"  {d}" for d in v["differences"])])


def serve_lines(s: dict[str, Any]) -> list[str]:
    lines = []
    if "ready_s" in s:
        lines.append(f"serve: status answered {s['ready_s']:.1f} s after start (first build)")
    if "median_latency_s" in s:
        med, p90 = s["median_latency_s"], s["p90_latency_s"]
        lines.append(f"serve: edit → page with the new text, {s['edits']} edits: median "
                     f"{med * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms (target median ≤ "
                     f"{TARGET_LATENCY_S * 1000:.0f} ms: {verdict(med <= TARGET_LATENCY_S)})")
    if "median_latency_all_s" in s and len(s.get("runs", [])) > s["edits"]:
        lines.append(f"serve: all {len(s['runs'])} edits: median "
                     f"{s['median_latency_all_s'] * 1000:.0f} ms, p90 "
                     f"{s['p90_latency_all_s'] * 1000:.0f} ms")
    if "rss_growth_pct" in s:
        g = s["rss_growth_pct"]
        if "rss_main_growth_pct" in s:
            lines.append(f"serve: RSS of the serve process alone {s['rss_main_first_mb']:.0f} MB "
                         f"→ {s['rss_main_after_mb']:.0f} MB "
                         f"({s['rss_main_growth_pct']:+.1f}%)")
        lines.append(f"serve: RSS {s['rss_first_build_mb']:.0f} MB after the first build, "
                     f"{s['rss_after_edits_mb']:.0f} MB after {len(s['runs'])} edits "
                     f"({g:+.1f}%, target ≤ {TARGET_GROWTH_PCT:g}%: "
                     f"{verdict(g <= TARGET_GROWTH_PCT)})")
    if s.get("error"):
        lines.append("serve: FAILED: " + s["error"])
    stop = s.get("stop", {})
    if stop.get("note"):
        lines.append(f"serve: {stop['note']} (exit code {stop['exit_code']})")
    elif stop:
        left = f", {len(stop['left_behind'])} child processes left behind" \
            if stop["left_behind"] else ""
        lines.append("serve: SIGINT → " + (f"exited with code {stop['exit_code']} in "
                     f"{stop['seconds']:.2f} s{left}" if stop["exited"]
                     else "did NOT exit within 15 s (killed)"))
    return lines


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=5,
                   help="timed rounds per scenario, after one untimed warm-up (default 5)")
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                   help="folder with bantin/ and hugo/ sites (default bench/corpus; "
                        "generated if missing)")
    p.add_argument("--bantin", type=Path, default=REPO,
                   help="the bantin source tree to run (has build.py); default: this "
                        "checkout. A copy or a git worktree keeps others' edits out of a run")
    p.add_argument("--only", default=",".join(SCENARIOS),
                   help=f"comma-separated scenarios to run (default {','.join(SCENARIOS)})")
    p.add_argument("--verify", action="store_true",
                   help="at the end, compare the incremental output with a cold build")
    p.add_argument("--edits", type=int, default=30, help="serve: edits timed (default 30)")
    p.add_argument("--memory-edits", type=int, default=500,
                   help="serve: edits before the second memory reading (default 500; 0: skip)")
    p.add_argument("--serve-timeout", type=float, default=600,
                   help="serve: seconds to wait for the first build (default 600)")
    p.add_argument("--edit-timeout", type=float, default=120,
                   help="serve: seconds to wait for one edit to be served (default 120)")
    p.add_argument("--json", type=Path, default=BENCH / "incremental.json",
                   help="where to write the raw results (default bench/incremental.json)")
    p.add_argument("--keep", action="store_true", help="keep the temporary work folder")
    args = p.parse_args(argv)
    args.bantin = args.bantin.resolve()
    if not (args.bantin / "build.py").is_file():
        p.error(f"--bantin: no build.py in {args.bantin}")
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    if unknown := set(args.only) - set(SCENARIOS):
        p.error(f"--only: unknown scenario(s) {', '.join(sorted(unknown))}; "
                f"choose from {','.join(SCENARIOS)}")
    if args.rounds < 1 or args.edits < 1 or args.memory_edits < 0:
        p.error("--rounds and --edits must be at least 1, --memory-edits at least 0")
    return args


def versions(checkout: Path) -> dict[str, str]:
    return {
        "bantin": version([sys.executable, str(checkout / "build.py"), "--version"]),
        "bantin_checkout": str(checkout),
        "hugo": version([str(hugo_binary()), "version"]),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}",
    }


def ensure_inputs(corpus: Path, hugo: bool) -> None:
    if hugo:
        ensure_others()
    ready = (corpus / "bantin" / "site.yml").exists() and (corpus / "hugo" / "hugo.toml").exists()
    if corpus == DEFAULT_CORPUS.resolve() or not ready:  # run.py's default corpus
        ensure_corpus(corpus, argparse.Namespace(years=5, issues=52, articles=10, seed=1))


def compile_bantin(checkout: Path) -> None:
    """Write bantin's bytecode once, as `pip install` does for an installed package: with
    PYTHONDONTWRITEBYTECODE set (some sandboxes and containers set it), every timed run
    would otherwise compile the package from source again (~0.15 s a run)."""
    import compileall

    compileall.compile_dir(str(checkout / "bantin"), quiet=1)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    corpus = args.corpus.resolve()
    builds = [k for k in SCENARIOS[:3] if k in args.only]
    ensure_inputs(corpus, hugo=bool(builds))
    compile_bantin(args.bantin)
    stats = corpus_stats(corpus / "bantin")
    work = Path(tempfile.mkdtemp(prefix="bantin-incremental-"))
    data: dict[str, Any] = {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                            "versions": versions(args.bantin), "corpus": asdict(stats),
                            "corpus_dir": str(corpus), "rounds": args.rounds,
                            "targets": {**TARGETS, "serve_median_latency_s": TARGET_LATENCY_S,
                                        "serve_rss_growth_pct": TARGET_GROWTH_PCT}}
    scenarios: list[Scenario] = []
    failed = False
    print(f"Work folder: {work}", file=sys.stderr)
    try:
        if builds:
            sites = Sites(work, corpus, args.bantin)
            data["commands"] = {"bantin": " ".join(sites.bantin_cmd(sites.bantin_out, False)),
                                "bantin cold": " ".join(sites.bantin_cmd(sites.bantin_out, True)),
                                "hugo": " ".join(sites.hugo_cmd())}
            edits = random.Random(1).sample(sites.articles(), args.rounds + 1)
            for key in builds:
                scenarios.append(run_scenario(sites, key, args.rounds, edits))
            data["scenarios"] = {sc.key: sc.summary() for sc in scenarios}
            failed |= any(sc.error for sc in scenarios)
            edit = next((sc for sc in scenarios if sc.key == "edit"), None)
            if edit and not all(r.bantin_has_edit and r.hugo_has_edit
                                for r in [*([edit.warmup] if edit.warmup else []), *edit.rounds]):
                failed = True
            if args.verify:
                if "nochange" in builds or "edit" in builds:
                    print("  verify: cold build of the same sources …", file=sys.stderr)
                    data["verify"] = verify(sites)
                    failed |= not data["verify"]["identical"]
                else:
                    data["verify"] = {"skipped": "no incremental build was run"}
        if "serve" in args.only:
            (work / "logs").mkdir(exist_ok=True)
            data["serve"] = run_serve(corpus, work, args)
            failed |= bool(data["serve"]["error"]) or not data["serve"]["stop"]["exited"]
    finally:
        args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")
        if args.keep:
            print(f"Kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    print(f"\nCorpus: {stats.articles} articles, {stats.issues} issues; {os.cpu_count()} CPUs")
    if scenarios:
        print(f"{args.rounds} paired rounds after 1 warm-up; ratio = median of the per-round "
              "ratios bantin/Hugo; seconds = medians\n")
    if scenarios:
        print(table(scenarios))
        if edit := next((sc for sc in scenarios if sc.key == "edit" and sc.rounds), None):
            print(edit_check(edit))
    if "verify" in data:
        print(verify_line(data["verify"]))
    if "serve" in data:
        print("\n" * bool(scenarios) + "\n".join(serve_lines(data["serve"])))
    print(f"Results written to {args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
