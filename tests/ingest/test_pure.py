"""The pure core: cleaning, truncation signals, dates, charsets, scripts, the SSRF rules."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from zaowan.errors import BlockedAddressError
from zaowan.ingest.charset import decode_bytes
from zaowan.ingest.clean import clean_text, html_to_text, same_story, strip_invisible, truncation_signal
from zaowan.ingest.dates import clamp, parse_date, text_dates
from zaowan.ingest.guard import UrlGuard, address_problem, host_allowed
from zaowan.ingest.http import retry_after_seconds
from zaowan.ingest.script import config_for, detect_script, to_simplified

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 6, 10, 4, 0, tzinfo=timezone.utc)
SEED = Path("/work/shared/seeds/003_51bcd801d9ba522a.txt")


@pytest.mark.parametrize("text,signal", [
    ("完整的一句话。", None),
    ("他说：“今天发布。”", None),
    ("一句话没有说完就被截断了因为摘要", "mid_sentence"),
    ("The model was released on Tuesday and the company said that it", "mid_sentence"),
    ("摘要到这里就结束了…", "ellipsis"),
    ("Summary ends here...", "ellipsis"),
    ("新模型发布。阅读全文", "read_more"),
    ("New chip announced. Read more »", "read_more"),
    ("A teaser [...]", "read_more"),
    ("", "empty"),
    ("第一段完整。\n责任编辑：张三", None),  # a short credit line is not a cut sentence
    ("第一段完整。\n第二段写到一半，然后", "mid_sentence"),
])
def test_truncation_signal(text, signal):
    assert truncation_signal(text) == signal


def test_strip_invisible_removes_zero_width_and_bidi():
    assert strip_invisible("a\u200bb\u202ec\u2066d\ufeffe\u00adf\x07g") == "abcdefg"
    assert strip_invisible("行一\n行二\t") == "行一\n行二\t"


def test_related_block_under_heading_is_stripped_but_body_mention_is_kept():
    body = "延伸阅读这个词出现在正文里。\n" + "\n".join(f"正文第{i}段，内容完整。" for i in range(6))
    text = body + "\n相关阅读\n- 旧闻一\n- 旧闻二"
    cleaned = clean_text(text)
    assert "旧闻" not in cleaned and "延伸阅读这个词" in cleaned and cleaned.endswith("正文第5段，内容完整。")


def test_seed_article_tail_is_stripped():
    if not SEED.exists():
        pytest.skip("shared seed not present on this machine")
    cleaned = clean_text(SEED.read_text(encoding="utf-8"))
    assert "摩爾線程" not in cleaned and "2025-12-05" not in cleaned
    assert cleaned.endswith("以化成天下”。")
    assert detect_script(cleaned) == "hant"
    simplified, _ = to_simplified(cleaned)
    assert "海淀" in simplified and "觀" not in simplified


def test_article_ending_in_a_real_list_keeps_it():
    text = "嘉宾名单如下：\n- 张三，某公司副总裁\n- 李四，某大学教授"
    assert clean_text(text) == text


def test_html_to_text_keeps_paragraphs_and_drops_scripts():
    got = html_to_text("<p>第一段。</p><script>alert(1)</script><p>第二段<br>换行。</p><ul><li>项</li></ul>")
    assert got == "第一段。\n第二段\n换行。\n- 项"


def test_same_story():
    page = "一家搜索公司宣布将大模型接入搜索结果页，用户可以直接得到总结好的答案。后面还有很多内容。"
    assert same_story("一家搜索公司宣布将大模型接入搜索结果页…", page)
    assert not same_story("一家自动驾驶公司正在与多家车企洽谈合作…", "请登录后继续访问本站全部内容。")


@pytest.mark.parametrize("raw,expected", [
    ("Fri, 06 Jun 2025 10:00:00 +0800", datetime(2025, 6, 6, 2, 0, tzinfo=timezone.utc)),
    ("2025-06-06T10:00:00Z", datetime(2025, 6, 6, 10, 0, tzinfo=timezone.utc)),
    ("2025-06-06 10:00:00+0800", datetime(2025, 6, 6, 2, 0, tzinfo=timezone.utc)),
    ("2025年6月6日 10:30", datetime(2025, 6, 6, 10, 30, tzinfo=SH)),
])
def test_parse_date_is_always_aware(raw, expected):
    dt, _ = parse_date(raw, SH)
    assert dt == expected and dt.tzinfo is not None


def test_naive_date_says_which_zone_it_was_read_in():
    dt, note = parse_date("2025-06-06T10:00:00", SH)
    assert dt == datetime(2025, 6, 6, 10, tzinfo=SH) and "Asia/Shanghai" in note


def test_unparseable_and_future_dates():
    assert parse_date("someday soon", SH)[0] is None
    clamped, note = clamp(NOW + timedelta(days=3), NOW)
    assert clamped == NOW and "clamped" in note
    assert clamp(NOW + timedelta(minutes=2), NOW)[0] == NOW + timedelta(minutes=2)  # clock skew is fine


def test_text_dates_yearless_reads_latest_past_occurrence():
    found = text_dates("本文首发于6月6日，另见2024年12月1日的报道。", SH, NOW)
    values = sorted(d.value for d in found)
    assert values == [datetime(2024, 12, 1, tzinfo=SH), datetime(2025, 6, 6, tzinfo=SH)]
    assert any(d.note.startswith("cue:") for d in found)
    # 12月1日 seen in June 2025 is last December, never a future date
    assert text_dates("12月1日发布", SH, NOW)[0].value == datetime(2024, 12, 1, tzinfo=SH)


def test_text_dates_a_date_just_ahead_is_a_schedule_not_last_year():
    soon = NOW + timedelta(days=10)
    found = text_dates(f"新品将于{soon.month}月{soon.day}日开始发货。", SH, NOW)
    assert found == []  # read as last year it would make a fresh article look recycled


def test_decode_gbk_and_big5_mislabelled():
    zh = "国产大模型发布新版本，推理速度提升了一倍，支持更长的上下文窗口。"
    text, enc, note = decode_bytes(zh.encode("gbk"), "utf-8")
    assert text == zh and enc == "gb18030" and "declared" in note
    tw = "台灣團隊發布開源語音辨識模型，支援國語、台語和客語，並提供離線執行的軟體。"
    text, enc, _ = decode_bytes(tw.encode("big5"), "utf-8")
    assert text == tw and enc == "big5"


def test_decode_trusts_a_correct_declaration_and_a_bom():
    assert decode_bytes("中文".encode("gbk"), "gb2312")[:2] == ("中文", "gb18030")
    assert decode_bytes(b"\xef\xbb\xbfabc", None)[0] == "abc"
    # Latin-1 labels prove nothing: a UTF-8 body labelled latin-1 is read as UTF-8
    assert decode_bytes("中文内容".encode("utf-8"), "iso-8859-1")[0] == "中文内容"


def test_script_detection_and_regional_configs():
    assert detect_script("人工智能的发展很快。") == "hans"
    assert detect_script("人工智能的發展很快，這是個問題。") == "hant"
    assert detect_script("OpenAI released a model.") == "latin"
    assert config_for("zh-HK") == "hk2s" and config_for("zh-TW") == "tw2sp"
    assert config_for("", "https://news.example.hk/a") == "hk2s"
    assert to_simplified("這個軟體的記憶體不夠", "zh-TW")[0] == "这个软件的内存不够"


@pytest.mark.parametrize("addr,label", [
    ("127.0.0.1", "loopback"), ("10.1.2.3", "private"), ("192.168.0.1", "private"),
    ("172.16.5.4", "private"), ("169.254.169.254", "link-local"), ("100.64.0.1", "CGNAT"),
    ("::1", "loopback"), ("fd12::1", "unique-local"), ("fe80::1", "link-local"),
    ("::ffff:10.0.0.1", "IPv4-mapped"), ("0.0.0.0", "unspecified"), ("224.0.0.1", "multicast"),
])
def test_address_problems(addr, label):
    assert label in (address_problem(addr) or "")


def test_public_addresses_pass():
    assert address_problem("93.184.216.34") is None
    assert address_problem("2606:4700:4700::1111") is None


def test_guard_checks_every_resolved_address():
    def resolver(host, port):
        return ["93.184.216.34", "10.0.0.7"]  # one public, one private: refuse

    with pytest.raises(BlockedAddressError, match="private"):
        UrlGuard([], resolver).check_url("https://news.example.com/feed")
    ok = UrlGuard([], lambda h, p: ["93.184.216.34"])
    assert ok.check_url("https://news.example.com/feed") == ("news.example.com", 443)


def test_guard_allow_hosts_and_schemes():
    assert host_allowed("demo.local", ["demo.local"]) and host_allowed("a.corp.example", [".corp.example"])
    assert not host_allowed("corp.example.evil.com", [".corp.example"])
    guard = UrlGuard(["127.0.0.1"], lambda h, p: ["127.0.0.1"])
    assert guard.check_url("http://127.0.0.1:8000/feed") == ("127.0.0.1", 8000)
    for url, reason in [("ftp://x.org/f", "unsupported_scheme"), ("http://user:pw@x.org/", "bad_url"),
                        ("http:///nohost", "bad_url")]:
        with pytest.raises(BlockedAddressError) as exc:
            guard.check_url(url)
        assert exc.value.reason == reason


def test_peer_check_catches_rebinding():
    guard = UrlGuard([], lambda h, p: ["93.184.216.34"])
    with pytest.raises(BlockedAddressError, match="connected to loopback"):
        guard.check_peer("http://rebind.example/", "rebind.example", "127.0.0.1")
    guard.check_peer("http://ok.example/", "ok.example", "93.184.216.34")


def test_retry_after_forms():
    assert retry_after_seconds("5") == 5.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT",
                               now=datetime(2015, 10, 21, 7, 27, 30, tzinfo=timezone.utc)) == 30.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_markdown_front_matter_gives_title_date_and_url(tmp_path):
    from zaowan.ingest.files import read_file

    f = tmp_path / "note.md"
    f.write_text("---\ntitle: 华为发布昇腾新芯片\ndate: 2026-11-22T08:00:00+08:00\nurl: https://example.com/a\n"
                 "tags: [x, y]\n---\n\n华为今天发布昇腾新一代AI芯片。\n", encoding="utf-8")
    doc = read_file(f, 1 << 20)
    assert doc.entry.title == "华为发布昇腾新芯片" and doc.entry.link == "https://example.com/a"
    assert doc.entry.date_raw == "2026-11-22T08:00:00+08:00"
    assert doc.entry.text == "华为今天发布昇腾新一代AI芯片。"
    plain = tmp_path / "plain.md"
    plain.write_text("# 标题\n\n正文。\n", encoding="utf-8")
    assert read_file(plain, 1 << 20).entry.date_raw == ""  # no front matter: no date, never mtime
