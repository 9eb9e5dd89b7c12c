"""A real HTTP server on 127.0.0.1 that answers from a table of routes (tests only)."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # sleep before answering (timeouts, concurrency)
    trickle_s: float = 0.0  # sleep between 1 KiB chunks of the body
    etag: str = ""  # answer 304 when If-None-Match matches
    sequence: list["Route"] = field(default_factory=list)  # successive answers (429 then 200)


class LoopbackServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            wbufsize = 1 << 16  # one write per response: no Nagle/delayed-ACK stall on keep-alive

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                outer._serve(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> "LoopbackServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?", 1)[0]
        with self._lock:
            n = self.hits.get(path, 0)
            self.hits[path] = n + 1
            self.requests.append((h.path, {k.lower(): v for k, v in h.headers.items()}))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            route = self.routes.get(path)
            if route is None:
                route = Route(status=404, body=b"not here")
            if route.sequence:
                route = route.sequence[min(n, len(route.sequence) - 1)]
            self._answer(h, route)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with self._lock:
                self.in_flight -= 1

    def _answer(self, h: BaseHTTPRequestHandler, route: Route) -> None:
        if route.delay_s:
            time.sleep(route.delay_s)
        if route.etag and h.headers.get("If-None-Match") == route.etag:
            h.send_response(304)
            h.send_header("ETag", route.etag)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        h.send_response(route.status)
        headers = {"Content-Type": "text/plain", **route.headers}
        if route.etag:
            headers["ETag"] = route.etag
        chunked = route.trickle_s > 0 or headers.pop("X-Chunked", None)
        if chunked:
            headers["Transfer-Encoding"] = "chunked"
        else:
            headers.setdefault("Content-Length", str(len(route.body)))
        for k, v in headers.items():
            h.send_header(k, v)
        h.end_headers()
        if not chunked:
            h.wfile.write(route.body)
            return
        for i in range(0, len(route.body), 1024):
            piece = route.body[i:i + 1024]
            h.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            h.wfile.flush()
            if route.trickle_s:
                time.sleep(route.trickle_s)
        h.wfile.write(b"0\r\n\r\n")
