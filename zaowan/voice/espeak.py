"""espeak-ng as the very last resort: robotic but intelligible Mandarin from the espeak-ng
library that kokoro-onnx already bundles (espeakng-loader). Only used when a chain names it.

It drives the C API directly (synchronous output into a callback) rather than a binary,
because the wheel ships the shared library and its data, not the command-line program.
"""
from __future__ import annotations

import ctypes
import threading

import numpy as np

from ..errors import ProviderError, VoiceError
from .base import SAMPLE_RATE, Speech, SynthRequest

AUDIO_OUTPUT_SYNCHRONOUS = 2
POS_CHARACTER = 1
ESPEAK_CHARS_UTF8 = 1
ESPEAK_RATE = 1
BASE_WPM = 165

_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)
# espeak-ng keeps one global synthesiser per process: every use goes through this lock.
_lock = threading.Lock()
_state: dict[str, object] = {}


def _library():
    if "lib" not in _state:
        try:
            import espeakng_loader
        except ImportError as exc:
            raise VoiceError("espeak engine needs espeakng-loader (installed with kokoro-onnx)") from exc
        lib = ctypes.cdll.LoadLibrary(espeakng_loader.get_library_path())
        lib.espeak_Initialize.restype = ctypes.c_int
        rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0,
                                     espeakng_loader.get_data_path().encode(), 0)
        if rate <= 0:
            raise VoiceError("espeak-ng failed to initialise")
        _state.update(lib=lib, rate=rate, chunks=[])

        def collect(wav, n, _events):
            if n > 0:
                _state["chunks"].append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
            return 0  # 0 = keep going

        _state["callback"] = _CALLBACK(collect)  # keep a reference: ctypes must not free it
        lib.espeak_SetSynthCallback(_state["callback"])
    return _state["lib"]


def _resample(pcm: np.ndarray, src: int, dst: int) -> np.ndarray:
    """Linear resampling is enough for a last-resort robot voice."""
    if src == dst or len(pcm) == 0:
        return pcm
    n = int(round(len(pcm) * dst / src))
    return np.interp(np.linspace(0, len(pcm) - 1, n), np.arange(len(pcm)), pcm).astype(np.float32)


class EspeakEngine:
    name = "espeak"
    max_chars = 300

    def __init__(self, voice: str = "cmn"):
        self.voice = voice

    def voice_for(self, speaker: str) -> str:
        return self.voice

    def settings_key(self) -> str:
        return f"espeak-ng:{self.voice}"

    def synthesize(self, req: SynthRequest) -> Speech:
        data = req.text.encode("utf-8") + b"\0"
        with _lock:
            lib = _library()
            if lib.espeak_SetVoiceByName(self.voice.encode()) != 0:
                raise ProviderError(f"espeak: no voice {self.voice!r}", retryable=False)
            lib.espeak_SetParameter(ESPEAK_RATE, int(BASE_WPM * req.speed), 0)
            _state["chunks"] = []
            status = lib.espeak_Synth(data, len(data), 0, POS_CHARACTER, 0, ESPEAK_CHARS_UTF8, None, None)
            chunks = _state["chunks"]
        if status != 0 or not chunks:
            raise ProviderError(f"espeak: synthesis failed (status {status})", retryable=False)
        pcm = np.concatenate(chunks).astype(np.float32) / 32768.0
        return Speech(_resample(pcm, int(_state["rate"]), SAMPLE_RATE), SAMPLE_RATE)
