"""Fallback chains: retries on retryable errors, fallback on hard errors and on bad audio."""
import pytest

from zaowan.audio.qa import check_segment, is_hard
from zaowan.errors import MissingKeyError, ProviderError, VoiceError
from zaowan.voice.base import SynthRequest
from zaowan.voice.chain import Chain

REQ = SynthRequest("今天的新闻很多，我们一条一条来。")


def check(speech, req):
    return check_segment(speech.pcm, speech.sample_rate, req.text, req.speed)


def test_first_engine_wins_when_healthy(scripted):
    a, b = scripted("a"), scripted("b")
    out = Chain([a, b], sleep=lambda s: None).voice(REQ, check, is_hard)
    assert out.engine == "a" and out.voice == "a-host" and not b.calls


def test_retryable_error_is_retried_then_succeeds(scripted, rate_limited):
    sleeps = []
    a = scripted("a", [rate_limited(), rate_limited(), "ok"])
    out = Chain([a], retries=2, backoff_s=0.5, sleep=sleeps.append).voice(REQ)
    assert out.engine == "a" and len(a.calls) == 3
    assert sleeps == [0.5, 1.0]
    assert out.attempts[0].retries == 2


def test_dead_vendor_falls_back_after_retries(scripted):
    dead = scripted("minimax", [ProviderError("503", retryable=True, status=503)] * 3)
    local = scripted("kokoro")
    out = Chain([dead, local], retries=2, sleep=lambda s: None).voice(REQ, check, is_hard)
    assert out.engine == "kokoro"
    assert len(dead.calls) == 3
    assert [a.engine for a in out.attempts] == ["minimax", "kokoro"]
    assert "503" in out.attempts[0].error


def test_non_retryable_error_falls_back_at_once(scripted):
    bad = scripted("openai", [ProviderError("401 bad key", retryable=False, status=401)])
    out = Chain([bad, scripted("kokoro")], sleep=lambda s: None).voice(REQ)
    assert out.engine == "kokoro" and len(bad.calls) == 1


@pytest.mark.parametrize("outcome", ["silent", "short"])
def test_audio_failing_qa_falls_back(scripted, outcome):
    a = scripted("a", [outcome])
    out = Chain([a, scripted("b")], sleep=lambda s: None).voice(REQ, check, is_hard)
    assert out.engine == "b"
    assert out.attempts[0].error.startswith("qa: ")


def test_every_engine_failing_raises_voice_error_naming_each(scripted):
    a = scripted("a", [ProviderError("boom", retryable=False)])
    b = scripted("b", ["silent"])
    with pytest.raises(VoiceError, match=r"a: boom.*b: qa: empty"):
        Chain([a, b], sleep=lambda s: None).voice(REQ, check, is_hard)


def test_empty_chain_names_the_skipped_engines():
    from zaowan.voice.base import Attempt
    with pytest.raises(VoiceError, match="MINIMAX_API_KEY"):
        Chain([], skipped=[Attempt("minimax", False, str(MissingKeyError("minimax", "MINIMAX_API_KEY")))])


def test_max_chars_is_the_tightest_engine(scripted):
    assert Chain([scripted("a", max_chars=300), scripted("b", max_chars=120)]).max_chars == 120
