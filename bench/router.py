"""Router benchmark on loopback: a demo edition's model calls against the fake server.

    python bench/router.py [--latency 1.0] [--overhead-calls 300]

1. Edition: the calls of one demo edition, stage by stage (independent calls of a stage run
   in parallel), with `--latency` seconds injected into every answer. The critical path is
   stages × latency; the goal is wall time ≤ 1.3 × critical path. Tokens and cost use the
   default chains and preset prices (token counts are the fake server's estimates).
2. Faults: the same edition with the first model of three roles failing (503 twice, a
   refusal, finish_reason=length twice), to show what fallbacks cost in wall time.
3. Overhead: sequential calls with no injected latency, in interleaved rounds: a raw httpx
   POST of the same body, the router without and with the SQLite call log (the difference to
   the raw POST is the router's overhead), and the router against an in-process provider that
   answers at once (the router's own cost, with no network at all).
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from zaowan.models import ChatRequest, ModelsConfig, Reply, Router  # noqa: E402
from zaowan.store.db import Store  # noqa: E402
from zaowan.testing import fake_llm as f  # noqa: E402

KEYS = {v: f"bench-key-{v.lower()}" for v in (
    "DEEPSEEK_API_KEY", "DASHSCOPE_API_KEY", "MOONSHOT_API_KEY", "ZHIPUAI_API_KEY", "MINIMAX_API_KEY",
    "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY")}

ARTICLE = ("英伟达今天发布了新一代数据中心芯片，官方称推理性能比上一代提升四倍，功耗基本持平。"
           "多家云厂商表示将在明年第一季度上线基于该芯片的实例。分析人士认为，这会进一步拉低大模型推理成本。") * 8

# (role, number of parallel calls, input characters) per stage of a demo edition.
EDITION = [
    ("extractor", 8, ARTICLE),
    ("fact_checker", 6, ARTICLE[:600]),
    ("editor_in_chief", 1, ARTICLE[:1200]),
    ("writer", 1, ARTICLE), ("short_writer", 1, ARTICLE[:900]), ("hook_writer", 1, ARTICLE[:600]),
    ("deputy_editor", 2, ARTICLE),
    ("proofreader", 2, ARTICLE), ("tagger", 1, ARTICLE[:600]),
    ("voice_director", 2, ARTICLE[:900]),
]
STAGES = [["extractor"], ["fact_checker"], ["editor_in_chief"], ["writer", "short_writer", "hook_writer"],
          ["deputy_editor"], ["proofreader", "tagger"], ["voice_director"]]
SCHEMA = {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}


def config(fake: f.FakeLLM) -> ModelsConfig:
    rows = {name: {"base_url": fake.openai_url, "concurrency": 8}
            for name in ("deepseek", "qwen", "kimi", "glm", "minimax", "openai")}
    rows["anthropic"] = {"base_url": fake.anthropic_url, "concurrency": 8}
    rows["gemini"] = {"base_url": fake.gemini_url, "concurrency": 8}
    return ModelsConfig.model_validate({"providers": rows, "policy": {"backoff_base_s": 0.2, "backoff_max_s": 0.5}})


def request(role: str, text: str, i: int) -> ChatRequest:
    return ChatRequest(role=role, agent=f"{role}-{i}", json_schema=SCHEMA, max_tokens=1500,
                       messages=[{"role": "system", "content": f"你是早晚AI报的{role}。"},
                                 {"role": "user", "content": f"第{i}篇：{text}"}],
                       offline=lambda r: '{"text": "离线"}')


def answer(seen: f.Seen) -> f.Step:
    body = '{"text": "' + "今天的AI新闻要点。" * 40 + '"}'
    return f.ok(body)


async def run_edition(router: Router) -> tuple[float, list]:
    by_role = {role: (n, text) for role, n, text in EDITION}
    results, t0 = [], time.perf_counter()
    for stage in STAGES:
        calls = [router.complete(request(role, by_role[role][1], i)) for role in stage for i in range(by_role[role][0])]
        results += await asyncio.gather(*calls)
    return time.perf_counter() - t0, results


def edition_figures(latency: float, faults: bool) -> dict:
    with f.FakeLLM(latency_s=latency, default=answer) as fake, tempfile.TemporaryDirectory() as tmp:
        if faults:
            fake.script("deepseek-chat", f.status(503), f.status(503))  # writer's first model: retried
            fake.script("claude-3-5-haiku-latest", f.refusal())          # fact checker: next model
            fake.script("glm-4-air", f.length(), f.length())             # tagger: ladder, then next
        store = Store(Path(tmp) / "bench.db")
        router = Router(config(fake), store, "bench-edition", env=KEYS)

        async def go():
            async with router:
                return await run_edition(router)

        wall, results = asyncio.run(go())
        store.close()
    critical = len(STAGES) * latency
    return {"calls": len(results), "wall_s": wall, "critical_s": critical, "ratio": wall / critical,
            "tokens_in": sum(r.tokens_in for r in results), "tokens_out": sum(r.tokens_out for r in results),
            "usd": sum(r.cost_usd for r in results), "cny": sum(r.cost_cny for r in results),
            "attempts": sum(r.attempts for r in results), "fallbacks": sum(len(r.fallbacks) for r in results)}


class InstantProvider:
    """An in-process provider that answers at once: what remains is the router's own cost."""

    name = "deepseek"

    async def send(self, call, timeout_s):
        return Reply(answer(None).text, "stop", 1000, 300)


