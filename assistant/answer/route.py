"""Deterministic routing: aggregate questions about targets go to the totals tool, the rest do not.

A look-up ("北京的智算规划是多少？") is answered from retrieved text with citations; only totals, counts,
largest/smallest and lists need arithmetic over the target rows. Which reports a question names comes from the
question analysis (report cards), not from patterns here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from assistant.core.asks import ENTITY_SET, blanked, excluded_text, ops_in, published_years, without_exclusions
from assistant.core.glossary import english_name
from assistant.core.models import Family, GroupBy, Metric, Op, TotalResult
from assistant.core.text import has_cjk, question_lang
from assistant.targets.kinds import KINDS, is_kind
from assistant.targets.regions import NATIONAL, normalise_region, region_mentions
from assistant.targets.totals import TotalsQuery
from assistant.targets.table_calc import (TABLE_REF_RE, TableTerm, TableTotal, asked_units, bigrams,
                                          first_op, label_unit, share_asked)
from assistant.targets.units import convert_unit, fmt, percent_change, shown, unit_named, with_unit

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
_ALL_SOURCES = re.compile(r"两份报告|两篇报告|两家|所有来源|所有报告|全部报告|both reports|all (?:the )?(?:reports|sources)", re.I)


def _source(question: str) -> str | None:
    """"all" for both reports; a table named as the reports name it (图3, 图表2), or by its number alone when
    named in English (Figure 3 → "3": the tool matches it whatever the report's prefix); the one table-reference
    rule is table_calc's."""
    if _ALL_SOURCES.search(question):
        return "all"
    m = TABLE_REF_RE.search(question)
    if not m:
        return None
    return f"{m[1]}{m[2]}" if has_cjk(m[1]) else m[2]
_MONTHS = "january february march april may june july august september october november december".split()
_PUBLISHED_MONTH = [
    re.compile(r"(20[0-9]{2})\s*年\s*([0-9]{1,2})\s*月"),
    re.compile(r"(20[0-9]{2})-([0-9]{2})\b"),
]
_EN_MONTH = re.compile(r"\b(" + "|".join(_MONTHS + [m[:3] for m in _MONTHS]) + r")\b\.?\s+(20[0-9]{2})\b", re.I)
# a target year ruled out: "不是2025年", "不以2025年为目标", "2025年以外", "other than 2025"
_NOT_YEAR = re.compile(r"(?:不是|并非|不以|非)\s*(?:以)?\s*(20[0-9]{2}|[0-9]{2}(?=\s*年))\s*年?|(20[0-9]{2})\s*年?以外|"
                       r"\b(?:other than|except|not)\s+(?:for\s+|in\s+)?(20[0-9]{2})\b", re.I)
_TARGET_YEAR = re.compile(r"(?<![0-9])(20[0-9]{2}|[0-9]{2}(?=\s*年))(?![0-9])")


def _full_year(digits: str) -> int:
    """"2025" → 2025, "25" (25年) → 2025."""
    return int(digits) if len(digits) == 4 else 2000 + int(digits)


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
    for year, span in published_years(q):
        if "published_from" not in found:
            found.setdefault("published_year", year)
        spans.append(span)
    return found, blanked(q, spans)


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


def _label_named(question: str, labels: Sequence[str]) -> str | None:
    """The metric label of the target rows the question names — whole ("普惠小微贷款余额"), else most of its
    words ("普惠小微贷款": 5 of its 7 bigrams) — so a kind no word list knows is still asked for by name."""
    q = bigrams(question)
    best: tuple[float, str] | None = None
    for label in labels:
        if len(label) < 2 or is_kind(label):
            continue  # known kinds are matched by their words below
        grams = bigrams(label)
        share = 1.0 if label in question else len(grams & q) / len(grams) if grams else 0.0
        if share >= 0.6 and len(grams & q) >= 2 and (best is None or (share, len(label)) > (best[0], len(best[1]))):
            best = (share, label)
    return best[1] if best else None


# kinds listed to be added together: "通用算力、智算算力、超算算力加在一起", "智算和超算合计"
_LISTED = re.compile(r"[、和与及]|\band\b|\bplus\b", re.I)


def _named_kinds(question: str) -> list[str | Metric]:
    """Every kind the question names, in order, when it lists two or more to add up; else []."""
    found = sorted((m.start(), kind) for kind, pattern in _METRICS for m in [pattern.search(question)] if m)
    kinds = list(dict.fromkeys(kind for _, kind in found))
    if len(kinds) < 2 or not _LISTED.search(question[found[0][0]:found[-1][0]]):
        return []
    return kinds


def _named_kind(question: str, known_metrics: Sequence[str] = ()) -> str | Metric | None:
    """The metric kind the question names; compute questions default to 智算 (the kind most tables state)."""
    named = _label_named(question, known_metrics) or next((m for m, pattern in _METRICS if pattern.search(question)),
                                                          None)
    if named is None and _COMPUTE_TOPIC.search(question):
        return Metric.INTELLIGENT
    return named


# "其余四个省", "剩下5个", "7个省市", "三个西部省份": how many regions the question says it is about
_STATED_COUNT = re.compile(r"(?<![0-9])([0-9]{1,2}|[一二两三四五六七八九十]{1,3})\s*(?:个(?!月|百分点|季度|小时|工作日|基点)\s*(?:[\u4e00-\u9fff]{0,2}?(?:省份|省市|省|地区|城市|区域))?"
                           r"|(?:省份|省市|省|地区|城市))")


# a sum over a counted set of companies or banks is an entity table's: target rows are regions' plans
_ENTITY_SET = re.compile(ENTITY_SET, re.I)


# "省级地区": provinces only — a city's target is usually inside its province's
_PROVINCIAL = re.compile(r"省级|省一级|各省(?!市)|\bprovincial[- ]level\b", re.I)


def _stated_count(question: str) -> int | None:
    import cn2an

    found = list(_STATED_COUNT.finditer(question))
    if not found:
        return None
    try:
        n = int(cn2an.cn2an(found[-1][1], "smart"))
    except ValueError:
        return None
    return n if n >= 1 else None


# A rate asked of the rows (the tool's values are amounts: compute, power, money, counts)
_RATE_ASKED = re.compile(r"(?:增速|增长率|增幅|降幅|涨幅|跌幅|占比|份额|市占率|比例|比重|完成率|渗透率|同比|环比)\s*(?:的|是)?\s*(?:最高|最低|"
                         r"最大|最小|最快|最慢|平均|合计|超过|高于|低于|不足|达到|在)|\b(?:growth|share|ratio|rate)\b|"
                         r"价格|均价|单价|批价|售价|报价|\bprices?\b", re.I)  # nor is a price


_FORECAST = re.compile(r"预测|预计|预期|\bforecasts?\b|\bprojects?\b|\bexpects?\b", re.I)
_TARGET_WORD = re.compile(r"目标|规划|计划|方案|\btargets?\b|\bplans?\b|\bgoals?\b", re.I)


# "以GW表述的省份", "用“GW”表示的", "单位为GW的", "targets written in GW": rows whose figure is written in a unit —
# a filter on the rows, not the unit of the answer ("合计多少万千瓦")
_WRITTEN_IN = re.compile(r"(?:以|用|按)\s*[“\"「]?([A-Za-z]+|[\u4e00-\u9fff]{1,3})[”\"」]?\s*(?:为单位|作为单位)?\s*"
                         r"(?:表述|表示|列示|标注|书写|写)|单位(?:是|为)\s*([A-Za-z]+)的|"
                         r"\b(?:written|expressed|stated|given|denominated)\s+in\s+([A-Za-z]+)\b", re.I)


def written_unit(question: str) -> str | None:
    """The unit the rows asked about are written in ("以GW表述的" → GW), else None."""
    for m in _WRITTEN_IN.finditer(question):
        token = next(g for g in m.groups() if g)
        if unit_named(token) is not None:
            return token
    return None


def route(question: str, known_regions: list[str], scope: Sequence[str] = (),
          known_metrics: Sequence[str] = ()) -> TotalsQuery | None:
    """A TotalsQuery for aggregate questions about targets, else None (answer by retrieval). `scope`: the report
    ids the question names (QuestionAnalysis.scope); rows of other reports are left out. `known_metrics`: the
    metric labels of the target rows, for kinds named only by a table's own words."""
    op = first_op(question, tuple(Op))
    if op is None:
        return None
    metric = _named_kind(question, known_metrics)
    if not (_TOPIC.search(question) or (op is not Op.LIST and metric is not None)):
        return None
    if op is Op.COUNT and metric in _COUNTED_KINDS and Op.SUM in ops_in(question):
        op = Op.SUM  # "充电桩一共多少个": 个 is the unit of the sum, not a count of rows
    filters, rest = _published(question)
    if other := _NOT_YEAR.search(rest):  # "目标年份不是2025年的地区": every target year but that one
        filters["other_than_year"] = _full_year(next(g for g in other.groups() if g))
        rest = blanked(rest, [other.span()])
    year = _TARGET_YEAR.search(rest)
    if year:
        filters["target_year"] = _full_year(year[1])
    group_by = next((g for g, pattern in _GROUPS if pattern.search(question)), None)
    source = _source(question)
    regions = _regions(without_exclusions(question), known_regions)
    if not regions and _ENTITY_SET.search(question):
        return None  # "9家酒企…合计": a sum over companies is a table's, not the regions' target rows
    if _FORECAST.search(question) and not _TARGET_WORD.search(question):
        return None  # a broker's forecast (预测2024E和2025E新增装机) is a table's, not a policy target
    if _RATE_ASKED.search(question) or share_asked(question):
        return None  # "隐含增速最低", "完成率最高", a price: a column of their table, not a target (an amount)
    left_out = excluded_text(question)
    return TotalsQuery(
        op=op,
        metric=metric,
        metrics=_named_kinds(question) if op is Op.SUM else [],
        regions=regions,
        exclude_regions=_regions(left_out, known_regions) if left_out else [],
        stated_count=_stated_count(question),
        include_cities=not _PROVINCIAL.search(question),
        include_national=NATIONAL in regions,
        group_by=group_by,
        source_table=source,
        reports=list(scope),
        written_in=written_unit(question),
        **filters,
    )


# ---- answer text -----------------------------------------------------------------------------------------


# The next unit up where reports write large sums that way: 50500 亿元 is read, and written, as 5.05万亿元
_LARGER = {"亿元": "万亿元", "亿美元": "万亿美元", "万元": "亿元", "万美元": "亿美元", "辆": "万辆"}


def in_unit(value, unit: str, asked: str) -> str:
    """ "（= 2460 万千瓦）" when the question asks for another unit of the same family; "（= 5.05 万亿元）" for a
    sum of 10,000 or more in a unit with a larger one and none asked; else ""."""
    if not asked and unit in _LARGER and abs(value) >= 10000:
        asked = _LARGER[unit]
    if not asked or not unit or asked.lower() == unit.lower():
        return ""
    try:
        return f"（= {fmt(convert_unit(value, unit, asked))} {asked}）"
    except ValueError:
        return ""


_COUNTER = re.compile(r"(?:几|多少)\s*([个家项类种条份只款部座所位名])")


def named(label: str, zh: bool) -> str:
    """A row's name as an answer shows it: in an English answer with the English name the glossary gives it or
    its place ("新疆 (Xinjiang)", "300759.SZ 康龙化成 (Pharmaron)"); as written otherwise."""
    if zh:
        return label
    name = label.split(" ")[-1]
    core = re.sub(r"[（(][^）)]*[）)]", "", name).strip()
    en = english_name(core) or english_name(normalise_region(core)[0])
    return f"{label} ({en})" if en else label


_QUALIFIERS = re.compile(r"[-+\d.,\s%]|约|近|超过|以上|以下|左右|不低于|不少于")


def _share_side(terms: list[TableTerm]) -> str:
    """One side of a share: a term as written, several as their sum; in the unit the cell writes, else its label's
    ("电网侧（GW） 23.0GW")."""
    written = re.sub(r"^\s*(?:19|20)\d{2}\s*年", "", terms[0].as_written)  # "2025年30EFlops": a plan's year
    unit = _QUALIFIERS.sub("", written) or ("" if written.strip().endswith("%") else label_unit(terms[0].label))
    if len(terms) == 1:
        return f"{terms[0].label} {terms[0].as_written}{'' if unit in written else unit}"
    return f"{' + '.join(t.label for t in terms)} {fmt(sum(t.value for t in terms))}{unit}"


def format_table_total(question: str, result: TableTotal, asked: str = "", first: int = 1) -> str:
    """A table aggregate: the figure (in the unit asked, too), the formula, the terms each with [n] (from `first`)."""
    zh = question_lang(question) == "zh"  # "…the total in 亿元?" is asked in English
    v, unit = result.shown, result.unit
    extra = in_unit(result.value, unit, asked) if result.op != "count" else ""
    where = ""
    if result.op in ("max", "min") and result.terms:  # every row at the extreme: a tie names them all
        size = abs if result.by_size else (lambda x: x)
        where = ("、" if zh else ", ").join(
            named(t.label, zh) for t in result.terms if size(t.value) == size(result.terms[0].value))
    down, size, rate = result.value is not None and result.value < 0, v.lstrip("-"), ""
    bp_asked = re.search(r"基点|\bbps?\b|\bbasis points?\b", question, re.I) is not None
    if result.op in ("spread", "gap"):  # the two the gap is between; percentages differ by percentage points
        hi, lo = result.terms
        if unit == "%" or (not unit and hi.as_written.endswith("%") and lo.as_written.endswith("%")):
            unit = "个百分点" if zh else "percentage points"
            if bp_asked and result.value is not None:  # (and in bp, asked: 相差多少个基点)
                rate = f"（{fmt(abs(result.value) * 100)}bp）" if zh else f" ({fmt(abs(result.value) * 100)}bp)"
        where = f"{hi.label} {hi.as_written} − {lo.label} {lo.as_written}"
    if result.op in ("diff", "growth"):  # the earlier year, then the later: "2019：1176 → 2023：989"
        new, base = result.terms
        if result.op == "diff" and unit == "%":  # a change between two percentages is in points (and bp, asked)
            unit = "个百分点" if zh else "percentage points"
            if bp_asked:
                rate = f"（{fmt(abs(result.value) * 100)}bp）"
        elif result.op == "diff" and base.value:  # "增长了多少" may ask the amount or the rate: both
            pct = percent_change(new.value, base.value)
            rate = f"，{'下降' if pct < 0 else '增长'} {fmt(abs(pct))}%{_about(abs(pct), zh)}" if zh else \
                f", {'down' if pct < 0 else 'up'} {fmt(abs(pct))}%{_about(abs(pct), zh)}"
        where = f"{base.label}：{base.as_written} → {new.label}：{new.as_written}"
    if result.op == "mean" and result.terms and result.value is not None:
        # (68.1 + 78.3 + 77.1 + 76.8) / 4 = 75.075: also at the table's own precision, as an analyst quotes it
        finest = max(max(0, -t.value.as_tuple().exponent) for t in result.terms)
        rounded = result.value.quantize(Decimal(1).scaleb(-finest), rounding=ROUND_HALF_UP)
        if rounded != result.value:
            extra += f"（约 {fmt(rounded)}{unit}）" if zh else f" (about {fmt(rounded)}{unit})"
    if result.op == "share":  # the part over the whole: "贵州茅台 1480 ÷ 9 项合计 3674"
        part, whole = result.terms[:result.parts], result.terms[result.parts:]
        total = _share_side(whole) if len(whole) == 1 else f"{len(whole)} 项合计 {fmt(sum(t.value for t in whole))}"
        where = f"{_share_side(part)} ÷ {total}"
    names = ("、" if zh else ", ").join(named(t.label, zh) for t in result.terms)
    asked_counter = _COUNTER.search(question)  # "有几类" is answered "共 4 类"
    counter = asked_counter[1] if asked_counter else "项"
    head = {
        "sum": (f"合计 {with_unit(v, unit)}{extra}", f"Total: {with_unit(v, unit)}{extra}"),
        "count": (f"共 {v} {counter}", f"Count: {v}"),
        "list": (f"共 {v} 项：{names}", f"{v} rows: {names}"),
        "max": (f"最大为 {with_unit(v, unit)}{extra}（{where}）", f"Largest: {with_unit(v, unit)}{extra} ({where})"),
        "min": (f"最小为 {with_unit(v, unit)}{extra}（{where}）", f"Smallest: {with_unit(v, unit)}{extra} ({where})"),
        "spread": (f"最高与最低相差 {v} {unit}{rate}（{where}）",
                   f"Gap between highest and lowest: {v} {unit}{rate} ({where})"),
        "gap": (f"两者之差为 {v} {unit}{rate}（{where}）", f"Difference: {v} {unit}{rate} ({where})"),
        "diff": (f"{'减少' if down else '增加'} {size} {unit}{rate}（{where}）",
                 f"{'Down' if down else 'Up'} {size} {unit}{rate} ({where})"),
        "growth": (f"{'下降' if down else '增长'} {size}%{_about(abs(result.value), zh)}（{where}）",
                   f"{'Down' if down else 'Up'} {size}%{_about(abs(result.value), zh)} ({where})"),
        "share": (f"占比 {v}%{_about(result.value, zh)}（{where}）", f"Share: {v}%{_about(result.value, zh)} ({where})"),
        "mean": (f"平均为 {with_unit(v, unit)}{extra}（{len(result.terms)} 项简单平均）",
                 f"Average: {with_unit(v, unit)}{extra} (simple mean of {len(result.terms)})"),
    }[result.op][0 if zh else 1]
    source = result.table.caption or result.table.id
    # English: the lead line says it in English; the table's own (Chinese) caption and column follow on their own line
    lines = [head + f"——{source}，{result.measure}。"] if zh else \
        [f"{head}, from {len(result.terms)} rows of this table:", f"Table: {source}; column: {result.measure}"]
    lines.append(("算式：" if zh else "Arithmetic: ") + result.expression)
    if result.op in ("max", "min") and result.terms and result.terms[0].row is not None:
        # the top row whole: what else the table says of it is asked as often ("…and what is its P/B?")
        row = result.terms[0].row
        cells = "；".join(f"{h.strip()}：{c.strip()}" for h, c in zip(result.table.header, row.cells) if c.strip())
        lines.append(("整行：" if zh else "Whole row: ") + f"{cells} [{first}]")
    lines += [f"- {named(t.label, zh)}: {t.as_written} [{i}]" for i, t in enumerate(result.terms, start=first)]
    if result.left_out:
        lines.append(("不计入（已含在所属省份内）：" if zh else "Left out (inside a province that is a row too): ")
                     + ("、" if zh else ", ").join(result.left_out))
    return "\n".join(lines)


def _about(percent: Decimal | None, zh: bool) -> str:
    """A rate computed to two decimals, also as an analyst quotes it, to one: 40.28% (约 40.3%)."""
    if percent is None or (one := percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)) == percent:
        return ""
    return f"（约 {fmt(one)}%）" if zh else f" (about {fmt(one)}%)"


