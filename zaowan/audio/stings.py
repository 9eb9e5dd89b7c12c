"""Intro and outro stings, synthesised here from sine partials: nothing is sampled or downloaded.

The intro rises (a bright major arpeggio, like a morning bell); the outro falls back to the
root and rings out. Both are deterministic, so cached episodes do not change between runs.
"""
from __future__ import annotations

import numpy as np

from .pcm import fade

# Equal-tempered note frequencies (Hz) for the notes used.
_NOTES = {"C5": 523.25, "E5": 659.26, "G5": 783.99, "A5": 880.00, "C6": 1046.50, "G4": 392.00, "C4": 261.63}


def _bell(freq: float, seconds: float, sample_rate: int, decay: float = 3.0) -> np.ndarray:
    """A soft bell: a fundamental and two quiet overtones under an exponential decay."""
    t = np.arange(int(seconds * sample_rate), dtype=np.float32) / sample_rate
    tone = (np.sin(2 * np.pi * freq * t) + 0.35 * np.sin(2 * np.pi * 2 * freq * t)
            + 0.12 * np.sin(2 * np.pi * 3.01 * freq * t))
    env = np.exp(-decay * t) * np.minimum(1.0, t / 0.008)  # 8 ms attack: no click
    return (tone * env).astype(np.float32)


def _pad(freqs: list[float], seconds: float, sample_rate: int) -> np.ndarray:
    t = np.arange(int(seconds * sample_rate), dtype=np.float32) / sample_rate
    wave = sum(np.sin(2 * np.pi * f * t) for f in freqs) / len(freqs)
    return fade(wave.astype(np.float32), sample_rate, seconds * 0.4, seconds * 0.5)


def _arrange(notes: list[tuple[float, str]], seconds: float, sample_rate: int, pad: list[str]) -> np.ndarray:
    out = 0.35 * _pad([_NOTES[n] for n in pad], seconds, sample_rate)
    for start, note in notes:
        i = int(start * sample_rate)
        bell = _bell(_NOTES[note], seconds - start, sample_rate)
        out[i:i + len(bell)] += bell[: len(out) - i]
    out /= max(1e-6, float(np.max(np.abs(out))))
    return fade(0.5 * out, sample_rate, 0.0, 0.6)


def intro_sting(sample_rate: int, seconds: float = 3.0) -> np.ndarray:
    return _arrange([(0.0, "C5"), (0.18, "E5"), (0.36, "G5"), (0.54, "C6")], seconds, sample_rate, ["C4", "G4"])


def outro_sting(sample_rate: int, seconds: float = 3.5) -> np.ndarray:
    return _arrange([(0.0, "C6"), (0.22, "A5"), (0.44, "G5"), (0.7, "C5")], seconds, sample_rate, ["C4", "G4"])
