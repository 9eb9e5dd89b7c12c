"""Script conversion shared by every stage that must emit Simplified Chinese."""
from __future__ import annotations

from functools import lru_cache

# Simplified-Chinese names that OpenCC's t2s would wrongly "simplify" (昇 is also a variant of 升).
PROTECTED = {"昇腾": "昇腾", "昇騰": "昇腾", "昇思": "昇思"}  # as written -> Simplified


@lru_cache(maxsize=4)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str, config: str = "t2s") -> str:
    """Traditional → Simplified, leaving protected names intact (placeholders from the private-use area)."""
    slots = {}
    for i, (term, simplified) in enumerate(PROTECTED.items()):
        if term in text:
            mark = chr(0xE000 + i)
            slots[mark] = simplified
            text = text.replace(term, mark)
    out = _converter(config).convert(text)
    for mark, term in slots.items():
        out = out.replace(mark, term)
    return out
