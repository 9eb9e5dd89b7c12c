"""Mastering to MP3 hits the loudness target; tags and chapters read back with mutagen."""
import numpy as np
import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from zaowan.audio import ffmpeg
from zaowan.audio.master import MasterSettings, master_to_mp3, mix
from zaowan.audio.plan import Clip, Gaps, plan_timeline
from zaowan.audio.tags import generated_cover, png_bytes, write_tags
from zaowan.errors import AudioError

SR = 24000


def speechlike(seconds, amp):
    t = np.arange(int(seconds * SR)) / SR
    env = np.sin(np.pi * t * 4) ** 2
    return (amp * env * (np.sin(2 * np.pi * 180 * t) + 0.5 * np.sin(2 * np.pi * 900 * t))).astype(np.float32)


@pytest.mark.parametrize("amp,channels,target", [(0.05, 2, -16.0), (0.6, 1, -19.0)])
def test_master_reaches_target_loudness_and_peak(tmp_path, amp, channels, target):
    dest = tmp_path / "x.mp3"
    m = master_to_mp3(speechlike(8.0, amp), SR, dest, MasterSettings(target_lufs=target, channels=channels))
    assert abs(m["lufs"] - target) <= 1.0
    assert m["true_peak_dbtp"] <= -1.0
    info = MP3(str(dest)).info
    assert info.channels == channels and info.sample_rate == 44100
    assert ffmpeg.probe_duration(dest) == pytest.approx(8.0, abs=0.1)


def test_mix_places_clips_at_planned_starts():
    plan = plan_timeline([Clip(1.0, "a", 0, "hook"), Clip(1.0, "b", 1, "story", "s1")], Gaps(section=0.5))
    clip = np.full(SR, 0.25, np.float32)
    out = mix(plan, [clip, clip], SR)
    i = int(round(plan.starts[1] * SR))
    assert out[i - 100] == 0.0 and out[i + 1000] == pytest.approx(0.25)
    with pytest.raises(AudioError):
        mix(plan, [clip], SR)


def test_tags_round_trip(tmp_path):
    dest = tmp_path / "t.mp3"
    master_to_mp3(speechlike(3.0, 0.2), SR, dest, MasterSettings())
    chaps = [{"title": "开场", "start_s": 0.0, "end_s": 1.5, "story_id": ""},
             {"title": "OpenAI发布GPT-5", "start_s": 1.5, "end_s": 3.0, "story_id": "s1"}]
    cover = generated_cover("evening", size=64)
    write_tags(dest, title="早晚AI报 2026-11-22 晚间版", show="早晚AI报", date="2026-11-22", author="zaowan",
               language="zh-cn", chapters=chaps, cover=cover)
    tags = ID3(str(dest))
    assert str(tags["TIT2"]) == "早晚AI报 2026-11-22 晚间版" and str(tags["TALB"]) == "早晚AI报"
    assert str(tags["TDRC"]) == "2026-11-22"
    assert tags["APIC:Cover"].mime == "image/png" and tags["APIC:Cover"].data == cover
    toc = tags["CTOC:toc"]
    assert toc.child_element_ids == ["ch0", "ch1"]
    ch1 = tags["CHAP:ch1"]
    assert (ch1.start_time, ch1.end_time, str(ch1.sub_frames["TIT2"])) == (1500, 3000, "OpenAI发布GPT-5")
    # re-tagging replaces, never duplicates
    write_tags(dest, title="x", show="y", date="2026-11-22", author="z", language="zh-cn", chapters=chaps[:1],
               cover=cover)
    assert len(ID3(str(dest)).getall("CHAP")) == 1
    with pytest.raises(AudioError):
        write_tags(dest, title="x", show="y", date="d", author="z", language="zh", chapters=[], cover=b"GIF89a")


def test_png_encoder_writes_a_valid_header():
    data = png_bytes(np.zeros((2, 3, 3), np.uint8))
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    assert int.from_bytes(data[16:20], "big") == 3 and int.from_bytes(data[20:24], "big") == 2


def test_ffmpeg_errors_become_audio_errors(tmp_path):
    with pytest.raises(AudioError):
        ffmpeg.decode(b"not audio at all", SR)
    with pytest.raises(AudioError):
        ffmpeg.decode(b"", SR)
