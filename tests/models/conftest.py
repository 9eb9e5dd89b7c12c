"""Shared fixtures: a scripted loopback model server and router configs pointed at it."""
from __future__ import annotations

import json

import pytest

from zaowan.models import ModelsConfig
from zaowan.store.db import Store
from zaowan.testing.fake_llm import FakeLLM, Seen, ok

# Fake keys; every test that logs or raises checks none of them escapes.
KEYS = {
    "DEEPSEEK_API_KEY": "sk-test-deepseek-0123456789", "DASHSCOPE_API_KEY": "sk-test-qwen-0123456789",
    "MOONSHOT_API_KEY": "sk-test-kimi-0123456789", "ZHIPUAI_API_KEY": "test-glm-key-0123456789",
    "MINIMAX_API_KEY": "test-minimax-key-0123456789", "OPENAI_API_KEY": "sk-test-openai-0123456789",
    "ANTHROPIC_API_KEY": "sk-ant-test-0123456789", "GEMINI_API_KEY": "AIzaTest-gemini-0123456789abcdef",
    "XAI_API_KEY": "xai-test-0123456789", "FAKE_CN_KEY": "cn-secret-key-0123456789",
    "FAKE_US_KEY": "us-secret-key-0123456789", "FAKE_GEM_KEY": "gem-secret-key-0123456789",
}

FAST_POLICY = {"timeout_s": 3.0, "connect_timeout_s": 0.5, "deadline_s": 10, "max_retries": 1,
               "backoff_base_s": 0.01, "backoff_max_s": 0.02, "retry_after_max_s": 2.0, "length_ladder": 2,
               "max_reasks": 1, "cooldown_after": 50, "cooldown_s": 60}

SCHEMA = {"type": "object", "properties": {"text": {"type": "string", "minLength": 1}}, "required": ["text"],
          "additionalProperties": False}


def pytest_collection_modifyitems(config, items):
    """The llama tests start a real model server: run them only when `-m llama` asks for them."""
    if "llama" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="opt-in: run with `pytest -m llama` (needs llama-cpp-python and the model chunks)")
    for item in items:
        if "llama" in item.keywords:
            item.add_marker(skip)


def json_default(seen: Seen):
    return ok(json.dumps({"text": f"来自 {seen.model} 的回答"}, ensure_ascii=False))


@pytest.fixture
def fake():
    with FakeLLM(keys=set(KEYS.values()), default=json_default) as server:
        yield server


@pytest.fixture
def store(tmp_path):
    s = Store(":memory:")
    yield s
    s.close()


def point_presets(fake: FakeLLM) -> dict:
    """Override every preset's base URL (and nothing else) to the fake server."""
    rows = {}
    for name in ("deepseek", "qwen", "kimi", "glm", "minimax", "openai", "xai", "openrouter"):
        rows[name] = {"base_url": fake.openai_url}
    rows["anthropic"] = {"base_url": fake.anthropic_url}
    rows["gemini"] = {"base_url": fake.gemini_url}
    return rows


def small_providers(fake: FakeLLM) -> dict:
    """Three providers, one per wire format, with small, distinct models."""
    return {
        "cn": {"kind": "openai", "base_url": fake.openai_url, "key_env": "FAKE_CN_KEY", "region": "cn",
               "models": {"cn-small": {"context": 4000, "max_output": 800, "price_in": 2, "price_out": 8,
                                       "currency": "CNY"},
                          "cn-long": {"context": 128000, "max_output": 800, "price_in": 4, "price_out": 16,
                                      "currency": "CNY"}}},
        "us": {"kind": "anthropic", "base_url": fake.anthropic_url, "key_env": "FAKE_US_KEY",
               "models": {"us-model": {"context": 200000, "max_output": 800, "price_in": 1, "price_out": 5}}},
        "gem": {"kind": "gemini", "base_url": fake.gemini_url, "key_env": "FAKE_GEM_KEY",
                "models": {"gem-model": {"context": 1000000, "max_output": 800, "price_in": 0.1,
                                         "price_out": 0.4}}},
    }


def models_config(fake: FakeLLM, roles: dict | None = None, policy: dict | None = None,
                  budget: dict | None = None, presets: bool = True) -> ModelsConfig:
    providers = {**(point_presets(fake) if presets else {}), **small_providers(fake)}
    return ModelsConfig.model_validate({"providers": providers, "roles": roles or {},
                                        "policy": {**FAST_POLICY, **(policy or {})}, "budget": budget or {}})


def assert_no_keys(*texts: object) -> None:
    blob = "\n".join(str(t) for t in texts)
    for key in KEYS.values():
        assert key not in blob, f"key {key[:8]}… leaked"
