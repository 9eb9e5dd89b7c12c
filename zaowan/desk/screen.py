"""Per-article screens that need no other article: cut text, injected instructions, off-topic."""
from __future__ import annotations

import functools
import re

from ..records import Article
from .entities import orgs_in

_INJECTION = re.compile(
    r"(忽略|无视|忘记|忽視|無視|不要理会|不要理會)[^。！？\n]{0,12}(指令|指示|提示|规则|規則|要求)"
    r"|(给|給|致)\s?AI[^。！？\n]{0,8}(的)?(指示|指令|提示)"
    r"|如果你是[^。！？\n]{0,12}(AI|模型|助手|助理|系统|系統)"
    r"|(note|message|instructions?) (to|for) (any |all )?(ai|llm|language model)s?"
    r"|ignore (all |any )?(the )?(previous|prior|above|earlier) (instructions|prompts|rules)"
    r"|disregard (all |the )?(previous|prior|above) "
    r"|system prompt|系统提示词|系統提示詞"
    r"|(在|于)(节目|播客|广播|節目)(里|中|裡)?(说|播报|宣布|念|說)"
    r"|you are now|你现在是一个|從現在起你是|从现在起你是",
    re.IGNORECASE,
)
_CUT_MARKERS = ("…", "...", "阅读全文", "閱讀全文", "查看全文", "Read more", "read more", "Continue reading", "未完待续")
# A cut often hides behind a closing bracket: "……（未完，订阅会员后阅读全文）".
_PAYWALL = re.compile(r"未完|订阅[^。]{0,8}(阅读|閱讀|全文)|訂閱[^。]{0,8}(閱讀|全文)|会员后阅读|會員後閱讀|付费阅读|付費閱讀|……\s*[（(]"
                      r"|subscribe (now )?to (read|continue)|subscribers only|to continue reading", re.IGNORECASE)
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
    if m := _PAYWALL.search(tail[-60:]):
        return f"text ends at a paywall or 'to be continued' note: “{m.group(0)}”"
    if a.lang.startswith("zh") and not tail.endswith(_SENTENCE_END):
        return f"text ends mid-sentence: “…{tail[-12:]}”"
    return ""


# The configured topics are Chinese words; English reports say the same things in English.
_ENGLISH_TOPICS = re.compile(
    r"\b(artificial intelligence|machine learning|neural network|LLMs?|chatbots?|GPUs?|semiconductors?|chipmakers?"
    r"|(AI|language|video|image|reasoning|foundation|generative|diffusion|speech|embedding|open-weight) models?"
    r"|humanoid|robotics|AI agents?|coding agents?)\b", re.IGNORECASE)


@functools.lru_cache(maxsize=256)
def _topic_pattern(topic: str) -> re.Pattern[str]:
    # A Latin topic is a word: "AI" must not match "straight" or "Reinhart".
    if re.fullmatch(r"[A-Za-z0-9 .+-]+", topic):
        return re.compile(rf"(?<![A-Za-z]){re.escape(topic)}(?![A-Za-z])", re.IGNORECASE)
    return re.compile(re.escape(topic), re.IGNORECASE)


def off_topic(a: Article, topics: list[str]) -> str:
    hay = a.title + "\n" + a.text
    if any(_topic_pattern(t).search(hay) for t in topics) or _ENGLISH_TOPICS.search(hay) or orgs_in(hay):
        return ""
    return f"mentions none of the configured topics ({', '.join(topics[:6])}…) nor a known AI company"
