"""The README's first command, end to end: `zaowan demo` publishes a complete episode offline
from the bundled newsroom over loopback HTTP, and no planted trap reaches a script.

This runs the real pipeline, real Kokoro voice and real mastering once (a few minutes on 2
cores); every test in this module reads that one run's output.
"""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from zaowan.demo import load_manifest
from zaowan.zh import to_simplified

TITLE = re.compile(r"^# 早晚AI报 \d{4}/\d{1,2}/\d{1,2} (早报|晚报)$")


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    # ZAOWAN_DEMO_OUT=<dir of an earlier `zaowan demo --edition morning`> re-checks that output
    # without re-voicing it (for iterating on these tests; CI always runs the demo afresh).
    reuse = os.environ.get("ZAOWAN_DEMO_OUT")
    if reuse:
        return Path(reuse)
    out = tmp_path_factory.mktemp("demo")
    proc = subprocess.run([sys.executable, "-m", "zaowan", "demo", "--out", str(out), "--edition", "morning"],
                          capture_output=True, text=True, timeout=3600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def episode(demo_out):
    (ep_dir,) = list((demo_out / "episodes").iterdir())
    return ep_dir, json.loads((ep_dir / "episode.json").read_text(encoding="utf-8"))


def test_all_outputs_exist(demo_out, episode):
    ep_dir, _ = episode
    assert (demo_out / "feed.xml").is_file() and (demo_out / "index.html").is_file()
    for name in ("full.md", "short.md", "full.mp3", "short.mp3", "index.html", "episode.json"):
        assert (ep_dir / name).stat().st_size > 0, name


@pytest.mark.parametrize("variant", ["full", "short"])
def test_script_shape(episode, variant):
    ep_dir, doc = episode
    lines = (ep_dir / f"{variant}.md").read_text(encoding="utf-8").splitlines()
    assert TITLE.match(lines[0]), lines[0]
    assert all(h.endswith("？") for h in lines[1:4]) and lines[4] == ""
    blocks = [b.strip() for b in "\n".join(lines[4:]).split("\n\n") if b.strip()]
    assert blocks[0].startswith("大家好")  # greeting
    kw_at = next(i for i, b in enumerate(blocks) if b.startswith("本期关键词:"))
    assert blocks[kw_at - 1] == "今天的节目就到这里，我们下期再见。"  # sign-off
    stories = blocks[1:kw_at - 1]
    assert len(stories) == (6 if variant == "full" else 4)
    assert all(s.endswith("。") for s in stories)
    tags = blocks[kw_at].splitlines()[1:]
    assert tags and all(t.startswith("#") and " " not in t for t in tags)
    text = "\n".join(lines)
    assert to_simplified(text) == text, "scripts must be Simplified Chinese"


def test_episode_json_contract(episode):
    _, doc = episode
    for key in ("id", "edition", "published_at", "hooks", "keywords", "stories", "dropped", "audio"):
        assert key in doc
    assert len(doc["hooks"]) == 3 and doc["edition"] == "morning"
    for s in doc["stories"]:
        assert s["title"] and s["sources"]
        assert all({"url", "title", "source"} <= set(src) for src in s["sources"])
    for d in doc["dropped"]:
        assert {"url", "title", "reason", "detail"} <= set(d) and d["detail"]
    for variant in ("full", "short"):
        a = doc["audio"][variant]
        assert a["path"] == f"{variant}.mp3" and a["duration_s"] > 0 and "lufs" in a


def _verdicts(doc):
    v = {d["url"]: d["reason"] for d in doc["dropped"]}
    for s in doc["stories"]:
        v.setdefault(s["sources"][0]["url"], "kept")
    return v


def _find(verdicts, path):
    from urllib.parse import urlsplit

    hits = [reason for url, reason in verdicts.items() if urlsplit(url).path.endswith("/" + path)]
    return hits[0] if hits else None


def test_every_trap_is_dropped_with_its_reason(episode):
    _, doc = episode
    verdicts = _verdicts(doc)
    traps = [i for i in load_manifest()["items"] if i["expected"] not in ("kept", "repaired", "duplicate")]
    assert len(traps) >= 7
    for item in traps:
        if item["expected"] == "truncated" and not item.get("page_exists", True):
            got = _find(verdicts, item["path"]) or next(
                (d["reason"] for d in doc["dropped"] if d["title"] == item["title"]), None)
        else:
            got = _find(verdicts, item["path"])
        assert got == item["expected"], f"{item['path']}: expected {item['expected']}, got {got}"


def test_kept_and_duplicate_items_reach_the_right_place(episode):
    _, doc = episode
    verdicts = _verdicts(doc)
    for item in load_manifest()["items"]:
        got = _find(verdicts, item["path"])
        if item["expected"] in ("kept", "repaired"):
            assert got in ("kept", "not_selected"), f"{item['path']}: {got}"
        elif item["expected"] == "duplicate":
            assert got == "duplicate", f"{item['path']}: {got}"


def test_no_trap_text_reaches_a_script(episode):
    ep_dir, doc = episode
    scripts = (ep_dir / "full.md").read_text(encoding="utf-8") + (ep_dir / "short.md").read_text(encoding="utf-8")
    for d in doc["dropped"]:
        if d["reason"] not in ("duplicate", "not_selected"):
            assert d["title"] not in scripts
    for noise in ("相关阅读", "相關閱讀", "阅读全文", "……", "忽略以上"):
        assert noise not in scripts


def test_feed_parses_as_a_podcast(demo_out, episode):
    _, doc = episode
    d = feedparser.parse((demo_out / "feed.xml").read_bytes())
    assert not d.bozo, d.bozo_exception
    assert len(d.entries) == 2
    for e in d.entries:
        assert e.enclosures[0].type == "audio/mpeg" and int(e.enclosures[0].length) > 10_000
        assert doc["id"] in e.enclosures[0].href


@pytest.mark.parametrize("variant,lo,hi", [("full", 240, 600), ("short", 90, 240)])
def test_audio_length_and_loudness(episode, variant, lo, hi):
    _, doc = episode
    a = doc["audio"][variant]
    assert lo <= a["duration_s"] <= hi, a["duration_s"]
    assert abs(a["lufs"] - (-16.0)) <= 1.0
    assert a["true_peak_dbtp"] <= -1.0


def test_second_edition_drops_what_the_first_aired(demo_out, episode):
    """An evening edition right after the morning one must not air the morning's stories again."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from zaowan.demo import DemoServer, demo_config
    from zaowan.pipeline import run_edition
    from zaowan.store import Store

    _, morning = episode
    with DemoServer() as srv:
        cfg = demo_config(srv.base_url, demo_out)
        ed = run_edition(cfg, edition="evening", until="write", now=datetime.now(ZoneInfo(cfg.show.timezone)))
    store = Store(cfg.db_path())
    decisions = store.decisions(ed.id)
    aired_titles = {s["title"] for s in morning["stories"]}
    evening_titles = {s.title for s in store.stories(ed.id)}
    assert not aired_titles & evening_titles
    already = [d for d in decisions if d.reason and d.reason.value == "already_aired"]
    assert len({d.story_id for d in already}) == len(morning["stories"])
    assert len(store.edition(ed.id).full) >= 4  # the rest of the day's news still makes a show


def _chromium() -> str:
    import shutil

    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    assert exe, "Debian chromium is needed for the browser test: `apt-get install chromium` (make test does it)"
    return exe


def test_episode_page_renders_in_a_real_browser(demo_out, episode, tmp_path):
    """Headless Debian chromium loads the page over loopback HTTP; the DOM it builds has both
    players, the three hooks and a link to every source."""
    import functools
    import http.server
    import threading

    ep_dir, doc = episode
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(demo_out))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/episodes/{doc['id']}/index.html"
        proc = subprocess.run(
            [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", url],
            capture_output=True, text=True, timeout=120)
    finally:
        server.shutdown()
    dom = proc.stdout
    assert proc.returncode == 0 and "<audio" in dom, proc.stderr[-2000:]
    assert dom.count("<audio") == 2 and 'src="full.mp3"' in dom and 'src="short.mp3"' in dom
    for hook in doc["hooks"]:
        assert hook in dom
    for story in doc["stories"]:
        for src in story["sources"]:
            assert f'href="{src["url"]}"' in dom.replace("&amp;", "&")
