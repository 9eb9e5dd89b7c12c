"""Each vendor engine against a loopback server speaking that vendor's wire format."""
import xml.etree.ElementTree as ET

import pytest

from zaowan.config import Config, TTSEngineConfig
from zaowan.errors import MissingKeyError, ProviderError
from zaowan.voice.base import SynthRequest
from zaowan.voice.chain import Chain
from zaowan.voice.registry import build_chain
from zaowan.voice.vendors import azure, elevenlabs, minimax, openai_speech

from .loopback import Loopback, Reply, mp3_bytes

REQ = SynthRequest("今天的新闻很多，我们一条一条来。", "host", 1.0)


@pytest.fixture(scope="module")
def mp3():
    return mp3_bytes(2.0)


@pytest.fixture
def server():
    with Loopback() as lb:
        yield lb


def engine(module, cls, server, **kw):
    p = module.PROFILE.configured(TTSEngineConfig(base_url=server.url, timeout_s=kw.pop("timeout_s", 5.0)))
    return cls(p, "sk-test", **kw)


def test_minimax_wire_format(server, mp3):
    server.replies.append(Reply(200, {"data": {"audio": mp3.hex(), "status": 2},
                                      "extra_info": {"audio_format": "mp3"},
                                      "base_resp": {"status_code": 0, "status_msg": "success"}}))
    eng = engine(minimax, minimax.MiniMaxEngine, server, group_id="g1")
    speech = eng.synthesize(REQ)
    assert speech.duration_s == pytest.approx(2.0, abs=0.1)
    req = server.requests[0]
    assert req["path"] == "/v1/t2a_v2?GroupId=g1"
    assert req["headers"]["Authorization"] == "Bearer sk-test"
    body = server.json()
    assert body["text"] == REQ.text and body["stream"] is False and body["model"] == "speech-02-hd"
    assert body["voice_setting"]["voice_id"] == "presenter_female"
    assert body["audio_setting"]["format"] == "mp3"


@pytest.mark.parametrize("code,retryable", [(1002, True), (1039, True), (1004, False), (1008, False)])
def test_minimax_errors_inside_200(server, code, retryable):
    server.replies.append(Reply(200, {"base_resp": {"status_code": code, "status_msg": "nope"}}))
    with pytest.raises(ProviderError) as exc:
        engine(minimax, minimax.MiniMaxEngine, server).synthesize(REQ)
    assert exc.value.retryable is retryable and str(code) in str(exc.value)


def test_minimax_bad_hex_and_empty_audio(server):
    server.replies += [Reply(200, {"data": {"audio": "zz"}, "base_resp": {"status_code": 0}}),
                       Reply(200, {"data": {"audio": ""}, "base_resp": {"status_code": 0}})]
    eng = engine(minimax, minimax.MiniMaxEngine, server)
    with pytest.raises(ProviderError, match="not hex"):
        eng.synthesize(REQ)
    with pytest.raises(ProviderError, match="no audio"):
        eng.synthesize(REQ)


def test_elevenlabs_wire_format(server, mp3):
    server.replies.append(Reply(200, mp3))
    eng = engine(elevenlabs, elevenlabs.ElevenLabsEngine, server)
    assert eng.synthesize(SynthRequest(REQ.text, "cohost")).duration_s == pytest.approx(2.0, abs=0.1)
    req = server.requests[0]
    assert req["path"] == "/v1/text-to-speech/pNInz6obpgDQGcFmaJgB?output_format=mp3_44100_128"
    assert req["headers"]["xi-api-key"] == "sk-test"
    assert server.json()["model_id"] == "eleven_multilingual_v2" and server.json()["text"] == REQ.text


def test_openai_wire_format(server, mp3):
    server.replies.append(Reply(200, mp3))
    eng = engine(openai_speech, openai_speech.OpenAISpeechEngine, server)
    eng.synthesize(REQ)
    assert server.requests[0]["path"] == "/audio/speech"
    assert server.requests[0]["headers"]["Authorization"] == "Bearer sk-test"
    body = server.json()
    assert (body["model"], body["voice"], body["response_format"], body["input"]) == \
        ("gpt-4o-mini-tts", "coral", "mp3", REQ.text)
    assert "instructions" in body


def test_openai_tts1_gets_no_instructions(server, mp3):
    server.replies.append(Reply(200, mp3))
    p = openai_speech.PROFILE.configured(TTSEngineConfig(base_url=server.url, model="tts-1"))
    openai_speech.OpenAISpeechEngine(p, "k").synthesize(REQ)
    assert "instructions" not in server.json()


