"""How old is an article, really? Pure functions over the dates ingest found.

A feed date alone is weak evidence: feeds re-date old items. The page's own metadata and dates
written in the text are stronger; when they are much older than the feed date the item is
recycled news. No date at all means "unknown", which is never treated as fresh.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..records import Article

PAGE_ORIGINS = {"meta", "jsonld", "time", "htmldate", "text", "page"}
RECYCLE_GAP = timedelta(days=2)  # page/text date this much older than the feed date = recycled


@dataclass(frozen=True)
class Age:
    verdict: str  # fresh | stale | recycled | unknown
    earliest: datetime | None
    detail: str


def _fmt(d: datetime) -> str:
    return d.strftime("%Y-%m-%d %H:%M %Z").strip()


def article_age(a: Article, now: datetime, window: timedelta) -> Age:
    feed = [d.value for d in a.dates if d.origin == "feed"]
    if a.published_at and not feed:
        feed = [a.published_at]
    page = [d.value for d in a.dates if d.origin in PAGE_ORIGINS]
    all_dates = [d for d in feed + page if d <= now + timedelta(minutes=5)]
    if not all_dates:
        return Age("unknown", None, "no publication date found in feed, page or text")
    earliest = min(all_dates)
    if page and feed and min(page) < min(feed) - RECYCLE_GAP and min(feed) >= now - window:
        return Age("recycled", earliest,
                   f"feed dated {_fmt(min(feed))} but the page says it was first published {_fmt(min(page))}")
    if earliest < now - window:
        hours = (now - earliest).total_seconds() / 3600
        return Age("stale", earliest, f"published {_fmt(earliest)}, {hours:.0f} h ago; window is {window.total_seconds()/3600:.0f} h")
    return Age("fresh", earliest, f"published {_fmt(earliest)}")
