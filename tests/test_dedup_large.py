"""Huge articles: checking one is near-linear in time and bounded in memory and messages,
and on articles of ordinary size it finds exactly what comparing every pair finds."""

from __future__ import annotations

import itertools
import json
import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bantin import dedup
from bantin.dedup import (
    CANDIDATE,
    FOLD_AFTER,
    GRAM_CAP,
    Finding,
    Report,
    Where,
    _Indexed,
    check_article,
    eligible,
    paragraphs,
    removable,
)
from bantin.dedup_site import format_finding, summary_line

from .test_dedup import P1, P2, P3, article_check, labelled

REPO = Path(__file__).resolve().parent.parent
MEMORY = 1 << 30  # bytes of address space for the child
SECONDS = 60  # CPU seconds for the child (the target is a few)
PARAGRAPHS = 20_000


# ---------------------------------------------------------------- articles to check

def vocabulary() -> list[str]:
    """Real syllables: those of the labelled set, most frequent first."""
    counts: dict[str, int] = {}
    for item in labelled():
        for text in (item["earlier"], item["later"]):
            for w in text.split():
                w = w.strip(".,;:()“”\"'–-").lower()
                if w.isalpha():
                    counts[w] = counts.get(w, 0) + 1
    return sorted(counts, key=lambda w: (-counts[w], w))


def distinct_body(n: int, seed: int = 1) -> str:
    """n different paragraphs of 20-60 syllables (Zipf-distributed, with stock phrases)."""
    rng = random.Random(seed)
    words = vocabulary()
    weights = list(itertools.accumulate(1 / (i + 1) for i in range(len(words))))
    stock = ["cải cách hành chính", "Ủy ban nhân dân xã", "thủ tục hành chính",
             "người dân và doanh nghiệp", "chuyển đổi số"]
    lines = []
    for _ in range(n):
        parts: list[str] = []
        size = rng.randint(20, 60)
        while len(parts) < size:
            if rng.random() < 0.1:
                parts += rng.choice(stock).split()
            else:
                parts += rng.choices(words, cum_weights=weights, k=rng.randint(3, 8))
            parts[-1] += ","
        lines.append(" ".join(parts).rstrip(",").capitalize() + ".")
    return "\n".join(lines) + "\n"


def make_body(kind: str, n: int) -> str:
    if kind == "distinct":
        return distinct_body(n)
    if kind == "copies":
        return f"{P1}\n" * n
    if kind == "numbered":  # differ only in a number: alike 3-grams everywhere
        return "".join(f"Đoạn thứ {i} nói về công tác cải cách hành chính trên địa bàn xã "
                       "trong thời gian tới.\n" for i in range(n))
    raise AssertionError(kind)


CHILD = textwrap.dedent("""
    import json, sys, time
    sys.path.insert(0, {repo!r})
    from tests.test_dedup_large import make_body
    from bantin.dedup import Finding, Report, Where, check_article, paragraphs
    from bantin.dedup_site import format_finding, summary_line
    body = make_body({kind!r}, {n})
    started = time.process_time()
    found, removed = check_article(paragraphs(body, 1))
    seconds = time.process_time() - started
    shown = [format_finding(Finding(f.action, f.kind, "article", "a.md", f.line,
                                    Where("a.md", f.of_line), f.similarity, f.excerpt, f.also))
             for f in found]
    report = Report(len(body.splitlines()), [Finding(f.action, f.kind, "article", "a.md",
                    f.line, Where("a.md", f.of_line), f.similarity, f.excerpt, f.also)
                    for f in found])
    print(json.dumps({{"seconds": seconds, "removed": len(removed), "shown": shown,
                      "summary": summary_line(report), "folded": [len(f.also) for f in found]}}))
""")