def overhead_figures(n: int) -> dict:
    """Interleaved rounds (raw POST, router, router + call log) so load on a shared machine hits
    all three alike; plus the router alone against an in-process provider."""
    with f.FakeLLM(default=answer) as fake, tempfile.TemporaryDirectory() as tmp:
        cfg = config(fake)
        cfg.policy.cache = False  # measure the full path, not cache hits
        store = Store(Path(tmp) / "overhead.db")

        async def go():
            bare, logged = Router(cfg, None, "b", env=KEYS), Router(cfg, store, "b", env=KEYS)
            instant = Router(cfg, Store(Path(tmp) / "instant.db"), "b", env=KEYS)
            instant._providers["deepseek"] = InstantProvider()
            times: dict[str, list[float]] = {"raw": [], "router": [], "router_log": [], "instant": []}
            async with httpx.AsyncClient(trust_env=False) as client, bare, logged, instant:
                for i in range(n + 20):  # the first 20 rounds warm connections up and are dropped
                    req = request("writer", ARTICLE, i)
                    body = {"model": "deepseek-chat", "messages": req.messages, "max_tokens": 1500,
                            "temperature": 0.3, "response_format": {"type": "json_object"}}
                    t = time.perf_counter()
                    resp = await client.post(f"{fake.openai_url}/chat/completions", json=body,
                                             headers={"Authorization": "Bearer " + KEYS["DEEPSEEK_API_KEY"]})
                    resp.json()
                    lap = [time.perf_counter() - t]
                    for r in (bare, logged, instant):
                        t = time.perf_counter()
                        await r.complete(req)
                        lap.append(time.perf_counter() - t)
                    if i >= 20:
                        for k, v in zip(times, lap):
                            times[k].append(v * 1e3)
            return times

        times = asyncio.run(go())
        store.close()
    med = {k: statistics.median(v) for k, v in times.items()}
    p90 = {k: statistics.quantiles(v, n=10)[-1] for k, v in times.items()}
    return {"n": n, "med": med, "p90": p90}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--latency", type=float, default=1.0, help="seconds injected into every answer")
    ap.add_argument("--overhead-calls", type=int, default=300)
    args = ap.parse_args()
    for label, faults in (("edition", False), ("edition with faults", True)):
        e = edition_figures(args.latency, faults)
        print(f"{label}: {e['calls']} calls in {len(STAGES)} stages, {e['attempts']} attempts, "
              f"{e['fallbacks']} fallbacks; wall {e['wall_s']:.2f}s vs critical path {e['critical_s']:.2f}s "
              f"= {e['ratio']:.2f}x; tokens {e['tokens_in']} in / {e['tokens_out']} out; "
              f"cost ${e['usd']:.4f} / ¥{e['cny']:.3f}")
    o = overhead_figures(args.overhead_calls)
    m, p = o["med"], o["p90"]
    print(f"overhead over {o['n']} interleaved rounds (median / p90 ms per call): raw httpx POST "
          f"{m['raw']:.2f} / {p['raw']:.2f}; router {m['router']:.2f} / {p['router']:.2f} "
          f"(+{m['router'] - m['raw']:.2f}); router + SQLite call log {m['router_log']:.2f} / {p['router_log']:.2f} "
          f"(+{m['router_log'] - m['raw']:.2f}); router alone with an in-process provider and call log "
          f"{m['instant']:.3f} / {p['instant']:.3f}")


if __name__ == "__main__":
    main()
