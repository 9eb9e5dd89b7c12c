"""Vendor TTS engines. Importing this package registers their factories with the registry;
keys are read from the environment mapping the registry passes in, nowhere else."""
from __future__ import annotations

from collections.abc import Mapping

from ...config import Config, TTSEngineConfig
from ...errors import ConfigError
from ..registry import register
from . import azure, elevenlabs, minimax, openai_speech
from .base import Profile, api_key


def _configured(profile: Profile, ecfg: TTSEngineConfig, env: Mapping[str, str]) -> tuple[Profile, str]:
    p = profile.configured(ecfg)
    return p, api_key(p, env)


def _minimax(cfg: Config, ecfg: TTSEngineConfig, env: Mapping[str, str]):
    p, key = _configured(minimax.PROFILE, ecfg, env)
    return minimax.MiniMaxEngine(p, key, group_id=env.get("MINIMAX_GROUP_ID", ""))


def _elevenlabs(cfg: Config, ecfg: TTSEngineConfig, env: Mapping[str, str]):
    return elevenlabs.ElevenLabsEngine(*_configured(elevenlabs.PROFILE, ecfg, env))


def _openai(cfg: Config, ecfg: TTSEngineConfig, env: Mapping[str, str]):
    return openai_speech.OpenAISpeechEngine(*_configured(openai_speech.PROFILE, ecfg, env))


def _azure(cfg: Config, ecfg: TTSEngineConfig, env: Mapping[str, str]):
    p, key = _configured(azure.PROFILE, ecfg, env)
    if not p.base_url:
        region = env.get(azure.REGION_ENV, "").strip()
        if not region:
            raise ConfigError(f"azure TTS needs a region: set {azure.REGION_ENV} or voice.engines.azure.base_url")
        p = Profile(**{**p.__dict__, "base_url": azure.endpoint_for(region)})
    return azure.AzureSpeechEngine(p, key)


for _name, _factory in {"minimax": _minimax, "elevenlabs": _elevenlabs, "openai": _openai, "azure": _azure}.items():
    register(_name, _factory)
