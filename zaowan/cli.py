"""The `zaowan` command line. Any ZaowanError is shown as one clear line (exit 1);
anything else is a bug and keeps its traceback."""
from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .cli_errors import clear_errors
from .errors import ZaowanError

app = typer.Typer(help="zaowan (早晚): an AI newsroom that publishes a Chinese news podcast, morning and evening.",
                  no_args_is_help=True, add_completion=False)
console = Console(stderr=True)
ConfigOpt = typer.Option("zaowan.toml", "--config", "-c", help="Path to zaowan.toml.")


class StageProgress:
    """One rich progress bar per pipeline stage."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.tasks: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int, message: str) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(stage, total=max(total, 1))
        task = self.tasks[stage]
        label = f"{stage:<8}" + (f" {message}" if message not in ("start", "done") else "")
        self.progress.update(task, completed=done, total=max(total, 1), description=label[:70])


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=False)


def _summary(edition, out_dir: Path) -> None:
    import json

    ep = out_dir / "episodes" / edition.id
    doc = json.loads((ep / "episode.json").read_text(encoding="utf-8"))
    table = Table(title=doc["title"], show_header=True)
    table.add_column("what")
    table.add_column("result")
    for variant in ("full", "short"):
        a = doc["audio"].get(variant)
        if a:
            table.add_row(f"{variant}.mp3", f"{a['duration_s'] / 60:.1f} min, {a['lufs']:.1f} LUFS")
    table.add_row("stories", str(len(doc["stories"])))
    reasons: dict[str, int] = {}
    for d in doc["dropped"]:
        reasons[d["reason"]] = reasons.get(d["reason"], 0) + 1
    table.add_row("dropped", ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())) or "none")
    table.add_row("episode", str(ep))
    table.add_row("feed", str(out_dir / "feed.xml"))
    console.print(table)


@app.command()
@clear_errors
def demo(out: Path = typer.Option(Path("demo-out"), "--out", "-o", help="Output directory."),
         edition: Optional[str] = typer.Option(None, "--edition", "-e", help="morning | evening (default: by the clock).")) -> None:
    """Publish the bundled demo newsroom's edition: offline, no keys, real HTTP on loopback."""
    from .demo import demo_config
    from .demo.server import DemoServer
    from .pipeline import run_edition

    with DemoServer() as server:
        cfg = demo_config(server.base_url, out.resolve())
        console.print(f"demo newsroom serving on {server.base_url}; output in {out}")
        with _progress() as progress:
            ed = run_edition(cfg, edition=edition, report=StageProgress(progress))
    _summary(ed, out.resolve())


@app.command()
@clear_errors
def run(config: Path = ConfigOpt,
        edition: Optional[str] = typer.Option(None, "--edition", "-e", help="morning | evening (default: by the clock)."),
        out: Optional[Path] = typer.Option(None, "--out", "-o", help="Output directory (overrides [output] dir)."),
        from_stage: str = typer.Option("ingest", "--from", help="Re-run from this stage: ingest, desk, plan, write, voice, publish."),
        until: str = typer.Option("publish", "--until", help="Stop after this stage.")) -> None:
    """Run one edition from the feeds in zaowan.toml."""
    from .config import load_config
    from .pipeline import run_edition

    cfg = load_config(config)
    if out:
        cfg.output.dir = str(out.resolve())
    if not cfg.sources:
        raise ZaowanError(f"{config} lists no [[sources]]; add one (see `zaowan init`)")
    with _progress() as progress:
        ed = run_edition(cfg, edition=edition, report=StageProgress(progress), from_stage=from_stage, until=until)
    if until == "publish":
        _summary(ed, cfg.out_dir())
    else:
        console.print(f"edition {ed.id}: stages {from_stage}..{until} done")


@app.command()
@clear_errors
def init(path: Path = typer.Argument(Path("zaowan.toml"), help="Where to write the example config."),
         force: bool = typer.Option(False, "--force", help="Overwrite an existing file.")) -> None:
    """Write a commented example zaowan.toml."""
    if path.exists() and not force:
        raise ZaowanError(f"{path} exists; use --force to overwrite")
    text = resources.files("zaowan").joinpath("example.toml").read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    console.print(f"wrote {path}")


@app.command()
@clear_errors
def desk(config: Path = ConfigOpt,
         edition: Optional[str] = typer.Option(None, "--edition", "-e", help="Edition id, e.g. 2026-11-22-morning (default: latest).")) -> None:
    """Show the desk's decision for every article of an edition: kept, or dropped and why."""
    from .config import load_config
    from .store import Store

    cfg = load_config(config)
    store = Store(cfg.db_path())
    eds = store.editions()
    if not eds:
        raise ZaowanError("no edition in the store yet; run `zaowan run` first")
    ed_id = edition or eds[-1].id
    if store.edition(ed_id) is None:
        raise ZaowanError(f"no edition {ed_id!r}; known: {', '.join(e.id for e in eds)}")
    table = Table(title=f"desk decisions — {ed_id}")
    for col in ("verdict", "source", "title", "detail"):
        table.add_column(col, overflow="fold")
    for d in store.decisions(ed_id):
        verdict = "[green]kept[/]" if d.kept else f"[yellow]{d.reason.value if d.reason else 'dropped'}[/]"
        table.add_row(verdict, d.source, d.title, d.detail)
    Console().print(table)


@app.command()
def version() -> None:
    """Print the version."""
    from . import __version__

    typer.echo(__version__)


# The model router's commands live with the router (zaowan/models/cli.py).
from .models.cli import doctor_cmd, logs_cmd, models_cmd  # noqa: E402

app.command("models")(models_cmd)
app.command("doctor")(doctor_cmd)
app.command("logs")(logs_cmd)

# Source management lives with ingest (zaowan/ingest/cli.py).
from .ingest.cli import sources_app  # noqa: E402

app.add_typer(sources_app, name="sources")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
