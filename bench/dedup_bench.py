#!/usr/bin/env python3
"""Benchmark of the archive check for repeated paragraphs (issue 4).

    python bench/dedup_bench.py [--paragraphs 100000] [--copies 30] [--seed 1]

Generates a synthetic archive of Vietnamese-like paragraphs (Zipf-distributed syllables plus
stock administrative phrases), then times
  1. the cold check: canonical forms, the 3-gram index, every issue against the earlier
     ones, and keeping the index in .bantin-cache/ (targets: < 10 s for 100,000 paragraphs);
  2. one new issue (150 paragraphs, some lightly edited copies of archive paragraphs) against
     the kept index, loading it from disk included (target: < 1 s),
and reports how many planted copies were found, and how long loading the kept index alone
takes (the incremental build reads it; median of 5). Markdown parsing is not included: the build
parses every article anyway and the per-article results are cached.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bantin.canonical import canonical
from bantin.dedup import MIN_WORDS_SHARED, Para, excerpt
from bantin.dedup_archive import Corpus, Entry, check_archive
from bantin.dedup_index import token_ids, words

ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gi", "h", "k", "kh", "l", "m", "n", "ng", "nh",
          "ph", "qu", "r", "s", "t", "th", "tr", "v", "x"]
RHYMES = ["a", "ai", "am", "an", "ang", "anh", "ao", "at", "ay", "ăn", "ăng", "âm", "ân", "âu",
          "ây", "e", "em", "en", "eo", "ê", "ên", "ênh", "êu", "i", "ia", "im", "in", "inh", "iu",
          "o", "oa", "oai", "oan", "oang", "oi", "om", "on", "ong", "ô", "ôi", "ôm", "ôn", "ông",
          "ơ", "ơi", "ơn", "u", "ua", "ui", "um", "un", "ung", "uy", "uyên", "ư", "ưa", "ưng",
          "ươi", "ương", "iên", "iêu", "yên"]
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
STOCK = ["cải cách hành chính", "chuyển đổi số", "người dân và doanh nghiệp",
         "thủ tục hành chính", "trên địa bàn xã", "Ủy ban nhân dân xã", "nâng cao chất lượng",
         "dịch vụ công trực tuyến", "Trung tâm Phục vụ hành chính công", "theo quy định",
         "trong thời gian tới", "đồng chí Chủ tịch UBND xã", "hồ sơ trực tuyến toàn trình",
         "tổ chức bộ máy", "chính quyền địa phương 02 cấp", "phát triển khoa học công nghệ",
         "đổi mới sáng tạo", "Nghị quyết số 57-NQ/TW", "Đề án 06", "chữ ký số"]
PER_ARTICLE, PER_ISSUE = 10, 15


def vocabulary(rng: random.Random, size: int = 5000) -> list[str]:
    out = set()
    while len(out) < size:
        rhyme = rng.choice(RHYMES)
        tone = rng.choice(TONES)
        out.add(unicodedata.normalize("NFC", rng.choice(ONSETS) + rhyme[0] + tone + rhyme[1:]))
    return sorted(out)


def paragraph(rng: random.Random, vocab: list[str], weights: list[float]) -> str:
    n = rng.randint(20, 90)
    parts: list[str] = []
    while len(parts) < n:
        if rng.random() < 0.08:
            parts.extend(rng.choice(STOCK).split())
        else:
            parts.extend(rng.choices(vocab, cum_weights=weights, k=rng.randint(3, 8)))
        parts[-1] += ","
    text = " ".join(parts).rstrip(",")
    return text[0].upper() + text[1:] + "."


def edit(rng: random.Random, text: str, vocab: list[str]) -> tuple[str, str]:
    """A lightly edited copy, as editors make them."""
    w = text.split()
    kind = rng.choice(["exact", "nfd", "wrapped", "one", "two", "delete", "tail", "tones"])
    if kind == "nfd":
        return unicodedata.normalize("NFD", text), kind
    if kind == "wrapped":
        return "\n".join(" ".join(w[i:i + 9]) for i in range(0, len(w), 9)), kind
    if kind == "one":
        w[rng.randrange(1, len(w) - 1)] = rng.choice(vocab)
    elif kind == "two":
        for i in rng.sample(range(1, len(w) - 1), 2):
            w[i] = rng.choice(vocab)
    elif kind == "delete":
        del w[rng.randrange(1, len(w) - 1)]
    elif kind == "tail":
        w = w[len(w) * 2 // 5:]
    elif kind == "tones":
        return text.replace("Ủy", "Uỷ").replace("hòa", "hoà").upper(), kind
    return " ".join(w), kind


def to_para(text: str, line: int) -> Para:
    c = canonical(text)
    return Para("paragraph", excerpt(text), line, (0, 0), c, tuple(token_ids(words(c))), False)


def archive(n: int, rng: random.Random, vocab: list[str], weights: list[float],
            ) -> tuple[list[Entry], list[list[str]]]:
    entries, texts = [], []
    articles = n // PER_ARTICLE
    for k in range(articles):
        issue = k // PER_ISSUE
        year, number = 2015 + issue // 52, issue % 52 + 1
        entries.append(Entry(f"content/{year}/{number}/bai-{k % PER_ISSUE}.md", f"k{k}",
                             year * 10000 + number))
        texts.append([paragraph(rng, vocab, weights) for _ in range(PER_ARTICLE)])
    return entries, texts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--paragraphs", type=int, default=100_000)
    ap.add_argument("--copies", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    vocab = vocabulary(rng)
    weights = list(itertools.accumulate(1 / (i + 1) for i in range(len(vocab))))
    t0 = time.perf_counter()
    entries, texts = archive(args.paragraphs, rng, vocab, weights)
    gen = time.perf_counter() - t0
    root = Path(tempfile.mkdtemp(prefix="dedup-bench-"))

    def paras_of(k: int) -> list[Para]:
        return [p for j, t in enumerate(texts[k]) if len(
            (p := to_para(t, 11 + 2 * j)).ids) >= MIN_WORDS_SHARED]

    t0 = time.perf_counter()
    cold = check_archive(root, entries, paras_of)
    cold_s = time.perf_counter() - t0
    load_s = []
    for _ in range(5):
        t0 = time.perf_counter()
        Corpus.load(root)
        load_s.append(time.perf_counter() - t0)

    # One new issue: fresh paragraphs and lightly edited copies of archived ones.
    last = max(e.issue for e in entries)
    new_issue = (last // 10000) * 10000 + last % 10000 + 1
    planted: dict[tuple[str, int], tuple[str, int, str]] = {}
    new_entries, new_texts = [], []
    for a in range(PER_ISSUE):
        rel = f"content/new/bai-{a}.md"
        new_entries.append(Entry(rel, f"new{a}", new_issue))
        new_texts.append([paragraph(rng, vocab, weights) for _ in range(PER_ARTICLE)])
    for _ in range(args.copies):
        a, j = rng.randrange(PER_ISSUE), rng.randrange(PER_ARTICLE)
        k = rng.randrange(len(entries))
        src = rng.randrange(PER_ARTICLE)
        new_texts[a][j], kind = edit(rng, texts[k][src], vocab)
        if len(words(canonical(new_texts[a][j]))) < MIN_WORDS_SHARED:
            continue  # a short copy is left alone on purpose
        planted[(new_entries[a].rel, 11 + 2 * j)] = (entries[k].rel, 11 + 2 * src, kind)
    all_entries = entries + new_entries
    texts += new_texts

    t0 = time.perf_counter()
    warm = check_archive(root, all_entries, paras_of)
    warm_s = time.perf_counter() - t0

    new_found = {(f.file, f.line): f for f in warm if f.file.startswith("content/new/")}
    hits = sum(1 for key, (rel, line, _) in planted.items()
               if key in new_found and (new_found[key].of.file, new_found[key].of.line)
               == (rel, line))
    missed = sorted({kind for key, (_, _, kind) in planted.items() if key not in new_found})
    false = [k for k in new_found if k not in planted]
    size = sum(p.stat().st_size for p in (root / ".bantin-cache").iterdir())
    result = {
        "paragraphs": sum(len(t) for t in texts[:len(entries)]),
        "generate_s": round(gen, 2),
        "cold_check_s": round(cold_s, 2),
        "cold_findings": len(cold),
        "new_issue_paragraphs": PER_ISSUE * PER_ARTICLE,
        "new_issue_check_s": round(warm_s, 3),
        "kept_index_load_s": round(statistics.median(load_s), 3),
        "planted_copies": len(planted),
        "planted_found": hits,
        "missed_kinds": missed,
        "false_findings_in_new_issue": len(false),
        "kept_index_mb": round(size / 1e6, 1),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    shutil.rmtree(root)  # the kept index is ~120 MB a run
    return 0


if __name__ == "__main__":
    sys.exit(main())
