"""HTTP at the edge: one POST helper that turns every transport and status failure into a CallError.

This is the only module that talks httpx; wire modules stay pure (build a request, parse a reply).
Errors are classified here once, so the policy in the router reads codes, not exceptions:

    408 409 425 429 5xx, timeouts, connection errors  → retryable (Retry-After kept)
    400/413/422 that say the prompt is too long        → context_length (try a longer-context model)
    other 4xx (401 403 404 422 ...)                    → not retryable, next model
"""
from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from types import ModuleType
from typing import Any

import httpx

from .base import CallError, Reply, WireCall
from .config import ProviderRow

RETRYABLE_STATUS = {408, 409, 425, 429}
_CONTEXT_MARKERS = ("context_length", "context length", "maximum context", "prompt is too long",
                    "input is too long", "too many tokens", "exceeds the maximum", "上下文长度", "超出最大")


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


def status_error(status: int, body: str, retry_after: str | None, scrub: Callable[[str], str]) -> CallError:
    """Classify a non-2xx answer. The body excerpt is scrubbed: some APIs echo part of the key."""
    excerpt = scrub(body[:500])
    lowered = body.lower()
    if status in (400, 413, 422) and any(m in lowered for m in _CONTEXT_MARKERS):
        return CallError(f"HTTP {status}: prompt longer than the model's context: {excerpt}", "context_length",
                         status=status, body=excerpt, context_length=True)
    retryable = status in RETRYABLE_STATUS or status >= 500
    reason = f"http_{status}"
    if status == 404 and "model" in lowered:
        reason = "http_404:model_not_found"
    err = CallError(f"HTTP {status}: {excerpt}", reason, retryable=retryable, status=status,
                    retry_after=parse_retry_after(retry_after), body=excerpt)
    return err


async def post_json(client: httpx.AsyncClient, url: str, headers: dict[str, str], body: dict,
                    timeout_s: float, scrub: Callable[[str], str]) -> dict[str, Any]:
    """POST JSON and return the decoded answer, within `timeout_s` for the whole exchange.

    httpx's read timeout restarts on every chunk, so a server that trickles bytes forever
    would never time out; the outer asyncio deadline bounds the attempt as a whole.
    """
    try:
        async with asyncio.timeout(timeout_s):
            resp = await client.post(url, headers=headers, json=body)
            text = resp.text
    except TimeoutError as exc:
        raise CallError(f"no complete answer within {timeout_s:g}s", "timeout", retryable=True) from exc
    except httpx.TimeoutException as exc:
        raise CallError(f"timed out: {type(exc).__name__}", "timeout", retryable=True) from exc
    except httpx.TransportError as exc:
        raise CallError(f"connection failed: {type(exc).__name__}: {scrub(str(exc))}", "connect_error",
                        retryable=True) from exc
    if resp.status_code >= 300:
        raise status_error(resp.status_code, text, resp.headers.get("retry-after"), scrub)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CallError(f"answer is not JSON: {scrub(text[:200])!r}", "bad_response", body=scrub(text[:500])) from exc
    if not isinstance(data, dict):
        raise CallError("answer is not a JSON object", "bad_response", body=scrub(text[:500]))
    return data


class HttpProvider:
    """A provider row bound to its key and a wire module (openai_compat, anthropic or gemini)."""

    def __init__(self, name: str, row: ProviderRow, key: str, wire: ModuleType,
                 client: Callable[[], httpx.AsyncClient], scrub: Callable[[str], str]):
        self.name, self.row, self._key, self.wire = name, row, key, wire
        self._client, self._scrub = client, scrub

    def __repr__(self) -> str:  # never show the key
        return f"HttpProvider({self.name!r}, {self.row.kind}, {self.row.base_url})"

    async def send(self, call: WireCall, timeout_s: float) -> Reply:
        url, headers, body = self.wire.build(call, self.row, self._key)
        data = await post_json(self._client(), url, headers, body, timeout_s, self._scrub)
        return self.wire.parse(data)
