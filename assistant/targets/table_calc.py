"""Aggregates over any table a question names ("图表1中 2019—2023 年利润总额合计"): one column (or row) summed,
maxed, minimised or counted over the rows (or columns) the question picks — a range of years, the labels it names,
or all — computed in Decimal, with the formula and the row behind every term.

Target tables (regions × targets) go to the totals tool; this serves the other tables reports are full of: time
series (years as rows or as columns) and entity tables (banks, companies × measures).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from pydantic import BaseModel

from assistant.core.asks import (ADDS_VALUES, ARITHMETIC, OP_WORDS, TOTAL_ROW_RE, asks_spread, blanked, excluded_text,
                                 ops_in, published_years, without_exclusions)
from assistant.core.models import Family, Op, Table, TableRow
from assistant.core.glossary import report_label, zh_terms
from assistant.core.text import CAPTION_RE, periods, question_lang
from assistant.targets.conditions import (YEAR_LABEL_RE, Change, Gap, YearLabel, change_in, change_kind, column_gap,
                                          condition_in, row_gap, year_labels)
from assistant.targets.columns import Role, layout
from assistant.targets.extract import parse_published
from assistant.targets.regions import ancestors, normalise_region, regions_in
from assistant.targets.units import (convert_unit, fmt, mean_of, parse_bare, parse_values, percent_change,
                                     share_percent, shift, shown, unit_named, with_unit)

# (not a count after a table's name: "估值表6家银行")
TABLE_REF_RE = re.compile(r"(图表|图|表|Figure|Fig\.?|Table|Exhibit)\s*(\d+)(?!\d|\s*[家个只项条座所位名])", re.I)
_YEAR_LABEL_RE = re.compile(r"^\s*((?:19|20)\d{2})\s*[AEＡＥ]?\s*(?:年(?:末|底|度)?)?\s*$")
YEAR_RANGE_RE = re.compile(r"((?:19|20)\d{2})\s*[AE]?\s*年?\s*(?:[-—–~至到]|to|through)\s*((?:19|20)\d{2})\s*[AE]?", re.I)
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_BRACKET_RE = re.compile(r"[（(]([^（）()]{1,12})[）)]")
# a cell that is a number, maybe a percentage, maybe bounded or rounded ("不足2%", "约25%", "120以上"): its figure
_PLAIN_NUMBER_RE = re.compile(r"^\s*(?:约|近|超过|超|逾|不足|不到|低于|高于|少于|小于|大于|[<>≈~＜＞])?\s*"
                              r"([-+]?\d+(?:,\d{3})*(?:\.\d+)?)\s*%?\s*(?:以上|以下|左右|以内)?\s*$")


def _added(values: list[str]) -> str:
    return values[0] if len(values) == 1 else f"({' + '.join(values)})"


class TableTerm(BaseModel):
    label: str  # the row (or column) label of this term
    value: Decimal
    as_written: str
    row: TableRow  # the row holding the cell: its offsets are the citation


class TableTotal(BaseModel):
    op: str
    value: Decimal | None
    unit: str
    table: Table
    measure: str  # the column (or row) aggregated, or the change computed from two columns
    terms: list[TableTerm]
    condition: str = ""  # the rows kept: "2024年目标隐含增速 > 15"
    left_out: list[str] = []  # rows not summed: cities inside a province that is a row too
    by_size: bool = False  # max/min by magnitude (变化最大: the change furthest from zero)
    parts: int = 1  # a share's leading terms that are its part (宜宾 + 泸州 of 四川); the rest are its whole

    @property
    def shown(self) -> str:
        """The value as the answer writes it: an average keeps the decimals it was rounded to (88.00, not 88)."""
        return shown(self.value, self.op)

    @property
    def expression(self) -> str:
        values = [fmt(t.value) for t in self.terms]
        if self.by_size:
            values = [f"|{v}|" for v in values]
        head = {"sum": " + ".join(values), "max": f"max({', '.join(values)})", "min": f"min({', '.join(values)})",
                "count": f"count({', '.join(t.label for t in self.terms)})",
                "list": f"{self.condition}: {', '.join(t.label for t in self.terms)}",
                "spread": " − ".join(values[:2]), "gap": " − ".join(values[:2]),
                "mean": f"({' + '.join(values)}) / {len(values)}",
                "diff": " − ".join(values[:2]), "growth": f"{' / '.join(values[:2])} − 1",
                "share": f"{_added(values[:self.parts])} / {_added(values[self.parts:])}"}[self.op]
        if self.op == "list":
            return head
        return f"{head} = {with_unit(self.shown, self.unit if self.op != 'count' else '')}"


def bigrams(text: str) -> set[str]:
    t = re.sub(r"\s+", "", text.lower())
    return {t[i:i + 2] for i in range(len(t) - 1)}


def _grams(label: str) -> set[str]:
    # a bracket holds a unit (亿元, 亿部, 万千瓦) or a name for the column ("十四五"末): the name's words count
    named = " ".join(b for b in _BRACKET_RE.findall(label)
                     if len(re.findall(r"[\u4e00-\u9fff]", b)) >= 3 and not unit_named(b.strip()))
    return bigrams(re.sub(r"[（(][^）)]*[）)]|^\s*其中[：:]?", "", label)) | bigrams(named)


def _match(label: str, question: str, spread: dict[str, int] | None = None) -> float:
    """How well a short label matches the question: character bigrams in common, their share breaking ties; a
    "其中：…" (of which) sub-row that matches wins over its parent row, being the more specific. `spread`: in how
    many of the labels compared each bigram is — a word only one label has (电网侧) says more than one most share
    (装机 of 新增装机, 累计装机)."""
    sub = label.strip().startswith("其中")
    grams = _grams(label)
    shared = grams & bigrams(question)
    # figures shared ("20" of 2023 and 2024) only break ties between labels that share words
    words = [g for g in shared if not g.isdigit()]
    if not grams or not words:
        return 0.0
    weighted = sum(1 / (spread or {}).get(g, 1) for g in words)
    common = weighted + 0.1 * (len(shared) - len(words))
    # a sub-row wins over its parent only on a specific match: two or more of its bigrams, one of them its own
    specific = len(words) >= 2 and (spread is None or any(spread.get(g, 1) == 1 for g in words))
    return common + common / len(grams) + (0.5 if sub and specific else 0.0)


def _spread(labels: list[str]) -> dict[str, int]:
    """In how many of the labels each bigram is."""
    count: dict[str, int] = {}
    for label in labels:
        for g in _grams(label):
            count[g] = count.get(g, 0) + 1
    return count


def _named(label: str, text: str) -> bool:
    """Whether `text` names the row `label`: whole, or by its head when that is at least half of it ("理想" for
    理想汽车 — a shared tail such as 汽车 names nothing), or by its place ("深圳" for 广东省深圳市)."""
    core = re.sub(r"[（(][^）)]*[）)]|\s+", "", label)
    if len(core) < 2:
        return False
    if core in text or core[:max(2, (len(core) + 1) // 2)] in text:
        return True
    place = normalise_region(core)[0]
    return place != core and len(place) >= 2 and place in text


_STOCK_CODE_RE = re.compile(r"\d{4,6}(?:\.[A-Za-z]{2})?")  # 603259.SH, 2359.HK; not CDMO, CMP (names)


def _label(row: TableRow) -> str:
    """A row's label: its first cell; a code there (603259.SH) is followed by the name it stands for."""
    first = row.cells[0].strip() if row.cells else ""
    if len(row.cells) > 1 and _STOCK_CODE_RE.fullmatch(first):  # a stock code, then the name
        return f"{first} {row.cells[1].strip()}"
    return first


def _pick_rows(rows: list[TableRow], question: str) -> list[TableRow]:
    """The rows the question names (else all), without those it excludes and without total rows (a sum over
    them would count every row twice)."""
    rows = [r for r in rows if not TOTAL_ROW_RE.match(_label(r))]
    left_out = excluded_text(question)
    asked = without_exclusions(question)
    named = [r for r in rows if any(_named(part, asked) for part in _label(r).split())]
    excluded = [r for r in rows if left_out and any(_named(p, left_out) for p in _label(r).split())]
    return [r for r in (named or rows) if r not in excluded]


def _year(label: str) -> int | None:
    m = _YEAR_LABEL_RE.match(label)
    return int(m[1]) if m else None


_PART_LABEL_RE = re.compile(r"^\s*((?:19|20)\d{2})\s*(?:[QH][1-4]|年?\s*[一二三四1-4]\s*季度|年?\s*[上下]半年)\s*[AE]?\s*$", re.I)


def _part_year(label: str) -> int | None:
    """The year of a column header naming a part of one (2023Q1, 2024H1, 2023年一季度), else None."""
    m = _PART_LABEL_RE.match(label)
    return int(m[1]) if m else None


def _named_row(rows: list[TableRow], question: str) -> TableRow | None:
    """The one row the question names by its label (a stock code's row by its name); None when it names none, or
    several ("中芯国际、华虹公司、晶合集成三家的平均" is a column's, over the rows named)."""
    if sum(any(_named(p, question) for p in _label(r).split()) for r in rows) != 1:
        return None
    spread = _spread([_label(r) for r in rows])
    row = max(rows, key=lambda r: _match(_label(r), question, spread))
    return row if _match(_label(row), question) > 0 and any(_named(p, question) for p in _label(row).split()) else None


