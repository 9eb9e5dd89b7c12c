"""Store, config and script conversion: the shared foundation every stage stands on."""
from datetime import datetime, timezone

import pytest

from zaowan.config import load_config, parse_config
from zaowan.errors import ConfigError
from zaowan.records import Article, Decision, DropReason, Edition, Story
from zaowan.store import Store
from zaowan.zh import to_simplified


def test_article_versions_are_idempotent(tmp_path):
    store = Store(tmp_path / "z.db")
    a = Article(url="https://x.example/1", source="s", title="标题", text="正文。")
    assert store.save_article(a)[1] == "new"
    assert store.save_article(a)[1] == "unchanged"
    updated, status = store.save_article(Article(url="https://x.example/1", source="s", title="标题", text="更新后的正文。"))
    assert status == "updated" and updated.version == 2
    latest = store.articles()
    assert len(latest) == 1 and latest[0].text == "更新后的正文。"
    assert len(store.articles(latest_only=False)) == 2


def test_migrations_run_once(tmp_path):
    Store(tmp_path / "z.db").close()
    store = Store(tmp_path / "z.db")
    names = [r[0] for r in store.query("SELECT name FROM _migrations")]
    assert names[0] == "m001_initial" and len(names) == len(set(names))


def test_aired_stories_come_from_published_editions_only(tmp_path):
    store = Store(tmp_path / "z.db")
    now = datetime(2026, 11, 22, tzinfo=timezone.utc)
    for eid, published in (("e1", now), ("e2", None)):
        store.save_edition(Edition(id=eid, edition="morning", date="2026-11-22", show_name="s", started_at=now,
                                   published_at=published))
        story = Story(id=f"s-{eid}", title="t", article_ids=["a"], lead_article_id="a", sources=[])
        store.replace_stories(eid, [story])
        store.mark_aired(eid, [story.id])
    aired = store.aired_stories(before_edition="e3", last_n=5)
    assert [eid for eid, _ in aired] == ["e1"]


def test_decisions_round_trip(tmp_path):
    store = Store(tmp_path / "z.db")
    d = Decision(article_id="a", url="u", title="t", kept=False, reason=DropReason.stale, detail="20 days old")
    store.replace_decisions("e1", [d])
    assert store.decisions("e1") == [d]


def test_config_errors_name_the_key(tmp_path):
    with pytest.raises(ConfigError, match=r"sources\.0\.tier"):
        parse_config({"sources": [{"name": "a", "url": "https://a", "tier": 7}]})
    bad = tmp_path / "z.toml"
    bad.write_text("[show\nname=1", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)
    with pytest.raises(ConfigError, match="zaowan init"):
        load_config(tmp_path / "missing.toml")


def test_relative_paths_are_relative_to_the_config_file(tmp_path):
    (tmp_path / "sub").mkdir()
    cfg_file = tmp_path / "sub" / "zaowan.toml"
    cfg_file.write_text('[output]\ndir = "out"\n[[sources]]\nname = "inbox"\nurl = "./inbox"\n', encoding="utf-8")
    cfg = load_config(cfg_file)
    assert cfg.output.dir == str(tmp_path / "sub" / "out")
    assert cfg.sources[0].url == str(tmp_path / "sub" / "inbox")


def test_example_config_parses():
    import tomllib
    from importlib import resources

    cfg = parse_config(tomllib.loads(resources.files("zaowan").joinpath("example.toml").read_text(encoding="utf-8")))
    assert cfg.sources and cfg.edition.full_stories == 6


def test_simplified_conversion_keeps_protected_names():
    assert to_simplified("華為發布昇騰晶片，這個模型於今天上線") == "华为发布昇腾晶片，这个模型于今天上线"
    assert to_simplified("华为昇腾芯片") == "华为昇腾芯片"


def test_loudness_target_follows_channels_unless_set():
    from zaowan.config import AudioConfig

    assert AudioConfig().loudness_target == -16.0
    assert AudioConfig(channels=1).loudness_target == -19.0
    assert AudioConfig(channels=1, target_lufs=-16.0).loudness_target == -16.0
