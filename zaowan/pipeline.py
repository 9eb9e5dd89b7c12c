"""One edition, end to end: ingest → desk (cluster + vet) → plan → write (+ proofread, review)
→ voice + master → publish. Each stage reads the previous stage's records from the store and
writes its own, so any stage can be re-run on its own (`zaowan run --from STAGE`)."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from .agents import roster
from .agents.editor import (FactCheckInput, HooksInput, Paragraph, PlanCandidate, SourceExcerpt, PlanInput, ProofInput, ReviewInput, TagInput,
                            WriteInput, review_offline, story_keywords)
from .agents.runner import AgentRunner
from .agents.textrank import summarize
from .config import Config
from .desk.rank import main_company
from .errors import StageError
from .models import Router
from .records import Decision, DropReason, Edition, Script, ScriptLine, StoryBrief
from .store import Store
from .zh import to_simplified

STAGES = ("ingest", "desk", "plan", "write", "voice", "publish")
Reporter = Callable[[str, int, int, str], None]  # (stage, done, total, message)


def _quiet(stage: str, done: int, total: int, message: str) -> None:
    pass


@dataclass
class Run:
    cfg: Config
    store: Store
    edition: Edition
    now: datetime
    report: Reporter = _quiet
    router: Router | None = None

    @property
    def out_dir(self) -> Path:
        return self.cfg.out_dir()

    @property
    def episode_dir(self) -> Path:
        return self.out_dir / "episodes" / self.edition.id

    def note(self, line: str) -> None:
        self.edition.notes.append(line)
        self.store.save_edition(self.edition)


def new_edition(cfg: Config, *, edition: str | None, now: datetime) -> Edition:
    local = now.astimezone(ZoneInfo(cfg.show.timezone))
    kind = edition or ("morning" if local.hour < 12 else "evening")
    if kind not in ("morning", "evening"):
        raise StageError(f"edition must be 'morning' or 'evening', not {kind!r}")
    date = local.strftime("%Y-%m-%d")
    return Edition(id=f"{date}-{kind}", edition=kind, date=date, show_name=cfg.show.name, started_at=now)


# -- stages ---------------------------------------------------------------------------------------
def stage_ingest(run: Run) -> None:
    from .ingest import ingest

    result = ingest(run.cfg, run.store, now=run.now,
                    on_progress=lambda name, done, total: run.report("ingest", done, total, name))
    run.edition.article_ids = list(result.article_ids)
    run.store.save_edition(run.edition)
    for s in result.sources:
        if s.status == "error":
            run.note(f"source {s.name}: {s.reason}: {s.detail}")


def stage_desk(run: Run) -> None:
    from .desk import default_embedder, vet

    ids = run.edition.article_ids
    articles = [a for a in (run.store.article(i) for i in ids) if a is not None]
    if not articles:
        raise StageError("no articles to work with: every source failed or returned nothing (see `zaowan sources list`)")
    window = timedelta(hours=getattr(run.cfg.edition, run.edition.edition).window_hours)
    aired = [s for _, s in run.store.aired_stories(before_edition=run.edition.id, last_n=run.cfg.edition.aired_lookback)]
    run.report("desk", 0, len(articles), f"vetting {len(articles)} articles")
    result = vet(articles, run.cfg, now=run.now, window=window, embed=default_embedder(run.store), aired=aired)
    run.store.replace_stories(run.edition.id, result.stories)
    run.store.replace_decisions(run.edition.id, result.decisions)
    run.report("desk", len(articles), len(articles), f"{len(result.stories)} stories, {len(result.dropped())} dropped")


def _chinese_article(run: Run, story) -> object | None:
    arts = [run.store.article(i) for i in story.article_ids]
    zh = [a for a in arts if a is not None and a.lang.startswith("zh")]
    return min(zh, key=lambda a: a.tier) if zh else None


def _fact_check(run: Run, runner: AgentRunner, stories: list) -> list:
    """The fact checker compares the sources of each multi-source story near the top. A story a
    model finds refuted is dropped as a rumour; a story whose sources disagree is noted and moves
    below the stories whose sources agree."""
    ed = run.cfg.edition
    top = [s for s in stories[: ed.full_stories + 4] if len(s.article_ids) > 1]

    def excerpts(story) -> FactCheckInput:
        arts = [a for a in (run.store.article(i) for i in story.article_ids) if a is not None]
        return FactCheckInput(story_id=story.id, title=story.title,
                              sources=[SourceExcerpt(source=a.source, tier=a.tier, excerpt=a.text[:600]) for a in arts])

    async def check_all():
        return await asyncio.gather(*(runner.run(roster.FACT_CHECKER, excerpts(s)) for s in top))

    verdicts = dict(zip((s.id for s in top), asyncio.run(check_all()))) if top else {}
    agreed, disputed, refuted = [], [], []
    for s in stories:
        v = verdicts.get(s.id)
        if v is None or v.verdict == "consistent":
            agreed.append(s)
        elif v.verdict == "conflicting":
            disputed.append(s.model_copy(update={"reasons": s.reasons + ["fact check: sources disagree: " + "; ".join(v.notes[:3])]}))
        else:
            refuted.append((s, v))
    if refuted:
        decisions = {d.article_id: d for d in run.store.decisions(run.edition.id)}
        for s, v in refuted:
            for aid in s.article_ids:
                if aid in decisions:
                    decisions[aid] = decisions[aid].model_copy(update={
                        "kept": False, "reason": DropReason.rumor,
                        "detail": "fact checker found the claim refuted: " + "; ".join(v.notes[:3])})
        run.store.replace_decisions(run.edition.id, list(decisions.values()))
    kept = agreed + disputed  # the desk's order (diversity included), disputed stories last
    run.store.replace_stories(run.edition.id, kept)
    return kept


def stage_plan(run: Run, runner: AgentRunner) -> None:
    stories = run.store.stories(run.edition.id)
    if not stories:
        raise StageError("the desk kept no story: nothing can air (see `zaowan desk`)")
    stories = _fact_check(run, runner, stories)
    if not stories:
        raise StageError("the fact checker refuted every story: nothing can air (see `zaowan desk`)")
    cands = [PlanCandidate(story_id=s.id, title=s.title, score=s.score, status=s.status, company=main_company(s),
                           writable=_chinese_article(run, s) is not None) for s in stories]
    ed = run.cfg.edition
    plan = asyncio.run(runner.run(roster.EDITOR_IN_CHIEF, PlanInput(candidates=cands, full_count=ed.full_stories,
                                                                    short_count=ed.short_stories)))
    valid = {c.story_id for c in cands if c.writable}
    full = [sid for sid in dict.fromkeys(plan.full) if sid in valid][: ed.full_stories]
    short = [sid for sid in dict.fromkeys(plan.short) if sid in full][: ed.short_stories] or full[: ed.short_stories]
    if not full:
        raise StageError("the editor-in-chief chose no story that can be written")
    run.edition.full, run.edition.short = full, short
    run.store.save_edition(run.edition)
    _mark_not_selected(run, full, plan.notes)


def _mark_not_selected(run: Run, full: list[str], notes: dict[str, str]) -> None:
    decisions: list[Decision] = []
    for d in run.store.decisions(run.edition.id):
        if d.kept and d.story_id not in full:
            d = d.model_copy(update={"kept": False, "reason": DropReason.not_selected,
                                     "detail": notes.get(d.story_id, "not chosen for this edition")})
        decisions.append(d)
    run.store.replace_decisions(run.edition.id, decisions)


def _brief(run: Run, story_id: str) -> StoryBrief:
    story = next(s for s in run.store.stories(run.edition.id) if s.id == story_id)
    art = _chinese_article(run, story)
    if art is None:
        raise StageError(f"story {story_id} has no Chinese text to write from")
    return StoryBrief(story_id=story.id, title=art.title, summary_sentences=summarize(art.text, 3),
                      keywords=story_keywords(art.title, art.text), sources=story.sources, source_text=art.text,
                      lead_source=art.source, independent_sources=story.independent_sources, status=story.status)


def stage_write(run: Run, runner: AgentRunner) -> None:
    from .publish import edition_title

    briefs = {sid: _brief(run, sid) for sid in run.edition.full}
    full_briefs = [briefs[s] for s in run.edition.full]
    short_briefs = [briefs[s] for s in run.edition.short]
    ed = run.cfg.edition

    async def draft():
        full_p, short_p, hooks, tags = await asyncio.gather(
            _write_reviewed(run, runner, roster.FULL_WRITER, "full", full_briefs, ed.full_sentences, ed.full_story_chars),
            _write_reviewed(run, runner, roster.SHORT_WRITER, "short", short_briefs, ed.short_sentences, ed.short_story_chars),
            runner.run(roster.HOOK_WRITER, HooksInput(briefs=full_briefs)),
            runner.run(roster.TAGGER, TagInput(briefs=full_briefs)),
        )
        return full_p, short_p, hooks, tags

    (full_p, full_notes), (short_p, short_notes), hooks, tags = asyncio.run(draft())
    title = edition_title(run.cfg, run.edition)
    hook_lines = [_simplified(h if h.endswith("？") else h.rstrip("?？。") + "？") for h in hooks.hooks][:3]
    keywords = [k.replace(" ", "").lstrip("#") for k in tags.keywords]
    short_text = "".join(p.text + b.title for p, b in zip(short_p, short_briefs))
    short_keywords = [k for k in keywords if k.lower() in short_text.replace(" ", "").lower()] or keywords
    for variant, paras, notes, kws in (("full", full_p, full_notes, keywords),
                                       ("short", short_p, short_notes, short_keywords)):
        script = Script(
            edition_id=run.edition.id, variant=variant, title=title, hooks=hook_lines,
            greeting=run.cfg.show.greeting,
            stories=[ScriptLine(kind="story", text=_simplified(p.text), story_id=p.story_id) for p in paras],
            signoff=run.cfg.show.signoff, keywords=kws,
            review_notes=notes)
        run.store.save_script(script)
    run.report("write", 1, 1, f"Full {sum(len(p.text) for p in full_p)} chars, Short {sum(len(p.text) for p in short_p)} chars")


async def _write_reviewed(run: Run, runner: AgentRunner, spec, variant: str, briefs: list[StoryBrief],
                          sentences: int, chars: int) -> tuple[list[Paragraph], list[str]]:
    """Draft → proofread → deputy review, sent back at most `review_rounds` times; what still
    fails after that is repaired deterministically and the notes are kept with the script."""
    n = len(briefs)
    bounds = (int(n * chars * 0.35), int(n * chars * 1.6) + 200)
    notes: list[str] = []
    history: list[str] = []
    for _round in range(run.cfg.edition.review_rounds + 1):
        draft, writer = await runner.answer(spec, WriteInput(variant=variant, host=run.cfg.show.host, briefs=briefs,
                                                             sentences_per_story=sentences, max_chars_per_story=chars,
                                                             review_notes=notes))
        # Checkers prefer a vendor other than the one that wrote the draft (the offline editor is nobody's vendor).
        other = (writer,) if writer != "offline" else ()
        proof = await runner.run(roster.PROOFREADER, ProofInput(paragraphs=draft.paragraphs, briefs=briefs), avoid=other)
        history += proof.issues
        by_story = {p.story_id: p for p in proof.paragraphs}
        paras = [by_story[b.story_id] for b in briefs if b.story_id in by_story]  # air order, no strays
        review = await runner.run(roster.DEPUTY_EDITOR, ReviewInput(variant=variant, paragraphs=paras,
                                                                   min_chars=bounds[0], max_chars=bounds[1]),
                                  avoid=other)
        missing = [f"no paragraph for story {b.story_id} ({b.title})" for b in briefs if b.story_id not in by_story]
        if review.approved and not missing:
            return paras, history
        notes = missing + review.notes
        history += [f"review: {note}" for note in notes]
    repaired = _repair(paras, briefs)
    final = review_offline(ReviewInput(variant=variant, paragraphs=repaired,
                                       min_chars=0, max_chars=10**6))
    if not final.approved:
        raise StageError(f"{variant} script still fails review after repairs: {'; '.join(final.notes)}")
    return repaired, history + ["repaired after review rounds ran out"]


def _repair(paras: list[Paragraph], briefs: list[StoryBrief]) -> list[Paragraph]:
    from .agents.editor import BANNED, write_offline
    from .agents.textrank import split_sentences

    by_id = {p.story_id: p for p in paras}
    fallback = {p.story_id: p for p in write_offline(WriteInput(variant="repair", host="", briefs=briefs,
                                                                sentences_per_story=2, max_chars_per_story=200)).paragraphs}
    out = []
    for b in briefs:
        p = by_id.get(b.story_id)
        sents = [s for s in split_sentences(p.text)] if p else []
        sents = [s for s in sents if s.endswith(tuple("。！？")) and not any(x in s for x in BANNED)]
        out.append(Paragraph(story_id=b.story_id, text="".join(sents)) if sents else fallback[b.story_id])
    return out


def _simplified(text: str) -> str:
    """Scripts are Simplified Chinese even when a model slips into Traditional."""
    return to_simplified(text)


def stage_voice(run: Run) -> None:
    from .voice import render_script_audio

    run.episode_dir.mkdir(parents=True, exist_ok=True)
    for variant in ("full", "short"):
        script = run.store.script(run.edition.id, variant)
        if script is None:
            raise StageError(f"no {variant} script for {run.edition.id}: run the write stage first")
        info = render_script_audio(script, run.episode_dir, run.cfg, run.store,
                                   on_progress=lambda d, t, v=variant: run.report("voice", d, t, v))
        run.store.save_audio(run.edition.id, variant, info)


def _model_report(run: Run) -> None:
    """What the models did for this edition, for the run report: answers per provider, fallbacks, spend."""
    if run.router is None:
        return
    run.router.flush()
    calls = run.store.calls(run.edition.id)
    answered: dict[str, int] = {}
    for c in calls:
        if c["status"] in ("ok", "cached"):
            answered[c["provider"]] = answered.get(c["provider"], 0) + 1
    fell_back = sorted({c["fallback_reason"] for c in calls if c["fallback_reason"]})
    budget = run.router.report()
    run.edition.notes = [n for n in run.edition.notes if not n.startswith("models:")]
    run.edition.notes.append("models: answers by provider " + ", ".join(f"{p} {n}" for p, n in sorted(answered.items()))
                             + f"; spent ${budget['spent_usd']:.4f} / ¥{budget['spent_cny']:.4f}")
    if fell_back:
        run.edition.notes.append("models: fell back because " + "; ".join(fell_back[:8]))
    if budget.get("degraded"):
        run.edition.notes.append("models: budget cap reached, degraded to cheaper chains for " + ", ".join(budget["degraded"]))


def stage_publish(run: Run) -> None:
    from .publish import write_episode, write_site

    _model_report(run)
    run.edition.published_at = run.now
    run.edition.status = "published"
    run.store.save_edition(run.edition)
    run.store.mark_aired(run.edition.id, run.edition.full)
    write_episode(run.cfg, run.store, run.edition, run.out_dir)
    write_site(run.cfg, run.out_dir)


def run_edition(cfg: Config, *, edition: str | None = None, now: datetime | None = None,
                report: Reporter = _quiet, from_stage: str = "ingest", until: str = "publish",
                store: Store | None = None) -> Edition:
    """Run one edition's stages `from_stage`..`until`; returns the Edition record."""
    for stage in (from_stage, until):
        if stage not in STAGES:
            raise StageError(f"unknown stage {stage!r}; stages are: {', '.join(STAGES)}")
    now = now or datetime.now(ZoneInfo(cfg.show.timezone))
    own_store = store is None
    store = store or Store(cfg.db_path())
    try:
        ed = new_edition(cfg, edition=edition, now=now)
        prev = store.edition(ed.id)
        if prev and from_stage != "ingest":
            ed = prev.model_copy(update={"started_at": now})
        store.save_edition(ed)
        router = Router.from_config(cfg, store, edition_id=ed.id)
        run = Run(cfg, store, ed, now, report, router)
        runner = AgentRunner(router)
        steps = {"ingest": stage_ingest, "desk": stage_desk, "plan": lambda r: stage_plan(r, runner),
                 "write": lambda r: stage_write(r, runner), "voice": stage_voice, "publish": stage_publish}
        try:
            for name in STAGES[STAGES.index(from_stage): STAGES.index(until) + 1]:
                report(name, 0, 1, "start")
                steps[name](run)
                report(name, 1, 1, "done")
        finally:
            router.flush()  # the call log is written on a background thread: land it before the store closes
        return run.edition
    finally:
        if own_store:
            store.close()
