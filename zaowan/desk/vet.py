"""The story desk: articles in, ranked stories and one decision per article out.

Order matters and is deliberate: screens that need one article (cut text, injected instructions,
off-topic) run first; then clustering, so that age and credibility are judged per *event*
(a fresh rewrite of an old event is still old news; one rumour copied by three tier-3 sites is
still one source).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from datetime import datetime, timedelta

from ..config import Config
from ..records import Article, Decision, DropReason, SourceRef, Story, content_hash
from . import credibility as cred
from .cluster import (CROSS_LANGUAGE_SHIFT, ArticleView, Embedder, cluster_events, embed_text, lead_text,
                      needed_cos, view)
from .entities import extract_facts
from .freshness import article_age
from .rank import rank_stories
from .screen import injection_suspect, looks_cut, off_topic


INF = float("inf")


@dataclass
class DeskResult:
    stories: list[Story]
    decisions: list[Decision]
    notes: list[str] = field(default_factory=list)

    def dropped(self) -> list[Decision]:
        return [d for d in self.decisions if not d.kept]


def _drop(a: Article, reason: DropReason, detail: str, story_id: str = "") -> Decision:
    return Decision(article_id=a.id, url=a.url, title=a.title, source=a.source, kept=False,
                    story_id=story_id, reason=reason, detail=detail)


def _screen(a: Article, topics: list[str]) -> Decision | None:
    if why := looks_cut(a):
        return _drop(a, DropReason.truncated, why)
    if why := injection_suspect(a):
        return _drop(a, DropReason.injection_suspect, why)
    if why := off_topic(a, topics):
        return _drop(a, DropReason.off_topic, why)
    return None


def vet(articles: list[Article], cfg: Config, *, now: datetime, window: timedelta,
        embed: Embedder, aired: list[Story] | None = None) -> DeskResult:
    decisions: list[Decision] = []
    passed: list[Article] = []
    for a in articles:
        d = _screen(a, cfg.desk.topics)
        (decisions.append(d) if d else passed.append(a))
    owners = {s.name: (s.owner or s.name) for s in cfg.sources}
    clustering = cluster_events(passed, embed)
    groups = [[passed[i] for i in g] for g in clustering.groups]
    view_of = {a.id: clustering.views[i] for i, a in enumerate(passed)}
    vec_of = {passed[i].id: v for i, v in clustering.vectors.items()}
    candidates: list[list[Article]] = []
    for arts in groups:
        kept, drops = _judge_age(arts, now, window)
        decisions += drops
        if kept:
            candidates.append(kept)
    stories: list[Story] = []
    refuters = [a for g in candidates for a in g if a.tier <= 2 and cred.refutes(a)]
    debunks: set[str] = set()  # ids of trusted articles that refuted a claim dropped as rumour
    for arts in candidates:
        kept, drops = _judge_credibility(arts, owners, refuters, debunks)
        decisions += drops
        if kept:
            stories.append(kept)
    built: list[Story] = []
    for arts in stories:
        story, drops = _make_story(arts, owners, now, debunk=any(a.id in debunks for a in arts))
        decisions += drops
        built.append(story)
    stories = built
    stories, drops = _judge_aired(stories, aired or [], {a.id: a for a in articles}, view_of, vec_of, embed)
    decisions += drops
    ranked = rank_stories(stories, cfg, now=now, window=window)
    final: dict[str, Decision] = {}
    for d in decisions:  # later verdicts (e.g. already_aired) override earlier ones
        final[d.article_id] = d
    return DeskResult(ranked, list(final.values()))


def _judge_age(arts: list[Article], now: datetime, window: timedelta) -> tuple[list[Article], list[Decision]]:
    ages = {a.id: article_age(a, now, window) for a in arts}
    recycled = [a for a in arts if ages[a.id].verdict == "recycled"]
    dated = [ages[a.id].earliest for a in arts if ages[a.id].earliest]
    drops = [_drop(a, DropReason.recycled, ages[a.id].detail) for a in recycled]
    rest = [a for a in arts if a not in recycled]
    if not dated:
        return [], drops + [_drop(a, DropReason.stale, "no date found anywhere: an undated story is never treated as fresh")
                            for a in rest]
    first = min(dated)
    if first < now - window:
        origin = next(a for a in arts if ages[a.id].earliest == first)
        detail = f"event first reported {first:%Y-%m-%d %H:%M} by {origin.source} (“{origin.title}”), outside the {window.total_seconds()/3600:.0f} h window"
        return [], drops + [_drop(a, DropReason.stale, ages[a.id].detail if a is origin else detail) for a in rest]
    return rest, drops


def _judge_credibility(arts: list[Article], owners: dict[str, str], refuters: list[Article],
                       debunks: set[str]) -> tuple[list[Article], list[Decision]]:
    """Drop refuted claims (rumor) and claims resting on one low-tier owner (unverified).
    A refuter that killed a claim is added to `debunks`: its story may air only as a debunk."""
    local_refuters = [a for a in arts if a.tier <= 2 and cred.refutes(a)]
    claims = [a for a in arts if a not in local_refuters]
    refuter = local_refuters[0] if local_refuters else _external_refuter(claims, refuters)
    if refuter is not None:
        rumours = [a for a in claims if a.tier >= 3 or cred.is_hedged_claim(a)]
        if rumours:
            debunks.add(refuter.id)
            detail = f"claim refuted by {refuter.source} (tier {refuter.tier}): “{refuter.title}”"
            keep = [a for a in arts if a not in rumours]
            return keep, [_drop(a, DropReason.rumor, detail) for a in rumours]
    best = min(a.tier for a in arts)
    n = cred.independent_count(arts, owners)
    if best >= 3 and n < 2:
        srcs = ", ".join(sorted({a.source for a in arts}))
        return [], [_drop(a, DropReason.unverified,
                          f"only {n} independent source ({srcs}, tier {best}); a single low-tier source cannot air as fact")
                    for a in arts]
    return arts, []


def _external_refuter(claims: list[Article], refuters: list[Article]) -> Article | None:
    """A trusted refutation clustered elsewhere still kills the claim if they share hard facts."""
    if not claims or min(a.tier for a in claims) <= 2:
        return None
    cf = extract_facts(" ".join(lead_text(a) for a in claims))
    for r in refuters:
        rf = extract_facts(lead_text(r, 600))
        if (cf.orgs & rf.orgs) and (cf.hard & rf.hard or cf.figures & rf.figures):
            return r
    return None


def _lead_key(a: Article) -> tuple:
    """Most trusted tier first, then the earliest report: credit goes to whoever broke the story,
    and a later rewrite never takes a story over. Undated articles come last. (Language does not
    matter here: writers take the best Chinese text of the story whatever the lead.)"""
    first = a.published_at or min((d.value for d in a.dates), default=None)
    return (a.tier, first is None, first.timestamp() if first else 0.0)


def _make_story(arts: list[Article], owners: dict[str, str], now: datetime, *,
                debunk: bool = False) -> tuple[Story, list[Decision]]:
    """One story from an event's surviving articles. A `debunk` story (it holds the trusted
    refutation of a dropped rumour) gets status "rumor": writers must say it as a debunk, and its
    other articles carry the rumour code rather than `duplicate`."""
    lead = min(arts, key=_lead_key)
    rest = [a for a in arts if a is not lead]
    sid = content_hash(*sorted(a.canonical_url for a in arts))
    firsts = [d.value for a in arts for d in a.dates] + [a.published_at for a in arts if a.published_at]
    zh = [a for a in arts if a.lang.startswith("zh")]
    title = min(zh, key=_lead_key).title if zh else lead.title  # the show is in Chinese
    story = Story(
        id=sid, title=title, article_ids=[lead.id] + [a.id for a in rest], lead_article_id=lead.id,
        sources=[SourceRef(url=a.url, title=a.title, source=a.source) for a in [lead, *rest]],
        first_seen=min(firsts) if firsts else None,
        independent_sources=cred.independent_count(arts, owners), best_tier=lead.tier,
        lead_text=lead_text(lead),
    )
    detail = f"lead of a story told by {len(arts)} article(s)"
    if debunk:
        story = story.model_copy(update={"status": "rumor", "reasons": ["debunk: refutes a rumour dropped by the desk"]})
        detail += "; airs only as the debunk of a rumour"
    kept = Decision(article_id=lead.id, url=lead.url, title=lead.title, source=lead.source, kept=True,
                    story_id=sid, detail=detail)
    code, why = ((DropReason.rumor, "reports the debunk led by") if debunk else
                 (DropReason.duplicate, "same event as"))
    drops = [_drop(a, code, f"{why} “{lead.title}” ({lead.source}); kept as a corroborating source", sid)
             for a in rest]
    return story, [kept, *drops]


def _judge_aired(stories: list[Story], aired: list[Story], by_id: dict[str, Article], view_of: dict[str, ArticleView],
                 vec_of: dict[str, np.ndarray], embed: Embedder) -> tuple[list[Story], list[Decision]]:
    """Drop stories already aired, unless they carry new facts (then they air as a follow-up).
    A story matches an aired one when it shares a report (URL) with it, a headline with one of
    its reports, or one of its reports passes the linking rule against the aired lead (with the
    same embedding similarity clustering uses; embedded here only where the rule needs it)."""
    if not aired:
        return stories, []
    old_views = [view(Article(url=s.sources[0].url if s.sources else f"aired:{s.id}", source="aired", title=s.title,
                              text=s.lead_text or s.title)) for s in aired]
    pairs = {(aid, k): needed_cos(view_of[aid], ov, False)
             for s in stories for aid in s.article_ids for k, ov in enumerate(old_views)}
    wanted = sorted({aid for (aid, _k), need in pairs.items() if 0.0 < need < INF and aid not in vec_of})
    vec_of = {**vec_of, **dict(zip(wanted, embed([embed_text(by_id[aid].title, by_id[aid].text) for aid in wanted])))} if wanted else vec_of
    old_vecs = embed([embed_text(s.title, _body(s)) for s in aired]) if any(0.0 < n < INF for n in pairs.values()) else None

    def linked(aid: str, k: int) -> bool:
        need = pairs[(aid, k)]
        if need <= 0.0 or need == INF or old_vecs is None:
            return need <= 0.0
        shift = CROSS_LANGUAGE_SHIFT * (not by_id[aid].lang.startswith("zh"))  # aired stories are Chinese
        return float(vec_of[aid] @ old_vecs[k]) + shift >= need

    keep: list[Story] = []
    drops: list[Decision] = []
    for s in stories:
        arts = [by_id[aid] for aid in s.article_ids]
        match = next((old for k, old in enumerate(aired)
                      if _shares_report(arts, old) or any(linked(a.id, k) for a in arts)), None)
        if match is None:
            keep.append(s)
            continue
        fresh = _new_facts(arts, match)
        if fresh:
            keep.append(s.model_copy(update={"status": "follow_up",
                                             "reasons": s.reasons + [f"follow-up to an aired story; new facts: {', '.join(sorted(fresh)[:5])}"]}))
        else:
            drops += [_drop(a, DropReason.already_aired, f"aired already as “{match.title}”; no new facts", s.id)
                      for a in arts]
    return keep, drops


def _body(s: Story) -> str:
    """An aired story's lead without its headline (`Story.lead_text` starts with the title)."""
    text = s.lead_text or ""
    return text.split("\n", 1)[1] if text.startswith(s.title + "\n") else text


