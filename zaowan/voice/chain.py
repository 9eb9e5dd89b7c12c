"""Fallback chains of TTS engines, the way the model router chains text models.

For each chunk: try the first engine; retry it on retryable failures (429, 5xx, timeouts)
with a short backoff; if it still fails, or its audio fails QA (silent, cut off), move to the
next engine. The local voice is last, so a run with no keys and no network still speaks.
Every try is recorded as an `Attempt`, so episode.json shows who voiced what and why.
"""
from __future__ import annotations

import time
from collections.abc import Callable

from ..errors import ProviderError, VoiceError, ZaowanError
from .base import Attempt, Engine, Speech, SynthRequest, Voiced

# A check returns problem strings; `is_bad` says which of them reject the audio.
Check = Callable[[Speech, SynthRequest], list[str]]


class Chain:
    def __init__(self, engines: list[Engine], *, retries: int = 2, backoff_s: float = 0.5,
                 sleep: Callable[[float], None] = time.sleep, skipped: list[Attempt] | None = None):
        if not engines:
            raise VoiceError("no TTS engine is usable: " + "; ".join(f"{a.engine}: {a.error}" for a in skipped or []))
        self.engines = engines
        self.retries = retries
        self.backoff_s = backoff_s
        self.sleep = sleep
        # Engines that could not even be built (missing key…), reported once per episode.
        self.skipped = list(skipped or [])

    @property
    def max_chars(self) -> int:
        """Chunks must fit every engine in the chain, since any of them may end up voicing one."""
        return min(e.max_chars for e in self.engines)

    def voice(self, req: SynthRequest, check: Check | None = None,
              is_bad: Callable[[list[str]], bool] = bool) -> Voiced:
        attempts: list[Attempt] = []
        for engine in self.engines:
            speech, attempt = self._try(engine, req)
            if speech is not None and check is not None:
                problems = check(speech, req)
                if is_bad(problems):
                    attempt = Attempt(engine.name, False, "qa: " + "; ".join(problems), attempt.retries)
                    speech = None
            attempts.append(attempt)
            if speech is not None:
                return Voiced(speech, engine.name, engine.voice_for(req.speaker), attempts)
        detail = "; ".join(f"{a.engine}: {a.error}" for a in attempts)
        raise VoiceError(f"every TTS engine failed for {req.text[:30]!r}: {detail}")

    def _try(self, engine: Engine, req: SynthRequest) -> tuple[Speech | None, Attempt]:
        retries = getattr(engine, "retries", self.retries)
        for n in range(retries + 1):
            try:
                return engine.synthesize(req), Attempt(engine.name, True, retries=n)
            except ProviderError as exc:
                if not exc.retryable or n == retries:
                    return None, Attempt(engine.name, False, str(exc), retries=n)
                self.sleep(self.backoff_s * (2 ** n))
            except ZaowanError as exc:
                # A broken engine set-up (bad model file, bad voice) is not worth retrying.
                return None, Attempt(engine.name, False, str(exc), retries=n)
        raise AssertionError("unreachable")