def run_limited(kind: str, n: int) -> dict:
    """Check an article of n paragraphs in a child process limited to MEMORY and SECONDS."""
    import resource

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
        resource.setrlimit(resource.RLIMIT_CPU, (SECONDS, SECONDS))

    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}  # no thread pools reserving address space
    proc = subprocess.run([sys.executable, "-c", CHILD.format(repo=str(REPO), kind=kind, n=n)],
                          capture_output=True, text=True, timeout=3 * SECONDS,
                          preexec_fn=limits, env=env, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


limited = pytest.mark.skipif(sys.platform == "win32", reason="resource limits are POSIX")


@limited
def test_twenty_thousand_distinct_paragraphs() -> None:
    got = run_limited("distinct", PARAGRAPHS)
    assert got["removed"] == 0 and got["shown"] == []
    assert got["seconds"] < SECONDS / 2, got["seconds"]


@limited
def test_twenty_thousand_copies_make_one_message() -> None:
    got = run_limited("copies", PARAGRAPHS)
    assert got["removed"] == PARAGRAPHS - 1
    [shown] = got["shown"]
    assert got["folded"] == [PARAGRAPHS - 2]
    assert shown.startswith("a.md:2: đã bỏ khỏi bản in — lặp nguyên văn trong cùng bài, lặp "
                            "a.md:1:")
    assert shown.endswith(f"; cũng vậy ở 19.998 đoạn khác (dòng 3, 4, 5, 6, 7 … {PARAGRAPHS})")
    assert got["summary"].startswith("Đoạn lặp: đã bỏ 19.999 đoạn lặp khỏi bản in")
    assert got["seconds"] < SECONDS / 2, got["seconds"]


@limited
def test_twenty_thousand_numbered_lines() -> None:
    got = run_limited("numbered", PARAGRAPHS)
    assert got["removed"] == 0 and got["shown"] == []  # they differ only in numbers
    assert got["seconds"] < SECONDS / 2, got["seconds"]


# ---------------------------------------------------------------- folding

def test_many_copies_of_a_paragraph_are_folded_into_one_finding() -> None:
    few, _ = article_check(f"{P2}\n" + f"{P1}\n" * (FOLD_AFTER + 1))  # FOLD_AFTER repeats
    assert len(few) == FOLD_AFTER and all(f.also == () for f in few)
    many, removed = article_check(f"{P2}\n" + f"{P1}\n" * (FOLD_AFTER + 2) + f"{P3}\n")
    [f] = many
    assert (f.line, f.of_line, f.also) == (3, 2, tuple(range(4, FOLD_AFTER + 4)))
    assert removed == frozenset(range(3, FOLD_AFTER + 4))
    finding = Finding(f.action, f.kind, "article", "a.md", f.line, Where("a.md", f.of_line),
                      f.similarity, f.excerpt, f.also)
    assert finding.to_json()["also"] == list(f.also)
    assert format_finding(finding).endswith("; cũng vậy ở 10 đoạn khác (dòng 4, 5, 6, 7, 8 … 13)")
    assert summary_line(Report(14, [finding])).startswith("Đoạn lặp: đã bỏ 11 đoạn lặp")


# ---------------------------------------------------------------- the same as every pair

def test_neighbours_hold_every_pair_comparing_all_would_look_at() -> None:
    """Below GRAM_CAP paragraphs of a scope, every pair sharing CANDIDATE of their 3-grams
    is a close neighbour, and every paragraph inside another is marked so."""
    texts = [it["earlier"] for it in labelled()[:150]]
    rng = random.Random(4)
    for _ in range(40):
        lines = []
        for _ in range(rng.randint(5, GRAM_CAP - 4)):
            words = rng.choice(texts).split()
            lo = rng.randrange(len(words) // 2)
            piece = words[lo:lo + rng.randint(10, len(words))]
            if rng.random() < 0.3:
                piece[rng.randrange(len(piece))] = rng.choice(["xã", "năm", "2026", "huyện"])
            lines.append(" ".join(piece))
            if rng.random() < 0.1:
                lines.append("## " + " ".join(words[:4]))
        paras = [p for p in paragraphs("\n".join(lines) + "\n", 1) if eligible(p)]
        article = _Indexed(paras)
        grams = {k: set(zip(p.ids, p.ids[1:], p.ids[2:], strict=False))
                 for k, p in enumerate(paras)}
        for i, j in itertools.combinations(range(len(paras)), 2):
            a, b = paras[i], paras[j]
            fa, fb = article.form[i], article.form[j]
            if a.scope != b.scope or fa == fb:
                continue
            inside, close = article.grams.neighbours.of(fb)
            small = min(len(grams[i]), len(grams[j]))
            if len(grams[i] & grams[j]) >= CANDIDATE * small:
                assert fa in close
            if removable(b, a):
                assert fa in inside


def random_article(rng: random.Random, texts: list[str], lines: int) -> str:
    """Pieces of real paragraphs, edited, copied, joined and split, under a few headings."""
    out: list[str] = []
    for _ in range(lines):
        words = rng.choice(texts).split()
        roll = rng.random()
        if roll < 0.1:
            out.append("## " + " ".join(words[:5]))
        elif roll < 0.2 and len(out) >= 2:
            out.append(out[-2] + " " + out[-1])  # joined
        elif roll < 0.3 and out:
            w = out[rng.randrange(len(out))].split()
            out += [" ".join(w[: len(w) // 2]), " ".join(w[len(w) // 2:])]  # split
        elif roll < 0.45 and out:
            w = out[rng.randrange(len(out))].split()
            w[rng.randrange(len(w))] = rng.choice(["xã", "năm", "2026", "huyện"])
            out.append(" ".join(w))  # edited copy
        elif roll < 0.55 and out:
            out.append(rng.choice(out).upper())  # copy
        else:
            lo = rng.randrange(len(words) // 2)
            out.append(" ".join(words[lo:lo + rng.randint(3, len(words))]))
    return "\n".join(out) + "\n"


def test_the_index_finds_what_comparing_every_pair_finds(monkeypatch) -> None:
    texts = [it["earlier"] for it in labelled()[:200]]
    rng = random.Random(5)
    checked = 0
    for _ in range(60):
        paras = paragraphs(random_article(rng, texts, rng.randint(5, 120)), 1)
        monkeypatch.setattr(dedup, "PAIRWISE", 10**9)
        pairwise = check_article(paras)
        monkeypatch.setattr(dedup, "PAIRWISE", 0)
        assert check_article(paras) == pairwise
        checked += len(pairwise[0])
    assert checked > 500


@pytest.mark.parametrize(("cap", "pairs"), [(3, 10**6), (8, 40)])
def test_past_the_caps_every_finding_is_still_true(monkeypatch, cap: int, pairs: int) -> None:
    """With stock phrases everywhere (a tiny cap, or a tiny pair budget that lowers it) some
    repeats may be missed, but what is found is so, and the same copies are removed."""
    from bantin import dedup_index
    from bantin.dedup import classify

    monkeypatch.setattr(dedup, "PAIRWISE", 0)
    monkeypatch.setattr(dedup, "GRAM_CAP", cap)
    monkeypatch.setattr(dedup_index, "ARTICLE_PAIRS", pairs)
    texts = [it["earlier"] for it in labelled()[:200]]
    rng = random.Random(6)
    found_some = 0
    for _ in range(30):
        paras = paragraphs(random_article(rng, texts, rng.randint(20, 120)), 1)
        by_line = {p.line: p for p in paras}
        found, removed = check_article(paras)
        for f in found:
            later, earlier = by_line[f.line], by_line[f.of_line]
            if f.action == "warning":
                assert classify(later, earlier) is not None
            elif f.kind == "exact":
                assert later.canon == earlier.canon
        found_some += len(found)
        copies = {p.line for k, p in enumerate(paras) if eligible(p) and not p.keep
                  and any(q.canon == p.canon and q.scope == p.scope for q in paras[:k])}
        assert copies <= removed  # equal copies go whatever the caps
    assert found_some > 100


def test_the_labelled_pairs_as_articles_are_found_as_before() -> None:
    """The labelled pairs, each as a two-paragraph article: a repeat is found (or not) as
    classify() says, both ways round."""
    from bantin.dedup import classify

    for it in labelled()[:200]:
        body = f"{it['earlier']}\n{it['later']}\n"
        paras = paragraphs(body, 1)
        found, _ = check_article(paras)
        if len(paras) == 2 and all(eligible(p) for p in paras):
            expect = classify(paras[1], paras[0]) is not None
            assert bool(found) == expect, it["id"]