def _years_asked(question: str) -> tuple[int, int] | None:
    m = YEAR_RANGE_RE.search(question)
    if m:
        a, b = sorted((int(m[1]), int(m[2])))
        return a, b
    years = sorted({int(y) for y in _YEAR_RE.findall(question)})
    if len(years) > 1 and YEARS_LISTED.search(question) and years == list(range(years[0], years[-1] + 1)):
        return years[0], years[-1]  # "2024E和2025E两年": the years listed, one after another
    return (years[0], years[-1]) if len(years) == 1 else None


YEARS_LISTED = re.compile(r"(?:19|20)\d{2}\s*[AE年]?\s*(?:和|与|及|、)\s*(?:19|20)\d{2}")


def _unit_text(header: str, caption: str) -> str:
    for text in (header, caption):
        for m in _BRACKET_RE.finditer(text):
            # "（归母净利润单位：百万元）" is the unit of that measure's columns only, not of PE beside them
            named = re.match(r"^(.*?)单位\s*[:：]", m[1])
            if text is caption and named and named[1].strip() and named[1].strip() not in header:
                continue
            inner = re.sub(r"^.*单位\s*[:：]\s*", "", m[1].split("，")[0].split(",")[0].strip())
            if unit_named(inner) or re.search(r"[元瓦片吨台个家座辆%]|GW|MW|美元|万|亿|千升", inner):
                return inner
    return ""


def label_unit(label: str) -> str:
    """The unit a header or row label gives in brackets ("新增装机（GW）" → GW, "股价（元）" → 元), or ""."""
    return _unit_text(label, "")


def _value(cell: str, unit_text: str) -> tuple[Decimal, str] | None:
    """The cell's number in the column's unit: "2.28万亿元" in a 亿元 column → 22800; "1404" → 1404."""
    unit = unit_named(unit_text) if unit_text else None
    if unit is not None:
        parsed = parse_values(cell)
        if len(parsed) == 1 and parsed[0].family == unit.family:
            return shift(parsed[0].value, -unit.exponent), parsed[0].text  # canonical → the column's unit
        bare = parse_bare(cell, unit, unit_text)
        if bare is not None:
            return shift(bare.value, -unit.exponent), bare.text
    m = _PLAIN_NUMBER_RE.match(cell)
    if m:
        try:
            return Decimal(m[1].replace(",", "")), cell.strip()
        except InvalidOperation:
            return None
    return None


def _in_unit(cell: str, cell_unit: str, unit: str) -> tuple[Decimal, str] | None:
    """The cell's number (read in its column's unit) in `unit`; None when the two units do not convert."""
    got = _value(cell, cell_unit)
    if got is None or cell_unit == unit or not unit_named(cell_unit) or not unit_named(unit):
        return got
    try:
        return convert_unit(got[0], cell_unit, unit), got[1]
    except ValueError:
        return None


def _own_units(table: Table, rows: list[TableRow], cols: Sequence[int], default: str = "") -> tuple[list[str], str]:
    """Each column's unit as its cells and header read it ("120万辆以上" beside a "2023年推广量（万辆）" of bare
    numbers), and the unit a comparison of them is in: the one a header states, else the first's, else `default`."""
    units = [_column_unit(table, rows, j) for j in cols]
    return units, next((u for j, u in zip(cols, units) if label_unit(table.header[j])), units[0]) or default


def _cells_in_own_units(table: Table, rows: list[TableRow], row: TableRow, cols: Sequence[int],
                        default: str = "") -> tuple[list[TableTerm], str] | None:
    """The row's cells in `cols`, each read in its column's own unit and given in the comparison's; None when one
    holds no figure or does not convert."""
    units, unit_text = _own_units(table, rows, cols, default)
    got = [_in_unit(_cell(row, j), u, unit_text) for j, u in zip(cols, units)]
    if None in got:
        return None
    return [TableTerm(label=table.header[j].strip(), value=v, as_written=w, row=row)
            for j, (v, w) in zip(cols, got)], unit_text


def _cell_unit(cells: list[str]) -> str:
    """The canonical unit of the cells' family when every value-bearing cell writes a unit of one family."""
    parsed = [v for c in cells for v in parse_values(c)[:1]]
    families = {(v.family, v.unit) for v in parsed}
    return parsed[0].unit if parsed and len(families) == 1 else ""


def asked_units(question: str) -> list[str]:
    """The units a question asks its figures in ("有几个？合计多少万千瓦" → 个, 万千瓦), those it names of known ones."""
    found = []
    for m in re.finditer(r"(?:多少|几|how many|in|按)\s*([\u4e00-\u9fffA-Za-z]{1,6})", question, re.I):
        word = m[1]
        for n in range(len(word), 0, -1):
            if unit_named(word[:n]):
                found.append(word[:n])
                break
    return found


def asked_unit(question: str) -> str:
    """The unit a question asks its figure in ("合计多少万千瓦" → 万千瓦), if it names a known one."""
    return next(iter(asked_units(question)), "")


# A table named by its caption's words: quoted (“光伏主产业链价格变化”表), or a name ending in 表 (重点银行一季度指标表里)
_QUOTED_TABLE_RE = re.compile(r"[“\"「『]([^”\"」』]{2,30})[”\"」』]\s*(?:那张|这张|这个|那个)?\s*(?:图?表|table)", re.I)
_NAMED_TABLE_RE = re.compile(r"([\u4e00-\u9fffA-Za-z0-9]{3,24}?)(?<![代发外报])表\s*"
                             r"(?:里|中|内|的|，|,|(?=[\d一二三四五六七八九十]+\s*[家个只项条座]))")  # 估值表6家银行
MIN_CAPTION_SHARE = 0.5  # of the name's word pairs the caption must hold


def _tables_by_caption(question: str, tables: list[Table]) -> list[Table]:
    """The table whose caption holds most of the words a question names it by (half of their character pairs at
    least), or none."""
    m = _QUOTED_TABLE_RE.search(question) or _NAMED_TABLE_RE.search(question)
    if not m:
        return []
    name = bigrams(m[1])
    if len(name) < 2:
        return []
    # (with its broker as the glossary reads it from the file name: "天风估值表" names tianfeng_…'s 重点银行估值表)
    share = {t.id: len(name & bigrams(CAPTION_RE.sub("", t.caption or "") + report_label(t.report))) / len(name)
             for t in tables}
    best = max(tables, key=lambda t: share[t.id], default=None)
    return [best] if best is not None and share[best.id] >= MIN_CAPTION_SHARE else []


def find_named_tables(question: str, tables: list[Table]) -> list[Table]:
    """The tables a question names by caption number ("图表1", "Figure 1" → 图表1 / 图1 / 表1 of the reports given),
    else by its caption's words."""
    m = TABLE_REF_RE.search(question)
    if not m:
        return _tables_by_caption(question, tables)
    num = m[2]
    out = []
    for t in tables:
        cm = CAPTION_RE.match(t.caption or "")
        if cm and cm["num"] == num:
            out.append(t)
    return out


def first_op(question: str, among: tuple[Op, ...] = ARITHMETIC) -> Op | None:
    """The operation asked: the first of OP_WORDS the question has — but "how many 亿美元 in total" asks a
    quantity in a unit (a sum), not a number of rows, and "有几个？合计多少" a sum (which states its count)."""
    ops = ops_in(question, among)
    if not ops:
        return None
    if ops[0] is Op.COUNT and Op.SUM in ops:
        unit = unit_named(asked_unit(question))
        if (unit is not None and unit.family is not Family.COUNT) or ADDS_VALUES.search(question):
            return Op.SUM
    return ops[0]


# "表里一共列了几个省市", "how many companies does the table list": the table's rows counted, whatever their figures
# ("are listed" — not "listed companies", which are 上市公司)
_LISTED = re.compile(r"列了|列出了?|列举了|收录了?|涵盖了?|\blists?\b|\b(?:are|is|were|was|been)\s+listed\b", re.I)


def counts_listed_rows(question: str) -> bool:
    return first_op(question) is Op.COUNT and _LISTED.search(question) is not None


# The thing counted: "一共列了多少份政策文件" → 政策文件
_COUNTED_NOUN = re.compile(r"(?:多少|几)\s*[个条项家份只款种部座所位名类]?\s*([\u4e00-\u9fff]{2,6})")


# things a table's rows are, whatever its words: places, companies
_ROW_THINGS = re.compile(r"省|市|地区|地方|城市|区域|公司|企业|机构|银行|车企|酒企")


def counts_its_rows(question: str, table: Table) -> bool:
    """Whether what the question counts ("几个国家数据中心集群") is what the table lists: a word of it in the table's
    caption, header or row labels, or a kind of thing rows are (省份, 公司) — an unnamed table, retrieved for other
    words of the question, is no count of it ("共 13 个" regions for 几个集群)."""
    m = _COUNTED_NOUN.search(question)
    if not m:
        return True
    noun = m[1]
    words = " ".join([table.caption, *table.header, *(r.cells[0] for r in table.rows if r.cells)])
    return _ROW_THINGS.search(noun) is not None or any(noun[i:i + 2] in words for i in range(len(noun) - 1))


