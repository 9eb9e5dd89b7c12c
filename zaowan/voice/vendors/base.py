"""What every vendor TTS engine shares: a profile (data, not branches), the HTTP call with
errors mapped onto the chain's retry/fallback rules, and decoding to the common PCM format.

A vendor module only writes its request and reads its response; `VendorEngine` does the rest.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import httpx

from ...audio.ffmpeg import decode
from ...config import TTSEngineConfig
from ...errors import AudioError, MissingKeyError, ProviderError
from ..base import SAMPLE_RATE, Speech, SynthRequest


@dataclass(frozen=True)
class Profile:
    """A vendor's defaults. Config (`voice.engines.<name>`) overrides any of them."""

    name: str
    base_url: str
    model: str
    key_env: str
    voices: dict[str, str] = field(default_factory=dict)  # speaker role -> vendor voice id
    max_chars: int = 1000  # per request, kept well under the vendor's hard limit
    timeout_s: float = 60.0

    def configured(self, ecfg: TTSEngineConfig) -> "Profile":
        return replace(
            self,
            base_url=(ecfg.base_url or self.base_url).rstrip("/"),
            model=ecfg.model or self.model,
            key_env=ecfg.key_env or self.key_env,
            voices={**self.voices, **ecfg.voices},
            max_chars=ecfg.max_chars or self.max_chars,
            timeout_s=ecfg.timeout_s or self.timeout_s,
        )


def api_key(profile: Profile, env: Mapping[str, str]) -> str:
    key = env.get(profile.key_env, "").strip()
    if not key:
        raise MissingKeyError(profile.name, profile.key_env)
    return key


def post(client: httpx.Client, vendor: str, url: str, **kw) -> httpx.Response:
    """POST and translate failures: 429, 5xx and network errors are retryable; other 4xx are not."""
    try:
        resp = client.post(url, **kw)
    except httpx.TimeoutException as exc:
        raise ProviderError(f"{vendor}: timed out ({exc.__class__.__name__})", retryable=True) from exc
    except httpx.TransportError as exc:
        raise ProviderError(f"{vendor}: connection failed: {exc}", retryable=True) from exc
    if resp.status_code == 429 or resp.status_code >= 500:
        raise ProviderError(f"{vendor}: HTTP {resp.status_code}: {resp.text[:200]}", retryable=True,
                            status=resp.status_code)
    if resp.status_code >= 400:
        raise ProviderError(f"{vendor}: HTTP {resp.status_code}: {resp.text[:200]}", retryable=False,
                            status=resp.status_code)
    return resp


def to_speech(vendor: str, audio: bytes) -> Speech:
    """Decode whatever container the vendor sent (MP3, WAV) to mono float32 at the common rate."""
    if not audio:
        raise ProviderError(f"{vendor}: response carried no audio", retryable=True)
    try:
        return Speech(decode(audio, SAMPLE_RATE), SAMPLE_RATE)
    except AudioError as exc:
        raise ProviderError(f"{vendor}: audio could not be decoded: {exc}", retryable=True) from exc


class VendorEngine:
    """Base for HTTP engines: subclasses implement `_request(req) -> bytes` (the audio bytes)."""

    def __init__(self, profile: Profile, key: str, *, client: httpx.Client | None = None):
        self.profile = profile
        self.name = profile.name
        self.max_chars = profile.max_chars
        self.key = key
        self.client = client or httpx.Client(timeout=httpx.Timeout(profile.timeout_s, connect=10.0))

    def voice_for(self, speaker: str) -> str:
        return self.profile.voices.get(speaker) or self.profile.voices["host"]

    def settings_key(self) -> str:
        return f"{self.profile.base_url}|{self.profile.model}"

    def synthesize(self, req: SynthRequest) -> Speech:
        if len(req.text) > self.max_chars:
            # The renderer splits to the chain's limit; this guards direct callers.
            raise ProviderError(f"{self.name}: text of {len(req.text)} chars exceeds {self.max_chars}",
                                retryable=False)
        return to_speech(self.name, self._request(req))

    def _request(self, req: SynthRequest) -> bytes:
        raise NotImplementedError
