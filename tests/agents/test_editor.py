"""The offline editor: extractive, grounded, and shaped like the show."""
from zaowan.agents.editor import (HooksInput, Paragraph, PlanCandidate, PlanInput, ProofInput, ReviewInput, TagInput,
                                  WriteInput, hooks_offline, plan_offline, proofread_offline, review_offline,
                                  story_keywords, tag_offline, write_offline)
from zaowan.agents.textrank import split_sentences, summarize
from zaowan.records import SourceRef, StoryBrief

TEXT = ("字节跳动今天发布了Seedream 4.0文生图模型。该模型在文生图和图像编辑两个榜单上都拿下了第一。"
        "它能直接生成原生4K的高清图像，还能把最多10张照片融合在一起。AI画图最难的中文字体渲染问题，它也处理得不错。"
        "目前火山方舟已经开放免费体验。图源：字节跳动")


def brief(sid="s1", text=TEXT, title="字节跳动发布Seedream 4.0", n=1):
    return StoryBrief(story_id=sid, title=title, summary_sentences=summarize(text, 2),
                      keywords=story_keywords(title, text), sources=[SourceRef(url="https://x/1", title=title, source="智源快讯")],
                      source_text=text, lead_source="智源快讯", independent_sources=n)


def test_sentences_split_and_captions_dropped():
    sents = split_sentences(TEXT)
    assert sents[0] == "字节跳动今天发布了Seedream 4.0文生图模型。"
    assert not any(s.startswith("图源") for s in sents)


def test_summary_keeps_original_order_and_is_extractive():
    picked = summarize(TEXT, 3)
    assert len(picked) == 3
    assert all(p in TEXT for p in picked)
    assert [TEXT.index(p) for p in picked] == sorted(TEXT.index(p) for p in picked)


def test_writer_paragraph_is_grounded_and_attributed():
    out = write_offline(WriteInput(variant="full", host="晓晓", briefs=[brief(n=3)], sentences_per_story=3,
                                   max_chars_per_story=200))
    text = out.paragraphs[0].text
    assert "三家媒体" in text and "据智源快讯消息" in text
    assert text.endswith("。")
    assert proofread_offline(ProofInput(paragraphs=out.paragraphs, briefs=[brief()])).issues == []


def test_proofreader_cuts_sentence_with_invented_number():
    para = Paragraph(story_id="s1", text="字节跳动发布了Seedream 4.0。它能生成8K图像。")
    out = proofread_offline(ProofInput(paragraphs=[para], briefs=[brief()]))
    assert out.paragraphs[0].text == "字节跳动发布了Seedream 4.0。"
    assert "8K" in out.issues[0]


def test_hooks_are_three_questions_built_from_the_titles():
    b2 = brief("s2", "阿里巴巴发布Qwen3-72B模型，性能超过GPT-4o。", "阿里巴巴发布Qwen3-72B，性能超过GPT-4o")
    hooks = hooks_offline(HooksInput(briefs=[brief(), b2])).hooks
    assert len(hooks) == 3 and all(h.endswith("？") for h in hooks)
    assert hooks[0].startswith("字节跳动发布Seedream 4.0，") and hooks[1].startswith("阿里巴巴发布Qwen3-72B，")
    assert hooks[2].startswith("字节跳动")  # two stories: the third question returns to the first subject
    debunk = brief("s3", "深言科技今天辟谣，称离职传闻不实。", "深言科技辟谣：创始人离职传闻不实")
    assert hooks_offline(HooksInput(briefs=[debunk])).hooks[0] == "关于深言科技的传闻，到底是真是假？"


def test_title_subject_strips_descriptors():
    from zaowan.agents.editor import title_subject

    assert title_subject("北辰半导体发布推理芯片星辰X2，单卡可跑72B量化模型") == "北辰半导体"
    assert title_subject("人形机器人新创行远机器人完成人民币6亿元B轮募资") == "行远机器人"
    assert title_subject("没有动词的标题") == ""


def test_keywords_prefer_entities_and_dedupe():
    kws = tag_offline(TagInput(briefs=[brief(), brief("s2")])).keywords
    assert kws[:2] == ["字节跳动", "Seedream4.0"]
    assert len(kws) == len({k.lower() for k in kws})


def test_review_sends_back_cut_and_noisy_paragraphs():
    bad = [Paragraph(story_id="a", text="这条新闻说到一半"), Paragraph(story_id="b", text="相关阅读：另一条新闻。")]
    r = review_offline(ReviewInput(variant="full", hooks=["一？", "二？", "三"], paragraphs=bad, min_chars=0, max_chars=999))
    assert not r.approved
    joined = " ".join(r.notes)
    assert "mid-sentence" in joined and "相关阅读" in joined and "three hook" in joined


def test_plan_skips_unwritable_and_caps_counts():
    cands = [PlanCandidate(story_id=f"s{i}", title="t", score=10 - i, status="verified", writable=(i != 1)) for i in range(8)]
    plan = plan_offline(PlanInput(candidates=cands, full_count=6, short_count=4))
    assert plan.full == ["s0", "s2", "s3", "s4", "s5", "s6"] and plan.short == plan.full[:4]
    assert "translate" in plan.notes["s1"]


def test_offline_fact_check_flags_figures_that_disagree():
    from zaowan.agents.editor import FactCheckInput, SourceExcerpt, fact_check_offline

    agree = FactCheckInput(story_id="s", title="t", sources=[
        SourceExcerpt(source="A", tier=1, excerpt="阿里发布Qwen3-72B，API降价50%。"),
        SourceExcerpt(source="B", tier=2, excerpt="Alibaba cut Qwen3-72B API prices by 50%.")])
    assert fact_check_offline(agree).verdict == "consistent"
    clash = FactCheckInput(story_id="s", title="t", sources=[
        SourceExcerpt(source="A", tier=1, excerpt="北辰X2单卡可跑110B模型。"),
        SourceExcerpt(source="B", tier=2, excerpt="北辰X2单卡可跑72B模型。")])
    out = fact_check_offline(clash)
    assert out.verdict == "conflicting" and out.notes == ["A says 110B, B says 72B"]
