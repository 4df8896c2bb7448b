"""De-duplication of repeated paragraphs (issue 4): every rule, with Vietnamese examples."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from bantin import dedup_archive, dedup_index
from bantin.build import load
from bantin.canonical import canonical
from bantin.cli import run_dedup
from bantin.dedup import (
    CANDIDATE,
    Finding,
    Para,
    Report,
    Where,
    _could_be_near,
    _few_shared,
    check_article,
    classify,
    compare,
    paragraphs,
)
from bantin.dedup_archive import Corpus, Entry, Pool, check_archive
from bantin.dedup_index import ShingleIndex, pack, score, shingles, token_ids, words
from bantin.dedup_site import check_site, format_finding, summary_line
from bantin.markdown import make_parser, render

from .conftest import write

FIXTURES = Path(__file__).parent / "fixtures" / "dedup"
SEED_TAIL = "Phát biểu kết luận hội nghị, đồng chí Chủ tịch UBND xã yêu cầu"

P1 = ("Việc được phê duyệt cấp độ an toàn hệ thống thông tin là dấu mốc quan trọng, khẳng "
      "định sự quan tâm, chỉ đạo của cấp ủy, chính quyền địa phương trong công tác bảo đảm an "
      "toàn thông tin mạng.")
P2 = ("Trong thời gian qua, UBND xã đã quan tâm đầu tư hạ tầng công nghệ thông tin, nâng cao "
      "chất lượng vận hành các nền tảng số, ứng dụng chữ ký số và dịch vụ công trực tuyến.")
P3 = ("Hội nghị do đồng chí Hoàng Đình Sơn – Phó Bí thư Đảng ủy, Chủ tịch UBND xã chủ trì; "
      "tham dự có lãnh đạo các phòng chuyên môn và “Tổ công nghệ số cộng đồng”.")
P4 = ("Theo Quyết định, UBND xã Tân Kỳ có trách nhiệm tiếp tục rà soát, cập nhật hồ sơ đề xuất "
      "cấp độ; triển khai đầy đủ các giải pháp bảo đảm an toàn thông tin theo yêu cầu.")


def front(issue: int = 18, order: int = 1, extra: str = "") -> str:
    return (f'---\ntitle: Bài số {order}\nissue: {issue}\nyear: 2026\nweek: "25/5-29/5"\n'
            f"commune: Tân Kỳ\neditor: Hương Chi\norder: {order}\n{extra}---\n\n")


def article_check(body: str) -> tuple[list, frozenset[int]]:
    return check_article(paragraphs(body, 1))


def para(text: str, line: int = 1) -> Para:
    c = canonical(text)
    return Para("paragraph", text, line, (0, 0), c, tuple(token_ids(words(c))), False)


# ---------------------------------------------------------------- the seed case


def seed_site(tmp_path: Path) -> Path:
    (tmp_path / "content/2026/18").mkdir(parents=True)
    (tmp_path / "content/2026/18/tan-ky.md").write_bytes(
        (FIXTURES / "seed000_tan_ky.md").read_bytes())
    return tmp_path


def test_seed_000_repeated_paragraph_is_removed_once(tmp_path: Path) -> None:
    root = seed_site(tmp_path)
    site, _ = load(root)
    report = check_site(site, use_cache=False)
    rel = "content/2026/18/tan-ky.md"
    assert report.removed == {rel: frozenset({26})}
    [f] = report.findings
    assert (f.action, f.kind, f.scope, f.file, f.line) == ("removed", "contained", "article",
                                                           rel, 26)
    assert (f.of.file, f.of.line, f.similarity) == (rel, 24, 1.0)
    assert f.excerpt.startswith(SEED_TAIL) and len(f.excerpt) <= 81
    a = site.articles[0]
    plain = render(make_parser(), a.body, a.body_line)
    assert plain.html.count(SEED_TAIL) == 2  # as it went to print in Số 18
    fixed = render(make_parser(), a.body, a.body_line, skip_lines=report.removed[rel])
    assert fixed.html.count(SEED_TAIL) == 1  # what site and PDF print now
    assert "Kết quả giải quyết thủ tục hành chính" in fixed.html


def test_json_report_has_exactly_the_documented_shape(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = seed_site(tmp_path)
    assert run_dedup(root, json_output=True, fix=False, yes=False, verbose=False) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["paragraphs", "findings"]
    assert data["paragraphs"] == 8
    assert data["findings"] == [{
        "action": "removed", "kind": "contained", "scope": "article",
        "file": "content/2026/18/tan-ky.md", "line": 26,
        "of": {"file": "content/2026/18/tan-ky.md", "line": 24}, "similarity": 1.0,
        "excerpt": data["findings"][0]["excerpt"]}]


def test_text_report_is_vietnamese_with_locations(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    run_dedup(seed_site(tmp_path), json_output=False, fix=False, yes=False, verbose=False)
    out = capsys.readouterr().out
    assert ("content/2026/18/tan-ky.md:26: đã bỏ khỏi bản in — nằm trọn trong đoạn khác "
            "trong cùng bài, lặp content/2026/18/tan-ky.md:24:") in out
    assert "Đoạn lặp: đã bỏ 1 đoạn lặp khỏi bản in" in out


# ---------------------------------------------------------------- removed within an article

@pytest.mark.parametrize(("copy", "why"), [
    (P3, "verbatim"),
    (unicodedata.normalize("NFD", P3), "NFD copy"),
    (P3.replace("Đảng ủy", "Đảng uỷ"), "other tone placement"),
    (P3.replace(", Chủ tịch", ",\nChủ tịch").replace("tham dự", "tham\u00a0dự"), "wrapped, NBSP"),
    (P3.replace("–", "-").replace("“", '"').replace("”", '"'), "straight quotes, hyphen"),
    (P3.upper(), "capitals"),
    (P3[:-1], "no final full stop"),
])
def test_copies_in_the_same_scope_are_removed(copy: str, why: str) -> None:
    found, removed = article_check(f"{P3}\n\n{P1}\n\n{copy}\n")
    # each line is a paragraph: a copy wrapped over two lines is two removed pieces
    assert removed == ({5, 6} if "\n" in copy else {5}), why
    assert found[0].action == "removed" and found[0].of_line == 1


def test_tail_of_an_earlier_paragraph_is_removed() -> None:
    found, removed = article_check(f"{P1} {P2}\n\n{P4}\n\n{P2}\n")
    assert removed == {5} and found[0].kind == "contained"


def test_first_occurrence_stays_and_every_later_copy_goes() -> None:
    _, removed = article_check(f"{P1}\n\n{P1}\n\n{P2}\n\n{P1}\n")
    assert removed == {3, 7}


def test_repeated_list_item_and_table_row_are_removed() -> None:
    body = (f"- {P1}\n- {P2}\n- {P1}\n\n| Nội dung | Ghi chú |\n|---|---|\n| {P4} | x |\n"
            f"| {P4} | x |\n")
    _, removed = article_check(body)
    assert removed == {3, 8}


# ---------------------------------------------------------------- left alone

def test_repeats_under_different_headings_stay() -> None:
    # Seed 003: the same assessment under two criteria.
    same = ("Nhiệm vụ và giải pháp: UBND xã sẽ tăng cường rà soát quy trình ban hành văn bản "
            "điện tử; thực hiện nghiêm việc ký số, phát hành văn bản trên hệ thống theo đúng "
            "quy định hiện hành")
    body = (f"#### **3.2. Tiêu chí 5.6.1 – Xây dựng đề án tinh giản biên chế**\n\n"
            f"- Điểm thẩm định: 0/0.1 điểm (trừ 0.1 điểm).\n\n- {same}\n\n"
            f"### **3.3. Tiêu chí 5.7 – Đào tạo, bồi dưỡng cán bộ, công chức, viên chức.**\n\n"
            f"- Điểm thẩm định: 0/1 điểm (trừ 1 điểm).\n\n- {same}\n")
    assert article_check(body) == ([], frozenset())


def test_bold_lines_and_lead_ins_act_as_headings() -> None:
    body = (f"**1. Kết quả tháng 5**\n\n{P1}\n\n**2. Kết quả tháng 6**\n\n{P1}\n\n"
            f"Nhiệm vụ trọng tâm:\n\n{P1}\n")
    assert article_check(body) == ([], frozenset())


def test_short_lines_captions_and_signatures_stay() -> None:
    body = ("Một số hình ảnh:\n\n" + P1 + "\n\nMột số hình ảnh:\n\nPhòng VHXH Tân Kỳ tổng hợp\n\n"
            + P2 + "\n\nPhòng VHXH Tân Kỳ tổng hợp\n")
    assert article_check(body) == ([], frozenset())


def test_list_items_differing_in_numbers_or_dates_stay() -> None:
    body = ("- Ngày 22/5/2026, Trung tâm Phục vụ hành chính công xã tiếp nhận 312 hồ sơ, "
            "giải quyết đúng hạn 308 hồ sơ trực tuyến toàn trình.\n"
            "- Ngày 29/5/2026, Trung tâm Phục vụ hành chính công xã tiếp nhận 287 hồ sơ, "
            "giải quyết đúng hạn 280 hồ sơ trực tuyến toàn trình.\n"
            "- Điểm thẩm định: 0,8/1 điểm, bị trừ: 0,2 điểm theo kết quả của Hội đồng thẩm định.\n"
            "- Điểm thẩm định: 0,91/1 điểm, bị trừ: 0,09 điểm theo kết quả của Hội đồng thẩm định.\n")
    assert article_check(body) == ([], frozenset())


def test_keep_marker_keeps_a_repeat_and_does_not_print() -> None:
    body = f"{P1}\n\n{P2}\n\n[giữ-lặp]: # (giữ đoạn lặp)\n{P1}\n"
    assert article_check(body) == ([], frozenset())
    html = render(make_parser(), body, 1).html
    assert html.count("Việc được phê duyệt") == 2 and "giữ" not in html


def test_keep_repeats_front_matter_keeps_the_whole_article() -> None:
    found, removed = check_article(paragraphs(f"{P1}\n\n{P1}\n", 1, keep_all=True))
    assert (found, removed) == ([], frozenset())


# ---------------------------------------------------------------- warnings

def test_near_duplicate_within_an_article_is_a_warning() -> None:
    edited = P1.replace("dấu mốc quan trọng", "dấu mốc rất quan trọng")
    found, removed = article_check(f"{P1}\n\n{P2}\n\n{edited}\n")
    assert removed == frozenset()
    [f] = found
    assert (f.action, f.kind, f.line, f.of_line) == ("warning", "near", 5, 1)
    assert 0.85 <= f.similarity < 1


def test_earlier_paragraph_inside_a_later_longer_one_is_a_warning() -> None:
    found, removed = article_check(f"{P2}\n\n{P4}\n\n{P1} {P2}\n")
    assert removed == frozenset()
    assert [(f.action, f.kind, f.of_line) for f in found] == [("warning", "contained", 1)]


def two_articles(tmp_path: Path, first: str, second: str, issue2: int = 18) -> Path:
    write(tmp_path, "content/2026/18/mot.md", front(18, 1) + first)
    write(tmp_path, f"content/2026/{issue2}/hai.md", front(issue2, 2) + second)
    return tmp_path


def test_same_paragraph_in_two_articles_of_one_issue(tmp_path: Path) -> None:
    root = two_articles(tmp_path, f"{P1}\n\n{P2}\n", f"{P4}\n\n{P2}\n")
    report = check_site(load(root)[0], use_cache=False)
    assert report.removed == {}
    [f] = report.findings
    assert (f.action, f.kind, f.scope, f.file, f.line) == ("warning", "exact", "issue",
                                                           "content/2026/18/hai.md", 13)
    assert (f.of.file, f.of.line) == ("content/2026/18/mot.md", 13)


def test_paragraph_already_published_in_an_earlier_issue(tmp_path: Path) -> None:
    republished = P1.replace("dấu mốc quan trọng", "dấu mốc rất quan trọng")
    root = two_articles(tmp_path, f"{P1}\n\n{P2}\n", f"{P4}\n\n{republished}\n", issue2=19)
    report = check_site(load(root)[0], use_cache=False)
    [f] = report.findings
    assert (f.action, f.kind, f.scope, f.file, f.line) == ("warning", "near", "archive",
                                                           "content/2026/19/hai.md", 13)
    assert (f.of.file, f.of.line) == ("content/2026/18/mot.md", 11)


def test_removed_copies_are_not_reported_again_across_articles(tmp_path: Path) -> None:
    root = two_articles(tmp_path, f"{P1}\n\n{P2}\n\n{P1}\n", f"{P4}\n")
    report = check_site(load(root)[0], use_cache=False)
    assert [(f.action, f.scope) for f in report.findings] == [("removed", "article")]


# ---------------------------------------------------------------- the kept archive index

def test_kept_index_gives_the_same_findings_and_follows_edits(tmp_path: Path) -> None:
    write(tmp_path, "content/2026/17/a.md", front(17, 1) + f"{P1}\n\n{P2}\n")
    write(tmp_path, "content/2026/18/b.md", front(18, 1) + f"{P4}\n\n{P2}\n")
    cold = check_site(load(tmp_path)[0], use_cache=False)
    first = check_site(load(tmp_path)[0])  # builds and keeps the index
    assert (tmp_path / ".bantin-cache/dedup-archive.npz").exists()
    write(tmp_path, "content/2026/19/c.md", front(19, 1) + f"{P3}\n\n{P1}\n")
    warm = check_site(load(tmp_path)[0])  # the new issue against the kept index
    assert cold.findings == first.findings
    assert [(f.file, f.of.file) for f in warm.findings] == [
        ("content/2026/18/b.md", "content/2026/17/a.md"),
        ("content/2026/19/c.md", "content/2026/17/a.md")]
    write(tmp_path, "content/2026/17/a.md", front(17, 1) + f"{P3}\n")  # an old issue edited
    edited = check_site(load(tmp_path)[0])
    assert edited.findings == check_site(load(tmp_path)[0], use_cache=False).findings
    assert [(f.file, f.of.file) for f in edited.findings] == [
        ("content/2026/19/c.md", "content/2026/17/a.md")]


def _random_archive(seed: int, vocabulary: int = 12) -> list[list[int]]:
    """300 paragraphs (a tiny vocabulary: shingles shared everywhere), then 100 edited copies."""
    rng = random.Random(seed)
    paras = [[rng.randrange(vocabulary) for _ in range(rng.randint(20, 60))] for _ in range(300)]
    for _ in range(100):
        copy = list(rng.choice(paras))
        copy[rng.randrange(len(copy))] = rng.randrange(vocabulary)
        paras.append(copy[rng.randrange(5):])
    return paras


def test_search_with_min_score_keeps_exactly_the_pairs_reaching_it(monkeypatch) -> None:
    index = ShingleIndex.build(*pack(_random_archive(1)))
    qpid, qh = shingles(index.flat, index.offsets)
    q, t, count, probes = index.search(qpid, qh, stop_df=200)
    assert len(q) > 10000  # the unfiltered search sees many weak pairs
    ok = score(count, probes, index.sizes[t]) >= CANDIDATE
    monkeypatch.setattr(dedup_index, "EXPAND_BATCH", 100)  # many batches, whole queries each
    filtered = index.search(qpid, qh, stop_df=200, min_score=CANDIDATE)
    for got, want in zip(filtered, (q[ok], t[ok], count[ok], probes[ok]), strict=True):
        assert np.array_equal(got, want)
    for got, want in zip(index.search(qpid, qh, stop_df=200), (q, t, count, probes),
                         strict=True):
        assert np.array_equal(got, want)


def test_cheap_bound_never_rules_out_a_possible_near_duplicate() -> None:
    rng = random.Random(2)
    for _ in range(3000):
        long = [rng.randrange(12) for _ in range(rng.randint(10, 40))]
        short = [rng.choice(long) if rng.random() < 0.9 else 99
                 for _ in range(rng.randint(10, len(long)))]
        if _could_be_near(short, long):
            assert not _few_shared(short, long)


def test_syllable_sketches_never_rule_out_a_repeat() -> None:
    paras = [[2 ** 31 - 7919 * i for i in p] for p in _random_archive(3, 300)]  # CRC-like ids
    entries = [Entry(f"{k}.md", str(k), k) for k in range(len(paras))]
    corpus = Corpus.of(entries, [[Para("", "", 1, (0, 0), "", tuple(p), False)] for p in paras])
    pool = Pool(corpus, Corpus.of([], []), np.ones(len(corpus), dtype=bool))
    later, earlier = (a.ravel() for a in np.meshgrid(np.arange(300, 400), np.arange(400)))
    possible = pool.could_repeat(later, earlier)
    found = np.array([compare(paras[a], paras[b]) is not None
                      for a, b in zip(later.tolist(), earlier.tolist(), strict=True)])
    assert found.sum() > 100 and possible[found].all()
    assert possible.sum() < 2 * found.sum()  # and it rules out nearly all the others


def _copied_archive(seed: int) -> tuple[list[Entry], list[list[Para]]]:
    """40 issues of 3 articles of 6 paragraphs on a tiny vocabulary (many candidates): new
    ones, exact copies of any earlier one (a repeat found in several issues and articles,
    so ties) and edited copies; some kept by the editor."""
    rng = random.Random(seed)
    seen: list[list[int]] = []
    entries, paras = [], []
    for k in range(120):
        entries.append(Entry(f"content/{k // 3}/{k}.md", str(k), k // 3))
        paras.append([])
        for j in range(6):
            roll = rng.random()
            if seen and roll < 0.5:
                ids = list(rng.choice(seen))
                if roll < 0.2:
                    ids[rng.randrange(len(ids))] = rng.randrange(40)
                    ids = ids[rng.randrange(4):]
            else:
                ids = [rng.randrange(40) for _ in range(rng.randint(20, 60))]
            seen.append(ids)
            paras[-1].append(Para("paragraph", " ".join(f"tiếng{i}" for i in ids), 10 + 2 * j,
                                  (0, 0), "", tuple(2**31 - 7919 * i for i in ids),
                                  k % 7 == 0 and j == 5))
    return entries, paras


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the workers are forked")
def test_forked_cold_check_finds_what_one_process_finds(tmp_path: Path, monkeypatch) -> None:
    entries, paras = _copied_archive(5)
    monkeypatch.setattr(dedup_archive, "QUERY_CHUNK", 97)  # several chunks: bests carried on
    one = dedup_archive._cold(entries, paras)
    assert len(one.findings) > 200
    forked = []
    cold_forked = dedup_archive._cold_forked
    monkeypatch.setattr(dedup_archive, "_cold_forked",
                        lambda *a: forked.append(a[-1]) or cold_forked(*a))
    monkeypatch.setattr(dedup_archive, "PARALLEL_MIN", 100)
    for cpus, parts in ((2, 4), (3, 1), (2, 7)):  # however the work is split
        monkeypatch.setattr(os, "cpu_count", lambda n=cpus: n)
        monkeypatch.setattr(dedup_archive, "PARTS_PER_WORKER", parts)
        many = dedup_archive._cold(entries, paras)
        assert (many.findings, many.excerpts) == (one.findings, one.excerpts)
        assert np.array_equal(many.index.postings, one.index.postings)
    found = check_archive(tmp_path, entries, paras.__getitem__, use_cache=False)
    monkeypatch.setattr(dedup_archive, "PARALLEL_MIN", 10**9)
    assert found == check_archive(tmp_path, entries, paras.__getitem__, use_cache=False)
    assert forked == [2, 3, 2, 2]


def test_findings_do_not_depend_on_the_query_chunk(tmp_path: Path, monkeypatch) -> None:
    entries, paras = _copied_archive(6)  # later paragraphs with candidates in many chunks
    monkeypatch.setattr(dedup_archive, "PARALLEL_MIN", 10**9)
    found = {}
    for chunk in (40, 97, 10**6):
        monkeypatch.setattr(dedup_archive, "QUERY_CHUNK", chunk)
        found[chunk] = (dedup_archive._cold(entries, paras).findings,
                        check_archive(tmp_path, entries, paras.__getitem__, use_cache=False))
    assert len(found[10**6][0]) > 200
    assert found[40] == found[97] == found[10**6]
    if hasattr(os, "fork"):  # and the workers, too, with small chunks
        monkeypatch.setattr(dedup_archive, "QUERY_CHUNK", 40)
        monkeypatch.setattr(dedup_archive, "PARALLEL_MIN", 100)
        monkeypatch.setattr(os, "cpu_count", lambda: 2)
        assert dedup_archive._cold(entries, paras).findings == found[10**6][0]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the workers are forked")
def test_no_workers_inside_a_worker(monkeypatch) -> None:
    monkeypatch.setattr(dedup_archive, "PARALLEL_MIN", 100)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert dedup_archive._workers(99) == 1 and dedup_archive._workers(100) == 2
    fork = multiprocessing.get_context("fork")
    with fork.Pool(1) as pool:  # a daemon: may not even fork
        assert pool.apply(dedup_archive._workers, (100,)) == 1
    with ProcessPoolExecutor(1, mp_context=fork) as pool:  # like the build's page workers
        assert pool.submit(dedup_archive._workers, 100).result() == 1


# ---------------------------------------------------------------- labelled set

def labelled() -> list[dict]:
    return json.loads((FIXTURES / "labelled.json").read_text(encoding="utf-8"))


def scores(flags: list[tuple[bool, bool]]) -> tuple[float, float]:
    tp = sum(label and got for label, got in flags)
    fp = sum(got and not label for label, got in flags)
    fn = sum(label and not got for label, got in flags)
    return tp / (tp + fp), tp / (tp + fn)


def test_precision_and_recall_on_the_labelled_set() -> None:
    flags = [(it["repeat"], classify(para(it["later"], 2), para(it["earlier"], 1)) is not None)
             for it in labelled()]
    precision, recall = scores(flags)
    assert len(flags) > 500 and precision >= 0.97 and recall >= 0.97, (precision, recall)


def test_the_index_finds_the_labelled_repeats_in_one_archive(tmp_path: Path) -> None:
    """All pairs in one archive: each later paragraph (issue 2) must find its earlier one."""
    items = [it for it in labelled() if len(words(canonical(it["later"]))) >= 20]
    earlier = [para(it["earlier"], 10 + k) for k, it in enumerate(items)]
    later = [para(it["later"], 10 + k) for k, it in enumerate(items)]
    entries = [Entry("content/1.md", "a", 1), Entry("content/2.md", "b", 2)]
    found = check_archive(tmp_path, entries, lambda k: (earlier, later)[k], use_cache=False)
    hit = {f.line: f.of.line for f in found}
    flags = []
    for k, it in enumerate(items):
        line = 10 + k
        same = line in hit and (hit[line] == line or items[hit[line] - 10]["earlier"]
                                == it["earlier"])
        flags.append((it["repeat"], same))
    precision, recall = scores(flags)
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)


# ---------------------------------------------------------------- summary

def test_summary_line() -> None:
    assert summary_line(Report(12)) == "Đoạn lặp: không có (12 đoạn đã kiểm tra)."
    removed = Finding("removed", "exact", "article", "a.md", 5, Where("a.md", 1), 1.0, "x")
    near = Finding("warning", "near", "archive", "b.md", 9, Where("a.md", 3), 0.93, "y")
    report = Report(40, [removed, near, near])
    assert summary_line(report) == ("Đoạn lặp: đã bỏ 1 đoạn lặp khỏi bản in, 2 cảnh báo "
                                    "(chi tiết: bantin dedup).")
    assert format_finding(near) == ('b.md:9: cảnh báo — gần giống (93%) đã đăng ở số trước, '
                                    'lặp a.md:3: "y"')


# ---------------------------------------------------------------- the same text pasted twice

LINE_A = "Hội nghị do đồng chí Hoàng Đình Sơn – Phó Bí thư Đảng ủy, Chủ tịch UBND xã chủ trì."
LINE_B = "Tham dự có các đồng chí Phó Chủ tịch UBND xã, lãnh đạo các phòng chuyên môn."
LINE_C = "Ngắn gọn thôi."
OTHER = "Tỷ lệ thanh toán trực tuyến đạt 99,77% trên địa bàn xã trong quý vừa qua."


def test_a_block_that_joins_earlier_lines_is_removed() -> None:
    found, removed = article_check(
        f"{LINE_A}\n{LINE_B}\n{LINE_C}\n{OTHER}\n{LINE_A} {LINE_B} {LINE_C}\n")
    assert removed == {5}
    assert [(f.kind, f.line, f.of_line) for f in found] == [("joined", 5, 1)]
    assert format_finding(Finding("removed", "joined", "article", "a.md", 5, Where("a.md", 1),
                                  1.0, "…")).startswith(
        "a.md:5: đã bỏ khỏi bản in — là các đoạn liền trước nối lại trong cùng bài")


def test_lines_that_repeat_an_earlier_block_are_removed_short_ones_too() -> None:
    found, removed = article_check(
        f"{LINE_A} {LINE_B} {LINE_C}\n{OTHER}\n{LINE_A}\n{LINE_B}\n{LINE_C}\n")
    assert removed == {3, 4, 5}
    assert {(f.kind, f.of_line) for f in found} == {("contained", 1)}


def test_consecutive_short_lines_found_apart_in_an_earlier_block_stay() -> None:
    _, removed = article_check(f"{LINE_A} {OTHER} {LINE_B}\n{LINE_A}\n{LINE_B}\n")
    assert removed == {2, 3}  # each is long enough and contained on its own
    _, kept = article_check(f"{LINE_A} {OTHER}\n{LINE_C}\nĐoạn kết.\n")
    assert kept == set()
