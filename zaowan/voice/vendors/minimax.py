"""MiniMax T2A v2 (`POST /v1/t2a_v2`): JSON in, JSON out with the audio as a hex string.

MiniMax reports most failures inside a 200 response (`base_resp.status_code` ≠ 0), so those
codes are mapped here: rate limits and server-side faults are retryable, auth/balance/params
are not.
"""
from __future__ import annotations

from ...errors import ProviderError
from ..base import SynthRequest
from .base import Profile, VendorEngine, post

PROFILE = Profile(
    name="minimax", base_url="https://api.minimaxi.com", model="speech-02-hd", key_env="MINIMAX_API_KEY",
    voices={"host": "presenter_female", "cohost": "presenter_male"}, max_chars=3000,
)
# base_resp codes worth trying again: unknown error, timeout, rate limit, internal error, TPM limit.
RETRYABLE = {1000, 1001, 1002, 1024, 1039}


class MiniMaxEngine(VendorEngine):
    def __init__(self, *a, group_id: str = "", **kw):
        super().__init__(*a, **kw)
        self.group_id = group_id

    def body(self, req: SynthRequest) -> dict:
        return {
            "model": self.profile.model,
            "text": req.text,
            "stream": False,
            "language_boost": "Chinese",
            "voice_setting": {"voice_id": self.voice_for(req.speaker), "speed": req.speed, "vol": 1.0, "pitch": 0},
            "audio_setting": {"sample_rate": 32000, "bitrate": 128000, "format": "mp3", "channel": 1},
        }

    def _request(self, req: SynthRequest) -> bytes:
        params = {"GroupId": self.group_id} if self.group_id else None
        resp = post(self.client, self.name, f"{self.profile.base_url}/v1/t2a_v2", params=params,
                    headers={"Authorization": f"Bearer {self.key}"}, json=self.body(req))
        try:
            data = resp.json()
        except ValueError as exc:
            raise ProviderError("minimax: response is not JSON", retryable=True) from exc
        base = data.get("base_resp") or {}
        code = base.get("status_code", 0)
        if code != 0:
            raise ProviderError(f"minimax: status {code}: {base.get('status_msg', '')}",
                                retryable=code in RETRYABLE, status=code)
        hex_audio = (data.get("data") or {}).get("audio") or ""
        try:
            return bytes.fromhex(hex_audio)
        except ValueError as exc:
            raise ProviderError("minimax: audio field is not hex", retryable=True) from exc
