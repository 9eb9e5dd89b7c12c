"""The fault matrix: every fault, on the first model of every role's default chain, over real
HTTP on loopback. Each role must still complete through its chain, the log must say why it fell
back, and no key may appear in the log, the result or any error."""
from __future__ import annotations

import asyncio

import pytest

from zaowan.errors import ProviderError
from zaowan.models import DEFAULT_CHAINS, ChatRequest, Router
from zaowan.testing import fake_llm as f

from .conftest import KEYS, SCHEMA, assert_no_keys, models_config

# fault name -> (steps that exhaust one chain entry under FAST_POLICY, expected fallback reason)
FAULTS = {
    "500": ([f.status(500)] * 2, "http_500"),
    "503": ([f.status(503)] * 2, "http_503"),
    "429_long_retry_after": ([f.status(429, retry_after="60")], "http_429:retry_after_60s"),
    "hang": ([f.hang(5)] * 2, "timeout"),
    "slow_stream": ([f.slow('{"text": "慢"}', seconds=4, chunks=40)] * 2, "timeout"),
    "length": ([f.length()] * 3, "length"),
    "invalid_json": ([f.invalid_json()] * 2, "invalid_json"),
    "schema_mismatch": ([f.ok('{"words": "no text field"}')] * 2, "schema_invalid"),
    "refusal": ([f.refusal()], "refusal"),
    "textual_refusal": ([f.textual_refusal()], "refusal"),
    "empty": ([f.empty()], "empty"),
    "wrong_model": ([f.wrong_model()], "http_404:model_not_found"),
    "key_echo_401": ([f.echo_key(401)], "http_401"),
    "context_overflow": ([f.context_overflow()], "context_length"),
    "not_json_200": ([f.not_json()], "bad_response"),
}


def _policy(fault: str) -> dict:
    # Only the timing faults get a short attempt timeout; others keep a generous one so a
    # loaded machine cannot turn a good answer into a timeout.
    return {"timeout_s": 0.3} if fault in ("hang", "slow_stream") else {}


def _request(role: str) -> ChatRequest:
    return ChatRequest(role=role, agent=f"{role}_agent", json_schema=SCHEMA, max_tokens=200,
                       messages=[{"role": "system", "content": "你是编辑。"}, {"role": "user", "content": "写一句话。"}],
                       offline=lambda req: '{"text": "离线编辑的回答"}')


@pytest.mark.parametrize("role", sorted(DEFAULT_CHAINS))
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_role_survives_fault_on_its_first_model(fake, store, role, fault):
    steps, reason = FAULTS[fault]
    first = DEFAULT_CHAINS[role][0]
    fake.script(first.split("/", 1)[1], *steps)
    router = Router(models_config(fake, policy=_policy(fault)), store, "ed-matrix", env=KEYS)

    async def go():
        async with router:
            return await router.complete(_request(role))

    result = asyncio.run(go())
    second = DEFAULT_CHAINS[role][1]
    if fault == "context_overflow" and _context(router, second) <= _context(router, first):
        # the second model is no longer than the first: it must be skipped too
        assert result.provider == "offline"
    else:
        assert f"{result.provider}/{result.model}" == second, result.fallbacks
        assert result.parsed == {"text": f"来自 {second.split('/', 1)[1]} 的回答"}
    assert result.fallbacks[0] == f"{first}: {reason}"
    rows = store.calls("ed-matrix")
    failed = [r for r in rows if f"{r['provider']}/{r['model']}" == first]
    assert failed and failed[-1]["fallback_reason"] == reason
    assert rows[-1]["status"] == "ok"
    assert_no_keys(rows, result)


def _context(router: Router, entry: str) -> int:
    provider, model = entry.split("/", 1)
    return router.cfg.providers[provider].models[model].context


@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize("entry", ["cn/cn-small", "us/us-model", "gem/gem-model"])
def test_every_wire_format_falls_back_to_offline(fake, store, entry, fault):
    steps, reason = FAULTS[fault]
    fake.script(entry.split("/")[1], *steps)
    router = Router(models_config(fake, roles={"writer": [entry, "offline"]}, policy=_policy(fault)), store,
                    "ed-wire", env=KEYS)

    async def go():
        async with router:
            return await router.complete(_request("writer"))

    result = asyncio.run(go())
    assert result.provider == "offline" and result.parsed == {"text": "离线编辑的回答"}
    assert result.fallbacks == [f"{entry}: {reason}"]
    assert_no_keys(store.calls(), result)


def test_every_entry_down_raises_with_every_reason(fake, store):
    fake.script("cn-small", f.status(500), f.status(500))
    fake.script("us-model", f.refusal())
    router = Router(models_config(fake, roles={"writer": ["cn/cn-small", "us/us-model", "offline"]}), store,
                    "ed-down", env=KEYS)
    req = _request("writer")
    req.offline = None

    async def go():
        async with router:
            return await router.complete(req)

    with pytest.raises(ProviderError) as info:
        asyncio.run(go())
    msg = str(info.value)
    assert "cn/cn-small: http_500" in msg and "us/us-model: refusal" in msg and "offline: offline_unavailable" in msg
    assert_no_keys(msg, store.calls())
