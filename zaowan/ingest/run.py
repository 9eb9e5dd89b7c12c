"""The ingest run: every configured source, fetched, parsed, repaired, dated and stored.

A source is one of: a feed URL (RSS/Atom/JSON Feed), a single web page URL, or a local file
or folder path. Whatever goes wrong with one source is caught *at this boundary*, recorded in
the store with its reason code (`store.record_fetch`) and in the report, and the run moves on.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from urllib.parse import urlsplit

from ..config import Config, SourceConfig
from ..errors import FetchError, SourceError
from ..records import Article
from ..store import Store
from .articles import Built, build_article, item_url, make_article, needs_page, normalise_url
from .charset import decode_bytes
from .clean import clean_text, same_story, truncation_signal
from .dates import zone
from .feeds import Entry, Feed, looks_like_html, parse_feed
from .files import LocalDoc, list_files, read_file
from .http import GuardedClient
from .pages import Page, extract_page
from .report import IngestReport, SourceResult
from .state import ensure_table, load_seen, save_seen

log = logging.getLogger(__name__)

FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
               "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.5, */*;q=0.1")
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
FEED_KINDS = ("rss", "atom", "jsonfeed")
MAX_WORKERS = 8
HOST_FAILURE_LIMIT = 3  # consecutive page failures (timeouts, refused connections, 5xx) before a host is skipped
_HOST_DOWN = ("timeout", "connect_failed", "http_500", "http_502", "http_503", "http_504", "rate_limited")
MAX_ITEMS = 200  # per feed and run: a feed that dumps its archive must not turn one run into thousands of fetches


@dataclass
class Outcome:
    """What one source produced before it is written to the log."""

    status: str = "ok"
    reason: str = ""
    notes: list[str] | None = None
    items: int = 0
    ids: list[str] | None = None
    new: int = 0
    updated: int = 0
    truncated: int = 0
    etag: str | None = None
    last_modified: str | None = None


class Ingestor:
    """Holds what every source in a run shares: config, store, client, clock."""

    def __init__(self, cfg: Config, store: Store, client: GuardedClient, now: datetime):
        self.cfg, self.store, self.client, self.now = cfg, store, client, now
        self.tz: tzinfo = zone(cfg.show.timezone)
        self._host_failures: dict[str, int] = {}
        self._failures_lock = threading.Lock()
        ensure_table(store)

    # -- the run ---------------------------------------------------------------------------
    def run(self, on_progress: Callable[[str, int, int], None] | None = None) -> IngestReport:
        sources = self.cfg.sources
        report = IngestReport(started_at=self.now)
        results: dict[int, tuple[SourceResult, list[str]]] = {}
        with ThreadPoolExecutor(max_workers=max(1, min(MAX_WORKERS, len(sources)))) as pool:
            futures = {pool.submit(self.source, s): i for i, s in enumerate(sources)}
            for done, fut in enumerate(as_completed(futures), start=1):
                i = futures[fut]
                results[i] = fut.result()
                if on_progress:
                    on_progress(sources[i].name, done, len(sources))
        for i in range(len(sources)):
            res, ids = results[i]
            report.sources.append(res)
            report.article_ids.extend(ids)
        report.finished_at = datetime.now(timezone.utc)
        return report

    def source(self, src: SourceConfig) -> tuple[SourceResult, list[str]]:
        """Ingest one source; never raises for anything the source did."""
        self.store.upsert_source(src.name, src.url, src.tier)
        try:
            out = self._local(src) if not is_remote(src.url) else self._remote(src)
        except SourceError as exc:
            out = Outcome(status="error", reason=exc.reason, notes=[str(exc)])
        except Exception as exc:  # noqa: BLE001 — a bug on odd input must not end the run for every source
            log.exception("source %s: unexpected failure", src.name)
            out = Outcome(status="error", reason="internal_error", notes=[f"{type(exc).__name__}: {exc}"])
        detail = "; ".join(n for n in (out.notes or []) if n)[:2000]
        if out.status == "error":
            log.warning("source %s (%s) failed: %s — %s", src.name, src.url, out.reason, detail)
        self.store.record_fetch(src.name, src.url, out.status, items=out.items, reason=out.reason, detail=detail,
                                etag=out.etag, last_modified=out.last_modified)
        ids = out.ids or []
        if out.status == "ok":
            save_seen(self.store, src.name, ids)
        result = SourceResult(name=src.name, url=src.url, status=out.status, reason=out.reason, detail=detail,
                              items=out.items, new=out.new, updated=out.updated, truncated=out.truncated)
        return result, ids

    # -- remote sources --------------------------------------------------------------------
    def _remote(self, src: SourceConfig) -> Outcome:
        state = self.store.source_state(src.name)
        same_url = state.get("url") == src.url
        got = self.client.fetch(src.url, etag=state.get("etag") if same_url else None,
                                last_modified=state.get("last_modified") if same_url else None,
                                accept=PAGE_ACCEPT if src.kind == "page" else FEED_ACCEPT)
        if got.not_modified:
            ids = load_seen(self.store, src.name)
            return Outcome(status="not_modified", items=len(ids), ids=ids, notes=["HTTP 304: unchanged since last fetch"])
        out = self._remote_body(src, got.body, got.url, got.charset)
        out.etag, out.last_modified = got.etag, got.last_modified
        if got.redirects:
            out.notes = [*(out.notes or []), f"redirected from {got.redirects[0]} to {got.url}"]
        return out

    def _remote_body(self, src: SourceConfig, body: bytes, url: str, charset: str | None) -> Outcome:
        if src.kind == "page" or (src.kind == "auto" and looks_like_html(decode_bytes(body[:4096], charset)[0])):
            page = extract_page(body, url, tz=self.tz, now=self.now, http_charset=charset)
            return self._save([self._page_article(src, page)], notes=page.notes)
        feed = parse_feed(body, url, charset)
        if src.kind in FEED_KINDS and not _kind_matches(src.kind, feed.kind):
            feed.notes.append(f"configured as {src.kind} but the body is {feed.kind}")
        return self._feed(src, feed, url)

    def fetch_page(self, url: str) -> Page:
        """Fetch and extract an article page. A host whose last pages all timed out or failed
        is skipped for the rest of the run: 200 items × a 20 s timeout must not stall an edition."""
        host = urlsplit(url).hostname or ""
        with self._failures_lock:
            failing = self._host_failures.get(host, 0) >= HOST_FAILURE_LIMIT
        if failing:
            raise FetchError(f"skipped: the last {HOST_FAILURE_LIMIT} pages from {host} failed", reason="host_failing")
        try:
            got = self.client.fetch(url, accept=PAGE_ACCEPT)
        except SourceError as exc:
            if exc.reason in _HOST_DOWN:
                with self._failures_lock:
                    self._host_failures[host] = self._host_failures.get(host, 0) + 1
            raise
        with self._failures_lock:
            self._host_failures[host] = 0
        return extract_page(got.body, got.url, tz=self.tz, now=self.now, http_charset=got.charset)

    def _feed(self, src: SourceConfig, feed: Feed, url: str) -> Outcome:
        seen: set[str] = set()
        built: list[Built] = []
        dupes = 0
        for entry in feed.entries[:MAX_ITEMS]:
            key = entry.guid or entry.link
            if key and key in seen:
                dupes += 1
                continue
            seen.add(key)
            known = self._known(entry, url, src) if needs_page(entry, url) else None
            built.append(Built(known) if known else build_article(
                entry, src, feed_url=url, fetch_page=self.fetch_page, tz=self.tz, now=self.now, feed_lang=feed.lang))
        notes = list(feed.notes)
        if len(feed.entries) > MAX_ITEMS:
            notes.append(f"the feed lists {len(feed.entries)} items; only the first {MAX_ITEMS} were read")
        if dupes:
            notes.append(f"{dupes} items repeated an earlier GUID and were skipped")
        out = self._save([b.article for b in built], notes=notes + [n for b in built for n in b.notes])
        if not feed.entries:
            out.reason = "empty_feed"
            out.notes = [*(out.notes or []), f"the {feed.kind} feed has no items"]
        return out

    def _known(self, entry: Entry, feed_url: str, src: SourceConfig) -> Article | None:
        """The stored, complete article for this item when the feed still shows the same title and
        teaser: its page is not fetched again on every run (polite, and most of a run's cost)."""
        rows = self.store.query(
            "SELECT data FROM articles WHERE canonical_url=? AND source=? ORDER BY version DESC LIMIT 1",
            (normalise_url(item_url(entry, feed_url)), src.name))
        if not rows:
            return None
        art = Article.model_validate_json(rows[0]["data"])
        teaser = clean_text(entry.text)
        if art.truncated or art.title_original != entry.title or not same_story(teaser, art.text_original):
            return None
        return art

    def _page_article(self, src: SourceConfig, page: Page) -> Article:
        """A single page as its own source: its metadata date is the best publication date it has."""
        signal = truncation_signal(page.text)
        published = next((d.value for d in page.dates if d.origin in ("meta", "jsonld", "time")), None)
        return make_article(src, url=page.url, canonical=normalise_url(page.canonical_url), title=page.title,
                            author=page.author, text=page.text, lang=page.lang, published=published,
                            dates=page.dates, now=self.now, truncated=bool(signal),
                            why=f"page text looks cut ({signal})" if signal else "")

    # -- local sources ---------------------------------------------------------------------
    def _local(self, src: SourceConfig) -> Outcome:
        root = Path(src.url).expanduser()
        articles: list[Article] = []
        notes: list[str] = []
        failures: list[SourceError] = []
        for path in list_files(root):
            try:
                got = read_file(path, self.cfg.network.max_bytes)
            except SourceError as exc:
                failures.append(exc)
                notes.append(f"{path.name}: {exc.reason}: {exc}")
                continue
            articles.extend(self._local_articles(src, got, notes))
        if failures and not articles:
            raise SourceError("; ".join(notes), reason=failures[0].reason)
        out = self._save(articles, notes=notes)
        if failures:
            out.reason = "partial"
        return out

    def _local_articles(self, src: SourceConfig, got: Feed | LocalDoc, notes: list[str]) -> list[Article]:
        if isinstance(got, Feed):
            built = [build_article(e, src, feed_url=e.link or str(got.title), fetch_page=self.fetch_page,
                                   tz=self.tz, now=self.now, feed_lang=got.lang) for e in got.entries]
            notes.extend(n for b in built for n in b.notes)
            return [b.article for b in built]
        if got.html is not None:
            page = extract_page(got.html, got.entry.link, tz=self.tz, now=self.now)
            return [self._page_article(src, page)]
        return [build_article(got.entry, src, feed_url=got.entry.link, fetch_page=None, tz=self.tz,
                              now=self.now).article]

    # -- storing ---------------------------------------------------------------------------
    def _save(self, articles: list[Article], notes: list[str]) -> Outcome:
        out = Outcome(notes=notes, items=len(articles), ids=[])
        for art in articles:
            saved, status = self.store.save_article(art)
            out.ids.append(saved.id)
            out.new += status == "new"
            out.updated += status == "updated"
            out.truncated += saved.truncated
        return out


def is_remote(url: str) -> bool:
    """Anything with a scheme goes to the guarded client, which refuses what is not http/https."""
    return "://" in url or url.lower().startswith(("gopher:", "file:", "ftp:", "data:", "javascript:"))


def _kind_matches(kind: str, version: str) -> bool:
    return {"rss": ("rss",), "atom": ("atom",), "jsonfeed": ("json",)}[kind][0] in version


def ingest(cfg: Config, store: Store, *, now: datetime | None = None,
           on_progress: Callable[[str, int, int], None] | None = None,
           client: GuardedClient | None = None) -> IngestReport:
    """Ingest every source in `cfg` into `store`. Never raises for a bad source: see the report."""
    now = now or datetime.now(timezone.utc)
    if client is not None:
        return Ingestor(cfg, store, client, now).run(on_progress)
    with GuardedClient(cfg.network) as own:
        return Ingestor(cfg, store, own, now).run(on_progress)
