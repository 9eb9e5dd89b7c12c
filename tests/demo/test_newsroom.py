"""The newsroom's content and manifest: built from content/, consistent, and config-ready."""
from collections import defaultdict

import pytest

from zaowan.demo import build, demo_config, load_manifest
from zaowan.demo.build import EXPECTED_CODES
from zaowan.errors import ConfigError

# Verdicts under which an article is the story's one aired article.
LEADS = {"kept", "repaired"}


def test_committed_newsroom_matches_the_content_files():
    stale = build.stale_files(build.build_files(build.load_content()))
    assert stale == [], "run `python -m zaowan.demo.build` and commit newsroom/"


def test_manifest_items_are_well_formed(manifest):
    names = {s["name"] for s in manifest["sources"]}
    paths = [i["path"] for i in manifest["items"]]
    assert len(paths) == len(set(paths))
    for item in manifest["items"]:
        assert item["source"] in names
        assert item["expected"] in EXPECTED_CODES
        assert item["story"] and item["note"] and item["title"]
        assert (build.SITE_DIR / item["path"]).is_file() == item["page_exists"], item["path"]


def test_sources_have_tier_kind_owner_language(manifest):
    for s in manifest["sources"]:
        assert 1 <= s["tier"] <= 3
        assert s["kind"] in ("rss", "atom", "jsonfeed")
        assert s["owner"] and s["language"]
        assert (build.SITE_DIR / s["feed"]).is_file()


def test_each_story_has_at_most_one_lead_and_the_rest_fold_into_it(manifest):
    by_story = defaultdict(list)
    for item in manifest["items"]:
        by_story[item["story"]].append(item["expected"])
    for story, verdicts in by_story.items():
        assert sum(v in LEADS for v in verdicts) <= 1, story
        if "duplicate" in verdicts:
            assert sum(v in LEADS for v in verdicts) == 1, f"{story}: duplicates of no kept article"


def test_demo_config_points_at_the_server(manifest, server, tmp_path):
    cfg = demo_config(server.base_url + "/", tmp_path / "out")
    assert cfg.network.allow_hosts == ["127.0.0.1"]
    assert cfg.out_dir() == tmp_path / "out"
    assert len(cfg.sources) == len(manifest["sources"])
    for sc, s in zip(cfg.sources, manifest["sources"]):
        assert sc.url == f"{server.base_url}/{s['feed']}"
        assert (sc.name, sc.tier, sc.owner, sc.kind) == (s["name"], s["tier"], s["owner"], s["kind"])
    assert cfg.show.name  # show defaults untouched


def test_load_manifest_rejects_an_empty_file(tmp_path):
    p = tmp_path / "m.toml"
    p.write_text("")
    with pytest.raises(ConfigError):
        load_manifest(p)
    p.write_text("[[sources]\n")
    with pytest.raises(ConfigError):
        load_manifest(p)
