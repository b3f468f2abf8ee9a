"""The words of an aggregate question, in one place: which operation it asks (sum, count, max, min, list), which
rows it leaves out ("不含深圳", "去掉江苏和上海"), and which table rows are totals already (合计, 总计).

Question analysis, the totals router and the table calculator all read these; before, each kept its own list and
they disagreed ("累计是多少" was a sum to one and a look-up to another).
"""

from __future__ import annotations

import re

from assistant.core.models import Op

# Checked in this order: "how many … in total" is a count, "which region is highest" a max.
OP_WORDS: list[tuple[Op, re.Pattern[str]]] = [
    # an average of the rows, not a measure named 平均 ("平均储能时长", "average duration"): 平均 asked as the amount
    # "它们的平均配储比例": the average of the rows just named
    (Op.MEAN, re.compile(r"简单平均|算术平均|平均值|均值|平均(?=\s*(?:是|为|约|大概|大约)?\s*(?:多少|几))|"
                         r"(?:它们|他们|其|这些[\u4e00-\u9fff]{0,4}|上述[\u4e00-\u9fff]{0,4})的?平均|"
                         # over a counted set: "所列9个省份新能源项目的平均配储比例", "四个季度的平均产能利用率"
                         r"(?<![\d.])(?:\d{1,2}|[两三四五六七八九十])\s*(?:个|家|项|季度|年)[\u4e00-\u9fff]{0,8}?的平均|"
                         r"\b(?:simple |arithmetic )?average of\b|\bmean of\b|\bon average\b|\bsimple average\b",
                         re.I)),
    # "几个月" is a duration, not a count of rows
    # …and "这几家龙头" points to things named, it counts nothing
    (Op.COUNT, re.compile(r"(?:多少个|(?<![哪这那])几个)(?!月|百分点|季度|小时|工作日|基点)|多少条|(?<![哪这那])几条|多少项|"
                          r"(?<![哪这那])几项|多少地区|多少省|(?<![哪这那])几家|多少家|(?:多少|(?<![哪这那])几)(?:份(?!额)|[款种部类])|"
                          r"多少城市|\bhow many\b|\bnumber of\b|\bcount\b", re.I)),
    (Op.MAX, re.compile(r"最大|最高|最多|\blargest\b|\bhighest\b|\bbiggest\b|\bthe most\b|\bmaximum\b", re.I)),
    (Op.MIN, re.compile(r"最小|最低|最少|\bsmallest\b|\blowest\b|\bthe least\b|\bminimum\b", re.I)),
    # 累计 is a sum only when it asks the amount ("累计是多少"); "累计装机" is a measure, not an operation
    (Op.SUM, re.compile(r"合计|总计|加总|总和|一共|共计|加起来|加在一起|加一起|加到一起|相加|之和|总共|"
                        r"累计(?=\s*(?:是|为|有|共|约|达)?\s*(?:多少|几))|"
                        # "what share of total computing power": the whole a share is of, not a sum
                        r"(?<!share of )(?<!proportion of )(?<!percentage of )(?<!% of )\btotal\b|"
                        r"\bsum\b|\badd(?:ed)? up\b|\bcombined\b|\baltogether\b|"
                        # "cumulative capacity" is a measure; a sum only as "cumulative total" or "cumulatively"
                        r"\bcumulative (?:total|sum)\b|\bcumulatively\b", re.I)),
    (Op.LIST, re.compile(r"列出|列举|哪些|哪几|\blist\b|\bshow all\b|\b(?:which|what)\s+(?:[a-z-]+\s+){0,2}?(?:regions|"
                         r"provinces|cities|companies|stocks|banks|firms|automakers|carmakers|types|years|policies)\b",
                         re.I)),
]
ARITHMETIC = (Op.MEAN, Op.COUNT, Op.MAX, Op.MIN, Op.SUM)
# "最高和最低相差多少": the gap between the largest and the smallest, asked with both
_GAP_RE = re.compile(r"相差|差多少|差距|差值|差了|\bdifference\b|\bgap\b|\bspread\b", re.I)


def asks_spread(question: str) -> bool:
    ops = ops_in(question)
    return Op.MAX in ops and Op.MIN in ops and _GAP_RE.search(question) is not None
# A counted set of companies or banks ("9家酒企", "各家银行", "the eight companies"): the rows of an entity table
ENTITY_SET = r"[0-9一二两三四五六七八九十]+\s*家|各家|\bcompanies\b|\bbanks\b|\bfirms\b"
# Words that add values up, never a count's "一共几个": asked beside a count ("有几个？加总是多少"), the sum is
# the answer — it states its row count too.
ADDS_VALUES = re.compile(r"合计|加总|总和|加起来|加在一起|加一起|加到一起|相加|之和|\bsum\b|\badd(?:ed)? up\b|\bcombined\b", re.I)
# A question about two reports asking each its own figure ("分别…合计各是多少"), not one figure over both.
EACH_RE = re.compile(r"分别|各自|各是|各为|\brespectively\b|\beach\b", re.I)

# "不含深圳", "剔除贵州", "去掉江苏和上海", "excluding Jiangsu": what follows these words leaves the aggregate
EXCLUDE_RE = re.compile(r"(?:不含|不包括|不计入|不计(?!入)|不算|排除|剔除|去掉|去除|除去|扣除|除了|除|excluding|except)\s*"
                        r"(?![，,。；;？?）)])(.{1,30}?)"
                        r"(?=[，,。；;）)？?]|以外|之外|外|后|$)", re.I)

