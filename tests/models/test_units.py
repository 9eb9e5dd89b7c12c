"""Pure pieces: schema validator, wire formats, policy arithmetic, config, scrubbing, accounting."""
from __future__ import annotations

import random
import time
from email.utils import formatdate

import pytest
from pydantic import BaseModel, Field

from zaowan.config import parse_config
from zaowan.errors import ConfigError
from zaowan.models import DEFAULT_CHAINS, PRESETS, ModelsConfig, WireCall
from zaowan.models import anthropic, gemini, openai_compat
from zaowan.models.accounting import Budget, cost, estimate_tokens
from zaowan.models.calllog import Scrubber
from zaowan.models.config import BudgetConfig, ModelRow, PolicyConfig
from zaowan.models.http import parse_retry_after, status_error
from zaowan.models.policy import Cooldowns, backoff_delay, next_max_tokens
from zaowan.models.router import judge
from zaowan.models.base import Reply, TruncatedCall
from zaowan.models.schema import SchemaError, extract_json, validate


# -- schema ---------------------------------------------------------------------------------
class Line(BaseModel):
    kind: str
    text: str = Field(min_length=1)


class Draft(BaseModel):
    title: str
    lines: list[Line] = Field(min_length=1)
    score: float | None = None


def test_pydantic_schema_with_refs_validates():
    schema = Draft.model_json_schema()
    ok = {"title": "t", "lines": [{"kind": "story", "text": "x"}], "score": None}
    validate(ok, schema)
    with pytest.raises(SchemaError, match=r"\$\.lines\[0\]\.text: 0 characters is below minLength 1"):
        validate({"title": "t", "lines": [{"kind": "story", "text": ""}]}, schema)
    with pytest.raises(SchemaError, match="missing required property 'lines'"):
        validate({"title": "t"}, schema)


@pytest.mark.parametrize("value,schema,message", [
    (True, {"type": "integer"}, "expected integer, got boolean"),
    ("x", {"enum": ["a", "b"]}, "is not one of"),
    ([1, 2, 3], {"type": "array", "maxItems": 2}, "above maxItems"),
    ({"a": 1, "b": 2}, {"type": "object", "properties": {"a": {}}, "additionalProperties": False},
     "unexpected property 'b'"),
    (5, {"type": "number", "exclusiveMaximum": 5}, "must be below 5"),
    ("x", {"anyOf": [{"type": "integer"}, {"type": "null"}]}, "matches none"),
])
def test_validator_rejects(value, schema, message):
    with pytest.raises(SchemaError, match=message):
        validate(value, schema)


def test_extract_json_tolerates_fences_and_prose_but_not_cut_json():
    assert extract_json('```json\n{"a": 1}\n```') == {"a": 1}
    assert extract_json('好的，结果如下：{"a": [1, 2]} 希望有帮助') == {"a": [1, 2]}
    with pytest.raises(SchemaError, match="not valid JSON"):
        extract_json('{"a": "cut')


# -- wire formats ---------------------------------------------------------------------------
CALL = WireCall("m", [{"role": "system", "content": "S"}, {"role": "user", "content": "U1"},
                      {"role": "user", "content": "U2"}, {"role": "assistant", "content": "A"}], 100, 0.2,
                json_mode=True)


def test_openai_build_and_parse():
    url, headers, body = openai_compat.build(CALL, PRESETS["deepseek"], "k")
    assert url == "https://api.deepseek.com/v1/chat/completions" and headers == {"Authorization": "Bearer k"}
    assert body["response_format"] == {"type": "json_object"} and body["max_tokens"] == 100
    _, headers, body = openai_compat.build(CALL, PRESETS["minimax"], "")
    assert headers == {} and "response_format" not in body  # profile: no JSON mode
    r = openai_compat.parse({"choices": [{"message": {"content": "hi"}, "finish_reason": "length"}],
                             "usage": {"prompt_tokens": 3, "completion_tokens": 4}})
    assert (r.text, r.finish, r.tokens_in, r.tokens_out) == ("hi", "length", 3, 4)
    assert openai_compat.parse({"choices": [{"message": {"content": None, "refusal": "no"}}]}).finish == "refusal"


def test_anthropic_merges_turns_and_lifts_system():
    url, headers, body = anthropic.build(CALL, PRESETS["anthropic"], "k")
    assert url.endswith("/v1/messages") and headers["x-api-key"] == "k"
    assert body["system"] == "S"
    assert body["messages"] == [{"role": "user", "content": "U1\n\nU2"}, {"role": "assistant", "content": "A"}]
    r = anthropic.parse({"content": [{"type": "text", "text": "x"}], "stop_reason": "max_tokens",
                         "usage": {"input_tokens": 1, "output_tokens": 2}})
    assert (r.text, r.finish, r.tokens_out) == ("x", "length", 2)


def test_gemini_key_in_header_not_url_and_safety_is_refusal():
    url, headers, body = gemini.build(CALL, PRESETS["gemini"], "k")
    assert url.endswith("/models/m:generateContent") and "k" not in url and headers == {"x-goog-api-key": "k"}
    assert body["systemInstruction"] == {"parts": [{"text": "S"}]}
    assert [c["role"] for c in body["contents"]] == ["user", "user", "model"]
    assert body["generationConfig"]["responseMimeType"] == "application/json"
    assert gemini.parse({"candidates": [{"finishReason": "SAFETY"}]}).finish == "refusal"
    assert gemini.parse({"promptFeedback": {"blockReason": "OTHER"}}).finish == "refusal"


