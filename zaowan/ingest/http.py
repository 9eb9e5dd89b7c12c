"""The guarded HTTP client: the only way the ingest desk touches the network.

What it enforces, and why (feed readers such as Miniflux learned each of these the hard way):
- the SSRF guard (`guard.py`) before every request, on every redirect hop, and on the address
  the socket really connected to;
- connect and total timeouts — a server dribbling one byte a second still ends on time;
- a size cap counted on *decoded* bytes while streaming, and decompression done here in bounded
  steps, so a 10 KiB gzip bomb is stopped at the cap instead of inflating in memory;
- at most `max_redirects` hops, a loop is named as a loop;
- conditional GET (ETag / Last-Modified) and 304;
- a per-host concurrency limit, and `Retry-After` honoured on 429/503 within the time budget.
Every failure is a `SourceError` subclass with a short `reason` code.
"""
from __future__ import annotations

import email.utils
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import httpx

from ..config import NetworkConfig
from ..errors import FetchError
from .guard import Resolver, UrlGuard

MAX_RETRY_WAIT_S = 30.0  # a Retry-After longer than this is reported, not waited for
RETRIES = 2


@dataclass
class Fetched:
    """One finished fetch: the final URL after redirects and the decoded body."""

    url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    redirects: list[str] = field(default_factory=list)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"').lower()
        return None

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


class _Decoder:
    """Bounded gzip/deflate decoding: never produces more than `room` bytes per step."""

    def __init__(self, encoding: str):
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self._z = None
        elif encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._z = zlib.decompressobj()
        else:
            raise FetchError(f"unsupported Content-Encoding {encoding!r}", reason="bad_encoding")

    def feed(self, chunk: bytes, room: int) -> Iterator[bytes]:
        if self._z is None:
            yield chunk
            return
        data = chunk
        try:
            while True:
                out = self._z.decompress(data, max(room, 1) + 1)
                if out:
                    yield out
                data = self._z.unconsumed_tail
                if not data:
                    return
        except zlib.error as exc:
            raise FetchError(f"corrupt compressed body: {exc}", reason="bad_encoding") from exc


class GuardedClient:
    """Thread-safe fetcher shared by all sources in one ingest run."""

    def __init__(self, net: NetworkConfig, *, resolver: Resolver | None = None,
                 transport: httpx.BaseTransport | None = None, sleep: Callable[[float], None] = time.sleep):
        self.net = net
        self.guard = UrlGuard(net.allow_hosts, resolver)
        self._sleep = sleep
        self._host_locks: dict[str, threading.BoundedSemaphore] = {}
        self._locks_guard = threading.Lock()
        timeout = httpx.Timeout(net.timeout_s, connect=net.connect_timeout_s)
        self._client = httpx.Client(
            timeout=timeout, follow_redirects=False, transport=transport, trust_env=False,
            headers={"User-Agent": net.user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> GuardedClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
              accept: str = "*/*") -> Fetched:
        """GET `url` under every rule above; returns the final response (200 or 304)."""
        deadline = time.monotonic() + self.net.timeout_s
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for attempt in range(RETRIES + 1):
            got = self._follow(url, headers, deadline)
            if got.status not in (429, 503):
                return self._check_status(got)
            wait = retry_after_seconds(got.headers.get("retry-after"))
            remaining = deadline - time.monotonic()
            if attempt == RETRIES or wait is None or wait > min(MAX_RETRY_WAIT_S, remaining):
                raise FetchError(f"HTTP {got.status} from {got.url}; Retry-After "
                                 f"{got.headers.get('retry-after', 'absent')!r}; gave up after {attempt + 1} tries",
                                 reason="rate_limited" if got.status == 429 else "http_503")
            self._sleep(wait)
            deadline += wait  # the wait the server asked for is not held against the server's time budget
        raise AssertionError("unreachable")

    def _check_status(self, got: Fetched) -> Fetched:
        if got.status == 304 or 200 <= got.status < 300:
            return got
        raise FetchError(f"HTTP {got.status} from {got.url}", reason=f"http_{got.status}")

    def _follow(self, url: str, headers: dict[str, str], deadline: float) -> Fetched:
        seen: list[str] = []
        current = url
        while True:
            got = self._get_once(current, headers, deadline)
            if got.status not in (301, 302, 303, 307, 308):
                got.redirects = seen
                return got
            location = got.headers.get("location")
            if not location:
                raise FetchError(f"HTTP {got.status} without Location from {current}", reason="bad_redirect")
            seen.append(current)
            nxt = urljoin(current, location.strip())
            if nxt in seen:
                raise FetchError(f"redirect loop: {' -> '.join([*seen, nxt])}", reason="redirect_loop")
            if len(seen) > self.net.max_redirects:
                raise FetchError(f"more than {self.net.max_redirects} redirects from {url}",
                                 reason="too_many_redirects")
            current = nxt

    @contextmanager
    def _host_slot(self, host: str, port: int):
        key = f"{host}:{port}"
        with self._locks_guard:
            sem = self._host_locks.setdefault(key, threading.BoundedSemaphore(max(1, self.net.per_host_concurrency)))
        with sem:
            yield

    def _get_once(self, url: str, headers: dict[str, str], deadline: float) -> Fetched:
        host, port = self.guard.check_url(url)
        with self._host_slot(host, port):
            _check_deadline(deadline, url)
            try:
                with self._client.stream("GET", url, headers=headers) as resp:
                    stream = resp.extensions.get("network_stream")
                    peer = stream.get_extra_info("server_addr") if stream is not None else None
                    self.guard.check_peer(url, host, peer[0] if peer else None)
                    hdrs = {k.lower(): v for k, v in resp.headers.items()}
                    if resp.status_code in (301, 302, 303, 304, 307, 308, 429, 503) or resp.status_code >= 400:
                        return Fetched(url=url, status=resp.status_code, headers=hdrs)
                    body = self._read_capped(resp, hdrs, deadline, url)
                    return Fetched(url=url, status=resp.status_code, headers=hdrs, body=body)
            except httpx.TimeoutException as exc:
                raise FetchError(f"timed out fetching {url}: {type(exc).__name__}", reason="timeout") from exc
            except httpx.TransportError as exc:
                raise FetchError(f"cannot fetch {url}: {type(exc).__name__}: {exc}", reason="connect_failed") from exc

    def _read_capped(self, resp: httpx.Response, hdrs: dict[str, str], deadline: float, url: str) -> bytes:
        cap = self.net.max_bytes
        declared = hdrs.get("content-length", "")
        if declared.isdigit() and int(declared) > cap and "content-encoding" not in hdrs:
            raise FetchError(f"{url} declares {int(declared)} bytes, over the {cap}-byte cap", reason="too_large")
        decoder = _Decoder(hdrs.get("content-encoding", ""))
        parts: list[bytes] = []
        size = 0
        for raw in resp.iter_raw():
            _check_deadline(deadline, url)
            for out in decoder.feed(raw, cap - size):
                size += len(out)
                if size > cap:
                    raise FetchError(f"{url}: body passed the {cap}-byte cap while streaming (aborted)",
                                     reason="too_large")
                parts.append(out)
        return b"".join(parts)


def _check_deadline(deadline: float, url: str) -> None:
    if time.monotonic() > deadline:
        raise FetchError(f"total time budget exhausted fetching {url}", reason="timeout")


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if absent/invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def is_web_url(url: str) -> bool:
    return urlsplit(url).scheme.lower() in ("http", "https")
