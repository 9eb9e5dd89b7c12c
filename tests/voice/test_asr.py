"""ASR back-check: scoring (pure), the re-voice rule (scripted engines), and Whisper for real (-m asr)."""
import pytest

from zaowan.config import Config
from zaowan.records import ScriptLine
from zaowan.store.db import Store
from zaowan.voice import asr
from zaowan.voice.chain import Chain
from zaowan.voice.render import Chunk, asr_recheck, voice_chunk


def test_edit_distance_and_error_rate():
    assert asr.edit_distance("kitten", "sitting") == 3
    assert asr.edit_distance("", "abc") == 3
    assert asr.edit_distance(["ni", "hao"], ["ni", "hao"]) == 0
    assert asr.cer("abcd", "abed") == 0.25
    assert asr.cer("", "") == 0.0 and asr.cer("", "x") == 1.0


def test_normalisation_makes_script_and_punctuation_irrelevant():
    speak = lambda t: t.replace("40%", "百分之四十")
    assert asr.normalise_for_cer("速度提升了40%。", speak) == asr.normalise_for_cer("速度提升了百分之四十", speak)
    assert asr.normalise_for_cer("發佈了 GPT！") == "发布了gpt"


def test_syllables_forgive_homophones_but_not_wrong_sounds():
    ref, homophone, wrong = "韩立峰", "涵利风", "被承诺"
    assert asr.cer(asr.syllables(ref), asr.syllables(homophone)) == 0.0
    assert asr.cer(ref, homophone) == 1.0
    assert asr.cer(asr.syllables(ref), asr.syllables(wrong)) == 1.0
    assert asr.syllables("gpt五") == ["g", "p", "t", "wu"]


def _chunk(text="阿里开源了千问三的新模型。"):
    return Chunk(0, ScriptLine(kind="story", text=text, story_id="s1"), text, text)


@pytest.fixture
def env(tmp_path):
    cfg = Config()
    cfg.output.dir = str(tmp_path)
    cfg.voice.asr_max_cer = 0.25
    store = Store(tmp_path / "z.db")
    yield cfg, store, tmp_path / "cache"
    store.close()


def test_misheard_chunk_is_revoiced_by_the_next_engine(env, scripted):
    cfg, store, cache = env
    a, b = scripted("minimax"), scripted("kokoro")
    chain = Chain([a, b], sleep=lambda s: None)
    scores = {"minimax": 0.6, "kokoro": 0.05}
    check = lambda v: {"cer": scores[v.engine], "ser": scores[v.engine], "heard": "x", "said": v.chunk.spoken}
    v = voice_chunk(_chunk(), chain, store, cache, 1.0)
    best = asr_recheck(v, chain, store, cache, cfg, check)
    assert best.engine == "kokoro" and best.asr["ser"] == 0.05
    assert any(at.error.startswith("asr:") for at in best.attempts)


def test_good_chunk_is_kept_and_worse_alternatives_are_not_taken(env, scripted):
    cfg, store, cache = env
    chain = Chain([scripted("minimax"), scripted("kokoro")], sleep=lambda s: None)
    fine = lambda v: {"cer": 0.1, "ser": 0.1, "heard": "", "said": ""}
    v = voice_chunk(_chunk(), chain, store, cache, 1.0)
    assert asr_recheck(v, chain, store, cache, cfg, fine).engine == "minimax"
    scores = {"minimax": 0.5, "kokoro": 0.9}
    worse = lambda v: {"cer": 0, "ser": scores[v.engine], "heard": "", "said": ""}
    assert asr_recheck(v, chain, store, cache, cfg, worse).engine == "minimax"


@pytest.mark.asr
def test_whisper_hears_model_names_and_numbers_from_kokoro(tmp_path):
    from zaowan.voice.base import SynthRequest
    from zaowan.voice.kokoro import KokoroEngine
    from zaowan.voice.normalize import speakable

    eng = KokoroEngine({"host": "zf_xiaoxiao"})
    said = speakable("OpenAI今天发布了GPT-5，推理速度提升了40%。")
    speech = eng.synthesize(SynthRequest(said))
    result = asr.back_check(said, speech.pcm, speech.sample_rate, speak=speakable)
    assert result["ser"] <= 0.25, result
    assert "40" in result["heard"] or "四十" in result["heard"]
