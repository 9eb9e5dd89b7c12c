"""The podcast RSS feed (RSS 2.0 + iTunes tags), built as XML with lxml so escaping is never
hand-rolled (pure: records in, bytes out)."""
from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from urllib.parse import urljoin

from lxml import etree
from pydantic import BaseModel

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
ATOM = "http://www.w3.org/2005/Atom"


class FeedEpisode(BaseModel):
    guid: str
    title: str
    published_at: datetime
    summary: str
    notes_html: str
    audio_path: str  # relative to the site root
    audio_bytes: int
    duration_s: float
    page_path: str


class FeedChannel(BaseModel):
    title: str
    site_url: str
    description: str
    author: str
    language: str
    image_path: str = ""


def _sub(parent, tag: str, text: str | None = None, **attrs):
    el = etree.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def _hms(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def build_feed(channel: FeedChannel, episodes: list[FeedEpisode]) -> bytes:
    rss = etree.Element("rss", version="2.0", nsmap={"itunes": ITUNES, "content": CONTENT, "atom": ATOM})
    ch = _sub(rss, "channel")
    _sub(ch, "title", channel.title)
    _sub(ch, "link", channel.site_url)
    _sub(ch, "description", channel.description)
    _sub(ch, "language", channel.language)
    _sub(ch, f"{{{ATOM}}}link", href=urljoin(channel.site_url, "feed.xml"), rel="self", type="application/rss+xml")
    _sub(ch, f"{{{ITUNES}}}author", channel.author)
    _sub(ch, f"{{{ITUNES}}}summary", channel.description)
    _sub(ch, f"{{{ITUNES}}}explicit", "false")
    etree.SubElement(ch, f"{{{ITUNES}}}category", {"text": "Technology"})  # attribute, not text
    if channel.image_path:
        _sub(ch, f"{{{ITUNES}}}image", href=urljoin(channel.site_url, channel.image_path))
    for ep in sorted(episodes, key=lambda e: e.published_at, reverse=True):
        it = _sub(ch, "item")
        _sub(it, "title", ep.title)
        _sub(it, "link", urljoin(channel.site_url, ep.page_path))
        _sub(it, "guid", ep.guid, isPermaLink="false")
        _sub(it, "pubDate", format_datetime(ep.published_at))
        _sub(it, "description", ep.summary)
        _sub(it, f"{{{CONTENT}}}encoded").text = etree.CDATA(ep.notes_html)
        _sub(it, "enclosure", url=urljoin(channel.site_url, ep.audio_path), length=ep.audio_bytes, type="audio/mpeg")
        _sub(it, f"{{{ITUNES}}}duration", _hms(ep.duration_s))
        _sub(it, f"{{{ITUNES}}}explicit", "false")
    return etree.tostring(rss, xml_declaration=True, encoding="utf-8", pretty_print=True)