def _counted_column(table: Table, question: str) -> int:
    """The column whose things are counted: the one whose header shares a word with the counted noun (政策 of
    政策文件 → 政策名称), else the first — the table's row names (省市)."""
    m = _COUNTED_NOUN.search(question)
    if not m:
        return 0
    noun = m[1]
    for j, head in enumerate(table.header):
        if any(noun[i:i + 2] in head for i in range(len(noun) - 1)):
            return j
    return 0


def _listed_rows(table: Table, rows: list[TableRow], question: str = "") -> TableTotal | None:
    """The distinct names down the counted column — a table's first column unless the question counts another's
    things ("多少份政策" where each 省市 lists several) — counted, each cited by its first row (a row with its first
    cell empty continues the one above; a total row is no name)."""
    col = _counted_column(table, question)
    terms, seen = [], set()
    for r in rows:
        label = _label(r) if col == 0 else (r.cells[col].strip() if col < len(r.cells) else "")
        if label and label not in seen and not TOTAL_ROW_RE.match(label):
            seen.add(label)
            terms.append(TableTerm(label=label, value=Decimal(1), as_written=r.cells[col].strip(), row=r))
    if not terms:
        return None
    return TableTotal(op="count", value=Decimal(len(terms)), unit="", table=table, measure=table.header[col],
                      terms=terms)


def asks_of_rows(question: str) -> bool:
    """The question computes or tests something of each row first: a change between two years' columns, or a
    condition ("超过15%的", "正增长的"). The targets tool does neither; this calculator does (`_row_query`)."""
    return _rows_first(question, op_of(question)) or row_gap(question) is not None


def _rows_first(question: str, op: str | None) -> bool:
    # a sum of changes is a column's sum ("2025E较2023A增量合计"), not a change per row; the rows a table lists,
    # counted, are the table's (the targets tool counts target rows, which may be fewer)
    return condition_in(question) is not None or (change_in(question) is not None and op != "sum") \
        or (op in ("max", "min") and column_gap(question) is not None) \
        or (op == "count" and counts_listed_rows(question))


_AVERAGE_RE = re.compile(r"平均|\baverage\b|\bmean\b", re.I)


def op_of(question: str) -> str | None:
    if asks_spread(question):
        return "spread"
    op = first_op(question)
    if op is None and condition_in(question) and _AVERAGE_RE.search(question):
        return "mean"  # "低于1000元/瓶的单品平均批价": the rows kept, then their average
    if op is None and ops_in(question, (Op.LIST,)) and condition_in(question):
        return "list"  # "超过15%的有哪几家": the rows that meet the condition
    return op.value if op else None


def table_total(question: str, tables: list[Table], retrieved: list[Table] | None = None) -> TableTotal | None:
    """The aggregate the question asks of the table it names by number — or, naming none, of the table the
    retrieval ranks first (`retrieved`, best first) — or None when the table does not fit the question."""
    # a change of one row or year; a share of one figure in another (茅台营收占9家合计的比重)
    share = _share_in(question)
    if op_of(question) == "sum" and change_in(question) is not None and re.search(r"一共|总共|累计", question):
        question = re.sub(r"一共|总共|累计", " ", question)  # "一共下降了多少": the change over the span, not a sum
    asked = op_of(question)
    if share and (op_of(share["b"] if _WORDS_RE.search(share["b"]) else question[:share.start()])
                  or op_of(share["a"]) == "sum"):
        # a share of a sum ("…合计占全国的比重"), a sum's share ("宜宾和泸州合计占四川省目标的多少"), or of a whole
        # the clause before names ("在9家酒企营收合计中，茅台占比多少")
        op = "share"
    elif (asked is None and diff_of_two(question)) or (asked in (None, "sum") and row_gap(question)):
        op = "gap"  # "…比它们的2025年规划合计高出多少": a gap between totals, not a sum
    else:
        op = asked or ("change" if change_in(question) is not None else "share" if share else None)
    if op is None:
        return None
    named = find_named_tables(question, tables)
    # English words match Chinese labels through the glossary's terms (a question may mix both: "sum in 亿元")
    if question_lang(question) != "zh":
        question = f"{question} {' '.join(zh_terms(question))}"
    if len(named) > 1:  # "图表2" in several reports: best fitting first (caption, header and rows), then the next
        # where the best holds no answer ("图表1" is in every report; the years a question names fit many)
        rank = {t.id: i for i, t in enumerate(retrieved or [])}
        fit = {t.id: _fit(t, question) for t in named}
        named = sorted((t for t in named if fit[t.id] > 0), key=lambda t: (-fit[t.id], rank.get(t.id, len(rank))))
    unnamed = [t for t in _by_row_kind(question, _best_fitting(question, (retrieved or [])[:3]))[:1]
               if op != "count" or counts_its_rows(question, t)]
    for table in named or unnamed:
        result = _table_total(_without_table_name(question), op, table)
        if result is not None:
            return result
    return None


# Where a question's next ask starts: "合计多少？其中哪一年最多？", "有几个？这些目标合计多少GW？"
_PART_BREAK = re.compile(r"[？?；;]\s*|[，,]\s*(?=其中|另外|以及|此外|这些|它们)")
_ASKING = re.compile("|".join(p.pattern for _, p in OP_WORDS), re.I)


def asks_change(question: str) -> bool:
    """Some ask of the question is a change between two years ("从2020年到2023年提升了多少", "2026E比2023A增长多少")."""
    return any(change_in(p) is not None for p in _PART_BREAK.split(question))


_OF_THOSE = re.compile(r"^\s*(?:其中|这些|它们)")


def table_parts(question: str) -> list[tuple[str, str]]:
    """The question's asks when it asks two things of a table ("2019—2023年新增装机合计多少？其中哪一年最多？"), each
    as (the ask alone, the ask with the first one's words but its operation — the table, measure, years). An ask
    of the first one's rows ("其中…", "这些…") is read with those words first. One ask: [(question, question)]."""
    pieces = [p for p in _PART_BREAK.split(question) if p.strip()]
    asks = [p for p in pieces if op_of(p) is not None or change_in(p) is not None or share_asked(p) or diff_of_two(p)]
    if len(asks) < 2:
        return [(question, question)]
    context = _ASKING.sub(" ", asks[0])
    context = re.sub(r"(?:是|为|有)?\s*多少\s*[\u4e00-\u9fffA-Za-z]{0,4}$|(?:有)?几[个家项类]?$", " ", context.strip())
    return [(asks[0], asks[0])] + [(f"{context}，{a}",) * 2 if _OF_THOSE.match(a) else (a, f"{context}，{a}")
                                   for a in asks[1:]]


def _without_table_name(question: str) -> str:
    """The question without the year in the words naming its table when what follows names a year of its own:
    "2025年…目标表里，2023年实际推广量加总" asks the 2023 column, not the caption's year (with no year after, the
    caption's stays)."""
    m = _NAMED_TABLE_RE.search(question)  # the words naming it ("各省市2025年新能源汽车推广目标表里，")
    if m and _YEAR_RE.search(question[m.end():]):  # its other words may still name the measure (CXO市场规模表)
        return _YEAR_RE.sub(" ", question[:m.end()]) + question[m.end():]
    return question


_ASKS_REGIONS = re.compile(r"哪个省|哪些省|哪几个省|省份|各省|哪个地区|哪些地区|哪个城市|\bwhich (?:province|region|city)|"
                           r"\bprovinces\b|\bregions\b", re.I)

_PLACE_COLUMN = re.compile(r"地区|省|市|城市|区域|\bregion|\bprovince|\bcity", re.I)  # a first column of places


def _by_row_kind(question: str, tables: list[Table]) -> list[Table]:
    """The retrieved tables, best first — but asked of provinces or regions ("哪个省…最多"), only those whose rows
    (or columns) are regions: the national series beside the provincial table, or a table of technologies, names
    no province."""
    if not _ASKS_REGIONS.search(question):
        return tables
    return [t for t in tables if _rows_are_regions(t) or _columns_are_regions(t)
            or (t.header and _PLACE_COLUMN.search(t.header[0]))]


def _columns_are_regions(table: Table) -> bool:
    """Most header cells after the first are a region's name (a wide table: one column a province)."""
    cells = [h.strip() for h in table.header[1:] if h.strip()]
    return bool(cells) and sum(bool(regions_in(h)) for h in cells) >= 0.6 * len(cells)


_SET_SIZE = re.compile(r"(?<![\d.])(\d{1,2}|[一二两三四五六七八九十]{1,2}|\b(?:two|three|four|five|six|seven|eight|nine|ten|"
                       r"eleven|twelve))\s*(?:家|个|只|类|项|省|种|"
                       r"(?:[a-z-]+\s+){0,3}(?:companies|banks|firms|provinces|regions|cities|types|policies)\b)",
                       re.I)


# the counts a question states in words
_CN_SMALL = {c: i for i, c in enumerate("零一二三四五六七八九十")} | {"两": 2} | \
    {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}


