"""Small PCM utilities on numpy arrays, plus 16-bit WAV read/write with the standard library."""
from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from ..errors import AudioError


def to_int16(pcm: np.ndarray) -> np.ndarray:
    return (np.clip(pcm, -1.0, 1.0) * 32767.0).round().astype("<i2")


def write_wav(path: Path, pcm: np.ndarray, sample_rate: int, channels: int = 1) -> Path:
    """Write mono PCM as 16-bit WAV, duplicated to `channels` (2 = the same signal on L and R)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = to_int16(pcm)
    if channels == 2:
        data = np.repeat(data, 2)
    tmp = path.with_name(path.name + ".part")
    with wave.open(str(tmp), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(data.tobytes())
    tmp.replace(path)
    return path


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Read a 16-bit WAV written by `write_wav` back to mono float32."""
    try:
        with wave.open(str(path), "rb") as w:
            if w.getsampwidth() != 2:
                raise AudioError(f"{path}: expected 16-bit WAV")
            frames = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
            if w.getnchannels() == 2:
                frames = frames.reshape(-1, 2).mean(axis=1)
            return frames.astype(np.float32) / 32767.0, w.getframerate()
    except (wave.Error, EOFError) as exc:
        raise AudioError(f"{path}: unreadable WAV: {exc}") from exc


def fade(pcm: np.ndarray, sample_rate: int, fade_in_s: float = 0.0, fade_out_s: float = 0.0) -> np.ndarray:
    """Raised-cosine fades; they avoid the clicks a hard cut makes at a join."""
    out = pcm.astype(np.float32, copy=True)
    for seconds, head in ((fade_in_s, True), (fade_out_s, False)):
        n = min(len(out), int(seconds * sample_rate))
        if n <= 1:
            continue
        ramp = 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, n, dtype=np.float32))
        if head:
            out[:n] *= ramp
        else:
            out[-n:] *= ramp[::-1]
    return out


def frame_db(pcm: np.ndarray, sample_rate: int, frame_s: float = 0.05) -> np.ndarray:
    """RMS level per frame in dBFS (floor −120)."""
    n = max(1, int(frame_s * sample_rate))
    usable = len(pcm) // n * n
    if usable == 0:
        return np.full(1, -120.0)
    frames = pcm[:usable].reshape(-1, n).astype(np.float64)
    rms = np.sqrt(np.mean(frames * frames, axis=1))
    return 20 * np.log10(np.maximum(rms, 1e-6))


def longest_silence_s(pcm: np.ndarray, sample_rate: int, threshold_db: float = -50.0, frame_s: float = 0.05) -> float:
    """Length of the longest run of frames quieter than `threshold_db`."""
    quiet = frame_db(pcm, sample_rate, frame_s) < threshold_db
    best = run = 0
    for q in quiet:
        run = run + 1 if q else 0
        best = max(best, run)
    return best * frame_s


def clipped_fraction(pcm: np.ndarray, limit: float = 0.999) -> float:
    return float(np.mean(np.abs(pcm) >= limit)) if len(pcm) else 0.0