# A table's own total row: summing it with the rows it totals would count every row twice.
# Also one ending on it, before a count in brackets: "上市银行合计（42家）", "十省合计".
TOTAL_ROW_RE = re.compile(r"^\s*(?:合计|总计|小计|共计|总和|全国合计|total|sum)(?![a-z])|"
                          r"^[^，,。；;]{1,12}?(?:合计|总计|小计)\s*(?:[（(][^）)]{0,12}[）)])?\s*$", re.I)


# An operation whose result the asker states ("各地规划加起来3.4万亿，那全国…多大"): a premise, not an ask
_GIVEN_RESULT = re.compile(r"\s*(?:是|为|约|有|达到?|了|共|才|已|超过?|不到)?\s*(?:约|近|超)?\s*"
                           # (a year is no result: "合计2025年目标", "the total 2025 target", "合计2019—2023")
                           r"(?!(?:19|20)\d\d(?![\d.]|\s*(?:亿|万|千|百|%|个|家|台|辆|元|[GMTK]Wh?|E?FLOPS)))\d")


def ops_in(question: str, among: tuple[Op, ...] = tuple(Op)) -> list[Op]:
    """The operations the question's words ask, in OP_WORDS order."""
    return [op for op, pattern in OP_WORDS if op in among
            and any(not _GIVEN_RESULT.match(question, m.end()) for m in pattern.finditer(question))]


# …and with no word before: "四川以外的四个省", "江苏之外的省份" (the names from a clause's start)
_OUTSIDE_RE = re.compile(r"(?:^|(?<=[，,。；;：:中里]))(?![除不排剔去扣])([\u4e00-\u9fff、和与及]{2,12}?)(?:以外|之外)(?=的)")


# …or with the word after: "（深圳不重复算）", "上海不计入"
_NOT_COUNTED_RE = re.compile(r"(?:^|(?<=[，,。；;：:（(]))([\u4e00-\u9fff、和与及]{2,12}?)"
                             r"(?:不重复计算?|不重复算|不单独计算?|不另计|不计入?|不算)")


def excluded_text(question: str) -> str:
    """What the question leaves out, joined ("去掉江苏和上海" → "江苏和上海")."""
    return " ".join(m[1] for r in (EXCLUDE_RE, _OUTSIDE_RE, _NOT_COUNTED_RE) for m in r.finditer(question))


def without_exclusions(question: str) -> str:
    """The question with its exclusion phrases blanked, so the places they name are not read as asked."""
    return _NOT_COUNTED_RE.sub(" ", _OUTSIDE_RE.sub(" ", EXCLUDE_RE.sub(" ", question)))


# A share asked of no whole it names ("其中江苏、上海两地占多少？", "占比多少", "占几成"): of the total asked before
_SHARE_OF_UNNAMED = re.compile(r"占\s*(?:比|比例|比重)?\s*(?:是|为|有|大概|约)?\s*(?:多少|几成|多大|几|百分之几)|占比\s*(?:呢|[？?]|$)")


def asks_share_of_unnamed_whole(question: str) -> bool:
    return _SHARE_OF_UNNAMED.search(question) is not None


# When a document came out, not the year it is about: "2023年发布的", "发布时间在2024年的", "published in 2022"
PUBLISHED_YEAR: list[re.Pattern[str]] = [
    # "2024年才发布规划的", "2023年新出台的": an adverb between the year and the verb
    re.compile(r"(20[0-9]{2})\s*年?\s*(?:内|中)?\s*(?:才|新|刚|又|已|再)?\s*(?:发布|出台|印发|颁布)"),
    re.compile(r"(?:发布|出台|印发|颁布)(?:时间|日期)?\s*(?:于|在|为|是)?\s*(20[0-9]{2})\s*年?"),
    re.compile(r"\b(?:published|issued|released)\s+(?:in\s+)?(20[0-9]{2})\b", re.I),
]


def published_years(question: str) -> list[tuple[int, tuple[int, int]]]:
    """Each year the question says a document was published in, with the span that says so."""
    return [(int(m[1]), m.span()) for pattern in PUBLISHED_YEAR for m in pattern.finditer(question)]


def blanked(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with the spans a filter was read from blanked, offsets kept: their years are no other year asked."""
    for s, e in spans:
        text = text[:s] + " " * (e - s) + text[e:]
    return text


# A question asking why (为什么, 原因是什么, 靠什么撑住, 怎么还能涨, why, what drove) is answered by a unit stating a cause.
_REASON_ASKED = re.compile(r"为什么|为何|为啥|原因|理由|靠什么|靠的是|凭什么|(?:怎么|如何)(?:解释|做到)|怎么还(?:能|会|在)|怎么会|何以|什么推动|推动的|"
                           r"撑住|背后.{0,6}逻辑|逻辑是什么|\bwhy\b|\breasons?\b|\bhow come\b|"
                           r"\bwhat (?:drove|drives|is driving|caused|causes|explains|is behind)\b", re.I)


def asks_reason(question: str) -> bool:
    return bool(_REASON_ASKED.search(question))


# A question asking a broker's reading of something (怎么解读, 如何看待, 意味着什么, what does X make of) is answered by
# the units that state a view (我们认为, 或将, 意味着), not by those restating the event
_VIEW_ASKED = re.compile(r"(?:怎么|如何|怎样)(?:解读|看待?|理解|评价)|意味着什么|有(?:何|什么)(?:影响|意义)|看法|观点|"
                         r"(?:觉得|认为|判断|看来)[^，,。？?]{0,16}(?:会不会|能不能|能否|是否|有没有|可不可能)|"
                         r"\bhow does\b.{0,40}\b(?:view|see|interpret|read|assess)\b|\bwhat does\b.{0,40}\b(?:think|make of)\b|"
                         r"\b(?:implications?|take on|view on)\b", re.I)


def asks_view(question: str) -> bool:
    return bool(_VIEW_ASKED.search(question))
