"""The ingest desk: feeds, pages and local files in; clean, complete, dated articles out.

Public seam (the pipeline calls exactly this):

    ingest(cfg, store, *, now=None, on_progress=None) -> IngestReport

Modules: `http` (the guarded client, the only network I/O), `guard` (SSRF rules), `feeds`,
`pages` and `files` (sources → entries), `clean`, `dates`, `charset`, `script` (pure),
`articles` (entry → Article, truncation repair), `run` (the run itself), `opml`, `cli`.
"""
from .report import IngestReport, SourceResult
from .run import ingest

__all__ = ["IngestReport", "SourceResult", "ingest"]
