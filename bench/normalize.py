"""Throughput of the speakable-text pass (zaowan.voice.normalize.speakable).

    python bench/normalize.py [--repeat N]

Reads every fixture input under tests/fixtures/normalize and the two seed scripts in
/work/shared/seeds (when present), and prints characters per second, the cost of one
sentence, and the time to normalise one seed episode. Pure Python, single thread.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from zaowan.voice.normalize import speakable

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path("/work/shared/seeds")


def fixture_inputs() -> list[str]:
    lines = []
    for path in sorted((ROOT / "tests" / "fixtures" / "normalize").glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("# "):
                lines.append(line.partition("\t")[0])
    return lines


def timed(fn, repeat: int) -> float:
    """Best-of-`repeat` wall time: the least disturbed run on a shared machine."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    speakable("GPT-5")  # warm the lexicon and regex caches
    lines = fixture_inputs()
    chars = sum(map(len, lines))
    t = timed(lambda: [speakable(line) for line in lines], args.repeat)
    print(f"fixtures: {len(lines)} sentences, {chars} chars in {t * 1000:.1f} ms "
          f"-> {chars / t:,.0f} chars/s, {t / len(lines) * 1e6:.0f} us/sentence")
    for seed in sorted(SEEDS.glob("00[01]_*.txt")):
        text = seed.read_text(encoding="utf-8")
        paragraphs = [p for p in text.splitlines() if p.strip()]
        t = timed(lambda: [speakable(p) for p in paragraphs], args.repeat)
        print(f"{seed.name}: {len(text)} chars, {len(paragraphs)} lines in {t * 1000:.1f} ms")
    lengths = [len(speakable(line)) / max(1, len(line)) for line in lines]
    print(f"output/input length ratio: median {statistics.median(lengths):.2f}, max {max(lengths):.2f}")


if __name__ == "__main__":
    main()
