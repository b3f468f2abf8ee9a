"""What a question asks of each row of a table before it aggregates: a change between two year columns ("2025E相对
2023A的增幅", "2024年营收相对2023年的增速") and a condition the rows must meet ("隐含增速超过15%的", "营收正增长的",
"2024E EPS低于2023A的"). Parsed here, once; the table calculator applies them (table_calc.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

# A year as a column names it: 2024, 2024年, 2024E, 2023A ("预测"/"实际" say E/A in words)
# A year's column label: 2024, 2024年, 2025E, 2023A — and a part of one (2024Q1, 2023H1, 2023Q1-3)
YEAR_LABEL_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年)?\s*([AEＡＥ]|预测|实际)?\s*([QqHh][1-4](?:\s*-\s*[1-4])?)?"
                           r"(?![\dA-Za-z])")


def _part(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "").upper()
_GROWTH = re.compile(r"增速|增幅|增长率|涨幅|降幅|跌幅|同比|环比|变动率|变化率|百分之(?:多少|几)|\bgrowth\b|\bgrew\b|\bgrowth rate\b|%\s*change", re.I)
# not 新增: 新增装机 is a measure
_DIFF = re.compile(r"增量|增加|(?:增长|提升|提高|上升|下降|下滑|回落|回升|反弹|收窄|扩大)了?多少|(?:下降|下滑|回落|上升)得?(?=最)|[跌涨降]得?(?=最多)|减少|变化|变动|相差|差额|多出|高出|减去|减(?=\s*(?:19|20)\d{2})|[少多降涨跌]了|(?<![定留写落])下了|[少多]多少|"
                   r"\bincrease\b|\bchange\b|\bdifference\b|\bminus\b", re.I)
# "A相对B", "A较B", "A比B", "A减B", "from B to A": which year is the base
_BASE_AFTER = re.compile(r"相对于?|相比于?|较|比|对比|减去?|\bover\b|\bversus\b|\bvs\.?|\bminus\b", re.I)

_OR_MORE, _OR_LESS = r"\bor (?:more|above|higher|greater)\b", r"\bor (?:less|below|lower|fewer)\b"  # "15% or more"
_MORE = r"超过|高于|大于|多于|不低于|不少于|不小于|达到|以上|\babove\b|\bover\b|\bmore than\b|\bexceed(?:s|ing)?\b|" \
    rf"\bat least\b|{_OR_MORE}|\bhigher\b|\bgreater\b|\blarger\b|\bmore\b"
_LESS = r"低于|小于|少于|不足|不到|不超过|不高于|不多于|不大于|以下|\bbelow\b|\bunder\b|\bless than\b|\bat most\b|" \
    rf"{_OR_LESS}|\bfewer\b|\blower\b|\bsmaller\b|\bless\b"
_NUMBER = r"([-+]?\d+(?:\.\d+)?)\s*(%|个百分点)?"
# "超过15%", "15%以上", "above 15%", "15% or more"
_THRESHOLD = re.compile(rf"(?P<w1>{_MORE}|{_LESS})\s*了?\s*{_NUMBER}|{_NUMBER}\s*(?:[\u4e00-\u9fffA-Za-z]{{1,3}}?)?\s*"
                        rf"(?P<w2>以上|以下|{_OR_MORE}|{_OR_LESS})", re.I)
_POSITIVE = re.compile(r"正增长|增长为正|为正|上升的|提升的|增长的(?:有|是)|\bgrew\b|\bpositive\b|\bincreased?\b", re.I)
_NEGATIVE = re.compile(r"负增长|增长为负|为负|下降的|下滑的|减少的|\bdeclined?\b|\bnegative\b|\bfell\b|\bdecreased?\b", re.I)


@dataclass(frozen=True)
class YearLabel:
    year: str  # "2024"
    kind: str  # "A", "E" or "" (not said)
    part: str = ""  # "Q1", "H1", "Q1-3" or "" (the whole year)

    def names(self, header: str) -> bool:
        """Whether a column header is this year's ("EPS（元）2024E", "2024年营收目标") — or this part's (2024Q1)."""
        for m in YEAR_LABEL_RE.finditer(header):
            if m[1] == self.year and (not self.kind or _kind(m[2]) in ("", self.kind)) and _part(m[3]) == self.part:
                return True
        return False

    def __str__(self) -> str:
        return f"{self.year}{self.kind}{self.part}"


@dataclass(frozen=True)
class Change:
    kind: str  # "growth" (new / base − 1, in %) or "diff" (new − base, in the column's unit)
    new: YearLabel
    base: YearLabel


# the bound itself meets the condition: "不低于15%" keeps a row at 15%, "超过15%" does not
_INCLUSIVE = re.compile(rf"不低于|不少于|不小于|达到|以上|不超过|不高于|不多于|不大于|以下|\bat least\b|\bat most\b|"
                        rf"{_OR_MORE}|{_OR_LESS}", re.I)


@dataclass(frozen=True)
class Condition:
    op: str  # ">", ">=", "<", "<=" or "==" ("配储比例为10%的省份", "储能时长2小时的")
    threshold: Decimal | None = None  # a number; None with `against`
    against: YearLabel | None = None  # "2024E EPS低于2023A": the same measure in another year's column
    # the words the condition is on ("海外收入占比" of "海外收入占比超过70%的公司…2023年海外收入合计"): the column
    # tested, which may not be the one aggregated
    subject: str = field(default="", compare=False)
    percent: bool = field(default=False, compare=False)  # "超过15%": only a column of percentages meets it

    def __str__(self) -> str:
        op = "=" if self.op == "==" else self.op
        return f"{op} {self.against if self.against else self.threshold}{'%' if self.percent and not self.against else ''}"

    def holds(self, value: Decimal, other: Decimal | None = None) -> bool:
        limit = other if self.against else self.threshold
        if limit is None:
            return False
        return {">": value > limit, ">=": value >= limit, "<": value < limit, "<=": value <= limit,
                "==": value == limit}[self.op]


def _kind(letter: str | None) -> str:
    return {"Ａ": "A", "Ｅ": "E", "预测": "E", "实际": "A"}.get(letter or "", letter or "")


# a year's part in words, as its column writes it: 2024年一季度 / 第一季度 → 2024Q1, 2023年上半年 → 2023H1
_QUARTER_WORDS = re.compile(r"((?:19|20)\d{2})\s*年?\s*(?:第\s*)?([一二三四1-4])\s*季度")
_HALF_WORDS = re.compile(r"((?:19|20)\d{2})\s*年?\s*([上下])半年")
_ORDINAL = {"一": "1", "二": "2", "三": "3", "四": "4"}


def _as_columns(question: str) -> str:
    question = _QUARTER_WORDS.sub(lambda m: f"{m[1]}Q{_ORDINAL.get(m[2], m[2])}", question)
    return _HALF_WORDS.sub(lambda m: f"{m[1]}H{1 if m[2] == '上' else 2}", question)


def year_labels(question: str) -> list[YearLabel]:
    """The distinct years the question names, in order, each with A/E when it says so (and its quarter or half)."""
    out: list[YearLabel] = []
    for m in YEAR_LABEL_RE.finditer(_as_columns(question)):
        label = YearLabel(m[1], _kind(m[2]), _part(m[3]))
        if all((label.year, label.part) != (o.year, o.part) for o in out):
            out.append(label)
    return out


# "2021—2023年", "2024到2026年": a span of years to aggregate over, not two columns to compare
_SPAN_RE = re.compile(r"(?:19|20)\d{2}\s*[AE]?\s*年?\s*(?:[-—–~～至到]|to|through)\s*(?:19|20)?\d{2}", re.I)


def _two_columns(question: str) -> list[YearLabel]:
    labels = year_labels(question)
    return labels if len(labels) == 2 and not _SPAN_RE.search(question) else []


def change_kind(text: str) -> str:
    """The change a question asks, or a column holds: "growth" (增速, 增幅, 降幅), "diff" (增量, 减少) or ""."""
    return "growth" if _GROWTH.search(text) else "diff" if _DIFF.search(text) else ""


# one year's own change: "2023年当年累计装机增加最多" is 2023's figure less 2022's
_ONE_YEAR = re.compile(r"当年|全年|一年|年内|这一年|单年|\b(?:in|during)\s+(?:19|20)\d{2}\s+alone\b", re.I)


def change_in(question: str) -> Change | None:
    """A change between two years' columns the question asks of each row, or None ("2023年到2024年的增速" is one:
    the change word decides; one year named as one year's change — "2023年当年增加" — is against the year before)."""
    labels = year_labels(question)
    kind = change_kind(question)
    if not kind:
        return None
    if len(labels) == 1 and _ONE_YEAR.search(question):
        year = labels[0]
        return Change(kind, year, YearLabel(str(int(year.year) - 1), "", year.part))
    if len(labels) != 2:
        return None
    first, second = labels
    between = question[question.find(first.year) + 4:question.find(second.year)]
    if _BASE_AFTER.search(between):  # "2025E相对2023A": the second is the base
        return Change(kind, first, second)
    return Change(kind, max(labels, key=lambda y: y.year), min(labels, key=lambda y: y.year))


