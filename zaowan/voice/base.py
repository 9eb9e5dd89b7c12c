"""The one seam every TTS engine implements, and the PCM it hands back.

An engine turns one short, already speakable chunk of text into mono float32 PCM. Splitting
long lines, caching, fallback between engines and mastering all live outside the engines,
so a vendor module only knows its own wire format.

Errors an engine raises:
  * `ProviderError(retryable=True)`  — 429, 5xx, timeouts: the chain retries, then falls back;
  * `ProviderError(retryable=False)` / `MissingKeyError` — the chain falls back at once;
  * `VoiceError` — the chain gave up on every engine (raised by the chain, not by engines).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

SAMPLE_RATE = 24000  # every engine's output is resampled to this before mastering


@dataclass(frozen=True)
class Speech:
    """Mono float32 PCM in [-1, 1] at `sample_rate`."""

    pcm: np.ndarray
    sample_rate: int = SAMPLE_RATE

    @property
    def duration_s(self) -> float:
        return len(self.pcm) / self.sample_rate


@dataclass(frozen=True)
class SynthRequest:
    """One chunk to voice. `speaker` is a role (host, cohost); engines map it to their voice."""

    text: str
    speaker: str = "host"
    speed: float = 1.0


class Engine(Protocol):
    """A TTS engine. `name` goes into cache keys and QA records; `settings_key` must change
    whenever anything that changes the sound changes (model, voice map, format)."""

    name: str
    max_chars: int

    def voice_for(self, speaker: str) -> str: ...

    def settings_key(self) -> str: ...

    def synthesize(self, req: SynthRequest) -> Speech: ...


@dataclass
class Attempt:
    """One engine try for one chunk, kept for episode.json."""

    engine: str
    ok: bool
    error: str = ""
    retries: int = 0


@dataclass
class Voiced:
    """The result of a chain: the audio, which engine made it, and what was tried first."""

    speech: Speech
    engine: str
    voice: str
    attempts: list[Attempt] = field(default_factory=list)
