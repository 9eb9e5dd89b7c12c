"""Who says so? Source tiers, independent corroboration, and refutations.

Tier 1 is most trusted, 3 least. Copies from one owner count once. A story that rests on one
low-tier source cannot air as fact (unverified); a claim that a trusted article refutes is a
rumour and may only air as the debunk that the trusted article itself is.
"""
from __future__ import annotations

import re

from ..records import Article

_REFUTE = re.compile(
    r"辟谣|闢謠|否认|否認|不实|不實|谣言|謠言|假消息|假新闻|澄清|并无此事|並無此事|纯属虚构|純屬虛構|没有计划|沒有計劃"
    r"|伪造|偽造|造假|假图|假圖|\bfake\b|\bhoax\b|\bdoctored\b|\bforged\b"
    r"|\bdenied\b|\bdenies\b|\bfalse\b|\bnot true\b|\bunfounded\b|\bfabricated\b|\brumou?rs? (is|are) (false|untrue)",
    re.IGNORECASE,
)
_HEDGE = re.compile(r"传闻|傳聞|据传|據傳|网传|網傳|小道消息|爆料|知情人士|消息人士|rumou?r|reportedly|sources say|leak", re.IGNORECASE)


def owner_of(a: Article, owners: dict[str, str]) -> str:
    return owners.get(a.source) or a.source


def independent_count(arts: list[Article], owners: dict[str, str]) -> int:
    return len({owner_of(a, owners) for a in arts})


def refutes(a: Article) -> bool:
    return bool(_REFUTE.search(a.title + "\n" + a.text[:400]))


def is_hedged_claim(a: Article) -> bool:
    return bool(_HEDGE.search(a.title + "\n" + a.text[:300]))
