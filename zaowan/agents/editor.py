"""The offline editor: every writing agent's model-free implementation.

Rule of the house: offline, the newsroom says only what the sources say. Story paragraphs are
extracted sentences plus connective phrases built from data we hold (source names, how many
outlets reported it); hooks and keywords are built from entities found in the sources.
"""
from __future__ import annotations

import re

from typing import Literal

from pydantic import BaseModel, Field

from ..desk.entities import ORGS, extract_facts
from ..records import StoryBrief
from .textrank import DOMAIN_WORDS
from .textrank import keywords as tfidf_keywords
from .textrank import split_sentences, summarize

_FINAL = tuple("。！？!?”」")
BANNED = ("相关阅读", "相關閱讀", "阅读全文", "閱讀全文", "Read more", "点击查看", "…")


# -- typed inputs and outputs --------------------------------------------------------------
class SourceExcerpt(BaseModel):
    source: str
    tier: int
    excerpt: str


class FactCheckInput(BaseModel):
    story_id: str
    title: str
    sources: list[SourceExcerpt]


class FactCheckOutput(BaseModel):
    verdict: Literal["consistent", "conflicting", "refuted"]
    notes: list[str] = Field(default_factory=list)


class PlanCandidate(BaseModel):
    story_id: str
    title: str
    score: float
    status: str
    company: str = ""
    writable: bool = True  # offline we can only voice stories that have a Chinese source text


class PlanInput(BaseModel):
    candidates: list[PlanCandidate]
    full_count: int
    short_count: int


class PlanOutput(BaseModel):
    full: list[str] = Field(description="story ids for the Full edition, in air order")
    short: list[str] = Field(description="story ids for the Short edition, a subset of full, in air order")
    notes: dict[str, str] = Field(default_factory=dict, description="why a story was left out")


class WriteInput(BaseModel):
    variant: str
    host: str
    briefs: list[StoryBrief]
    sentences_per_story: int
    max_chars_per_story: int
    review_notes: list[str] = Field(default_factory=list)


class Paragraph(BaseModel):
    story_id: str
    text: str


class WriteOutput(BaseModel):
    paragraphs: list[Paragraph]


class HooksInput(BaseModel):
    briefs: list[StoryBrief]


class HooksOutput(BaseModel):
    hooks: list[str] = Field(min_length=3, max_length=3)


class TagInput(BaseModel):
    briefs: list[StoryBrief]
    max_keywords: int = 12


class TagOutput(BaseModel):
    keywords: list[str]


class ProofInput(BaseModel):
    paragraphs: list[Paragraph]
    briefs: list[StoryBrief]


class ProofOutput(BaseModel):
    paragraphs: list[Paragraph]
    issues: list[str] = Field(default_factory=list)


class ReviewInput(BaseModel):
    variant: str
    hooks: list[str] | None = None  # None: hooks are reviewed elsewhere
    paragraphs: list[Paragraph]
    min_chars: int
    max_chars: int


class ReviewOutput(BaseModel):
    approved: bool
    notes: list[str] = Field(default_factory=list)


# -- offline implementations -------------------------------------------------------------------
_QUANTITY = re.compile(r"(\d+(?:\.\d+)?)\s*(B|K|T|GB|TB|亿|万|美元|元|%|秒|倍)(?![A-Za-z])")


def fact_check_offline(inp: FactCheckInput) -> FactCheckOutput:
    """Offline the desk's rules have already judged dates, tiers and refutations; what is left to
    compare without a model is the figures: one unit given different values by different
    sources, where neither source also gives the other's value."""
    per_source: list[tuple[str, dict[str, set[str]]]] = []
    for s in inp.sources:
        units: dict[str, set[str]] = {}
        for value, unit in _QUANTITY.findall(s.excerpt):
            units.setdefault(unit, set()).add(value)
        per_source.append((s.source, units))
    notes: list[str] = []
    for i, (a, ua) in enumerate(per_source):
        for b, ub in per_source[i + 1:]:
            for unit in ua.keys() & ub.keys():
                if len(ua[unit]) == 1 and len(ub[unit]) == 1 and ua[unit] != ub[unit]:
                    notes.append(f"{a} says {next(iter(ua[unit]))}{unit}, {b} says {next(iter(ub[unit]))}{unit}")
    return FactCheckOutput(verdict="conflicting" if notes else "consistent", notes=notes)


def plan_offline(inp: PlanInput) -> PlanOutput:
    """Take the desk's ranking as it is; skip what cannot be voiced offline."""
    notes: dict[str, str] = {}
    full: list[str] = []
    for c in inp.candidates:
        if not c.writable:
            notes[c.story_id] = "no Chinese source text: the offline editor does not translate"
        elif len(full) < inp.full_count:
            full.append(c.story_id)
        else:
            notes[c.story_id] = f"ranked below the top {inp.full_count}"
    return PlanOutput(full=full, short=full[: inp.short_count], notes=notes)


