"""render_script_audio end to end: scripted engines for the logic, Kokoro once for real."""
import json

import numpy as np
import pytest
from mutagen.id3 import ID3

from zaowan.audio import ffmpeg
from zaowan.config import Config
from zaowan.errors import ProviderError, VoiceError
from zaowan.records import Script, ScriptLine
from zaowan.store.db import Store
from zaowan.voice import render_script_audio
from zaowan.voice.chain import Chain
from zaowan.voice.render import make_chunks


def script(variant="short"):
    return Script(
        edition_id="2026-11-22-evening", variant=variant, title="早晚AI报 2026年11月22日 晚间版",
        hooks=["GPT-5到底强在哪？", "国产芯片有什么新进展？"],
        greeting="大家好，欢迎收听早晚AI报。",
        stories=[ScriptLine(kind="story", story_id="s1", text="先看第一条。OpenAI发布了GPT-5，推理速度提升了四成。官方还公布了价格。"),
                 ScriptLine(kind="story", story_id="s2", text="第二条，阿里开源了Qwen3，有七百二十亿参数。", speaker="cohost")],
        signoff="今天的节目就到这里，我们下期再见。", keywords=["AI"])


@pytest.fixture
def env(tmp_path):
    cfg = Config()
    cfg.output.dir = str(tmp_path / "out")
    store = Store(tmp_path / "z.db")
    yield cfg, store, tmp_path / "episode"
    store.close()


def test_renders_mp3_transcripts_chapters_and_qa(env, scripted):
    cfg, store, out = env
    eng = scripted("fake")
    progress = []
    info = render_script_audio(script(), out, cfg, store, chain=Chain([eng]), text_pass=lambda t, lex=None: t,
                               on_progress=lambda a, b: progress.append((a, b)))
    assert info.path == "short.mp3"
    assert (out / "short.mp3").is_file() and (out / "short.vtt").is_file() and (out / "short.srt").is_file()
    n = len(eng.calls)
    assert progress[-1] == (n, n) and n >= 7
    assert abs(info.lufs - cfg.audio.loudness_target) <= 1.0 and info.true_peak_dbtp <= -1.0
    assert [c["story_id"] for c in info.chapters] == ["", "s1", "s2", ""]
    assert info.qa["passed"] and info.qa["engines"] == {"fake": n} and info.qa["text_pass"] == "injected"
    # the file is as long as the plan, so chapters and cues line up with what is heard
    assert ffmpeg.probe_duration(out / "short.mp3") == pytest.approx(info.duration_s, abs=0.1)
    assert len(ID3(str(out / "short.mp3")).getall("CHAP")) == 4
    assert json.loads((out / "short.qa.json").read_text())["segments"] == n
    assert info.qa["file_duration_s"] == pytest.approx(info.duration_s, abs=0.1)
    # speakers are passed through: the co-host's story asked for the co-host voice
    assert {c.speaker for c in eng.calls} == {"host", "cohost"}


def test_cues_sit_on_the_audio(env, scripted):
    cfg, store, out = env
    info = render_script_audio(script(), out, cfg, store, chain=Chain([scripted("fake")]),
                               text_pass=lambda t, lex=None: t)
    vtt = (out / "short.vtt").read_text()
    assert "OpenAI发布了GPT-5，推理速度提升了四成。" in vtt
    pcm = ffmpeg.decode_file(out / "short.mp3", 24000)
    first_story = next(c for c in info.chapters if c["story_id"] == "s1")
    i = int(first_story["start_s"] * 24000)
    # speech begins at the chapter mark: quiet just before (the section pause), loud just after
    assert np.sqrt(np.mean(pcm[i - 4800:i - 1200] ** 2)) < 0.01 < np.sqrt(np.mean(pcm[i + 1200:i + 12000] ** 2))


def test_rerun_pays_nothing(env, scripted):
    cfg, store, out = env
    first = scripted("fake")
    render_script_audio(script(), out, cfg, store, chain=Chain([first]), text_pass=lambda t, lex=None: t)
    again = scripted("fake")
    info = render_script_audio(script(), out, cfg, store, chain=Chain([again]), text_pass=lambda t, lex=None: t)
    assert again.calls == [] and info.qa["cached_segments"] == info.qa["segments"]


def test_cache_key_follows_text_voice_and_settings(env, scripted):
    cfg, store, out = env
    render_script_audio(script(), out, cfg, store, chain=Chain([scripted("fake")]), text_pass=lambda t, lex=None: t)
    cfg.voice.speed = 1.1
    again = scripted("fake")
    render_script_audio(script(), out, cfg, store, chain=Chain([again]), text_pass=lambda t, lex=None: t)
    assert again.calls  # a different speed is different audio


def test_dead_vendor_falls_back_and_is_recorded(env, scripted):
    cfg, store, out = env
    dead = scripted("minimax", [ProviderError("HTTP 503", retryable=True, status=503)] * 100)
    local = scripted("kokoro")
    info = render_script_audio(script(), out, cfg, store, chain=Chain([dead, local], sleep=lambda s: None),
                               text_pass=lambda t, lex=None: t)
    assert info.qa["engines"] == {"kokoro": len(local.calls)}
    assert info.qa["fallbacks"] and info.qa["fallbacks"][0]["failed"][0]["engine"] == "minimax"


def test_unvoiceable_script_raises_and_keeps_nothing_half_done(env, scripted):
    cfg, store, out = env
    with pytest.raises(VoiceError):
        render_script_audio(script(), out, cfg, store, chain=Chain([scripted("fake", ["silent"] * 100)]),
                            text_pass=lambda t, lex=None: t)
    assert not (out / "short.mp3").exists()


def test_text_pass_is_applied_but_transcript_keeps_script_words(env, scripted):
    cfg, store, out = env
    eng = scripted("fake")
    cfg.voice.lexicon = {"Qwen3": "千问三"}
    seen = []

    def text_pass(t, lexicon=None):
        seen.append(lexicon)
        for k, v in (lexicon or {}).items():
            t = t.replace(k, v)
        return t

    render_script_audio(script(), out, cfg, store, chain=Chain([eng]), text_pass=text_pass)
    assert any("千问三" in c.text for c in eng.calls) and not any("Qwen3" in c.text for c in eng.calls)
    assert "Qwen3" in (out / "short.vtt").read_text()
    assert seen[0] == {"Qwen3": "千问三"}


def test_chunks_respect_the_engine_limit_after_the_text_pass():
    lines = script().spoken_lines()
    chunks = make_chunks(lines, 20, lambda t, lex=None: t + "（补充说明的文字很长很长很长）", None)
    assert all(len(c.spoken) <= 20 for c in chunks)
    assert make_chunks([ScriptLine(kind="story", text="……")], 50, lambda t, lex=None: t, None) == []


def test_real_kokoro_render(env):
    cfg, store, out = env
    s = Script(edition_id="2026-11-22-morning", variant="short", title="早晚AI报 2026-11-22",
               hooks=["GPT-5来了吗？"], greeting="大家好。",
               stories=[ScriptLine(kind="story", story_id="s1", text="OpenAI发布了新模型，速度提升四成。")],
               signoff="我们下期再见。", keywords=[])
    info = render_script_audio(s, out, cfg, store)
    assert info.qa["passed"] and info.qa["engines"] == {"kokoro": info.qa["segments"]}
    assert info.qa["voices"] == {"zf_xiaoxiao": info.qa["segments"]}
    assert abs(info.lufs + 16) <= 1.0 and info.true_peak_dbtp <= -1.0
