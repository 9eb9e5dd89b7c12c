"""The router: one agent request, walked down its role's chain until a model gives a usable answer.

For each chain entry, in order:

1. skip it, recording why, when the provider has no key (`missing_key:<ENV>`), is cooling down
   after repeated failures, cannot hold the prompt after a context-length error, or would
   break the edition's budget;
2. call it within the per-attempt timeout, retrying transient failures (408/409/429/5xx,
   timeouts, connection errors) with jittered backoff or the server's Retry-After;
3. judge the answer: a refusal or an empty answer moves on; `finish_reason=length` climbs a
   bounded ladder of larger max_tokens (truncated JSON is never parsed); output that fails the
   schema is re-asked with the validation error, a bounded number of times;
4. the entry "offline" calls the agent's own model-free implementation.

Every attempt, skipped entries included, is one row in the `calls` table. Identical requests
that succeeded before are served from that table. If every entry fails, ProviderError lists
every reason.
"""
from __future__ import annotations

import asyncio
import functools
import os
import re
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import certifi
import httpx

from ..errors import ConfigError, ProviderError, ZaowanError
from .accounting import Budget, cost, request_fingerprint
from .base import CallError, ChatRequest, ChatResult, InvalidCall, Message, Reply, TruncatedCall, WireCall
from .calllog import LogWriter, Scrubber, request_hash, request_record
from .config import OFFLINE, ModelsConfig
from .policy import Cooldowns, RateLimiter, backoff_delay, next_max_tokens
from .registry import build_provider, missing_key
from .schema import SchemaError, parse_and_validate

if TYPE_CHECKING:
    from ..config import Config
    from ..store.db import Store

_REFUSAL = re.compile(r"^\s*(i'?m sorry|i am sorry|sorry, i|i can(no|')t|i'm unable|i am unable|as an ai"
                      r"|很抱歉|抱歉|对不起|我无法|我不能)", re.I)
_REFUSAL_MAX_CHARS = 200


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # Loading the CA bundle costs ~50 ms; do it once per process, not once per edition/loop.
    return ssl.create_default_context(cafile=certifi.where())


class BudgetExceededError(ProviderError):
    """The edition's budget would be exceeded and the policy says stop."""


def schema_hint(messages: list[Message], schema: dict | None) -> list[Message]:
    """Tell the model the exact shape wanted; providers without a JSON mode rely on this alone."""
    if schema is None:
        return list(messages)
    import json

    hint = ("只输出一个 JSON 值，不要代码块或解释，并且必须符合这个 JSON Schema：\n"
            + json.dumps(schema, ensure_ascii=False, separators=(",", ":")))
    return [*messages, {"role": "system", "content": hint}]


def judge(reply: Reply, schema: dict | None) -> Any:
    """Accept a reply (returning the parsed JSON, or None without a schema) or raise why not."""
    if reply.finish == "refusal":
        raise CallError(f"the model refused: {reply.text[:120]!r}", "refusal")
    if reply.finish == "length":
        raise TruncatedCall("answer cut off at max_tokens", reply)
    text = reply.text.strip()
    if not text:
        raise CallError("the model returned an empty answer", "empty")
    if len(text) <= _REFUSAL_MAX_CHARS and _REFUSAL.match(text):
        raise CallError(f"the model refused: {text[:120]!r}", "refusal")
    if schema is None:
        return None
    try:
        return parse_and_validate(text, schema)
    except SchemaError as exc:
        reason = "invalid_json" if str(exc).startswith("not valid JSON") else "schema_invalid"
        raise InvalidCall(str(exc), reason, reply) from exc


def reask(messages: list[Message], bad: str, error: str) -> list[Message]:
    return [*messages, {"role": "assistant", "content": bad},
            {"role": "user", "content": f"上面的输出没有通过校验：{error}\n请修正后重新输出完整的 JSON，只输出 JSON。"}]


@dataclass
class _Run:
    """Bookkeeping for one ChatRequest across its chain."""

    req: ChatRequest
    messages: list[Message]
    started: float = field(default_factory=time.monotonic)
    attempts: int = 0
    fallbacks: list[str] = field(default_factory=list)
    tokens_in: int = 0
    tokens_out: int = 0
    usd: float = 0.0
    cny: float = 0.0

    def result(self, text: str, parsed: Any, provider: str, model: str, cached: bool = False) -> ChatResult:
        return ChatResult(text=text, parsed=parsed, provider=provider, model=model, tokens_in=self.tokens_in,
                          tokens_out=self.tokens_out, cost_usd=self.usd, cost_cny=self.cny,
                          latency_ms=(time.monotonic() - self.started) * 1000, attempts=self.attempts,
                          fallbacks=list(self.fallbacks), cached=cached)


