"""Properties of speakable() that must hold for any input, found by hypothesis.

The alphabet leans on what makes news text hard: digits next to letters, currency and unit
marks, separators that are dates in one place and ranges in another, full-width forms.
"""
from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from zaowan.voice.normalize import speakable

FRAGMENTS = ["GPT", "-", "5", "Qwen", "2.5", "72B", "1.4B", "4K", "128K", "MoE", "API", "年", "月", "日",
             "14:30", "37.5%", "¥", "$", "199", "美元", "亿", "万", "GB", "ms", "GHz", "W", "公里", "3-5",
             "天", "2025", "–", "2026", "v", "4.0", "iOS", " ", "18.1", "&", "+", "/", "~", "OpenAI",
             "DeepSeek", "的", "参数", "模型", "，", "。", "0", "2", "个", "x", "Q", "No.", "#", "@", ".", ":",
             "％", "１２", "ＧＰＴ", "℃", "°", "后", "第", "1/3", "11/22", "k", "M", "T", "p", "s", "h", "Node.js",
             "C++", "24/7", "LLaDA", "7", "0.", "00", ",", "1,000", "e", "A", "b", "—", "_", "=", ">", "<"]
ALPHABET = "0123456789ABKMGTabkmsx年月日个的亿万元参数模型$¥€%％.:：/-–~～+&#@,，。 ＧＰ１２"

fragment_text = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=12).map("".join)
char_text = st.text(alphabet=ALPHABET, min_size=1, max_size=24)
any_text = st.one_of(fragment_text, char_text, st.text(min_size=1, max_size=16))
ASCII_DIGIT = re.compile(r"[0-9]")
SETTINGS = settings(max_examples=300, deadline=None)


@SETTINGS
@given(any_text)
@example("GPT-5和Qwen2.5-72B在2026年11月22日14:30发布，价格¥199，提速37.5%")
def test_no_ascii_digit_survives(text):
    assert not ASCII_DIGIT.search(speakable(text))


@SETTINGS
@given(any_text)
@example("Qwen3-235B-A22B")
@example("LLaDA-MoE和C++")
def test_idempotent(text):
    once = speakable(text)
    assert speakable(once) == once


@SETTINGS
@given(any_text)
def test_never_empty_for_non_blank_input(text):
    out = speakable(text)
    # Private-use characters in planes 15-16 are dropped: speakable() uses them internally.
    meaningful = re.sub("[\U000F0000-\U0010FFFF]", "", text).strip()
    assert (out != "") == (meaningful != "")


@SETTINGS
@given(any_text)
def test_latin_runs_are_spaced_from_chinese(text):
    out = speakable(text)
    assert not re.search(r"[A-Za-z][\u4e00-\u9fff]|[\u4e00-\u9fff][A-Za-z]", out)


@SETTINGS
@given(st.dictionaries(st.from_regex(r"[A-Z][a-z]{2,6}", fullmatch=True),
                       st.from_regex(r"[\u4e00-\u9fa5]{1,4}", fullmatch=True), min_size=1, max_size=4),
       fragment_text)
def test_user_lexicon_entries_are_applied_as_whole_tokens(lexicon, text):
    token, said = next(iter(lexicon.items()))
    out = speakable(f"{text} {token}。", lexicon)
    assert said in out
    assert not ASCII_DIGIT.search(out)
