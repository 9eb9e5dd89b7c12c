from zaowan.audio.plan import Cue
from zaowan.audio.transcript import to_srt, to_vtt

CUES = [Cue(0.0, 1.5, "第一句。"), Cue(3661.25, 3662.0, "第二句 --> 含\n换行")]


def test_vtt_format():
    vtt = to_vtt(CUES)
    assert vtt.startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.500\n第一句。\n")
    assert "01:01:01.250 --> 01:01:02.000\n第二句 → 含 换行\n" in vtt


def test_srt_format():
    srt = to_srt(CUES)
    assert srt.startswith("1\n00:00:00,000 --> 00:00:01,500\n第一句。\n\n2\n01:01:01,250 --> 01:01:02,000\n")
