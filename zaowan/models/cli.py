"""`zaowan models`, `zaowan doctor` and `zaowan logs`: plain functions that zaowan/cli.py registers.

    app.command("models")(models_cmd)
    app.command("doctor")(doctor_cmd)
    app.command("logs")(logs_cmd)
"""
from __future__ import annotations

import asyncio
import os
from pathlib import Path

import typer

from ..cli_errors import fail
from ..errors import ZaowanError
from .config import OFFLINE

CONFIG_HELP = "Path to zaowan.toml (defaults are used when the default file does not exist)."
DEFAULT_CONFIG = "zaowan.toml"


def _load(config: str):
    from ..config import Config, load_config

    if config == DEFAULT_CONFIG and not Path(config).exists():
        typer.echo(f"({config} not found: showing the built-in defaults)", err=True)
        return Config()
    return load_config(config)


def _fail(exc: ZaowanError) -> None:
    fail(exc)


def models_cmd(config: str = typer.Option(DEFAULT_CONFIG, "--config", "-c", help=CONFIG_HELP)) -> None:
    """List roles, their model chains and whether each provider's key is set."""
    from .doctor import key_status

    try:
        cfg = _load(config).models
    except ZaowanError as exc:
        return _fail(exc)
    env = os.environ
    typer.echo("Roles (tried left to right):")
    for role, chain in sorted(cfg.roles.items()):
        shown = []
        for entry in chain:
            if entry == OFFLINE:
                shown.append("offline")
                continue
            status = key_status(cfg, cfg.resolve(entry)[0], env)
            mark = {"set": "key set", "not needed": "no key needed"}.get(status, status.replace(":", " "))
            shown.append(f"{entry} [{mark}]")
        typer.echo(f"  {role:16} " + " → ".join(shown))
    typer.echo("\nProviders:")
    for name, row in sorted(cfg.providers.items()):
        models = ", ".join(f"{m} ({r.price_in:g}/{r.price_out:g} {r.currency}/M, {r.context // 1000}k)"
                           for m, r in row.models.items())
        typer.echo(f"  {name:11} {row.kind:9} {row.region:8} {key_status(cfg, name, env):22} {row.base_url}")
        typer.echo(f"  {'':11} {models}")


def doctor_cmd(config: str = typer.Option(DEFAULT_CONFIG, "--config", "-c", help=CONFIG_HELP),
               timeout: float = typer.Option(5.0, help="Seconds to wait for each provider.")) -> None:
    """Check every provider used by a chain: key present (names the env var if not) and reachable."""
    from .doctor import check_all, role_verdicts

    try:
        cfg = _load(config).models
    except ZaowanError as exc:
        return _fail(exc)
    checks = asyncio.run(check_all(cfg, os.environ, timeout))
    broken = False
    for c in checks:
        if c.key.startswith("missing:"):
            line = f"key missing: set {c.key.split(':', 1)[1]}"
        else:
            line = f"key {c.key}, {c.reach}"
            broken |= not c.usable
        typer.echo(f"  {c.provider:11} {line}")
    typer.echo("")
    for role, verdict in sorted(role_verdicts(cfg, checks).items()):
        typer.echo(f"  {role:16} {verdict}")
    if broken:
        typer.echo("\nsome providers with keys could not be used (see above)", err=True)
        raise typer.Exit(1)


def logs_cmd(config: str = typer.Option(DEFAULT_CONFIG, "--config", "-c", help=CONFIG_HELP),
             edition: str = typer.Option(None, "--edition", "-e", help="Only this edition's calls."),
             limit: int = typer.Option(200, help="Show at most this many most recent attempts.")) -> None:
    """Show the model call log: every attempt with its status, fallback reason, tokens, cost and latency."""
    from ..store.db import Store

    try:
        cfg = _load(config)
    except ZaowanError as exc:
        return _fail(exc)
    path = cfg.db_path()
    if not path.exists():
        typer.echo(f"no call log yet ({path} does not exist)")
        return
    store = Store(path)
    try:
        rows = store.calls(edition)[-limit:] if limit > 0 else []
    finally:
        store.close()
    if not rows:
        typer.echo("no calls logged" + (f" for edition {edition}" if edition else ""))
        return
    for r in rows:
        why = f" ({r['fallback_reason']})" if r["fallback_reason"] else ""
        typer.echo(f"{r['at'][:19]} {r['edition_id'] or '-':20} {r['role']:15} {r['provider']}/{r['model']} "
                   f"#{r['attempt']} {r['status']}{why} tok {r['tokens_in']}/{r['tokens_out']} "
                   f"${r['cost_usd']:.5f} ¥{r['cost_cny']:.4f} {r['latency_ms']:.0f}ms")
    ok = [r for r in rows if r["status"] in ("ok", "cached")]
    typer.echo(f"\n{len(rows)} attempts, {len(ok)} answers, {sum(r['tokens_in'] + r['tokens_out'] for r in rows)} "
               f"tokens, ${sum(r['cost_usd'] for r in rows):.4f} / ¥{sum(r['cost_cny'] for r in rows):.3f}")
