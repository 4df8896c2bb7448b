"""serve: the PDF of the issue being edited follows the edits, after the pages, in another
process; what it writes is byte for byte what `bantin build` writes."""

from __future__ import annotations

import time
from pathlib import Path

from bantin.cli import main

from .test_serve import ARTICLE, eventually, start

PDF = "2026/18/ban-tin-cchc-so-18-2026.pdf"


def pdf_state(running, after: int) -> str:  # type: ignore[no-untyped-def]
    pdf = running.status()["pdf"]
    return pdf.get("state", "") if pdf.get("version", 0) >= after else ""


def test_the_pdf_follows_the_edits_after_the_pages(site: Path, tmp_path: Path) -> None:
    running = start(site, pdf=True)
    try:
        pdf = running.out / PDF
        # The first build leaves the newest issue's PDF to be printed after a pause.
        eventually(lambda: pdf_state(running, 1) == "ready", "in xong PDF lần đầu")
        first = pdf.read_bytes()
        assert any("Đã in xong PDF Số 18" in line for line in running.said)

        version = running.server.version
        path = site / ARTICLE
        path.write_text(path.read_text(encoding="utf-8").replace(
            "chế độ kiêm nhiệm", "chế độ chuyên trách"), encoding="utf-8")
        running.rebuilt(version)
        # The pages are there at once; the PDF waits for the edits to pause.
        page = next((running.out / "2026/18").glob("thanh-lap-ban-chi-dao*/index.html"))
        assert "chế độ chuyên trách" in page.read_text(encoding="utf-8")
        assert pdf.read_bytes() == first
        eventually(lambda: pdf_state(running, version + 1) == "ready", "in lại PDF")
        assert pdf.read_bytes() != first
        assert running.status()["pdf"]["url"] == PDF
    finally:
        running.server.stop()
    assert not any(p.name.endswith(".bantin-pdf") for p in site.iterdir())
    # What serve printed is what a cold build prints, and a build after it keeps it.
    cold = tmp_path / "cold"
    assert main(["build", "--root", str(site), "--out", str(cold), "--no-cache"]) == 0
    assert (cold / PDF).read_bytes() == pdf.read_bytes()
    made = pdf.stat().st_mtime_ns
    assert main(["build", "--root", str(site)]) == 0
    assert pdf.stat().st_mtime_ns == made  # recorded as made from these sources


def test_a_pdf_outdated_while_printing_is_not_put_in_place(site: Path) -> None:
    from bantin.build import Builder, BuildOptions
    from bantin.pdf import render_document

    out = site / "public"
    builder = Builder(BuildOptions(root=site, out=out, workers=1), record=False, pdf_later=True)
    [old] = builder.build().pending_pdfs
    assert not (out / PDF).exists()  # left for later, linked all the same
    assert PDF.rsplit("/", 1)[1] in (out / "2026/18/index.html").read_text(encoding="utf-8")
    made = site / "made.pdf"
    problems = render_document(site, old.document(), made, builder.options.print_options)
    path = site / ARTICLE
    path.write_text(path.read_text(encoding="utf-8") + "\nMột đoạn mới.\n", encoding="utf-8")
    [new] = builder.build([path]).pending_pdfs
    assert new.target.inputs != old.target.inputs
    assert not builder.put_pdf(old, made, old.notes(old.document(), problems))
    assert not (out / PDF).exists() and made.exists()
    render_document(site, new.document(), made, builder.options.print_options)
    assert builder.put_pdf(new, made, [])
    assert (out / PDF).is_file() and not made.exists()
    assert builder.build().pending_pdfs == []  # recorded: not stale any more


def children() -> set[int]:
    """This process's child processes, as the system lists them."""
    found: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        found |= {int(p) for p in (task / "children").read_text().split()}
    return found


def test_stopping_while_a_pdf_prints_leaves_no_process_behind(site: Path) -> None:
    """Ctrl-C mid-print: the print is abandoned at once (a pool stopped under a waiting
    call never answers), and neither its worker nor multiprocessing's helper beside it
    outlives serve."""
    before = children()
    running = start(site, pdf=True)
    try:
        eventually(lambda: pdf_state(running, 1) == "rendering", "bắt đầu in PDF")
        assert children() - before  # the print runs in a process of its own
    finally:
        started = time.monotonic()
        running.server.stop()
    assert time.monotonic() - started < 5
    eventually(lambda: children() <= before, "các tiến trình con đã dừng")
    assert not any(p.name.endswith(".bantin-pdf") for p in site.iterdir())