def format_total_answer(question: str, result: TotalResult, first: int = 1) -> str:
    """Figure, arithmetic, caveats and [n] markers; marker n stands for result.rows[n-first].citation."""
    zh = question_lang(question) == "zh"  # "…the total in 亿元?" is asked in English
    caveats = [c.text(zh) for c in result.caveats]
    if result.value is None:
        head = "没有匹配的行：表格中没有能回答这个问题的数据。" if zh else "No matching rows: the tables hold no data that answers this."
        return "\n".join([head, *(f"- {c}" for c in caveats)])
    n = len(result.rows)
    v = shown(result.value, result.op)
    where = "、".join(r.region for r in result.rows) if zh else ", ".join(named(r.region, zh) for r in result.rows)
    counted = _COUNTER.search(question)  # "有几个地区" is answered "共 10 个"; no counter asked, rows
    counter = counted[1] if counted else "行"
    # the unit asked of this figure: not 以GW表述的's GW (a filter), nor 有几个's 个 (another ask's)
    extra = next((x for u in asked_units(_WRITTEN_IN.sub(" ", question)) or [""]
                  if (x := in_unit(result.value, result.unit, u))), "")
    head = {
        "sum": (f"合计 {v} {result.unit}{extra}（{n} 行）。", f"Total: {v} {result.unit}{extra} over {n} rows."),
        "count": (f"共 {v} {counter}。", f"Count: {v} rows."),
        "mean": (f"平均为 {v} {result.unit}{extra}（{n} 行简单平均）。", f"Average: {v} {result.unit}{extra} over {n} rows."),
        "max": (f"最大为 {v} {result.unit}（{where}）。", f"Largest: {v} {result.unit} ({where})."),
        "min": (f"最小为 {v} {result.unit}（{where}）。", f"Smallest: {v} {result.unit} ({where})."),
        "list": (f"共 {v} 行：", f"{v} rows:"),
    }[result.op][0 if zh else 1]
    lines = [head]
    for i, r in enumerate(result.rows, start=first):
        figure = f"{named(r.region, zh)} {r.target_year}: {r.qualifier}{fmt(r.value)} {r.unit}"
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


def headline(text: str) -> str | None:
    """The figure a computed answer opens on ("平均为 13.89%（9 项简单平均）——图表 4…", "合计 67.6 GW（16 行）。"): its
    direct answer."""
    first = re.split(r"——|, from \d+ rows?\b", text.split("\n", 1)[0], maxsplit=1)[0]
    return first.strip().rstrip("。:：").strip() or None
