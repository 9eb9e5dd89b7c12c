"""Which articles a source's last successful fetch listed, so a 304 can still report them.

This table belongs to the ingest desk alone; it is created on first use (idempotent, like a
migration) through the store's public `execute`, so the shared schema is not touched.
"""
from __future__ import annotations

from ..store import Store

_DDL = ("CREATE TABLE IF NOT EXISTS ingest_seen ("
        "source TEXT NOT NULL, position INTEGER NOT NULL, article_id TEXT NOT NULL, "
        "PRIMARY KEY (source, position))")


def ensure_table(store: Store) -> None:
    store.execute(_DDL)


def save_seen(store: Store, source: str, article_ids: list[str]) -> None:
    with store._lock, store.conn:  # one transaction: a crash never leaves half a list
        store.conn.execute("DELETE FROM ingest_seen WHERE source=?", (source,))
        store.conn.executemany("INSERT INTO ingest_seen(source, position, article_id) VALUES (?,?,?)",
                               [(source, i, a) for i, a in enumerate(article_ids)])


def load_seen(store: Store, source: str) -> list[str]:
    rows = store.query("SELECT article_id FROM ingest_seen WHERE source=? ORDER BY position", (source,))
    return [r["article_id"] for r in rows]