def _best_fitting(question: str, tables: list[Table]) -> list[Table]:
    """The retrieved tables, the one listing as many things as the question counts first ("重点跟踪的6家银行…
    不良贷款率" asks the six banks' table, not the bank types' one retrieval put first) — when exactly one does;
    else as retrieved."""
    sizes = {int(m[1]) if m[1].isdigit() else _CN_SMALL.get(m[1].lower(), 0) for m in _SET_SIZE.finditer(question)}
    if len(tables) < 2 or not sizes:
        return tables

    def things(t: Table) -> int:  # its rows of things: not a total row, nor a period (2024年1月)
        return sum(bool(r.cells) and any(c.strip() for c in r.cells[1:]) and not TOTAL_ROW_RE.match(_label(r))
                   and not _YEAR_RE.match(_label(r).strip()) for r in t.rows)
    sized = [t for t in tables if things(t) in sizes]
    return sized + [t for t in tables if t not in sized] if len(sized) == 1 else tables


def _rows_are_regions(table: Table) -> bool:
    """Most row labels are a region's name, give or take a suffix (山东, 广东省, 内蒙古自治区)."""
    labels = [r.cells[0].strip() for r in table.rows if r.cells and r.cells[0].strip()]
    regional = sum(bool(found := regions_in(x)) and len(x) <= len(found[0]) + 3 for x in labels)
    return bool(labels) and regional >= 0.6 * len(labels)


def _fit(table: Table, question: str) -> float:
    """How well a table fits a question: its caption's and header's words in the question, and rows it names."""
    caption = CAPTION_RE.sub("", table.caption or "")
    words = sum(not g.isdigit() for g in bigrams(caption) & bigrams(question))
    header = max((_match(h, question) for h in table.header[1:]), default=0.0)
    rows = sum(any(_named(p, question) for p in _label(r).split()) for r in table.rows)
    return words + header + 2 * rows


def _column(table: Table, rows: list[TableRow], col: int,
            question: str) -> tuple[str, str, list[tuple[str, TableRow, str]]]:
    """Column `col` over the rows the question picks: its header, its unit, and (label, row, cell) per row."""
    cells = [(_label(r), r, r.cells[col] if col < len(r.cells) else "") for r in _pick_rows(rows, question)]
    return table.header[col], _unit_text(table.header[col], table.caption), cells


def _published_in(question: str, table: Table, rows: list[TableRow]) -> tuple[str, list[TableRow]] | None:
    """"2022年发布的政策有几项": the rows whose date column falls in that year, and the question without the words
    that said so (its year is no column's) — or None when the question names no year of publication or the table
    dates nothing."""
    published = published_years(question)
    col = layout(table).first(Role.PUBLISHED) if published else None  # 时间 2023.10, 发布时间 2023年4月
    if col is None:
        return None
    year = str(published[0][0])
    kept = [r for r in rows if parse_published(_cell(r, col.index))[:4] == year]
    return blanked(question, [span for _, span in published]), kept


def _table_total(question: str, op: str, table: Table) -> TableTotal | None:
    header = table.header
    rows = [r for r in table.rows if r.cells and any(c.strip() for c in r.cells)]
    if not rows or len(header) < 2:
        return None
    if (published := _published_in(question, table, rows)) is not None:
        question, rows = published
        if not rows:
            return None
        if op in ("count", "list"):
            return _listed_rows(table, rows, question)
    years = _years_asked(question)
    row_years = [_year(r.cells[0]) for r in rows]
    col_years = [_year(h) for h in header]
    change = change_in(question)
    # a column that is the change already ("2025E较2023A增量") is aggregated as it stands
    # (of the same kind: a column of 增量 is no answer to 增幅)
    own_column = change is not None and any(change.new.names(h) and change.base.names(h)
                                            and change_kind(h) in ("", change.kind) for h in header)
    if op == "count" and counts_listed_rows(question):
        return _listed_rows(table, rows, question)
    if op in ("count", "list") and (kept := _by_category(question, op, table, rows)) is not None:
        return kept
    if op == "share":
        return _share(question, table, rows, row_years)
    if op == "gap":
        return _two_figures_diff(question, table, rows) if diff_of_two(question) else _one_row_gap(question, table, rows)
    # years (or quarters: 2023Q1…2024Q1) across the top: a change asked is one row's two cells
    across = sum(bool(year_labels(h)) for h in header[1:]) >= 2
    if op == "change" and change is not None and across and sum(y is not None for y in row_years) < 2:
        spread = _spread([_label(r) for r in rows])  # a stock code's row by its name (300750.SZ 宁德时代)
        row = max(rows, key=lambda r: _match(_label(r), question, spread))
        if _match(_label(row), question) == 0:
            return None
        return _row_change(table, row, change, _unit_text(row.cells[0], table.caption) or _unit_text(header[0], ""),
                           question)
    month_years = [int(m[1]) if (m := _MONTH_RE.fullmatch(r.cells[0].strip())) else None for r in rows]
    if op == "change" and change is not None and sum(y is not None for y in month_years) >= 2:
        # months down the side (2023年1月 … 2024年4月): the column asked, the two months' rows
        if (col := _asked_column(header, question)) is None:
            return None
        return _series_change(table, rows, month_years, col, change, _unit_text(header[col], table.caption),
                              question)
    if sum(y is not None for y in row_years) < 2 and not own_column and _rows_first(question, op) \
            and not (op == "change" and across):
        return _row_query(question, op, table, rows)
    terms: list[TableTerm] = []
    # two years named without a range between them ("2025E较2023A增量") name a column comparing them, not the
    # years to add up: the best-matching column that is not a single year is the measure
    two_years = years is None and len(set(_YEAR_RE.findall(question))) >= 2
    quoted = [j for j in range(1, len(header)) if _year(header[j]) is None and _match(header[j], question) > 0]
    part_years = [_part_year(h) for h in header]
    named_row = _named_row(rows, question) \
        if sum(y is not None for y in part_years) >= 2 and op in ("sum", "mean", "max", "min") else None
    if named_row is not None:
        # parts of years across the top (2023Q1…2024Q1) and one row named ("中芯国际2023年四个季度的平均"): that
        # row's cells over the years asked
        cols = [j for j in range(1, len(header)) if (y := part_years[j]) is not None
                and (years is None or years[0] <= y <= years[1])]
        measure = named_row.cells[0]
        unit_text = _unit_text(named_row.cells[0], table.caption) or _unit_text(header[0], "")
        cells = [(header[j].strip(), named_row, named_row.cells[j] if j < len(named_row.cells) else "") for j in cols]
    elif two_years and quoted and sum(y is not None for y in row_years) < 2:
        measure, unit_text, cells = _column(table, rows, max(quoted, key=lambda j: _match(header[j], question)),
                                            question)
    elif sum(y is not None for y in row_years) >= 2:  # years down the side: pick the column, then the years
        if (col := _asked_column(header, question)) is None:
            return None
        measure, unit_text = header[col], _unit_text(header[col], table.caption)
        if change is not None and op not in ("mean", "max", "min", "list", "spread"):
            # "2019年到2023年…减少了多少家": the two years' rows of the column, the later less the earlier
            return _series_change(table, rows, row_years, col, change, unit_text, question)
        chosen = [(r, y) for r, y in zip(rows, row_years)
                  if y is not None and (years is None or years[0] <= y <= years[1])]
        cells = [(r.cells[0].strip(), r, r.cells[col] if col < len(r.cells) else "") for r, _ in chosen]
    elif sum(y is not None for y in col_years) >= 2 and years and years[0] == years[1] and years[0] in col_years:
        # years across the top and one year asked: that year's column over the rows named (or all)
        measure, unit_text, cells = _column(table, rows, col_years.index(years[0]), question)
    elif sum(y is not None for y in col_years) >= 2:  # years across the top: pick the row, then the columns
        spread = _spread([r.cells[0] for r in rows])
        row = max(rows, key=lambda r: _match(r.cells[0], question, spread))
        if _match(row.cells[0], question) == 0:
            return None
        measure, unit_text = row.cells[0], _unit_text(row.cells[0], table.caption) or _unit_text(header[0], "")
        cols = [j for j, y in enumerate(col_years) if y is not None and (years is None or years[0] <= y <= years[1])]
        cells = [(header[j].strip(), row, row.cells[j] if j < len(row.cells) else "") for j in cols]
    else:  # entities down the side (banks, companies): pick the column; the rows named, else all
        cols = list(range(1, len(header)))
        dated = []  # the one column the year (and part of the year) asked names: 2024Q1 for "2024年一季度"
        if years and years[0] == years[1]:  # the year asked picks among columns that name years ("2025年目标")
            asked_periods = periods(question)
            dated = [j for j in cols if str(years[0]) in header[j]
                     and (not asked_periods or periods(header[j]) & asked_periods)]
            cols = [j for j in cols if str(years[0]) in header[j]] or \
                [j for j in cols if not _YEAR_RE.search(header[j])] or cols
        # a change asked (环比跌得最多, 跌幅最小) is read from a column that is one (环比变化, 同比变化)
        changing = [j for j in cols if change_kind(header[j])] \
            if change_kind(question) == "growth" and op != "spread" else []
        cols = changing or cols
        spread = _spread([header[j] for j in cols])
        col = max(cols, key=lambda j: _match(header[j], question, spread))
        if _match(header[col], question) == 0:
            if len(dated) != 1 and len(changing) != 1:
                return None
            col = dated[0] if len(dated) == 1 else changing[0]
        measure, unit_text, cells = _column(table, rows, col, question)
        if years and years[0] == years[1] and not _YEAR_RE.search(header[col]):
            cells = _of_year(cells, years[0])
        falls = [c for *_, c in cells if c.strip().startswith(("-", "−"))]
        if op in ("max", "min") and changing and _FALL_RE.search(question) and 2 * len(falls) > len(cells):
            # falls written as negative changes (-18.6%): the largest fall is the smallest value
            op = "min" if op == "max" else "max"
    if op == "change":
        return None  # a change is of one row's two years (above); a ready change column is a lookup's
    if not unit_text:  # no unit in the header: the cells may carry theirs ("2.28万亿元", "8560亿元")
        unit_text = _cell_unit([cell for _, _, cell in cells])
    left_out = _nested(cells, question) if op == "sum" else []
    for label, row, cell in cells:
        if label in left_out:
            continue
        parsed = _value(cell, unit_text)
        if parsed is not None:
            terms.append(TableTerm(label=label, value=parsed[0], as_written=parsed[1], row=row))
    if len(terms) < 2 and op != "count" and not (terms and left_out):
        return None
    # 同比变化 under a caption in 元/瓶 is in % (a gap between two percentages is in points: see the answer's text)
    if op != "spread" and all(t.as_written.strip().endswith("%") for t in terms):
        unit_text = "%"
        if op == "sum" and not _PARTS_OF_A_WHOLE.search(f"{measure} {table.caption}"):
            return None  # growth rates and ratios do not add up (营收同比 of four bank types); shares of a whole do
    values = [t.value for t in terms]
    value = {"sum": lambda: sum(values, Decimal(0)), "max": lambda: max(values), "min": lambda: min(values),
             "count": lambda: Decimal(len(values)), "spread": lambda: max(values) - min(values),
             "mean": lambda: mean_of(values)}[op]()
    if op in ("max", "min"):
        terms = [t for t in terms if t.value == value] + [t for t in terms if t.value != value]
    if op == "spread":  # the largest and the smallest, the two the gap is between
        terms = [max(terms, key=lambda t: t.value), min(terms, key=lambda t: t.value)]
    return TableTotal(op=op, value=value, unit=unit_text, table=table, measure=measure, terms=terms,
                      left_out=left_out)


