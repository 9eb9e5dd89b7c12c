"""Time one demo edition end to end, stage by stage, cold and then warm (same output dir,
so the second run reuses the voice segment cache and the call log).

    python bench/edition.py [--out DIR] [--runs 2]

Prints wall and CPU seconds per stage, audio minutes produced and peak RSS.
"""
from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path


def run_once(out: Path) -> dict:
    from zaowan.demo import DemoServer, demo_config
    from zaowan.pipeline import run_edition

    marks: dict[str, list[float]] = {}

    def report(stage: str, done: int, total: int, message: str) -> None:
        if message == "start":
            marks[stage] = [time.perf_counter(), time.process_time()]
        elif message == "done":
            marks[stage] += [time.perf_counter(), time.process_time()]

    with DemoServer() as srv:
        cfg = demo_config(srv.base_url, out)
        t0 = time.perf_counter()
        ed = run_edition(cfg, edition="morning", report=report)
        total = time.perf_counter() - t0
    doc = json.loads((out / "episodes" / ed.id / "episode.json").read_text(encoding="utf-8"))
    stages = {s: (m[2] - m[0], m[3] - m[1]) for s, m in marks.items() if len(m) == 4}
    audio = sum(a["duration_s"] for a in doc["audio"].values())
    return {"total_s": total, "stages": stages, "audio_s": audio}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="zaowan-bench-"))
    for i in range(args.runs):
        r = run_once(out)
        label = "cold" if i == 0 else "warm"
        print(f"run {i + 1} ({label}): {r['total_s']:.1f} s wall for {r['audio_s'] / 60:.1f} min of audio "
              f"(Full + Short), RTF {r['total_s'] / r['audio_s']:.2f}")
        for stage, (wall, cpu) in r["stages"].items():
            print(f"  {stage:8} {wall:7.1f} s wall {cpu:7.1f} s CPU (this process)")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
