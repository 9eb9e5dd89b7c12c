"""Schema migrations: named functions that run once each, in order (sqlite-utils/llm style).

Add a new `mNNN_name(conn)` at the end; never edit one that has shipped.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable

MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = []


def migration(fn: Callable[[sqlite3.Connection], None]):
    MIGRATIONS.append(fn)
    return fn


@migration
def m001_initial(conn: sqlite3.Connection) -> None:
    conn.executescript(
        """
        CREATE TABLE sources (
            name TEXT PRIMARY KEY, url TEXT NOT NULL, tier INTEGER NOT NULL,
            etag TEXT, last_modified TEXT, last_fetch TEXT, status TEXT,
            items INTEGER DEFAULT 0, last_error TEXT
        );
        CREATE TABLE fetch_log (
            id INTEGER PRIMARY KEY, source TEXT NOT NULL, url TEXT NOT NULL, at TEXT NOT NULL,
            status TEXT NOT NULL, reason TEXT, detail TEXT, items INTEGER DEFAULT 0
        );
        CREATE TABLE articles (
            id TEXT PRIMARY KEY, canonical_url TEXT NOT NULL, content_hash TEXT NOT NULL,
            version INTEGER NOT NULL, source TEXT NOT NULL, fetched_at TEXT NOT NULL,
            published_at TEXT, data TEXT NOT NULL
        );
        CREATE INDEX articles_url ON articles(canonical_url);
        CREATE TABLE editions (
            id TEXT PRIMARY KEY, edition TEXT NOT NULL, date TEXT NOT NULL,
            started_at TEXT NOT NULL, published_at TEXT, status TEXT NOT NULL, data TEXT NOT NULL
        );
        CREATE TABLE stories (
            edition_id TEXT NOT NULL, id TEXT NOT NULL, rank INTEGER NOT NULL,
            aired INTEGER NOT NULL DEFAULT 0, data TEXT NOT NULL,
            PRIMARY KEY (edition_id, id)
        );
        CREATE TABLE decisions (
            edition_id TEXT NOT NULL, article_id TEXT NOT NULL, kept INTEGER NOT NULL,
            reason TEXT, data TEXT NOT NULL, PRIMARY KEY (edition_id, article_id)
        );
        CREATE TABLE scripts (
            edition_id TEXT NOT NULL, variant TEXT NOT NULL, data TEXT NOT NULL,
            PRIMARY KEY (edition_id, variant)
        );
        CREATE TABLE audio_segments (
            key TEXT PRIMARY KEY, path TEXT NOT NULL, duration_s REAL NOT NULL,
            engine TEXT NOT NULL, voice TEXT NOT NULL, text TEXT NOT NULL, created_at TEXT NOT NULL
        );
        CREATE TABLE audio (
            edition_id TEXT NOT NULL, variant TEXT NOT NULL, data TEXT NOT NULL,
            PRIMARY KEY (edition_id, variant)
        );
        CREATE TABLE calls (
            id INTEGER PRIMARY KEY, edition_id TEXT, role TEXT NOT NULL, agent TEXT,
            provider TEXT NOT NULL, model TEXT NOT NULL, attempt INTEGER NOT NULL,
            request_hash TEXT NOT NULL, request TEXT, response TEXT, status TEXT NOT NULL,
            error TEXT, fallback_reason TEXT, tokens_in INTEGER DEFAULT 0, tokens_out INTEGER DEFAULT 0,
            cost_usd REAL DEFAULT 0, cost_cny REAL DEFAULT 0, latency_ms REAL DEFAULT 0, at TEXT NOT NULL
        );
        CREATE INDEX calls_edition ON calls(edition_id);
        CREATE INDEX calls_hash ON calls(request_hash, status);
        """
    )


@migration
def m002_embeddings(conn: sqlite3.Connection) -> None:
    """Text embeddings by (model, text) hash: the desk's most expensive work, done once per text."""
    conn.execute("CREATE TABLE embeddings (key TEXT PRIMARY KEY, dim INTEGER NOT NULL, vec BLOB NOT NULL)")


def migrate(conn: sqlite3.Connection) -> int:
    """Apply pending migrations; returns how many ran."""
    conn.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    done = {r[0] for r in conn.execute("SELECT name FROM _migrations")}
    ran = 0
    for fn in MIGRATIONS:
        if fn.__name__ in done:
            continue
        with conn:
            fn(conn)
            conn.execute("INSERT INTO _migrations VALUES (?, datetime('now'))", (fn.__name__,))
        ran += 1
    return ran
