"""The embedded SQLite store: the only place stages hand records to each other."""
from __future__ import annotations

import json
import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..records import Article, Decision, Edition, Script, Story, AudioInfo
from .migrations import migrate


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


class Store:
    """Thin typed access to the database. Writes are serialised; SQLite does the rest."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL is SQLite's documented pairing: no corruption on crash, and no fsync per
        # commit (which made ingest spend half its time in fsync, one commit per article).
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self._lock = threading.RLock()
        migrate(self.conn)

    def close(self) -> None:
        self.conn.close()

    def execute(self, sql: str, params: tuple | dict = ()) -> sqlite3.Cursor:
        with self._lock:
            return self.conn.execute(sql, params)

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        with self._lock:
            return list(self.conn.execute(sql, params))

    # -- sources -------------------------------------------------------------------------
    def upsert_source(self, name: str, url: str, tier: int) -> None:
        self.execute(
            "INSERT INTO sources(name, url, tier) VALUES (?,?,?) "
            "ON CONFLICT(name) DO UPDATE SET url=excluded.url, tier=excluded.tier",
            (name, url, tier),
        )

    def source_state(self, name: str) -> dict[str, Any]:
        rows = self.query("SELECT * FROM sources WHERE name=?", (name,))
        return dict(rows[0]) if rows else {}

    def record_fetch(self, source: str, url: str, status: str, *, items: int = 0, reason: str = "",
                     detail: str = "", etag: str | None = None, last_modified: str | None = None) -> None:
        """Log one fetch attempt and update the source's health (status, items, last error)."""
        at = _now()
        with self._lock, self.conn:
            self.conn.execute(
                "INSERT INTO fetch_log(source, url, at, status, reason, detail, items) VALUES (?,?,?,?,?,?,?)",
                (source, url, at, status, reason, detail, items),
            )
            self.conn.execute(
                "UPDATE sources SET last_fetch=?, status=?, items=?, last_error=?, "
                "etag=COALESCE(?, etag), last_modified=COALESCE(?, last_modified) WHERE name=?",
                (at, status, items, f"{reason}: {detail}" if reason else None, etag, last_modified, source),
            )

    def sources(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.query("SELECT * FROM sources ORDER BY name")]

    def fetch_log(self, source: str | None = None) -> list[dict[str, Any]]:
        if source:
            return [dict(r) for r in self.query("SELECT * FROM fetch_log WHERE source=? ORDER BY id", (source,))]
        return [dict(r) for r in self.query("SELECT * FROM fetch_log ORDER BY id")]

    # -- articles ------------------------------------------------------------------------
    def save_article(self, art: Article) -> tuple[Article, str]:
        """Idempotent: same URL and content → 'unchanged'; same URL, new content → new version."""
        with self._lock, self.conn:
            same = self.conn.execute("SELECT data FROM articles WHERE id=?", (art.id,)).fetchone()
            if same:
                return Article.model_validate_json(same["data"]), "unchanged"
            prev = self.conn.execute(
                "SELECT MAX(version) AS v FROM articles WHERE canonical_url=?", (art.canonical_url,)
            ).fetchone()
            status = "new"
            if prev and prev["v"]:
                art = art.model_copy(update={"version": prev["v"] + 1})
                status = "updated"
            fetched = (art.fetched_at or datetime.now(timezone.utc)).astimezone(timezone.utc)
            art = art.model_copy(update={"fetched_at": fetched})  # UTC, so stored strings sort as times
            self.conn.execute(
                "INSERT INTO articles(id, canonical_url, content_hash, version, source, fetched_at, published_at, data)"
                " VALUES (?,?,?,?,?,?,?,?)",
                (art.id, art.canonical_url, art.content_hash, art.version, art.source, fetched.isoformat(),
                 art.published_at.isoformat() if art.published_at else None, art.model_dump_json()),
            )
            return art, status

    def articles(self, *, latest_only: bool = True) -> list[Article]:
        rows = self.query("SELECT data, canonical_url, version FROM articles ORDER BY canonical_url, version")
        if latest_only:
            latest: dict[str, sqlite3.Row] = {}
            for r in rows:
                latest[r["canonical_url"]] = r
            rows = list(latest.values())
        return [Article.model_validate_json(r["data"]) for r in rows]

    def article(self, article_id: str) -> Article | None:
        rows = self.query("SELECT data FROM articles WHERE id=?", (article_id,))
        return Article.model_validate_json(rows[0]["data"]) if rows else None

    # -- editions, stories, decisions -------------------------------------------------------
    def save_edition(self, ed: Edition) -> None:
        self.execute(
            "INSERT INTO editions(id, edition, date, started_at, published_at, status, data) VALUES (?,?,?,?,?,?,?) "
            "ON CONFLICT(id) DO UPDATE SET published_at=excluded.published_at, status=excluded.status, data=excluded.data",
            (ed.id, ed.edition, ed.date, ed.started_at.isoformat(),
             ed.published_at.isoformat() if ed.published_at else None, ed.status, ed.model_dump_json()),
        )

    def edition(self, edition_id: str) -> Edition | None:
        rows = self.query("SELECT data FROM editions WHERE id=?", (edition_id,))
        return Edition.model_validate_json(rows[0]["data"]) if rows else None

    def editions(self) -> list[Edition]:
        return [Edition.model_validate_json(r["data"]) for r in self.query("SELECT data FROM editions ORDER BY started_at")]

    def replace_stories(self, edition_id: str, stories: list[Story]) -> None:
        with self._lock, self.conn:
            self.conn.execute("DELETE FROM stories WHERE edition_id=?", (edition_id,))
            self.conn.executemany(
                "INSERT INTO stories(edition_id, id, rank, data) VALUES (?,?,?,?)",
                [(edition_id, s.id, i, s.model_dump_json()) for i, s in enumerate(stories)],
            )

    def stories(self, edition_id: str) -> list[Story]:
        rows = self.query("SELECT data FROM stories WHERE edition_id=? ORDER BY rank", (edition_id,))
        return [Story.model_validate_json(r["data"]) for r in rows]

    def mark_aired(self, edition_id: str, story_ids: list[str]) -> None:
        with self._lock, self.conn:
            self.conn.executemany("UPDATE stories SET aired=1 WHERE edition_id=? AND id=?",
                                  [(edition_id, s) for s in story_ids])

    def aired_stories(self, *, before_edition: str, last_n: int) -> list[tuple[str, Story]]:
        """Stories aired in the last `last_n` published editions other than `before_edition`."""
        eds = self.query(
            "SELECT id FROM editions WHERE published_at IS NOT NULL AND id != ? ORDER BY published_at DESC LIMIT ?",
            (before_edition, last_n),
        )
        out: list[tuple[str, Story]] = []
        for e in eds:
            for r in self.query("SELECT data FROM stories WHERE edition_id=? AND aired=1", (e["id"],)):
                out.append((e["id"], Story.model_validate_json(r["data"])))
        return out

    def replace_decisions(self, edition_id: str, decisions: list[Decision]) -> None:
        with self._lock, self.conn:
            self.conn.execute("DELETE FROM decisions WHERE edition_id=?", (edition_id,))
            self.conn.executemany(
                "INSERT INTO decisions(edition_id, article_id, kept, reason, data) VALUES (?,?,?,?,?)",
                [(edition_id, d.article_id, int(d.kept), d.reason.value if d.reason else None, d.model_dump_json())
                 for d in decisions],
            )

    def decisions(self, edition_id: str) -> list[Decision]:
        rows = self.query("SELECT data FROM decisions WHERE edition_id=? ORDER BY kept DESC, reason", (edition_id,))
        return [Decision.model_validate_json(r["data"]) for r in rows]

    # -- scripts and audio -----------------------------------------------------------------
    def save_script(self, script: Script) -> None:
        self.execute(
            "INSERT OR REPLACE INTO scripts(edition_id, variant, data) VALUES (?,?,?)",
            (script.edition_id, script.variant, script.model_dump_json()),
        )

    def script(self, edition_id: str, variant: str) -> Script | None:
        rows = self.query("SELECT data FROM scripts WHERE edition_id=? AND variant=?", (edition_id, variant))
        return Script.model_validate_json(rows[0]["data"]) if rows else None

    def save_audio(self, edition_id: str, variant: str, info: AudioInfo) -> None:
        self.execute("INSERT OR REPLACE INTO audio(edition_id, variant, data) VALUES (?,?,?)",
                     (edition_id, variant, info.model_dump_json()))

    def audio(self, edition_id: str, variant: str) -> AudioInfo | None:
        rows = self.query("SELECT data FROM audio WHERE edition_id=? AND variant=?", (edition_id, variant))
        return AudioInfo.model_validate_json(rows[0]["data"]) if rows else None

    def cached_segment(self, key: str) -> dict[str, Any] | None:
        rows = self.query("SELECT * FROM audio_segments WHERE key=?", (key,))
        if rows and Path(rows[0]["path"]).exists():
            return dict(rows[0])
        return None

    def save_segment(self, key: str, path: str, duration_s: float, engine: str, voice: str, text: str) -> None:
        self.execute("INSERT OR REPLACE INTO audio_segments VALUES (?,?,?,?,?,?,?)",
                     (key, path, duration_s, engine, voice, text, _now()))

    # -- embeddings ----------------------------------------------------------------------------
    def vectors(self, keys: list[str]) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        for i in range(0, len(keys), 500):  # stay under SQLite's bound-parameter limit
            chunk = keys[i:i + 500]
            rows = self.query(f"SELECT key, vec FROM embeddings WHERE key IN ({','.join('?' * len(chunk))})", tuple(chunk))
            out.update({r["key"]: r["vec"] for r in rows})
        return out

    def save_vectors(self, items: dict[str, bytes], dim: int) -> None:
        with self._lock, self.conn:
            self.conn.executemany("INSERT OR IGNORE INTO embeddings(key, dim, vec) VALUES (?,?,?)",
                                  [(k, dim, v) for k, v in items.items()])

    # -- model calls -------------------------------------------------------------------------
    def log_call(self, row: dict[str, Any]) -> None:
        row = {**row, "at": row.get("at") or _now()}
        for k in ("request", "response"):
            if isinstance(row.get(k), (dict, list)):
                row[k] = json.dumps(row[k], ensure_ascii=False)
        cols = ",".join(row)
        self.execute(f"INSERT INTO calls({cols}) VALUES ({','.join('?' * len(row))})", tuple(row.values()))

    def calls(self, edition_id: str | None = None) -> list[dict[str, Any]]:
        if edition_id:
            return [dict(r) for r in self.query("SELECT * FROM calls WHERE edition_id=? ORDER BY id", (edition_id,))]
        return [dict(r) for r in self.query("SELECT * FROM calls ORDER BY id")]

    def cached_response(self, request_hash: str) -> str | None:
        rows = self.query("SELECT response FROM calls WHERE request_hash=? AND status='ok' ORDER BY id DESC LIMIT 1",
                          (request_hash,))
        return rows[0]["response"] if rows else None
