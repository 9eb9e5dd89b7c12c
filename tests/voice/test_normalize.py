"""Unit tests of the speakable-text pass: number reading, the lexicon seam, and edge input."""
from __future__ import annotations

import re

import pytest

from zaowan.errors import ConfigError
from zaowan.voice import normalize
from zaowan.voice.normalize import (default_lexicon, load_lexicon, parse_lexicon, read_digits, read_int,
                                    read_number, speakable)


@pytest.mark.parametrize("digits,expected", [
    ("0", "零"), ("7", "七"), ("10", "十"), ("15", "十五"), ("20", "二十"), ("100", "一百"), ("101", "一百零一"),
    ("110", "一百一十"), ("200", "两百"), ("1002", "一千零二"), ("1200", "一千二百"), ("2000", "两千"),
    ("10000", "一万"), ("10050", "一万零五十"), ("12000", "一万两千"), ("100000", "十万"), ("150000", "十五万"),
    ("20000", "两万"), ("220000", "二十二万"), ("100000000", "一亿"), ("100010000", "一亿零一万"),
    ("120000000", "一亿两千万"), ("1000000000000", "一万亿"), ("1000100000000", "一万零一亿"),
    ("0012", "十二"), ("1,000,000", "一百万"),
])
def test_read_int(digits, expected):
    assert read_int(digits) == expected


def test_read_int_past_wan_yi_goes_digit_by_digit():
    assert read_int("12345678901234567") == "一二三四五六七八九零一二三四五六七"


def test_read_digits_phone_style():
    assert read_digits("2026") == "二零二六"
    assert read_digits("110", one="幺") == "幺幺零"


@pytest.mark.parametrize("num,expected", [
    ("3.14", "三点一四"), ("0.5", "零点五"), ("2.50", "二点五零"), ("1.12.0", "一点十二点零"),
    ("007", "零零七"), ("1,234.5", "一千二百三十四点五"),
])
def test_read_number(num, expected):
    assert read_number(num) == expected


# ------------------------------------------------------------------------------------ lexicon

def test_user_lexicon_is_applied_first_and_wins_over_the_shipped_one():
    assert speakable("MoE架构") == "M O E 架构"
    assert speakable("MoE架构", {"MoE": "混合专家"}) == "混合专家架构"


def test_user_lexicon_matches_whole_tokens_only():
    lexicon = {"Pro": "普罗"}
    assert speakable("Gemini 2.5 Pro", lexicon) == "Gemini 二点五 普罗"
    assert speakable("ProMax和Pros", lexicon) == "ProMax 和 Pros"


def test_user_lexicon_is_case_sensitive():
    assert speakable("moe和MoE", {"MoE": "教育部"}) == "moe 和教育部"


def test_user_lexicon_key_may_mix_chinese_and_digits():
    # A host's persona name: 2077 is said like the game, not as a cardinal.
    lexicon = {"何夕2077": "何夕二零七七", "昇腾910C": "昇腾九一零 C"}
    out = speakable("我是何夕2077，今天聊聊昇腾910C。", lexicon)
    assert out == "我是何夕二零七七，今天聊聊昇腾九一零 C 。"


def test_user_lexicon_values_have_their_digits_read():
    assert speakable("用Qwen", {"Qwen": "Qwen 3"}) == "用 Qwen 三"


def test_user_lexicon_value_is_final_and_spaced_from_chinese():
    # Without the entry NASA would be spelled N A S A; with it the word stays a word.
    assert speakable("NASA宣布") == "Nasa 宣布"
    assert speakable("NASA宣布", {"NASA": "NASA"}) == "NASA 宣布"


def test_lexicon_key_before_a_decimal_does_not_match_the_integer_part():
    assert speakable("GPT-4.5", {"GPT-4": "G P T 四"}) == "G P T 四点五"


def test_default_lexicon_is_idempotent_under_speakable():
    for token, said in default_lexicon().items():
        once = speakable(said)
        assert speakable(once) == once, token
        assert speakable(token) == speakable(token + " ").strip(), token


def test_default_lexicon_is_a_fresh_copy():
    lexicon = default_lexicon()
    lexicon["MoE"] = "changed"
    assert default_lexicon()["MoE"] == "M O E"


def test_parse_lexicon_rejects_bad_toml():
    with pytest.raises(ConfigError, match="not valid TOML"):
        parse_lexicon("[words\n", "mine.toml")


@pytest.mark.parametrize("body", ['words = "x"', '[words]\n"MoE" = 3', '[words]\n"MoE" = ""', '[words]\n" " = "x"'])
def test_parse_lexicon_rejects_bad_entries(body):
    with pytest.raises(ConfigError):
        parse_lexicon(body, "mine.toml")


def test_load_lexicon_reads_a_user_file(tmp_path):
    path = tmp_path / "lexicon.toml"
    path.write_text('[words]\n"Kimi" = "奇米"\n', encoding="utf-8")
    assert load_lexicon(path) == {"Kimi": "奇米"}
    assert speakable("Kimi K2", load_lexicon(path)) == "奇米 K 二"


def test_load_lexicon_names_a_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read lexicon"):
        load_lexicon(tmp_path / "nope.toml")


# ------------------------------------------------------------------------------------ edges

@pytest.mark.parametrize("text", ["", " ", "\n\t", "\u3000"])
def test_blank_stays_blank(text):
    assert speakable(text) == ""


def test_full_width_digits_letters_and_percent_are_read():
    assert speakable("ＧＰＴ－５提升３７．５％") == "G P T 五提升百分之三十七点五"


def test_private_use_characters_cannot_collide_with_placeholders():
    assert speakable("GPT\U000f0000-5") == "G P T 五"


def test_newlines_are_kept_between_lines():
    assert speakable("GPT-5发布\n价格$20") == "G P T 五发布\n价格二十美元"


def test_a_lone_symbol_is_named_rather_than_dropped():
    assert speakable("&") == "和"
    assert speakable("%") == "百分号"


def test_latin_runs_are_found_by_a_simple_scan():
    # The engine cuts out Latin runs with a regex and phonemises them in English; every run must
    # be letters and spaces only, bounded by spaces or text edges.
    out = speakable("Qwen2.5-72B和GPT-4o在MoE、API、4K上的表现，DeepSeek也一样")
    runs = re.findall(r"[A-Za-z][A-Za-z' ]*[A-Za-z]|[A-Za-z]", out)
    assert runs == ["Qwen", "G P T", "o", "M O E", "A P I", "K", "DeepSeek"]
    assert not re.search(r"[A-Za-z][^\x00-\x7f]|[^\x00-\x7f][A-Za-z]", out)


def test_placeholder_plane_is_not_exhausted_by_long_scripts():
    text = "GPT-5发布，价格$20，提升37.5%。" * 400
    out = speakable(text)
    assert out.count("G P T 五发布") == 400
    assert normalize._PH0 + 400 * 4 < 0xFFFFD
