"""Per-article screens that need no other article: cut text, injected instructions, off-topic."""
from __future__ import annotations

import re

from ..records import Article
from .entities import orgs_in

_INJECTION = re.compile(
    r"(忽略|无视|忘记|忽視|無視)(掉)?(以上|之前|前面|上述|先前|所有|全部)?(的)?(所有|全部)?(指令|指示|提示|规则|規則|要求)"
    r"|ignore (all |any )?(the )?(previous|prior|above|earlier) (instructions|prompts|rules)"
    r"|disregard (all |the )?(previous|prior|above) "
    r"|system prompt|系统提示词|系統提示詞"
    r"|(在|于)(节目|播客|广播|節目)(里|中|裡)?(说|播报|宣布|念|說)"
    r"|you are now|你现在是一个|從現在起你是|从现在起你是",
    re.IGNORECASE,
)
_CUT_MARKERS = ("…", "...", "阅读全文", "閱讀全文", "查看全文", "Read more", "read more", "Continue reading", "未完待续")
_SENTENCE_END = tuple("。！？!?.”」』\"）)")


def injection_suspect(a: Article) -> str:
    m = _INJECTION.search(a.title + "\n" + a.text)
    return f"text addresses the newsroom's models: “{m.group(0)}”" if m else ""


def looks_cut(a: Article) -> str:
    """Belt and braces behind ingest's truncation repair: a cut sentence must never air."""
    if a.truncated:
        return a.truncation_detail or "ingest marked the text as truncated"
    tail = a.text.rstrip()
    if not tail:
        return "empty text"
    for marker in _CUT_MARKERS:
        if tail.endswith(marker):
            return f"text ends with “{marker}”"
    if a.lang.startswith("zh") and not tail.endswith(_SENTENCE_END):
        return f"text ends mid-sentence: “…{tail[-12:]}”"
    return ""


def off_topic(a: Article, topics: list[str]) -> str:
    hay = (a.title + "\n" + a.text).lower()
    if any(t.lower() in hay for t in topics) or orgs_in(hay):
        return ""
    return f"mentions none of the configured topics ({', '.join(topics[:6])}…) nor a known AI company"
