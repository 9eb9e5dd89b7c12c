"""The loopback server: real HTTP, right content types, 404s, no way out of the site root."""
import http.client
import json
from urllib.parse import urlsplit

import feedparser
import httpx
import pytest

from zaowan.demo import DemoServer
from zaowan.demo.server import SITE_ROOT, resolve

from datetime import datetime, timezone

# One pooled client: a fresh httpx.get() per request costs ~70 ms of TLS setup.
HTTP = httpx.Client(timeout=5)
NOW = datetime(2026, 3, 15, 1, 30, tzinfo=timezone.utc)  # same moment as conftest.NOW

FEED_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml",
              "jsonfeed": "application/feed+json"}


def raw_get(base_url: str, path: str) -> tuple[int, bytes]:
    """GET with the path sent byte for byte (httpx would normalise `..` away)."""
    u = urlsplit(base_url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=5)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def test_binds_loopback_on_a_free_port(server):
    u = urlsplit(server.base_url)
    assert u.hostname == "127.0.0.1" and u.port and u.port > 0
    assert not server.base_url.endswith("/")


def test_every_feed_is_served_with_its_type_and_parses_cleanly(server, manifest):
    for src in manifest["sources"]:
        resp = HTTP.get(f"{server.base_url}/{src['feed']}")
        assert resp.status_code == 200, src["feed"]
        assert resp.headers["content-type"].startswith(FEED_TYPES[src["kind"]])
        assert "{{" not in resp.text, f"unrendered placeholder in {src['feed']}"
        assert "演示用虚构新闻" in resp.text
        if src["kind"] == "jsonfeed":
            data = json.loads(resp.text)
            assert data["version"] == "https://jsonfeed.org/version/1.1"
            assert data["items"] and all(
                ("content_html" in i or "content_text" in i) and i["url"].startswith(server.base_url)
                and i["id"] and i["date_published"] for i in data["items"])
            continue  # feedparser 6 does not read JSON Feed; json is the parser here
        parsed = feedparser.parse(resp.content, response_headers={"content-type": resp.headers["content-type"]})
        assert not parsed.bozo, f"{src['feed']}: {parsed.get('bozo_exception')}"
        assert parsed.entries, src["feed"]
        for e in parsed.entries:
            assert e.link.startswith(server.base_url + "/")
            assert e.get("published_parsed")


def test_every_page_is_served_as_html_except_the_404_trap(server, manifest):
    for item in manifest["items"]:
        resp = HTTP.get(f"{server.base_url}/{item['path']}")
        if item["page_exists"]:
            assert resp.status_code == 200, item["path"]
            assert resp.headers["content-type"] == "text/html; charset=utf-8"
            assert "{{" not in resp.text
            assert f'<link rel="canonical" href="{server.base_url}/{item["path"]}">' in resp.text
            assert 'property="article:published_time"' in resp.text and "<article" in resp.text
        else:
            assert resp.status_code == 404, item["path"]


def feed_links(base_url: str, src: dict) -> list[str]:
    body = HTTP.get(f"{base_url}/{src['feed']}").content
    if src["kind"] == "jsonfeed":
        return [i["url"] for i in json.loads(body)["items"]]
    return [e.link for e in feedparser.parse(body).entries]


def test_feed_links_resolve_to_the_manifest_pages_even_with_tracking_queries(server, manifest):
    expected = {f"{server.base_url}/{i['path']}": i["page_exists"] for i in manifest["items"]}
    links = [link for src in manifest["sources"] for link in feed_links(server.base_url, src)]
    assert len(links) == len(manifest["items"])
    for link in links:
        page = link.split("?")[0]
        assert page in expected, link
        assert HTTP.get(link).status_code == (200 if expected[page] else 404), link


def test_dates_render_relative_to_now(server):
    # The Lingxi-2.5 report in AI Ledger is dated -4h: 09:30 Beijing minus four hours.
    page = HTTP.get(f"{server.base_url}/ailedger/story/shenyan-lingxi-2-5-moe.html").text
    assert 'content="2026-03-15T05:30:00+08:00"' in page
    feed = HTTP.get(f"{server.base_url}/ailedger/feed.rss").text
    assert "<pubDate>Sun, 15 Mar 2026 05:30:00 +0800</pubDate>" in feed


def test_a_server_without_a_pinned_now_renders_the_current_time():
    with DemoServer() as srv:
        parsed = feedparser.parse(HTTP.get(f"{srv.base_url}/zhiyuan/feed.atom").content)
    assert parsed.entries[0].published_parsed.tm_year >= 2025


@pytest.mark.parametrize("path", [
    "/../manifest.toml", "/site/../../manifest.toml", "/%2e%2e/manifest.toml",
    "/zhiyuan/..%2f..%2fmanifest.toml", "/zhiyuan/%2e%2e/%2e%2e/manifest.toml",
    "/..%5cmanifest.toml", "/zhiyuan/news/../../../server.py", "//etc/passwd", "/%00",
])
def test_traversal_is_refused(server, path):
    status, body = raw_get(server.base_url, path)
    assert status == 404
    assert b"[[sources]]" not in body and b"root:" not in body


def test_missing_files_and_non_site_types_are_404(server, tmp_path):
    assert raw_get(server.base_url, "/nope.html")[0] == 404
    assert raw_get(server.base_url, "/zhiyuan/")[0] == 404
    (tmp_path / "secret.txt").write_text("x")
    assert resolve(tmp_path, "/secret.txt") is None  # only feed and page types are served


def test_symlink_out_of_root_is_refused(tmp_path):
    outside = tmp_path / "outside.html"
    outside.write_text("<p>secret</p>")
    root = tmp_path / "site"
    root.mkdir()
    (root / "link.html").symlink_to(outside)
    assert resolve(root, "/link.html") is None
    assert resolve(SITE_ROOT, "/zhiyuan/feed.atom") is not None


def test_etag_allows_conditional_get(server):
    url = f"{server.base_url}/moxing/feed.json"
    first = HTTP.get(url)
    again = HTTP.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_head_has_no_body(server):
    resp = HTTP.head(f"{server.base_url}/suanli/feed.rss")
    assert resp.status_code == 200 and resp.content == b""
    assert int(resp.headers["content-length"]) > 1000


def test_bad_template_is_a_500_not_a_crash(tmp_path):
    (tmp_path / "bad.html").write_text("<p>{{NOPE}}</p>")
    with DemoServer(now=NOW, root=tmp_path) as srv:
        assert HTTP.get(f"{srv.base_url}/bad.html").status_code == 500
        assert HTTP.get(f"{srv.base_url}/bad.html").status_code == 500  # still serving
