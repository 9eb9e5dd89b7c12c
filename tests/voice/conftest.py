"""Scripted engines for chain and renderer tests: no model, no network, deterministic."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from zaowan.errors import ProviderError
from zaowan.voice.base import SAMPLE_RATE, Speech, SynthRequest
from zaowan.voice.text import speech_units

HERE = Path(__file__).parent


def babble(text: str, sample_rate: int = SAMPLE_RATE, rate: float = 5.0) -> np.ndarray:
    """Speech-like test audio: one 150 ms tone burst per syllable, `rate` syllables a second."""
    units = max(1.0, speech_units(text))
    n = int(units / rate * sample_rate)
    t = np.arange(n) / sample_rate
    envelope = (np.sin(np.pi * t * rate) ** 2)
    return (0.3 * envelope * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


class ScriptedEngine:
    """Follows a script of outcomes per call: "ok", "silent", "short", or an exception to raise."""

    def __init__(self, name: str, outcomes: list | None = None, max_chars: int = 200):
        self.name = name
        self.max_chars = max_chars
        self.outcomes = list(outcomes or [])
        self.calls: list[SynthRequest] = []

    def voice_for(self, speaker: str) -> str:
        return f"{self.name}-{speaker}"

    def settings_key(self) -> str:
        return f"{self.name}-v1"

    def synthesize(self, req: SynthRequest) -> Speech:
        self.calls.append(req)
        outcome = self.outcomes.pop(0) if self.outcomes else "ok"
        if isinstance(outcome, Exception):
            raise outcome
        if outcome == "silent":
            return Speech(np.zeros(SAMPLE_RATE, dtype=np.float32))
        if outcome == "short":
            return Speech(babble(req.text)[: SAMPLE_RATE // 20])
        return Speech(babble(req.text))


@pytest.fixture
def scripted():
    return ScriptedEngine


@pytest.fixture
def rate_limited():
    return lambda: ProviderError("429 too many requests", retryable=True, status=429)


def pytest_collection_modifyitems(config, items):
    """The Whisper back-check tests load an ASR model: run them only when `-m asr` asks for them."""
    if "asr" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="opt-in: run with `pytest -m asr` (needs faster-whisper and the Whisper parts)")
    for item in items:
        if "asr" in item.keywords and item.path.is_relative_to(HERE):
            item.add_marker(skip)
