"""Kokoro model assembly, vendored voices, mixed-script phonemes, and one real synthesis."""
import hashlib

import numpy as np
import pytest

from zaowan.errors import ProviderError, VoiceError
from zaowan.voice import kokoro
from zaowan.voice.base import SynthRequest


def test_join_parts_verifies_hash_and_is_atomic(tmp_path):
    parts = []
    for i, data in enumerate([b"abc", b"def", b"gh"]):
        p = tmp_path / f"p{i}"
        p.write_bytes(data)
        parts.append(p)
    good = hashlib.sha256(b"abcdefgh").hexdigest()
    dest = kokoro.join_parts(parts, tmp_path / "cache" / "m.onnx", good)
    assert dest.read_bytes() == b"abcdefgh"
    # second call trusts the stamp and does not rewrite
    mtime = dest.stat().st_mtime_ns
    assert kokoro.join_parts(parts, dest, good).stat().st_mtime_ns == mtime
    with pytest.raises(VoiceError, match="sha256"):
        kokoro.join_parts(parts, tmp_path / "other.onnx", "0" * 64)
    assert not (tmp_path / "other.onnx").exists()
    assert not list(tmp_path.glob("*.tmp*"))


def test_installed_parts_join_to_the_pinned_model(tmp_path):
    parts = kokoro.model_parts()
    assert len(parts) == 4 and all(p.name == "part.bin" for p in parts)
    # the default cache already holds the verified model in normal use; verify it from scratch here
    path = kokoro.ensure_model(kokoro.default_cache_dir())
    assert path.stat().st_size == sum(p.stat().st_size for p in parts)
    assert path.with_suffix(".onnx.sha256").read_text().split()[0] == kokoro.MODEL_SHA256


@pytest.mark.parametrize("name", kokoro.VOICES)
def test_vendored_voices_load_with_their_shape(name):
    v = kokoro.load_voice(name)
    assert v.shape == (510, 1, 256) and v.dtype == np.float32 and np.isfinite(v).all()


def test_xiaoni_is_not_shipped_and_unknown_voices_are_refused():
    assert not (kokoro.VOICES_DIR / "zf_xiaoni.bin").exists()
    with pytest.raises(VoiceError, match="zf_xiaoni"):
        kokoro.load_voice("zf_xiaoni")
    with pytest.raises(VoiceError, match="not a Kokoro Mandarin voice"):
        kokoro.KokoroEngine({"host": "af_heart"})


def test_licence_and_attribution_ship_with_the_voices():
    assert "Apache License" in (kokoro.VOICES_DIR / "LICENSE").read_text()
    assert "kokoro-js@1.2.1" in (kokoro.VOICES_DIR / "ATTRIBUTION.md").read_text()


def test_phonemize_routes_latin_runs_to_the_english_phonemiser():
    zh = lambda run: (f"<zh:{run}>", None)
    en = lambda run: f"<en:{run}>"
    assert kokoro.phonemize("阿里的Qwen3开源", zh, en) == "<zh:阿里的> <en:Qwen3> <zh:开源>"


@pytest.fixture(scope="module")
def engine():
    return kokoro.KokoroEngine({"host": "zf_xiaoxiao", "cohost": "zm_yunyang"})


def test_latin_letters_are_not_dropped(engine):
    ph = engine.phonemes("OpenAI发布了GPT")
    zh_only = engine.phonemes("发布了")
    assert len(ph) > len(zh_only) + 6  # the English runs produce phonemes of their own


def test_real_synthesis_is_speech_length(engine):
    speech = engine.synthesize(SynthRequest("大家好，欢迎收听早晚AI报。", "host"))
    assert speech.sample_rate == 24000
    assert 1.5 < speech.duration_s < 6.0
    assert np.max(np.abs(speech.pcm)) > 0.05
    assert engine.voice_for("cohost") == "zm_yunyang" and engine.voice_for("guest") == "zf_xiaoxiao"


def test_text_without_phonemes_is_a_provider_error(engine):
    with pytest.raises(ProviderError):
        engine.synthesize(SynthRequest("……", "host"))
