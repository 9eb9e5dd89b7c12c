"""`zaowan sources …`: see each source's health, add/remove/import sources, check them now.

add/remove/import edit the user's zaowan.toml in place with tomlkit, so comments and layout
survive; the edited document is validated as a whole before it replaces the file.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Optional

import tomlkit
import typer
from rich.console import Console
from rich.table import Table
from tomlkit.items import AoT

from ..config import Config, SourceConfig, load_config, parse_config
from ..errors import ConfigError
from ..cli_errors import clear_errors
from .opml import parse_opml

sources_app = typer.Typer(help="List, add, remove, import and check news sources.", no_args_is_help=True)
console = Console()
ConfigOpt = typer.Option(Path("zaowan.toml"), "--config", "-c", help="Path to zaowan.toml.")




# -- editing zaowan.toml -------------------------------------------------------------------
def read_document(path: Path) -> tomlkit.TOMLDocument:
    if not path.exists():
        return tomlkit.document()
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def write_document(path: Path, doc: tomlkit.TOMLDocument) -> None:
    """Validate the whole config, then replace the file atomically (a crash never leaves half a file)."""
    parse_config(doc.unwrap())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(tomlkit.dumps(doc))
    os.replace(tmp, path)


def _sources(doc: tomlkit.TOMLDocument) -> AoT:
    if "sources" not in doc:
        doc.append("sources", tomlkit.aot())
    aot = doc["sources"]
    if not isinstance(aot, AoT):
        raise ConfigError("`sources` in the config must be an array of [[sources]] tables")
    return aot


def check_source_url(url: str) -> None:
    """Refuse at add time what the ingest run would refuse anyway."""
    if "://" in url and not url.lower().startswith(("http://", "https://")):
        raise ConfigError(f"{url}: a source is an http(s) URL or a local path, not {url.split('://')[0]}://")


def add_source(doc: tomlkit.TOMLDocument, name: str, url: str, tier: int = 2, kind: str = "auto") -> bool:
    """Append a [[sources]] table; False when a source with that name or URL is already there."""
    check_source_url(url)
    SourceConfig(name=name, url=url, tier=tier, kind=kind)  # validates tier and name
    aot = _sources(doc)
    if any(t.get("name") == name or t.get("url") == url for t in aot):
        return False
    table = tomlkit.table()
    table.add("name", name)
    table.add("url", url)
    table.add("tier", tier)
    if kind != "auto":
        table.add("kind", kind)
    table.add(tomlkit.nl())  # a blank line before whatever table follows, as a person would write it
    aot.append(table)
    return True


def remove_source(doc: tomlkit.TOMLDocument, name: str) -> None:
    aot = _sources(doc)
    for i, table in enumerate(aot):
        if table.get("name") == name:
            del aot[i]
            return
    raise ConfigError(f"no source named {name!r} in the config")


# -- commands ----------------------------------------------------------------------------------
@sources_app.command("list")
@clear_errors
def list_sources(config: Path = ConfigOpt) -> None:
    """Show every source's health: last fetch, status, items and last error."""
    cfg = load_config(config)
    from ..store import Store

    store = Store(cfg.db_path())
    try:
        health = {s["name"]: s for s in store.sources()}
    finally:
        store.close()
    table = Table(title=f"sources in {config}")
    for col in ("name", "tier", "url", "last fetch", "status", "items", "last error"):
        table.add_column(col, overflow="fold")
    for src in cfg.sources:
        h = health.get(src.name, {})
        status = h.get("status") or "never fetched"
        colour = {"ok": "green", "not_modified": "cyan", "error": "red"}.get(status, "yellow")
        table.add_row(src.name, str(src.tier), src.url, (h.get("last_fetch") or "-")[:19],
                      f"[{colour}]{status}[/]", str(h.get("items") or 0), h.get("last_error") or "")
    console.print(table)


@sources_app.command("add")
@clear_errors
def add(name: str = typer.Argument(..., help="A unique name for the source."),
        url: str = typer.Argument(..., help="Feed or page URL, or a local file/folder path."),
        tier: int = typer.Option(2, "--tier", "-t", min=1, max=3, help="1 most trusted … 3 least."),
        kind: str = typer.Option("auto", "--kind", help="auto | rss | atom | jsonfeed | page | file | folder"),
        config: Path = ConfigOpt) -> None:
    """Add a source to zaowan.toml (comments and layout are kept)."""
    doc = read_document(config)
    if not add_source(doc, name, url, tier, kind):
        raise ConfigError(f"a source named {name!r} or with URL {url} is already in {config}")
    write_document(config, doc)
    console.print(f"added [bold]{name}[/] ({url}, tier {tier}) to {config}")


@sources_app.command("remove")
@clear_errors
def remove(name: str = typer.Argument(..., help="The source's name."), config: Path = ConfigOpt) -> None:
    """Remove a source from zaowan.toml (its stored articles stay in the database)."""
    doc = read_document(config)
    remove_source(doc, name)
    write_document(config, doc)
    console.print(f"removed [bold]{name}[/] from {config}")


@sources_app.command("import")
@clear_errors
def import_opml(file: Path = typer.Argument(..., help="An OPML export from a feed reader."),
                tier: int = typer.Option(2, "--tier", "-t", min=1, max=3, help="Tier for every imported source."),
                config: Path = ConfigOpt) -> None:
    """Import every feed of an OPML file as a source; feeds already present are skipped."""
    if not file.exists():
        raise ConfigError(f"{file} not found")
    feeds = parse_opml(file.read_bytes())
    doc = read_document(config)
    added, skipped = 0, []
    for feed in feeds:
        try:
            ok = add_source(doc, feed.name, feed.url, tier)
        except (ConfigError, ValueError) as exc:
            skipped.append(f"{feed.name}: {exc}")
            continue
        added += ok
        if not ok:
            skipped.append(f"{feed.name}: already present")
    write_document(config, doc)
    console.print(f"imported {added} of {len(feeds)} feeds from {file} into {config}")
    for line in skipped:
        console.print(f"  skipped {line}")


@sources_app.command("check")
@clear_errors
def check(name: Optional[str] = typer.Argument(None, help="Only this source (default: all)."),
          config: Path = ConfigOpt) -> None:
    """Fetch sources now and report what each one gave (articles are stored as in a run)."""
    cfg = load_config(config)
    chosen = [s for s in cfg.sources if name is None or s.name == name]
    if not chosen:
        raise ConfigError(f"no source named {name!r} in {config}" if name else f"{config} lists no sources")
    report = _check(cfg.model_copy(update={"sources": chosen}))
    table = Table(title="source check")
    for col in ("name", "status", "reason", "items", "new", "updated", "truncated", "detail"):
        table.add_column(col, overflow="fold")
    for r in report.sources:
        colour = {"ok": "green", "not_modified": "cyan"}.get(r.status, "red")
        table.add_row(r.name, f"[{colour}]{r.status}[/]", r.reason, str(r.items), str(r.new), str(r.updated),
                      str(r.truncated), r.detail[:300])
    console.print(table)
    if report.errors:
        raise typer.Exit(1)


def _check(cfg: Config):
    from ..store import Store
    from .run import ingest

    store = Store(cfg.db_path())
    try:
        return ingest(cfg, store)
    finally:
        store.close()
