"""`bantin serve` for real: watchdog events on a temporary site, a real HTTP server on a free
port, Server-Sent Events read from a socket. Nothing is mocked; every wait is on the server's
build version (a Condition) or on the output, with a timeout."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bantin.errors import UsageError
from bantin.serve import (
    Server,
    _malloc_trim,
    ignored,
    inject_live_script,
    is_loopback,
    release_freed_memory,
    url_parts,
)

from .conftest import PROVINCIAL, write

TIMEOUT = 20.0  # generous: a loaded CI machine; a passing run waits far less
ARTICLE = "content/2026/18/ban-chi-dao.md"
SCRIPT = '<script src="/__bantin/live.js"></script>'


# --- helpers --------------------------------------------------------------------------------

class Running:
    """A started Server plus what its builds reported."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.batches: list[tuple[str, ...]] = []  # changed paths of each good rebuild
        self.said: list[str] = []

    @property
    def out(self) -> Path:
        return self.server.out

    def get(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        """A raw request: the path is sent exactly as written (no client-side cleaning)."""
        port = int(self.server.url.rsplit(":", 1)[1].strip("/"))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        try:
            conn.request(method, path)
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def status(self) -> dict:
        code, _, body = self.get("/__bantin/status")
        assert code == 200
        return json.loads(body)

    def rebuilt(self, after: int) -> int:
        """Wait for the build after version `after`; the new version."""
        assert self.server.wait_for_version(after + 1, TIMEOUT), (
            f"không dựng lại trong {TIMEOUT} giây; đã in: {self.said}")
        return self.server.version


def start(root: Path, **kwargs: object) -> Running:
    holder: list[Running] = []
    server = Server(root, root / "public", port=0, say=lambda line: holder[0].said.append(line),
                    on_built=lambda _result: holder[0].batches.append(server.last_changes),
                    **kwargs)  # type: ignore[arg-type]
    running = Running(server)
    holder.append(running)
    server.start()
    return running


@pytest.fixture
def live(site: Path) -> Iterator[Running]:
    running = start(site)
    assert running.server.version == 1 and running.status()["ok"]
    yield running
    running.server.stop()


def page_url(out: Path, prefix: str) -> str:
    """The URL of the one article page whose folder name starts with `prefix`."""
    found = [p for p in (out / "2026" / "18").iterdir() if p.name.startswith(prefix)]
    assert len(found) == 1, found
    return f"/2026/18/{found[0].name}/"


def eventually(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not check():
        assert time.monotonic() < deadline, f"hết {TIMEOUT} giây mà vẫn chưa: {what}"
        time.sleep(0.05)


def replace_in(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text


def article(i: int) -> str:
    return f"""\
---
title: Tin ngắn số {i} về cải cách hành chính
issue: 18
year: 2026
week: "25/5-29/5"
section: TIN CCHC TỈNH
editor: Mai Dung
order: {i + 2}
---

Ngày {i % 28 + 1}/5/2026, đơn vị thứ {i} đã tiếp nhận {i * 7 + 13} hồ sơ trực tuyến, mã {i * 7919 % 100003}.
"""


class EventStream:
    """A raw Server-Sent Events connection."""

    def __init__(self, running: Running) -> None:
        port = int(running.server.url.rsplit(":", 1)[1].strip("/"))
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.sock.sendall(b"GET /__bantin/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          b"Accept: text/event-stream\r\n\r\n")
        self.buffer = b""

    def next_event(self) -> tuple[str, dict]:
        while True:
            block, sep, rest = self.buffer.partition(b"\n\n")
            if sep:
                self.buffer = rest
                fields = dict(line.split(": ", 1) for line in block.decode().splitlines()
                              if ": " in line and not line.startswith(":"))
                if "event" in fields:
                    return fields["event"], json.loads(fields["data"])
                continue  # headers, retry: or a keep-alive comment
            data = self.sock.recv(65536)
            assert data, "máy chủ đóng luồng sự kiện"
            self.buffer += data.replace(b"\r\n", b"\n")

    def until(self, name: str) -> dict:
        while True:
            event, data = self.next_event()
            if event == name:
                return data

    def close(self) -> None:
        self.sock.close()


# --- pure parts -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "bai.md.swp", ".bai.md.swx", "bai.md.swo", "bai.md~", ".#bai.md", "~$bai-moi.docx",
    "#bai.md#", "bai.md.tmp", "anh.jpg.part", "tep.crdownload", "4913", ".DS_Store",
    "__pycache__/x.pyc", ".bantin-cache/markdown.pickle", ".git/index", "content/.an/bai.md",
])
def test_editor_noise_is_ignored(name: str) -> None:
    assert ignored(Path(name))


@pytest.mark.parametrize("name", ["content/2026/18/bai.md", "site.yml", "assets/anh.jpg",
                                  "content/2026/18/#1-bai.md", "layouts/article.html"])
def test_sources_are_not_ignored(name: str) -> None:
    assert not ignored(Path(name))


def test_url_parts_refuse_leaving_the_folder() -> None:
    assert url_parts("/2026/18/bai%20viet/") == ["2026", "18", "bai viet"]
    for bad in ["/../etc/passwd", "/%2e%2e/x", "/a/..%2f..%2fx", "/a\\..\\x", "/a%5c..",
                "/a%00.html", "/%ff", "x/y", "/./a"]:
        assert url_parts(bad) is None, bad


def test_script_goes_before_the_last_body_end() -> None:
    assert inject_live_script(b"<p>a</p></BODY></html>") == (
        b"<p>a</p>" + SCRIPT.encode() + b"</BODY></html>")
    assert inject_live_script(b"<p>a</p>") == b"<p>a</p>" + SCRIPT.encode()


# --- rebuilding on real file events ---------------------------------------------------------

def test_saving_an_article_rebuilds_and_serves_the_new_text(live: Running) -> None:
    url = page_url(live.out, "thanh-lap-ban-chi-dao")
    replace_in(live.out.parent / ARTICLE, "chế độ kiêm nhiệm", "chế độ chuyên trách mới")
    live.rebuilt(1)
    code, _, body = live.get(url)
    assert code == 200 and "chế độ chuyên trách mới" in body.decode()
    assert live.batches[-1] == (ARTICLE,)
    assert any(line.startswith("Đã dựng lại trong ") and ARTICLE in line for line in live.said)


def test_editor_style_saves_rebuild(live: Running) -> None:
    """Word processors and many editors write a temporary file and rename it over the
    article; vim probes with "4913" and keeps a "~" backup."""
    src = live.out.parent / ARTICLE
    url = page_url(live.out, "thanh-lap-ban-chi-dao")
    text = src.read_text(encoding="utf-8")
    temp = src.with_name(".ban-chi-dao.md.tmp-4821")
    temp.write_text(text.replace("kiêm nhiệm", "đổi qua tệp tạm"), encoding="utf-8")
    os.replace(temp, src)
    version = live.rebuilt(1)
    assert "đổi qua tệp tạm" in live.get(url)[2].decode()
    assert live.batches[-1] == (ARTICLE,)

    probe = src.with_name("4913")  # vim's save sequence, "backupcopy=no"
    probe.write_text("")
    probe.unlink()
    backup = src.with_name("ban-chi-dao.md~")
    os.rename(src, backup)
    src.write_text(text.replace("kiêm nhiệm", "đổi kiểu vim"), encoding="utf-8")
    backup.unlink()
    live.rebuilt(version)
    eventually(lambda: "đổi kiểu vim" in live.get(url)[2].decode(), "trang có chữ mới")
    assert set(live.batches[-1]) == {ARTICLE}


def test_a_burst_of_200_files_gives_at_most_two_rebuilds(live: Running) -> None:
    root = live.out.parent
    burst = {f"content/2026/18/tin-{i:03d}.md" for i in range(200)}
    for i in range(200):
        write(root, f"content/2026/18/tin-{i:03d}.md", article(i))
    eventually(lambda: any(p.name.startswith("tin-ngan-so-199-")
                           for p in (live.out / "2026" / "18").iterdir()),
               "trang của bài thứ 200 đã dựng")
    # A later edit: every event of the burst was delivered before this one.
    replace_in(root / ARTICLE, "kiêm nhiệm", "kiêm nhiệm sau loạt bài")
    eventually(lambda: any(ARTICLE in batch for batch in live.batches), "dựng lại lần cuối")
    with_burst = [b for b in live.batches if burst & set(b)]
    assert 1 <= len(with_burst) <= 2, [len(b) for b in live.batches]
    assert live.status()["ok"]


def test_editor_noise_does_not_rebuild(live: Running) -> None:
    root = live.out.parent
    folder = root / "content" / "2026" / "18"
    for name in [".ban-chi-dao.md.swp", "ban-chi-dao.md~", ".#ban-chi-dao.md", "~$bai-moi.docx",
                 "#ban-chi-dao.md#", "4913", "bai-moi.md.tmp", "anh.jpg.part",
                 "tai-ve.crdownload", "__pycache__/x.pyc", ".an/bai.md"]:
        write(folder, name, "rác của trình soạn thảo\n")
    write(root, ".bantin-cache/rac.txt", "x")
    write(root, "ghi-chu.txt", "không phải nguồn")  # not a source folder or site.yml
    write(root, "public/rac.html", "<p>trong thư mục xuất</p>")
    # The canary: a real edit after the noise. Its rebuild must be the only one, for it alone.
    replace_in(root / ARTICLE, "kiêm nhiệm", "kiêm nhiệm (chim hoàng yến)")
    live.rebuilt(1)
    assert live.batches == [(), (ARTICLE,)]  # the first build, then the canary
    assert live.server.version == 2


def test_a_deleted_article_is_gone(live: Running) -> None:
    url = page_url(live.out, "xa-tan-ky")
    assert live.get(url)[0] == 200
    (live.out.parent / "content/2026/18/tan-ky-an-toan.md").unlink()
    live.rebuilt(1)
    assert live.get(url)[0] == 404
    assert not (live.out / url.strip("/")).exists()


def test_new_source_folder_and_site_yml_are_watched(live: Running) -> None:
    root = live.out.parent
    (root / "layouts").mkdir()  # did not exist when the server started
    version = live.rebuilt(1)
    write(root, "layouts/ghi-chu.txt", "mẫu trang riêng sẽ đặt ở đây\n")
    version = live.rebuilt(version)
    assert live.batches[-1] == ("layouts/ghi-chu.txt",)
    write(root, "site.yml", "title: Bản tin thử\n")
    live.rebuilt(version)
    assert live.batches[-1] == ("site.yml",)


def test_broken_front_matter_shows_error_and_keeps_last_good_page(live: Running) -> None:
    src = live.out.parent / ARTICLE
    url = page_url(live.out, "thanh-lap-ban-chi-dao")
    good = replace_in(src, "issue: 18\n", "issue: [18\n")
    version = live.rebuilt(1)
    status = live.status()
    assert status["ok"] is False and status["version"] == version
    assert any(re.search(r"ban-chi-dao\.md:\d+: ", m) for m in status["messages"]), status
    assert any("Chưa dựng lại được" in line for line in live.said)
    code, _, body = live.get(url)  # the last good build is still served
    assert code == 200 and "chế độ kiêm nhiệm" in body.decode()

    stream = EventStream(live)  # a page opened now sees the error at once
    try:
        event, data = stream.next_event()
        assert event == "error" and any("ban-chi-dao.md" in m for m in data["messages"])
    finally:
        stream.close()

    src.write_text(good, encoding="utf-8")
    live.rebuilt(version)
    status = live.status()
    assert status["ok"] is True and status["messages"] == []


# --- HTTP -----------------------------------------------------------------------------------

def test_paths_outside_the_output_folder_are_refused(live: Running) -> None:
    root = live.out.parent
    (root / "bi-mat.txt").write_text("mật khẩu", encoding="utf-8")
    os.symlink(root / "bi-mat.txt", live.out / "lien-ket.txt")
    os.symlink(root, live.out / "ngoai")
    os.symlink("index.html", live.out / "trong.html")  # a link that stays inside is fine
    for path in ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2fsite.yml",
                 "/..%2f..%2fetc%2fpasswd", "/%2e%2e%5cbi-mat.txt", "/..\\bi-mat.txt",
                 "/index.html%00.txt", "/lien-ket.txt", "/ngoai/bi-mat.txt",
                 f"/ngoai/{ARTICLE}", "/ngoai/", "/ngoai"]:
        code, _, body = live.get(path)
        assert code == 404, path
        assert "mật khẩu".encode() not in body and b"root:" not in body, path
    assert live.get("/trong.html")[0] == 200


def test_live_script_is_served_but_never_written(live: Running) -> None:
    url = page_url(live.out, "thanh-lap-ban-chi-dao")
    code, headers, body = live.get(url)
    assert code == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "no-store"
    assert int(headers["content-length"]) == len(body)
    text = body.decode()
    assert text.count(SCRIPT) == 1 and text.index(SCRIPT) < text.lower().rindex("</body>")
    on_disk = (live.out / url.strip("/") / "index.html").read_bytes()
    assert on_disk == body.replace(SCRIPT.encode(), b"")
    for path in live.out.rglob("*"):
        if path.is_file():
            assert b"__bantin" not in path.read_bytes(), path

    code, headers, body = live.get("/__bantin/live.js")
    assert code == 200 and headers["content-type"].startswith("text/javascript")
    assert b"EventSource" in body
    code, headers, _ = live.get("/assets/site.css")
    assert code == 200 and headers["content-type"] == "text/css; charset=utf-8"
    code, headers, body = live.get("/2026/18")  # a folder: to its slash form, then index.html
    assert code == 301 and headers["location"] == "/2026/18/"
    code, _, body = live.get("/2026/18/")
    assert code == 200 and SCRIPT.encode() in body
    code, headers, body = live.get("/khong-co-trang-nay.html")  # the site's own 404 page
    assert code == 404 and headers["content-type"] == "text/html; charset=utf-8"
    assert body.replace(SCRIPT.encode(), b"") == (live.out / "404.html").read_bytes()
    code, headers, body = live.get(url, method="HEAD")
    assert code == 200 and body == b"" and int(headers["content-length"]) > 0


def test_reload_event_after_an_edit(live: Running) -> None:
    stream = EventStream(live)
    try:
        assert stream.until("ok")["version"] == 1  # connected: the current state comes first
        assert stream.next_event() == ("warnings", {"version": 1, "messages": []})
        replace_in(live.out.parent / ARTICLE, "kiêm nhiệm", "kiêm nhiệm — đã sửa")
        data = stream.until("reload")
        assert data["version"] == 2 and live.server.version == 2
        live.server.notify("pdf", {"state": "rendering", "issue": "Số 18 (25/5-29/5/2026)"})
        event, data = stream.next_event()
        assert event == "pdf" and data["state"] == "rendering" and data["version"] == 2
        assert live.status()["pdf"]["issue"] == "Số 18 (25/5-29/5/2026)"
    finally:
        stream.close()
    eventually(lambda: live.server.live.clients == 0 or _poke(live), "luồng đã đóng được gỡ")


def _poke(live: Running) -> bool:
    """A closed page is noticed at the next write: send one."""
    live.server.notify("ping", {})
    return live.server.live.clients == 0


def test_busy_port_is_a_usage_error(site: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = Server(site, site / "public", port=port, say=lambda _line: None)
        with pytest.raises(UsageError, match=f"--port {port + 1}"):
            server.start()


def test_polling_mode_rebuilds(site: Path) -> None:
    running = start(site, poll=True)
    try:
        url = page_url(running.out, "thanh-lap-ban-chi-dao")
        replace_in(site / ARTICLE, "kiêm nhiệm", "kiêm nhiệm (dò định kỳ)")
        running.rebuilt(1)
        assert "kiêm nhiệm (dò định kỳ)" in running.get(url)[2].decode()
        assert running.batches[-1] == (ARTICLE,)
    finally:
        running.server.stop()


def test_symlinked_content_folder_is_watched(tmp_path: Path) -> None:
    """Some editors keep content/ on a synced drive and link it into the site."""
    real = tmp_path / "o-dong-bo" / "content"
    write(real.parent, "content/2026/18/ban-chi-dao.md", PROVINCIAL)
    root = tmp_path / "trang"
    root.mkdir()
    (root / "content").symlink_to(real, target_is_directory=True)
    running = start(root)
    try:
        replace_in(real / "2026/18/ban-chi-dao.md", "kiêm nhiệm", "kiêm nhiệm (ổ đồng bộ)")
        running.rebuilt(1)
        assert running.batches[-1] == (ARTICLE,)
    finally:
        running.server.stop()


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False),
    ("192.168.1.20", False), ("may-cua-phong", False)])
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_serve_runs_until_ctrl_c(site: Path) -> None:
    """The command's loop: prints where to look, rebuilds, stops cleanly on Ctrl+C (exit 0)."""
    code = ("import sys; from pathlib import Path; from bantin.serve import serve; "
            "sys.exit(serve(Path(sys.argv[1]), Path(sys.argv[1]) / 'public', port=0))")
    proc = subprocess.Popen([sys.executable, "-c", code, str(site)], stderr=subprocess.PIPE,
                            text=True, encoding="utf-8")
    try:
        lines: list[str] = []
        deadline = time.monotonic() + TIMEOUT
        while not any(line.startswith("Đang xem trước tại http://127.0.0.1:") for line in lines):
            assert time.monotonic() < deadline and proc.poll() is None, lines
            lines.append(proc.stderr.readline())
        assert "Ctrl+C để dừng" in lines[-1] and "lưu bài là trang tự tải lại" in lines[-1]
        url = lines[-1].split()[4]
        with urllib.request.urlopen(url + "2026/18/", timeout=TIMEOUT) as resp:
            assert resp.status == 200
        proc.send_signal(signal.SIGINT)
        _, rest = proc.communicate(timeout=TIMEOUT)
        assert proc.returncode == 0, rest
        assert "Đã dừng xem trước." in rest and "Traceback" not in rest
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.skipif(_malloc_trim() is None, reason="malloc_trim is glibc's")
def test_memory_a_build_freed_goes_back_to_the_system() -> None:
    """What serve does after every full collection: pages bodies freed among live ones
    (the C heap keeps them, counted in the process) are handed back."""
    bodies = [bytearray(4000) for _ in range(40_000)]  # ~160 MB in the C heap, touched
    keep = bytearray(4000)  # one live block above them: freeing them cannot shrink the heap
    del bodies
    before = _rss_mb()
    release_freed_memory()
    assert before - _rss_mb() > 100
    assert len(keep) == 4000
