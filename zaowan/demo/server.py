"""A loopback HTTP server for the bundled demo newsroom.

The demo must exercise the real HTTP path (redirect-free GETs, content types, 404s), so the
newsroom is served by a real server on 127.0.0.1 rather than read from disk. Every response
is the template rendered with the server's `now`, which keeps the demo news "today" forever.

    with DemoServer() as srv:
        cfg = demo_config(srv.base_url, "out")
        ...
"""
from __future__ import annotations

import hashlib
import threading
from datetime import datetime, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import ParseError
from .render import render

SITE_ROOT = Path(__file__).parent / "newsroom" / "site"

CONTENT_TYPES = {
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}


def resolve(root: Path, raw_path: str) -> Path | None:
    """Map a request path to a file under `root`, or None if it is missing or escapes `root`.

    The path is percent-decoded once before checking, so `%2e%2e/` and `..%2f` are caught
    the same way as a literal `../`.
    """
    path = unquote(urlsplit(raw_path).path)
    if "\x00" in path or "\\" in path:
        return None
    parts = [p for p in path.split("/") if p]
    if any(p in (".", "..") for p in parts):
        return None
    root = root.resolve()
    target = root.joinpath(*parts).resolve() if parts else root
    if not target.is_relative_to(root) or not target.is_file():
        return None
    if target.suffix not in CONTENT_TYPES:
        return None
    return target


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    server_version = "zaowan-demo/1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._respond(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(with_body=False)

    def _respond(self, *, with_body: bool) -> None:
        target = resolve(self.server.root, self.path)
        if target is None:
            self._plain(HTTPStatus.NOT_FOUND, "not found\n", with_body)
            return
        try:
            text = render(target.read_text(encoding="utf-8"), now=self.server.now_fn(),
                          base_url=self.server.base_url)
        except ParseError as exc:
            self._plain(HTTPStatus.INTERNAL_SERVER_ERROR, f"{exc}\n", with_body)
            return
        body = text.encode("utf-8")
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", CONTENT_TYPES[target.suffix])
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def _plain(self, status: HTTPStatus, message: str, with_body: bool) -> None:
        body = message.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        # The demo runs inside a CLI command; request logs would drown its output.
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 overflows when the collector opens 8 connections at
    # once on a busy machine; the dropped SYNs then cost a 1 s retransmit each.
    request_queue_size = 128
    root: Path
    base_url: str

    def now_fn(self) -> datetime:  # replaced per instance
        raise NotImplementedError


class DemoServer:
    """Serve the demo newsroom on 127.0.0.1 (random free port) while the `with` block runs.

    `now` pins the moment templates are rendered against (tests use this); by default each
    request renders against the current time.
    """

    def __init__(self, now: datetime | None = None, root: str | Path | None = None):
        if now is not None and now.tzinfo is None:
            now = now.replace(tzinfo=timezone.utc)
        self.now = now
        self.root = Path(root) if root is not None else SITE_ROOT
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    def _current_now(self) -> datetime:
        return self.now if self.now is not None else datetime.now(timezone.utc)

    def __enter__(self) -> "DemoServer":
        httpd = _Server(("127.0.0.1", 0), _Handler)
        httpd.root = self.root
        httpd.now_fn = self._current_now  # type: ignore[method-assign]
        host, port = httpd.server_address[:2]
        self.base_url = httpd.base_url = f"http://{host}:{port}"
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, name="zaowan-demo-server",
                                        kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None
