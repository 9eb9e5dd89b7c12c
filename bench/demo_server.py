"""Benchmark the demo newsroom: build time, template rendering, and loopback serving.

    python bench/demo_server.py [--rounds 5]

Prints one line per figure. Nothing here is asserted by tests; figures go to
docs/benchmarks.md under "## Demo newsroom".
"""
from __future__ import annotations

import argparse
import resource
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import httpx

from zaowan.demo import DemoServer, load_manifest
from zaowan.demo import build
from zaowan.demo.render import render
from zaowan.demo.server import SITE_ROOT


def timed(fn, rounds: int) -> float:
    """Median seconds of `rounds` calls."""
    runs = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def urls(base: str) -> list[str]:
    m = load_manifest()
    return [f"{base}/{s['feed']}" for s in m["sources"]] + [f"{base}/{i['path']}" for i in m["items"]]


def fetch_all(client: httpx.Client, targets: list[str], workers: int) -> None:
    if workers == 1:
        for u in targets:
            client.get(u)
        return
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(client.get, targets))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    n = ap.parse_args().rounds
    now = datetime.now(timezone.utc)

    build_s = timed(lambda: build.build_files(build.load_content()), n)
    print(f"build newsroom from content/: {build_s * 1000:.1f} ms (median of {n})")

    files = [p for p in SITE_ROOT.rglob("*") if p.is_file()]
    texts = [p.read_text(encoding="utf-8") for p in files]
    size_kb = sum(len(t.encode()) for t in texts) / 1024
    render_s = timed(lambda: [render(t, now=now, base_url="http://127.0.0.1:1") for t in texts], n)
    print(f"render all {len(files)} templates ({size_kb:.0f} KiB): {render_s * 1000:.1f} ms "
          f"({render_s / len(files) * 1e6:.0f} us per file)")

    t = time.perf_counter()
    with DemoServer() as srv:
        start_s = time.perf_counter() - t
        targets = urls(srv.base_url)
        with httpx.Client(timeout=10) as client:
            fetch_all(client, targets, 1)  # warm up
            for workers in (1, 8):
                s = timed(lambda: fetch_all(client, targets, workers), n)
                print(f"fetch every feed and page ({len(targets)} GETs, {workers} worker(s)): {s * 1000:.0f} ms "
                      f"= {len(targets) / s:.0f} requests/s")
    print(f"server start+stop: {start_s * 1000:.1f} ms to start")
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