_PARTS_OF_A_WHOLE = re.compile(r"占比|比重|份额|结构|构成|占")


def _by_category(question: str, op: str, table: Table, rows: list[TableRow]) -> TableTotal | None:
    """The rows whose category cell is the one the question names, exactly ("由国务院发布的政策有几条": 发布单位 =
    国务院, not 国务院办公厅, which it leaves out): a column past the first whose values repeat down the rows (a
    category, not a name per row), the longest of its values the question names outside what it excludes."""
    left_out, asked = set(excluded_text(question).split()), without_exclusions(question)
    best: tuple[int, str] | None = None
    for j in range(1, len(table.header)):
        column = [r.cells[j].strip() if j < len(r.cells) else "" for r in rows]
        values = {v for v in column if v}
        if len(values) >= len([v for v in column if v]):  # no value repeats: names or figures, not categories
            continue
        named = [v for v in values if len(v) >= 2 and not any(c.isdigit() for c in v) and v in asked
                 and v not in left_out]
        if named and (best is None or len(max(named, key=len)) > len(best[1])):
            best = (j, max(named, key=len))
    if best is None:
        return None
    j, value = best
    terms = [TableTerm(label=_label(r), value=Decimal(1), as_written=r.cells[j].strip(), row=r)
             for r in rows if j < len(r.cells) and r.cells[j].strip() == value]
    return _listed(op, table, table.header[j], "", terms, f"{table.header[j]} = {value}")


def _of_year(cells: list[tuple[str, TableRow, str]], year: int) -> list[tuple[str, TableRow, str]]:
    """The cells of the year asked, where the cells name their own years ("2025年12EFlops" beside "2026年15EFlops"
    under one 智算算力规划 column): another year's figure is not one of it. Cells naming no year all stay."""
    named = [int(m[1]) if (m := _YEAR_RE.search(cell)) else None for *_, cell in cells]
    if sum(y is not None for y in named) < 2:
        return cells
    return [c for c, y in zip(cells, named) if y == year]


def _terms_of(cells: list[tuple[str, TableRow, str]], unit_text: str) -> list[TableTerm] | None:
    """Each (label, row, cell) read in `unit_text`; None when a cell holds no figure (every one is needed)."""
    terms = []
    for label, row, cell in cells:
        got = _value(cell, unit_text)
        if got is None:
            return None
        terms.append(TableTerm(label=label, value=got[0], as_written=got[1], row=row))
    return terms


def _asked_column(header: list[str], question: str) -> int | None:
    """The column after the first whose header the question's words fit best; None when no header fits."""
    spread = _spread(header[1:])
    col = max(range(1, len(header)), key=lambda j: _match(header[j], question, spread))
    return col if _match(header[col], question) > 0 else None


def _cell(row: TableRow, col: int) -> str:
    return row.cells[col] if col < len(row.cells) else ""


_MONTH_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月")


def _series_change(table: Table, rows: list[TableRow], row_years: list[int | None], col: int, change,
                   unit_text: str, question: str = "") -> TableTotal | None:
    """A change between two years of a series whose rows are years: new − base, or new / base − 1 in %. Rows of
    months (2023年1月 … 2024年4月): the two months the question names; a year's rows are no one month."""
    by_year = {y: r for r, y in zip(rows, row_years) if y is not None}
    if sum(y is not None for y in row_years) > len(by_year):  # several rows a year: months, quarters…
        months = {m[1]: (m[1], int(m[2])) for m in _MONTH_RE.finditer(question)}
        by_month = {(m[1], int(m[2])): r for r in rows if (m := _MONTH_RE.match(r.cells[0].strip()))}
        by_year = {int(y): by_month.get(months[y]) for y in months}
    picked = [by_year.get(int(label.year)) for label in (change.new, change.base)]
    if None in picked:
        return None
    terms = _terms_of([(r.cells[0].strip(), r, _cell(r, col)) for r in picked], unit_text)
    return _change_of(table, table.header[col], terms, change.kind, unit_text) if terms else None


def _change_of(table: Table, measure: str, terms: list[TableTerm], kind: str, unit_text: str) -> TableTotal | None:
    """terms = [new, base]: new − base, or new / base − 1 in % — but a rate's change is in points, asked as growth
    or not (总资产同比 +11.8% → +9.6%: −2.2 个百分点)."""
    new, base = terms
    rates = unit_text == "%" or all(t.as_written.strip().endswith("%") for t in terms)
    if kind == "growth" and not rates:
        if base.value == 0:
            return None
        return TableTotal(op="growth", value=percent_change(new.value, base.value), unit="%", table=table,
                          measure=measure, terms=terms)
    return TableTotal(op="diff", value=new.value - base.value, unit="%" if rates else unit_text, table=table,
                      measure=measure, terms=terms)


# "A占B的比重/比例/份额是多少": the part before 占, the whole after it
_SHARE_RE = re.compile(r"(?P<a>[^，,。？?；;]*?)(?:占|相当于)(?P<b>[^，,。？?；;]{1,30}?)的?(?:多少)?"
                       r"(?:比重|比例|份额|占比|百分比|百分之几|多大比|多少比|(?<=的)多少(?=\s*(?:[？?]|$)))")
# "占比多少", "占多大比重" with no whole after 占: a share of the whole the clause before frames ("在9家酒企营收合计
# 中，茅台占比多少"); framing none ("那2026年呢？海外销量占比多少"), it is a figure the text states or the share of a
# total asked before (the facade's follow-up), never one computed here; a bare 占多少 ending the question is one too
_SHARE_BARE_RE = re.compile(r"(?P<a>[^，,。？?；;]*?)占(?P<b>)(?:(?:比|比重|比例)\s*(?:是|为|有|大概|大约|约)?\s*"
                            r"(?:多少|几成|多大|百分之几)|了?\s*(?:多少|几成|百分之几)(?=\s*[？?]?\s*$))")
_FRAME_RE = re.compile(r"(?:中|里|当中|之中)\s*[，,]\s*$")


# "2025年CDMO在中国CXO市场中的占比": the part before 在, the whole it is in
_SHARE_IN_RE = re.compile(r"(?P<a>[^，,。？?；;]*?)在(?P<b>[^，,。？?；;在]{2,30}?)(?:中|里|当中|之中)的?(?:占比|比重|份额|比例)")


def _share_in(question: str) -> re.Match[str] | None:
    """The share the question asks: a part and the whole after 占 (or 在…中的占比), or a bare 占比 in a whole the
    clause before frames."""
    if (m := _SHARE_RE.search(question) or _SHARE_IN_RE.search(question)) is not None:
        return m
    bare = _SHARE_BARE_RE.search(question)
    return bare if bare is not None and _FRAME_RE.search(question[:bare.start()]) else None


