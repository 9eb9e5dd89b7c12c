"""Desk → plan → write on stored articles, with no model configured: the offline editor answers."""
from datetime import datetime, timedelta, timezone

import pytest

from zaowan.config import Config, SourceConfig
from zaowan.errors import StageError
from zaowan.pipeline import new_edition, run_edition
from zaowan.records import Article, DateEvidence
from zaowan.store import Store

NOW = datetime(2026, 11, 22, 7, 30, tzinfo=timezone(timedelta(hours=8)))

STORIES = [
    ("a", "阿里巴巴发布Qwen3-72B大模型", "阿里巴巴今天发布Qwen3-72B大模型，在数学和代码评测中超过GPT-4o。模型支持128K上下文。API价格下调50%，开发者今天就能调用。"),
    ("b", "字节跳动发布Seedream 4.0文生图模型", "字节跳动今天发布了Seedream 4.0文生图模型。它能直接生成原生4K图像，还能把最多10张照片融合在一起。火山方舟已开放免费体验。"),
    ("c", "华为发布昇腾新一代AI芯片", "华为今天发布昇腾新一代AI芯片，算力比上一代提升两倍。首批产品将在明年一季度交付。"),
    ("a", "深度求索开源DeepSeek-V3.2", "深度求索今天开源了DeepSeek-V3.2模型，采用MoE架构，激活参数37B。模型权重已上传到开源社区。"),
    ("b", "月之暗面发布Kimi K2长文本更新", "月之暗面今天更新Kimi K2，上下文窗口扩展到256K。新版本在长文档问答上准确率提升12%。"),
    ("c", "智谱推出GLM-5智能体平台", "智谱今天推出基于GLM-5的智能体平台，企业可以用自然语言搭建工作流。平台首月免费。"),
    ("a", "腾讯混元发布视频生成模型", "腾讯混元今天发布视频生成模型，可以生成时长10秒的1080P视频。模型已在腾讯云上线。"),
]


def _cfg(tmp_path):
    return Config(sources=[SourceConfig(name=n, url=f"https://{n}.example/rss", tier=1) for n in "abc"],
                  output={"dir": str(tmp_path)})


@pytest.fixture()
def store_with_articles(tmp_path):
    cfg = _cfg(tmp_path)
    store = Store(cfg.db_path())
    ids = []
    for i, (src, title, text) in enumerate(STORIES):
        d = NOW - timedelta(hours=1 + i)
        a, _ = store.save_article(Article(url=f"https://{src}.example/{i}", source=src, tier=1, title=title, text=text,
                                          published_at=d, dates=[DateEvidence(value=d, origin="feed")]))
        ids.append(a.id)
    ed = new_edition(cfg, edition="morning", now=NOW)
    ed.article_ids = ids
    store.save_edition(ed)
    yield cfg, store, ed
    store.close()


def test_desk_plan_write_offline(store_with_articles):
    cfg, store, ed = store_with_articles
    run_edition(cfg, edition="morning", now=NOW, from_stage="desk", until="write", store=store)
    ed = store.edition(ed.id)
    assert len(ed.full) == 6 and ed.short == ed.full[:4]
    full, short = store.script(ed.id, "full"), store.script(ed.id, "short")
    assert full.title == "早晚AI报 2026/11/22 早报"
    assert len(full.hooks) == 3 and all(h.endswith("？") for h in full.hooks)
    assert [l.story_id for l in full.stories] == ed.full and len(short.stories) == 4
    assert all(l.text.endswith("。") for l in full.stories)
    assert sum(len(l.text) for l in short.stories) < sum(len(l.text) for l in full.stories)
    short_text = "".join(l.text for l in short.stories).replace(" ", "")
    assert short.keywords and all(k in short_text for k in short.keywords)  # Short tags its own stories
    assert set(short.keywords) <= set(full.keywords)
    # the one story that did not fit is recorded, not lost
    not_selected = [d for d in store.decisions(ed.id) if d.reason and d.reason.value == "not_selected"]
    assert len(not_selected) == 1
    # every agent call went through the router and was logged, answered offline
    calls = store.calls(ed.id)
    assert {c["agent"] for c in calls} >= {"editor_in_chief", "full_writer", "short_writer", "hook_writer",
                                           "tagger", "proofreader", "deputy_editor"}
    assert {c["provider"] for c in calls if c["status"] == "ok"} == {"offline"}


