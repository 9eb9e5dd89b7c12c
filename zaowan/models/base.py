"""The router's public records and the one seam every provider implements.

A provider turns a `WireCall` (messages and options for one model) into a `Reply`, or raises
a `CallError` whose `reason` is a short code the router records as the fallback reason.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..errors import InvalidOutputError, ProviderError, TruncatedOutputError

Message = dict[str, str]


@dataclass
class ChatRequest:
    """What an agent asks for. `offline` is the agent's model-free implementation (chain entry "offline")."""

    role: str
    messages: list[Message]
    agent: str = ""
    json_schema: dict | None = None
    max_tokens: int = 1024
    temperature: float = 0.3
    offline: Callable[["ChatRequest"], str] | None = None
    # Reviewers ask for a provider that did not write the draft: these move to the end of the
    # chain (before "offline"), so they answer only if every other model fails.
    avoid_providers: tuple[str, ...] = ()


@dataclass
class ChatResult:
    """The answer and what it took to get it. Cost and tokens add up every attempt, failed ones too."""

    text: str
    parsed: Any = None
    provider: str = ""
    model: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    cost_cny: float = 0.0
    latency_ms: float = 0.0
    attempts: int = 0
    fallbacks: list[str] = field(default_factory=list)
    cached: bool = False

    @property
    def tokens(self) -> int:
        return self.tokens_in + self.tokens_out


@dataclass
class WireCall:
    """One attempt at one model: the only thing a provider sees."""

    model: str
    messages: list[Message]
    max_tokens: int
    temperature: float
    json_mode: bool = False


@dataclass
class Reply:
    """A provider's answer in neutral form. `finish` is stop | length | refusal."""

    text: str
    finish: str = "stop"
    tokens_in: int = 0
    tokens_out: int = 0
    raw: Any = None


class CallError(ProviderError):
    """A failed attempt with a machine-readable `reason` (e.g. http_503, timeout, refusal)."""

    def __init__(self, message: str, reason: str, *, retryable: bool = False, status: int | None = None,
                 retry_after: float | None = None, body: str = "", context_length: bool = False):
        super().__init__(message, retryable=retryable, status=status)
        self.reason = reason
        self.retry_after = retry_after
        self.body = body
        self.context_length = context_length
        self.provider_failure = retryable  # counts towards the provider's cooldown


class TruncatedCall(TruncatedOutputError, CallError):
    def __init__(self, message: str, reply: Reply):
        CallError.__init__(self, message, "length")
        self.reply = reply


class InvalidCall(InvalidOutputError, CallError):
    def __init__(self, message: str, reason: str, reply: Reply | None = None):
        CallError.__init__(self, message, reason)
        self.reply = reply


class Provider(Protocol):
    """A wire protocol bound to one provider row and its key."""

    name: str

    async def send(self, call: WireCall, timeout_s: float) -> Reply: ...
