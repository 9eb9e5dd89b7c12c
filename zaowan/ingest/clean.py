"""Pure text hygiene: invisible Unicode, page noise, and telling a cut text from a whole one.

Nothing here does I/O; tests call these functions directly.

Noise we strip because it once went on air as news:
- a trailing "related articles" block — either under a heading (相关阅读, 延伸阅读, Related…)
  or a bare run of headline lines that each end in a date, as in the seed article;
- share bars, "scan the QR code" and "click to follow" lines, advertising labels.
"""
from __future__ import annotations

import re
import unicodedata

from lxml import html as lxml_html
from lxml.etree import ParserError

# Zero-width characters, bidi controls and other format characters (category Cf) carry no
# text; they break matching and can hide instructions. ZWJ inside emoji sequences is lost too,
# which costs nothing in a spoken script.


def strip_invisible(text: str) -> str:
    """Drop format characters (zero-width, bidi, BOM, soft hyphen) and stray control chars."""
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Cf":
            continue
        if cat == "Cc" and ch not in "\n\t":
            continue
        out.append(ch)
    return "".join(out)


def normalise_whitespace(text: str) -> str:
    """One paragraph per line, no blank lines, no trailing spaces; NBSP/ideographic space folded."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u3000", " ")
    lines = (re.sub(r"[ \t]+", " ", ln).strip() for ln in text.split("\n"))
    return "\n".join(ln for ln in lines if ln)


_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr",
               "section", "article", "pre", "ul", "ol", "table", "figure", "figcaption", "header", "footer"}


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (feed content), one block element per line."""
    if "<" not in fragment:
        return normalise_whitespace(strip_invisible(_unescape(fragment)))
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (ParserError, ValueError):
        return normalise_whitespace(strip_invisible(re.sub(r"<[^>]+>", " ", fragment)))
    for bad in root.xpath(".//script|.//style|.//noscript|.//iframe|.//form"):
        bad.drop_tree()
    parts: list[str] = []

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _BLOCK_TAGS:
            parts.append("\n")
        if tag == "li":
            parts.append("- ")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag in _BLOCK_TAGS:
            parts.append("\n")

    walk(root)
    return normalise_whitespace(strip_invisible("".join(parts)))


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


# --- page noise -----------------------------------------------------------------------------
_RELATED_HEADING = re.compile(
    r"^\W*(相关阅读|相關閱讀|相关文章|相關文章|延伸阅读|延伸閱讀|推荐阅读|推薦閱讀|热门文章|熱門文章|猜你喜欢|猜你喜歡|"
    r"往期回顾|往期回顧|往期推荐|往期推薦|更多阅读|更多閱讀|热门推荐|熱門推薦|精彩推荐|精彩推薦|相关新闻|相關新聞|"
    r"related (articles|stories|posts|reading|news)|read more|more from|you (may|might) also like|"
    r"recommended( for you)?|further reading|more stories)\W*$",
    re.I,
)
_NOISE_LINE = re.compile(
    r"^\W*(分享到|分享至|点击分享|點擊分享|扫码关注|掃碼關注|扫描二维码|掃描二維碼|长按识别|長按識別|点击关注|點擊關注|"
    r"点击上方|點擊上方|关注我们|關注我們|广告|廣告|share (this|on)|follow us|advertisement|sponsored|"
    r"subscribe to our newsletter)",
    re.I,
)
_TRAILING_DATE = re.compile(r"(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|(\d{4}年)?\d{1,2}月\d{1,2}日|\d{1,2}[-/]\d{1,2})\s*$")
_SENTENCE_END = "。！？!?…；;.”’\"'）)】」』》"


def _is_headline_item(line: str) -> bool:
    """A line that looks like an entry of a headline list: short, dated, not a sentence."""
    body = re.sub(r"^\s*([-*•·▪◦]|\d+[.、)])\s*", "", line)
    return bool(_TRAILING_DATE.search(body)) and len(body) <= 120


def strip_page_noise(text: str) -> str:
    """Remove share bars and a trailing related-articles block; keeps everything else verbatim."""
    lines = [ln for ln in text.split("\n") if not _NOISE_LINE.match(ln)]
    for i, ln in enumerate(lines):
        # A heading only counts near the end: an article may *mention* 延伸阅读 in its body.
        if _RELATED_HEADING.match(ln.strip()) and i >= len(lines) // 3:
            lines = lines[:i]
            break
    end = len(lines)
    while end > 0 and (not lines[end - 1].strip() or _is_headline_item(lines[end - 1])):
        end -= 1
    dated_run = sum(1 for ln in lines[end:] if ln.strip())
    if dated_run >= 2:
        lines = lines[:end]
    return normalise_whitespace("\n".join(lines))


def clean_text(text: str) -> str:
    """Everything an article body goes through before it is stored."""
    return strip_page_noise(normalise_whitespace(strip_invisible(text)))


# --- truncation ------------------------------------------------------------------------------
_READ_MORE = re.compile(
    r"(阅读全文|閱讀全文|查看全文|继续阅读|繼續閱讀|点击阅读|點擊閱讀|展开全文|展開全文|全文见|全文見|"
    r"read more|continue reading|read the full|full story|\[\s*(…|\.\.\.)\s*\]|\[more\]|more\s*»)\W*$",
    re.I,
)
_ELLIPSIS = re.compile(r"(…+|\.{3,}|。。。|⋯+)\s*[\"'”’」』)）]?\s*$")
_HAN = re.compile(r"[\u3400-\u9fff]")


def truncation_signal(text: str) -> str | None:
    """Why `text` looks cut, or None: 'empty', 'read_more', 'ellipsis' or 'mid_sentence'."""
    body = text.strip()
    if not body:
        return "empty"
    if _READ_MORE.search(body[-40:]):
        return "read_more"
    if _ELLIPSIS.search(body):
        return "ellipsis"
    last = body.split("\n")[-1].strip()
    if last[-1] in _SENTENCE_END:
        return None
    # A short unpunctuated last line is a credit or heading (编辑：张三), not a cut sentence;
    # a long one, or one that already holds a finished sentence, was cut.
    has_sentence = any(p in last[:-1] for p in "。！？!?")
    mid_clause = any(p in last for p in "，、,")  # credits and headings rarely carry a comma
    long_line = len(last) >= (15 if _HAN.search(last) else 60)
    return "mid_sentence" if (has_sentence or mid_clause or long_line) else None


def shorter_than_page(feed_text: str, page_text: str, ratio: float = 0.6) -> bool:
    """True when the feed gave much less than the page: the page is the article."""
    return len(feed_text.strip()) < ratio * len(page_text.strip())


def _bigrams(text: str) -> set[str]:
    s = re.sub(r"\W+", "", text.lower())
    return {s[i:i + 2] for i in range(len(s) - 1)}


def same_story(feed_text: str, page_text: str, threshold: float = 0.6) -> bool:
    """Does the page contain the feed text? Guards against repairing from a login wall or an index page."""
    fb = _bigrams(_READ_MORE.sub("", _ELLIPSIS.sub("", feed_text))[:600])
    if len(fb) < 4:
        return True  # nothing to compare: a title-only item
    pb = _bigrams(page_text)
    return len(fb & pb) / len(fb) >= threshold
