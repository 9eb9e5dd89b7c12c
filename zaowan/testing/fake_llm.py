"""A scripted model server on 127.0.0.1 for tests and benchmarks.

It speaks three wire formats on one port:

    POST /v1/chat/completions                    OpenAI chat-completions (and every compatible API)
    POST /v1/messages                            Anthropic messages
    POST /v1beta/models/<model>:generateContent  Gemini generateContent
    GET  /v1/models, /v1beta/models              model lists (for `zaowan doctor`)

Each model has a queue of `Step`s; a request pops the next step for its model and the server
renders it in the caller's wire format. An empty queue falls back to `default` (a fixed
answer, or a function of the request). Steps cover the faults the router must survive:
status codes with Retry-After, a hang, a slow trickle, finish_reason=length, invalid JSON,
refusals, empty answers, unknown models, context overflows, and an error that echoes the
caller's key back (to prove the router scrubs it).

    with FakeLLM(keys={"sk-test-123"}) as fake:
        fake.script("deepseek-chat", status(503), ok('{"title": "..."}'))
        ... point a provider row's base_url at fake.openai_url ...
"""
from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Step:
    """One scripted answer. `kind`: answer | error | hang | echo_key."""

    kind: str = "answer"
    text: str = ""
    finish: str = "stop"  # stop | length | refusal
    status: int = 200
    error_type: str = "server_error"
    message: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # hang length, or how long a slow answer takes to trickle out
    chunks: int = 1
    raw_body: str | None = None  # sent verbatim (e.g. a non-JSON 200)
    tokens: tuple[int, int] | None = None


def ok(text: str, tokens: tuple[int, int] | None = None) -> Step:
    return Step(text=text, tokens=tokens)


def length(text: str = '{"title": "一条被截断的') -> Step:
    """finish_reason=length with a cut-off answer."""
    return Step(text=text, finish="length")


def refusal(text: str = "I'm sorry, but I can't help with that.") -> Step:
    return Step(text=text, finish="refusal")


def textual_refusal(text: str = "抱歉，我无法协助完成这个请求。") -> Step:
    """A refusal written as an ordinary answer (no refusal flag)."""
    return Step(text=text)


def empty() -> Step:
    return Step(text="")


def invalid_json(text: str = '{"title": "缺了右括号"') -> Step:
    return Step(text=text)


def status(code: int, message: str = "", retry_after: str | None = None, error_type: str = "") -> Step:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return Step(kind="error", status=code, message=message or f"scripted {code}", headers=headers,
                error_type=error_type or ("rate_limit_error" if code == 429 else "server_error"))


def wrong_model() -> Step:
    return Step(kind="error", status=404, error_type="model_not_found", message="the model {model} does not exist")


def context_overflow() -> Step:
    return Step(kind="error", status=400, error_type="context_length_exceeded",
                message="This model's maximum context length is 4096 tokens; your prompt is longer.")


def not_json() -> Step:
    return Step(raw_body="<html><body>502 Bad Gateway (but sent as 200)</body></html>")


def hang(seconds: float = 30.0) -> Step:
    """Accept the request and say nothing for `seconds`."""
    return Step(kind="hang", delay_s=seconds)


def slow(text: str, seconds: float, chunks: int = 20) -> Step:
    """A valid answer whose bytes trickle out over `seconds` (keeps a per-read timeout happy)."""
    return Step(text=text, delay_s=seconds, chunks=chunks)


def echo_key(code: int = 401) -> Step:
    """An auth error whose body quotes the caller's credentials, as careless gateways do."""
    return Step(kind="echo_key", status=code, error_type="invalid_api_key")