# what closes off the words before a condition: "锦石表3里|海外收入占比", "配储要求表中，|配储比例"
_SUBJECT_STOP = re.compile(r".*(?:[里中，,。？?；;：:、（(]|的|表\d*|图表?\s*\d+)")


def _subject(before: str) -> str:
    """The few words right before a condition: what it tests."""
    words = _SUBJECT_STOP.sub("", before).strip()
    if not re.search(r"[\u4e00-\u9fff]", words):
        return ""  # an English question's columns are matched through its glossary terms, as a whole
    return re.sub(r"(?:在|是|为|均|都)$", "", words)[-12:]


_GAP_WORD = re.compile(r"(超出|超过|高于|多出)|(低于|少于|不及)")
_EXTREME_AFTER = re.compile(r"^[^，,。？?；;]{0,16}?(?:最多|最大|最高|最少|最小|最低)")


@dataclass(frozen=True)
class Gap:
    """"预测装机超出规划最多": two columns compared row by row — how far the one named before the word (`first`)
    exceeds the one named after it (`second`); `below` when the word says "falls short of" (低于)."""
    first: str
    second: str
    below: bool


def column_gap(question: str) -> Gap | None:
    """The two columns a question compares per row, asking whose gap is the largest or smallest; None when a
    figure follows the word (超过15%: a condition) or no extreme is asked."""
    for m in _GAP_WORD.finditer(question):
        after = question[m.end():]
        if re.match(r"\s*[-+]?\d+(?:\.\d+)?\s*(?:%|个百分点|倍)?(?![\d年])", after) or not _EXTREME_AFTER.search(after):
            continue
        return Gap(question[:m.start()], after, below=m[2] is not None)
    # "2025年目标与2023年推广量之间的差距最大": the first named less the second
    m = _BETWEEN.search(question)
    if m and _EXTREME_AFTER.search(question[m.end():]):
        return Gap(question[:m.start("second")], question[m.start("second"):], below=False)
    return None


