"""The demo newsroom's tiny template language (pure; no I/O).

Feed and page files carry placeholders so the bundled stories are always "today":

    {{BASE}}            server base URL, no trailing slash
    {{RFC822:-3h}}      now - 3 hours as an RFC 822 date (RSS pubDate)
    {{ISO:-3h}}         now - 3 hours as ISO 8601 with the +08:00 offset (Atom, JSON Feed, meta)
    {{ZHDATE:-40d}}     now - 40 days as a Chinese month/day ("10月13日") for running text

Offsets are a signed integer and a unit: m (minutes), h (hours), d (days). Anything else
between double braces is an error, so a typo in a template fails loudly instead of reaching
a feed reader as literal text.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from ..errors import ParseError

# The newsroom "lives" in China Standard Time; a fixed offset avoids needing tzdata.
CST = timezone(timedelta(hours=8))

_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}")
_DATED = re.compile(r"^(RFC822|ISO|ZHDATE):([+-]?\d+)([mhd])$")


def shifted(now: datetime, offset: str) -> datetime:
    """`now` moved by an offset such as "-3h", "-40d" or "15m", in China Standard Time."""
    m = re.fullmatch(r"([+-]?\d+)([mhd])", offset)
    if not m:
        raise ParseError(f"bad date offset {offset!r} (want e.g. -3h, -40d, -15m)")
    return _aware(now).astimezone(CST) + timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})


def _aware(now: datetime) -> datetime:
    # A naive `now` is taken as UTC, the way datetime.utcnow() callers mean it.
    return now if now.tzinfo else now.replace(tzinfo=timezone.utc)


def format_date(kind: str, when: datetime) -> str:
    """Format one date the way the placeholder kind asks for."""
    when = when.astimezone(CST)
    if kind == "RFC822":
        return format_datetime(when)
    if kind == "ISO":
        return when.replace(microsecond=0).isoformat()
    if kind == "ZHDATE":
        return f"{when.month}月{when.day}日"
    raise ParseError(f"unknown date format {kind!r}")


def render(template: str, *, now: datetime, base_url: str) -> str:
    """Replace every placeholder in `template`; raise ParseError on one we do not know."""
    base = base_url.rstrip("/")

    def sub(match: re.Match) -> str:
        body = match.group(1)
        if body == "BASE":
            return base
        dated = _DATED.match(body)
        if not dated:
            raise ParseError(f"unknown template placeholder {{{{{body}}}}}")
        kind, amount, unit = dated.groups()
        return format_date(kind, shifted(now, f"{amount}{unit}"))

    return _PLACEHOLDER.sub(sub, template)
