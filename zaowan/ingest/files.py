"""Local sources: one file or a folder of .md, .txt, .html, .json (and feed .xml) files.

A local source is a path in the config, never a `file://` URL (those are refused like any
non-http scheme, so a feed cannot point us at /etc/passwd). Files are read with the same size
cap as HTTP bodies, and a folder is read in name order, non-recursively beyond `MAX_DEPTH`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import FetchError, ParseError
from .charset import decode_bytes
from .feeds import Entry, Feed, looks_like_html, parse_feed

SUFFIXES = {".md", ".markdown", ".txt", ".html", ".htm", ".json", ".xml", ".rss", ".atom"}
MAX_FILES = 500
MAX_DEPTH = 2


@dataclass
class LocalDoc:
    """A file that is one article; `html` is set for .html files so the page extractor can run."""

    path: Path
    entry: Entry
    html: bytes | None = None


def list_files(root: Path) -> list[Path]:
    """The readable files of a source path, sorted, capped at MAX_FILES."""
    if not root.exists():
        raise FetchError(f"{root} does not exist", reason="not_found")
    if root.is_file():
        return [root]
    files = [p for p in sorted(root.rglob("*"))
             if p.is_file() and p.suffix.lower() in SUFFIXES and len(p.relative_to(root).parts) <= MAX_DEPTH + 1
             and not any(part.startswith(".") for part in p.relative_to(root).parts)]
    return files[:MAX_FILES]


def read_capped(path: Path, max_bytes: int) -> bytes:
    size = path.stat().st_size
    if size > max_bytes:
        raise FetchError(f"{path} is {size} bytes, over the {max_bytes}-byte cap", reason="too_large")
    return path.read_bytes()


def read_file(path: Path, max_bytes: int) -> Feed | LocalDoc:
    """A feed file becomes a Feed; any other file becomes one LocalDoc."""
    data = read_capped(path, max_bytes)
    suffix = path.suffix.lower()
    link = path.resolve().as_uri()
    if suffix in (".xml", ".rss", ".atom"):
        return parse_feed(data, link)
    text, _, _ = decode_bytes(data)
    if suffix == ".json":
        return _json_doc(path, text, link, data)
    if suffix in (".html", ".htm") or looks_like_html(text):
        return LocalDoc(path, Entry(link=link, guid=link, title="", text=""), html=data)
    meta, text = front_matter(text)
    title, body = _split_title(text, markdown=suffix in (".md", ".markdown"))
    # The file's mtime is not a publication date: a copied file would look fresh. A date comes
    # from front matter (or from the text itself, found later), or there is none.
    url = meta.get("url") or link
    return LocalDoc(path, Entry(link=url, guid=url, title=meta.get("title") or title or path.stem, text=body,
                                author=meta.get("author", ""), lang=meta.get("language", ""),
                                date_raw=meta.get("published") or meta.get("date", "")))


_FM_KEYS = {"title", "date", "published", "url", "author", "language"}


def front_matter(text: str) -> tuple[dict[str, str], str]:
    """A leading `---` block of `key: value` lines (Jekyll/Hugo style) and the text after it.
    Only simple scalar keys are read; anything else in the block is ignored."""
    lines = text.lstrip("\ufeff").split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    for end in range(1, min(len(lines), 60)):
        if lines[end].strip() == "---":
            meta = {}
            for line in lines[1:end]:
                key, sep, value = line.partition(":")
                if sep and key.strip().lower() in _FM_KEYS:
                    meta[key.strip().lower()] = value.strip().strip("\"'")
            return meta, "\n".join(lines[end + 1:]).lstrip("\n")
    return {}, text


def _json_doc(path: Path, text: str, link: str, data: bytes) -> Feed | LocalDoc:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"{path}: invalid JSON: {exc}", reason="malformed_json") from exc
    if isinstance(doc, dict) and str(doc.get("version", "")).startswith("https://jsonfeed.org/"):
        return parse_feed(data, link)
    if not (isinstance(doc, dict) and isinstance(doc.get("title"), str)
            and isinstance(doc.get("text") or doc.get("content"), str)):
        raise ParseError(f"{path}: JSON must be a JSON Feed or an object with 'title' and 'text'",
                         reason="unsupported_json")
    return LocalDoc(path, Entry(link=str(doc.get("url") or link), guid=str(doc.get("url") or link),
                                title=doc["title"], text=doc.get("text") or doc.get("content"),
                                author=str(doc.get("author", "")), lang=str(doc.get("language", "")),
                                date_raw=str(doc.get("published", "") or doc.get("date", ""))))


def _split_title(text: str, markdown: bool) -> tuple[str, str]:
    lines = text.strip().split("\n")
    if not lines or not lines[0].strip():
        return "", text
    first = lines[0].strip()
    if markdown:
        if first.startswith("#"):
            return first.lstrip("#").strip(), "\n".join(lines[1:]).strip()
        return "", text.strip()
    return first, "\n".join(lines[1:]).strip()
