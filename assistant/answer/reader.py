"""The direct answer: the figure or the date the best evidence unit gives for what the question asks, read off the
unit's own words — never computed, never guessed — so that an answer leads with it ("2024年7月 [1]") before the
quotes it comes from. Where the unit does not single one out (no figure near the words asked, two equally near),
there is no direct answer and the quotes answer alone."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from enum import Enum

from assistant.answer.evidence import Unit
from assistant.core.tokenize import normalize
from assistant.ingest.structure import split_cells
from assistant.targets.table_calc import label_unit
from assistant.targets.units import parse_values, unit_named, units_in_brackets


class AnswerKind(str, Enum):
    FIGURE = "figure"  # 多少, 占比, how much: a number with its unit
    MONEY = "money"  # 利润总额多少, budget: an amount in 元 or 美元
    DATE = "date"  # 什么时候, 何时, when: a year, month or day


_WHEN = re.compile(r"什么时候|什么时间|何时|哪天|哪一天|几月几[日号]|哪个月|哪一个月|哪月|哪年|哪一年|几几年|"
                   r"\bwhen\b|\bwhat (?:year|date|month)\b|\bwhich (?:year|month|date)\b|\bby when\b", re.I)
# …but "哪一年最多" asks which row of a table is the largest: a year is named, and nothing is read off a sentence
_WHICH_MOST = re.compile(r"(?:哪一?年|which year).{0,8}(?:最|更|highest|lowest|most|least|largest|peak)", re.I)


# A rate asked (占比, 增速, 渗透率, what share): its figure is a percentage, points or a multiple, not an amount
_RATE_ASKED = re.compile(r"占比|比重|份额|市占率|渗透率|几成|比例|增速|增幅|降幅|跌幅|涨幅|增长率|同比|环比|百分之|利用率|"
                         r"完成率|(?:[^\s]率)(?:是|为|有|达到?)?多少|\bshare\b|\bpercentage\b|\brate\b|\bgrowth\b|"
                         r"\bmargin\b|\byoy\b|\bratio\b", re.I)
_RATE = re.compile(r"[%％]|个百分点|pcts?|bps?|BP|倍")


def asks_rate(question: str) -> bool:
    """A rate asked (占比, 同比增长多少, what share) — answered by a percentage, points or a multiple."""
    return _RATE_ASKED.search(question) is not None


def states_rate(text: str) -> bool:
    return _RATE.search(text) is not None or re.search(r"[一二两三四五六七八九十半]成|翻番|过半", text) is not None


def answer_kind(question: str, figure_asked: bool, money_asked: bool = False) -> AnswerKind | None:
    if _WHEN.search(question) and not _WHICH_MOST.search(question):
        return AnswerKind.DATE
    return AnswerKind.MONEY if money_asked else AnswerKind.FIGURE if figure_asked else None


_NUM = r"[-+]?\d+(?:,\d{3})*(?:\.\d+)?"
# A figure's unit as written: a percentage, points, a multiple, a money, count or physical unit (with 万/亿)
_UNIT = (r"%|％|个百分点|pcts?|pct|bps?|BP|倍|[万亿千百]*(?:(?:元|美元|港元|欧元)(?:/(?:千瓦·年|[A-Za-z]{1,4}|[\u4e00-\u9fff]))?|辆|吨|台|家|个(?!月)|项|座|户|人|只|件|套|条|次|所|"
         r"千瓦时|千瓦|瓦时|瓦|千升|升|片|立方米|平方米|平方公里|公里|千米|小时|GWh|MWh|kWh|TWh|Wh|GW|MW|kW|TW|W|EFLOPS|EFlops|"
         r"PFLOPS|PFlops|TFLOPS|P|EB|PB|TB|G|nm|mm)|[万亿]+")
_FIGURE_RE = re.compile(rf"(?<![\d.A-Za-z])(?P<num>{_NUM})\s*(?P<unit>{_UNIT})(?![A-Za-z])")
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年|[AE](?![A-Za-z]))")
_DATE_RE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*年(?:\s*(?P<m>1[0-2]|0?[1-9])\s*月(?:\s*(?P<d>[12]\d|3[01]|0?[1-9])\s*日)?|"
    r"\s*(?P<part>[一二三四]季度|上半年|下半年|年底|年末|底|末|初|年初|中))?|"
    r"(?<![\d年])(?P<m2>1[0-2]|0?[1-9])\s*月(?:\s*(?P<d2>[12]\d|3[01]|0?[1-9])\s*日)?|"
    r"(?<![\d.])(?P<y3>(?:19|20)\d{2})[./-](?P<m3>1[0-2]|0?[1-9])(?![\d])(?:[./-](?P<d3>[12]\d|3[01]|0?[1-9])(?!\d))?")


def with_unit(cell: str, unit: str) -> str:
    """A bare number with the unit its column or row names ("50.0" under 新增装机（GW） → "50.0GW"): the figure
    reads whole, as the analyst quotes it."""
    return f"{cell}{unit}" if unit and re.fullmatch(_NUM, cell) else cell


_A_YEAR = re.compile(r"(?:19|20)\d{2}年?")
_UNIT_ONLY = re.compile(rf"(?:{_UNIT})")
_UNIT_ASKED = re.compile(rf"(?:多少|几)(?P<unit>{_UNIT})")
# Words that count things (多少家, 几个) are answered by naming them as often as by a figure: they ask no unit
_COUNTING = re.compile(r"[个家项只座条次人户所倍件套]")
_LATIN_UNIT = re.compile(r"(?<![A-Za-z])(?:[ZEPT]FLOPS|[ZEPT]Flops|[TGMk]Wh?|GWh)(?![A-Za-z])")


def unit_asked(question: str) -> str:
    """The unit a figure is asked in ("多少EFlops", "多少万千升", "(in EFLOPS)", "how many GW"), or "": an
    evidence unit stating no figure in it (湖北's 2000亿元 of chips for its EFLOPS) does not answer."""
    m = _UNIT_ASKED.search(normalize(question))
    if m and not _COUNTING.fullmatch(re.sub(r"^[万亿千百]+", "", m["unit"])) and m["unit"] not in ("万", "亿"):
        return m["unit"]
    latin = _LATIN_UNIT.search(question)
    return latin[0] if latin else ""


_WRITTEN_AS = {"升": ("升", "L"), "%": ("%", "％", "个百分点"), "片": ("片", "wafer")}  # a unit's other spellings


def holds_unit(texts: list[str], wanted: str) -> bool:
    """Whether a unit's text, header or caption states a figure in the unit `wanted` — by the units registry where
    it knows the unit (any prefix: 万千瓦 for GW, 300 EFLOPS for EFlops), else as written (千升, %)."""
    unit = unit_named(wanted)
    whole = " ".join(texts)
    if unit is not None:
        if any(v.family == unit.family and v.unit == unit.canonical for v in parse_values(whole)):
            return True
        return any(u.family == unit.family and u.canonical == unit.canonical for u in units_in_brackets(whole))
    base = re.sub(r"^[万亿千百]+", "", wanted) or wanted
    return any(b in whole for b in _WRITTEN_AS.get(base, (base,)))
_CLAUSE_END = re.compile(r"[，,；;。！？!?：:]")
TIE = 0.01  # breaks a tie, decides nothing else
AFTER_CREDIT = 0.5  # a term in the figure's clause after it (投产 in "于2024年7月投产") says less than one before it


def _clause(text: str, start: int, end: int) -> tuple[str, str]:
    """The words of the clause a span sits in, before it and after it."""
    left = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in _CLAUSE_END.finditer(text, end)), len(text))
    return text[left:start], text[end:right]