class Router:
    """Routes ChatRequests for one edition. Create with `Router.from_config`; close with `aclose()`."""

    def __init__(self, cfg: ModelsConfig, store: "Store | None" = None, edition_id: str | None = None,
                 env: Mapping[str, str] | None = None):
        self.cfg, self.store, self.edition_id = cfg, store, edition_id
        self.env = dict(os.environ if env is None else env)
        self.scrub = Scrubber([self.env.get(r.key_env, "") for r in cfg.providers.values() if r.key_env])
        self.cooldowns = Cooldowns(cfg.policy.cooldown_after, cfg.policy.cooldown_s)
        self.budget = Budget(cfg.budget)
        self._providers: dict[str, Any] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: httpx.AsyncClient | None = None
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._limiters: dict[str, RateLimiter] = {}
        self._writer = LogWriter(store) if store is not None else None

    @classmethod
    def from_config(cls, cfg: "Config", store: "Store | None" = None, edition_id: str | None = None,
                    env: Mapping[str, str] | None = None) -> "Router":
        return cls(cfg.models, store, edition_id, env)

    # -- public -------------------------------------------------------------------------------
    async def complete(self, req: ChatRequest) -> ChatResult:
        """Answer `req` from the first chain entry that gives a usable answer."""
        chain = prefer_others(self.chain(req.role), req.avoid_providers, self.cfg.resolve)
        run = _Run(req, schema_hint(req.messages, req.json_schema))
        hit = self._from_cache(run, chain)
        if hit:
            return hit
        min_context, last = 0, ""
        for entry in chain:
            try:
                if entry == OFFLINE:
                    return self._offline(run)
                return await self._entry(run, entry, min_context)
            except CallError as exc:
                run.fallbacks.append(f"{entry}: {exc.reason}")
                last = self.scrub(str(exc))
                if exc.context_length:
                    provider, model = self.cfg.resolve(entry)
                    min_context = self.cfg.providers[provider].models[model].context + 1
        raise ProviderError(f"role {req.role!r}: every model in the chain failed: {'; '.join(run.fallbacks)} "
                            f"(last error: {last[:300]})")

    def chain(self, role: str) -> list[str]:
        try:
            return self.cfg.roles[role]
        except KeyError:
            raise ConfigError(f"no model chain for role {role!r}: add [models.roles] {role} = [...] "
                              f"(known roles: {', '.join(sorted(self.cfg.roles))})") from None

    def report(self) -> dict:
        """Budget, spending and degradations for the run report."""
        return self.budget.report()

    def flush(self) -> None:
        """Wait until every call-log row is in the store (aclose does this too)."""
        if self._writer is not None:
            self._writer.flush()

    async def aclose(self) -> None:
        if self._writer is not None:
            await asyncio.to_thread(self._writer.flush)
        client, self._client = self._client, None
        # A client from an earlier, now closed loop cannot be closed here; its sockets died with it.
        if client is not None and asyncio.get_running_loop() is self._loop:
            await client.aclose()

    async def __aenter__(self) -> "Router":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- one chain entry ---------------------------------------------------------------------
    async def _entry(self, run: _Run, entry: str, min_context: int) -> ChatResult:
        provider, model = self.cfg.resolve(entry)
        row = self.cfg.providers[provider]
        mrow = row.models[model]
        self._precheck(run, provider, model, mrow.context, min_context)
        pol = self.cfg.policy
        msgs, max_tokens = run.messages, min(run.req.max_tokens, mrow.max_output)
        rhash = self._hash(run, provider, model)
        retries = rungs = reasks = 0
        while True:
            left = pol.deadline_s - (time.monotonic() - run.started)
            if left <= 0:
                raise self._skip(run, provider, model, rhash, "deadline", "the request's deadline has passed")
            held = self._reserve(run, entry, msgs, max_tokens, rhash)
            call = WireCall(model, msgs, max_tokens, run.req.temperature, json_mode=run.req.json_schema is not None)
            t0 = time.monotonic()
            try:
                try:
                    reply = await self._send(provider, call, min(pol.timeout_s, left))
                finally:
                    self.budget.release(held)
            except CallError as exc:
                delay = self._after_failure(exc, provider, retries, run)
                self._log(run, provider, model, rhash, msgs, max_tokens, "error", t0=t0, error=exc)
                if delay is None:
                    raise
                retries += 1
                await asyncio.sleep(delay)
                continue
            self.cooldowns.succeeded(provider)
            usd, cny = cost(mrow, reply.tokens_in, reply.tokens_out, self.cfg.budget.cny_per_usd)
            run.tokens_in += reply.tokens_in
            run.tokens_out += reply.tokens_out
            run.usd, run.cny = run.usd + usd, run.cny + cny
            self.budget.charge(usd, cny)
            try:
                parsed = judge(reply, run.req.json_schema)
            except TruncatedCall as exc:
                self._log(run, provider, model, rhash, msgs, max_tokens, "truncated", t0=t0, reply=reply,
                          cost=(usd, cny), error=exc)
                bigger = next_max_tokens(max_tokens, mrow.max_output)
                if rungs >= pol.length_ladder or bigger is None:
                    raise
                rungs, max_tokens = rungs + 1, bigger
                continue
            except InvalidCall as exc:
                self._log(run, provider, model, rhash, msgs, max_tokens, "invalid", t0=t0, reply=reply,
                          cost=(usd, cny), error=exc)
                if reasks >= pol.max_reasks:
                    raise
                reasks += 1
                msgs = reask(msgs, reply.text, str(exc))
                continue
            except CallError as exc:
                self._log(run, provider, model, rhash, msgs, max_tokens, exc.reason, t0=t0, reply=reply,
                          cost=(usd, cny), error=exc)
                raise
            self._log(run, provider, model, rhash, msgs, max_tokens, "ok", t0=t0, reply=reply, cost=(usd, cny))
            return run.result(reply.text, parsed, provider, model)

    def _precheck(self, run: _Run, provider: str, model: str, context: int, min_context: int) -> None:
        """Reasons to skip an entry without calling it."""
        rhash = self._hash(run, provider, model)
        var = missing_key(self.cfg.providers[provider], self.env)
        if var:
            raise self._skip(run, provider, model, rhash, f"missing_key:{var}",
                             f"provider {provider!r} needs an API key: set the environment variable {var}")
        if context < min_context:
            raise self._skip(run, provider, model, rhash, "context_too_small",
                             f"context {context} is not longer than the model that overflowed")
        resting = self.cooldowns.resting(provider)
        if resting > 0:
            raise self._skip(run, provider, model, rhash, f"cooldown:{provider}",
                             f"{provider} is cooling down for {resting:.0f}s after repeated failures")

    def _reserve(self, run: _Run, entry: str, msgs: list[Message], max_tokens: int, rhash: str) -> float:
        """Hold this attempt's worst-case cost, or skip the entry (degrade) / raise (stop)."""
        provider, model = self.cfg.resolve(entry)
        held = self.budget.reserve(self.cfg.providers[provider].models[model], msgs, max_tokens)
        if held is not None:
            return held
        if self.cfg.budget.on_exceed == "stop":
            self._log(run, provider, model, rhash, msgs, max_tokens, "skipped", reason="budget")
            raise BudgetExceededError(f"edition budget {self.cfg.budget.cap:g} {self.cfg.budget.currency} "
                                      f"would be exceeded by {entry}; stopping as configured")
        self.budget.degraded.append(f"{run.req.role}: {entry}")
        raise self._skip(run, provider, model, rhash, "budget", "would exceed the edition budget")

    def _after_failure(self, exc: CallError, provider: str, retries: int, run: _Run) -> float | None:
        """Count a transport/status failure; seconds to wait before retrying, or None to move on."""
        if exc.retryable and self.cooldowns.failed(provider):
            exc.reason += f"+cooldown:{provider}"
            return None
        return self._retry_delay(exc, retries, run)  # may annotate exc.reason

    def _retry_delay(self, exc: CallError, retries: int, run: _Run) -> float | None:
        """Seconds to wait before retrying, or None to move to the next model."""
        pol = self.cfg.policy
        if not exc.retryable or retries >= pol.max_retries:
            return None
        if exc.retry_after is not None and exc.retry_after > pol.retry_after_max_s:
            exc.reason += f":retry_after_{exc.retry_after:g}s"
            return None
        delay = backoff_delay(retries + 1, pol, exc.retry_after)
        if time.monotonic() - run.started + delay >= pol.deadline_s:
            return None
        return delay

    async def _send(self, provider: str, call: WireCall, timeout_s: float) -> Reply:
        self._bind_loop()
        prov = self._providers.get(provider)
        if prov is None:
            prov = build_provider(provider, self.cfg.providers[provider], self.env, self._http, self.scrub)
            self._providers[provider] = prov
        row = self.cfg.providers[provider]
        slots = self._slots.setdefault(provider, asyncio.Semaphore(row.concurrency))
        limiter = self._limiters.setdefault(provider, RateLimiter(row.rpm))
        async with slots:
            await limiter.wait()
            return await prov.send(call, timeout_s)

    def _bind_loop(self) -> None:
        # Semaphores, locks and pooled connections belong to one event loop; a runner that
        # calls asyncio.run() per stage gets fresh ones instead of "attached to a different loop".
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._loop, self._client = loop, None
            self._slots.clear()
            self._limiters.clear()

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            pol = self.cfg.policy
            self._client = httpx.AsyncClient(
                verify=_tls_context(), timeout=httpx.Timeout(pol.timeout_s, connect=pol.connect_timeout_s),
                limits=httpx.Limits(max_connections=64, max_keepalive_connections=32), trust_env=False)
        return self._client

    # -- offline and cache ----------------------------------------------------------------------
    def _offline(self, run: _Run) -> ChatResult:
        req, rhash = run.req, self._hash(run, OFFLINE, OFFLINE)
        if req.offline is None:
            raise self._skip(run, OFFLINE, OFFLINE, rhash, "offline_unavailable",
                             f"agent {req.agent or req.role!r} has no offline implementation")
        t0 = time.monotonic()
        try:
            text = req.offline(req)
        except ZaowanError as exc:
            err = CallError(f"offline implementation failed: {exc}", "offline_error")
            self._log(run, OFFLINE, OFFLINE, rhash, run.messages, req.max_tokens, "error", t0=t0, error=err)
            raise err from exc
        reply = Reply(text)
        try:
            parsed = parse_and_validate(text, req.json_schema) if req.json_schema is not None else None
        except SchemaError as exc:
            err = InvalidCall(f"offline output does not match the schema: {exc}", "schema_invalid", reply)
            self._log(run, OFFLINE, OFFLINE, rhash, run.messages, req.max_tokens, "invalid", t0=t0, reply=reply,
                      error=err)
            raise err from exc
        self._log(run, OFFLINE, OFFLINE, rhash, run.messages, req.max_tokens, "ok", t0=t0, reply=reply)
        return run.result(text, parsed, OFFLINE, OFFLINE)

    def _hash(self, run: _Run, provider: str, model: str) -> str:
        r = run.req
        return request_hash(request_fingerprint(provider, model, run.messages, r.json_schema, r.max_tokens,
                                                r.temperature))

    def _from_cache(self, run: _Run, chain: list[str]) -> ChatResult | None:
        """A previous identical request that succeeded on any model of this chain (resume)."""
        if not (self.cfg.policy.cache and self.store is not None):
            return None
        for entry in chain:
            if entry == OFFLINE:
                continue
            provider, model = self.cfg.resolve(entry)
            rhash = self._hash(run, provider, model)
            text = self.store.cached_response(rhash)
            if text is None:
                continue
            try:
                parsed = judge(Reply(text), run.req.json_schema)
            except CallError:
                continue  # the schema changed since; ask again
            self._log(run, provider, model, rhash, run.messages, run.req.max_tokens, "cached", reply=Reply(text))
            return run.result(text, parsed, provider, model, cached=True)
        return None

    # -- call log -------------------------------------------------------------------------------
    def _skip(self, run: _Run, provider: str, model: str, rhash: str, reason: str, message: str) -> CallError:
        err = CallError(message, reason)
        self._log(run, provider, model, rhash, run.messages, run.req.max_tokens, "skipped", error=err)
        return err

    def _log(self, run: _Run, provider: str, model: str, rhash: str, messages: list[Message], max_tokens: int,
             status: str, *, t0: float | None = None, reply: Reply | None = None, error: Exception | None = None,
             cost: tuple[float, float] = (0.0, 0.0), reason: str | None = None) -> None:
        if status not in ("skipped", "cached"):
            run.attempts += 1
        if self._writer is None:
            return
        if error is not None and reason is None:
            reason = getattr(error, "reason", type(error).__name__)
        body = reply.text if reply is not None else getattr(error, "body", "")
        self._writer.put({
            "at": datetime.now(timezone.utc).isoformat(), "edition_id": self.edition_id, "role": run.req.role, "agent": run.req.agent or None,
            "provider": provider, "model": model, "attempt": run.attempts, "request_hash": rhash,
            "request": request_record(messages, max_tokens, run.req.temperature, run.req.json_schema, self.scrub),
            "response": self.scrub(body or ""), "status": status,
            "error": self.scrub(str(error)) if error is not None else None,
            "fallback_reason": reason if status != "ok" else None,
            "tokens_in": reply.tokens_in if reply else 0, "tokens_out": reply.tokens_out if reply else 0,
            "cost_usd": cost[0], "cost_cny": cost[1],
            "latency_ms": (time.monotonic() - t0) * 1000 if t0 is not None else 0.0,
        })


def prefer_others(chain: list[str], avoid: tuple[str, ...], resolve: Callable[[str], tuple[str, str]]) -> list[str]:
    """`chain` with the entries served by an `avoid`ed provider moved after the others (but still
    before "offline"): a draft is reviewed by a different vendor whenever one is available."""
    if not avoid:
        return list(chain)
    def avoided(entry: str) -> bool:
        return entry != OFFLINE and resolve(entry)[0] in avoid
    head = [e for e in chain if e != OFFLINE and not avoided(e)]
    tail = [e for e in chain if avoided(e)]
    return head + tail + [e for e in chain if e == OFFLINE]
