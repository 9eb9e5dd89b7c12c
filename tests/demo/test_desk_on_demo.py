"""End to end over real HTTP: ingest + desk on the demo newsroom reach the manifest's verdicts.

Loads the embedding model, so it is opt-in: `pytest -m slow tests/demo`.
"""
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest

from zaowan.demo import DemoServer, demo_config


@pytest.mark.slow
def test_ingest_and_desk_reach_the_manifest_verdicts(request, manifest, tmp_path):
    if "slow" not in (request.config.getoption("-m") or ""):
        pytest.skip("loads the embedder (~20 s on 2 cores): run with -m slow")
    from zaowan.desk import default_embedder, vet
    from zaowan.ingest import ingest
    from zaowan.store import Store

    now = datetime.now(timezone.utc)
    with DemoServer(now=now) as srv:
        cfg = demo_config(srv.base_url, tmp_path)
        store = Store(":memory:")
        report = ingest(cfg, store, now=now)
    assert all(s.status == "ok" for s in report.sources)
    articles = [store.article(i) for i in report.article_ids]
    result = vet(articles, cfg, now=now, window=timedelta(hours=14), embed=default_embedder())

    expected = {i["path"]: i["expected"] for i in manifest["items"]}
    got = {urlsplit(d.url).path.lstrip("/"): "kept" if d.kept else d.reason.value for d in result.decisions}
    want = {p: ("kept" if e == "repaired" else e) for p, e in expected.items()}
    assert got == want
    repaired = [a for a in articles if any(i["expected"] == "repaired" and a.url.endswith(i["path"])
                                           for i in manifest["items"])]
    assert repaired and all(not a.truncated and a.text.rstrip().endswith("。") for a in repaired)
    # No "相关阅读 / Related articles / 延伸閱讀" headline may reach a kept article's text.
    noise = ("低空经济", "咖啡连锁", "Chipmaker outlines", "warehouse arms", "車展", "车展", "關東煮", "关东煮")
    assert not [a.url for a in articles for n in noise if n in a.text]
