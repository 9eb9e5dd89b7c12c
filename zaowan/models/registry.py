"""Provider rows → provider objects. Wire modules are imported only when a row of that kind is used.

Adding an OpenAI-compatible service is a config row; a new wire protocol is one module with
`build(call, row, key)` and `parse(data)`, registered in WIRES.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from types import ModuleType

import httpx

from ..errors import ConfigError, MissingKeyError
from .calllog import Scrubber
from .config import ProviderRow
from .http import HttpProvider

WIRES: dict[str, str] = {
    "openai": "zaowan.models.openai_compat",
    "anthropic": "zaowan.models.anthropic",
    "gemini": "zaowan.models.gemini",
}


def wire_module(kind: str) -> ModuleType:
    try:
        return importlib.import_module(WIRES[kind])
    except KeyError:
        raise ConfigError(f"unknown provider kind {kind!r} (known: {', '.join(sorted(WIRES))})") from None


def missing_key(row: ProviderRow, env: Mapping[str, str]) -> str | None:
    """The env var to set, or None when the row needs no key or has one."""
    if row.key_env and not env.get(row.key_env, "").strip():
        return row.key_env
    return None


def build_provider(name: str, row: ProviderRow, env: Mapping[str, str],
                   client: Callable[[], httpx.AsyncClient], scrub: Scrubber) -> HttpProvider:
    """Bind a row to its key (read from `env` here, at the edge) and its wire module."""
    var = missing_key(row, env)
    if var:
        raise MissingKeyError(name, var)
    key = env.get(row.key_env, "").strip() if row.key_env else ""
    if key:
        scrub.add(key)
    return HttpProvider(name, row, key, wire_module(row.kind), client, scrub)
