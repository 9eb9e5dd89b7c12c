"""Call log rows and the key scrubber. Nothing with a key in it reaches the store or an error.

Requests are logged as messages and options only (headers never are); any text that could
carry a key, such as an error body that echoes the request, passes through `Scrubber` first.
"""
from __future__ import annotations

import atexit
import hashlib
import json
import queue
import re
import threading
from typing import Any

SECRET_HEADERS = ("authorization", "x-api-key", "x-goog-api-key", "api-key")
_PATTERNS = [
    re.compile(r"(?i)\b(authorization|x-api-key|x-goog-api-key|api[-_]key)(['\"]?\s*[:=]\s*['\"]?)(bearer\s+)?[^\s\"',}]+"),
    re.compile(r"\bsk-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"\bAIza[0-9A-Za-z_\-]{20,}"),
]


class Scrubber:
    """Replaces known key values and key-looking strings with ***."""

    def __init__(self, secrets: list[str] | None = None):
        self._secrets = sorted({s for s in (secrets or []) if len(s) >= 4}, key=len, reverse=True)

    def add(self, secret: str) -> None:
        if len(secret) >= 4 and secret not in self._secrets:
            self._secrets = sorted([*self._secrets, secret], key=len, reverse=True)

    def __call__(self, text: str) -> str:
        if not text:
            return text
        for s in self._secrets:
            text = text.replace(s, "***")
        text = _PATTERNS[0].sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)
        for p in _PATTERNS[1:]:
            text = p.sub("***", text)
        return text


def request_hash(fingerprint: str) -> str:
    return hashlib.sha256(fingerprint.encode("utf-8")).hexdigest()[:24]


def scrub_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: ("***" if k.lower() in SECRET_HEADERS else v) for k, v in headers.items()}


def request_record(messages: list[dict], max_tokens: int, temperature: float, schema: dict | None,
                   scrub: Scrubber) -> str:
    doc: dict[str, Any] = {"messages": messages, "max_tokens": max_tokens, "temperature": temperature}
    if schema is not None:
        doc["json_schema"] = schema
    return scrub(json.dumps(doc, ensure_ascii=False))


class LogWriter:
    """Writes call-log rows on one background thread, in order.

    A durable SQLite commit costs a few milliseconds (an fsync); done on the event loop it would
    stall every call in flight. Rows are queued here instead and `flush()` waits for them; the
    router flushes on `aclose()`, and at interpreter exit as a last resort. A failed write is
    raised from the next `flush()`, never dropped silently.
    """

    def __init__(self, store: Any):
        self.store = store
        self._queue: queue.Queue[dict | None] = queue.Queue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="zaowan-calllog", daemon=True)
        self._thread.start()
        atexit.register(self.flush)

    def put(self, row: dict) -> None:
        self._queue.put(row)

    def _work(self) -> None:
        while True:
            row = self._queue.get()
            try:
                if row is not None and self._error is None:
                    self.store.log_call(row)
            except BaseException as exc:  # kept and re-raised by flush(): the caller decides
                self._error = exc
            finally:
                self._queue.task_done()

    def flush(self) -> None:
        self._queue.join()
        if self._error is not None:
            err, self._error = self._error, None
            raise err
