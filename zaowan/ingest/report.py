"""What one ingest run hands to the pipeline: per-source results and the articles it saw."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

SourceStatus = Literal["ok", "not_modified", "error"]


class SourceResult(BaseModel):
    """One source's outcome. `reason` is a short code (empty when all went well, or a warning code
    such as `empty_feed` with status ok); `detail` is for humans."""

    name: str
    url: str
    status: SourceStatus
    reason: str = ""
    detail: str = ""
    items: int = 0
    new: int = 0
    updated: int = 0
    truncated: int = 0


class IngestReport(BaseModel):
    started_at: datetime
    finished_at: datetime | None = None
    sources: list[SourceResult] = Field(default_factory=list)
    # Every article seen in this run (new, updated or unchanged), sources in config order,
    # items in feed order. A 304 source contributes the articles of its last successful fetch.
    article_ids: list[str] = Field(default_factory=list)

    @property
    def errors(self) -> list[SourceResult]:
        return [s for s in self.sources if s.status == "error"]

    def source(self, name: str) -> SourceResult | None:
        return next((s for s in self.sources if s.name == name), None)
