"""Script → mastered episode audio: chunk, make speakable, voice (cached), plan, mix, master,
tag, transcribe, check. The pipeline calls `render_script_audio` (re-exported by zaowan.voice).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from mutagen.mp3 import MP3

from ..audio import qa as audio_qa
from ..audio.master import MasterSettings, master_to_mp3, mix
from ..audio.pcm import longest_silence_s, read_wav, write_wav
from ..audio.plan import Clip, Gaps, chapters, cues, plan_timeline
from ..audio.stings import intro_sting, outro_sting
from ..audio.tags import generated_cover, write_tags
from ..audio.transcript import to_srt, to_vtt
from ..config import Config
from ..errors import AudioError, ZaowanError
from ..records import AudioInfo, Script, ScriptLine, content_hash
from ..store.db import Store
from .base import SAMPLE_RATE, Attempt, Speech, SynthRequest
from .chain import Chain
from .registry import build_chain
from .text import speech_units, split_sentences

TextPass = Callable[[str, Mapping[str, str] | None], str]


def default_text_pass() -> tuple[TextPass, str]:
    """The speakable-text pass from zaowan.voice.normalize; identity only if it is absent
    (the Kokoro phonemiser still reads digits and Latin runs, just less well)."""
    try:
        from .normalize import speakable
    except ImportError:
        return (lambda text, lexicon=None: text), "none"
    return speakable, "zaowan.voice.normalize.speakable"


@dataclass(frozen=True)
class Chunk:
    line_index: int
    line: ScriptLine
    text: str  # as written (transcript)
    spoken: str  # as said (sent to the engine)


@dataclass
class VoicedChunk:
    chunk: Chunk
    speech: Speech
    engine: str
    voice: str
    cached: bool
    attempts: list[Attempt] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    key: str = ""
    asr: dict | None = None


def make_chunks(lines: list[ScriptLine], max_chars: int, text_pass: TextPass,
                lexicon: Mapping[str, str] | None) -> list[Chunk]:
    """Split each line at sentence boundaries, then make each piece speakable. Splitting first
    keeps the transcript in the script's own words, one cue per voiced piece."""
    out = []
    for i, line in enumerate(lines):
        for piece in split_sentences(line.text, max_chars=max_chars):
            spoken = text_pass(piece, lexicon).strip()
            if not speech_units(spoken):
                continue  # only punctuation ("……"): nothing to say, and engines misread it
            if len(spoken) > max_chars:
                # Spelling numbers out makes text longer; re-split so no engine limit is crossed.
                out += [Chunk(i, line, piece, s) for s in split_sentences(spoken, max_chars=max_chars)]
            elif spoken:
                out.append(Chunk(i, line, piece, spoken))
    return out


def segment_key(spoken: str, voice: str, engine: str, settings: str, speed: float) -> str:
    return content_hash(spoken, voice, engine, settings, f"speed={speed:.3f}")


def _check(speech: Speech, req: SynthRequest) -> list[str]:
    return audio_qa.check_segment(speech.pcm, speech.sample_rate, req.text, req.speed)


def voice_chunk(chunk: Chunk, chain: Chain, store: Store, cache_dir: Path, speed: float) -> VoicedChunk:
    """Cached audio from any engine of the chain (in chain order) wins; else voice it now."""
    req = SynthRequest(chunk.spoken, chunk.line.speaker, speed)
    for engine in chain.engines:
        voice = engine.voice_for(req.speaker)
        key = segment_key(req.text, voice, engine.name, engine.settings_key(), speed)
        hit = store.cached_segment(key)
        if hit:
            pcm, sr = read_wav(Path(hit["path"]))
            if sr == SAMPLE_RATE:
                return VoicedChunk(chunk, Speech(pcm, sr), engine.name, voice, cached=True, key=key)
    voiced = chain.voice(req, check=_check, is_bad=audio_qa.is_hard)
    engine = next(e for e in chain.engines if e.name == voiced.engine)
    key = segment_key(req.text, voiced.voice, engine.name, engine.settings_key(), speed)
    path = write_wav(cache_dir / f"{key}.wav", voiced.speech.pcm, voiced.speech.sample_rate)
    store.save_segment(key, str(path), voiced.speech.duration_s, voiced.engine, voiced.voice, req.text)
    return VoicedChunk(chunk, voiced.speech, voiced.engine, voiced.voice, cached=False,
                       attempts=voiced.attempts, warnings=_check(voiced.speech, req), key=key)


AsrCheck = Callable[[VoicedChunk], dict]


