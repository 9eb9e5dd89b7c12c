"""OpenAI speech (`POST /v1/audio/speech`): JSON in, audio bytes out. Any OpenAI-compatible
speech endpoint works by setting `voice.engines.openai.base_url`."""
from __future__ import annotations

from ..base import SynthRequest
from .base import Profile, VendorEngine, post

PROFILE = Profile(
    name="openai", base_url="https://api.openai.com/v1", model="gpt-4o-mini-tts", key_env="OPENAI_API_KEY",
    voices={"host": "coral", "cohost": "ash"}, max_chars=1500,  # the API's hard limit is 4096
)
# Only the gpt-4o TTS models take a delivery instruction; older tts-1 models reject the field.
INSTRUCTIONS = "请用标准普通话、新闻播报的语气朗读，语速平稳，吐字清楚。"


class OpenAISpeechEngine(VendorEngine):
    def body(self, req: SynthRequest) -> dict:
        body = {"model": self.profile.model, "input": req.text, "voice": self.voice_for(req.speaker),
                "response_format": "mp3", "speed": req.speed}
        if self.profile.model.startswith("gpt-4o"):
            body["instructions"] = INSTRUCTIONS
        return body

    def _request(self, req: SynthRequest) -> bytes:
        resp = post(self.client, self.name, f"{self.profile.base_url}/audio/speech",
                    headers={"Authorization": f"Bearer {self.key}"}, json=self.body(req))
        return resp.content