@dataclass
class Seen:
    """A request as the server received it."""

    wire: str
    model: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class FakeLLM:
    """The server. Use as a context manager, or start()/stop()."""

    def __init__(self, *, latency_s: float = 0.0, keys: Iterable[str] = (),
                 default: Step | Callable[[Seen], Step] | None = None, models: Iterable[str] | None = None):
        self.latency_s = latency_s
        self.keys = set(keys)  # when set, requests must carry one of these keys
        self.default = default
        self.models = set(models) if models is not None else None  # None: every model exists
        self.seen: list[Seen] = []
        self._queues: dict[str, deque[Step]] = defaultdict(deque)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    # -- scripting ---------------------------------------------------------------------------
    def script(self, model: str, *steps: Step) -> "FakeLLM":
        with self._lock:
            self._queues[model].extend(steps)
        return self

    def next_step(self, seen: Seen) -> Step:
        with self._lock:
            self.seen.append(seen)
            queue = self._queues.get(seen.model)
            if queue:
                return queue.popleft()
        if self.models is not None and seen.model not in self.models:
            return wrong_model()
        if callable(self.default):
            return self.default(seen)
        return self.default or ok(f"来自 {seen.model} 的回答。")

    def calls(self, model: str | None = None) -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if model is None or s.model == model]

    # -- lifecycle --------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None, "FakeLLM not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def openai_url(self) -> str:
        return self.url + "/v1"

    @property
    def anthropic_url(self) -> str:
        return self.url + "/v1"

    @property
    def gemini_url(self) -> str:
        return self.url + "/v1beta"

    def start(self) -> "FakeLLM":
        fake = self

        class Handler(_Handler):
            server_ref = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases hung handlers
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeLLM":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real APIs do
    # Headers and body leave in one write; otherwise Nagle plus delayed ACKs add ~40 ms a call.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True
    server_ref: FakeLLM

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        fake = self.server_ref
        if not self._authorised():
            return self._send_json(401, {"error": {"message": "missing or wrong key"}})
        names = sorted(fake.models or {"any"})
        if self.path.rstrip("/").endswith("/v1beta/models"):
            return self._send_json(200, {"models": [{"name": f"models/{n}"} for n in names]})
        if self.path.rstrip("/").endswith("/models"):
            return self._send_json(200, {"object": "list", "data": [{"id": n, "object": "model"} for n in names]})
        self._send_json(404, {"error": {"message": f"no route {self.path}"}})

    def do_POST(self) -> None:
        fake = self.server_ref
        size = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(size) or b"{}")
        except json.JSONDecodeError:
            return self._send_json(400, {"error": {"message": "request body is not JSON"}})
        wire, model = _route(self.path, body)
        if wire is None:
            return self._send_json(404, {"error": {"message": f"no route {self.path}"}})
        seen = Seen(wire, model, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        step = fake.next_step(seen)
        if fake.latency_s:
            time.sleep(fake.latency_s)
        if step.kind != "echo_key" and not self._authorised():
            return self._send_json(401, _error(wire, 401, "authentication_error", "missing or wrong key"))
        if step.kind == "hang":
            fake._stopping.wait(step.delay_s)
            return self._send_json(504, _error(wire, 504, "timeout", "hung request released"))
        if step.kind == "echo_key":
            creds = {k: v for k, v in seen.headers.items() if k in ("authorization", "x-api-key", "x-goog-api-key")}
            return self._send_json(step.status, _error(wire, step.status, step.error_type,
                                                       f"invalid credentials {json.dumps(creds)}"))
        if step.kind == "error":
            return self._send_json(step.status, _error(wire, step.status, step.error_type,
                                                       step.message.replace("{model}", model)), step.headers)
        if step.raw_body is not None:
            return self._send_bytes(200, step.raw_body.encode(), "text/html")
        payload = json.dumps(_answer(wire, model, step, body), ensure_ascii=False).encode()
        self._send_bytes(200, payload, "application/json", step.headers, step.delay_s, step.chunks)

    def _authorised(self) -> bool:
        keys = self.server_ref.keys
        if not keys:
            return True
        given = {self.headers.get("x-api-key"), self.headers.get("x-goog-api-key"),
                 (self.headers.get("authorization") or "").removeprefix("Bearer ")}
        return bool(keys & given)

    def _send_json(self, code: int, doc: dict, headers: dict[str, str] | None = None) -> None:
        self._send_bytes(code, json.dumps(doc, ensure_ascii=False).encode(), "application/json", headers)

    def _send_bytes(self, code: int, data: bytes, ctype: str, headers: dict[str, str] | None = None,
                    trickle_s: float = 0.0, chunks: int = 1) -> None:
        try:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if trickle_s <= 0 or chunks <= 1:
                self.wfile.write(data)
                return
            step = max(1, len(data) // chunks)
            for i in range(0, len(data), step):
                self.wfile.write(data[i:i + step])
                self.wfile.flush()
                if self.server_ref._stopping.wait(trickle_s / chunks):
                    return
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (as a router with a deadline should)


def _route(path: str, body: dict) -> tuple[str | None, str]:
    if path.endswith("/chat/completions"):
        return "openai", str(body.get("model", ""))
    if path.endswith("/messages"):
        return "anthropic", str(body.get("model", ""))
    if path.endswith(":generateContent") and "/models/" in path:
        return "gemini", path.rsplit("/models/", 1)[1].removesuffix(":generateContent")
    return None, ""


def _usage(step: Step, body: dict) -> tuple[int, int]:
    if step.tokens:
        return step.tokens
    return max(1, len(json.dumps(body, ensure_ascii=False)) // 4), max(1, len(step.text) // 2)


def _answer(wire: str, model: str, step: Step, body: dict) -> dict[str, Any]:
    t_in, t_out = _usage(step, body)
    if wire == "anthropic":
        stop = {"stop": "end_turn", "length": "max_tokens", "refusal": "refusal"}[step.finish]
        return {"id": "msg_fake", "type": "message", "role": "assistant", "model": model,
                "content": [{"type": "text", "text": step.text}] if step.text else [],
                "stop_reason": stop, "usage": {"input_tokens": t_in, "output_tokens": t_out}}
    if wire == "gemini":
        reason = {"stop": "STOP", "length": "MAX_TOKENS", "refusal": "SAFETY"}[step.finish]
        parts = [{"text": step.text}] if step.text and step.finish != "refusal" else []
        return {"candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": reason}],
                "usageMetadata": {"promptTokenCount": t_in, "candidatesTokenCount": t_out,
                                  "totalTokenCount": t_in + t_out}}
    msg: dict[str, Any] = {"role": "assistant", "content": step.text, "refusal": None}
    if step.finish == "refusal":
        msg = {"role": "assistant", "content": None, "refusal": step.text}
    return {"id": "chatcmpl-fake", "object": "chat.completion", "model": model,
            "choices": [{"index": 0, "message": msg,
                         "finish_reason": "length" if step.finish == "length" else "stop"}],
            "usage": {"prompt_tokens": t_in, "completion_tokens": t_out, "total_tokens": t_in + t_out}}


def _error(wire: str, code: int, kind: str, message: str) -> dict[str, Any]:
    if wire == "anthropic":
        return {"type": "error", "error": {"type": kind, "message": message}}
    if wire == "gemini":
        return {"error": {"code": code, "message": message, "status": kind.upper()}}
    return {"error": {"message": message, "type": kind, "code": kind}}
