"""Timeline planning, chapters and cues (pure)."""
import pytest

from zaowan.audio.plan import Clip, Gaps, chapter_title, chapters, cues, plan_timeline


def clips():
    return [
        Clip(2.0, "问题一？", 0, "hook"),
        Clip(2.0, "问题二？", 1, "hook"),
        Clip(3.0, "大家好。", 2, "greeting"),
        Clip(4.0, "先看第一条。OpenAI发布了新模型", 3, "story", "s1"),
        Clip(1.0, "就这样。", 3, "story", "s1"),
        Clip(5.0, "第二条，阿里开源了Qwen3", 4, "story", "s2"),
        Clip(2.0, "再见。", 5, "signoff"),
    ]


def test_gaps_follow_boundaries():
    g = Gaps(sentence=0.1, line=0.3, section=0.6)
    p = plan_timeline(clips(), g)
    gaps = [round(p.starts[i] - p.end(i - 1), 3) for i in range(1, len(p.clips))]
    assert gaps == [0.3, 0.6, 0.6, 0.1, 0.6, 0.6]
    assert p.outro_start is None
    assert p.total_s == pytest.approx(p.end(len(p.clips) - 1) + 0.5)


def test_stings_overlap_speech_by_the_crossfade():
    g = Gaps(intro_s=3.0, outro_s=3.5, crossfade_s=0.8)
    p = plan_timeline(clips(), g)
    assert p.starts[0] == pytest.approx(2.2)
    last_end = p.end(len(p.clips) - 1)
    assert p.outro_start == pytest.approx(last_end + 0.3 - 0.8)
    assert p.total_s == pytest.approx(p.outro_start + 3.5)


def test_chapters_are_contiguous_and_cover_the_file():
    p = plan_timeline(clips(), Gaps(intro_s=3.0, outro_s=3.5))
    ch = chapters(p, titles={"s2": "阿里开源Qwen3"})
    assert [c["title"] for c in ch] == ["开场", "OpenAI发布了新模型", "阿里开源Qwen3", "结束语"]
    assert [c["story_id"] for c in ch] == ["", "s1", "s2", ""]
    assert ch[0]["start_s"] == 0 and ch[-1]["end_s"] == p.total_s
    for a, b in zip(ch, ch[1:]):
        assert a["end_s"] == b["start_s"]
    assert ch[1]["start_s"] == round(p.starts[3], 3)  # a story chapter starts on its first word


def test_cues_are_real_clip_times():
    p = plan_timeline(clips(), Gaps())
    cs = cues(p)
    assert len(cs) == 7
    assert all(c.end_s - c.start_s == pytest.approx(cl.duration_s, abs=1e-3) for c, cl in zip(cs, p.clips))
    assert all(a.end_s <= b.start_s for a, b in zip(cs, cs[1:]))


def test_chapter_title_skips_transitions_and_truncates():
    assert chapter_title("先看第一条。OpenAI发布了GPT-5") == "OpenAI发布了GPT-5"
    assert chapter_title("短。") == "短"
    long = chapter_title("这是一个非常非常非常非常非常非常非常非常长的标题句子没有标点")
    assert len(long) == 24 and long.endswith("…")


def test_empty_plan_is_refused():
    with pytest.raises(ValueError):
        plan_timeline([], Gaps())
