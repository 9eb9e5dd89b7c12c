"""Typed records handed from stage to stage through the store.

Every stage reads the previous stage's records and writes its own; none of them holds
behaviour beyond small derived properties, so they can be stored as JSON and compared.
"""
from __future__ import annotations

import hashlib
from datetime import datetime
from enum import Enum
from typing import Literal

from pydantic import BaseModel, Field

EditionKind = Literal["morning", "evening"]
Variant = Literal["full", "short"]


def content_hash(*parts: str) -> str:
    """Stable short hash used as a key for articles, stories and cached work."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:16]


class DropReason(str, Enum):
    """Why an article never reached a script. Codes are part of episode.json's contract."""

    duplicate = "duplicate"
    stale = "stale"
    recycled = "recycled"
    already_aired = "already_aired"
    unverified = "unverified"
    rumor = "rumor"
    truncated = "truncated"
    off_topic = "off_topic"
    injection_suspect = "injection_suspect"
    not_selected = "not_selected"  # vetted fine, but the edition had no room for it


class DateEvidence(BaseModel):
    """One date found for an article and where it came from (feed, meta, jsonld, time, text, htmldate)."""

    value: datetime
    origin: str
    note: str = ""


class Article(BaseModel):
    """A cleaned article. `text` is Simplified Chinese (or the original language if not Chinese);
    `text_original` keeps what the source published."""

    id: str = ""
    url: str
    canonical_url: str = ""
    source: str
    tier: int = 2
    title: str
    title_original: str = ""
    author: str = ""
    text: str
    text_original: str = ""
    lang: str = "zh"
    script: str = "hans"  # hans | hant | latin
    published_at: datetime | None = None
    dates: list[DateEvidence] = Field(default_factory=list)
    fetched_at: datetime | None = None
    truncated: bool = False
    truncation_detail: str = ""
    content_hash: str = ""
    version: int = 1

    def model_post_init(self, __context) -> None:
        if not self.canonical_url:
            self.canonical_url = self.url
        if not self.content_hash:
            self.content_hash = content_hash(self.title, self.text)
        if not self.id:
            self.id = content_hash(self.canonical_url, self.content_hash)
        if not self.text_original:
            self.text_original = self.text
        if not self.title_original:
            self.title_original = self.title


class SourceRef(BaseModel):
    """What listeners see for each story: the article they can check."""

    url: str
    title: str
    source: str


class Decision(BaseModel):
    """The desk's verdict on one article."""

    article_id: str
    url: str
    title: str
    source: str = ""
    kept: bool
    story_id: str = ""
    reason: DropReason | None = None
    detail: str = ""


class Story(BaseModel):
    """One event, told by one or more articles; the desk's unit of ranking."""

    id: str
    title: str
    article_ids: list[str]
    lead_article_id: str
    sources: list[SourceRef]
    first_seen: datetime | None = None
    independent_sources: int = 1
    best_tier: int = 2
    status: Literal["verified", "unverified", "rumor", "follow_up"] = "verified"
    score: float = 0.0
    reasons: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    lead_text: str = ""  # title + lead of the lead article: what "already aired" is matched on


class StoryBrief(BaseModel):
    """A story as the writers get it: title, grounded facts, and the sources to cite.
    `source_text` is the Simplified Chinese text every sentence of the script must rest on."""

    story_id: str
    title: str
    summary_sentences: list[str]
    keywords: list[str]
    sources: list[SourceRef]
    source_text: str = ""
    lead_source: str = ""
    independent_sources: int = 1
    status: str = "verified"


class ScriptLine(BaseModel):
    """One spoken unit. Scripts are lists of these, never free text patched with regexes."""

    kind: Literal["title", "hook", "greeting", "story", "transition", "signoff", "keywords"]
    text: str
    speaker: str = "host"
    story_id: str = ""


class Script(BaseModel):
    edition_id: str
    variant: Variant
    title: str
    hooks: list[str]
    greeting: str
    stories: list[ScriptLine]
    signoff: str
    keywords: list[str]
    review_notes: list[str] = Field(default_factory=list)

    def spoken_lines(self) -> list[ScriptLine]:
        """The lines that are voiced, in air order (the title line and hashtags are not read)."""
        hooks = [ScriptLine(kind="hook", text=h) for h in self.hooks]
        return [*hooks, ScriptLine(kind="greeting", text=self.greeting), *self.stories,
                ScriptLine(kind="signoff", text=self.signoff)]


class AudioInfo(BaseModel):
    path: str
    duration_s: float
    lufs: float
    true_peak_dbtp: float | None = None
    chapters: list[dict] = Field(default_factory=list)
    qa: dict = Field(default_factory=dict)


class Edition(BaseModel):
    id: str
    edition: EditionKind
    date: str  # YYYY-MM-DD in the show's timezone
    show_name: str
    started_at: datetime
    published_at: datetime | None = None
    status: str = "started"
    article_ids: list[str] = Field(default_factory=list)  # what ingest saw for this edition
    full: list[str] = Field(default_factory=list)  # story ids in air order
    short: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # run report lines: fallbacks, degradations
