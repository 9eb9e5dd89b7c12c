"""Sentence chunking, script runs and duration bands (pure)."""
import pytest

from zaowan.voice.text import expected_duration, script_runs, speech_units, split_sentences


def test_splits_at_chinese_sentence_ends_and_keeps_marks():
    text = "OpenAI发布了新模型。性能提升明显！你怎么看？"
    assert split_sentences(text, max_chars=14, min_chars=1) == ["OpenAI发布了新模型。", "性能提升明显！", "你怎么看？"]


def test_packs_nothing_when_under_limit_but_never_exceeds_it():
    text = "第一句话在这里。" * 30
    chunks = split_sentences(text, max_chars=50)
    assert all(len(c) <= 50 for c in chunks)
    assert "".join(chunks) == text


def test_long_sentence_splits_at_clauses_then_hard_cuts():
    clause = "这是一个很长的分句" * 3  # 27 chars
    text = "，".join([clause] * 4) + "。"
    chunks = split_sentences(text, max_chars=40)
    assert all(len(c) <= 40 for c in chunks)
    assert "".join(chunks) == text
    # a single clause longer than the limit must still be cut
    assert all(len(c) <= 10 for c in split_sentences("字" * 35, max_chars=10))


def test_short_fragments_merge_into_a_neighbour():
    chunks = split_sentences("好。今天的新闻很多，我们一条一条来。", max_chars=100)
    assert chunks == ["好。今天的新闻很多，我们一条一条来。"]


def test_english_sentences_keep_their_spaces():
    chunks = split_sentences("Hi. This is fine. Next one here.", max_chars=40, min_chars=4)
    assert chunks == ["Hi. This is fine.", "Next one here."]


def test_empty_and_invalid():
    assert split_sentences("   ") == []
    with pytest.raises(ValueError):
        split_sentences("x", max_chars=0)


@pytest.mark.parametrize("text,expected", [
    ("OpenAI发布GPT-5", [("en", "OpenAI"), ("zh", "发布"), ("en", "GPT-5")]),
    ("阿里的Qwen3开源了", [("zh", "阿里的"), ("en", "Qwen3"), ("zh", "开源了")]),
    ("Claude 3.5 Sonnet上线", [("en", "Claude 3.5 Sonnet"), ("zh", "上线")]),
    ("纯中文，没有英文。", [("zh", "纯中文，没有英文。")]),
    ("参数为72亿", [("zh", "参数为72亿")]),
])
def test_script_runs(text, expected):
    assert script_runs(text) == expected


def test_script_runs_lose_nothing_but_whitespace():
    text = "今天 Meta 和 Google DeepMind 都发布了 AI 新品。"
    assert "".join(r for _, r in script_runs(text)).replace(" ", "") == text.replace(" ", "")


def test_speech_units_and_duration_band():
    assert speech_units("你好世界") == 4
    assert speech_units("GPT模型") == 4  # one word ≈ two syllables, plus two Han characters
    lo, hi = expected_duration("我" * 50)
    assert lo < 50 / 5 < hi  # five syllables a second sits inside the band
    lo2, hi2 = expected_duration("我" * 50, speed=2.0)
    assert lo2 < lo and hi2 < hi
    assert expected_duration("。") == (0.0, 2.0)
