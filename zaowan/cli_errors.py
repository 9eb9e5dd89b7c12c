"""How every `zaowan` command reports a ZaowanError: one line on stderr, exit code 1.
Anything else is a bug and keeps its traceback."""
from __future__ import annotations

import functools

import typer
from rich.console import Console
from rich.markup import escape

_stderr = Console(stderr=True)


def fail(exc: Exception) -> None:
    _stderr.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
    raise typer.Exit(1) from None


def clear_errors(fn):
    """Decorator for a command: a ZaowanError becomes one clear line instead of a traceback."""
    from .errors import ZaowanError

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ZaowanError as exc:
            fail(exc)
    return wrapper
