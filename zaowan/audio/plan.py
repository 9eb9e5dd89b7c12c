"""Pure audio planning: where each voiced clip sits on the timeline, and the chapters and
transcript cues that follow from it. No audio is touched here, so timing rules are testable
with plain numbers — and chapters/cues line up with the mix because both come from this plan.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Clip:
    """One voiced chunk: `text` is what the script says (shown in the transcript)."""

    duration_s: float
    text: str
    line_index: int
    kind: str  # the ScriptLine kind: hook, greeting, story, transition, signoff
    story_id: str = ""


@dataclass(frozen=True)
class Gaps:
    """Silences and overlaps, in seconds."""

    sentence: float = 0.18  # between chunks of one line
    line: float = 0.45  # between lines of the same section (hook → hook)
    section: float = 0.6  # between sections and between stories (AudioConfig.story_pause_s)
    intro_s: float = 0.0  # length of the intro sting (0: none)
    outro_s: float = 0.0
    crossfade_s: float = 0.8  # how far speech starts before the intro sting ends (and vice versa)


@dataclass
class Plan:
    starts: list[float]  # start of each clip, same order as the clips
    clips: list[Clip]
    outro_start: float | None
    total_s: float
    notes: list[str] = field(default_factory=list)

    def end(self, i: int) -> float:
        return self.starts[i] + self.clips[i].duration_s


def _section(c: Clip) -> str:
    # Every story is its own section; hooks and greeting open the show together.
    return f"story:{c.story_id or c.line_index}" if c.kind in ("story", "transition") else c.kind


def plan_timeline(clips: list[Clip], gaps: Gaps) -> Plan:
    """Lay clips end to end with the pause their boundary calls for; stings overlap the speech
    by `crossfade_s` so the music ducks out under the first words instead of leaving a hole."""
    if not clips:
        raise ValueError("nothing to plan: no clips")
    t = max(0.0, gaps.intro_s - gaps.crossfade_s) if gaps.intro_s else 0.2
    starts: list[float] = []
    for i, c in enumerate(clips):
        if i:
            prev = clips[i - 1]
            if prev.line_index == c.line_index:
                t += gaps.sentence
            elif _section(prev) == _section(c):
                t += gaps.line
            else:
                t += gaps.section
        starts.append(t)
        t += c.duration_s
    outro_start = None
    if gaps.outro_s:
        outro_start = max(starts[-1], t + 0.3 - gaps.crossfade_s)
        t = max(t, outro_start + gaps.outro_s)
    else:
        t += 0.5
    return Plan(starts=starts, clips=list(clips), outro_start=outro_start, total_s=round(t, 3))


def chapter_title(text: str, limit: int = 24, min_len: int = 6) -> str:
    """A short chapter title from a story's text: its first clause that is long enough to say
    something (a transition such as "先看第一条" is skipped)."""
    clauses = [c.strip() for c in re.split(r"[。！？!?；;，,：:]", text) if c.strip()]
    first = next((c for c in clauses if len(c) >= min_len), clauses[0] if clauses else text.strip())
    return first if len(first) <= limit else first[: limit - 1] + "…"


def chapters(plan: Plan, *, opening: str = "开场", closing: str = "结束语",
             titles: dict[str, str] | None = None) -> list[dict]:
    """Contiguous chapters: the opening (sting, hooks, greeting), one per story, the closing.

    Chapter starts are the start of their first clip (the opening starts at 0); each chapter
    ends where the next begins and the last ends with the file.
    """
    titles = titles or {}
    marks: list[tuple[float, str, str]] = []
    seen: set[str] = set()
    for start, c in zip(plan.starts, plan.clips):
        sec = _section(c)
        if sec in seen or (marks and marks[-1][2] == sec):
            continue
        seen.add(sec)
        if c.kind in ("hook", "greeting"):
            if not any(m[2] in ("hook", "greeting") for m in marks):
                marks.append((0.0, opening, sec))
            continue
        if c.kind in ("story", "transition"):
            marks.append((start, titles.get(c.story_id) or chapter_title(c.text), sec))
        elif c.kind == "signoff":
            marks.append((start, closing, sec))
    if not marks or marks[0][0] > 0:
        marks.insert(0, (0.0, opening, "opening"))
    out = []
    for i, (start, title, sec) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else plan.total_s
        story_id = sec.removeprefix("story:") if sec.startswith("story:") else ""
        out.append({"title": title, "start_s": round(start, 3), "end_s": round(end, 3), "story_id": story_id})
    return out


@dataclass(frozen=True)
class Cue:
    start_s: float
    end_s: float
    text: str


def cues(plan: Plan) -> list[Cue]:
    """One transcript cue per voiced chunk, at its real place in the mix."""
    return [Cue(round(s, 3), round(s + c.duration_s, 3), c.text) for s, c in zip(plan.starts, plan.clips)]
