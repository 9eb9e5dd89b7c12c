"""Order the vetted stories for the editor-in-chief, with the reasons for each score."""
from __future__ import annotations

import math
from datetime import datetime, timedelta

from ..config import Config
from ..records import Story
from .entities import orgs_in


def score_story(s: Story, cfg: Config, *, now: datetime, window: timedelta) -> tuple[float, list[str]]:
    reasons: list[str] = []
    corroboration = 2.0 * math.log2(1 + s.independent_sources)
    reasons.append(f"{s.independent_sources} independent source(s) +{corroboration:.1f}")
    tier = 4 - s.best_tier
    reasons.append(f"best tier {s.best_tier} +{tier}")
    recency = 0.0
    if s.first_seen:
        age = max(0.0, (now - s.first_seen).total_seconds())
        recency = max(0.0, 1.0 - age / window.total_seconds()) * 2
        reasons.append(f"{age/3600:.1f} h old +{recency:.1f}")
    hay = (s.title + s.lead_text).lower()
    hits = sum(1 for t in cfg.desk.topics if t.lower() in hay)
    relevance = min(hits, 3) * 0.5
    if relevance:
        reasons.append(f"{hits} topic match(es) +{relevance:.1f}")
    follow = -0.5 if s.status == "follow_up" else 0.0
    if follow:
        reasons.append("follow-up -0.5")
    return corroboration + tier + recency + relevance + follow, reasons


def main_company(s: Story) -> str:
    orgs = orgs_in(s.title) or orgs_in(s.lead_text)
    return sorted(orgs)[0] if orgs else ""


def rank_stories(stories: list[Story], cfg: Config, *, now: datetime, window: timedelta) -> list[Story]:
    """Score, sort, then push a company's third and later stories below the rest (diversity)."""
    scored = []
    for s in stories:
        score, reasons = score_story(s, cfg, now=now, window=window)
        scored.append(s.model_copy(update={"score": round(score, 3), "reasons": s.reasons + reasons}))
    scored.sort(key=lambda s: -s.score)
    per_company: dict[str, int] = {}
    head: list[Story] = []
    tail: list[Story] = []
    for s in scored:
        co = main_company(s)
        per_company[co] = per_company.get(co, 0) + 1
        if co and per_company[co] > cfg.desk.max_stories_per_company:
            tail.append(s.model_copy(update={"reasons": s.reasons + [f"diversity: already {cfg.desk.max_stories_per_company} stories about {co}"]}))
        else:
            head.append(s)
    return head + tail
