"""Anthropic's native messages wire format (Claude).

System prompts travel in a separate `system` field and turns must alternate user/assistant,
so consecutive same-role messages are joined.
"""
from __future__ import annotations

from typing import Any

from .base import CallError, Message, Reply, WireCall
from .config import ProviderRow

API_VERSION = "2023-06-01"


def split_system(messages: list[Message]) -> tuple[str, list[Message]]:
    """System text joined; the rest merged into alternating turns starting with the user."""
    system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
    turns: list[Message] = []
    for m in messages:
        if m["role"] == "system":
            continue
        role = "assistant" if m["role"] == "assistant" else "user"
        if turns and turns[-1]["role"] == role:
            turns[-1] = {"role": role, "content": turns[-1]["content"] + "\n\n" + m["content"]}
        else:
            turns.append({"role": role, "content": m["content"]})
    if not turns or turns[0]["role"] != "user":
        turns.insert(0, {"role": "user", "content": "请开始。"})
    return system, turns


def build(call: WireCall, row: ProviderRow, key: str) -> tuple[str, dict[str, str], dict[str, Any]]:
    system, turns = split_system(call.messages)
    body: dict[str, Any] = {"model": call.model, "messages": turns, "max_tokens": call.max_tokens}
    if system:
        body["system"] = system
    if row.profile.temperature:
        body["temperature"] = call.temperature
    headers = {"anthropic-version": API_VERSION}
    if key:
        headers["x-api-key"] = key
    return f"{row.base_url}/messages", headers, body


def parse(data: dict[str, Any]) -> Reply:
    if not isinstance(data.get("content"), list):
        raise CallError("answer has no content list", "bad_response")
    text = "".join(b.get("text", "") for b in data["content"] if isinstance(b, dict) and b.get("type") == "text")
    usage = data.get("usage") or {}
    finish = {"max_tokens": "length", "refusal": "refusal"}.get(data.get("stop_reason") or "", "stop")
    return Reply(text, finish, int(usage.get("input_tokens") or 0), int(usage.get("output_tokens") or 0), data)


def probe(row: ProviderRow, key: str) -> tuple[str, dict[str, str]]:
    headers = {"anthropic-version": API_VERSION}
    if key:
        headers["x-api-key"] = key
    return f"{row.base_url}/models", headers
