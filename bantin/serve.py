"""`bantin serve`: rebuild on every save, serve the output folder, reload open pages.

Four parts, each on its own thread(s), no processes:
- `Watcher`: watchdog events on the sources (content/, issues/, layouts/, assets/, site.yml),
  editor noise filtered out;
- `Rebuilder`: collects events until a quiet moment, then runs one build for the batch;
- `LiveState`: the result of the last build and the connected pages (Server-Sent Events);
- an HTTP server that serves only files inside the output folder and adds the live-reload
  script to every HTML page it sends (the files on disk stay as the build wrote them).
"""

from __future__ import annotations

import ctypes
import errno
import functools
import gc
import ipaddress
import json
import mimetypes
import os
import queue
import shutil
import socket
import stat
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from contextlib import suppress
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote_to_bytes

import jinja2
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from .build import Builder, BuildOptions, BuildResult
from .dedup_site import format_finding
from .errors import BantinError, ContentError, UsageError
from .output import check_output_dir
from .serve_pdf import PdfFollower, chosen
from .text import format_count
from .theme import template_error_message

Say = Callable[[str], None]

# What is watched: these folders (recursively) and these files, at the top of the site root.
WATCHED_DIRS = ("content", "issues", "layouts", "assets")
WATCHED_FILES = ("site.yml",)
# Only events that can change what a build reads (no "opened"/"closed without writing":
# the build itself reads every source, and reacting to that would rebuild forever).
EVENT_TYPES: list[type[FileSystemEvent]] = [
    FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent,
    DirCreatedEvent, DirDeletedEvent, DirMovedEvent,
]
NOISE_SUFFIXES = (".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload", "~")
NOISE_PREFIXES = (".", "~$")  # hidden files and folders (".#x.md" too), Word lock files
NOISE_NAMES = frozenset({"4913", "__pycache__"})  # 4913: vim's "can I write here" probe

IDLE = 0.4  # seconds of quiet after a rebuild before its repeat check runs
FULL_COLLECT_EVERY = 25  # builds between full garbage collections (see Server._tidy)
FLUSH_EVERY = 25  # builds between two writes of the cache when the saves never pause
FULL_SCAN_EVERY = 20  # builds between two that look at every source and output file
QUIET = 0.04  # seconds without events that end a batch (an editor's save takes ~2 ms)
MAX_WAIT = 2.0  # a batch never waits longer than this after its first event
POLL_INTERVAL = 0.5  # seconds between two looks of the polling observer
KEEPALIVE = 15.0  # seconds between keep-alive comments on an idle event stream
MAX_LINES = 200  # messages sent to a page per event (a broken site can report thousands)
MAX_BATCH_PATHS = 1000  # changed paths remembered per batch
CLIENT_QUEUE = 64  # events waiting for one slow page before it is dropped

LIVE_PATH = "/__bantin/"
SCRIPT_TAG = b'<script src="/__bantin/live.js"></script>'
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".zip": "application/zip",
}
HTML_TYPE = CONTENT_TYPES[".html"]


def print_to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


# --- what to ignore -------------------------------------------------------------------------

def noise_name(name: str) -> bool:
    """A file or folder name that editors, Word or downloads leave behind, never a source."""
    return (name in NOISE_NAMES or name.startswith(NOISE_PREFIXES)
            or name.endswith(NOISE_SUFFIXES)
            or (len(name) > 1 and name.startswith("#") and name.endswith("#")))


def ignored(path: Path) -> bool:
    """True for editor noise anywhere in a site-relative path: swap and backup files, lock
    files, temporary downloads, hidden files and folders (.bantin-cache/ and .git/ too)."""
    return any(noise_name(part) for part in Path(path).parts)


IGNORED = ignored


# --- batching -------------------------------------------------------------------------------