def test_rerun_from_write_is_repeatable(store_with_articles):
    cfg, store, ed = store_with_articles
    run_edition(cfg, edition="morning", now=NOW, from_stage="desk", until="write", store=store)
    first = store.script(ed.id, "full")
    run_edition(cfg, edition="morning", now=NOW, from_stage="write", until="write", store=store)
    assert store.script(ed.id, "full") == first


def test_unknown_stage_is_a_clear_error(tmp_path):
    with pytest.raises(StageError, match="unknown stage"):
        run_edition(_cfg(tmp_path), from_stage="mix")


def test_publish_stage_alone_writes_scripts_and_run_report(store_with_articles):
    """publish runs on its own from stored records (here without audio: the voice stage is skipped)."""
    import json

    cfg, store, ed = store_with_articles
    run_edition(cfg, edition="morning", now=NOW, from_stage="desk", until="write", store=store)
    run_edition(cfg, edition="morning", now=NOW, from_stage="publish", store=store)
    ep = cfg.out_dir() / "episodes" / ed.id
    doc = json.loads((ep / "episode.json").read_text(encoding="utf-8"))
    assert (ep / "full.md").read_text(encoding="utf-8").startswith("# 早晚AI报 2026/11/22 早报\n")
    assert len(doc["stories"]) == 6 and doc["dropped"][0]["reason"] == "not_selected"
    notes = " ".join(doc["run_notes"])
    assert "answers by provider offline" in notes and "missing_key:DEEPSEEK_API_KEY" in notes
    assert store.edition(ed.id).status == "published"
    assert len(store.aired_stories(before_edition="next", last_n=1)) == 6


def test_a_model_writer_is_reviewed_sent_back_and_repaired(store_with_articles, monkeypatch):
    """A loopback model (OpenAI wire format) writes the Full script: first a draft that invents a
    figure and leaves a story out, then the same again. The proofreader cuts the invented
    sentence, the deputy editor sends the draft back with notes, and after the bounded rounds the
    missing story is filled in from the sources. Everything is logged per attempt."""
    import json as _json

    from zaowan.testing.fake_llm import FakeLLM, ok

    cfg, store, ed = store_with_articles
    run_edition(cfg, edition="morning", now=NOW, from_stage="desk", until="plan", store=store)
    ed = store.edition(ed.id)
    first, *others = ed.full
    bad = {"paragraphs": [{"story_id": first, "text": "先来看一条消息。阿里巴巴发布了Qwen3-72B大模型。据说它有999个专家。"}]}
    approve = _json.dumps({"approved": True, "notes": []})
    with FakeLLM(keys={"sk-test"}) as fake:
        fake.script("writer-model", ok(_json.dumps(bad, ensure_ascii=False)), ok(_json.dumps(bad, ensure_ascii=False)),
                    ok(_json.dumps(bad, ensure_ascii=False)))
        fake.default = ok(approve)  # reviewers approve; only the missing stories send drafts back
        monkeypatch.setenv("FAKE_API_KEY", "sk-test")
        cfg = cfg.model_copy(deep=True)
        row = {"base_url": fake.openai_url, "key_env": "FAKE_API_KEY"}
        cfg.models = type(cfg.models).model_validate({
            "providers": {"fake": {**row, "models": {"writer-model": {"context": 32000}, "critic": {"context": 32000}}},
                          "fake2": {**row, "models": {"reviewer": {"context": 32000}}}},
            # the deputy editor's chain leads with the Full writer's vendor: for Full it must be
            # passed over; the Short draft (written offline) may be reviewed by it
            "roles": {"writer": ["fake/writer-model", "offline"],
                      "deputy_editor": ["fake/critic", "fake2/reviewer", "offline"]}})
        run_edition(cfg, edition="morning", now=NOW, from_stage="write", until="write", store=store)
    full = store.script(ed.id, "full")
    assert [l.story_id for l in full.stories] == ed.full  # the left-out stories came back from the sources
    assert "999" not in "".join(l.text for l in full.stories)  # the invented figure never airs
    notes = " ".join(full.review_notes)
    assert "999" in notes and "no paragraph for story" in notes and "repaired" in notes
    writer_calls = [c for c in store.calls(ed.id) if c["agent"] == "full_writer" and c["provider"] == "fake"]
    assert len(writer_calls) == cfg.edition.review_rounds + 1
    reviews = [c for c in store.calls(ed.id) if c["agent"] == "deputy_editor" and c["status"] in ("ok", "cached")]
    def variant(call):
        return _json.loads(_json.loads(call["request"])["messages"][1]["content"])["variant"]

    full_reviews = [c for c in reviews if variant(c) == "full"]
    short_reviews = [c for c in reviews if variant(c) == "short"]
    assert len(full_reviews) == cfg.edition.review_rounds + 1
    assert {c["provider"] for c in full_reviews} == {"fake2"}  # never the vendor that wrote the draft
    assert {c["provider"] for c in short_reviews} == {"fake"}  # the offline draft: chain order as configured


