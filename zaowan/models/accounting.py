"""Tokens and money: cost per call from the price table, and the per-edition budget."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from .base import Message
from .config import BudgetConfig, ModelRow


def cost(row: ModelRow, tokens_in: int, tokens_out: int, cny_per_usd: float) -> tuple[float, float]:
    """(usd, cny) for one call; prices are per million tokens in the row's currency."""
    amount = (tokens_in * row.price_in + tokens_out * row.price_out) / 1_000_000
    if row.currency == "USD":
        return amount, amount * cny_per_usd
    return amount / cny_per_usd, amount


def estimate_tokens(messages: list[Message]) -> int:
    """A deliberately high guess (one token per CJK character, one per 3 other characters),
    used only to keep the budget from being overshot; real counts come from the provider."""
    text = "".join(m.get("content", "") for m in messages)
    cjk = sum(1 for ch in text if "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")
    return cjk + (len(text) - cjk) // 3 + 4 * len(messages)


@dataclass
class Budget:
    """Money spent in one edition, checked before each paid attempt."""

    cfg: BudgetConfig
    spent_usd: float = 0.0
    spent_cny: float = 0.0
    degraded: list[str] = field(default_factory=list)  # "role: provider/model" skipped for money

    reserved: float = 0.0  # worst cases of attempts in flight, in the cap's currency

    def spent(self) -> float:
        return self.spent_usd if self.cfg.currency == "USD" else self.spent_cny

    def worst_case(self, row: ModelRow, messages: list[Message], max_tokens: int) -> float:
        usd, cny = cost(row, estimate_tokens(messages), max_tokens, self.cfg.cny_per_usd)
        return usd if self.cfg.currency == "USD" else cny

    def allows(self, row: ModelRow, messages: list[Message], max_tokens: int) -> bool:
        """Would the worst case of this attempt (whole prompt, full max_tokens) stay within the cap,
        counting the worst cases of attempts already in flight?"""
        if not self.cfg.cap:
            return True
        return self.spent() + self.reserved + self.worst_case(row, messages, max_tokens) <= self.cfg.cap

    def reserve(self, row: ModelRow, messages: list[Message], max_tokens: int) -> float | None:
        """Hold the worst case for an attempt about to start; None when the cap forbids it.
        Parallel calls each reserve before sending, so together they cannot overshoot."""
        if not self.allows(row, messages, max_tokens):
            return None
        held = self.worst_case(row, messages, max_tokens) if self.cfg.cap else 0.0
        self.reserved += held
        return held

    def release(self, held: float) -> None:
        self.reserved = max(0.0, self.reserved - held)

    def charge(self, usd: float, cny: float) -> None:
        self.spent_usd += usd
        self.spent_cny += cny

    def report(self) -> dict:
        return {"cap": self.cfg.cap, "currency": self.cfg.currency, "spent_usd": round(self.spent_usd, 6),
                "spent_cny": round(self.spent_cny, 6), "degraded": list(self.degraded)}


def request_fingerprint(provider: str, model: str, messages: list[Message], schema: dict | None,
                        max_tokens: int, temperature: float) -> str:
    """Canonical text of everything that shapes an answer; hashed to find identical requests."""
    return json.dumps({"p": provider, "m": model, "msg": messages, "s": schema, "mt": max_tokens,
                       "t": round(temperature, 4)}, ensure_ascii=False, sort_keys=True)
