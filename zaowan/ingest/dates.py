"""Dates, all timezone-aware, each with the place it was found (pure).

The ingest desk does not decide which date is true; it keeps every `DateEvidence` and the
freshness desk weighs them. Two rules hold here: a naive date is read in the show's timezone
(and says so), and a date in the future is clamped to `now` (and says so), because a feed that
claims tomorrow must not look like the freshest story of the day. A missing date stays None.
"""
from __future__ import annotations

import email.utils
import re
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from ..records import DateEvidence

FUTURE_SLACK = timedelta(minutes=10)  # clock skew between us and a publisher is not a lie


def parse_date(value: str, tz: tzinfo) -> tuple[datetime | None, str]:
    """Parse an RFC 822, ISO 8601 or Chinese-style date; returns (aware datetime or None, note)."""
    raw = value.strip()
    if not raw:
        return None, ""
    dt = _try_rfc822(raw) or _try_iso(raw) or _try_cjk(raw)
    if dt is None:
        return None, f"unparseable date {raw[:60]!r}"
    if dt.tzinfo is None:
        return dt.replace(tzinfo=tz), f"no timezone, read as {tz}"
    return dt, ""


def _try_rfc822(raw: str) -> datetime | None:
    if not re.match(r"^\s*([A-Za-z]{3},)?\s*\d{1,2}\s+[A-Za-z]{3}", raw):
        return None
    try:
        dt = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    # RFC 822 "-0000" means "unknown zone": parsedate gives naive; UTC is the documented reading.
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def _try_iso(raw: str) -> datetime | None:
    s = raw.replace("Z", "+00:00").replace("z", "+00:00")
    s = re.sub(r"^(\d{4}-\d{2}-\d{2}) (\d)", r"\1T\2", s)
    s = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", s)
    try:
        return datetime.fromisoformat(s)
    except ValueError:
        return None


_CJK_FULL = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]"
                       r"(?:\s*(\d{1,2})\s*[:：时點点]\s*(\d{1,2}))?")


def _try_cjk(raw: str) -> datetime | None:
    m = _CJK_FULL.search(raw)
    if not m:
        return None
    y, mo, d, hh, mm = m.groups()
    try:
        return datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0))
    except ValueError:
        return None


def clamp(dt: datetime, now: datetime) -> tuple[datetime, str]:
    """Future dates become `now`; the note keeps what was claimed."""
    if dt > now + FUTURE_SLACK:
        return now, f"future date {dt.isoformat()} clamped to fetch time"
    return dt, ""


def evidence(value: str | datetime | None, origin: str, tz: tzinfo, now: datetime,
             note: str = "") -> tuple[DateEvidence | None, str]:
    """One date as evidence (clamped, aware) or (None, why it was rejected)."""
    if value is None:
        return None, ""
    if isinstance(value, datetime):
        dt, why = (value if value.tzinfo else value.replace(tzinfo=tz)), ""
    else:
        dt, why = parse_date(value, tz)
    if dt is None:
        return None, f"{origin}: {why}" if why else ""
    dt, clamped = clamp(dt, now)
    notes = "; ".join(n for n in (note, why, clamped) if n)
    return DateEvidence(value=dt, origin=origin, note=notes), ""


# Dates written in the prose: "本文首发于6月6日", "2025年6月6日", "June 6, 2025", "2025-06-06".
_TEXT_PATTERNS = [
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]"), "ymd"),
    (re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]"), "md"),
    (re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"), "ymd"),
    (re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(\d{1,2}),\s*(\d{4})\b"), "mdy_en"),
]
_MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                          "nov", "dec"], start=1)}
UPCOMING = timedelta(days=45)  # a yearless date this close ahead is a schedule, not last year
_CUES = ("首发", "首發", "发布于", "發佈於", "发表于", "發表於", "published", "posted", "updated", "更新")


def text_dates(text: str, tz: tzinfo, now: datetime, ref: datetime | None = None,
               limit: int = 5) -> list[DateEvidence]:
    """Dates written in the article text. A yearless 月日 is read as its latest occurrence not
    after `ref` (the feed or page date when known, else now): an article from last December
    saying 12月1日 means that December, not a future one."""
    found: list[DateEvidence] = []
    for pattern, kind in _TEXT_PATTERNS:
        for m in pattern.finditer(text):
            dt = _text_match_date(m, kind, tz, min(ref or now, now))
            if dt is None:
                continue
            context = text[max(0, m.start() - 8):m.end()].replace("\n", " ")
            cue = any(c in context.lower() for c in _CUES)
            ev, _ = evidence(dt, "text", tz, now, note=("cue: " if cue else "") + context.strip())
            if ev and all(e.value != ev.value for e in found):
                found.append(ev)
            if len(found) >= limit:
                return found
    return found


def _text_match_date(m: re.Match, kind: str, tz: tzinfo, now: datetime) -> datetime | None:
    try:
        if kind == "ymd":
            return datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), tzinfo=tz)
        if kind == "mdy_en":
            return datetime(int(m.group(3)), _MONTHS[m.group(1).lower()[:3]], int(m.group(2)), tzinfo=tz)
        local_now = now.astimezone(tz)
        dt = datetime(local_now.year, int(m.group(1)), int(m.group(2)), tzinfo=tz)
        if dt <= now + FUTURE_SLACK:
            return dt
        if dt - now <= UPCOMING:
            return None  # "11月28日开始发货": a date ahead says when something will happen, not when this was written
        return dt.replace(year=dt.year - 1)
    except ValueError:
        return None


def zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return timezone.utc
