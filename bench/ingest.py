"""Ingest benchmark: N feeds × M items served from 127.0.0.1, each item a teaser with a page.

    python bench/ingest.py                       # 500 feeds × 40 items (the issue's size)
    python bench/ingest.py --feeds 20 --items 10 # a quick look

Phases, each timed on its own:
  parse    feedparser + our decoding/cleaning on every feed body, in memory;
  fetch    the guarded client GETting every feed and page from the loopback server;
  extract  trafilatura + metadata + cleaning on every page, in memory (one thread);
  ingest   the real `ingest()` end to end into an SQLite store, in a fresh process so its
           peak RSS is its own (the server runs in another process).
Figures are printed; nothing is asserted. The server generates bodies from the path, so it
needs no disk and little memory.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

NOW = datetime(2025, 6, 6, 6, 0, tzinfo=timezone.utc)
TOPICS = ["推理芯片", "开源模型", "智能体框架", "人形机器人", "视频生成", "语音合成", "多模态评测", "端侧模型"]


def page_html(feed: int, item: int) -> str:
    topic = TOPICS[(feed + item) % len(TOPICS)]
    paras = "".join(
        f"<p>第{k + 1}段：编号{feed}-{item}的公司今天公布了{topic}方面的新进展，官方称性能比上一代提升{k + 2}成，"
        f"价格下降{k + 1}成，首批客户已经开始试用，分析人士认为这会加剧行业竞争。</p>" for k in range(8))
    related = "".join(f"<li><a href='/r/{r}'>无关旧闻{r}</a>2025-01-0{r}</li>" for r in range(1, 5))
    return (f"<!DOCTYPE html><html lang='zh-CN'><head><title>{topic}新进展 {feed}-{item}</title>"
            f"<meta property='article:published_time' content='2025-06-06T0{item % 9}:00:00+08:00'></head>"
            f"<body><nav><a href='/'>首页</a><a href='/ai'>人工智能</a></nav><article><h1>{topic}新进展 {feed}-{item}</h1>"
            f"{paras}<h3>相关阅读</h3><ul>{related}</ul></article><footer>版权所有</footer></body></html>")


def feed_xml(base: str, feed: int, items: int) -> str:
    entries = "".join(
        f"<item><title>{TOPICS[(feed + j) % len(TOPICS)]}新进展 {feed}-{j}</title>"
        f"<link>{base}/page/{feed}/{j}.html</link><guid>f{feed}-{j}</guid>"
        f"<pubDate>Fri, 06 Jun 2025 0{j % 9}:00:00 +0800</pubDate>"
        f"<description>编号{feed}-{j}的公司今天公布了新进展，官方称性能比上一代提升…</description></item>"
        for j in range(items))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>源{feed}</title>'
            f"<link>{base}/</link><language>zh-cn</language>{entries}</channel></rss>")


def serve(port_q: mp.Queue, items: int) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        wbufsize = 1 << 16  # one write per response: no Nagle/delayed-ACK stall on keep-alive

        def log_message(self, *a) -> None:
            pass

        def do_GET(self) -> None:
            parts = self.path.strip("/").split("/")
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if parts[0] == "feed":
                body, ctype = feed_xml(base, int(parts[1].split(".")[0]), items), "application/rss+xml"
            elif parts[0] == "page":
                body, ctype = page_html(int(parts[1]), int(parts[2].split(".")[0])), "text/html; charset=utf-8"
            else:
                self.send_error(404)
                return
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 128

    httpd = Server(("127.0.0.1", 0), Handler)
    port_q.put(httpd.server_address[1])
    httpd.serve_forever()


def bench_parse(base: str, feeds: int, items: int) -> tuple[float, int]:
    from zaowan.ingest.feeds import parse_feed

    bodies = [feed_xml(base, i, items).encode() for i in range(feeds)]
    t = time.perf_counter()
    n = sum(len(parse_feed(b, f"{base}/feed/{i}.xml").entries) for i, b in enumerate(bodies))
    return time.perf_counter() - t, n


def bench_fetch(base: str, feeds: int, items: int, workers: int, per_host: int) -> tuple[float, int, int]:
    from zaowan.config import NetworkConfig
    from zaowan.ingest.http import GuardedClient

    urls = [f"{base}/feed/{i}.xml" for i in range(feeds)]
    urls += [f"{base}/page/{i}/{j}.html" for i in range(feeds) for j in range(items)]
    net = NetworkConfig(allow_hosts=["127.0.0.1"], per_host_concurrency=per_host)
    with GuardedClient(net) as client, ThreadPoolExecutor(workers) as pool:
        t = time.perf_counter()
        sizes = list(pool.map(lambda u: len(client.fetch(u).body), urls))
        return time.perf_counter() - t, len(urls), sum(sizes)


def bench_extract(feeds: int, items: int, sample: int) -> tuple[float, int]:
    from zaowan.ingest.pages import extract_page

    pages = [(f"http://127.0.0.1/page/{i}/{j}.html", page_html(i, j).encode())
             for i in range(feeds) for j in range(items)][:sample]
    tz = ZoneInfo("Asia/Shanghai")
    t = time.perf_counter()
    for url, html in pages:
        extract_page(html, url, tz=tz, now=NOW)
    return time.perf_counter() - t, len(pages)


def _ingest_child(base: str, feeds: int, per_host: int, out: mp.Queue) -> None:
    from zaowan.config import Config, NetworkConfig, SourceConfig
    from zaowan.ingest import ingest
    from zaowan.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        cfg = Config(sources=[SourceConfig(name=f"源{i}", url=f"{base}/feed/{i}.xml") for i in range(feeds)],
                     network=NetworkConfig(allow_hosts=["127.0.0.1"], per_host_concurrency=per_host))
        store = Store(Path(tmp) / "bench.db")
        t = time.perf_counter()
        report = ingest(cfg, store, now=NOW)
        elapsed = time.perf_counter() - t
        bad = [s for s in report.sources if s.status != "ok"]
        truncated = sum(s.truncated for s in report.sources)
        # Second run over unchanged feeds (the server sends no ETag): feeds re-parsed, pages not re-fetched.
        t = time.perf_counter()
        again = ingest(cfg, store, now=NOW)
        rerun = time.perf_counter() - t
        new_again = sum(s.new + s.updated for s in again.sources)
        store.close()
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.put((elapsed, len(report.article_ids), len(bad), truncated, rss_mib, rerun, new_again))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--items", type=int, default=40)
    ap.add_argument("--workers", type=int, default=8, help="fetch threads in the fetch phase")
    ap.add_argument("--per-host", type=int, default=4, help="per-host concurrency (all feeds share 127.0.0.1)")
    ap.add_argument("--extract-sample", type=int, default=0, help="pages to extract (0: all)")
    ap.add_argument("--skip", default="", help="comma-separated phases to skip: parse,fetch,extract,ingest")
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    ctx = mp.get_context("spawn")
    port_q = ctx.Queue()
    server = ctx.Process(target=serve, args=(port_q, args.items), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{port_q.get(timeout=30)}"
    total = args.feeds * args.items
    print(f"{args.feeds} feeds × {args.items} items = {total} articles, server {base}")
    try:
        if "ingest" not in skip:
            out = ctx.Queue()
            child = ctx.Process(target=_ingest_child, args=(base, args.feeds, args.per_host, out))
            child.start()
            elapsed, n, bad, truncated, rss, rerun, new_again = out.get()
            child.join()
            print(f"ingest   {n} articles in {elapsed:.1f} s = {n / elapsed:.0f} articles/s; "
                  f"{bad} sources not ok, {truncated} truncated; peak RSS {rss:.0f} MiB")
            print(f"re-run   {n} articles in {rerun:.1f} s = {n / rerun:.0f} articles/s; "
                  f"{new_again} new or updated (must be 0)")
        if "parse" not in skip:
            elapsed, n = bench_parse(base, args.feeds, args.items)
            print(f"parse    {n} items in {elapsed:.1f} s = {n / elapsed:.0f} items/s")
        if "fetch" not in skip:
            elapsed, n, size = bench_fetch(base, args.feeds, args.items, args.workers, args.per_host)
            print(f"fetch    {n} responses ({size / 2**20:.0f} MiB) in {elapsed:.1f} s = {n / elapsed:.0f} responses/s")
        if "extract" not in skip:
            elapsed, n = bench_extract(args.feeds, args.items, args.extract_sample or total)
            print(f"extract  {n} pages in {elapsed:.1f} s = {n / elapsed:.0f} pages/s "
                  f"({elapsed / n * 1000:.1f} ms/page)")
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