# "新疆2025年底累计装机会比其2025年规划目标多出多少GW": one row's column less the one named after 比
_TIME_WORDS = re.compile(r"(?:19|20)\d{2}\s*年?\s*[AEＡＥ]?|[前去上今明后本次]一?年|同期|上[月季]度?|年[初底末中]|[其的]")
_ROW_GAP = re.compile(r"比(?P<second>[^，,。？?；;比]{1,20}?)(?:(?P<more>多出|高出|超出|多)|(?P<less>少|低|差))了?\s*"
                      r"(?:多少|几)")


def row_gap(question: str) -> Gap | None:
    """Two columns of the row asked compared by their words, not by two years (`change_in` reads those)."""
    m = _ROW_GAP.search(question)
    if m is None or change_in(question) is not None \
            or not re.search(r"[\u4e00-\u9fff]{2}", _TIME_WORDS.sub(" ", m["second"])):
        return None  # "比前年多了多少": a year's change, no column named
    first = re.split(r"[，,。？?；;]", question[:m.start()])[-1]
    return Gap(first, m["second"], below=m["less"] is not None)


_BETWEEN = re.compile(r"(?:与|和|跟|同)(?P<second>[^，,。？?；;与和]{1,16}?)(?:之间)?的?(?:差距|差值|差额|缺口)")