# -- policy ---------------------------------------------------------------------------------
def test_backoff_grows_with_jitter_and_prefers_retry_after():
    pol = PolicyConfig(backoff_base_s=1, backoff_max_s=5)
    rng = random.Random(1)
    delays = [backoff_delay(n, pol, rng=rng) for n in (1, 2, 3, 4, 5)]
    assert 0.5 <= delays[0] <= 1 and 1 <= delays[1] <= 2 and 2.5 <= delays[4] <= 5
    assert backoff_delay(1, pol, retry_after=7) == 7


def test_retry_after_parsing():
    assert parse_retry_after("3") == 3 and parse_retry_after("0.5") == 0.5
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
    now = time.time()
    assert 9 <= parse_retry_after(formatdate(now + 10, usegmt=True), now=now) <= 10


def test_status_classification():
    ident = lambda s: s  # noqa: E731
    assert status_error(503, "", None, ident).retryable
    assert status_error(429, "", "2", ident).retry_after == 2
    assert not status_error(422, "bad field", None, ident).retryable
    assert status_error(400, '{"code": "context_length_exceeded"}', None, ident).context_length
    assert status_error(404, "model x not found", None, ident).reason == "http_404:model_not_found"


def test_ladder_and_cooldown():
    assert next_max_tokens(100, 800) == 200 and next_max_tokens(500, 800) == 800
    assert next_max_tokens(800, 800) is None
    cd = Cooldowns(after=2, seconds=10)
    assert not cd.failed("p", now=0) and cd.failed("p", now=1)
    assert cd.resting("p", now=5) == 6 and cd.resting("p", now=12) == 0
    cd.failed("q", now=0)
    cd.succeeded("q")
    assert not cd.failed("q", now=0)  # the streak restarted


def test_judge_never_parses_truncated_json():
    with pytest.raises(TruncatedCall):
        judge(Reply('{"text": "x"}', finish="length"), {"type": "object"})


# -- config ---------------------------------------------------------------------------------
def test_default_chains_pair_a_chinese_and_an_overseas_model_and_end_offline():
    cfg = ModelsConfig()
    for role, chain in DEFAULT_CHAINS.items():
        regions = {cfg.providers[e.split("/")[0]].region for e in chain[:-1]}
        assert regions == {"cn", "overseas"} and chain[-1] == "offline", role


def test_user_rows_merge_over_presets_and_bad_chains_are_config_errors():
    cfg = parse_config({"models": {"providers": {"deepseek": {"base_url": "http://127.0.0.1:9/v1"},
                                                 "mine": {"base_url": "http://127.0.0.1:7/v1",
                                                          "models": {"m": {"context": 8000}}}},
                                   "roles": {"writer": ["mine/m", "deepseek/deepseek-chat", "offline"]}}})
    ds = cfg.models.providers["deepseek"]
    assert ds.base_url == "http://127.0.0.1:9/v1" and ds.key_env == "DEEPSEEK_API_KEY" and ds.models
    assert cfg.models.roles["writer"][0] == "mine/m" and "tagger" in cfg.models.roles
    with pytest.raises(ConfigError, match="unknown provider 'nope'"):
        parse_config({"models": {"roles": {"writer": ["nope/x"]}}})
    with pytest.raises(ConfigError, match="has no model 'gpt-9'"):
        parse_config({"models": {"roles": {"writer": ["openai/gpt-9"]}}})


# -- keys and money -------------------------------------------------------------------------
def test_scrubber_removes_known_and_key_shaped_secrets():
    s = Scrubber(["plain-secret-value"])
    out = s('{"authorization": "Bearer abc.def", "x-api-key": "k1"} plain-secret-value sk-abcdefghijkl')
    assert "abc.def" not in out and "k1" not in out and "plain-secret-value" not in out and "sk-abc" not in out


def test_cost_in_both_currencies_and_budget_reserves_worst_case():
    usd, cny = cost(ModelRow(price_in=2, price_out=8, currency="CNY"), 1_000_000, 500_000, 7.2)
    assert cny == pytest.approx(6) and usd == pytest.approx(6 / 7.2)
    b = Budget(BudgetConfig(cap=0.01, currency="USD"))
    row = ModelRow(price_in=1, price_out=5)
    msgs = [{"role": "user", "content": "你好" * 10}]
    assert estimate_tokens(msgs) >= 20
    assert b.allows(row, msgs, 1000)  # worst case ≈ $0.005
    b.charge(0.008, 0.0576)
    assert not b.allows(row, msgs, 1000)


def test_prefer_others_moves_the_writer_behind_other_vendors():
    from zaowan.models.router import prefer_others

    def resolve(entry):
        return tuple(entry.split("/", 1))

    chain = ["anthropic/claude", "deepseek/chat", "openai/gpt", "offline"]
    assert prefer_others(chain, ("anthropic",), resolve) == ["deepseek/chat", "openai/gpt", "anthropic/claude", "offline"]
    assert prefer_others(chain, (), resolve) == chain
    assert prefer_others(["deepseek/chat", "offline"], ("deepseek",), resolve) == ["deepseek/chat", "offline"]
