"""Metric kinds: what a target measures (智算, 通用, 储能装机, 产业规模, 充电桩…), named once for tables, prose and
questions alike. Totals never add two kinds, so 新增 (additions in a year) is a kind apart from the cumulative
installed base (光伏新增装机 vs 光伏装机)."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.core.models import Family, Metric

# Compute (FLOPS) kinds, read by metric_of below.
_AI = re.compile(r"智算|智能算力")
_HPC = re.compile(r"超算|超级算力")
_TOTAL = re.compile(r"总算力|算力总规模|算力规模|计算力")

# Other kinds: (kind, the family its values belong to, words that name it). More specific entries first.
KINDS: list[tuple[str, Family | None, re.Pattern[str]]] = [
    ("光伏新增装机", Family.POWER, re.compile(r"新增光伏|光伏新增")),
    ("光伏装机", Family.POWER, re.compile(r"光伏")),
    ("风电新增装机", Family.POWER, re.compile(r"新增风电|风电新增")),
    ("风电装机", Family.POWER, re.compile(r"风电")),
    ("储能装机", None, re.compile(r"储能")),  # GW or GWh: the unit tells
    ("抽水蓄能装机", Family.POWER, re.compile(r"抽水蓄能|抽蓄")),
    ("新能源装机", Family.POWER, re.compile(r"新能源装机|可再生能源装机")),
    ("超充桩", Family.COUNT, re.compile(r"超充桩|超级充电桩|超充站")),
    ("充电桩", Family.COUNT, re.compile(r"充电桩|充电设施")),
    ("5G基站", Family.COUNT, re.compile(r"5G\s*基站|基站")),
    ("机架", Family.COUNT, re.compile(r"标准机架|机架")),
    ("数据中心", Family.COUNT, re.compile(r"数据中心")),
    ("产业规模", Family.MONEY, re.compile(r"产业规模|产值|营业收入|营收|产业集群规模")),
    ("投资", Family.MONEY, re.compile(r"投资|投入")),
]
_COMPUTE_WORD = re.compile(r"通用|智算|智能算力|超算|超级算力|高性能|总算力")


def metric_of(clause: str, generic: bool = True) -> Metric | None:
    """Compute metric named in a clause; a bare "算力" counts as 总算力 only when `generic`."""
    ai, hpc = _AI.search(clause), _HPC.search(clause)
    if "高性能" in clause or (ai and hpc):  # the reports call 智算 + 超算 together 高性能算力
        return Metric.HIGH_PERFORMANCE
    if ai:
        return Metric.INTELLIGENT
    if hpc:
        return Metric.SUPER
    if "通用" in clause:
        return Metric.GENERAL
    if _TOTAL.search(clause) or (generic and "算力" in clause):
        return Metric.TOTAL
    return None


def compute_words(text: str) -> list[str]:
    """The compute metric words of `text` in order ("通用、智算、超算…分别达 2、5、10" pairs them with values)."""
    return _COMPUTE_WORD.findall(text)


@lru_cache(maxsize=4096)  # read for every table row a figure question retrieves
def kinds_in(text: str) -> frozenset[str]:
    """The kinds of physical thing `text` names (光伏配储 → 光伏装机, 储能装机; 智算 → 算力): not money, which every
    company table writes (营收, 投入) whatever it is about."""
    kinds = {kind for kind, family, words in KINDS if family is not Family.MONEY and words.search(text)}
    return frozenset(kinds | ({"算力"} if metric_of(text, generic=True) else set()))


def kind_of(text: str, family: Family | None = None, generic: bool = True) -> str | None:
    """The metric kind `text` names, for a value of `family` (None: any family). A FLOPS value takes a compute
    metric; other values take the first KINDS entry that fits their family."""
    if family in (None, Family.FLOPS):
        metric = metric_of(text, generic)
        if metric is not None:
            return metric.value
        if family is Family.FLOPS:
            return None
    # the kind named nearest before the value wins ("数据中心51个、标准机架17.2万个": 机架); ties go to the more
    # specific entry, listed first (新增光伏 over 光伏)
    best: tuple[int, int, str] | None = None
    for rank, (kind, kind_family, words) in enumerate(KINDS):
        if family is not None and kind_family not in (None, family):
            continue
        ends = [m.end() for m in words.finditer(text)]
        if ends and (best is None or (ends[-1], -rank) > best[:2]):
            best = (ends[-1], -rank, kind)
    return best[2] if best else None


def is_kind(name: str) -> bool:
    """Whether `name` is a known metric kind (a cell of a kind column, a question word)."""
    return name in {m.value for m in Metric} or any(kind == name for kind, _, _ in KINDS)
