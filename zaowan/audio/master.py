"""Mastering: mix planned clips with the stings, two-pass loudness normalisation, MP3 encode,
then measure the file that listeners will actually get.

loudnorm in linear mode after a measuring pass keeps speech dynamics intact; it can overshoot
the true-peak ceiling a little, so the target ceiling is set 0.5 dB under the limit that QA
enforces, and a file that still overshoots is turned down once and re-encoded.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import AudioError
from . import ffmpeg
from .pcm import fade, write_wav
from .plan import Plan

OUTPUT_RATE = 44100
LRA_TARGET = 11.0


@dataclass(frozen=True)
class MasterSettings:
    target_lufs: float = -16.0
    true_peak_db: float = -1.5  # loudnorm's ceiling
    max_true_peak_db: float = -1.0  # what QA accepts on the final file
    bitrate: str = "128k"
    channels: int = 2


def mix(plan: Plan, clips_pcm: list[np.ndarray], sample_rate: int, *,
        intro: np.ndarray | None = None, outro: np.ndarray | None = None) -> np.ndarray:
    """Place each clip at its planned start; stings go under the speech edges they overlap."""
    if len(clips_pcm) != len(plan.clips):
        raise AudioError(f"mix got {len(clips_pcm)} clips for a plan of {len(plan.clips)}")
    out = np.zeros(int(round(plan.total_s * sample_rate)) + 1, dtype=np.float32)

    def add(at_s: float, pcm: np.ndarray) -> None:
        i = int(round(at_s * sample_rate))
        n = min(len(pcm), len(out) - i)
        if n > 0:
            out[i:i + n] += pcm[:n]

    if intro is not None:
        add(0.0, intro)
    for start, pcm in zip(plan.starts, clips_pcm):
        # 5 ms fades remove the click where a trimmed clip starts or stops mid-wave.
        add(start, fade(pcm, sample_rate, 0.005, 0.005))
    if outro is not None and plan.outro_start is not None:
        add(plan.outro_start, outro)
    return out


def master_to_mp3(pcm: np.ndarray, sample_rate: int, dest: Path, settings: MasterSettings) -> dict:
    """Normalise and encode `pcm` to `dest` (MP3); return the final file's measurements."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="zaowan-master-") as tmpdir:
        wav = write_wav(Path(tmpdir) / "mix.wav", pcm, sample_rate, settings.channels)
        first = ffmpeg.loudnorm_measure(wav, settings.target_lufs, settings.true_peak_db, LRA_TARGET)
        _encode(wav, dest, settings, first, gain_db=0.0)
        final = ffmpeg.ebur128(dest)
        over = final["true_peak_dbtp"] - settings.max_true_peak_db
        correction = 0.0
        if over > 0:
            # One corrective pass: turn the whole file down by the overshoot plus a margin.
            correction = -(over + 0.3)
            _encode(wav, dest, settings, first, gain_db=correction)
            final = ffmpeg.ebur128(dest)
    return {**final, "first_pass": first, "correction_db": correction}


def _encode(wav: Path, dest: Path, s: MasterSettings, m: dict, *, gain_db: float) -> None:
    af = (f"loudnorm=I={s.target_lufs}:TP={s.true_peak_db}:LRA={LRA_TARGET}"
          f":measured_I={m['input_i']}:measured_TP={m['input_tp']}:measured_LRA={m['input_lra']}"
          f":measured_thresh={m['input_thresh']}:offset={m['target_offset']}:linear=true")
    if gain_db:
        af += f",volume={gain_db}dB"
    tmp = dest.with_name(dest.name + ".part.mp3")
    ffmpeg.run(["-i", str(wav), "-af", af, "-ar", str(OUTPUT_RATE), "-ac", str(s.channels),
                "-c:a", "libmp3lame", "-b:a", s.bitrate, "-id3v2_version", "0", "-write_xing", "1", str(tmp)])
    tmp.replace(dest)