class Rebuilder:
    """Runs `job` on one thread for each batch of changes: after the first change it waits
    for QUIET seconds without changes (at most MAX_WAIT), never runs two jobs at once, and
    changes that arrive during a job make exactly one more job after it."""

    def __init__(self, job: Callable[[tuple[str, ...], bool], None], *,
                 quiet: float = QUIET, max_wait: float = MAX_WAIT,
                 idle_job: Callable[[], None] | None = None, idle: float = IDLE) -> None:
        self._job = job
        self._idle_job = idle_job  # run once the changes pause for `idle` seconds after a job
        self._idle = idle
        self._idle_due: float | None = None
        self._quiet = quiet
        self._max_wait = max_wait
        self._cond = threading.Condition()
        self._paths: dict[str, None] = {}  # this batch's changed paths, in order, capped
        self._more = False  # more changes than MAX_BATCH_PATHS in this batch
        self._pending = False
        self._first = self._last = 0.0
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="bantin-dung-lai", daemon=True)

    def request(self, paths: Iterable[str]) -> None:
        with self._cond:
            now = time.monotonic()
            if not self._pending:
                self._pending, self._first = True, now
            self._last = now
            for p in paths:
                if len(self._paths) < MAX_BATCH_PATHS:
                    self._paths[p] = None
                elif p not in self._paths:
                    self._more = True
            self._cond.notify_all()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join()

    def _next_batch(self) -> tuple[tuple[str, ...], bool] | None:
        """Block until a batch is complete (an empty one: time for the idle job); None when
        stopping."""
        with self._cond:
            while not self._stopping:
                now = time.monotonic()
                if self._pending:
                    due = min(self._last + self._quiet, self._first + self._max_wait)
                    if now >= due:
                        batch = (tuple(self._paths), self._more)
                        self._paths, self._more, self._pending = {}, False, False
                        return batch
                    self._cond.wait(due - now)
                elif self._idle_due is not None:
                    if now >= self._idle_due:
                        self._idle_due = None
                        return (), False
                    self._cond.wait(self._idle_due - now)
                else:
                    self._cond.wait()
            return None

    def idle_soon(self) -> None:
        """Run the idle job once the changes pause (after the job that asks for it)."""
        with self._cond:
            self._idle_due = time.monotonic() + self._idle
            self._cond.notify_all()

    def _run(self) -> None:
        while (batch := self._next_batch()) is not None:
            try:
                if batch[0] or batch[1]:
                    self._job(*batch)
                elif self._idle_job is not None:
                    self._idle_job()
            except Exception:  # the job reports its own errors; never let the thread die
                traceback.print_exc()


# --- watching -------------------------------------------------------------------------------

class _EventHandler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = [event.src_path, getattr(event, "dest_path", "")]  # a move counts at both ends
        changed = [rel for p in paths if p and (rel := self.watcher.relevant(os.fsdecode(p)))]
        if changed:
            self.watcher.on_change(changed)