class Reader:
    """Reads the direct answer off one unit: `run(question, unit, kind)` → the span as written, or None."""

    def __init__(self, terms: list[tuple[str, ...]], weight: Callable[[str], float]):
        # a year asked filters the figures (below), a unit asked picks them: neither tells one figure's words from
        # another's
        self.years = {t for g in terms for t in g if _A_YEAR.fullmatch(t)}
        self.terms = [g for g in terms if g and not any(_A_YEAR.fullmatch(t) or _UNIT_ONLY.fullmatch(t) for t in g)]
        self.weight = weight

    def _score(self, before: str, after: str) -> float:
        before, after = normalize(before), normalize(after)
        score = 0.0
        for group in self.terms:
            w, whole = max(self.weight(t) for t in group), max(len(t) for t in group)
            # a part of the word asked (汽车 of 汽车出口) is worth its share of the word
            near = max((len(t) / whole for t in group if t in before), default=0.0)
            far = max((len(t) / whole for t in group if t in after), default=0.0)
            score += w * max(near, AFTER_CREDIT * far)
        return score

    def run(self, question: str, unit: Unit, kind: AnswerKind) -> str | None:
        rate = bool(_RATE_ASKED.search(question))
        if unit.header:
            return self._cell(question, unit) if kind is not AnswerKind.DATE else None
        spans = self._dates(unit.text) if kind is AnswerKind.DATE else self._figures(unit.text, question, kind, rate)
        if not spans:
            return None
        years = self.years
        scored = []
        for start, end in spans:
            before, after = _clause(unit.text, start, end)
            stated = _YEAR_RE.findall(unit.text[:start])
            # a figure dated by a year the question does not ask (the last one written before it) is another's
            other_year = kind is not AnswerKind.DATE and years and stated and stated[-1] not in years
            # no rate asked: an amount beats a percentage as near to the words asked (载重吨860万吨 before 占…9.2%)
            rate_unasked = kind is not AnswerKind.DATE and not rate and _RATE.search(unit.text[start:end])
            scored.append((self._score(before, after) - (100 if other_year else 0) - (TIE if rate_unasked else 0),
                           start, end))
        best = max(scored, key=lambda x: x[0])
        ties = [x for x in scored if x[0] == best[0] and unit.text[x[1]:x[2]] != unit.text[best[1]:best[2]]]
        # a date the unit alone gives (2024年3月，…联合印发…) needs no words beside it
        alone = kind is AnswerKind.DATE and len({unit.text[s:e] for _, s, e in scored}) == 1
        if (best[0] <= 0 and not alone) or best[0] < 0 or ties:
            return None
        return unit.text[best[1]:best[2]].strip()

    def _figures(self, text: str, question: str, kind: AnswerKind, rate: bool) -> list[tuple[int, int]]:
        out = []
        for m in _FIGURE_RE.finditer(text):
            if _YEAR_RE.match(text, m.start()) or re.fullmatch(r"(?:19|20)\d{2}", m["num"]):
                continue  # a year, not a figure
            if kind is AnswerKind.MONEY and not re.search(r"元", m["unit"]):
                continue
            out.append((m.start(), m.end()))
        if rate:
            out = [(s, e) for s, e in out if _RATE.search(text[s:e])]
        asked = {m["unit"] for m in _UNIT_ASKED.finditer(normalize(question))}
        if "百分之" in question or "percent" in question.lower():
            asked.add("%")
        if not asked:
            return out
        # the unit asked ("多少万辆", "百分之多少") keeps the figures written in it (or none)
        units = [re.sub(r"^[\d.,\s+-]+", "", text[s:e]) for s, e in out]
        return [span for span, u in zip(out, units) if any(a == u or a in ("%", "％") and u in ("%", "％") for a in asked)]

    def _dates(self, text: str) -> list[tuple[int, int]]:
        # a document's title dates nothing (《…行动方案（2024—2027年）》)
        titles = [(m.start(), m.end()) for m in re.finditer(r"《[^》]*》", text)]
        return [(m.start(), m.end()) for m in _DATE_RE.finditer(text)
                if not any(s <= m.start() < e for s, e in titles)]

    def _cell(self, question: str, unit: Unit) -> str | None:
        """A table row's figure: the cell under the header the question's words (its year, its measure) name."""
        cells = split_cells(unit.text)
        header = unit.header + [""] * (len(cells) - len(unit.header))
        figures = [i for i in range(1, len(cells)) if re.search(r"\d", cells[i]) and not
                   re.fullmatch(r"\s*(?:19|20)\d{2}\s*(?:年|[AE])?\s*", cells[i])]
        if not figures:
            return None
        # the year asked picks the column (2025年目标, 2024E); a column of another year is not it
        dated = {i: set(re.findall(r"(?:19|20)\d{2}", header[i])) for i in figures}
        if self.years:
            figures = [i for i in figures if not dated[i] or dated[i] & self.years]
            if not figures:
                return None
        scores = {i: self._score(header[i], "") + (1.0 if dated[i] & self.years else 0.0) for i in figures}
        best = max(figures, key=lambda i: scores[i])
        if len(figures) > 1 and (scores[best] == 0 or sum(scores[i] == scores[best] for i in figures) > 1):
            return None
        value = with_unit(cells[best].strip(), label_unit(header[best]) or label_unit(cells[0]))
        name = re.sub(r"\s+", "", cells[0])
        label = re.sub(r"\s+", "", header[best])
        return "，".join(x for x in (name, f"{label}：{value}" if label else value) if x)


