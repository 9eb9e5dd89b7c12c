"""One feed entry (plus, when needed, its page) → one stored `Article`.

The truncation rule, in one place:
1. the feed text is cleaned and checked (`truncation_signal`: empty, read_more, ellipsis,
   mid_sentence); a text shorter than `SUMMARY_CHARS` is treated as a summary;
2. either way the article page is fetched through the guarded client and extracted;
3. the page text replaces the feed text when it is about the same story, is not itself cut,
   and the feed text was cut or much shorter than the page;
4. a cut feed text that could not be repaired is stored with `truncated=True` and the reason
   (the desk keeps it out of scripts); a complete short summary stays as it is.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..config import SourceConfig
from ..errors import SourceError
from ..records import Article, DateEvidence
from .clean import clean_text, same_story, shorter_than_page, truncation_signal
from .dates import evidence, text_dates
from .feeds import Entry
from .http import is_web_url
from .pages import Page
from .script import config_for, convert, to_simplified

SUMMARY_CHARS = 280  # below this a feed text is a teaser, whatever its punctuation says

PageFetcher = Callable[[str], Page]


@dataclass
class Built:
    article: Article
    notes: list[str] = field(default_factory=list)


def normalise_url(url: str) -> str:
    """Drop fragments and tracking parameters so one article has one key."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return url
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(("utm_", "spm", "from")) and k.lower() not in ("fbclid", "gclid")]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", urlencode(query), ""))


def item_url(entry: Entry, feed_url: str) -> str:
    if entry.link:
        return entry.link
    # No link at all: a stable synthetic key so re-ingesting the same item stays idempotent.
    key = hashlib.sha256(f"{entry.guid}\x1f{entry.title}".encode()).hexdigest()[:12]
    return f"{feed_url}#item-{key}"


def _wants_page(text: str, url: str) -> bool:
    return is_web_url(url) and (bool(truncation_signal(text)) or len(text) < SUMMARY_CHARS)


def needs_page(entry: Entry, feed_url: str) -> bool:
    """Would `build_article` fetch this entry's page (cut text or a teaser, with a web link)?"""
    return _wants_page(clean_text(entry.text), item_url(entry, feed_url))


def build_article(entry: Entry, src: SourceConfig, *, feed_url: str, fetch_page: PageFetcher | None,
                  tz: tzinfo, now: datetime, feed_lang: str = "") -> Built:
    """Feed entry → Article, repairing from the page when the feed text is cut or a teaser."""
    url = item_url(entry, feed_url)
    text = clean_text(entry.text)
    signal = truncation_signal(text)
    page, page_error = None, None
    if fetch_page and _wants_page(text, url):
        try:
            page = fetch_page(url)
        except SourceError as exc:
            page_error = f"{exc.reason}: {exc}"
    canonical, title, author = normalise_url(url), entry.title, entry.author
    truncated, why = False, ""
    if page is not None and _page_repairs(text, signal, page):
        text, canonical = page.text, normalise_url(page.canonical_url)
        title, author = title or page.title, author or page.author
    elif signal:
        truncated = True
        why = f"feed text looks cut ({signal}); " + _why_not_repaired(url, page, page_error, fetch_page)
    notes: list[str] = []
    dates = _dates(entry, page, text, tz, now, notes)
    published = next((d.value for d in dates if d.origin == "feed"), None)
    lang = entry.lang or feed_lang or (page.lang if page else "")
    art = make_article(src, url=url, canonical=canonical, title=title, author=author, text=text,
                       lang=lang, published=published, dates=dates, now=now, truncated=truncated, why=why)
    return Built(art, notes)


def _page_repairs(feed_text: str, signal: str | None, page: Page) -> bool:
    if not page.text or truncation_signal(page.text):
        return False
    if not same_story(feed_text, page.text):
        return False
    return bool(signal) or shorter_than_page(feed_text, page.text)


def _why_not_repaired(url: str, page: Page | None, page_error: str | None, fetch_page) -> str:
    if page_error:
        return f"full page unavailable ({page_error})"
    if page is None:
        return "no web page to repair it from" if fetch_page else "page fetching disabled"
    if not page.text:
        return "the page has no extractable text"
    if truncation_signal(page.text):
        return f"the page text is cut too ({truncation_signal(page.text)})"
    return "the page is about something else (login wall or index page?)"


def _dates(entry: Entry, page: Page | None, text: str, tz: tzinfo, now: datetime,
           notes: list[str]) -> list[DateEvidence]:
    out: list[DateEvidence] = []
    # Our parser reads the raw string first: feedparser turns some formats it half-knows
    # (e.g. 2025年6月5日) into a confident wrong date. Its value is the fallback for exotic formats.
    ev, why = evidence(entry.date_raw, "feed", tz, now) if entry.date_raw else (None, "")
    if ev is None and entry.date is not None:
        ev, why = evidence(entry.date, "feed", tz, now, note=f"read by feedparser from {entry.date_raw!r}")
    if ev is not None:
        out.append(ev)
    elif why:
        notes.append(why)
    if page is not None:
        out.extend(page.dates)
    ref = min((d.value for d in out), default=None)
    out.extend(text_dates(text, tz, now, ref=ref))
    return out


def make_article(src: SourceConfig, *, url: str, canonical: str, title: str, author: str, text: str,
                 lang: str, published: datetime | None, dates: list[DateEvidence], now: datetime,
                 truncated: bool = False, why: str = "") -> Article:
    """Script detection and OpenCC conversion happen here, once, for every kind of source."""
    title = title.strip() or _title_from(text)
    converted, script = to_simplified(text, lang, url)
    # Titles are too short to detect reliably: they follow the body's script.
    title_s = convert(title, config_for(lang, url)) if script == "hant" else title
    # A feed's language tag describes the feed, not each item: Latin-script text in a "zh-cn"
    # feed is an English item (the common case in Chinese AI-news feeds).
    claimed = lang.split("-")[0].lower()
    lang_code = "zh" if script in ("hans", "hant") else (claimed if claimed and claimed != "zh" else "en")
    return Article(url=url, canonical_url=canonical, source=src.name, tier=src.tier, title=title_s,
                   title_original=title, author=author.strip(), text=converted, text_original=text,
                   lang=lang_code, script=script, published_at=published, dates=dates, fetched_at=now,
                   truncated=truncated, truncation_detail=why)


def _title_from(text: str) -> str:
    first = text.strip().split("\n", 1)[0]
    return re.split(r"(?<=[。！？.!?])", first, maxsplit=1)[0][:60] or "(untitled)"
