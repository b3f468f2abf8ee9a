"""Compute targets (region, year, value, metric…) read from report tables and prose, each with its citation."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from assistant.core.glossary import EN_ZH, REGIONS
from assistant.core.models import Citation, Metric, Report, StatedFigure, Table, TableRow, TargetRow
from assistant.core.text import iter_lines, sentence_spans
from assistant.ingest.structure import extract_tables, find_table
from assistant.targets.units import ParsedValue, parse_compute_value

NATIONAL = "全国"
PROVINCES = (
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 "
    "四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门"
).split()
CITY_PARENT = {
    "深圳": "广东", "广州": "广东", "韶关": "广东", "福州": "福建", "厦门": "福建", "成都": "四川",
    "昆明": "云南", "沈阳": "辽宁", "大连": "辽宁", "郑州": "河南", "洛阳": "河南", "杭州": "浙江",
    "宁波": "浙江", "南京": "江苏", "苏州": "江苏", "武汉": "湖北", "长沙": "湖南", "西安": "陕西",
    "济南": "山东", "青岛": "山东", "合肥": "安徽", "贵阳": "贵州", "兰州": "甘肃", "庆阳": "甘肃",
    "呼和浩特": "内蒙古", "石家庄": "河北", "太原": "山西", "南昌": "江西", "南宁": "广西", "海口": "海南",
    "长春": "吉林", "哈尔滨": "黑龙江", "乌鲁木齐": "新疆", "银川": "宁夏", "中卫": "宁夏", "西宁": "青海",
}
# English region names come from the glossary (one list for the whole package), plus the national scope.
REGION_EN = {en: zh for en, zh in EN_ZH.items() if zh in REGIONS} | {"national": "全国", "nationwide": "全国"}
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
_NATIONAL_ISSUER = re.compile(r"全国|国务院|工信部|工业和信息化部|发改委|发展改革委|科技部|国家|中央|民政部|财政部")
_COLUMNS = {
    "region": re.compile(r"地区|省市|省份|城市|地方|region", re.I),
    "time": re.compile(r"时间|日期|date", re.I),
    "doc": re.compile(r"文件|政策|document|policy", re.I),
    "issuer": re.compile(r"发布单位|部门|issuer", re.I),
}
_YEAR = re.compile(r"(20[0-9]{2})\s*年")
_SHORT_YEAR = re.compile(r"(?<![0-9])(20[0-9]{2}|[0-9]{2})\s*年")
_TITLE_RANGE = re.compile(r"(20[0-9]{2})\s*[-—–~至]\s*(20[0-9]{2})")
_CLAUSE_END = re.compile(r"[，,；;。！!？?：:\n]")
_METRIC_WORD = re.compile(r"通用|智算|智能算力|超算|超级算力|高性能|总算力")
_ESTIMATE_WORD = re.compile(r"预计|预测|测算|估计")


# ---- small parsers ------------------------------------------------------------------------------------


def _strip_suffix(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def normalise_region(name: str) -> tuple[str, str, bool]:
    """(region, parent province, is_city): "福建省福州市" → ("福州", "福建", True); "北京市" → ("北京", "", False)."""
    name = name.strip()
    m = re.match(r"^(.+?(?:省|自治区))(.+?市)$", name)
    if m:
        return _strip_suffix(m[2]), _strip_suffix(m[1]), True
    base = _strip_suffix(name)
    if base in CITY_PARENT:
        return base, CITY_PARENT[base], True
    return base, "", False


def regions_in(text: str) -> list[str]:
    """Provinces and known cities named in `text`, in order of appearance, without repeats."""
    names = [*PROVINCES, *CITY_PARENT]
    hits = sorted((m.start(), n) for n in names for m in re.finditer(re.escape(n), text))
    return list(dict.fromkeys(n for _, n in hits))


def parse_published(cell: str) -> str:
    """ "2023年12月" / "2023. 3" / "2023.10" → "YYYY-MM"; a month out of range ("2023.20") keeps only the year."""
    m = re.search(r"(20[0-9]{2})(?:\s*(?:年|[.\-/])\s*([0-9]{1,2}))?", cell)
    if not m:
        return ""
    if m[2] and 1 <= int(m[2]) <= 12:
        return f"{m[1]}-{int(m[2]):02d}"
    return m[1]


def year_from_title(document: str) -> int | None:
    """End year of a plan period in the title, e.g. 《…（2022-2025年）》 → 2025."""
    m = _TITLE_RANGE.search(document)
    return int(m[2]) if m else None


def metric_of(clause: str, generic: bool = True) -> Metric | None:
    """Metric named in a clause; a bare "算力" counts as 总算力 only when `generic`."""
    ai = re.search(r"智算|智能算力", clause)
    hpc = re.search(r"超算|超级算力", clause)
    if "高性能" in clause or (ai and hpc):  # the reports call 智算 + 超算 together 高性能算力
        return Metric.HIGH_PERFORMANCE
    if ai:
        return Metric.INTELLIGENT
    if hpc:
        return Metric.SUPER
    if "通用" in clause:
        return Metric.GENERAL
    if re.search(r"总算力|算力总规模|算力规模|计算力", clause) or (generic and "算力" in clause):
        return Metric.TOTAL
    return None


def _word_metric(word: str) -> Metric:
    return metric_of(word) or Metric.TOTAL


def _clause_before(text: str, pos: int) -> str:
    ends = [m.end() for m in _CLAUSE_END.finditer(text, 0, pos)]
    return text[ends[-1] if ends else 0 : pos]


def _metrics_for(text: str, values: list[ParsedValue], fallback: Metric | None) -> list[Metric | None]:
    """Metric of each value; "通用、智算、超算…分别达 2、5、10" pairs the words with the values in order."""
    metrics: list[Metric | None] = []
    spans = sentence_spans(text)
    for value in values:
        start, end = next(((s, e) for s, e in spans if s <= value.start < e), (value.start, value.end))
        same = [v for v in values if v.start >= start and v.end <= end] or [value]
        prefix = _clause_before(text, same[0].start)
        words = _METRIC_WORD.findall(prefix)
        if "分别" in prefix and len(words) == len(same) > 1:
            metrics.append(_word_metric(words[same.index(value)]))
        else:
            clause = _clause_before(text, value.start)  # a bare "算力" defers to the column's metric
            metrics.append(metric_of(clause, generic=False) or fallback or metric_of(clause))
    return metrics


def _sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    yield from sentence_spans(text, start, end)


def cite(report: Report, start: int, end: int, prefix: str, section: str = "") -> Citation:
    return Citation(
        id=f"{prefix}:{start}-{end}",
        report=report.id,
        section=section,
        page=report.page_at(start),
        start=start,
        end=end,
        quote=report.text[start:end],
    )


# ---- targets from tables -------------------------------------------------------------------------------


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for role, pattern in _COLUMNS.items():
        for i, name in enumerate(header):
            if pattern.search(name) and i not in found.values():
                found[role] = i
                break
    return found


def _row_targets(
    report: Report, table: Table, row: TableRow, cols: dict[str, int], ident: dict[str, str]
) -> Iterator[TargetRow]:
    cells = row.cells + [""] * (len(table.header) - len(row.cells))
    region_name = ident.get("region") or ""
    if not region_name and _NATIONAL_ISSUER.search(ident.get("issuer", "")):
        region_name = NATIONAL
    if not region_name:
        return
    document = ident.get("doc", "")
    citation = cite(report, row.start, row.end, table.id, table.caption)
    for i, cell in enumerate(cells):
        if i in cols.values():
            continue
        header_metric = metric_of(table.header[i]) if i < len(table.header) else None
        yield from _dated_targets(cell, parse_compute_value(cell), region_name, document,
                                  parse_published(ident.get("time", "")), header_metric, citation, table.id)


def _dated_targets(text: str, values: list[ParsedValue], region_name: str, document: str, published: str,
                   header_metric: Metric | None, citation: Citation, source_table: str = "") -> Iterator[TargetRow]:
    """The values parsed from `text` that have a target year and a metric, attributed to one region."""
    region, parent, is_city = normalise_region(region_name)
    for value, metric in zip(values, _metrics_for(text, values, header_metric)):
        year, note = _target_year(text, value, document)
        if year is None or metric is None:
            continue  # not a dated target (e.g. a project-size threshold) or unclassifiable
        yield TargetRow(
            region=region,
            published=published,
            document=document,
            target_year=year,
            value=value.value,
            unit=value.unit,
            value_as_written=value.text,
            metric=metric,
            qualifier=value.qualifier,
            is_city=is_city,
            parent_region=parent,
            source_table=source_table,
            note=note,
            citation=citation,
        )


def _target_year(text: str, value: ParsedValue, document: str) -> tuple[int | None, str]:
    if value.year:
        return value.year, ""
    years = _YEAR.findall(text[: value.start])
    if years:
        return int(years[-1]), ""
    year = year_from_title(document)
    return year, ("target year from the policy title" if year else "")


def _table_targets(report: Report, table: Table) -> Iterator[TargetRow]:
    cols = _columns(table.header)
    ident: dict[str, str] = {}
    for row in table.rows:
        cells = row.cells + [""] * len(table.header)
        current = {role: cells[i] for role, i in cols.items()}
        if not any(current.values()):
            pass  # a wrapped row: keep everything from the row above
        elif not current.get("region") and "region" in cols:
            ident = {**current, "region": ident.get("region", "")}  # same region, next policy
        else:
            ident = current
        yield from _row_targets(report, table, row, cols, ident)


# ---- targets from prose --------------------------------------------------------------------------------


def _prose_targets(report: Report, known: list[TargetRow]) -> Iterator[TargetRow]:
    text = report.text
    published = {(t.region, t.document.replace(" ", "")): t.published for t in known}
    for line_start, line_end in iter_lines(text):
        if "\t" in text[line_start:line_end]:
            continue
        for s, e in _sentences(text, line_start, line_end):
            sentence = text[s:e]
            values = parse_compute_value(sentence)
            if not values:
                continue
            names = regions_in(sentence)
            if _NATIONAL_ISSUER.search(sentence[: values[0].start]) and not names:
                names = [NATIONAL]
            if len(names) != 1:
                continue  # no region, or several: not safe to attribute
            doc = re.search(r"《[^》]*》", sentence)
            document = doc.group(0) if doc else ""
            known_date = published.get((normalise_region(names[0])[0], document.replace(" ", "")), "")
            yield from _dated_targets(sentence, values, names[0], document, known_date, None,
                                      cite(report, s, e, report.id))


def extract_targets(report: Report, tables: list[Table]) -> list[TargetRow]:
    """Targets from the report's tables first, then prose; a target stated twice is kept once (first seen)."""
    from_tables = [t for table in tables if table.report == report.id for t in _table_targets(report, table)]
    rows: dict[tuple, TargetRow] = {}
    for row in [*from_tables, *_prose_targets(report, from_tables)]:
        rows.setdefault((row.region, row.metric, row.target_year, row.value), row)
    return list(rows.values())


