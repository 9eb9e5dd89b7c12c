"""The `zaowan` command line."""
from __future__ import annotations

import typer

app = typer.Typer(help="zaowan (早晚): an AI newsroom that publishes a Chinese news podcast, morning and evening.",
                  no_args_is_help=True, add_completion=False)


@app.command()
def version() -> None:
    """Print the version."""
    from . import __version__

    typer.echo(__version__)