class Watcher:
    """Watches the sources of one site with watchdog and calls `on_change` with the
    site-relative paths of each relevant event. The top-level source folders are watched
    recursively and the root itself without recursion (for site.yml and for source folders
    created, deleted or replaced later: call `resync`). The output folder is never watched:
    the build rewrites it and its events would only cost time."""

    def __init__(self, root: Path, out: Path, on_change: Callable[[list[str]], None], *,
                 poll: bool = False, say: Say = print_to_stderr) -> None:
        self.root = root.resolve()
        self.out = out.resolve()
        self.on_change = on_change
        self.poll = poll
        self.say = say
        self._handler = _EventHandler(self)
        self._lock = threading.Lock()
        self._observer: BaseObserver | None = None
        self._watches: dict[str, tuple[ObservedWatch, tuple[int, int]]] = {}

    def relevant(self, path: str) -> str | None:
        """The site-relative path of a source a build reads, or None for anything else."""
        p = Path(path)
        try:
            rel = p.relative_to(self.root)
        except ValueError:
            return None
        if not rel.parts or p == self.out or p.is_relative_to(self.out) or ignored(rel):
            return None
        top = rel.parts[0]
        if top in WATCHED_DIRS or (len(rel.parts) == 1 and top in WATCHED_FILES):
            return rel.as_posix()
        return None

    def start(self) -> None:
        if not self.poll:
            try:
                self._start(Observer())
                return
            except OSError as exc:
                self._say_polling(exc)
        self._start(PollingObserver(timeout=POLL_INTERVAL))

    def stop(self) -> None:
        with self._lock:
            observer, self._observer = self._observer, None
            self._watches = {}
        if observer is not None:
            _stop_observer(observer)

    def resync(self) -> None:
        """Start watching source folders created since the last look, stop watching deleted
        ones, and watch again folders that were replaced (deleted and created anew)."""
        with self._lock:
            if self._observer is None:
                return
            try:
                self._sync()
                return
            except OSError as exc:
                if self.poll:
                    raise
                self._say_polling(exc)
                _stop_observer(self._observer)
                self._observer = None
        self._start(PollingObserver(timeout=POLL_INTERVAL))

    def _say_polling(self, exc: OSError) -> None:
        self.poll = True
        self.say(f"Không theo dõi được thay đổi tệp theo cách thường ({exc.strerror or exc}); "
                 "chuyển sang dò tệp định kỳ (như --poll), trang tự tải lại chậm hơn một chút.")

    def _start(self, observer: BaseObserver) -> None:
        with self._lock:
            self._observer, self._watches = observer, {}
            try:
                observer.schedule(self._handler, str(self.root), recursive=False,
                                  event_filter=EVENT_TYPES)
                self._sync()
                observer.start()
            except BaseException:
                self._observer = None
                _stop_observer(observer)
                raise

    def _sync(self) -> None:
        assert self._observer is not None
        for name in WATCHED_DIRS:
            path = self.root / name
            identity = _dir_identity(path)
            current = self._watches.get(name)
            if current is not None and current[1] == identity:
                continue
            if current is not None:
                del self._watches[name]
                with suppress(KeyError):
                    self._observer.unschedule(current[0])
            if identity is not None:
                watch = self._observer.schedule(self._handler, str(path), recursive=True,
                                                event_filter=EVENT_TYPES,
                                                follow_symlink=path.is_symlink())
                self._watches[name] = (watch, identity)


def _dir_identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None


def _stop_observer(observer: BaseObserver) -> None:
    if observer.is_alive():
        observer.stop()
        observer.join()
    else:
        observer.unschedule_all()


# --- the state pages see --------------------------------------------------------------------

def sse_event(name: str, payload: dict[str, Any]) -> bytes:
    if not name.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"bad event name {name!r}")
    data = json.dumps(payload, ensure_ascii=False)  # one line: newlines inside are escaped
    return f"event: {name}\ndata: {data}\n\n".encode()


def capped(lines: list[str]) -> list[str]:
    if len(lines) <= MAX_LINES:
        return lines
    return [*lines[:MAX_LINES], f"… và {format_count(len(lines) - MAX_LINES)} dòng nữa"]


