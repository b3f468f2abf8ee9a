"""Deterministic routing: aggregate questions about targets go to the totals tool, the rest do not.

A look-up ("北京的智算规划是多少？") is answered from retrieved text with citations; only totals, counts,
largest/smallest and lists need arithmetic over the target rows. Which reports a question names comes from the
question analysis (report cards), not from patterns here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.core.models import Family, GroupBy, Metric, Op, TotalResult
from assistant.core.text import has_cjk
from assistant.targets.kinds import KINDS
from assistant.targets.regions import NATIONAL, region_mentions
from assistant.targets.totals import TotalsQuery
from assistant.targets.table_calc import TableTotal, asked_unit
from assistant.targets.units import convert_unit, fmt

# Checked in this order: "how many … in total" is a count, "which region is highest" a max.
_OPS: list[tuple[Op, re.Pattern[str]]] = [
    (Op.COUNT, re.compile(r"多少个|几个|多少地区|多少省|多少城市|\bhow many\b|\bnumber of\b|\bcount\b", re.I)),
    (Op.MAX, re.compile(r"最大|最高|最多|\blargest\b|\bhighest\b|\bbiggest\b|\bthe most\b|\bmaximum\b", re.I)),
    (Op.MIN, re.compile(r"最小|最低|最少|\bsmallest\b|\blowest\b|\bthe least\b|\bminimum\b", re.I)),
    (Op.SUM, re.compile(r"合计|总计|一共|加起来|总和|总共|共计|累计|\btotal\b|\bsum\b|\badd(?:ed)? up\b|"
                        r"\bcombined\b|\baltogether\b", re.I)),
    (Op.LIST, re.compile(r"列出|列举|哪些|有哪几|\blist\b|\bwhich regions\b|\bwhat regions\b|\bshow all\b", re.I)),
]
_TOPIC = re.compile(r"规划|目标|flops|\btargets?\b|\bplans?\b|\bplanned\b|\bgoals?\b", re.I)
# Enough with an arithmetic word ("智算算力合计", "储能装机合计"), not with a bare "哪些" ("哪些部门领导智算中心").
_COMPUTE_TOPIC = re.compile(r"算力|智算|超算|flops|\bcompute\b|\bcomputing\b", re.I)
_NATIONAL = re.compile(r"全国(?!各)|工信部|工业和信息化部|国务院|\bMIIT\b|\bState Council\b|\bnational\b|\bnationwide\b", re.I)
_METRICS: list[tuple[str | Metric, re.Pattern[str]]] = [
    (Metric.HIGH_PERFORMANCE, re.compile(r"高性能|high[- ]performance", re.I)),
    (Metric.TOTAL, re.compile(r"总算力|(?<![智超]算)算力规模|total (?:compute|computing)|overall (?:compute|computing)", re.I)),
    (Metric.GENERAL, re.compile(r"通用|general[- ]purpose|\bgeneral\b", re.I)),
    (Metric.SUPER, re.compile(r"超算|超级算力|supercomput", re.I)),
    (Metric.INTELLIGENT, re.compile(r"智算|智能算力|\bAI compute|\bintelligent", re.I)),
    *((kind, words) for kind, _, words in KINDS),  # 储能装机, 光伏装机, 产业规模, 充电桩…
    # Metrics no table states: passed through so the tool abstains instead of answering for 智算.
    ("量子", re.compile(r"量子|quantum", re.I)),
    ("存储", re.compile(r"存储|storage", re.I)),
    ("边缘算力", re.compile(r"边缘|\bedge\b", re.I)),
]
_COUNTED_KINDS = {kind for kind, family, _ in KINDS if family is Family.COUNT}
_GROUPS = [
    (GroupBy.YEAR, re.compile(r"按年|分年|每年|各年|\bby year\b|\bper year\b|\beach year\b", re.I)),
    (GroupBy.REGION, re.compile(r"按地区|按省|分地区|各地区分别|\bby region\b|\bper region\b", re.I)),
    (GroupBy.METRIC, re.compile(r"按口径|按类型|分口径|\bby metric\b|\bby type\b", re.I)),
]
_SOURCES = [
    (re.compile(r"两份报告|两篇报告|两家|所有来源|所有报告|全部报告|both reports|all (?:the )?(?:reports|sources)", re.I), "all"),
    (re.compile(r"图表\s*([0-9]+)"), "图表{}"),
    (re.compile(r"图\s*([0-9]+)"), "图{}"),
]
_MONTHS = "january february march april may june july august september october november december".split()
_PUBLISHED_MONTH = [
    re.compile(r"(20[0-9]{2})\s*年\s*([0-9]{1,2})\s*月"),
    re.compile(r"(20[0-9]{2})-([0-9]{2})\b"),
]
_EN_MONTH = re.compile(r"\b(" + "|".join(_MONTHS + [m[:3] for m in _MONTHS]) + r")\b\.?\s+(20[0-9]{2})\b", re.I)
_PUBLISHED_YEAR = [
    re.compile(r"(20[0-9]{2})\s*年?\s*(?:发布|出台|印发|颁布)"),
    re.compile(r"(?:发布|出台|印发|颁布)(?:于|在|时间为)?\s*(20[0-9]{2})\s*年?"),
    re.compile(r"\b(?:published|issued|released)\s+(?:in\s+)?(20[0-9]{2})\b", re.I),
]
_TARGET_YEAR = re.compile(r"(?<![0-9])(20[0-9]{2}|[0-9]{2}(?=\s*年))(?![0-9])")


def _published(q: str) -> tuple[dict, str]:
    """Publication filters, and the question with those spans blanked so their years are not read as targets."""
    found: dict = {}
    spans: list[tuple[int, int]] = []
    for pattern in _PUBLISHED_MONTH:
        for m in pattern.finditer(q):
            if 1 <= int(m[2]) <= 12 and "published_from" not in found:
                found["published_from"] = found["published_to"] = f"{m[1]}-{int(m[2]):02d}"
            spans.append(m.span())
    for m in _EN_MONTH.finditer(q):
        month = [x[:3] for x in _MONTHS].index(m[1][:3].lower()) + 1
        found.setdefault("published_from", f"{m[2]}-{month:02d}")
        found.setdefault("published_to", f"{m[2]}-{month:02d}")
        spans.append(m.span())
    for pattern in _PUBLISHED_YEAR:
        for m in pattern.finditer(q):
            if "published_from" not in found:
                found.setdefault("published_year", int(m[1]))
            spans.append(m.span())
    for s, e in spans:
        q = q[:s] + " " * (e - s) + q[e:]
    return found, q


def _regions(q: str, known_regions: Sequence[str]) -> list[str]:
    """Regions the question names: those of the target rows, any place the hierarchy knows, English names, 全国."""
    hits: list[tuple[int, str]] = []
    taken = [False] * len(q)
    for name in sorted(set(known_regions) - {NATIONAL}, key=len, reverse=True):
        for m in re.finditer(re.escape(name), q):
            if not any(taken[m.start() : m.end()]):
                hits.append((m.start(), name))
                taken[m.start() : m.end()] = [True] * (m.end() - m.start())
    for start, end, name in region_mentions(q):
        if not any(taken[start:end]):
            hits.append((start, name))
    for m in _NATIONAL.finditer(q):
        hits.append((m.start(), NATIONAL))
    return list(dict.fromkeys(name for _, name in sorted(hits)))


def _named_kind(question: str) -> str | Metric | None:
    """The metric kind the question names; compute questions default to 智算 (the kind most tables state)."""
    named = next((m for m, pattern in _METRICS if pattern.search(question)), None)
    if named is None and _COMPUTE_TOPIC.search(question):
        return Metric.INTELLIGENT
    return named


def route(question: str, known_regions: list[str], scope: Sequence[str] = ()) -> TotalsQuery | None:
    """A TotalsQuery for aggregate questions about targets, else None (answer by retrieval). `scope`: the report
    ids the question names (QuestionAnalysis.scope); rows of other reports are left out."""
    op = next((op for op, pattern in _OPS if pattern.search(question)), None)
    if op is None:
        return None
    metric = _named_kind(question)
    if not (_TOPIC.search(question) or (op is not Op.LIST and metric is not None)):
        return None
    if op is Op.COUNT and metric in _COUNTED_KINDS and dict(_OPS)[Op.SUM].search(question):
        op = Op.SUM  # "充电桩一共多少个": 个 is the unit of the sum, not a count of rows
    filters, rest = _published(question)
    year = _TARGET_YEAR.search(rest)
    if year:
        filters["target_year"] = int(year[1]) if len(year[1]) == 4 else 2000 + int(year[1])
    group_by = next((g for g, pattern in _GROUPS if pattern.search(question)), None)
    source = next((fmt_.format(*m.groups()) for p, fmt_ in _SOURCES if (m := p.search(question))), None)
    regions = _regions(question, known_regions)
    return TotalsQuery(
        op=op,
        metric=metric,
        regions=regions,
        include_national=NATIONAL in regions,
        group_by=group_by,
        source_table=source,
        reports=list(scope),
        **filters,
    )


# ---- answer text -----------------------------------------------------------------------------------------


def in_unit(value, unit: str, asked: str) -> str:
    """ "（= 2460 万千瓦）" when the question asks for another unit of the same family, else ""."""
    if not asked or not unit or asked.lower() == unit.lower():
        return ""
    try:
        return f"（= {fmt(convert_unit(value, unit, asked))} {asked}）"
    except ValueError:
        return ""


def format_table_total(question: str, result: TableTotal, asked: str = "") -> str:
    """A table aggregate: the figure (in the unit asked, too), the formula, the terms each with [n]."""
    zh = has_cjk(question)
    v, unit = fmt(result.value), result.unit
    extra = in_unit(result.value, unit, asked) if result.op != "count" else ""
    where = result.terms[0].label if result.op in ("max", "min") and result.terms else ""
    head = {
        "sum": (f"合计 {v} {unit}{extra}", f"Total: {v} {unit}{extra}"),
        "count": (f"共 {v} 项", f"Count: {v}"),
        "max": (f"最大为 {v} {unit}{extra}（{where}）", f"Largest: {v} {unit}{extra} ({where})"),
        "min": (f"最小为 {v} {unit}{extra}（{where}）", f"Smallest: {v} {unit}{extra} ({where})"),
    }[result.op][0 if zh else 1]
    source = result.table.caption or result.table.id
    lines = [head + (f"——{source}，{result.measure}。" if zh else f" — {source}, {result.measure}."),
             ("算式：" if zh else "Arithmetic: ") + result.expression]
    lines += [f"- {t.label}: {t.as_written} [{i}]" for i, t in enumerate(result.terms, start=1)]
    return "\n".join(lines)


def format_total_answer(question: str, result: TotalResult) -> str:
    """Figure, arithmetic, caveats and [n] markers; marker n stands for result.rows[n-1].citation."""
    zh = has_cjk(question)
    caveats = [c.text(zh) for c in result.caveats]
    if result.value is None:
        head = "没有匹配的行：表格中没有能回答这个问题的数据。" if zh else "No matching rows: the tables hold no data that answers this."
        return "\n".join([head, *(f"- {c}" for c in caveats)])
    n = len(result.rows)
    v = fmt(result.value)
    where = "、".join(r.region for r in result.rows) if zh else ", ".join(r.region for r in result.rows)
    extra = in_unit(result.value, result.unit, asked_unit(question))
    head = {
        "sum": (f"合计 {v} {result.unit}{extra}（{n} 行）。", f"Total: {v} {result.unit}{extra} over {n} rows."),
        "count": (f"共 {v} 行。", f"Count: {v} rows."),
        "max": (f"最大为 {v} {result.unit}（{where}）。", f"Largest: {v} {result.unit} ({where})."),
        "min": (f"最小为 {v} {result.unit}（{where}）。", f"Smallest: {v} {result.unit} ({where})."),
        "list": (f"共 {v} 行：", f"{v} rows:"),
    }[result.op][0 if zh else 1]
    lines = [head]
    for i, r in enumerate(result.rows, start=1):
        figure = f"{r.region} {r.target_year}: {r.qualifier}{fmt(r.value)} {r.unit}"
        meta = f"（{r.metric}，{r.document}）" if zh else f" ({r.metric}, {r.document})"
        lines.append(f"- {figure}{meta} [{i}]")
    if result.expression:
        lines.append(("算式：" if zh else "Arithmetic: ") + result.expression)
    if result.groups:
        groups = "; ".join(f"{k}: {fmt(val)}" for k, val in result.groups.items())
        lines.append(("分组：" if zh else "By group: ") + groups)
    if caveats:
        lines.append("注意：" if zh else "Caveats:")
        lines += [f"- {c}" for c in caveats]
    return "\n".join(lines)
