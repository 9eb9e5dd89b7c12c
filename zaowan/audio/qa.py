"""Audio QA: checks that catch silent, cut-off or broken audio before it is published.

Segment checks run on every voiced chunk (a failing chunk is re-voiced by the next engine);
master checks run on the final mix and on the measured file. Each check returns problem
codes with a short detail, so they can be recorded in episode.json as they are.
"""
from __future__ import annotations

import numpy as np

from ..voice.text import expected_duration
from .pcm import clipped_fraction, longest_silence_s

MAX_SILENCE_S = 2.0
# Codes that mean the audio must not be used; the rest are recorded as warnings.
HARD = {"empty", "too_short", "long_silence", "non_finite"}


def check_segment(pcm: np.ndarray, sample_rate: int, spoken_text: str, speed: float = 1.0) -> list[str]:
    """Problems with one voiced chunk of `spoken_text`, as "code: detail" strings."""
    if len(pcm) == 0 or float(np.max(np.abs(pcm))) < 1e-3:
        return ["empty: no audible samples"]
    if not np.all(np.isfinite(pcm)):
        return ["non_finite: NaN or inf samples"]
    problems = []
    dur = len(pcm) / sample_rate
    lo, hi = expected_duration(spoken_text, speed)
    if dur < lo:
        problems.append(f"too_short: {dur:.2f}s, text needs at least {lo:.2f}s")
    elif dur > hi:
        problems.append(f"too_long: {dur:.2f}s, text should take at most {hi:.2f}s")
    silence = longest_silence_s(pcm, sample_rate)
    if silence > MAX_SILENCE_S:
        problems.append(f"long_silence: {silence:.2f}s of silence")
    clipped = clipped_fraction(pcm)
    if clipped > 0.001:
        problems.append(f"clipping: {clipped:.2%} of samples at full scale")
    return problems


def is_hard(problems: list[str]) -> bool:
    return any(p.split(":", 1)[0] in HARD for p in problems)


def check_mix(pcm: np.ndarray, sample_rate: int) -> list[str]:
    """Problems with the assembled mix before loudness normalisation."""
    problems = []
    silence = longest_silence_s(pcm, sample_rate)
    if silence > MAX_SILENCE_S:
        problems.append(f"long_silence: {silence:.2f}s of silence in the mix")
    clipped = clipped_fraction(pcm)
    if clipped > 0.0005:
        problems.append(f"clipping: {clipped:.2%} of samples at full scale in the mix")
    return problems


def check_loudness(measured: dict[str, float], target_lufs: float, max_true_peak: float,
                   tolerance_lu: float = 1.0) -> list[str]:
    """Final-file loudness against the target; true peak must not exceed the ceiling."""
    problems = []
    if abs(measured["lufs"] - target_lufs) > tolerance_lu:
        problems.append(f"loudness: {measured['lufs']:.1f} LUFS, target {target_lufs:.1f} ±{tolerance_lu}")
    if measured["true_peak_dbtp"] > max_true_peak:
        problems.append(f"true_peak: {measured['true_peak_dbtp']:.1f} dBTP over {max_true_peak:.1f}")
    return problems
