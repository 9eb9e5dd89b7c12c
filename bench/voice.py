"""Voice benchmarks: real-time factor (RTF = compute seconds / audio seconds) of the default
Kokoro voice, and of the whole voice+master stage on the demo's Full and Short scripts.

    python bench/voice.py                      # default voice RTF on a fixed news corpus
    python bench/voice.py --db demo-out/zaowan.db   # + stage RTF on that store's latest scripts
    python bench/voice.py --voices all --asr   # RTF and Whisper-base error for every vendored voice

Run `zaowan demo -o demo-out` first to have demo scripts. The stage is timed twice: cold (an
empty segment cache) and warm (everything cached: only mixing, mastering and tagging remain).
Figures go to docs/benchmarks.md under "## Voice". Nothing here is asserted by tests.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

# A fixed corpus in the register the writers produce (numbers already spoken, Latin names kept).
CORPUS = [
    "大家好，欢迎收听新一期的早晚AI报，今天有几条重要的消息。",
    "OpenAI今天发布了新一代模型，官方说推理速度提升了百分之四十，价格下降了一半。",
    "阿里巴巴开源了一个七百二十亿参数的混合专家模型，激活参数只有十四亿。",
    "英伟达公布了新的数据中心芯片，显存带宽比上一代高出百分之六十。",
    "欧盟的人工智能法案进入执行阶段，第一批合规要求将在明年二月生效。",
    "一家初创公司完成了三亿美元融资，投资方包括多家知名机构。",
    "研究人员发布了一个新的评测基准，专门测试大模型在长文档上的推理能力。",
    "今天的节目就到这里，我们下期再见。",
]


def _cpu_s() -> float:
    """CPU seconds used so far by this process (all threads) and its finished children (ffmpeg).
    On a shared machine wall time depends on the neighbours; CPU time mostly does not."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


def _rtf_voice(voice: str, corpus: list[str], with_asr: bool) -> dict:
    from zaowan.voice.base import SynthRequest
    from zaowan.voice.kokoro import KokoroEngine

    eng = KokoroEngine({"host": voice})
    eng.synthesize(SynthRequest("预热一下。"))  # model load and first-run allocation are not the steady state
    wall = cpu = audio = 0.0
    takes = []
    for text in corpus:
        t0, c0 = time.perf_counter(), _cpu_s()
        speech = eng.synthesize(SynthRequest(text))
        wall += time.perf_counter() - t0
        cpu += _cpu_s() - c0
        audio += speech.duration_s
        takes.append((text, speech))
    row = {"voice": voice, "audio_s": round(audio, 2), "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
           "rtf_wall": round(wall / audio, 3), "rtf_cpu": round(cpu / audio, 3)}
    if with_asr:
        row.update(_asr_scores(takes))
    return row


def _asr_scores(takes) -> dict:
    """Whisper-base character and syllable error over the corpus, weighted by sentence length."""
    from zaowan.voice.asr import back_check
    from zaowan.voice.normalize import speakable

    results = [(len(text), back_check(text, sp.pcm, sp.sample_rate, speak=speakable)) for text, sp in takes]
    total = sum(n for n, _ in results)
    return {"asr_cer": round(sum(n * r["cer"] for n, r in results) / total, 3),
            "asr_ser": round(sum(n * r["ser"] for n, r in results) / total, 3)}


def _latest_scripts(db: Path):
    from zaowan.store.db import Store

    store = Store(db)
    rows = store.query("SELECT edition_id FROM scripts ORDER BY rowid DESC LIMIT 1")
    if not rows:
        sys.exit(f"{db} holds no scripts: run `zaowan demo -o <dir>` first")
    edition = rows[0]["edition_id"]
    return [s for s in (store.script(edition, v) for v in ("full", "short")) if s]


def _stage(scripts) -> list[dict]:
    from zaowan.config import Config
    from zaowan.store.db import Store
    from zaowan.voice import render_script_audio

    out = []
    with tempfile.TemporaryDirectory(prefix="zaowan-bench-") as tmp:
        cfg = Config()
        cfg.output.dir = tmp
        store = Store(Path(tmp) / "bench.db")
        for script in scripts:
            row = {"variant": script.variant, "chars": sum(len(line.text) for line in script.spoken_lines())}
            for phase in ("cold", "warm"):
                t0, c0 = time.perf_counter(), _cpu_s()
                info = render_script_audio(script, Path(tmp) / "ep", cfg, store)
                row[f"{phase}_wall_s"] = round(time.perf_counter() - t0, 2)
                row[f"{phase}_cpu_s"] = round(_cpu_s() - c0, 2)
            row.update(duration_s=info.duration_s, lufs=info.lufs,
                       true_peak_dbtp=info.true_peak_dbtp, segments=info.qa["segments"])
            for phase in ("cold", "warm"):
                for kind in ("wall", "cpu"):
                    row[f"rtf_{phase}_{kind}"] = round(row[f"{phase}_{kind}_s"] / info.duration_s, 3)
            out.append(row)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, help="a store with demo scripts (e.g. demo-out/zaowan.db)")
    ap.add_argument("--voices", default="zf_xiaoxiao", help="comma-separated voices, or 'all'")
    ap.add_argument("--asr", action="store_true", help="also score each voice with the Whisper back-check")
    ap.add_argument("--no-voices", action="store_true", help="skip the per-voice corpus (stage only)")
    args = ap.parse_args()
    from zaowan.voice.kokoro import VOICES

    voices = list(VOICES) if args.voices == "all" else args.voices.split(",")
    report = {"cpu_count": os.cpu_count(), "load_avg_1m_at_start": round(os.getloadavg()[0], 2),
              "voices": [] if args.no_voices else [_rtf_voice(v, CORPUS, args.asr) for v in voices]}
    if args.db:
        report["stage"] = _stage(_latest_scripts(args.db))
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
