"""espeak-ng, the last-resort local engine, through the library kokoro-onnx bundles."""
import numpy as np

from zaowan.audio.qa import check_segment, is_hard
from zaowan.config import Config
from zaowan.voice.base import SynthRequest
from zaowan.voice.espeak import EspeakEngine, _resample
from zaowan.voice.registry import build_chain


def test_espeak_speaks_mandarin_at_the_common_rate():
    text = "大家好，欢迎收听早晚报。"
    speech = EspeakEngine().synthesize(SynthRequest(text))
    assert speech.sample_rate == 24000
    assert not is_hard(check_segment(speech.pcm, speech.sample_rate, text))
    faster = EspeakEngine().synthesize(SynthRequest(text, speed=1.5))
    assert faster.duration_s < speech.duration_s


def test_espeak_is_only_in_a_chain_that_names_it():
    cfg = Config()
    assert [e.name for e in build_chain(cfg, env={}).engines] == ["kokoro"]
    cfg.voice.chain = ["kokoro", "espeak"]
    assert [e.name for e in build_chain(cfg, env={}).engines] == ["kokoro", "espeak"]


def test_resample_keeps_duration():
    pcm = np.sin(np.linspace(0, 100, 22050)).astype(np.float32)
    assert len(_resample(pcm, 22050, 24000)) == 24000