_WHOLE_OF_ROWS = re.compile(r"合计|总计|总和|全部|所有|整体|总体|[0-9一二两三四五六七八九十]+\s*[家个省项只]")


# words that name something, not the ask's own (占多大比重, 占多少)
_WORDS_RE = re.compile(r"[\u4e00-\u9fffA-Za-z]{2}(?<!多大)(?<!多少)")


# "A与B之差", "A减B": one figure less another — two rows of the column asked, or two columns of the row asked
_DIFF_OF_TWO = re.compile(r"(?P<a>[^，,。？?；;与和减]{2,30}?)(?:与|和|减去?)(?P<b>[^，,。？?；;与和]{2,30}?)"
                          r"(?:之差|的差值?|的差额|差值|相差)")


def diff_of_two(question: str) -> bool:
    return _DIFF_OF_TWO.search(question) is not None and not asks_spread(question)


def _two_figures_diff(question: str, table: Table, rows: list[TableRow]) -> TableTotal | None:
    """A − B: the rows A and B name, in the column of the year or quarter asked (生息资产收益率与计息负债成本率之差,
    2024Q1); else the columns A and B name, in the row the question names. Percentages differ by points."""
    m = _DIFF_OF_TWO.search(question)
    header = table.header
    a_words, b_words = _split_years(m["a"])[0], _split_years(m["b"])[0]
    labels = year_labels(question)
    spread = _spread([_label(r) for r in rows])
    picked = [max((r for r in rows if _names_row(r, w)), key=lambda r: _match(_label(r), w, spread), default=None)
              for w in (a_words, b_words)]
    if None not in picked and picked[0] is not picked[1]:
        cols = [j for j in range(1, len(header)) if any(y.names(header[j]) for y in labels)]
        if len(cols) != 1:
            return None
        cells = [(_label(r), r, _cell(r, cols[0])) for r in picked]
        unit_text = _column_unit(table, rows, cols[0]) or _unit_text(header[0], table.caption)
    else:
        named = [r for r in rows if re.sub(r"\s+", "", _label(r)) in re.sub(r"\s+", "", question)] or \
            [r for r in rows if any(_named(p, question) for p in _label(r).split())]
        cols = [_named_column(header, w, []) for w in (a_words, b_words)]
        if len(named) != 1 or None in cols or cols[0] == cols[1]:
            return None
        cells = [(header[j].strip(), named[0], _cell(named[0], j)) for j in cols]
        unit_text = _column_unit(table, rows, cols[0])
    terms = _terms_of(cells, unit_text)
    if terms is None:
        return None
    rates = unit_text == "%" or all(t.as_written.strip().endswith("%") for t in terms)
    return TableTotal(op="gap", value=terms[0].value - terms[1].value, unit="%" if rates else unit_text, table=table,
                      measure=f"{terms[0].label} − {terms[1].label}", terms=terms)


def _one_row_gap(question: str, table: Table, rows: list[TableRow]) -> TableTotal | None:
    """"新疆2025年底累计装机会比其2025年规划目标多出多少": the row asked, its column the words before 比 name less the
    one after it — each read in its own unit, the difference in the unit a header states."""
    gap = row_gap(question)
    spread = _spread([_label(r) for r in rows])
    row = max(rows, key=lambda r: _match(_label(r), question, spread))
    pair = _gap_columns(table, rows, gap) if gap is not None and _match(_label(row), question) > 0 else None
    if pair is None:
        return None
    read = _cells_in_own_units(table, rows, row, pair)
    if read is None:
        return None
    terms, unit_text = read
    return TableTotal(op="gap", value=terms[0].value - terms[1].value, unit=unit_text, table=table,
                      measure=f"{_label(row)}：{terms[0].label} − {terms[1].label}", terms=terms)


def share_asked(question: str) -> bool:
    return _share_in(question) is not None


def _share(question: str, table: Table, rows: list[TableRow], row_years: list[int | None]) -> TableTotal | None:
    """A/B in %: two rows of one column (the column of the year asked), the whole being a row the words after 占
    name (全球, 合计) or, named as a set (9家合计), the column's rows added up; rows that are years: two columns of
    the year's row (利润总额占销售收入)."""
    m = _share_in(question)
    a_words, years = _split_years(m["a"])
    b_words, b_years = _split_years(m["b"])
    # "2025年中国CXO市场规模中，CDMO占多大比重": the whole and its year named in the clause before
    before_words, before_years = _split_years(question[:m.start()])
    if not _WORDS_RE.search(b_words):
        b_words = before_words
    if not _WORDS_RE.search(_POINTERS_RE.sub("", a_words)):
        # "其中中国市场是多少？占全球比重多少？": the part is what the ask before named
        asked_before = [c for c in _CLAUSE_RE.split(question[:m.start()]) if _WORDS_RE.search(_POINTERS_RE.sub("", c))]
        a_words = _split_years(asked_before[-1])[0] if asked_before else a_words
    years = years or b_years or before_years
    header = table.header
    parts = 1
    if sum(y is not None for y in row_years) >= 2:  # years down the side: the year's row, two columns
        if len(years) != 1:
            return None
        row = next((r for r, y in zip(rows, row_years) if y == int(years[0].year)), None)
        cols = [_named_column(header, w, []) for w in (a_words, b_words)]
        if row is None or None in cols or cols[0] == cols[1]:
            return None
        col = cols[0]
        cells = [(header[j].strip(), row, _cell(row, j)) for j in cols]
    else:
        col_choices = [j for j in range(1, len(header)) if any(y.names(header[j]) for y in years)] if years else \
            list(range(1, len(header)))
        if len(col_choices) != 1:  # the year's own column, not one comparing it with another (2025E较2023A增量)
            col_choices = [j for j in col_choices if _year(header[j]) is not None] or col_choices
        if len(col_choices) != 1:
            col_choices = [j for j in col_choices if _match(header[j], question) > 0] or col_choices
        if len(col_choices) != 1:
            return None
        col = col_choices[0]
        named = [r for r in rows if not TOTAL_ROW_RE.match(r.cells[0])]
        spread = _spread([_label(r) for r in rows])
        # each side's row must be named by it, not merely share a word (钠离子电池 is not 锂离子电池)
        part = max((r for r in named if _names_row(r, a_words)), key=lambda r: _match(_label(r), a_words, spread),
                   default=None)
        if part is None:
            return None
        # several rows named together as the part ("宜宾和泸州两个市的目标合计占四川省目标的多少"): added up
        together = [r for r in named if _names_row(r, a_words)] if _JOINED_RE.search(a_words) else []
        part_rows = together if len(together) >= 2 else [part]
        whole = max((r for r in rows if r not in part_rows and _names_row(r, b_words)),
                    key=lambda r: _match(_label(r), b_words, spread), default=None)
        totals = [r for r in rows if TOTAL_ROW_RE.match(r.cells[0])]
        caption = CAPTION_RE.sub("", table.caption or "")
        if whole is not None:
            whole_rows = [whole]
        elif len(totals) == 1 and _match(caption, b_words) > 0:
            # the whole the caption names ("中国CXO市场" of "中国CXO行业市场规模"): its total row
            whole_rows = [totals[0]]
        elif of_caption := _row_the_caption_is_of(caption, b_words, [r for r in rows if r not in part_rows]):
            whole_rows = [of_caption]
        elif _WHOLE_OF_ROWS.search(m["b"] if _WORDS_RE.search(m["b"]) else question[:m.start()]):
            whole_rows = named
        else:
            return None
        cells = [(_label(r), r, _cell(r, col)) for r in [*part_rows, *whole_rows]]
        parts = len(part_rows)
    terms = _terms_of(cells, _column_unit(table, rows, col))
    return _share_of(table, terms, parts) if terms else None


def _row_the_caption_is_of(caption: str, whole_words: str, rows: list[TableRow]) -> TableRow | None:
    """The whole a share names only by the caption's words ("全球" of "全球半导体销售额"): the one row whose label
    (units in brackets aside) the caption writes (销售额)."""
    words = re.findall(r"[\u4e00-\u9fff]{2,}", whole_words)
    if not _WORDS_RE.search(whole_words) or not all(w in caption for w in words):
        return None
    labels = [(r, re.sub(r"[（(].*", "", _label(r)).strip()) for r in rows]
    written = [r for r, label in labels if len(label) >= 2 and label in caption]
    return written[0] if len(written) == 1 else None


_JOINED_RE = re.compile(r"[和与、及]")


def _share_of(table: Table, terms: list[TableTerm], parts: int = 1) -> TableTotal | None:
    """terms = [*part, *whole]: the part's figures (the first `parts`) over the whole's, each added up, in %."""
    part = sum((t.value for t in terms[:parts]), Decimal(0))
    whole = sum((t.value for t in terms[parts:]), Decimal(0))
    if not whole or len(terms) <= parts:
        return None
    name = " + ".join(t.label for t in terms[:parts])
    return TableTotal(op="share", value=share_percent(part, whole), unit="%", table=table,
                      terms=terms, parts=parts, measure=f"{name} / "
                      + (terms[parts].label if len(terms) == parts + 1 else f"{len(terms) - parts} 项合计"))


