"""The newsroom's writing agents, as data. Deterministic roles (collector, extractor,
de-duplicator, freshness and fact checks, voice director, audio engineer) live in their
stages; these are the ones a model may answer for, each backed by the offline editor."""
from __future__ import annotations

from . import editor as e
from .spec import AgentSpec

FACT_CHECKER = AgentSpec("fact_checker", "fact_checker", "fact_checker.md", e.FactCheckInput, e.FactCheckOutput,
                        e.fact_check_offline, max_tokens=600)
EDITOR_IN_CHIEF = AgentSpec("editor_in_chief", "editor_in_chief", "editor_in_chief.md",
                            e.PlanInput, e.PlanOutput, e.plan_offline, max_tokens=800)
FULL_WRITER = AgentSpec("full_writer", "writer", "full_writer.md", e.WriteInput, e.WriteOutput, e.write_offline,
                        max_tokens=4000)
SHORT_WRITER = AgentSpec("short_writer", "short_writer", "short_writer.md", e.WriteInput, e.WriteOutput,
                         e.write_offline, max_tokens=2000)
HOOK_WRITER = AgentSpec("hook_writer", "hook_writer", "hook_writer.md", e.HooksInput, e.HooksOutput,
                        e.hooks_offline, max_tokens=400)
TAGGER = AgentSpec("tagger", "tagger", "tagger.md", e.TagInput, e.TagOutput, e.tag_offline, max_tokens=400)
PROOFREADER = AgentSpec("proofreader", "proofreader", "proofreader.md", e.ProofInput, e.ProofOutput,
                        e.proofread_offline, max_tokens=4000)
DEPUTY_EDITOR = AgentSpec("deputy_editor", "deputy_editor", "deputy_editor.md", e.ReviewInput, e.ReviewOutput,
                          e.review_offline, max_tokens=800)

ALL = [FACT_CHECKER, EDITOR_IN_CHIEF, FULL_WRITER, SHORT_WRITER, HOOK_WRITER, TAGGER, PROOFREADER, DEPUTY_EDITOR]
