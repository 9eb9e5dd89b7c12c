"""The demo newsroom is the ingest desk's first real user: its planted traps must come out right."""
from __future__ import annotations

import re

import pytest

from zaowan.ingest import ingest
from zaowan.ingest.script import detect_script

demo = pytest.importorskip("zaowan.demo")

FOOTER = re.compile(r"相关阅读|相關閱讀|延伸阅读|延伸閱讀|Related articles")


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    from zaowan.store import Store

    manifest = demo.load_manifest()
    with demo.DemoServer() as srv:
        cfg = demo.demo_config(srv.base_url, str(tmp_path_factory.mktemp("demo")))
        store = Store(":memory:")
        report = ingest(cfg, store)
        arts = [store.article(i) for i in report.article_ids]
        by_path = {a.url.split("?")[0].removeprefix(srv.base_url + "/"): a for a in arts}
        yield manifest, report, by_path, store
        store.close()


def test_every_demo_source_is_ingested(demo_run):
    manifest, report, by_path, _ = demo_run
    assert [s.status for s in report.sources] == ["ok"] * len(manifest["sources"])
    assert sorted(by_path) == sorted(i["path"] for i in manifest["items"])


def test_truncated_items_are_marked_and_repaired_ones_are_whole(demo_run):
    manifest, _, by_path, _ = demo_run
    for item in manifest["items"]:
        art = by_path[item["path"]]
        if item["expected"] == "truncated":
            assert art.truncated and "404" in art.truncation_detail, item["path"]
        else:
            assert not art.truncated, (item["path"], art.truncation_detail)
        if item["expected"] == "repaired":
            assert art.text.rstrip()[-1] in "。！？”", art.text[-40:]


def test_no_footer_list_reaches_an_article(demo_run):
    manifest, _, by_path, _ = demo_run
    for item in manifest["items"]:
        art = by_path[item["path"]]
        assert not FOOTER.search(art.text), (item["path"], art.text[-200:])
        assert "related-" not in art.text


def test_traditional_source_is_simplified_downstream(demo_run):
    manifest, _, by_path, _ = demo_run
    trad = [s["name"] for s in manifest["sources"] if s["name"] == "科創週報"]
    items = [i for i in manifest["items"] if i["source"] in trad]
    assert items
    for item in items:
        art = by_path[item["path"]]
        assert art.script == "hant" and art.lang == "zh"
        assert detect_script(art.text) == "hans" and detect_script(art.text_original) == "hant"
        assert art.title != art.title_original


def test_every_demo_article_has_dated_evidence(demo_run):
    _, _, by_path, _ = demo_run
    for path, art in by_path.items():
        assert art.published_at is not None and art.published_at.tzinfo is not None, path
        assert any(d.origin == "feed" for d in art.dates)


def test_recycled_item_keeps_the_older_page_date(demo_run):
    """Fed as today, first published 40 days ago: the page's own date must be in the evidence."""
    manifest, _, by_path, _ = demo_run
    recycled = [i for i in manifest["items"] if i["expected"] == "recycled"]
    assert recycled
    for item in recycled:
        art = by_path[item["path"]]
        older = [d for d in art.dates if d.origin != "feed" and (art.published_at - d.value).days >= 20]
        assert older, art.dates