# ---- English --------------------------------------------------------------------------------------------------

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_PARTS_EN = {"一季度": "Q1", "二季度": "Q2", "三季度": "Q3", "四季度": "Q4", "上半年": "H1", "下半年": "H2",
             "年底": "end", "年末": "end", "底": "end", "末": "end", "初": "early", "年初": "early", "中": "mid"}
_UNITS_EN = {"元": "yuan", "美元": "US dollars", "港元": "HK dollars", "欧元": "euros", "辆": "vehicles",
             "吨": "tonnes", "家": "companies", "台": "units", "个百分点": "percentage points", "倍": "times", "人": "people"}
_SCALE = {"": 0, "万": 4, "亿": 8, "万亿": 12, "千": 3, "百": 2}


def _english_figure(text: str) -> str:
    """"24.3万辆" → "243 thousand vehicles (24.3万辆)"; a figure in a unit English shares (%, GW) stays as written."""
    m = _FIGURE_RE.fullmatch(text.strip())
    if not m:
        return text
    scale = re.match(r"[万亿千百]*", m["unit"])[0]
    base = m["unit"][len(scale):]
    if scale not in _SCALE or (not scale and base not in _UNITS_EN):
        return text
    value = Decimal(m["num"].replace(",", "")).scaleb(_SCALE[scale])
    for exp, word in ((12, "trillion"), (9, "billion"), (6, "million"), (3, "thousand")):
        if abs(value) >= Decimal(10) ** exp:
            number = f"{value.scaleb(-exp).normalize():f} {word}"
            break
    else:
        number = f"{value.normalize():f}"
    words = _UNITS_EN.get(base, base)
    english = f"{number} {words}".strip()
    return english if english == text else f"{english} ({text})"


def _english_date(text: str) -> str:
    m = _DATE_RE.fullmatch(text.strip())
    if not m:
        return text
    year, month, day = m["y"] or m["y3"], m["m"] or m["m2"] or m["m3"], m["d"] or m["d2"] or m["d3"]
    words = []
    if month:
        words.append(_MONTHS[int(month) - 1] + (f" {int(day)}" + ("," if year else "") if day else ""))
    if year:
        part = _PARTS_EN.get(m["part"] or "")
        if part in ("Q1", "Q2", "Q3", "Q4", "H1", "H2"):
            return f"{part} {year}"
        words.append(f"{part} {year}" if part else year)
    return " ".join(words)


def in_english(text: str, kind: AnswerKind) -> str:
    """The direct answer as an English reader writes it, the figure as the report writes it beside where they
    differ: a date as "July 2024", 24.3万辆 as "243 thousand vehicles (24.3万辆)"."""
    if kind is not AnswerKind.DATE:
        return _english_figure(text)
    english = _english_date(text)
    return english if english == text else f"{english} ({text})"
