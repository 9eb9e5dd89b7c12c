"""Audio QA and PCM helpers on synthetic signals."""
import numpy as np
import pytest

from zaowan.audio import qa
from zaowan.audio.pcm import clipped_fraction, fade, longest_silence_s, read_wav, write_wav
from zaowan.audio.stings import intro_sting, outro_sting

SR = 24000


def tone(seconds, amp=0.3, f=220.0):
    t = np.arange(int(seconds * SR)) / SR
    return (amp * np.sin(2 * np.pi * f * t)).astype(np.float32)


def test_good_segment_passes():
    assert qa.check_segment(tone(2.0), SR, "今天天气很好啊") == []


def test_empty_and_silent_segments_are_hard_failures():
    for pcm in (np.zeros(0, np.float32), np.zeros(SR, np.float32)):
        problems = qa.check_segment(pcm, SR, "今天天气很好")
        assert qa.is_hard(problems) and problems[0].startswith("empty")


def test_cut_off_segment_is_too_short():
    problems = qa.check_segment(tone(0.5), SR, "这是一句相当长的新闻播报内容，至少需要好几秒钟才能读完。")
    assert problems[0].startswith("too_short") and qa.is_hard(problems)


def test_babbling_segment_is_too_long_but_soft():
    problems = qa.check_segment(tone(20.0), SR, "你好")
    assert problems[0].startswith("too_long") and not qa.is_hard(problems)


def test_long_silence_inside_a_segment_is_caught():
    pcm = np.concatenate([tone(2.0), np.zeros(int(2.5 * SR), np.float32), tone(2.0)])
    problems = qa.check_segment(pcm, SR, "这是一句相当长的新闻播报内容")
    assert any(p.startswith("long_silence") for p in problems) and qa.is_hard(problems)


def test_clipping_and_nan_are_caught():
    assert any(p.startswith("clipping") for p in qa.check_segment(tone(2.0, amp=3.0).clip(-1, 1), SR, "今天天气很好啊"))
    bad = tone(2.0)
    bad[100] = np.nan
    assert qa.check_segment(bad, SR, "今天天气很好啊")[0].startswith("non_finite")


def test_loudness_check():
    assert qa.check_loudness({"lufs": -16.4, "true_peak_dbtp": -1.6}, -16.0, -1.0) == []
    problems = qa.check_loudness({"lufs": -20.0, "true_peak_dbtp": -0.2}, -16.0, -1.0)
    assert [p.split(":")[0] for p in problems] == ["loudness", "true_peak"]


def test_pcm_helpers(tmp_path):
    pcm = tone(1.0)
    back, sr = read_wav(write_wav(tmp_path / "a.wav", pcm, SR))
    assert sr == SR and np.max(np.abs(back - pcm)) < 1e-4
    stereo, _ = read_wav(write_wav(tmp_path / "b.wav", pcm, SR, channels=2))
    assert len(stereo) == len(pcm)
    faded = fade(pcm, SR, 0.1, 0.1)
    assert abs(faded[0]) < 1e-6 and abs(faded[-1]) < 1e-3
    assert longest_silence_s(np.concatenate([pcm, np.zeros(SR, np.float32), pcm]), SR) == pytest.approx(1.0, abs=0.06)
    assert clipped_fraction(np.ones(10, np.float32)) == 1.0


def test_stings_are_generated_deterministic_and_not_clipping():
    a, b = intro_sting(SR), intro_sting(SR)
    assert np.array_equal(a, b)
    assert len(a) == 3 * SR and len(outro_sting(SR)) == int(3.5 * SR)
    assert 0.3 < np.max(np.abs(a)) <= 0.5
    assert abs(a[-1]) < 1e-3  # fades out: the crossfade into speech has no edge
