"""Google's native generateContent wire format (Gemini).

The key goes in the x-goog-api-key header, never in the URL, so it cannot leak through a
logged address. Safety blocks (of the prompt or of the answer) are reported as refusals.
"""
from __future__ import annotations

from typing import Any

from .base import CallError, Message, Reply, WireCall
from .config import ProviderRow

_REFUSALS = {"SAFETY", "RECITATION", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII"}


def to_contents(messages: list[Message]) -> tuple[str, list[dict[str, Any]]]:
    system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
    contents = [{"role": "model" if m["role"] == "assistant" else "user", "parts": [{"text": m["content"]}]}
                for m in messages if m["role"] != "system"]
    return system, contents


def build(call: WireCall, row: ProviderRow, key: str) -> tuple[str, dict[str, str], dict[str, Any]]:
    system, contents = to_contents(call.messages)
    gen: dict[str, Any] = {"maxOutputTokens": call.max_tokens}
    if row.profile.temperature:
        gen["temperature"] = call.temperature
    if call.json_mode and row.profile.json_mode:
        gen["responseMimeType"] = "application/json"
    body: dict[str, Any] = {"contents": contents, "generationConfig": gen}
    if system:
        body["systemInstruction"] = {"parts": [{"text": system}]}
    headers = {"x-goog-api-key": key} if key else {}
    return f"{row.base_url}/models/{call.model}:generateContent", headers, body


def parse(data: dict[str, Any]) -> Reply:
    usage = data.get("usageMetadata") or {}
    t_in, t_out = int(usage.get("promptTokenCount") or 0), int(usage.get("candidatesTokenCount") or 0)
    blocked = (data.get("promptFeedback") or {}).get("blockReason")
    if blocked:
        return Reply(f"prompt blocked: {blocked}", "refusal", t_in, t_out, data)
    cands = data.get("candidates")
    if not isinstance(cands, list) or not cands:
        raise CallError("answer has no candidates", "bad_response")
    cand = cands[0]
    parts = (cand.get("content") or {}).get("parts") or []
    text = "".join(p.get("text", "") for p in parts if isinstance(p, dict))
    reason = cand.get("finishReason") or "STOP"
    finish = "length" if reason == "MAX_TOKENS" else "refusal" if reason in _REFUSALS else "stop"
    return Reply(text, finish, t_in, t_out, data)


def probe(row: ProviderRow, key: str) -> tuple[str, dict[str, str]]:
    return f"{row.base_url}/models", ({"x-goog-api-key": key} if key else {})
