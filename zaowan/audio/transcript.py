"""WebVTT and SubRip transcripts from planned cues (pure)."""
from __future__ import annotations

from .plan import Cue


def _stamp(seconds: float, sep: str) -> str:
    ms = int(round(max(0.0, seconds) * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _clean(text: str) -> str:
    # A blank line or "-->" inside a cue would end it early in both formats.
    return " ".join(text.replace("-->", "→").split())


def to_vtt(cues: list[Cue]) -> str:
    parts = ["WEBVTT", ""]
    for i, c in enumerate(cues, 1):
        parts += [str(i), f"{_stamp(c.start_s, '.')} --> {_stamp(c.end_s, '.')}", _clean(c.text), ""]
    return "\n".join(parts)


def to_srt(cues: list[Cue]) -> str:
    parts = []
    for i, c in enumerate(cues, 1):
        parts += [str(i), f"{_stamp(c.start_s, ',')} --> {_stamp(c.end_s, ',')}", _clean(c.text), ""]
    return "\n".join(parts)