_POINTERS_RE = re.compile(r"其|它们|这些|两者|二者|合计|加起来|共")
_CLAUSE_RE = re.compile(r"[，,。？?；;]")


def asks_share_of_previous(ask: str) -> bool:
    """A share asked of nothing it names ("占整体比重多少", "它们占比多少"): of what the ask before it computed."""
    m = _SHARE_RE.search(ask)
    return m is not None and not _WORDS_RE.search(_POINTERS_RE.sub("", m["a"]))


def share_of_sum(result: TableTotal) -> TableTotal | None:
    """The share a sum of some rows is of their column's whole ("临床前CRO与临床CRO合计多少？占整体比重多少？"): the
    table's one total row in that column, else the column's rows added up; None when the sum took every row."""
    table = result.table
    if result.op != "sum" or result.measure not in table.header or not result.value:
        return None
    col = table.header.index(result.measure)
    rows = [r for r in table.rows if len(r.cells) > col and r.cells[col].strip()]
    totals = [r for r in rows if TOTAL_ROW_RE.match(_label(r))]
    unit_text = result.unit
    if len(totals) == 1:
        whole = [totals[0]]
    else:
        whole = [r for r in rows if not TOTAL_ROW_RE.match(_label(r))]
        if len(whole) <= len(result.terms):
            return None
    terms = _terms_of([(_label(r), r, r.cells[col]) for r in whole], unit_text)
    part = TableTerm(label=f"{len(result.terms)} 项合计", value=result.value, as_written=fmt(result.value),
                     row=result.terms[0].row)
    return _share_of(table, [part, *terms]) if terms else None


def _names_row(row: TableRow, text: str) -> bool:
    """`text` names the row: its label ("其中：" dropped; a stock code's name) as `_named` reads names."""
    label = re.sub(r"^\s*其中\s*[：:]?", "", _label(row)).split(" ")[-1]
    return _named(label, text)


def _row_change(table: Table, row: TableRow, change, unit_text: str, question: str = "") -> TableTotal | None:
    """A change between two years' columns of one row (years across the top): new − base, or new / base − 1 in %.
    Where the years head several measures (EPS 2024E, PE 2024E), the two columns of the measure the question
    names; naming none of several, no answer."""
    header = table.header
    pairs = [(n, b) for n in range(1, len(header)) if change.new.names(header[n])
             for b in range(1, len(header)) if b != n and change.base.names(header[b])
             and _without_years(header[n]).strip() == _without_years(header[b]).strip()]
    measures = {_without_years(header[n]).strip() for n, _ in pairs}
    if pairs:
        spread = _spread(sorted(measures))
        best = max(pairs, key=lambda p: _match(_without_years(header[p[0]]), question, spread))
        if len(measures) > 1 and _match(_without_years(header[best[0]]), question) == 0:
            return None
        cols = list(best)
        unit_text = label_unit(_without_years(header[best[0]]).strip()) or unit_text
    else:
        cols = [next((j for j, h in enumerate(header) if j and label.names(h)), None)
                for label in (change.new, change.base)]
        if None in cols or cols[0] == cols[1]:
            return None
        if _without_years(header[cols[0]]).strip() != _without_years(header[cols[1]]).strip():
            # two measures' columns ("2025年目标（万辆）" beside "2023年推广量"): each read in its own unit
            read = _cells_in_own_units(table, [r for r in table.rows if r.cells], row, cols, unit_text)
            return _change_of(table, _label(row), read[0], change.kind, read[1]) if read else None
    if None in cols or cols[0] == cols[1]:
        return None
    cells = [row.cells[j].strip() for j in cols if j < len(row.cells)]
    unit_text = unit_text or ("%" if cells and all(c.endswith("%") for c in cells) else _cell_unit(cells))
    terms = _terms_of([(table.header[j].strip(), row, _cell(row, j)) for j in cols], unit_text)
    return _change_of(table, _label(row), terms, change.kind, unit_text) if terms else None


def _stated_change(table: Table, change: Change) -> int | None:
    """The column stating the change asked (同比变化 beside 2023年7月 and 2024年7月): of the change's kind, naming no
    year, in a table whose year columns are the two compared."""
    header = table.header
    dated = [j for j in range(1, len(header)) if year_labels(header[j])]
    if len(dated) != 2 or not any(change.new.names(header[j]) for j in dated) \
            or not any(change.base.names(header[j]) for j in dated):
        return None
    stated = [j for j in range(1, len(header)) if j not in dated and change_kind(header[j]) == change.kind]
    return stated[0] if len(stated) == 1 else None


def _nested(cells: list[tuple[str, TableRow, str]], question: str) -> list[str]:
    """Row labels of cities inside a province that is a row too (广东省深圳市 beside 广东省): summed with it, they
    would count twice. A city the question names stays."""
    regions = {normalise_region(label)[0] for label, _, _ in cells}
    return [label for label, _, _ in cells
            if any(a in regions for a in ancestors(normalise_region(label)[0])) and not _named(label, question)]


_RISE_RE = re.compile(r"增加|增长|上升|提升|提高|增幅|增量|多出|多了|\brose\b|\bincreas|\bgrew\b|\bgrowth\b", re.I)
_FALL_RE = re.compile(r"减少|下降|降幅|下滑|回落|(?<!多)少了|跌|\bfell\b|\bdeclin|\bdrop", re.I)


def _without_years(header: str) -> str:
    return YEAR_LABEL_RE.sub(" ", header)


