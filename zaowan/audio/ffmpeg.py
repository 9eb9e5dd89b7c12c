"""The only module that runs ffmpeg (from the imageio-ffmpeg wheel: no system install needed).

Every failure becomes an `AudioError` carrying the tail of ffmpeg's own message.
"""
from __future__ import annotations

import json
import re
import subprocess
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import AudioError


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    try:
        import imageio_ffmpeg
        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as exc:
        raise AudioError(f"no ffmpeg available (pip install imageio-ffmpeg): {exc}") from exc


def run(args: list[str], *, stdin: bytes | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    cmd = [ffmpeg_exe(), "-hide_banner", "-y", *(["-nostdin"] if stdin is None else []), *args]
    try:
        proc = subprocess.run(cmd, input=stdin, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise AudioError(f"ffmpeg timed out after {timeout:.0f}s") from exc
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise AudioError(f"ffmpeg failed ({proc.returncode}): {' | '.join(tail)}")
    return proc


def decode(data: bytes, sample_rate: int) -> np.ndarray:
    """Any audio container ffmpeg knows (MP3, WAV, OGG…) → mono float32 at `sample_rate`."""
    if not data:
        raise AudioError("cannot decode empty audio")
    proc = run(["-i", "pipe:0", "-f", "f32le", "-ac", "1", "-ar", str(sample_rate), "pipe:1"], stdin=data)
    pcm = np.frombuffer(proc.stdout, dtype="<f4").astype(np.float32)
    if pcm.size == 0:
        raise AudioError("decoded audio has no samples")
    return pcm


def decode_file(path: Path, sample_rate: int) -> np.ndarray:
    return decode(Path(path).read_bytes(), sample_rate)


def loudnorm_measure(path: Path, target_i: float, target_tp: float, target_lra: float = 11.0) -> dict[str, float]:
    """First loudnorm pass: the input's integrated loudness, true peak, LRA and threshold."""
    af = f"loudnorm=I={target_i}:TP={target_tp}:LRA={target_lra}:print_format=json"
    proc = run(["-i", str(path), "-af", af, "-f", "null", "-"])
    text = proc.stderr.decode("utf-8", "replace")
    m = re.search(r"\{[^{}]*\"input_i\"[^{}]*\}", text)
    if not m:
        raise AudioError("loudnorm printed no measurement")
    data = json.loads(m.group(0))
    try:
        return {k: float(data[k]) for k in ("input_i", "input_tp", "input_lra", "input_thresh", "target_offset")}
    except (KeyError, ValueError) as exc:
        raise AudioError(f"loudnorm measurement unreadable: {data}") from exc


def ebur128(path: Path) -> dict[str, float]:
    """Integrated loudness (LUFS), loudness range and true peak (dBTP) as EBU R128 measures them."""
    proc = run(["-nostats", "-i", str(path), "-af", "ebur128=peak=true", "-f", "null", "-"])
    text = proc.stderr.decode("utf-8", "replace")
    summary = text[text.rfind("Summary:"):]
    i = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    lra = re.search(r"LRA:\s+(-?[\d.]+) LU", summary)
    tp = re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if not (i and tp):
        raise AudioError("ebur128 printed no summary")
    return {"lufs": float(i.group(1)), "lra": float(lra.group(1)) if lra else 0.0,
            "true_peak_dbtp": float(tp.group(1))}


def probe_duration(path: Path) -> float:
    """Duration of a file by decoding it (exact for MP3, unlike header estimates)."""
    proc = run(["-i", str(path), "-f", "null", "-"])
    times = re.findall(r"time=(\d+):(\d+):([\d.]+)", proc.stderr.decode("utf-8", "replace"))
    if not times:
        raise AudioError(f"could not read the duration of {path}")
    h, m, s = times[-1]
    return int(h) * 3600 + int(m) * 60 + float(s)
