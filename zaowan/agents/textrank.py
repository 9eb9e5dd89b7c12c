"""Extractive summarisation for the offline editor: TextRank over jieba tokens (pure).

Offline, the newsroom may only say what the sources say, so the editor picks sentences rather
than writing new ones; TextRank ranks them by how much they share with the rest of the article,
with a small bonus for the lead, which in news carries the who/what/when.
"""
from __future__ import annotations

import math
import re

import numpy as np

_SENT_END = re.compile(r"(?<=[。！？!?；])\s*|(?<=[.!?])\s+(?=[A-Z\"“])")
_NOISE = re.compile(r"^(图源|圖源|图片来源|来源|編輯|编辑|责任编辑|记者|本文来自|原标题|点击|扫码|关注我们|声明)[:：]?")
_STOP = set("的 了 在 是 和 与 及 也 都 就 而 将 对 为 把 被 让 从 到 这 那 一个 我们 他们 你 我 他 她 它 其 该 并 等 或 但 还 又 已 已经 于 以 之 个 中 上 下 后 前 说 表示 称".split())


def split_sentences(text: str) -> list[str]:
    """Sentences in order, with whitespace normalised; captions and bylines left out."""
    out: list[str] = []
    for para in text.splitlines():
        for s in _SENT_END.split(para.strip()):
            s = s.strip()
            if len(s) >= 6 and not _NOISE.match(s):
                out.append(s)
    return out


# The field's own vocabulary: jieba keeps these whole, and they make the best hashtags.
DOMAIN_WORDS = ("文生图", "文生视频", "图生视频", "视频生成", "语音合成", "语音识别", "大模型", "小模型", "端侧模型",
                "具身智能", "人形机器人", "机器人", "智能体", "多模态", "开源", "推理模型", "推理芯片", "AI芯片",
                "芯片", "算力", "智算中心", "液冷", "上下文", "MoE", "量化", "降价", "融资", "医疗AI", "辅助诊断",
                "AI家教", "AI眼镜", "同传", "编程", "评测", "榜单", "自动驾驶", "向量模型", "数据中心", "云计算")
_DOMAIN_WORDS = DOMAIN_WORDS + ("参数量",)
_dict_ready = False


def _jieba():
    """jieba with the newsroom's vocabulary (AI terms and company names) added once."""
    global _dict_ready
    import jieba

    if not _dict_ready:
        from ..desk.entities import ORGS

        jieba.setLogLevel(60)
        for w in _DOMAIN_WORDS + tuple(n for names in ORGS.values() for n in names):
            jieba.add_word(w, freq=50000)
        _dict_ready = True
    return jieba


def tokens(sentence: str) -> list[str]:
    jieba = _jieba()

    return [w for w in jieba.lcut(sentence) if w.strip() and w not in _STOP and not re.fullmatch(r"\W+", w)]


def _similarity(a: list[str], b: list[str]) -> float:
    if len(a) < 2 or len(b) < 2:
        return 0.0
    common = len(set(a) & set(b))
    return common / (math.log(len(a)) + math.log(len(b)))


def rank_sentences(sentences: list[str], *, damping: float = 0.85, lead_bonus: float = 0.15) -> list[float]:
    n = len(sentences)
    if n == 0:
        return []
    toks = [tokens(s) for s in sentences]
    w = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            w[i, j] = w[j, i] = _similarity(toks[i], toks[j])
    out_sum = w.sum(axis=1)
    out_sum[out_sum == 0] = 1.0
    m = (w / out_sum[:, None]).T
    score = np.full(n, 1.0 / n)
    for _ in range(50):
        nxt = (1 - damping) / n + damping * (m @ score)
        if np.abs(nxt - score).sum() < 1e-6:
            score = nxt
            break
        score = nxt
    bonus = np.array([lead_bonus / (1 + i) for i in range(n)])
    return list(score / max(score.max(), 1e-9) + bonus)


def summarize(text: str, k: int, *, max_chars: int = 0) -> list[str]:
    """The `k` best sentences of `text`, in their original order (optionally capped in length)."""
    sents = split_sentences(text)
    if len(sents) <= k:
        chosen = sents
    else:
        # The lead sentence always opens: later sentences lean on it ("调整后，…" means nothing alone).
        scores = rank_sentences(sents)
        rest = sorted(range(1, len(sents)), key=lambda i: -scores[i])[: k - 1]
        chosen = [sents[i] for i in [0, *sorted(rest)]]
    if max_chars:
        total, capped = 0, []
        for s in chosen:
            if capped and total + len(s) > max_chars:
                break
            capped.append(s)
            total += len(s)
        chosen = capped
    return chosen


def keywords(text: str, k: int = 8) -> list[str]:
    _jieba()
    import jieba.analyse

    # Nouns and names only: verbs and measure words make poor hashtags.
    tags = jieba.analyse.extract_tags(text, topK=k * 2, allowPOS=("n", "nz", "nt", "nr", "ns", "vn", "eng"))
    return [w for w in tags if len(w) >= 2 and not w.isdigit()][:k]