def _row_query(question: str, op: str | None, table: Table, rows: list[TableRow]) -> TableTotal | None:
    """Each row's value — a column, or a change between two years' columns — kept where the question's condition
    holds, then the op: the largest, the smallest, the count, or (asking "which") the rows themselves."""
    change, condition = change_in(question), condition_in(question)
    header = table.header
    rows = _pick_rows(rows, question)
    if change is not None and condition is None and op in ("mean", "sum") \
            and (stated := _stated_change(table, change)) is not None:
        # "四个环节的平均价格降幅": the table's own change column (同比变化), as the analyst reads it
        unit = _column_unit(table, rows, stated)
        terms = _terms_of([(_label(r), r, _cell(r, stated)) for r in rows if _cell(r, stated).strip()], unit)
        return _listed(op, table, header[stated].strip(), unit, terms, "") if terms else None
    asked = question
    for label in year_labels(question):  # the years chose the columns; their digits match no measure
        asked = asked.replace(label.year, " ")
    gap = column_gap(question) if change is None and condition is None else None
    if change is not None or gap is not None or (condition is not None and condition.against is not None):
        if gap is not None:  # "预测装机超出规划最多": the two columns the words around 超出 name
            pair = _gap_columns(table, rows, gap)
            if pair is None:
                return None
            n, b = pair
            change = Change("diff", *(year_labels(header[j])[0] if year_labels(header[j]) else YearLabel("", "")
                                      for j in (n, b)))
        else:
            new, base = (change.new, change.base) if change else (year_labels(question)[0], condition.against)
            spread = _spread([_without_years(h) for h in header[1:]])
            candidates = [(n, b) for n in range(1, len(header)) if new.names(header[n])
                          for b in range(1, len(header)) if b != n and base.names(header[b])]
            if not candidates:
                return None
            # the measure the question names ("EPS", "营收", "产能"), its two years' columns alike
            n, b = max(candidates, key=lambda p: (_match(_without_years(header[p[0]]), asked, spread),
                                                  _without_years(header[p[0]]).strip() == _without_years(header[p[1]]).strip()))
            # the measure must be the question's: named by the columns ("归母净利润2025E") or, years alone, the
            # caption (a unit in brackets names no measure: "2025E（GW）" is the caption's measure in GW)
            own_name = _BRACKET_RE.sub(" ", _without_years(header[n]))
            named_by = own_name if re.search(r"[\u4e00-\u9fffA-Za-z]", own_name) else CAPTION_RE.sub("", table.caption or "")
            if _match(named_by, asked) == 0:
                return None
        # each column read in its own unit ("120万辆以上" beside a "2023年推广量（万辆）" of bare numbers), the
        # difference in the unit a header states
        col_units, unit_text = _own_units(table, rows, (n, b))
        terms = []
        for r in rows:
            got = [_in_unit(r.cells[j], u, unit_text) if j < len(r.cells) else None for j, u in zip((n, b), col_units)]
            if None in got:
                continue
            (v_new, w_new), (v_base, w_base) = got
            if change is None:  # "2024E低于2023A": the rows kept, each with both figures
                if condition.holds(v_new, v_base):
                    terms.append(TableTerm(label=_label(r), value=v_new, as_written=f"{w_new}（{base}：{w_base}）",
                                           row=r))
                continue
            if change.kind == "growth":
                if v_base == 0:
                    continue
                value = percent_change(v_new, v_base)
                written = f"{w_new} / {w_base} − 1 = {fmt(value)}%"
            else:
                value = v_new - v_base
                written = f"{w_new} − {w_base} = {fmt(value)}"
            terms.append(TableTerm(label=_label(r), value=value, as_written=written, row=r))
        if change is None:
            measure = f"{header[n]} {'<' if condition.op == '<' else '>'} {header[b]}"
            return _listed(op, table, measure, unit_text, terms, measure)
        unit = "%" if change.kind == "growth" else unit_text
        if op in ("max", "min") and (_FALL_RE.search(question) or (gap and gap.below)):  # "减少最多": most negative
            op = "min" if op == "max" else "max"
        measure = (f"{header[n]} 相对 {header[b]} 的{'增速' if change.kind == 'growth' else '变化'}")
        if condition is not None:
            # "2024E低于2023A的…跌得最多的": a condition against the base year is the change's sign
            terms = [t for t in terms if condition.holds(t.value, Decimal(0))]
            return _listed(op, table, measure, unit, terms, f"{measure} {condition}")
        # "变化最大" with no direction: the change furthest from zero
        return _extreme(op, table, measure, unit, terms, by_size=not _FALL_RE.search(question)
                        and not _RISE_RE.search(question) and gap is None)
    # a condition on one column: the column the condition's words name ("海外收入占比超过70%"), else the question's
    # a threshold in % tests a column of percentages ("2024年6月批价同比跌幅超过3%": 同比变化, not 2024年6月)
    among = [j for j in range(1, len(header)) if _column_unit(table, rows, j) == "%"] if condition.percent else None
    if condition.subject:  # its words name the column; the question's year picks among that measure's years
        words, years = _split_years(condition.subject)  # ("预计到2025年，国产化率达到或超过30%": 2025E国产化率)
        col = _named_column(header, words, years or year_labels(question), among)
    else:
        col = None
    col = col if col is not None else _named_column(header, asked, year_labels(question), among)
    if col is None:  # no words name a column: the one column the year asked names ("2025E达到或超过35%")
        dated = [j for j in (among if among is not None else range(1, len(header)))
                 if any(y.names(header[j]) for y in year_labels(question))]
        col = dated[0] if len(dated) == 1 else None
    if col is None:
        return None
    unit_text = _column_unit(table, rows, col)
    if condition.percent and unit_text != "%":
        return None  # "超过两成" tests a share or a growth rate, not a column of amounts
    values = [(r, _value(r.cells[col], unit_text) if col < len(r.cells) else None) for r in rows]
    if not unit_text and all(got is None for _, got in values):  # "2小时", "4小时": a unit the registry lacks
        unit_text, values = _suffixed(rows, col)
    # a fall tested on a column of signed changes ("跌幅超过3%" of -3.3%, -12.9%): its size, rises being no falls
    falls = bool(_FALL_RE.search(condition.subject)) and \
        2 * sum(got is not None and got[0] < 0 for _, got in values) > len(values)
    terms = []
    for r, got in values:
        if got is not None and (condition.holds(-got[0]) and got[0] < 0 if falls else condition.holds(got[0])):
            terms.append(TableTerm(label=_label(r), value=got[0], as_written=got[1], row=r))
    kept = f"{header[col]} {condition}" if not falls else f"|{header[col]}| {condition}（下降）"
    # the rows kept, then another column aggregated over them ("…的公司2023年海外收入合计多少")
    other = _named_column(header, *_split_years(question.replace(condition.subject, " "))) \
        if condition.subject and op in ("sum", "mean", "max", "min") else None
    if other is not None and other != col and terms:
        unit_other = _column_unit(table, rows, other)
        picked = []
        for t in terms:
            got = _value(t.row.cells[other], unit_other) if other < len(t.row.cells) else None
            if got is not None:
                # each row with the figure that kept it: "9110（海外收入占比：78.9%）"
                picked.append(TableTerm(label=t.label, value=got[0], as_written=f"{got[1]}（{header[col]}：{t.as_written}）",
                                        row=t.row))
        if len(picked) == len(terms):
            return _listed(op, table, header[other], unit_other, picked, kept)
    return _listed(op, table, header[col], unit_text, terms, kept)


def _gap_columns(table: Table, rows: list[TableRow], gap: Gap) -> tuple[int, int] | None:
    """The columns a gap compares: the one the words after 超出 name best, then — among the columns in its unit
    and of the years the question names — the one the words before name, or the only one left ("累计装机超出规划":
    the forecast column says only "2025E（GW）")."""
    header = table.header
    units = {j: _column_unit(table, rows, j) for j in range(1, len(header))}
    # a gap is between two columns in one unit: "预算完成率" (%) is never a side of one in 亿元
    paired = [j for j in units if sum(_convertible(units[k], units[j]) for k in units) >= 2
              and not change_kind(header[j])]
    words = _split_years(gap.second)[0]
    second = max(paired, key=lambda j: _match(header[j], words), default=None)
    if second is None or _match(header[second], words) == 0:
        return None
    years = year_labels(gap.first) + year_labels(gap.second)
    others = [j for j in units if j != second and _convertible(units[j], units[second]) and not change_kind(header[j])
              and (not years or any(y.names(header[j]) for y in years))]
    words = _split_years(gap.first)[0]
    named = [j for j in others if _match(header[j], words) > 0]
    if named:
        return max(named, key=lambda j: _match(header[j], words)), second
    return (others[0], second) if len(others) == 1 else None


def _convertible(a: str, b: str) -> bool:
    """Two columns' units measure one quantity: the same, or one converts to the other (辆 and 万辆)."""
    if a == b:
        return True
    if not (unit_named(a) and unit_named(b)):
        return False
    try:
        convert_unit(Decimal(1), a, b)
    except ValueError:
        return False
    return True


def _split_years(words: str) -> tuple[str, list]:
    """Words without their years' digits (which match no measure), and the years, which choose the columns."""
    years = year_labels(words)
    for label in years:
        words = words.replace(label.year, " ")
    return words, years


def _named_column(header: list[str], words: str, years: list, among: list[int] | None = None) -> int | None:
    """The column (after the label column) `words` name best, among those of `years` when there are any (and
    among the columns `among` when given)."""
    every = among if among is not None else list(range(1, len(header)))
    if not every:
        return None
    dated = [j for j in every if not years or any(y.names(header[j]) for y in years)] or every
    for cols in (dated, every):  # the year's columns; else a column no year names ("同比变化" of "2024年6月…同比跌幅")
        spread = _spread([header[j] for j in cols])
        col = max(cols, key=lambda j: _match(header[j], words, spread))
        if _match(header[col], words) > 0:
            return col
    return None


_SUFFIXED_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([\u4e00-\u9fff]{1,2})\s*$")


def _suffixed(rows: list[TableRow], col: int) -> tuple[str, list[tuple[TableRow, tuple[Decimal, str] | None]]]:
    """A column whose cells all write a number and one short word after it (2小时, 4小时): that word its unit."""
    found = [(r, _SUFFIXED_RE.match(r.cells[col]) if col < len(r.cells) else None) for r in rows]
    words = {m[2] for _, m in found if m}
    if len(words) != 1 or not all(m for _, m in found):
        return "", [(r, None) for r in rows]
    return words.pop(), [(r, (Decimal(m[1]), m[0].strip())) for r, m in found]


def _column_unit(table: Table, rows: list[TableRow], col: int) -> str:
    cells = [r.cells[col].strip() for r in rows if col < len(r.cells) and r.cells[col].strip()]
    # "25%": parse_values reads no unit in it; and cells in % are in %, whatever the caption's unit (百万元)
    percent = bool(cells) and all(c.endswith("%") or _value(c, "%") and "%" in c for c in cells)  # 30%以上 too
    return "%" if percent else _unit_text(table.header[col], table.caption) or _cell_unit(cells)


def _extreme(op: str | None, table: Table, measure: str, unit: str, terms: list[TableTerm],
             by_size: bool = False) -> TableTotal | None:
    """The largest or smallest term, first; `by_size`: by magnitude (变化最大: the change furthest from zero)."""
    if op not in ("max", "min") or len(terms) < 2:
        return None
    size = abs if by_size else (lambda v: v)
    best = (max if op == "max" else min)(terms, key=lambda t: size(t.value))
    terms = [best] + sorted((t for t in terms if t is not best), key=lambda t: -size(t.value) if op == "max" else size(t.value))
    return TableTotal(op=op, value=best.value, unit=unit, table=table, measure=measure, terms=terms, by_size=by_size)


def _listed(op: str | None, table: Table, measure: str, unit: str, terms: list[TableTerm],
            condition: str) -> TableTotal | None:
    """The rows that meet the condition: their count, the largest or smallest of them, or the rows themselves."""
    if op in ("max", "min"):
        return _extreme(op, table, measure, unit, terms)
    if not terms:
        return None
    if op == "mean":
        return TableTotal(op="mean", value=mean_of([t.value for t in terms]), unit=unit, table=table, measure=measure,
                          terms=terms, condition=condition)
    if op == "sum":
        return TableTotal(op="sum", value=sum(t.value for t in terms), unit=unit, table=table, measure=measure,
                          terms=terms, condition=condition)
    return TableTotal(op="count" if op == "count" else "list", value=Decimal(len(terms)), unit=unit, table=table,
                      measure=measure, terms=terms, condition=condition)