def find_estimates(report: Report) -> list[StatedFigure]:
    """Aggregates the report states itself, e.g. "预计地方智算 25 年建设 107.1EFlops"."""
    text, found = report.text, {}
    for line_start, line_end in iter_lines(text):
        if "\t" in text[line_start:line_end]:
            continue
        for s, e in _sentences(text, line_start, line_end):
            sentence = text[s:e]
            for value in parse_compute_value(sentence):
                before = sentence[: value.start]
                years = _SHORT_YEAR.findall(before)
                metric = metric_of(_clause_before(sentence, value.start))
                if not _ESTIMATE_WORD.search(before) or not years or metric is None:
                    continue
                year = int(years[-1]) if len(years[-1]) == 4 else 2000 + int(years[-1])
                key = (value.value, year, metric)
                found.setdefault(
                    key,
                    StatedFigure(
                        value=value.value,
                        unit=value.unit,
                        metric=metric,
                        target_year=year,
                        scope="地方" if "地方" in before else "",
                        citation=cite(report, s, e, report.id),
                    ),
                )
    return list(found.values())


class TargetStore:
    """Tables, targets and stated estimates of a set of reports held in memory, with the facade's table and totals
    methods (`tables`, `find_table`, `targets`, `totals`): the CLI's tests and tools run on it without an index."""

    def __init__(self, reports: Iterable[Report]):
        self._tables: list[Table] = []
        self._targets: list[TargetRow] = []
        self._estimates: list[StatedFigure] = []
        for report in reports:
            tables = extract_tables(report)
            self._tables += tables
            self._targets += extract_targets(report, tables)
            self._estimates += find_estimates(report)

    def tables(self) -> list[Table]:
        return list(self._tables)

    def targets(self) -> list[TargetRow]:
        return list(self._targets)

    def estimates(self) -> list[StatedFigure]:
        return list(self._estimates)

    def find_table(self, key: str) -> list[Table]:
        return find_table(self._tables, key)

    def totals(self, query):
        from assistant.targets.totals import compute_totals  # totals imports this module

        return compute_totals(self._targets, query, self._estimates)
