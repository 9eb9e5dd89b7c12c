"""ElevenLabs text-to-speech (`POST /v1/text-to-speech/{voice_id}`): JSON in, MP3 bytes out."""
from __future__ import annotations

from ..base import SynthRequest
from .base import Profile, VendorEngine, post

PROFILE = Profile(
    name="elevenlabs", base_url="https://api.elevenlabs.io", model="eleven_multilingual_v2",
    key_env="ELEVENLABS_API_KEY",
    # Premade voices; a cast of your own goes in voice.engines.elevenlabs.voices.
    voices={"host": "21m00Tcm4TlvDq8ikWAM", "cohost": "pNInz6obpgDQGcFmaJgB"}, max_chars=2500,
)


class ElevenLabsEngine(VendorEngine):
    def body(self, req: SynthRequest) -> dict:
        return {"text": req.text, "model_id": self.profile.model,
                "voice_settings": {"stability": 0.5, "similarity_boost": 0.75, "speed": req.speed}}

    def _request(self, req: SynthRequest) -> bytes:
        url = f"{self.profile.base_url}/v1/text-to-speech/{self.voice_for(req.speaker)}"
        resp = post(self.client, self.name, url, params={"output_format": "mp3_44100_128"},
                    headers={"xi-api-key": self.key, "accept": "audio/mpeg"}, json=self.body(req))
        return resp.content