def test_azure_ssml_wire_format(server, mp3):
    server.replies.append(Reply(200, mp3))
    eng = engine(azure, azure.AzureSpeechEngine, server)
    eng.synthesize(SynthRequest("R&D <新> 模型", "cohost", 1.1))
    req = server.requests[0]
    assert req["path"] == "/cognitiveservices/v1"
    assert req["headers"]["Ocp-Apim-Subscription-Key"] == "sk-test"
    assert req["headers"]["Content-Type"] == "application/ssml+xml"
    assert req["headers"]["X-Microsoft-OutputFormat"] == "audio-24khz-96kbitrate-mono-mp3"
    ns = {"s": "http://www.w3.org/2001/10/synthesis"}
    root = ET.fromstring(req["body"].decode())
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"
    assert root.find("s:voice", ns).get("name") == "zh-CN-YunyangNeural"
    prosody = root.find("s:voice/s:prosody", ns)
    assert prosody.get("rate") == "+10%" and prosody.text == "R&D <新> 模型"  # escaped on the wire, intact in XML


@pytest.mark.parametrize("status,retryable", [(429, True), (500, True), (503, True), (400, False), (401, False)])
def test_http_status_mapping(server, status, retryable):
    server.replies.append(Reply(status, b"error body"))
    with pytest.raises(ProviderError) as exc:
        engine(openai_speech, openai_speech.OpenAISpeechEngine, server).synthesize(REQ)
    assert exc.value.retryable is retryable and exc.value.status == status


def test_timeout_is_retryable(server, mp3):
    server.replies.append(Reply(200, mp3, delay_s=1.0))
    with pytest.raises(ProviderError, match="timed out") as exc:
        engine(elevenlabs, elevenlabs.ElevenLabsEngine, server, timeout_s=0.2).synthesize(REQ)
    assert exc.value.retryable


def test_undecodable_audio_is_an_error(server):
    server.replies.append(Reply(200, b"this is not an mp3 file" * 10))
    with pytest.raises(ProviderError, match="decoded"):
        engine(openai_speech, openai_speech.OpenAISpeechEngine, server).synthesize(REQ)


def test_over_long_text_is_refused_before_sending(server):
    eng = engine(openai_speech, openai_speech.OpenAISpeechEngine, server)
    with pytest.raises(ProviderError, match="exceeds"):
        eng.synthesize(SynthRequest("字" * 2000))
    assert server.requests == []


def test_rate_limited_vendor_recovers_on_retry(server, mp3):
    server.replies += [Reply(429, b"slow down"), Reply(200, {"data": {"audio": mp3.hex()}, "base_resp": {"status_code": 0}})]
    out = Chain([engine(minimax, minimax.MiniMaxEngine, server)], sleep=lambda s: None).voice(REQ)
    assert out.engine == "minimax" and out.attempts[0].retries == 1 and len(server.requests) == 2


def test_dead_chinese_vendor_falls_back_to_overseas_vendor(mp3):
    with Loopback() as dead, Loopback() as alive:
        dead.replies += [Reply(503, b"down")] * 3
        alive.replies.append(Reply(200, mp3))
        chain = Chain([engine(minimax, minimax.MiniMaxEngine, dead), engine(openai_speech, openai_speech.OpenAISpeechEngine, alive)],
                      retries=2, sleep=lambda s: None)
        out = chain.voice(REQ)
        assert out.engine == "openai" and len(dead.requests) == 3
        assert out.attempts[0].engine == "minimax" and "503" in out.attempts[0].error


def test_refused_connection_falls_back():
    with Loopback() as lb:
        url = lb.url  # the server closes on exit: nothing listens there afterwards
    p = openai_speech.PROFILE.configured(TTSEngineConfig(base_url=url, timeout_s=2))
    with pytest.raises(ProviderError, match="connection failed") as exc:
        openai_speech.OpenAISpeechEngine(p, "k").synthesize(REQ)
    assert exc.value.retryable


def test_registry_builds_chain_skipping_engines_without_keys(server):
    cfg = Config()
    cfg.voice.chain = ["minimax", "openai", "azure"]
    cfg.voice.engines = {"openai": TTSEngineConfig(base_url=server.url, voices={"host": "nova"}, retries=1)}
    chain = build_chain(cfg, env={"OPENAI_API_KEY": "k"})
    assert [e.name for e in chain.engines] == ["openai", "kokoro"]  # the local voice always comes last
    assert chain.engines[0].voice_for("host") == "nova" and chain.engines[0].voice_for("cohost") == "ash"
    assert chain.engines[0].retries == 1
    skipped = {a.engine: a.error for a in chain.skipped}
    assert "MINIMAX_API_KEY" in skipped["minimax"] and "AZURE_SPEECH_KEY" in skipped["azure"]
    assert chain.max_chars == 200


def test_registry_azure_region_and_unknown_engine():
    cfg = Config()
    cfg.voice.chain = ["azure"]
    chain = build_chain(cfg, env={"AZURE_SPEECH_KEY": "k", "AZURE_SPEECH_REGION": "eastasia"})
    assert chain.engines[0].profile.base_url == "https://eastasia.tts.speech.microsoft.com"
    cfg.voice.chain = ["nope"]
    from zaowan.errors import ConfigError
    with pytest.raises(ConfigError, match="nope"):
        build_chain(cfg, env={})


def test_missing_key_error_names_the_env_var():
    from zaowan.voice.vendors.base import api_key
    with pytest.raises(MissingKeyError, match="ELEVENLABS_API_KEY"):
        api_key(elevenlabs.PROFILE, {})
