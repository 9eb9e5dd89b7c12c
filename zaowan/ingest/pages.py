"""Article pages: HTML → title, author, canonical URL, language, main text and every date.

Pure: the page is fetched by the guarded client and handed in as bytes. trafilatura finds the
main text (never with its own fetcher); we read the metadata ourselves from the same HTML,
because the dates must keep their origin (meta / jsonld / time) for the freshness desk, and the
canonical URL must stay on the article's own site. The text then goes through `clean_text`,
which removes the noise trafilatura lets through (related-article lists, share bars).
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import datetime, tzinfo
from urllib.parse import urljoin, urlsplit

import htmldate
import trafilatura
from trafilatura.settings import Extractor
from lxml import html as lxml_html
from lxml.etree import ParserError

from ..errors import ParseError
from ..records import DateEvidence
from .charset import decode_bytes
from .clean import clean_text, strip_invisible
from .dates import evidence

log = logging.getLogger(__name__)

_META_DATES = {
    "article:published_time": "meta", "og:published_time": "meta", "og:article:published_time": "meta",
    "pubdate": "meta", "publishdate": "meta", "publish-date": "meta", "date": "meta",
    "dc.date": "meta", "dc.date.issued": "meta", "dcterms.created": "meta", "sailthru.date": "meta",
}


@lru_cache(maxsize=1)
def _extractor() -> Extractor:
    """One shared option set: building it per page cost ~15% of extraction (bench/ingest.py).
    trafilatura copies it before changing anything, so sharing across threads is safe; the URL
    is left out on purpose — canonical URL and dates are read by us, not from these options."""
    return Extractor(output_format="python", precision=True, comments=False, tables=False,
                     dedup=False, with_metadata=True)


@dataclass
class Page:
    url: str
    canonical_url: str
    title: str
    author: str
    lang: str
    text: str
    dates: list[DateEvidence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse_html(data: bytes | str, http_charset: str | None = None):
    """lxml tree of a page; ParseError when there is no document at all."""
    text = data if isinstance(data, str) else decode_bytes(data, http_charset)[0]
    if not text.strip():
        raise ParseError("empty page", reason="empty_body")
    try:
        return lxml_html.document_fromstring(text), text
    except (ParserError, ValueError) as exc:
        raise ParseError(f"unreadable HTML: {exc}", reason="malformed_html") from exc


def extract_page(data: bytes | str, url: str, *, tz: tzinfo, now: datetime,
                 http_charset: str | None = None) -> Page:
    """Main text and metadata of one article page."""
    tree, html = parse_html(data, http_charset)
    dates, notes = page_dates(tree, tz, now)
    doc = trafilatura.bare_extraction(html, options=_extractor())
    raw_text = (doc.text or "") if doc is not None else ""
    title = strip_invisible((doc.title if doc is not None else "") or _first(tree, "//title/text()")).strip()
    text = _drop_title_line(clean_text(raw_text), title)
    found = _htmldate(tree, url, tz, now)
    if found and all(d.value.date() != found.value.date() for d in dates):
        dates.append(found)
    author = strip_invisible((doc.author if doc is not None else "") or _meta(tree, "author")).strip()
    lang = (tree.get("lang") or _meta(tree, "og:locale") or (doc.language if doc is not None else "") or "")
    return Page(url=url, canonical_url=canonical_url(tree, url), title=title, author=author,
                lang=lang.strip(), text=text, dates=dates, notes=notes)


def _first(tree, xpath: str) -> str:
    found = tree.xpath(xpath)
    return str(found[0]) if found else ""


def _meta(tree, name: str) -> str:
    for el in tree.xpath("//meta[@content]"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
        if key == name:
            return el.get("content", "")
    return ""


def _drop_title_line(text: str, title: str) -> str:
    first, _, rest = text.partition("\n")
    return rest.strip() if title and first.strip() == title.strip() else text


def canonical_url(tree, url: str) -> str:
    """`<link rel=canonical>` or og:url when it stays on the article's host; else the URL we fetched.

    A page naming another site as canonical would let one source overwrite another's articles.
    """
    candidates = tree.xpath("//link[@rel='canonical']/@href") + [_meta(tree, "og:url")]
    here = _site(url)
    for href in candidates:
        href = str(href).strip()
        if not href:
            continue
        full = urljoin(url, href)
        if urlsplit(full).scheme in ("http", "https") and _site(full) == here:
            return full.split("#", 1)[0]
    return url.split("#", 1)[0]


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def page_dates(tree, tz: tzinfo, now: datetime) -> tuple[list[DateEvidence], list[str]]:
    """Dates from <meta>, JSON-LD and <time>, each tagged with its origin; plus notes on rejects."""
    raw: list[tuple[str, str, str]] = []
    for el in tree.xpath("//meta[@content]"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
        if key in _META_DATES or key == "datepublished":
            raw.append((el.get("content", ""), "meta", key))
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        for key, value in _jsonld_dates(script):
            raw.append((value, "jsonld", key))
    for el in tree.xpath("//time[@datetime]")[:5]:
        raw.append((el.get("datetime", ""), "time", "<time>"))
    out: list[DateEvidence] = []
    notes: list[str] = []
    for value, origin, key in raw:
        ev, why = evidence(value, origin, tz, now, note=key)
        if ev and all((e.value, e.origin) != (ev.value, ev.origin) for e in out):
            out.append(ev)
        elif why:
            notes.append(why)
    return out, notes


def _jsonld_dates(script: str) -> list[tuple[str, str]]:
    try:
        doc = json.loads(script)
    except (json.JSONDecodeError, ValueError):
        return []
    out: list[tuple[str, str]] = []
    stack = [doc]
    while stack and len(out) < 10:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key in ("datePublished", "dateCreated", "dateModified", "uploadDate"):
                if isinstance(node.get(key), str):
                    out.append((key, node[key]))
            stack.extend(v for k, v in node.items() if k == "@graph" or isinstance(v, (dict, list)))
    return out


def _htmldate(tree, url: str, tz: tzinfo, now: datetime) -> DateEvidence | None:
    try:
        found = htmldate.find_date(tree, url=url, extensive_search=False, original_date=True,
                                   outputformat="%Y-%m-%dT%H:%M:%S%z")
    except (ValueError, TypeError) as exc:  # htmldate raises on odd trees; a missing date is fine
        log.debug("htmldate failed on %s: %s", url, exc)
        return None
    ev, _ = evidence(found, "htmldate", tz, now) if found else (None, "")
    return ev
