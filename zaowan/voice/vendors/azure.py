"""Azure AI Speech (`POST {region}.tts.speech.microsoft.com/cognitiveservices/v1`): SSML in,
audio bytes out. The text is XML-escaped into the SSML; speed becomes a prosody rate."""
from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from ..base import SynthRequest
from .base import Profile, VendorEngine, post

PROFILE = Profile(
    name="azure", base_url="", model="audio-24khz-96kbitrate-mono-mp3", key_env="AZURE_SPEECH_KEY",
    voices={"host": "zh-CN-XiaoxiaoNeural", "cohost": "zh-CN-YunyangNeural"}, max_chars=2000,
)
REGION_ENV = "AZURE_SPEECH_REGION"


def endpoint_for(region: str) -> str:
    return f"https://{region}.tts.speech.microsoft.com"


def ssml(text: str, voice: str, speed: float, lang: str = "zh-CN") -> str:
    rate = f"{round((speed - 1.0) * 100):+d}%"
    return (f"<speak version='1.0' xmlns='http://www.w3.org/2001/10/synthesis' xml:lang={quoteattr(lang)}>"
            f"<voice name={quoteattr(voice)}><prosody rate={quoteattr(rate)}>{escape(text)}</prosody></voice></speak>")


class AzureSpeechEngine(VendorEngine):
    def _request(self, req: SynthRequest) -> bytes:
        # For Azure the profile's `model` is the output format: audio format is the only "model" choice.
        resp = post(self.client, self.name, f"{self.profile.base_url}/cognitiveservices/v1",
                    headers={"Ocp-Apim-Subscription-Key": self.key, "Content-Type": "application/ssml+xml",
                             "X-Microsoft-OutputFormat": self.profile.model, "User-Agent": "zaowan"},
                    content=ssml(req.text, self.voice_for(req.speaker), req.speed).encode("utf-8"))
        return resp.content
