"""The OpenAI chat-completions wire format, written once for every compatible endpoint.

DeepSeek, Qwen (DashScope compatible mode), Kimi, GLM, MiniMax, Grok, OpenRouter, OpenAI,
Ollama, llama.cpp server and vLLM differ only in their provider row (URL, key, profile).
"""
from __future__ import annotations

from typing import Any

from .base import CallError, Reply, WireCall
from .config import ProviderRow


def build(call: WireCall, row: ProviderRow, key: str) -> tuple[str, dict[str, str], dict[str, Any]]:
    body: dict[str, Any] = {"model": call.model, "messages": call.messages,
                            row.profile.max_tokens_field: call.max_tokens}
    if row.profile.temperature:
        body["temperature"] = call.temperature
    if call.json_mode and row.profile.json_mode:
        body["response_format"] = {"type": "json_object"}
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return f"{row.base_url}/chat/completions", headers, body


def parse(data: dict[str, Any]) -> Reply:
    choices = data.get("choices") or []
    if not choices or not isinstance(choices[0], dict):
        raise CallError("answer has no choices", "bad_response")
    choice = choices[0]
    msg = choice.get("message") or {}
    usage = data.get("usage") or {}
    finish = {"length": "length", "content_filter": "refusal"}.get(choice.get("finish_reason") or "", "stop")
    if msg.get("refusal"):
        return Reply(str(msg["refusal"]), "refusal", usage.get("prompt_tokens", 0),
                     usage.get("completion_tokens", 0), data)
    return Reply(msg.get("content") or "", finish, int(usage.get("prompt_tokens") or 0),
                 int(usage.get("completion_tokens") or 0), data)


def probe(row: ProviderRow, key: str) -> tuple[str, dict[str, str]]:
    """A cheap authenticated GET (the model list) for `zaowan doctor`."""
    return f"{row.base_url}/models", ({"Authorization": f"Bearer {key}"} if key else {})
