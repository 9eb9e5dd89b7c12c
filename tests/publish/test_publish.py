"""Publishing is pure until the last write: the script order, the feed, the pages."""
from datetime import datetime, timezone

import feedparser

from zaowan.publish.rss import FeedChannel, FeedEpisode, build_feed
from zaowan.publish.script_md import render_script
from zaowan.publish.site import episode_page
from zaowan.records import Script, ScriptLine


def script():
    return Script(edition_id="2026-11-22-morning", variant="full", title="早晚AI报 2026/11/22 早报",
                  hooks=["一问？", "二问？", "三问？"], greeting="大家好。",
                  stories=[ScriptLine(kind="story", text="第一条。", story_id="a"), ScriptLine(kind="story", text="第二条。", story_id="b")],
                  signoff="下期再见。", keywords=["Qwen3", "开源"])


def test_script_markdown_follows_the_contract_order():
    lines = render_script(script()).splitlines()
    assert lines[0] == "# 早晚AI报 2026/11/22 早报"
    assert lines[1:4] == ["一问？", "二问？", "三问？"]
    body = [l for l in lines[4:] if l]
    assert body == ["大家好。", "第一条。", "第二条。", "下期再见。", "本期关键词:", "#Qwen3", "#开源"]


def test_feed_is_valid_podcast_rss():
    ep = FeedEpisode(guid="e1-full", title="早报 <完整版> & more", published_at=datetime(2026, 11, 22, tzinfo=timezone.utc),
                     summary="三问", notes_html="<ul><li>x</li></ul>", audio_path="episodes/e1/full.mp3",
                     audio_bytes=1234, duration_s=361, page_path="episodes/e1/index.html")
    xml = build_feed(FeedChannel(title="早晚AI报", site_url="https://example.com/p/", description="d", author="z",
                                 language="zh-cn"), [ep])
    d = feedparser.parse(xml)
    assert not d.bozo, d.bozo_exception
    e = d.entries[0]
    assert e.title == "早报 <完整版> & more"
    assert e.enclosures[0].href == "https://example.com/p/episodes/e1/full.mp3"
    assert e.enclosures[0].type == "audio/mpeg" and e.itunes_duration == "00:06:01"


def test_episode_page_escapes_and_links_sources():
    doc = {"title": "t<script>", "published_at": "2026-11-22T08:00:00+08:00", "hooks": ["h？"], "keywords": ["k"],
           "audio": {"full": {"path": "full.mp3", "duration_s": 300}},
           "stories": [{"title": "s", "text": "x", "sources": [{"url": "https://a.example/1?x=1&y=2", "title": "<b>", "source": "A"}]}],
           "dropped": [{"url": "https://b.example", "title": "old", "reason": "stale", "detail": "20 days"}]}
    html = episode_page(doc)
    assert "<script>" not in html.split("<style>")[0] + html.split("</style>")[1]
    assert 'href="https://a.example/1?x=1&amp;y=2"' in html and "&lt;b&gt;" in html
    assert "stale" in html and 'src="full.mp3"' in html
