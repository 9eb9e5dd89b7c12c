"""Turning fetched bytes into text when servers lie about (or forget) the charset.

Chinese feeds are often GBK or Big5 served as "UTF-8", or labelled Latin-1 by a default
server config. Order of trust: a byte-order mark; then the declared charsets (HTTP header,
XML declaration, HTML meta) if the bytes really decode under them; then a statistical guess
restricted to the encodings Chinese and Western sites actually use. Pure functions.
"""
from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS = [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
# Servers label anything as these by default; a label that decodes *every* byte proves nothing.
_WEAK_LABELS = {"iso8859-1", "cp1252", "ascii"}  # codecs.lookup() names of latin-1, windows-1252, us-ascii
_GUESSES = ["utf_8", "gb18030", "big5", "cp1252"]


def _normalise(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return None
    # GB2312 and GBK labels routinely carry GB18030-only characters; the superset is always safe.
    return "gb18030" if name in ("gb2312", "gbk") else name


def declared_charsets(data: bytes, http_charset: str | None) -> list[str]:
    """Charsets the response claims, most trusted first (unknown labels dropped)."""
    head = data[:4096]
    found = [http_charset]
    m = _XML_DECL.match(head)
    if m:
        found.append(m.group(1).decode("ascii"))
    m = _META_CHARSET.search(head)
    if m:
        found.append(m.group(1).decode("ascii"))
    out: list[str] = []
    for label in found:
        name = _normalise(label)
        if name and name not in out:
            out.append(name)
    return out


def decode_bytes(data: bytes, http_charset: str | None = None) -> tuple[str, str, str]:
    """Decode a body; returns (text, encoding used, note for the fetch log — empty when all agreed)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc, ""
    declared = declared_charsets(data, http_charset)
    high_bytes = any(b > 0x7F for b in data[:65536])
    for enc in declared:
        if enc in _WEAK_LABELS and high_bytes:
            continue
        try:
            return data.decode(enc), enc, ""
        except UnicodeDecodeError:
            continue
    if not high_bytes:
        return data.decode("ascii", errors="replace"), "ascii", ""
    try:
        text, enc = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        best = from_bytes(data[:200_000], cp_isolation=_GUESSES).best()
        enc = best.encoding if best else "utf-8"
        text = data.decode(enc, errors="replace")
    note = f"declared {'/'.join(declared)} but body is {enc}" if declared else f"no charset declared; detected {enc}"
    return text, enc, note
