"""Key and reachability checks behind `zaowan models` and `zaowan doctor`.

Keys are read from the environment here, at the edge, and only their presence is reported.
"""
from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from .calllog import Scrubber
from .config import OFFLINE, ModelsConfig
from .registry import missing_key, wire_module


@dataclass
class ProviderCheck:
    provider: str
    key: str  # "set" | "missing:<ENV>" | "not needed"
    reach: str = "not checked"  # ok | unreachable: ... | rejected: HTTP 401 | HTTP <n>
    usable: bool = False


def key_status(cfg: ModelsConfig, provider: str, env: Mapping[str, str]) -> str:
    row = cfg.providers[provider]
    var = missing_key(row, env)
    if var:
        return f"missing:{var}"
    return "set" if row.key_env else "not needed"


def used_providers(cfg: ModelsConfig) -> list[str]:
    seen: dict[str, None] = {}
    for chain in cfg.roles.values():
        for entry in chain:
            if entry != OFFLINE:
                seen[cfg.resolve(entry)[0]] = None
    return list(seen)


async def probe(cfg: ModelsConfig, provider: str, env: Mapping[str, str], timeout_s: float) -> ProviderCheck:
    """Ask the provider for its model list; no key → not contacted."""
    status = key_status(cfg, provider, env)
    check = ProviderCheck(provider, status)
    if status.startswith("missing:"):
        return check
    row = cfg.providers[provider]
    key = env.get(row.key_env, "").strip() if row.key_env else ""
    url, headers = wire_module(row.kind).probe(row, key)
    scrub = Scrubber([key])
    try:
        async with httpx.AsyncClient(timeout=timeout_s, trust_env=False) as client:
            resp = await client.get(url, headers=headers)
    except httpx.HTTPError as exc:
        check.reach = scrub(f"unreachable: {type(exc).__name__}")
        return check
    if resp.status_code in (401, 403):
        check.reach = f"rejected: HTTP {resp.status_code} (check {row.key_env or 'the server'})"
    elif resp.status_code >= 400:
        check.reach = f"HTTP {resp.status_code}"
    else:
        check.reach, check.usable = "ok", True
    return check


async def check_all(cfg: ModelsConfig, env: Mapping[str, str], timeout_s: float = 5.0) -> list[ProviderCheck]:
    return list(await asyncio.gather(*(probe(cfg, p, env, timeout_s) for p in used_providers(cfg))))


def role_verdicts(cfg: ModelsConfig, checks: list[ProviderCheck]) -> dict[str, str]:
    """Per role: the first entry that would answer, or that only the offline editor is left."""
    usable = {c.provider for c in checks if c.usable}
    out = {}
    for role, chain in cfg.roles.items():
        live = [e for e in chain if e != OFFLINE and cfg.resolve(e)[0] in usable]
        out[role] = f"leads with {live[0]}" if live else ("offline editor only" if OFFLINE in chain
                                                          else "NO working model")
    return out