def test_a_model_fact_checker_that_finds_a_refutation_drops_the_story(store_with_articles, monkeypatch):
    """Two reports of one event; a (loopback) model fact checker says a tier-1 source refutes it.
    The story never reaches the plan and its articles are recorded as rumor, with the reason."""
    import json as _json

    from zaowan.records import Article, DateEvidence
    from zaowan.testing.fake_llm import FakeLLM, ok

    cfg, store, ed = store_with_articles
    d = NOW - timedelta(hours=2)
    extra = [store.save_article(Article(url=f"https://{s}.example/x{i}", source=s, tier=1, title=t, text=x, published_at=d,
                                        dates=[DateEvidence(value=d, origin="feed")]))[0].id
             for i, (s, t, x) in enumerate([
                 ("a", "小米发布Xiaomi-MiMo-9B模型", "小米今天发布Xiaomi-MiMo-9B推理模型，数学评测得分80分。"),
                 ("b", "小米推出Xiaomi-MiMo-9B推理模型", "小米推出Xiaomi-MiMo-9B推理模型，数学评测得分80分，已开源。")])]
    ed.article_ids += extra
    store.save_edition(ed)
    run_edition(cfg, edition="morning", now=NOW, from_stage="desk", until="desk", store=store)
    target = next(s for s in store.stories(ed.id) if "Xiaomi-MiMo-9B" in s.title)
    refuted = _json.dumps({"verdict": "refuted", "notes": ["小米官方称并未发布该模型"]}, ensure_ascii=False)
    consistent = _json.dumps({"verdict": "consistent", "notes": []})
    with FakeLLM(keys={"sk-test"}) as fake:
        fake.default = lambda seen: ok(refuted if "Xiaomi-MiMo-9B" in _json.dumps(seen.body, ensure_ascii=False) else consistent)
        monkeypatch.setenv("FAKE_API_KEY", "sk-test")
        cfg = cfg.model_copy(deep=True)
        cfg.models = type(cfg.models).model_validate({
            "providers": {"fake": {"base_url": fake.openai_url, "key_env": "FAKE_API_KEY",
                                   "models": {"checker": {"context": 32000}}}},
            "roles": {"fact_checker": ["fake/checker", "offline"]}})
        run_edition(cfg, edition="morning", now=NOW, from_stage="plan", until="plan", store=store)
    assert target.id not in store.edition(ed.id).full
    assert target.id not in {s.id for s in store.stories(ed.id)}
    rumors = [d for d in store.decisions(ed.id) if d.story_id == target.id]
    assert rumors and all(d.reason.value == "rumor" and "refuted" in d.detail for d in rumors)