def make_asr_check(cfg: Config, text_pass: TextPass) -> AsrCheck:
    """Whisper back-check of one chunk; the result is cached beside the chunk's audio."""
    from .asr import ASR_VERSION, back_check

    cache = Path(cfg.voice.model_dir).expanduser() if cfg.voice.model_dir else None
    speak = lambda t: text_pass(t, cfg.voice.lexicon)  # noqa: E731 - numbers said the same on both sides

    def check(v: VoicedChunk) -> dict:
        sidecar = cfg.out_dir() / "cache" / "audio" / f"{v.key}.asr{ASR_VERSION}.json"
        if v.key and sidecar.is_file():
            return json.loads(sidecar.read_text(encoding="utf-8"))
        result = back_check(v.chunk.spoken, v.speech.pcm, v.speech.sample_rate, speak=speak, cache_dir=cache)
        if v.key:
            sidecar.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        return result

    return check


def asr_recheck(v: VoicedChunk, chain: Chain, store: Store, cache_dir: Path, cfg: Config,
                check: AsrCheck) -> VoicedChunk:
    """Score `v`; over the threshold, voice it with each later engine of the chain and keep the
    best-scoring take. The same engine is not re-asked: its take for this text is in the segment cache."""
    v.asr = check(v)
    best = v
    names = [e.name for e in chain.engines]
    for engine in chain.engines[names.index(v.engine) + 1:] if v.engine in names else []:
        if best.asr["ser"] <= cfg.voice.asr_max_cer:
            break
        try:
            alt = voice_chunk(v.chunk, Chain([engine], retries=chain.retries, sleep=chain.sleep), store,
                              cache_dir, cfg.voice.speed)
        except ZaowanError:
            continue
        alt.asr = check(alt)
        alt.attempts = v.attempts + [Attempt(v.engine, False, f"asr: syllable error {v.asr['ser']:.2f}")] + alt.attempts
        if alt.asr["ser"] < best.asr["ser"]:
            best = alt
    return best


def _episode_date(script: Script, tz: str) -> str:
    m = re.search(r"(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})", f"{script.title} {script.edition_id}")
    if m:
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    return datetime.now(ZoneInfo(tz)).date().isoformat()


def _edition_kind(script: Script) -> str:
    return "evening" if ("evening" in script.edition_id or "晚" in script.title) else "morning"


def _story_titles(store: Store, edition_id: str) -> dict[str, str]:
    try:
        return {s.id: s.title for s in store.stories(edition_id)}
    except ZaowanError:
        return {}


def _cover(cfg: Config, script: Script) -> bytes:
    if cfg.audio.cover:
        p = Path(cfg.audio.cover).expanduser()
        if not p.is_file():
            raise AudioError(f"audio.cover: file {p} not found")
        return p.read_bytes()
    return generated_cover(_edition_kind(script))


def render_script_audio(script: Script, out_dir: Path, cfg: Config, store: Store, *,
                        on_progress: Callable[[int, int], None] | None = None,
                        chain: Chain | None = None, text_pass: TextPass | None = None) -> AudioInfo:
    """Voice `script.spoken_lines()` and master `<out_dir>/<variant>.mp3` with .vtt/.srt beside it.

    Raises VoiceError when a chunk cannot be voiced by any engine, and AudioError when the
    master fails QA (the files and `<variant>.qa.json` are kept for inspection).
    """
    chain = chain or build_chain(cfg)
    text_pass, pass_name = (text_pass, "injected") if text_pass else default_text_pass()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cache_dir = cfg.out_dir() / "cache" / "audio"
    chunks = make_chunks(script.spoken_lines(), chain.max_chars, text_pass, cfg.voice.lexicon)
    if not chunks:
        raise AudioError(f"script {script.edition_id}/{script.variant} has nothing to say")
    voiced = []
    asr_check = make_asr_check(cfg, text_pass) if cfg.voice.asr_check else None
    for n, chunk in enumerate(chunks, 1):
        v = voice_chunk(chunk, chain, store, cache_dir, cfg.voice.speed)
        if asr_check:
            v = asr_recheck(v, chain, store, cache_dir, cfg, asr_check)
        voiced.append(v)
        if on_progress:
            on_progress(n, len(chunks))
    return _master(script, out_dir, cfg, store, chain, voiced, pass_name)