_OPENERS = ["先来看今天最受关注的一条消息。", "接着来看下一条。", "再聊聊另一件事。", "说完这个，咱们换个方向。",
            "还有一条消息也值得一听。", "再来看一条。", "这条消息也挺有意思。"]
_CLOSER = "最后再说一条。"


def _opener(i: int, n: int, brief: StoryBrief) -> str:
    if brief.status == "follow_up":
        return "之前聊过的一件事，今天有了新进展。"
    if brief.status == "rumor":
        return "接下来澄清一条传闻。"  # a refuted claim airs only as the debunk
    if i == 0:
        return _OPENERS[0]
    if i == n - 1 and n > 2:
        return _CLOSER
    return _OPENERS[1 + (i - 1) % (len(_OPENERS) - 1)]


def _attribution(brief: StoryBrief) -> str:
    if brief.independent_sources >= 2:
        return f"这件事有{_zh_count(brief.independent_sources)}家媒体同时报道，据{brief.lead_source}消息，"
    return f"据{brief.lead_source}报道，"


def _zh_count(n: int) -> str:
    return "零一两三四五六七八九十"[n] if 0 <= n <= 10 else str(n)


def write_offline(inp: WriteInput) -> WriteOutput:
    paragraphs: list[Paragraph] = []
    n = len(inp.briefs)
    for i, b in enumerate(inp.briefs):
        sents = summarize(b.source_text, inp.sentences_per_story, max_chars=inp.max_chars_per_story)
        sents = [s for s in sents if not any(x in s for x in BANNED)] or b.summary_sentences[:1]
        body = "".join(sents)
        text = _opener(i, n, b) + _attribution(b) + body
        paragraphs.append(Paragraph(story_id=b.story_id, text=text))
    return WriteOutput(paragraphs=paragraphs)


_HOOK_TEMPLATES = [
    "{clause}，到底带来了什么新东西？",
    "{clause}，会给行业带来哪些影响？",
    "{clause}，普通人该怎么看？",
]
_SUBJECT_HOOKS = ["{subject}这次又有什么新动作？", "{subject}的消息，意味着什么？", "{subject}这一步，值得关注吗？"]
_DEBUNK_TEMPLATE = "关于{subject}的传闻，到底是真是假？"
_DEBUNK = ("辟谣", "不实", "否认", "澄清")
_VERBS = re.compile(r"发布|推出|宣布|上线|开源|获批|获得|拿下|下调|上调|完成|投产|辟谣|否认|澄清|登场|亮相|更新|升级|"
                    r"发表|启动|签约|收购|融资|降价|涨价|开放|launch|release|unveil|announce", re.IGNORECASE)
_DESCRIPTOR = re.compile(r"^.*?(初创公司|新创公司|新创|初创|公司|团队)(?=.{2,})")


def title_clause(title: str, limit: int = 20) -> str:
    """The title's first clause, if short enough to say in one breath."""
    clause = re.split(r"[，,：:；;！!？?（(｜|—]", title, maxsplit=1)[0].strip()
    return clause if 4 <= len(clause) <= limit else ""


def title_subject(title: str) -> str:
    """Who the story is about: the words before the title's first verb, minus descriptors
    such as "人形机器人新创" ("北辰半导体发布…" → "北辰半导体")."""
    m = _VERBS.search(title)
    subject = title[: m.start()].strip(" ：:，,") if m else ""
    subject = _DESCRIPTOR.sub("", subject).strip()
    return subject if 2 <= len(subject) <= 12 else ""


def hooks_offline(inp: HooksInput) -> HooksOutput:
    """One question per top story, built from the story's own title, so it cannot invent a fact."""
    picks = inp.briefs[:3]
    hooks: list[str] = []
    for i in range(3):
        b = picks[i % len(picks)] if picks else None
        if b is None:
            hooks.append(["今天的AI圈有什么新消息？", "哪些变化和你我有关？", "接下来又该关注什么？"][i])
            continue
        subject = title_subject(b.title) or (b.keywords[0] if b.keywords else b.title[:10])
        clause = title_clause(b.title)
        if any(w in b.title for w in _DEBUNK):
            hooks.append(_DEBUNK_TEMPLATE.format(subject=subject))
        elif clause and i < len(picks):
            hooks.append(_HOOK_TEMPLATES[i].format(clause=clause))
        else:
            hooks.append(_SUBJECT_HOOKS[i].format(subject=subject))
    return HooksOutput(hooks=hooks)


def tag_offline(inp: TagInput) -> TagOutput:
    """Round-robin over the stories so every story gets its lead entity in before any gets a second."""
    seen: list[str] = []
    depth = max((len(b.keywords) for b in inp.briefs), default=0)
    for i in range(depth):
        for b in inp.briefs:
            if i < len(b.keywords) and b.keywords[i].lower() not in {s.lower() for s in seen}:
                seen.append(b.keywords[i])
    return TagOutput(keywords=seen[: inp.max_keywords])


