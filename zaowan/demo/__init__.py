"""The bundled demo newsroom: fictional AI news of "today", served over loopback HTTP.

    from zaowan.demo import DemoServer, demo_config, load_manifest

    with DemoServer() as srv:
        cfg = demo_config(srv.base_url, "out/demo")
        ...  # run the real pipeline on cfg

`load_manifest()` lists every source and item with the verdict the desk is expected to reach
(kept, duplicate, stale, recycled, ...), so tests and the desk can check themselves. See
README.md in this folder for the template language and the planted traps.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

from ..config import Config, NetworkConfig, OutputConfig, SourceConfig
from ..errors import ConfigError
from .server import SITE_ROOT, DemoServer

MANIFEST_PATH = Path(__file__).parent / "newsroom" / "manifest.toml"

__all__ = ["DemoServer", "demo_config", "load_manifest", "MANIFEST_PATH", "SITE_ROOT"]


def load_manifest(path: str | Path = MANIFEST_PATH) -> dict:
    """The manifest as a dict: {"sources": [...], "items": [...]} (see manifest.toml)."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"demo manifest {p} unreadable: {exc}") from exc
    if not data.get("sources") or not data.get("items"):
        raise ConfigError(f"demo manifest {p} lists no sources or no items")
    return data


def demo_config(base_url: str, out_dir: str | Path) -> Config:
    """A Config with the show defaults and the demo sources served at `base_url`.

    Only 127.0.0.1 is allowed, so the SSRF guard stays on and the demo proves it lets
    exactly the loopback server through.
    """
    base = base_url.rstrip("/")
    sources = [SourceConfig(name=s["name"], url=f"{base}/{s['feed']}", tier=s["tier"],
                            kind=s["kind"], owner=s["owner"])
               for s in load_manifest()["sources"]]
    return Config(sources=sources, network=NetworkConfig(allow_hosts=["127.0.0.1"]),
                  output=OutputConfig(dir=str(out_dir)))
