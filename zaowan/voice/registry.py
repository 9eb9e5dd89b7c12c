"""Build the engine chain from config.

Engines are data in config (`voice.chain`, `voice.engines.<name>`); this module maps each
name to a factory and reads API keys from the environment only here, at the edge. An engine
that cannot be built (no key) is skipped and recorded, never fatal while another remains.
Keys (and the two non-key settings) each vendor reads, overridable by `voice.engines.<name>.key_env`:
  minimax     MINIMAX_API_KEY (+ MINIMAX_GROUP_ID, optional)
  elevenlabs  ELEVENLABS_API_KEY
  openai      OPENAI_API_KEY
  azure       AZURE_SPEECH_KEY (+ AZURE_SPEECH_REGION, or voice.engines.azure.base_url)

The local Kokoro voice is always in the chain (appended last unless named); espeak-ng, the
robotic last resort, only when named.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

from ..config import Config, TTSEngineConfig
from ..errors import ConfigError, ZaowanError
from .base import Attempt, Engine
from .chain import Chain
from .kokoro import KokoroEngine

Factory = Callable[[Config, TTSEngineConfig, Mapping[str, str]], Engine]


def _kokoro(cfg: Config, _ecfg: TTSEngineConfig, _env: Mapping[str, str]) -> Engine:
    cache = Path(cfg.voice.model_dir).expanduser() if cfg.voice.model_dir else None
    return KokoroEngine({"host": cfg.voice.host_voice, "cohost": cfg.voice.cohost_voice}, cache_dir=cache)


def _espeak(cfg: Config, ecfg: TTSEngineConfig, _env: Mapping[str, str]) -> Engine:
    from .espeak import EspeakEngine

    return EspeakEngine(ecfg.voices.get("host", "cmn"))


LOCAL = ("kokoro", "espeak")
FACTORIES: dict[str, Factory] = {"kokoro": _kokoro, "espeak": _espeak}


def register(name: str, factory: Factory) -> None:
    """Add an engine factory (vendor modules register themselves on import)."""
    FACTORIES[name] = factory


def _load_vendors() -> None:
    # Imported here, not at module top: a vendor module costs nothing unless a chain names it.
    from . import vendors  # noqa: F401


def chain_names(cfg: Config) -> list[str]:
    names = list(cfg.voice.chain) or [cfg.voice.engine]
    if "kokoro" not in names:
        names.append("kokoro")
    return names


def build_chain(cfg: Config, env: Mapping[str, str] | None = None, **chain_kw) -> Chain:
    """The chain `cfg` asks for; engines without keys are skipped (and listed in `chain.skipped`)."""
    env = os.environ if env is None else env
    names = chain_names(cfg)
    if any(n not in LOCAL for n in names):
        _load_vendors()
    engines: list[Engine] = []
    skipped: list[Attempt] = []
    for name in names:
        factory = FACTORIES.get(name)
        if factory is None:
            raise ConfigError(f"voice.chain names unknown TTS engine {name!r}; known: {', '.join(sorted(FACTORIES))}")
        try:
            ecfg = cfg.voice.engines.get(name, TTSEngineConfig())
            engine = factory(cfg, ecfg, env)
            if name in cfg.voice.engines:
                engine.retries = ecfg.retries  # per-engine retry budget, when config sets one
            engines.append(engine)
        except ZaowanError as exc:  # no key, no region, bad voice: skip it, record why
            skipped.append(Attempt(name, False, str(exc)))
    return Chain(engines, skipped=skipped, **chain_kw)
