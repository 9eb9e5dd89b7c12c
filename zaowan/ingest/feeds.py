"""Feed bodies (RSS 0.9x/1.0/2.0, Atom, JSON Feed) → `Entry` records. Pure: bytes in, records out.

feedparser does the XML formats, always from bytes we fetched ourselves (a BytesIO — a plain
bytes argument may be taken for a *file name* by feedparser). Before it sees anything:
- the body is decoded by `charset.decode_bytes` and handed over as UTF-8, so a GBK feed
  labelled UTF-8 is not turned into mojibake;
- a DTD that declares entities is refused outright: no legitimate feed needs one, and it is
  how billion-laughs and external-entity (XXE) attacks arrive.
Like feedparser we survive a malformed feed — items recovered from broken XML are kept and
the source is marked with a note — but a body with no items that is not a feed is an error.
"""
from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin

import feedparser

from ..errors import ParseError
from .charset import decode_bytes
from .clean import html_to_text

_DOCTYPE_SUBSET = re.compile(r"<!DOCTYPE[^\[>]*\[(.*?)\]\s*>", re.S | re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.S)
_HTML_SNIFF = re.compile(r"^\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html|<head|<body)", re.I | re.S)


@dataclass
class Entry:
    """One feed item, before any page is fetched."""

    link: str
    guid: str
    title: str
    text: str  # plain text of the richest content the feed gave
    author: str = ""
    lang: str = ""
    date_raw: str = ""  # what the feed wrote
    date: datetime | None = None  # parsed by the feed library, UTC


@dataclass
class Feed:
    kind: str  # rss20, atom10, json1, ...
    title: str
    lang: str
    entries: list[Entry]
    notes: list[str] = field(default_factory=list)
    alternate: str = ""  # for HTML bodies: the feed the page advertises


def looks_like_html(text: str) -> bool:
    return bool(_HTML_SNIFF.match(text[:2000]))


def looks_like_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


def refuse_entities(text: str) -> None:
    """Entity declarations in a DTD are the vehicle of XML bombs and XXE; refuse them."""
    m = _DOCTYPE_SUBSET.search(text[:65536])
    if m and "<!entity" in m.group(1).lower():
        raise ParseError("feed declares XML entities in its DTD (entity-expansion or external-entity attack)",
                         reason="xml_entities")


def parse_feed(data: bytes, url: str, http_charset: str | None = None) -> Feed:
    """Parse any supported feed format; raises ParseError with a reason code when it is not one."""
    if not data.strip():
        raise ParseError("empty body where a feed was expected", reason="empty_body")
    text, _, charset_note = decode_bytes(data, http_charset)
    notes = [charset_note] if charset_note else []
    if looks_like_json(text):
        feed = parse_json_feed(text, url)
    elif looks_like_html(text):
        raise ParseError(f"{url} is an HTML page, not a feed" + _advertised(text, url), reason="not_a_feed")
    else:
        feed = parse_xml_feed(text, url)
    feed.notes = notes + feed.notes
    return feed


def _advertised(html: str, url: str) -> str:
    m = re.search(r"<link[^>]+type=[\"']application/(rss|atom)\+xml[\"'][^>]*>", html[:65536], re.I)
    href = re.search(r"href=[\"']([^\"']+)", m.group(0)) if m else None
    return f" (it advertises a feed at {urljoin(url, href.group(1))})" if href else ""


def parse_xml_feed(text: str, url: str) -> Feed:
    refuse_entities(text)
    body = _XML_DECL.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1).encode("utf-8")
    parsed = feedparser.parse(io.BytesIO(body), response_headers={
        "content-type": "application/xml; charset=utf-8", "content-location": url})
    notes: list[str] = []
    why = parsed.get("bozo_exception")
    if not parsed.entries and (why or not parsed.get("version")):
        # Broken XML that yielded nothing is an error; a well-formed feed with no items is not.
        raise ParseError(f"not a feed: {type(why).__name__ + ': ' + str(why) if why else 'no feed elements'}",
                         reason="malformed_feed" if why else "not_a_feed")
    if parsed.get("bozo"):
        if not isinstance(why, feedparser.CharacterEncodingOverride):
            notes.append(f"recovered from malformed XML ({type(why).__name__}: {str(why)[:120]})")
    meta = parsed.feed
    lang = meta.get("language", "") or ""
    entries = [_entry(e, url, lang) for e in parsed.entries]
    return Feed(kind=parsed.get("version") or "unknown", title=meta.get("title", ""), lang=lang,
                entries=entries, notes=notes)


def _entry(e, feed_url: str, feed_lang: str) -> Entry:
    contents = [c.get("value", "") for c in e.get("content", []) if c.get("value")]
    richest = max([*contents, e.get("summary", "") or ""], key=len)
    link = urljoin(feed_url, (e.get("link") or "").strip()) if e.get("link") else ""
    # dict.get bypasses FeedParserDict's deprecated updated→published key mapping.
    raw = dict.get(e, "published") or dict.get(e, "updated") or dict.get(e, "created") or ""
    parsed = dict.get(e, "published_parsed") or dict.get(e, "updated_parsed") or dict.get(e, "created_parsed")
    # feedparser normalises every date it understands to a UTC struct_time.
    date = datetime(*parsed[:6], tzinfo=timezone.utc) if parsed else None
    lang = ""
    for c in e.get("content", []):
        lang = c.get("language") or lang
    return Entry(link=link, guid=(e.get("id") or link or e.get("title", "")).strip(),
                 title=html_to_text(e.get("title", "") or ""), text=html_to_text(richest),
                 author=e.get("author", "") or "", lang=lang or feed_lang, date_raw=raw, date=date)


def parse_json_feed(text: str, url: str) -> Feed:
    """JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1)."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc}", reason="malformed_json") from exc
    version = doc.get("version", "") if isinstance(doc, dict) else ""
    if not (isinstance(version, str) and version.startswith("https://jsonfeed.org/version/")):
        raise ParseError("JSON document is not a JSON Feed (no jsonfeed.org version)", reason="not_a_feed")
    items = doc.get("items")
    if not isinstance(items, list):
        raise ParseError("JSON Feed has no items list", reason="malformed_json")
    lang = doc.get("language", "") or ""
    entries = [_json_entry(it, url, lang) for it in items if isinstance(it, dict)]
    skipped = len(items) - len(entries)
    notes = [f"{skipped} JSON Feed items were not objects"] if skipped else []
    kind = "json" + version.rsplit("/", 1)[-1].replace(".", "")
    return Feed(kind=kind, title=str(doc.get("title", "")), lang=lang, entries=entries, notes=notes)


def _json_entry(it: dict, feed_url: str, feed_lang: str) -> Entry:
    link = str(it.get("url") or it.get("external_url") or "")
    link = urljoin(feed_url, link) if link else ""
    html = it.get("content_html") or ""
    text = html_to_text(str(html)) if html else str(it.get("content_text") or it.get("summary") or "")
    authors = it.get("authors") or ([it["author"]] if isinstance(it.get("author"), dict) else [])
    author = ", ".join(str(a.get("name", "")) for a in authors if isinstance(a, dict) and a.get("name"))
    raw = str(it.get("date_published") or it.get("date_modified") or "")
    return Entry(link=link, guid=str(it.get("id") or link), title=html_to_text(str(it.get("title") or "")),
                 text=html_to_text(text) if "<" in text else text, author=author,
                 lang=str(it.get("language") or feed_lang), date_raw=raw)
