"""Which script a text is written in, and Traditional → Simplified with OpenCC.

Detection converts the text with plain `t2s` and counts how many Han characters change: a
Simplified text barely moves, a Traditional one moves a lot. Conversion then uses the
phrase-aware regional configs (`tw2sp` for Taiwan and by default, `hk2s` for Hong Kong and
Macau), which also swap vocabulary (軟體 → 软件), not just characters.
"""
from __future__ import annotations

import re
import threading
from functools import lru_cache

import opencc

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_lock = threading.Lock()


@lru_cache(maxsize=4)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def convert(text: str, config: str) -> str:
    with _lock:  # the binding is not documented as thread-safe; conversion is fast anyway
        return _converter(config).convert(text)


def detect_script(text: str) -> str:
    """'hans', 'hant' or 'latin' (no meaningful Han content)."""
    sample = text[:4000]
    han = _HAN.findall(sample)
    if len(han) < max(2, len(_LATIN.findall(sample)) // 10):
        return "latin"
    han_text = "".join(han)
    simplified = convert(han_text, "t2s")
    changed = sum(1 for a, b in zip(han_text, simplified) if a != b)
    # Simplified text still changes a little under t2s (rare variant characters); Traditional
    # prose changes in a fifth or more of its characters.
    return "hant" if changed >= 2 and changed / len(han_text) >= 0.04 else "hans"


def config_for(lang: str, url: str = "") -> str:
    """OpenCC config for a Traditional text, from its language tag or the site's country domain."""
    tag = lang.lower().replace("_", "-")
    host = re.sub(r"^[a-z]+://", "", url.lower()).split("/", 1)[0]
    if tag.endswith(("-hk", "-mo")) or "hant-hk" in tag or host.endswith((".hk", ".mo")):
        return "hk2s"
    return "tw2sp"


def to_simplified(text: str, lang: str = "", url: str = "") -> tuple[str, str]:
    """(text for downstream, detected script of the original)."""
    script = detect_script(text)
    if script != "hant":
        return text, script
    return convert(text, config_for(lang, url)), script