# tenths in words: "超过两成" is above 20%
_TENTHS = re.compile(r"(?<![一二两三四五六七八九十])([一二两三四五六七八九])成(?![本员为立功交熟长果都])")


# "配储比例为10%的省份有几个", "要求储能时长2小时的有哪些": rows whose column (the words before) states that figure
_EQUAL = re.compile(rf"(?:为|是|等于|均为)?\s*(?<![\dA-Za-z.]){_NUMBER}\s*(?P<unit>(?![家个只项省座])[\u4e00-\u9fffA-Za-z/]{{0,3}}?)"
                    r"\s*的(?=[^，,。？?；;]{0,8}?(?:有?几|多少|哪些|哪几))")
# "哪些省份的储能时长是4小时？": the figure ending a which-question
_EQUAL_END = re.compile(rf"(?:为|是|等于)\s*(?<![\dA-Za-z.]){_NUMBER}\s*(?P<unit>[\u4e00-\u9fffA-Za-z/]{{0,3}}?)\s*[？?]?\s*$")
_WHICH = re.compile(r"哪|几|多少")

_OR_EQUAL = re.compile(r"(?:达到|等于)或(超过|高于|低于)")


def _tenths_as_percent(m: re.Match) -> str:
    import cn2an  # on first use, as units.py does: most questions write no tenths in words

    return f"{int(cn2an.cn2an(m[1], 'smart')) * 10}%"


def condition_in(question: str) -> Condition | None:
    """The condition a question puts on the rows ("超过15%", "正增长", "低于2023A", "超过两成"), or None."""
    question = _TENTHS.sub(_tenths_as_percent, question)
    question = _OR_EQUAL.sub(lambda m: "不低于" if m[1] in ("超过", "高于") else "不超过", question)  # 达到或超过30%
    labels = _two_columns(question)
    if labels:  # "2024E EPS低于2023A": one year's column against the other's
        first, second = labels
        between = question[question.find(first.year) + 4:question.find(second.year)]
        m = re.search(rf"({_MORE})|({_LESS})", between, re.I)
        if not m and re.search(r"\bthan\b", between, re.I):  # "fewer NEVs in 2024E than in 2023A"
            start = question.find(first.year)
            m = re.search(rf"({_MORE})|({_LESS})", question[max(0, start - 30):start], re.I)
            between = ""
        if m and not re.search(_NUMBER + r"\s*(?:%|个百分点)", between[m.end():]):
            return Condition(">" if m[1] else "<", against=second)
    for m in _THRESHOLD.finditer(question):
        word = m["w1"] or m["w2"]
        number = m.group(2) if m["w1"] else m.group(4)
        if YEAR_LABEL_RE.fullmatch(number or ""):
            continue  # "2025年以上": a year, not a threshold
        more = re.fullmatch(_MORE, word, re.I) is not None or word == "以上"
        op = (">" if more else "<") + ("=" if _INCLUSIVE.fullmatch(word) else "")
        percent = bool(m.group(3) if m["w1"] else m.group(5))
        return Condition(op, threshold=Decimal(number), subject=_subject(question[:m.start()]), percent=percent)
    ends = _EQUAL_END.search(question) if _WHICH.search(question) else None
    for m in [*_EQUAL.finditer(question), *([ends] if ends else [])]:
        subject = _subject(question[:m.start()])
        if subject and not YEAR_LABEL_RE.fullmatch(m[1]) and not m["unit"].startswith(("年", "月")):
            return Condition("==", threshold=Decimal(m[1]), subject=subject, percent=m[2] == "%")
    if _NEGATIVE.search(question):
        return Condition("<", threshold=Decimal(0))
    if _POSITIVE.search(question):
        return Condition(">", threshold=Decimal(0))
    return None
