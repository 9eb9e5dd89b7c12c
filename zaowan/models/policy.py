"""When to wait, retry, climb the max_tokens ladder, or give a provider a rest.

The decisions are pure functions of numbers so tests can pin them; the two small stateful
pieces (cooldown book and rate limiter) take the clock as an argument or use the loop's.
"""
from __future__ import annotations

import asyncio
import random
import time

from .config import PolicyConfig


def backoff_delay(retry: int, policy: PolicyConfig, retry_after: float | None = None,
                  rng: random.Random | None = None) -> float:
    """Seconds before retry number `retry` (1-based): Retry-After if the server gave one,
    else exponential backoff with "equal jitter" (half fixed, half random) so that parallel
    callers hit by the same outage do not retry in lock-step."""
    if retry_after is not None:
        return retry_after
    cap = min(policy.backoff_max_s, policy.backoff_base_s * (2 ** (retry - 1)))
    r = (rng or random).random()
    return cap / 2 + r * cap / 2


def next_max_tokens(current: int, ceiling: int) -> int | None:
    """One rung up the truncation ladder, or None when the model cannot give more."""
    if current >= ceiling:
        return None
    return min(current * 2, ceiling)


class Cooldowns:
    """Consecutive failures per provider; after `after` in a row the provider rests `seconds`."""

    def __init__(self, after: int, seconds: float):
        self.after, self.seconds = after, seconds
        self._fails: dict[str, int] = {}
        self._until: dict[str, float] = {}

    def failed(self, provider: str, now: float | None = None) -> bool:
        """Count a failure; True when this one started a cooldown."""
        n = self._fails.get(provider, 0) + 1
        self._fails[provider] = n
        if n >= self.after:
            self._until[provider] = (time.monotonic() if now is None else now) + self.seconds
            self._fails[provider] = 0
            return True
        return False

    def succeeded(self, provider: str) -> None:
        self._fails.pop(provider, None)
        self._until.pop(provider, None)

    def resting(self, provider: str, now: float | None = None) -> float:
        """Seconds of cooldown left (0 when the provider may be used)."""
        left = self._until.get(provider, 0.0) - (time.monotonic() if now is None else now)
        return max(0.0, left)


class RateLimiter:
    """Spaces request starts at least 60/rpm seconds apart (rpm=0: no limit)."""

    def __init__(self, rpm: float):
        self.interval = 60.0 / rpm if rpm > 0 else 0.0
        self._next = 0.0
        self._lock: asyncio.Lock | None = None

    async def wait(self) -> None:
        if not self.interval:
            return
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            await asyncio.sleep(start - now)