def _new_facts(arts: list[Article], old: Story) -> set[str]:
    """Figures and model names in the story's unseen reports that the aired story did not have.
    Reports aired before (same URL, or same headline under a new URL) bring nothing new; a figure
    rounded differently is not new."""
    seen_urls = {src.url for src in old.sources}
    seen_titles = [old.title] + [src.title for src in old.sources]
    unseen = [a for a in arts if a.url not in seen_urls and not any(_same_title(a.title, t) for t in seen_titles)]
    if not unseen:
        return set()
    lead = min(unseen, key=_lead_key)
    before = extract_facts((old.lead_text or old.title) + "\n" + "\n".join(x.title for x in old.sources))
    now = extract_facts(lead_text(lead, 600))
    figures = {f for f in now.figures if not any(_close(f, g) for g in before.figures)}
    models = {t for t in now.distinctive if not any(t in u or u in t for u in before.models)}
    return figures | models


def _close(f: str, g: str) -> bool:
    """One figure, rounded differently ("53万" and "53.47万美元")."""
    if f == g:
        return True
    try:
        x, y = float(f), float(g)
    except ValueError:
        return False  # dates ("d6-17")
    return abs(x - y) <= 0.02 * max(abs(x), abs(y))


def _shares_report(arts: list[Article], old: Story) -> bool:
    old_urls = {src.url for src in old.sources}
    old_titles = [old.title] + [src.title for src in old.sources]
    return any(a.url in old_urls or any(_same_title(a.title, t) for t in old_titles) for a in arts)


def _same_title(a: str, b: str) -> bool:
    from .cluster import make_minhash

    return make_minhash(a).jaccard(make_minhash(b)) >= 0.7
