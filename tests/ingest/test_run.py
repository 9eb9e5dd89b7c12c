"""Whole runs: several sources, re-runs, 304s, versions, limits, local files."""
from __future__ import annotations

import json
import threading
from datetime import datetime, timezone

import pytest

from zaowan.config import NetworkConfig, SourceConfig
from zaowan.errors import BlockedAddressError
from zaowan.ingest import ingest
from zaowan.ingest.http import GuardedClient

from .conftest import make_config
from .server import Route

NOW = datetime(2025, 6, 6, 6, 0, tzinfo=timezone.utc)
LONG = ("模型公司今天发布了新的推理服务，价格比上一代降低一半，响应速度提升一倍，面向企业客户开放。"
        "公司表示，新服务支持更长的上下文，适合处理合同、财报和代码库等长文档，首批客户已经开始试用。"
        "分析人士认为，推理价格的下降会让更多中小企业用得起大模型，也会加剧行业里的价格竞争。")


def rss(base: str, items: list[tuple[str, str, str]]) -> bytes:
    body = "".join(f"<item><title>{t}</title><link>{base}{path}</link><guid>{path}</guid>"
                   f"<pubDate>Fri, 06 Jun 2025 02:00:00 GMT</pubDate><description>{d}</description></item>"
                   for t, path, d in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{body}</channel></rss>'.encode()


def test_rerun_is_idempotent_and_304_reports_last_articles(server, store):
    server.routes["/feed"] = Route(body=rss(server.base, [("甲", "/a", LONG), ("乙", "/b", LONG + "另一条。")]),
                                   headers={"Content-Type": "application/rss+xml"}, etag='"v1"')
    cfg = make_config([SourceConfig(name="s", url=server.url("/feed"))])
    first = ingest(cfg, store, now=NOW)
    assert (first.sources[0].status, first.sources[0].new) == ("ok", 2)
    second = ingest(cfg, store, now=NOW)
    assert second.sources[0].status == "not_modified"
    assert second.article_ids == first.article_ids  # the desk still gets this source's articles
    assert server.requests[-1][1].get("if-none-match") == '"v1"'
    assert len(store.articles()) == 2
    assert store.sources()[0]["etag"] == '"v1"'


def test_changed_article_is_a_new_version_not_a_duplicate(server, store):
    cfg = make_config([SourceConfig(name="s", url=server.url("/feed"))])
    server.routes["/feed"] = Route(body=rss(server.base, [("甲", "/a", LONG)]),
                                   headers={"Content-Type": "application/rss+xml"})
    first = ingest(cfg, store, now=NOW)
    again = ingest(cfg, store, now=NOW)
    assert again.sources[0].new == 0 and again.article_ids == first.article_ids
    server.routes["/feed"] = Route(body=rss(server.base, [("甲（更新）", "/a", LONG + "更新：公司补充了价格细节。")]),
                                   headers={"Content-Type": "application/rss+xml"})
    third = ingest(cfg, store, now=NOW)
    assert third.sources[0].updated == 1
    latest = store.articles()
    assert len(latest) == 1 and latest[0].version == 2 and latest[0].title == "甲（更新）"
    assert len(store.articles(latest_only=False)) == 2


def test_one_bad_source_does_not_stop_the_others_and_progress_is_reported(server, store):
    server.routes["/good"] = Route(body=rss(server.base, [("甲", "/a", LONG)]),
                                   headers={"Content-Type": "application/rss+xml"})
    server.routes["/bad"] = Route(status=500)
    cfg = make_config([SourceConfig(name="bad", url=server.url("/bad")),
                       SourceConfig(name="meta", url="http://169.254.169.254/"),
                       SourceConfig(name="good", url=server.url("/good"))])
    seen = []
    report = ingest(cfg, store, now=NOW, on_progress=lambda n, d, t: seen.append((n, d, t)))
    assert [s.status for s in report.sources] == ["error", "error", "ok"]  # config order kept
    assert sorted(d for _, d, _ in seen) == [1, 2, 3] and {t for _, _, t in seen} == {3}
    health = {s["name"]: s for s in store.sources()}
    assert health["bad"]["last_error"].startswith("http_500") and health["good"]["status"] == "ok"
    assert len(report.article_ids) == 1


def test_unexpected_bug_is_recorded_not_raised(server, store, monkeypatch):
    import zaowan.ingest.run as run

    def boom(*a, **k):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(run, "parse_feed", boom)
    server.routes["/feed"] = Route(body=b"<rss/>", headers={"Content-Type": "application/rss+xml"})
    report = ingest(make_config([SourceConfig(name="s", url=server.url("/feed"))]), store, now=NOW)
    assert report.sources[0].reason == "internal_error" and "parser bug" in report.sources[0].detail


def test_per_host_concurrency_limit(server, store):
    for i in range(6):
        server.routes[f"/f{i}"] = Route(body=rss(server.base, []), delay_s=0.3,
                                        headers={"Content-Type": "application/rss+xml"})
    cfg = make_config([SourceConfig(name=f"s{i}", url=server.url(f"/f{i}")) for i in range(6)],
                      per_host_concurrency=2)
    report = ingest(cfg, store, now=NOW)
    assert all(s.status == "ok" for s in report.sources)
    assert server.max_in_flight == 2


def test_user_agent_and_accept_encoding_are_sent(server, store):
    server.routes["/feed"] = Route(body=rss(server.base, []), headers={"Content-Type": "application/rss+xml"})
    ingest(make_config([SourceConfig(name="s", url=server.url("/feed"))]), store, now=NOW)
    headers = server.requests[0][1]
    assert headers["user-agent"].startswith("zaowan/") and headers["accept-encoding"] == "gzip, deflate"


def test_peer_address_is_checked_after_connecting(server):
    """DNS says public, the socket lands on loopback (rebinding): refused before the body is read."""
    server.routes["/feed"] = Route(body=b"secret")
    net = NetworkConfig(allow_hosts=[], timeout_s=2)
    with GuardedClient(net, resolver=lambda h, p: ["93.184.216.34"]) as client:
        with pytest.raises(BlockedAddressError, match="connected to loopback"):
            client.fetch(f"http://localhost:{server.port}/feed")


def test_local_folder_of_files(tmp_path, store):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.md").write_text("# 本地稿件\n\n" + LONG, encoding="utf-8")
    (folder / "b.txt").write_text("台灣新聞標題\n" + "這是一篇繁體中文的稿件，內容完整，討論人工智慧軟體的發展。", encoding="utf-8")
    (folder / "c.json").write_text(json.dumps({"title": "JSON稿件", "text": LONG, "published": "2025-06-05T10:00:00+08:00"},
                                              ensure_ascii=False), encoding="utf-8")
    (folder / "d.html").write_text("<html><head><title>网页稿件</title></head><body><article><h1>网页稿件</h1><p>"
                                   + LONG + "</p></article></body></html>", encoding="utf-8")
    (folder / "e.json").write_text("{not json", encoding="utf-8")
    (folder / "ignored.png").write_bytes(b"\x89PNG")
    report = ingest(make_config([SourceConfig(name="inbox", url=str(folder))]), store, now=NOW)
    res = report.sources[0]
    assert (res.status, res.reason, res.items) == ("ok", "partial", 4)
    assert "e.json: malformed_json" in res.detail
    arts = {a.title: a for a in (store.article(i) for i in report.article_ids)}
    assert set(arts) == {"本地稿件", "台湾新闻标题", "JSON稿件", "网页稿件"}
    assert arts["台湾新闻标题"].script == "hant" and "软件" in arts["台湾新闻标题"].text
    assert arts["JSON稿件"].published_at == datetime(2025, 6, 5, 2, 0, tzinfo=timezone.utc)
    assert arts["本地稿件"].published_at is None  # a file's mtime is not a publication date


def test_missing_local_path_is_an_error(tmp_path, store):
    report = ingest(make_config([SourceConfig(name="x", url=str(tmp_path / "nope"))]), store, now=NOW)
    assert (report.sources[0].status, report.sources[0].reason) == ("error", "not_found")


def test_sources_run_concurrently_but_report_in_config_order(server, store):
    order = []
    lock = threading.Lock()
    for i, delay in enumerate([0.4, 0.0, 0.2]):
        server.routes[f"/f{i}"] = Route(body=rss(server.base, []), delay_s=delay,
                                        headers={"Content-Type": "application/rss+xml"})
    cfg = make_config([SourceConfig(name=f"s{i}", url=server.url(f"/f{i}")) for i in range(3)],
                      per_host_concurrency=3)

    def progress(name, done, total):
        with lock:
            order.append(name)

    report = ingest(cfg, store, now=NOW, on_progress=progress)
    assert [s.name for s in report.sources] == ["s0", "s1", "s2"]
    assert order[0] == "s1"  # the quick one finished first


def test_unchanged_teaser_does_not_refetch_its_page(server, store):
    """A changed feed (new item) re-reads the feed, but pages of items already repaired are not fetched again."""
    page = (f"<html><head><title>甲</title></head><body><article><h1>甲</h1><p>{LONG}</p></article></body></html>")
    server.routes["/a"] = Route(body=page.encode(), headers={"Content-Type": "text/html; charset=utf-8"})
    server.routes["/b"] = Route(body=page.replace("甲", "乙").encode(), headers={"Content-Type": "text/html; charset=utf-8"})
    teaser = LONG[:30] + "…"
    server.routes["/feed"] = Route(body=rss(server.base, [("甲", "/a", teaser)]),
                                   headers={"Content-Type": "application/rss+xml"})
    cfg = make_config([SourceConfig(name="s", url=server.url("/feed"))])
    first = ingest(cfg, store, now=NOW)
    assert first.sources[0].truncated == 0 and server.hits["/a"] == 1
    server.routes["/feed"] = Route(body=rss(server.base, [("乙", "/b", teaser), ("甲", "/a", teaser)]),
                                   headers={"Content-Type": "application/rss+xml"})
    second = ingest(cfg, store, now=NOW)
    assert server.hits["/a"] == 1 and server.hits["/b"] == 1
    assert second.article_ids[1] == first.article_ids[0] and second.sources[0].new == 1


def test_huge_feed_is_capped(server, store, monkeypatch):
    import zaowan.ingest.run as run

    monkeypatch.setattr(run, "MAX_ITEMS", 3)
    items = [(f"条目{i}", f"/i{i}", LONG + f"第{i}条。" + LONG) for i in range(5)]
    server.routes["/feed"] = Route(body=rss(server.base, items), headers={"Content-Type": "application/rss+xml"})
    report = ingest(make_config([SourceConfig(name="s", url=server.url("/feed"))]), store, now=NOW)
    res = report.sources[0]
    assert res.items == 3 and "lists 5 items; only the first 3" in res.detail


def test_a_host_whose_pages_keep_timing_out_is_skipped(server, store):
    """Five cut items whose pages hang: three timeouts, then the host is skipped; all five end truncated."""
    items = [(f"条目{i}", f"/slow{i}", f"这一条摘要在第{i}处被截断了…") for i in range(5)]
    server.routes["/feed"] = Route(body=rss(server.base, items), headers={"Content-Type": "application/rss+xml"})
    for i in range(5):
        server.routes[f"/slow{i}"] = Route(body=b"late", delay_s=1.5)
    report = ingest(make_config([SourceConfig(name="s", url=server.url("/feed"))], timeout_s=0.4), store, now=NOW)
    assert report.sources[0].truncated == 5
    arts = [store.article(i) for i in report.article_ids]
    assert sum("timeout" in a.truncation_detail for a in arts) == 3
    assert sum("host_failing" in a.truncation_detail for a in arts) == 2
    assert sum(server.hits.get(f"/slow{i}", 0) for i in range(5)) == 3