_FACT_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9.\-]*\d[A-Za-z0-9.\-]*|\d+(?:\.\d+)?")


def _grounded(sentence: str, source: str) -> list[str]:
    """Facts (figures, model names) in `sentence` that the source does not contain."""
    src = source.lower()
    return [t for t in _FACT_TOKEN.findall(sentence) if t.lower().rstrip(".") not in src]


def proofread_offline(inp: ProofInput) -> ProofOutput:
    """Grounding: every figure and model name must appear in the story's sources; a sentence
    that carries an unsupported one is cut, and the cut is reported."""
    by_id = {b.story_id: b for b in inp.briefs}
    out: list[Paragraph] = []
    issues: list[str] = []
    for p in inp.paragraphs:
        brief = by_id.get(p.story_id)
        source = (brief.source_text + " " + brief.title) if brief else ""
        kept: list[str] = []
        for s in split_sentences(p.text) or [p.text]:
            missing = _grounded(s, source)
            if missing:
                issues.append(f"{p.story_id}: cut “{s[:30]}…”: {', '.join(missing)} not in the sources")
            else:
                kept.append(s)
        out.append(Paragraph(story_id=p.story_id, text="".join(kept)))
    return ProofOutput(paragraphs=out, issues=issues)


def review_offline(inp: ReviewInput) -> ReviewOutput:
    """The deputy editor's checklist; any note sends the draft back."""
    notes: list[str] = []
    if inp.hooks is not None and (len(inp.hooks) != 3 or not all(h.endswith("？") for h in inp.hooks)):
        notes.append("need exactly three hook questions, each ending in ？")
    total = sum(len(p.text) for p in inp.paragraphs)
    if total < inp.min_chars:
        notes.append(f"too short: {total} characters, target at least {inp.min_chars}")
    if total > inp.max_chars:
        notes.append(f"too long: {total} characters, target at most {inp.max_chars}")
    for p in inp.paragraphs:
        if not p.text.strip():
            notes.append(f"{p.story_id}: empty paragraph")
        elif not p.text.rstrip().endswith(_FINAL):
            notes.append(f"{p.story_id}: paragraph ends mid-sentence")
        for marker in BANNED:
            if marker in p.text:
                notes.append(f"{p.story_id}: contains page noise “{marker}”")
    return ReviewOutput(approved=not notes, notes=notes)


# -- briefs -------------------------------------------------------------------------------------
_GENERIC = {"ai", "今天", "新一代", "模型", "发布", "推出", "支持", "公司", "用户", "开发者", "表示", "目前", "已经", "一个",
            "api", "token", "tokens", "pflops", "tops", "gpu", "cpu", "app", "新版", "版本", "价格", "首期", "百万"}


def _org_as_written(key: str, text: str) -> str:
    """The organisation's name as this text writes it (Chinese names first), so tags stay grounded."""
    names = sorted(ORGS[key], key=lambda n: (not re.search(r"[\u4e00-\u9fff]", n), -len(n)))
    return next((n for n in names if n.lower() in text.lower()), "")


def story_keywords(title: str, text: str, k: int = 5) -> list[str]:
    """Who (the title's subject), named models and products as written, organisations by the
    name this text uses, then tf-idf terms; every keyword occurs in the title or the text."""
    from ..desk.entities import is_generic_figure

    body = title + "\n" + text[:800]
    facts = extract_facts(body)
    out: list[str] = []

    def add(word: str) -> None:
        word = word.replace(" ", "")
        if word and word.lower() not in _GENERIC and not any(word.lower() in o.lower() or o.lower() in word.lower() for o in out):
            out.append(word)

    subject = title_subject(title)
    if len(subject) <= 8:
        add(subject)
    for multi in re.findall(r"[A-Z][A-Za-z]+(?:\s[A-Z][A-Za-z]+)+", title):
        add(multi)  # "Lumen Labs" is one name, written as one tag
    # "Seedream 4.0" joins a capitalised name to its version; "token 2元" must not.
    latin = r"[A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*(?:\s\d+(?:\.\d+)?(?![\d.]*[\u4e00-\u9fff]))?|[a-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*"
    for tok in re.findall(latin, title + " " + text[:400]):
        low = tok.replace(" ", "").lower()
        if any(c.isdigit() for c in low) and not is_generic_figure(low) or low in facts.names:
            add(tok)
    for org in sorted(facts.orgs):
        add(_org_as_written(org, body))
    # Then the field's own words (芯片, 开源, 智能体…), most frequent first; tf-idf only as a last resort.
    full = title + "\n" + text
    for w in sorted((w for w in DOMAIN_WORDS if w in full), key=lambda w: (-full.count(w), -len(w))):
        add(w)
    if len(out) < 3:
        for w in tfidf_keywords(title + "。" + text[:1200], k * 2):
            if not re.fullmatch(r"[A-Za-z0-9.\-]+", w) or not is_generic_figure(w.lower()):
                add(w)
    return out[:k]
