"""Router behaviours one at a time, over real HTTP to the loopback fake."""
from __future__ import annotations

import asyncio
import time

import pytest

from zaowan.errors import ConfigError, ProviderError
from zaowan.models import BudgetExceededError, ChatRequest, Router
from zaowan.store.db import Store
from zaowan.testing import fake_llm as f

from .conftest import KEYS, SCHEMA, assert_no_keys, models_config

MSGS = [{"role": "system", "content": "你是编辑。"}, {"role": "user", "content": "写一句话。"}]


def run(router: Router, *reqs: ChatRequest):
    async def go():
        async with router:
            return await asyncio.gather(*(router.complete(r) for r in reqs))
    out = asyncio.run(go())
    return out[0] if len(out) == 1 else out


def req(role="writer", schema=SCHEMA, **kw) -> ChatRequest:
    return ChatRequest(role=role, messages=kw.pop("messages", MSGS), json_schema=schema,
                       offline=kw.pop("offline", lambda r: '{"text": "离线"}'), **kw)


def router(fake, store=None, chain=("cn/cn-small", "us/us-model", "offline"), env=KEYS, **cfg) -> Router:
    return Router(models_config(fake, roles={"writer": list(chain)}, **cfg), store, "ed-1", env=env)


def test_transient_errors_are_retried_on_the_same_model(fake, store):
    fake.script("cn-small", f.status(503))
    result = run(router(fake, store), req())
    assert (result.provider, result.attempts, result.fallbacks) == ("cn", 2, [])
    assert [r["status"] for r in store.calls("ed-1")] == ["error", "ok"]


def test_retry_after_is_honoured(fake):
    fake.script("cn-small", f.status(429, retry_after="1"))
    t0 = time.monotonic()
    result = run(router(fake), req())
    assert result.provider == "cn" and time.monotonic() - t0 >= 1.0


def test_no_retry_on_auth_error(fake):
    fake.script("cn-small", f.status(401, error_type="authentication_error"))
    result = run(router(fake), req())
    assert result.provider == "us" and len(fake.calls("cn-small")) == 1
    assert result.fallbacks == ["cn/cn-small: http_401"]


def test_length_climbs_the_max_tokens_ladder_then_succeeds(fake):
    fake.script("cn-small", f.length(), f.length())
    result = run(router(fake), req(max_tokens=150))
    assert result.provider == "cn"
    assert [s.body["max_tokens"] for s in fake.calls("cn-small")] == [150, 300, 600]


def test_ladder_stops_at_the_models_output_ceiling(fake):
    fake.script("cn-small", f.length(), f.length())
    result = run(router(fake), req(max_tokens=500))
    assert [s.body["max_tokens"] for s in fake.calls("cn-small")] == [500, 800]
    assert result.provider == "us" and result.fallbacks == ["cn/cn-small: length"]


def test_invalid_output_is_reasked_with_the_validation_error(fake):
    fake.script("cn-small", f.ok('{"txt": 1}'))
    result = run(router(fake), req())
    assert result.provider == "cn" and result.parsed["text"]
    reask = fake.calls("cn-small")[1].body["messages"]
    assert reask[-2] == {"role": "assistant", "content": '{"txt": 1}'}
    assert "missing required property 'text'" in reask[-1]["content"]


def test_context_length_error_skips_to_a_longer_model(fake, store):
    fake.script("cn-small", f.context_overflow())
    r = router(fake, store, chain=("cn/cn-small", "cn/cn-small", "cn/cn-long", "offline"))
    result = run(r, req())
    assert result.model == "cn-long"
    assert result.fallbacks == ["cn/cn-small: context_length", "cn/cn-small: context_too_small"]


def test_missing_key_is_skipped_and_named(fake):
    env = {k: v for k, v in KEYS.items() if k != "FAKE_CN_KEY"}
    result = run(router(fake, env=env), req())
    assert result.provider == "us" and result.fallbacks == ["cn/cn-small: missing_key:FAKE_CN_KEY"]
    assert fake.calls("cn-small") == []


def test_keys_travel_in_each_wire_formats_own_header(fake):
    run(router(fake, chain=("cn/cn-small",)), req())
    run(router(fake, chain=("us/us-model",)), req())
    run(router(fake, chain=("gem/gem-model",)), req())
    cn, us, gem = fake.calls("cn-small")[0], fake.calls("us-model")[0], fake.calls("gem-model")[0]
    assert cn.headers["authorization"] == f"Bearer {KEYS['FAKE_CN_KEY']}"
    assert us.headers["x-api-key"] == KEYS["FAKE_US_KEY"] and "anthropic-version" in us.headers
    assert gem.headers["x-goog-api-key"] == KEYS["FAKE_GEM_KEY"] and KEYS["FAKE_GEM_KEY"] not in gem.path


def test_key_echoed_by_server_never_reaches_log_or_error(fake, store):
    fake.script("cn-small", f.echo_key())
    fake.script("us-model", f.echo_key())
    r = router(fake, store, chain=("cn/cn-small", "us/us-model"))
    with pytest.raises(Exception) as info:
        run(r, req())
    rows = store.calls()
    assert any("invalid credentials" in (row["error"] or "") for row in rows)
    assert_no_keys(info.value, rows, r.scrub("Authorization: Bearer " + KEYS["FAKE_CN_KEY"]))


