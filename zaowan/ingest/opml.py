"""OPML subscription lists (what every feed reader exports) → source entries. Pure.

Parsed with defusedxml: an OPML file comes from somewhere else, and entity tricks in it must
fail as loudly as in a feed. Nested category outlines are walked; only outlines with an
`xmlUrl` become sources; the category is kept as a note in the name only when two feeds share
a title.
"""
from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError as XMLParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from ..errors import ParseError


@dataclass(frozen=True)
class OpmlFeed:
    name: str
    url: str
    category: str = ""


def parse_opml(data: bytes) -> list[OpmlFeed]:
    """Every feed in the file, in document order, without repeats of the same URL."""
    try:
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ParseError(f"OPML file declares XML entities: {exc}", reason="xml_entities") from exc
    except XMLParseError as exc:
        raise ParseError(f"not well-formed OPML: {exc}", reason="malformed_opml") from exc
    if root.tag.lower() != "opml":
        raise ParseError(f"not an OPML document (root element <{root.tag}>)", reason="malformed_opml")
    body = root.find("body")
    if body is None:
        raise ParseError("OPML document has no <body>", reason="malformed_opml")
    found: list[OpmlFeed] = []
    seen: set[str] = set()
    _walk(body, "", found, seen)
    return _unique_names(found)


def _walk(node: Element, category: str, found: list[OpmlFeed], seen: set[str]) -> None:
    for outline in node.findall("outline"):
        label = (outline.get("title") or outline.get("text") or "").strip()
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url and url not in seen:
            seen.add(url)
            found.append(OpmlFeed(name=label or url, url=url, category=category))
        _walk(outline, label if not url else category, found, seen)


def _unique_names(feeds: list[OpmlFeed]) -> list[OpmlFeed]:
    counts: dict[str, int] = {}
    for f in feeds:
        counts[f.name] = counts.get(f.name, 0) + 1
    out: list[OpmlFeed] = []
    used: set[str] = set()
    for f in feeds:
        name = f.name
        if counts[name] > 1 and f.category:
            name = f"{name} ({f.category})"
        base, n = name, 2
        while name in used:
            name, n = f"{base} #{n}", n + 1
        used.add(name)
        out.append(OpmlFeed(name=name, url=f.url, category=f.category))
    return out
