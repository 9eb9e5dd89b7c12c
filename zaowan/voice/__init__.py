"""The voice desk: speakable text, TTS engines with fallback, and the episode renderer.

`render_script_audio` is the one call the pipeline makes; everything else is reachable for
tests, benchmarks and other engines.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Config
    from ..records import AudioInfo, Script
    from ..store.db import Store


def render_script_audio(script: "Script", out_dir: Path, cfg: "Config", store: "Store", *,
                        on_progress: Callable[[int, int], None] | None = None, **kw) -> "AudioInfo":
    """Voice and master one script into `<out_dir>/<variant>.mp3` (+ .vtt, .srt); see voice.render."""
    # Imported on call: the renderer pulls in the audio package, which itself uses voice.text.
    from .render import render_script_audio as render

    return render(script, out_dir, cfg, store, on_progress=on_progress, **kw)


__all__ = ["render_script_audio"]