class LiveState:
    """The outcome of the last build and the pages listening for the next one.

    Events (each a JSON payload with "version" and "messages"): `reload` after a good build,
    `error` after a failed one, `ok` and `warnings` on connect (so a page opened while the
    site is broken shows the error at once), `pdf` from `notify`. Nothing here grows with the
    number of builds: each build replaces the previous state."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.version = 0
        self.ok = True
        self.messages: list[str] = []
        self.warnings: list[str] = []
        self.checked = 0  # warnings lists set so far (they follow each good build)
        self.pdf: dict[str, Any] = {}
        self._clients: set[queue.Queue[bytes | None]] = set()

    def finished(self, ok: bool, messages: list[str], warnings: list[str] | None = None) -> None:
        """Record a finished build attempt and tell every page."""
        with self._cond:
            self.version += 1
            self.ok, self.messages = ok, capped(messages)
            if warnings is not None:
                self.warnings = capped(warnings)
            self._cond.notify_all()
            name = "reload" if ok else "error"
            self._broadcast(sse_event(name, self._payload(self.messages)))

    def set_warnings(self, warnings: list[str]) -> None:
        """The warnings of the last good build, once known; every page is told."""
        with self._cond:
            self.warnings = capped(warnings)
            self.checked += 1
            self._cond.notify_all()
            self._broadcast(sse_event("warnings", self._payload(self.warnings)))

    def wait_for_checked(self, checked: int, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self.checked >= checked, timeout)

    def notify(self, event: str, payload: dict[str, Any]) -> None:
        """Send any named event to every page (`pdf` ones are also remembered)."""
        with self._cond:
            payload = {"version": self.version, **payload}
            if event == "pdf":
                self.pdf = payload
            self._broadcast(sse_event(event, payload))

    def status(self) -> dict[str, Any]:
        with self._cond:
            return {"version": self.version, "ok": self.ok, "messages": list(self.messages),
                    "warnings": list(self.warnings), "pdf": dict(self.pdf)}

    def wait_for_version(self, version: int, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self.version >= version, timeout)

    def connect(self) -> queue.Queue[bytes | None]:
        """A new page: its queue starts with the current state."""
        q: queue.Queue[bytes | None] = queue.Queue(CLIENT_QUEUE)
        with self._cond:
            if self.ok:
                q.put_nowait(sse_event("ok", self._payload([])))
            else:
                q.put_nowait(sse_event("error", self._payload(self.messages)))
            q.put_nowait(sse_event("warnings", self._payload(self.warnings)))
            if self.pdf.get("state") in ("rendering", "failed"):
                q.put_nowait(sse_event("pdf", self.pdf))
            self._clients.add(q)
        return q

    def connected(self, q: queue.Queue[bytes | None]) -> bool:
        with self._cond:
            return q in self._clients

    def disconnect(self, q: queue.Queue[bytes | None]) -> None:
        with self._cond:
            self._clients.discard(q)

    @property
    def clients(self) -> int:
        with self._cond:
            return len(self._clients)

    def close(self) -> None:
        """End every event stream (the server is stopping)."""
        with self._cond:
            for q in self._clients:
                with suppress(queue.Full):
                    q.put_nowait(None)
            self._clients.clear()

    def _payload(self, messages: list[str]) -> dict[str, Any]:
        return {"version": self.version, "messages": list(messages)}

    def _broadcast(self, data: bytes) -> None:
        for q in list(self._clients):
            try:
                q.put_nowait(data)
            except queue.Full:  # a page that stopped reading: drop it, it will reconnect
                self._clients.discard(q)


# --- HTTP -----------------------------------------------------------------------------------

def url_parts(url_path: str) -> list[str] | None:
    """The decoded segments of a URL path, or None for anything that tries to leave the
    output folder or is not a plain path (.., backslashes, NUL, bad UTF-8)."""
    if not url_path.startswith("/"):
        return None
    try:
        text = unquote_to_bytes(url_path).decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\x00" in text or "\\" in text:
        return None
    parts = [p for p in text.split("/") if p]
    if any(p in (".", "..") for p in parts):
        return None
    return parts


def inside(out: Path, parts: list[str]) -> Path | None:
    """The real path `parts` name under `out`, if it is inside `out` after following
    symlinks; None otherwise."""
    base = os.path.realpath(out)
    real = os.path.realpath(os.path.join(base, *parts))
    if real != base and not real.startswith(base.rstrip(os.sep) + os.sep):
        return None
    return Path(real)


def inject_live_script(html: bytes) -> bytes:
    """Add the live-reload script before the last </body> (or at the end)."""
    at = html.lower().rfind(b"</body>")
    if at < 0:
        return html + SCRIPT_TAG
    return html[:at] + SCRIPT_TAG + html[at:]


def content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    return (CONTENT_TYPES.get(suffix) or mimetypes.guess_type(path.name)[0]
            or "application/octet-stream")


def live_js() -> bytes:
    return resources.files("bantin").joinpath("live.js").read_bytes()


def not_found_page(url_path: str) -> bytes:
    return (
        '<!doctype html>\n<html lang="vi"><head><meta charset="utf-8">'
        "<title>Không có trang này</title></head><body>"
        "<h1>Không có trang này</h1>"
        f"<p>Bản dựng hiện tại không có <code>{escape(url_path)}</code>.</p>"
        '<p><a href="/">Về trang chủ</a></p></body></html>\n').encode()


class PreviewHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], out: Path, live: LiveState) -> None:
        self.out = out
        self.live = live
        super().__init__(address, PreviewHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return  # the browser went away (page reloaded or closed)
        super().handle_error(request, client_address)


class PreviewHTTPServer6(PreviewHTTPServer):
    address_family = socket.AF_INET6


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewHTTPServer
    server_version = "bantin"
    sys_version = ""
    timeout = 60  # an idle or stuck connection does not keep its thread forever

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per request would drown the build messages

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def _respond(self, head: bool) -> None:
        path, _, query = self.path.partition("?")
        path = path.partition("#")[0]
        if path == LIVE_PATH + "events":
            self._events(head)
        elif path == LIVE_PATH + "live.js":
            self._send(200, CONTENT_TYPES[".js"], live_js(), head)
        elif path == LIVE_PATH + "status":
            body = json.dumps(self.server.live.status(), ensure_ascii=False).encode()
            self._send(200, CONTENT_TYPES[".json"], body, head)
        else:
            self._file(path, query, head)

    def _file(self, path: str, query: str, head: bool) -> None:
        out = self.server.out
        parts = url_parts(path)
        target = inside(out, parts) if parts is not None else None
        if parts is not None and target is not None and target.is_dir():
            if not path.endswith("/"):
                location = "/" + "".join(quote(p) + "/" for p in parts)
                self._redirect(location + (f"?{query}" if query else ""), head)
                return
            target = inside(out, [*parts, "index.html"])
        if target is None or not target.is_file() or not self._send_file(target, head):
            self._not_found(path, head)

    def _send_file(self, path: Path, head: bool) -> bool:
        kind = content_type(path)
        try:
            f = path.open("rb")
        except OSError:
            return False
        with f:
            if kind.startswith("text/html"):
                self._send(200, kind, inject_live_script(f.read()), head)
                return True
            self._headers(200, kind, os.fstat(f.fileno()).st_size)
            if not head:
                shutil.copyfileobj(f, self.wfile, 64 * 1024)
        return True

    def _not_found(self, path: str, head: bool) -> None:
        page = inside(self.server.out, ["404.html"])
        body = None
        if page is not None and page.is_file():
            with suppress(OSError):
                body = page.read_bytes()
        self._send(404, HTML_TYPE, inject_live_script(body or not_found_page(path)), head)

    def _redirect(self, location: str, head: bool) -> None:
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def _headers(self, status: int, kind: str, length: int) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()

    def _send(self, status: int, kind: str, body: bytes, head: bool) -> None:
        self._headers(status, kind, len(body))
        if not head:
            self.wfile.write(body)

    def _events(self, head: bool) -> None:
        """A Server-Sent Events stream: the current state, then every event, until the page
        goes away or the server stops."""
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if head:
            return
        live = self.server.live
        q = live.connect()
        try:
            self.wfile.write(b"retry: 1000\n\n")  # reconnect quickly after a restart
            while True:
                try:
                    item = q.get(timeout=KEEPALIVE)
                except queue.Empty:
                    item = b": keep-alive\n\n"
                if item is None or not live.connected(q):
                    break
                self.wfile.write(item)
        except (ConnectionError, TimeoutError):
            pass  # the page was closed or reloaded
        finally:
            live.disconnect(q)


# --- tying it together ----------------------------------------------------------------------

def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def error_lines(exc: Exception) -> list[str]:
    """A failed build as the lines an editor reads (Vietnamese, `file:line:` first)."""
    if isinstance(exc, ContentError):
        return [d.format() for d in exc.diagnostics]
    if isinstance(exc, BantinError):
        return [str(exc)]
    if isinstance(exc, jinja2.TemplateError):
        return [f"{template_error_message(exc)} — sửa mẫu trang trong layouts/ hoặc xóa tệp đó để "
                "dùng mẫu mặc định"]
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        return [f"không đọc/ghi được{where} ({exc.strerror or exc}) — kiểm tra quyền và dung "
                "lượng ổ đĩa"]
    return [f"lỗi ngoài dự kiến của bantin ({type(exc).__name__}: {exc}) — chạy lại với biến "
            "môi trường BANTIN_DEBUG=1 để xem chi tiết và gửi kèm khi báo lỗi"]


def warning_lines(result: BuildResult) -> list[str]:
    lines = [d.format() for d in result.warnings]
    if result.dedup is not None:
        lines += [format_finding(f) for f in result.dedup.findings]
    return lines


def seconds_text(seconds: float) -> str:
    return f"{seconds:.2f}".replace(".", ",")


def written_text(result: BuildResult) -> str:
    """": 3 trang" from the result's `written` (a count or the list of files written), if
    the builder reports it."""
    written = getattr(result, "written", None)
    if isinstance(written, int) and not isinstance(written, bool):
        return f": {format_count(written)} trang"
    if not isinstance(written, list | tuple):
        return ""
    pages = sum(str(p).endswith(".html") for p in written)
    others = len(written) - pages
    if not written:
        return ": không trang nào thay đổi"
    return f": {format_count(pages)} trang" + (
        f" và {format_count(others)} tệp khác" if others else "")


def changes_text(changes: tuple[str, ...], more: bool) -> str:
    if len(changes) == 1 and not more:
        return f" — {changes[0]}"
    if changes:
        return f" — {'hơn ' if more else ''}{format_count(len(changes))} tệp thay đổi"
    return ""


class Server:
    """The live preview of one site: builds, watches the sources, rebuilds each batch of
    changes on one thread, serves the output folder on `host:port` (port 0: any free port)
    and reloads open pages after each good build. A failed build is shown (in the terminal
    and in the pages), never raised: the last good output stays served."""

    def __init__(self, root: Path, out: Path, *, host: str = "127.0.0.1", port: int = 8000,
                 poll: bool = False, say: Say = print_to_stderr,
                 on_built: Callable[[BuildResult], None] | None = None,
                 drafts: bool = False, pdf: bool = False) -> None:
        """`pdf`: the PDF of the issue being edited follows the edits (serve_pdf)."""
        self.root = root.resolve()
        self.out = out.resolve()
        self.host = host
        self.port = port
        self.say = say
        self.on_built = on_built
        self.live = LiveState()
        self.last_changes: tuple[str, ...] = ()  # the paths that started the last rebuild
        self._loud = False  # the builder's own progress lines: first build only
        self._builder = Builder(BuildOptions(root=self.root, out=self.out, drafts=drafts,
                                             pdf=pdf, workers=1), say=self._builder_say,
                                record=False, pdf_later=True, save_later=True)
        self._lock = threading.Lock()  # a build, or a PDF put in place: one at a time
        self.pdfs = PdfFollower(self._builder, self._lock, self.live.notify, say) if pdf \
            else None
        self.watcher = Watcher(self.root, self.out, self._changed, poll=poll, say=say)
        self.rebuilder = Rebuilder(self._rebuild, idle_job=self._check_repeats)
        self._unchecked: BuildResult | None = None  # the last good build, until checked
        self._httpd: PreviewHTTPServer | None = None
        self._http_thread: threading.Thread | None = None
        self._stopped = threading.Event()
        self._builds = 0
        self._unflushed = 0  # builds since the cache was last written

    # public API

    @property
    def version(self) -> int:
        return self.live.version

    @property
    def url(self) -> str:
        port = self._httpd.server_address[1] if self._httpd else self.port
        host = self.host
        if host in ("", "0.0.0.0"):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}/"

    def start(self) -> None:
        """Bind the port, serve, build once (errors shown, not raised) and start watching.
        Raises UsageError when the port is busy or the output folder is not bantin's."""
        check_output_dir(self.out, self.root)
        self._httpd = self._bind()
        try:
            if not is_loopback(self.host):
                self.say(f"Chú ý: bản xem trước mở trên {self.host}, các máy khác trong mạng "
                         "cũng xem được (cả bài chưa duyệt) — chỉ dùng trong mạng tin cậy.")
            self._http_thread = threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": 0.2},
                name="bantin-http", daemon=True)
            self._http_thread.start()
            self.watcher.start()  # before the first build: edits made during it are not lost
            self._build(first=True)
            self.rebuilder.start()
            if self.pdfs is not None:
                self.pdfs.start()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        self._stopped.set()
        self.watcher.stop()
        self.rebuilder.stop()  # lets a running build finish: the output stays whole
        self._flush()
        if self.pdfs is not None:
            self.pdfs.stop()
        self.live.close()
        if self._httpd is not None:
            if self._http_thread is not None and self._http_thread.is_alive():
                self._httpd.shutdown()
            self._httpd.server_close()

    def wait_for_version(self, version: int, timeout: float) -> bool:
        return self.live.wait_for_version(version, timeout)

    def status(self) -> dict[str, Any]:
        return self.live.status()

    def notify(self, event: str, payload: dict[str, Any]) -> None:
        """Broadcast a named event to the open pages, e.g. `pdf` with {"state":
        "rendering"|"ready"|"failed", "issue": "Số 18 (…)", "url": "2026/18/….pdf",
        "message": "…"}."""
        self.live.notify(event, payload)

    def wait(self) -> None:
        """Block until `stop` (Ctrl+C interrupts the wait)."""
        while not self._stopped.wait(0.5):
            pass

    # inside

    def _bind(self) -> PreviewHTTPServer:
        cls = PreviewHTTPServer6 if ":" in self.host else PreviewHTTPServer
        try:
            return cls((self.host, self.port), self.out, self.live)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(
                    f"cổng {self.port} đang được chương trình khác dùng (có thể là một bantin "
                    f"serve khác) — chọn cổng khác, ví dụ --port {self.port + 1}") from None
            if exc.errno == errno.EACCES:
                raise UsageError(f"không được mở cổng {self.port} (cổng dưới 1024 cần quyền "
                                 "quản trị) — chọn cổng khác, ví dụ --port 8000") from None
            if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
                raise UsageError(f"không mở được địa chỉ {self.host} trên máy này — kiểm tra "
                                 "--host, ví dụ --host 127.0.0.1") from None
            raise

    def _builder_say(self, line: str) -> None:
        if self._loud:
            self.say(line)

    def _changed(self, paths: list[str]) -> None:
        if not self._stopped.is_set():
            self.rebuilder.request(paths)

    def _rebuild(self, changes: tuple[str, ...], more: bool) -> None:
        self.watcher.resync()  # a source folder may have been created or replaced
        self.last_changes = changes
        # Told what changed, a rebuild reads only those files and trusts what it made
        # itself; every FULL_SCAN_EVERY builds one looks at everything again, in case the
        # system dropped an event or a file of the output was touched by hand.
        full = more or (self._builds + 1) % FULL_SCAN_EVERY == 0
        self._build(first=False, changes=changes_text(changes, more),
                    changed=[self.root / c for c in changes], watched=not full)

    def _build(self, first: bool, changes: str = "", changed: list[Path] | None = None,
               watched: bool = False) -> None:
        self._loud = first
        try:
            # Pages first: the repeat check across articles and issues (warnings only) runs
            # once the open pages have been told to reload.
            with self._lock:
                result = self._builder.build(changed or (), repeats=False, watched=watched)
        except Exception as exc:  # every failure is shown; the server keeps going
            if os.environ.get("BANTIN_DEBUG"):
                traceback.print_exc()
            self._failed(error_lines(exc), first, changes)
            self._tidy()
            return
        finally:
            self._loud = False
        self._succeeded(result, first, changes)
        self._tidy()

    def _succeeded(self, result: BuildResult, first: bool, changes: str) -> None:
        pages = written_text(result)
        verb = "Đã dựng" if first else "Đã dựng lại"
        if self.on_built is not None:
            try:
                self.on_built(result)
            except Exception:
                traceback.print_exc()
        self.say(f"{verb} trong {seconds_text(result.seconds)} giây{pages}{changes}")
        self.live.finished(True, [], None)
        if self.pdfs is not None:  # first build: the newest issue's, if it is not made yet
            self.pdfs.offer(chosen(result.pending_pdfs, () if first else self.last_changes))
        # The repeat check across articles and issues (warnings only) waits for the edits to
        # pause: a burst of saves is not held back by it.
        self._unchecked = result
        self._unflushed += 1
        if first:
            self._check_repeats()
        else:
            if self._unflushed >= FLUSH_EVERY:  # saves that never pause still reach the disk
                self._flush()
            self.rebuilder.idle_soon()

    def _check_repeats(self) -> None:
        result, self._unchecked = self._unchecked, None
        if result is None:
            return
        try:
            with self._lock:
                result.dedup = self._builder.check_repeats(result.site)
        except Exception as exc:  # a fault in the check must not stop the preview
            result.dedup = None
            self.say(f"Chưa kiểm tra được đoạn lặp: {exc}")
        self._flush()
        warnings = warning_lines(result)
        self.live.set_warnings(warnings)
        if warnings:
            self.say(f"  … {len(warnings)} cảnh báo (xem trong trang)")

    def _flush(self) -> None:
        """The cache on disk catches up with the builds (they leave it for a pause)."""
        self._unflushed = 0
        try:
            with self._lock:
                self._builder.flush()
        except Exception as exc:  # a cache that cannot be written only slows the next start
            self.say(f"Chưa ghi được bộ nhớ đệm: {exc}")

    def _tidy(self) -> None:
        """A build runs with the cyclic collector paused (workers.collector_paused), so
        its cycles are taken back right after it, once the pages were told to reload: the
        young ones only (~3 ms; what the build made and dropped). Every FULL_COLLECT_EVERY
        builds (and after the first), a full collection, and what is then alive is set
        aside from later ones (gc.freeze), and the memory freed is handed back to the
        system: memory stays flat however long serve runs."""
        self._builds += 1
        if self._builds == 1 or self._builds % FULL_COLLECT_EVERY == 0:
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            release_freed_memory()
        else:
            gc.collect(1)

    def _failed(self, lines: list[str], first: bool, changes: str) -> None:
        verb = "Chưa dựng được" if first else "Chưa dựng lại được"
        self.say(f"{verb}{changes}; trang xem trước vẫn hiện bản dựng gần nhất:")
        for line in capped(lines):
            self.say(f"  {line}")
        self.live.finished(False, lines)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError, TypeError):  # not glibc (macOS, musl, Windows)
        return None


def release_freed_memory() -> None:
    """Hand the pages the C heap holds free back to the system (glibc's malloc_trim): the
    bodies and pages a build frees are scattered among live objects, and without this
    serve's memory crept up by a tenth over 500 edits (under 1 ms; nothing where not glibc)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def serve(root: Path, out: Path, host: str = "127.0.0.1", port: int = 8000,
          poll: bool = False, say: Say = print_to_stderr, *,
          on_built: Callable[[BuildResult], None] | None = None, drafts: bool = False,
          pdf: bool = True) -> int:
    """`bantin serve`: preview until Ctrl+C. Raises UsageError (port busy, bad output
    folder)."""
    server = Server(root, out, host=host, port=port, poll=poll, say=say, on_built=on_built,
                    drafts=drafts, pdf=pdf)
    try:
        server.start()
        say(f"Đang xem trước tại {server.url} — lưu bài là trang tự tải lại; "
            "Ctrl+C để dừng.")
        server.wait()
    except KeyboardInterrupt:
        say("Đang dừng bản xem trước…")
    finally:
        server.stop()
    say("Đã dừng xem trước.")
    return 0