def _master(script: Script, out_dir: Path, cfg: Config, store: Store, chain: Chain,
            voiced: list[VoicedChunk], pass_name: str) -> AudioInfo:
    sr = SAMPLE_RATE
    intro = intro_sting(sr) if cfg.audio.stings else None
    outro = outro_sting(sr) if cfg.audio.stings else None
    gaps = Gaps(section=cfg.audio.story_pause_s, intro_s=len(intro) / sr if intro is not None else 0.0,
                outro_s=len(outro) / sr if outro is not None else 0.0)
    clips = [Clip(v.speech.duration_s, v.chunk.text, v.chunk.line_index, v.chunk.line.kind, v.chunk.line.story_id)
             for v in voiced]
    plan = plan_timeline(clips, gaps)
    pcm = mix(plan, [v.speech.pcm for v in voiced], sr, intro=intro, outro=outro)
    mp3 = out_dir / f"{script.variant}.mp3"
    settings = MasterSettings(target_lufs=cfg.audio.loudness_target, true_peak_db=cfg.audio.true_peak_db,
                              max_true_peak_db=-1.0, bitrate=cfg.audio.bitrate, channels=cfg.audio.channels)
    measured = master_to_mp3(pcm, sr, mp3, settings)
    chaps = chapters(plan, titles=_story_titles(store, script.edition_id))
    write_tags(mp3, title=script.title, show=cfg.show.name, date=_episode_date(script, cfg.show.timezone),
               author=cfg.show.author, language=cfg.show.language, chapters=chaps, cover=_cover(cfg, script),
               comment=cfg.show.description)
    plan_cues = cues(plan)
    (out_dir / f"{script.variant}.vtt").write_text(to_vtt(plan_cues), encoding="utf-8")
    (out_dir / f"{script.variant}.srt").write_text(to_srt(plan_cues), encoding="utf-8")
    qa = _qa_record(voiced, chain, pcm, measured, cfg, pass_name, plan.total_s)
    # Chapters and cues are times in the plan; they are only right if the file is as long as the plan.
    qa["file_duration_s"] = round(MP3(str(mp3)).info.length, 3)
    if abs(qa["file_duration_s"] - plan.total_s) > 0.5:
        qa["mix"].append(f"alignment: file is {qa['file_duration_s']:.2f}s, plan {plan.total_s:.2f}s")
        qa["passed"] = False
    (out_dir / f"{script.variant}.qa.json").write_text(json.dumps(qa, ensure_ascii=False, indent=2), encoding="utf-8")
    if not qa["passed"]:
        raise AudioError(f"audio QA failed for {mp3.name}: " + "; ".join(qa["mix"] + qa["loudness"]))
    return AudioInfo(path=mp3.name, duration_s=round(plan.total_s, 3), lufs=round(measured["lufs"], 2),
                     true_peak_dbtp=round(measured["true_peak_dbtp"], 2), chapters=chaps, qa=qa)


def _qa_record(voiced: list[VoicedChunk], chain: Chain, pcm, measured: dict, cfg: Config,
               pass_name: str, total_s: float) -> dict:
    mix_problems = audio_qa.check_mix(pcm, SAMPLE_RATE)
    loud_problems = audio_qa.check_loudness(measured, cfg.audio.loudness_target, -1.0)
    fallbacks = [{"text": v.chunk.text[:40], "engine": v.engine,
                  "failed": [{"engine": a.engine, "error": a.error[:200]} for a in v.attempts if not a.ok]}
                 for v in voiced if any(not a.ok for a in v.attempts)]
    return {
        "passed": not mix_problems and not loud_problems,
        "segments": len(voiced),
        "cached_segments": sum(v.cached for v in voiced),
        "engines": dict(Counter(v.engine for v in voiced)),
        "voices": dict(Counter(v.voice for v in voiced)),
        "skipped_engines": [{"engine": a.engine, "error": a.error} for a in chain.skipped],
        "fallbacks": fallbacks,
        "segment_warnings": [{"text": v.chunk.text[:40], "problems": v.warnings} for v in voiced if v.warnings],
        "mix": mix_problems,
        "loudness": loud_problems,
        "longest_silence_s": round(longest_silence_s(pcm, SAMPLE_RATE), 2),
        "lufs": round(measured["lufs"], 2),
        "true_peak_dbtp": round(measured["true_peak_dbtp"], 2),
        "lra": round(measured.get("lra", 0.0), 2),
        "loudness_correction_db": measured.get("correction_db", 0.0),
        "target_lufs": cfg.audio.loudness_target,
        "speech_s": round(sum(v.speech.duration_s for v in voiced), 2),
        "duration_s": round(total_s, 3),
        "text_pass": pass_name,
        **_asr_summary(voiced, cfg),
    }


def _asr_summary(voiced: list[VoicedChunk], cfg: Config) -> dict:
    checked = [v for v in voiced if v.asr]
    if not checked:
        return {}
    said = sum(len(v.chunk.spoken) for v in checked)
    over = [v for v in checked if v.asr["ser"] > cfg.voice.asr_max_cer]
    return {"asr": {
        "segments": len(checked),
        "cer_weighted": round(sum(v.asr["cer"] * len(v.chunk.spoken) for v in checked) / max(1, said), 3),
        "ser_weighted": round(sum(v.asr["ser"] * len(v.chunk.spoken) for v in checked) / max(1, said), 3),
        "max_ser": cfg.voice.asr_max_cer,
        "over_threshold": [{"said": v.chunk.spoken, "heard": v.asr["heard"], "ser": v.asr["ser"],
                            "engine": v.engine} for v in over],
    }}