def test_cooldown_skips_a_failing_provider_on_later_requests(fake):
    fake.script("cn-small", *[f.status(500)] * 4)
    r = router(fake, policy={"cooldown_after": 2, "max_retries": 1})
    first, second = run(r, req()), None

    async def again():
        return await r.complete(req())
    second = asyncio.run(again())
    assert first.fallbacks == ["cn/cn-small: http_500+cooldown:cn"]
    assert second.fallbacks == ["cn/cn-small: cooldown:cn"] and len(fake.calls("cn-small")) == 2


def test_independent_calls_run_in_parallel(fake):
    fake.latency_s = 0.3
    t0 = time.monotonic()
    results = run(router(fake, policy={"timeout_s": 5}), *[req() for _ in range(6)])
    assert all(x.provider == "cn" for x in results) and time.monotonic() - t0 < 1.2


def test_per_provider_concurrency_limit(fake):
    fake.latency_s = 0.2
    cfg = models_config(fake, roles={"writer": ["cn/cn-small"]}, policy={"timeout_s": 5})
    cfg.providers["cn"].concurrency = 1
    t0 = time.monotonic()
    run(Router(cfg, None, "ed", env=KEYS), *[req() for _ in range(3)])
    assert time.monotonic() - t0 >= 0.6


def test_identical_request_is_served_from_the_store_on_resume(fake, tmp_path):
    db = Store(tmp_path / "resume.db")
    first = run(router(fake, db), req())
    again = run(router(fake, db), req())
    assert len(fake.calls("cn-small")) == 1
    assert again.cached and again.parsed == first.parsed and again.cost_usd == 0
    assert [r["status"] for r in db.calls("ed-1")] == ["ok", "cached"]
    db.close()


def test_changed_request_is_not_served_from_cache(fake, store):
    run(router(fake, store), req())
    run(router(fake, store), req(max_tokens=999))
    assert len(fake.calls("cn-small")) == 2


def test_accounting_adds_tokens_and_cost_of_every_attempt(fake, store):
    fake.script("cn-small", f.Step(text="", tokens=(100, 0)), )
    fake.script("us-model", f.ok('{"text": "好"}', tokens=(1000, 200)))
    result = run(router(fake, store), req())
    # cn: 100 in at ¥2/M; us: 1000 in at $1/M + 200 out at $5/M
    assert (result.tokens_in, result.tokens_out) == (1100, 200)
    assert result.cost_usd == pytest.approx(100 * 2e-6 / 7.2 + 1000e-6 + 200 * 5e-6)
    assert sum(r["cost_usd"] for r in store.calls("ed-1")) == pytest.approx(result.cost_usd)


def test_budget_degrades_to_the_free_offline_editor(fake, store):
    r = router(fake, store, budget={"cap": 0.0001, "currency": "USD", "on_exceed": "degrade"})
    result = run(r, req(max_tokens=800))
    assert result.provider == "offline"
    assert result.fallbacks == ["cn/cn-small: budget", "us/us-model: budget"]
    assert r.report()["degraded"] == ["writer: cn/cn-small", "writer: us/us-model"]
    assert fake.calls() == []


def test_budget_stop_raises_before_spending(fake):
    r = router(fake, budget={"cap": 0.0001, "on_exceed": "stop"})
    with pytest.raises(BudgetExceededError):
        run(r, req(max_tokens=800))
    assert fake.calls() == []


def test_deadline_bounds_the_whole_chain(fake):
    fake.script("cn-small", f.hang(5), f.hang(5))
    t0 = time.monotonic()
    result = run(router(fake, policy={"timeout_s": 2, "deadline_s": 0.5}), req())
    assert result.provider == "offline" and time.monotonic() - t0 < 1.5
    assert result.fallbacks[-1] == "us/us-model: deadline"


def test_unknown_role_is_a_config_error(fake):
    with pytest.raises(ConfigError, match="no model chain for role 'nobody'"):
        run(router(fake), req(role="nobody"))


def test_offline_output_is_validated_too(fake):
    with pytest.raises(ProviderError, match="offline: schema_invalid.*offline output does not match"):
        run(router(fake, chain=("offline",)), req(offline=lambda r: '{"wrong": 1}'))


def test_plain_text_request_without_schema(fake):
    fake.script("cn-small", f.ok("今天的第一条新闻。"))
    result = run(router(fake), req(schema=None))
    assert result.text == "今天的第一条新闻。" and result.parsed is None


def test_router_survives_a_new_event_loop_per_stage(fake):
    r = router(fake)
    for _ in range(2):  # the runner may call asyncio.run() once per stage
        assert asyncio.run(r.complete(req())).provider == "cn"
    asyncio.run(r.aclose())


def test_parallel_calls_cannot_overshoot_the_budget_together(fake):
    fake.latency_s = 0.2
    # each attempt's worst case is ~$0.004 (800 tokens at $5/M); the cap fits two of them
    r = router(fake, chain=("us/us-model", "offline"), budget={"cap": 0.009, "on_exceed": "degrade"},
               policy={"timeout_s": 5})
    results = run(r, *[req(max_tokens=800) for _ in range(4)])
    assert sorted(x.provider for x in results) == ["offline", "offline", "us", "us"]
    assert r.budget.spent_usd <= 0.009 and r.budget.reserved == 0


def test_per_provider_rate_limit_spaces_requests(fake):
    cfg = models_config(fake, roles={"writer": ["cn/cn-small"]})
    cfg.providers["cn"].rpm = 300  # one request every 0.2 s
    t0 = time.monotonic()
    run(Router(cfg, None, "ed", env=KEYS), *[req() for _ in range(3)])
    assert time.monotonic() - t0 >= 0.4 and len(fake.calls("cn-small")) == 3
