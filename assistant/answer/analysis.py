"""Question analysis: one typed step before retrieval — language, which reports are named, what is asked.

The router, the retriever's report filter and the card answers all read this one `QuestionAnalysis`, instead of
each scanning the question with its own patterns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import Enum

from pydantic import BaseModel, Field

from assistant.core.asks import ARITHMETIC, ENTITY_SET, Op, asks_reason, asks_spread, asks_view, ops_in
from assistant.core.glossary import companies_in, same_words
from assistant.core.models import ReportCard
from assistant.core.text import has_cjk
from assistant.core.tokenize import normalize, pos_tokens, word_frequency
from assistant.targets.conditions import condition_in, row_gap
from assistant.targets.regions import place, regions_in
from assistant.targets.table_calc import (TABLE_REF_RE, YEAR_RANGE_RE, YEARS_LISTED, asks_change, asks_of_rows,
                                          diff_of_two, op_of, share_asked)


class Intent(str, Enum):
    LOOKUP = "lookup"  # a fact, a figure, a list: answered from retrieved passages
    AGGREGATE = "aggregate"  # a sum/count/max/min over target rows: the totals tool
    REPORT_META = "report_meta"  # who wrote a report, when, its title or rating: the report card


class MetaField(str, Enum):
    BROKER = "broker"
    TITLE = "title"
    DATE = "date"
    ANALYSTS = "analysts"
    RATING = "rating"


class QuestionAnalysis(BaseModel):
    question: str
    lang: str  # "zh" | "en"
    scope: list[str] = Field(default_factory=list)  # report ids the question names (by broker or file name)
    intent: Intent = Intent.LOOKUP
    meta: list[MetaField] = Field(default_factory=list)
    both: bool = False  # asks about two or more reports at once
    relative_year: bool = False  # says 明年/今年/去年 (next/this/last year): dated by the report it is asked of
    # a question in parts, each part about one report ("国联…是多少？天风…又是多少？"): (report, part) in order
    # (None: a part naming no report, asked of all: "宁德时代的装车份额是多少？东岳对它的EPS预测是多少？")
    parts: list[tuple[str | None, str]] = Field(default_factory=list)
    # two things asked of one subject ("广东省2025年的新能源汽车推广目标和新型储能装机目标分别是多少？"): each ask
    # as a question of its own, in order — the two may be in two reports
    asks: list[str] = Field(default_factory=list)


_META: list[tuple[MetaField, re.Pattern]] = [
    (MetaField.ANALYSTS, re.compile(r"分析师|作者|研究员|执业证书|证书编号|谁写|谁撰写|撰写人|\bSAC\b|\banalysts?\b|\bauthors?\b|"
                                    r"\bauthored\b|\bwho (?:wrote|penned|signed)|written by|谁执笔|执笔", re.I)),
    (MetaField.RATING, re.compile(r"评级|\bratings?\b|\brated\b", re.I)),
    (MetaField.BROKER, re.compile(r"哪家券商|哪个券商|哪家机构|哪家证券|哪家(?:出|发)的|谁(?:发布|出具)|"
                                  r"\bwhich broker (?:wrote|published|issued)\b|\bpublished by\b|\bwho published\b", re.I)),
    # a date asked with a verb of issuing ("哪天发的", "什么时候发布") is the report's, not an event's
    (MetaField.DATE, re.compile(r"(?:报告|研报).{0,6}(?:日期|哪天|何时|什么时候)(?:发布|出具)?|"
                                # …but a publication date given ("发布时间在2024年的省份") narrows a table's rows
                                r"发布(?:日期|时间)(?!\s*(?:在|为|是|于)?\s*(?:19|20)\d{2})|"
                                r"(?:哪天|哪一天|何时|什么时候|几月几日)(?:发布|发的|出的|出具|发出)|"
                                # which of the reports is the newer ("哪篇发布得更晚", "which one was published first")
                                r"(?:哪篇|哪份|哪一篇|哪一份).{0,4}(?:发布|发|出|写)得?(?:更|较|比较)?(?:晚|早|新|近)|"
                                r"\bwhich(?: of the \w+ reports| report| one)? (?:is|was) (?:the )?"
                                r"(?:later|earlier|newer|older|more recent)\b|"
                                r"\bwhich\b.{0,30}\b(?:published|issued|released|came out)\b.{0,10}"
                                r"\b(?:later|earlier|first|last|more recently)\b|"
                                r"\bwhen (?:was|is) (?:it|the report|this report)\b|\bpublication date\b|\bdated\b", re.I)),
    (MetaField.TITLE, re.compile(r"标题|题目|\btitled?\b", re.I)),
]
# A rating asked of something other than the report's industry view (a bank, a stock) is a lookup in the text.
_STOCK_RATING = re.compile(r"(?:给了|给予).{0,8}评级的|给.{1,10}[“\"]?(?:买入|增持|推荐|中性|减持)[”\"]?评级|(?:哪些|哪几家|哪几只|哪家|哪只).{0,10}(?:买入|增持|推荐)|目标价|股价|市盈率|估值|"
                           # 年EPS: no \b between a Chinese character and a Latin letter
                           r"(?<![A-Za-z])(?:EPS|PE)(?![A-Za-z])|"
                           r"\bshare prices?\b|\btarget prices?\b|\bprice targets?\b|\bstocks?\b|"
                           r"\brate[sd]? (?:it )?(?:buy|overweight)\b", re.I)
# What a rating is asked of: "对五粮液的投资评级", "给平安银行什么评级", "对白酒行业的评级"
# (…the rating asked beside another thing of the name: "对中国移动的盈利预测和评级")
_RATED = re.compile(r"(?:对|给予了?|给出了?|给了?)\s*([\u4e00-\u9fffA-Za-z]{2,12}?)\s*"
                    r"(?:的\s*[\u4e00-\u9fff]{2,6}?(?:和|及|与|、)|的)?\s*(?:给出了?|给予了?|给了?|给)?"
                    r"\s*(?:的)?\s*(?:投资|股票|个股|行业)?\s*(?:什么|何种|哪种|哪个|怎样的)?\s*(?:投资|股票|个股|行业)?\s*评级")
_INDUSTRY_WORD = re.compile(r"(?:行业|板块|产业|赛道|业)$")
# what stands before 评级 without naming what is rated: question words, pronouns (各自, 其, 所覆盖的), times (上次评级)
_NOT_RATED = re.compile(r"的|给|对|什么|哪|何|怎|各|其|两|自己|所|上次|此前|之前|首次|本次|最新")
_RATED_EN = re.compile(r"\bratings?\b.{0,30}\b(?:assigns?|gives?|puts?|has|have)\s+(?:on\s+|to\s+)?"
                       r"(?!(?:It|Its|This|The|That|These|Those)\b)[A-Z][A-Za-z]+")


def rated_name(question: str) -> str:
    """The name a rating is asked of ("对中芯国际给出的投资评级" → 中芯国际); "" when none is named."""
    named = [m.group(1) for m in _RATED.finditer(question) if not _NOT_RATED.search(m.group(1))]
    if not named:
        return ""
    name = re.sub(r"^(?:这篇|该|本)?(?:报告|研报)?", "", named[0])
    bare = _INDUSTRY_WORD.sub("", name)
    return bare if len(bare) >= 2 or len(name) < 3 else name[:-1]  # 银行业 → 银行 (not 银)


def rates_a_stock(question: str, cards: Sequence[ReportCard]) -> bool:
    """A rating asked of a named company or sub-sector, not of the report's industry: "星垣给平安银行什么评级" asks
    a stock rating the card does not hold (its rating is the industry view). What is rated is the report's subject
    when, without 行业/板块, it is a word of a report's title, industry or broker (白酒行业, 银行业)."""
    rated = rated_name(question)  # 白酒行业 → 白酒
    if not rated:  # "What rating does Tianfeng give Cambricon?": a name, capitalised, given a rating
        return bool(_RATED_EN.search(question))
    if rated in {"报告", "研报"}:
        return False
    own = " ".join(f.value for c in cards for f in [c.title, c.broker, *c.industry] if f)
    return rated not in own and not any(c.broker_short and c.broker_short in rated for c in cards)


# "经营指标表里", "表中", "图表": a table spoken of (not 代表, 表示, 发表)
# a table named: 表里, 图表, 这张表, or a name ending in 表 ("单品批价表，…"; not 代表, 发表)
_TABLE_WORD = re.compile(r"表\s*(?:里|中|内|格)|图表|[这那该此张]表|[\u4e00-\u9fff](?<![代发外报])表(?=\s*[，,、：:的（(])|"
                         r"\btables?\b", re.I)
_BOTH = re.compile(r"两份|两篇|两家|各自|分别|对比|比较|异同|不同|\bboth\b|\beach\b|\bcompare\b|\bdiffer", re.I)
# An aggregate word over targets, plans or regions. Targets of any quantity (compute, power, money, counts) are
# rows of the totals tool; when it has no rows for a question, retrieval answers instead (facade._totals_answer).
# …or over a set of entities the question counts ("这五家", "8家CXO公司", "四家银行"): rows of an entity table;
# …or over a run of years ("2019—2023": table_calc's YEAR_RANGE_RE; "这五年"): rows of a time series.
_AGG_OVER = re.compile(r"规划|目标|各地|各省|地方|省份|省市|(?:这|近|过去)[两三四五六七八九十]+年|历年|各年|"
                       # a counted set of points in time ("那6个时点"), or an average computed ("简单平均")
                       r"[0-9一二两三四五六七八九十]+\s*个\s*(?:时点|时间点|季度|月份|年份|年度|报告期)|"
                       r"简单平均|算术平均|取个?平均|求平均|平均值|\bsimple average\b|\barithmetic (?:mean|average)\b|"
                       r"\btargets?\b|\bplans?\b|\bgoals?\b|\bprovinces?\b|\bregions?\b|" + ENTITY_SET, re.I)


# A counted set of things an average is taken over ("四个环节…平均", "三类银行的平均"): a table's rows
_COUNTED_SET = re.compile(r"[0-9一二两三四五六七八九十]+\s*(?:个|类|种)\s*(?=[\u4e00-\u9fff])")
# The row holding the largest or smallest ("拨备覆盖率最高的是哪家"): a ranking over a table's rows, when the
# retrieval's first tables fit the question (else retrieval answers)
_WHICH_EXTREME = re.compile(r"(?:最高|最低|最大|最小|最多|最少).{0,6}(?:哪|\bwhich\b)|"
                            r"(?:哪|\bwhich\b)[^，,。？?；;]{0,30}?(?:最高|最低|最大|最小|最多|最少)|"
                            r"\bwhich\b.{0,40}\b(?:highest|lowest|largest|smallest|most|least)\b", re.I)


# Several years or names listed ("2024E和2025E两年…合计", "工商银行、招商银行、江苏银行…合计"): rows added up
_LISTED = re.compile(YEARS_LISTED.pattern + r"|(?:[\u4e00-\u9fff]{2,8}、){2,}[\u4e00-\u9fff]{2,8}")


# a change between two years asked as an amount ("比2022年增加了多少亿元"): computed from a table holding both years
_AMOUNT_CHANGE = re.compile(r"(?:增加|减少|多|少)了?多少|(?:下降|增长|提升)了?多少\s*(?:亿|万|元|个|家|辆|GW|千瓦|片)")
# A year as a table's column writes it: a forecast or an actual (2025E, 2023A), a quarter (2024Q1), a half (2023H1)
_TABLE_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*(?:[AE](?![A-Za-z])|[QH][1-4])")


# A name an English question writes in Chinese too, in brackets after the English: "Bank of Hangzhou (杭州银行)"
_GLOSSED = re.compile(r"[A-Za-z][A-Za-z .'&-]*\s*[（(]([\u4e00-\u9fff]{2,10})[）)]")
# The name a figure is asked of, written right before "的" and the measure asked, in the clause that asks
_ASKED_OF = re.compile(r"(?:^|[，,。；;：:？?])[^，,。；;：:？?]*?(?P<of>的)[^，,。；;：:？?的]{1,10}?(?:是|为|有)?(?:多少|几|什么|哪)")
# The name a figure is asked of, written right before its year ("水井坊2024年的营收目标", "兴业银行2024年一季度…")
_YEAR_AFTER = re.compile(r"(?:19|20)\d{2}\s*(?:年|[AE](?![A-Za-z]))")
_NOT_A_NAME = re.compile(r"[哪什那这它里中以到]|多少|^[一二两三四五六七八九十几各每全]")


_ORG_ENDING = re.compile(r"公司|集团|股份|控股|科技|生物|医药|药业|电子|电气|能源|汽车|银行|证券|酒业|半导体")
RARE_NAME = 50  # jieba dictionary frequency under which a common noun is a name (水井坊 3, 厂子 115, 省份 1212)


def subject_forms(subject: str) -> set[str]:
    """The ways a report may write a subject: as asked, without its 省/市 (云南省 is written 云南 too), and by the
    glossary's other words for it (光刻机 is a table's 光刻设备)."""
    short = re.sub(r"(?:省|市|自治区|特别行政区)$", "", subject)
    return {subject, *([short] if len(short) >= 2 else []), *same_words(normalize(subject))}


def subject_before_year(question: str) -> str:
    """The noun right before the question's first year (none: before "的" and the measure the clause asks; in English,
    the Chinese an English name is glossed with) — what its figure is of — when it is a name: a noun of two
    or more characters (jieba's n, nr, ns, nt, nz, j tags, or a word its dictionary does not hold), not a count
    (四省) nor a pointer or place word (表里, 哪家); "" otherwise. A report that never writes it cannot answer."""
    if not has_cjk(question):
        # an English question naming one listed company (SPD Bank's NIM): that company, as the reports would write it
        named = companies_in(question)
        return normalize(named[0]) if len(named) == 1 else ""
    if (glossed := _GLOSSED.search(question)) and not has_cjk(question[:glossed.start()]):
        return normalize(glossed[1])  # an English question glossing its name: "Medicilon (美迪西)"
    year = _YEAR_AFTER.search(question)
    # else (or naming none there) the name before "的" in the clause that asks ("…目标中，水井坊的目标是多少")
    asking = _ASKED_OF.search(question)
    ends = [(year.start(), False)] if year else []
    ends += [(asking.start("of"), True)] if asking else []
    for end, strict in ends:
        if end and (name := _name_before(question, end, strict)):
            return name
    return ""


def _name_before(question: str, end: int, strict: bool = False) -> str:
    """The name ending at `end`; `strict` (before "的", where a paraphrased measure sits as often as a name —
    清洁电的比例): a word the dictionary tags a name or holds as a rare noun only."""
    words = [(w, tag) for w, tag, start in pos_tokens(question) if start < end and w.strip()]
    if not words:
        return ""
    word, tag = words[-1]
    if len(word) == 1 and tag[:1] == "n" and len(words) > 1 and re.fullmatch(r"[\u4e00-\u9fff]{2,}", words[-2][0]):
        # a name the dictionary splits (酒鬼|酒, 美迪|西): the two words as one unknown word
        word, tag = words[-2][0] + word, ""
    elif _ORG_ENDING.fullmatch(word) and len(words) > 1 and not words[-2][1] \
            and re.fullmatch(r"[\u4e00-\u9fff]{2,}", words[-2][0]):
        # a company's own name before its ending (中微|公司, 药明|生物): the two as one name
        word, tag = words[-2][0] + word, "nt"
    if not re.fullmatch(r"[\u4e00-\u9fff]{2,}", word) or (_NOT_A_NAME.search(word) and tag != "nt"):
        return ""
    if any(not t and re.search(r"[和与及]", w) for w, t in words[-2:]) and re.search(r"[和与及]", word):
        return ""  # two names the dictionary glued at their 和 (凯莱|英和博腾|股份): no one name is asked of
    # a place or an organisation (ns, nt, nr, nz); a common noun only when rare (水井坊, not 省份 or 厂子); a word
    # the dictionary does not hold when it has three characters or more (美迪西, not a split such as 价从)
    named = tag in ("ns", "nt", "nr", "nz", "nrt") or (tag in ("n", "j") and word_frequency(word) < RARE_NAME) \
        or (not tag and len(word) >= 3)
    return normalize(word) if named and (not strict or (tag and len(word) >= 3)) else ""


# Analysts speak of years relative to the report's date ("明年底" in a July 2024 report is the end of 2025).
_RELATIVE_YEAR = {"前年": -2, "去年": -1, "上年": -1, "今年": 0, "本年": 0, "明年": 1, "后年": 2,
                  "the year before last": -2, "last year": -1, "this year": 0, "next year": 1}
RELATIVE_YEAR_ZH = "|".join(w for w in _RELATIVE_YEAR if has_cjk(w))  # for other rules of time (follow-ups)
_RELATIVE_RE = re.compile("|".join(sorted(map(re.escape, _RELATIVE_YEAR), key=len, reverse=True)), re.I)


# the month before the report's ("华岳说上个月国内新能源车卖了多少辆？"), where the question names no month of its own
_LAST_MONTH_RE = re.compile(r"上个?月|\blast month\b", re.I)
_A_MONTH_RE = re.compile(r"(?:[0-9]{1,2}|[一二三四五六七八九十]{1,2})\s*月(?!份?末?[底初])|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|"
                         r"nov|dec)[a-z]*\b", re.I)


def report_month(card: ReportCard | None) -> tuple[int, int] | None:
    """The year and month a report is dated, from its card ("2024-08", "2024 年 09 月 17 日")."""
    m = re.search(r"(20[0-9]{2})\s*[年\-./]\s*([0-9]{1,2})", card.date.value) if card is not None and card.date else None
    return (int(m[1]), int(m[2])) if m and 1 <= int(m[2]) <= 12 else None


def report_year(card: ReportCard | None) -> int | None:
    """The year a report is dated, from its card."""
    m = re.search(r"(20[0-9]{2})", card.date.value) if card is not None and card.date else None
    return int(m[1]) if m else None


def dated(question: str, year: int) -> str:
    """The question with its relative years made absolute for a report dated `year` ("明年底" → "2025年底")."""
    def absolute(m: re.Match) -> str:
        y = year + _RELATIVE_YEAR[m[0].lower()]
        return f"{y}年" if has_cjk(m[0]) else str(y)
    return _RELATIVE_RE.sub(absolute, question)


def dated_month(question: str, year: int, month: int) -> str:
    """上个月 / last month made absolute for a report dated `year`-`month` ("上个月" → "2024年7月"), unless the question
    names a month of its own (then 上月 is the month before that one: 环比上月)."""
    if not _LAST_MONTH_RE.search(question) or _A_MONTH_RE.search(_LAST_MONTH_RE.sub("", question)):
        return question
    y, m = (year, month - 1) if month > 1 else (year - 1, 12)
    return _LAST_MONTH_RE.sub(lambda x: f"{y}年{m}月" if has_cjk(x[0]) else f"{y}-{m:02d}", question)


# "头三个月" / "前5个月": reports name a span of months from January as a quarter or half, else as "1—5月"
_FIRST_MONTHS_RE = re.compile(r"(?:头|前)\s*([一二三四五六七八九十两]|1[0-2]|[1-9])\s*个\s*月")
_SPAN_NAMES = {3: "一季度", 6: "上半年", 9: "前三季度"}


def named_periods(question: str) -> str:
    """The question with the first N months named as reports name them: 头三个月 → 一季度, 前5个月 → 1—5月."""
    import cn2an

    def name(m: re.Match) -> str:
        n = int(cn2an.cn2an(m[1], "smart"))
        return _SPAN_NAMES.get(n, f"1—{n}月")

    return _FIRST_MONTHS_RE.sub(name, question)


# "25年比23年", "它26年呢": a year written by its last two digits, as analysts shorten them (not a span of years:
# 近10年, 过去20年, 成立25年, 20年代, 10年来)
_SHORT_YEAR_RE = re.compile(r"(?<![\d.年第近前后去多这那立了满每])([12]\d)(?=\s*年(?!来|间|代|期|内|以来|之久|多|历史))")


def full_years(question: str) -> str:
    """The question with each two-digit year written whole: 25年 → 2025年."""
    return _SHORT_YEAR_RE.sub(r"20\1", question)


def aliases(card: ReportCard) -> list[str]:
    """How a question may name a report: its broker (东岳证券, 东岳) or the first word of its file name (dongyue)."""
    names = []
    if card.broker:
        names += [card.broker.value, card.broker_short]
    stem = re.split(r"[_\-. ]", card.report, maxsplit=1)[0]
    if stem.isascii() and len(stem) >= 3:
        names.append(stem)
    return [n for n in names if n]


def without_report_dates(question: str, cards: Sequence[ReportCard]) -> str:
    """The question without the dates it gives the reports it names — "东岳6月的报告", "澜沧证券（2024年7月）": the
    month a report was published, not a month whose figure is asked — where the date is that report's card's."""
    for card in cards:
        month = report_month(card)
        names = [n for n in aliases(card) if not n.isascii()]
        if month is None or not names or not any(n in question for n in names):
            continue
        date = rf"(?:{month[0]}\s*年\s*)?0?{month[1]}\s*月份?"
        who = "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
        question = re.sub(rf"((?:{who})(?:证券)?)\s*(?:[（(]\s*{date}\s*[)）]|{date}(?=(?:的|发布的|出的)?(?:报告|研报)))",
                          r"\1", question)
    return question


def without_names(question: str, cards: Sequence[ReportCard]) -> str:
    """The question without the names of the reports it is scoped to ("天风", "Tianfeng"): once the search is
    filtered to a report, its broker's name matches only what every page of it carries (disclaimers, mastheads)."""
    names = sorted({n for c in cards for n in aliases(c)}, key=len, reverse=True)
    for name in names:
        question = re.sub(rf"(?<![a-z]){re.escape(name)}(?:'s)?(?![a-z])" if name.isascii() else re.escape(name),
                          " ", question, flags=re.I)
    return re.sub(r"\s{2,}", " ", question).strip()


def _topic_named(question: str, card: ReportCard) -> bool:
    """A report named by its industry as a report: "白酒那篇报告", "银行报告", "储能研报"."""
    return any(re.search(rf"{re.escape(f.value)}(?:行业)?(?:那篇|这篇|的|两篇)?(?:报告|研报|深度|点评|策略|专题)", question)
               for f in card.industry if len(f.value) >= 2) or any(
        re.search(rf"{re.escape(f.value)}(?:和|与|、).{{1,8}}?(?:这|那)?两[篇份](?:报告|研报)?|"
                  rf"(?:和|与|、){re.escape(f.value)}(?:这|那)?两[篇份](?:报告|研报)?", question)
        for f in card.industry if len(f.value) >= 2)


def _named(question: str, name: str) -> bool:
    if name.isascii():
        return re.search(rf"(?<![a-z]){re.escape(name)}(?![a-z])", question, re.I) is not None
    return name in question


# "A，和B分别是多少？": two asks, each its own phrase, joined across a comma (or before a report's name:
# "东岳报告中的X和华岳报告中的Y分别是多少？") and asked together at the end
_EACH_END = re.compile(r"(?:分别|各自)(?P<rest>[^，,。；;？?]*[？?]?)\s*$")
_JOIN = r"(?:和|与|以及|及|还有)"


_PLACE_ONLY = re.compile(r"[省市区县]|的|了")
_FILLER = re.compile(r"[^\u4e00-\u9fff]|报告|研报|那篇|这篇|的|中|里|提到|给出|列出|写")


def joined_asks(sentence: str, cards: Sequence[ReportCard]) -> list[str]:
    """The two asks of "A，和B分别是多少？", each with the shared ending ("A是多少？", "B是多少？"); [] when the
    sentence is not so built or a side is no ask of its own (a bare place or name: "广东，和江苏的分别…")."""
    end = _EACH_END.search(sentence)
    if end is None:
        return []
    head = sentence[:end.start()]
    split = re.search(rf"[，,]\s*{_JOIN}", head)
    if split is None:
        # no comma: each side a report's name and an ask of its own ("东岳报告中的新型储能装机目标和华岳报告中的…");
        # "在东岳和澜沧报告中分别…" names two reports of one ask (a both-reports question)
        names = "|".join(re.escape(n) for c in cards for n in aliases(c) if not n.isascii())
        split = re.search(rf"{_JOIN}(?=(?:{names}))", head) if names else None
        opened = rf"^(?:[^：:，,]*[：:])?\s*(?:{names})(?:证券)?(?P<own>[^，,]*)$"
        if split is None or not all((m := re.match(opened, x)) and len(_FILLER.sub("", m["own"])) >= 4
                                    for x in (head[:split.start()], head[split.end():])):
            return []
    a, b = head[:split.start()].strip(), head[split.end():].strip()
    if any(len(re.sub(r"[^\u4e00-\u9fff]", "", _PLACE_ONLY.sub("", x))) < 4 for x in (a, b)):
        return []
    rest = end["rest"] or "是什么？"
    return [f"{a}{rest}", f"{b}{rest}"]


_PART_END = re.compile(r"(?<=[？?；;])")
_TOPIC_RE = re.compile(r"[^：:？?；;，,]{2,30}[：:]")  # a leading "topic:" the question's parts share
_LEAD_CLAUSE = re.compile(r"[^：:？?；;，,]{4,30}[，,]")


def _scope(question: str, cards: Sequence[ReportCard]) -> list[str]:
    return [c.report for c in cards if any(_named(question, n) for n in aliases(c)) or _topic_named(question, c)]


_ASKS = re.compile(r"多少|几|哪|什么|谁|何|吗|呢|是否|如何|怎么|\?|？")


def _sentences(question: str, cards: Sequence[ReportCard]) -> list[str]:
    """The question's sentences (…？ …；), and its clauses that open on a report's name after a clause that asks
    ("东岳那篇写多少，澜沧那篇又写多少？"; not "…，较澜沧高多少", which compares within one question, nor "东岳说…有上调
    空间，澜沧…调到多少", whose first clause is what the question knows, not what it asks)."""
    out = []
    for sentence in _PART_END.split(question):
        start = 0
        for m in re.finditer(r"[，,]\s*", sentence):
            rest = sentence[m.end():]
            if _ASKS.search(sentence[start:m.start()]) and any(rest.startswith(n) for c in cards for n in aliases(c)):
                out.append(sentence[start:m.end()])
                start = m.end()
        out.append(sentence[start:])
    return [p for p in out if p]


_WHOLE_ASK = re.compile(r"(?:是|有|为|占|达到?)\s*(?:多少|几|哪|什么|谁)|多少|哪(?:个|家|些|几)|什么")


def _whole_ask(sentence: str) -> bool:
    """A sentence asking a whole question of its own ("宁德时代在动力电池装车量中的份额是多少？"), not a lead-in."""
    return bool(re.search(r"[？?]\s*$", sentence)) and bool(_WHOLE_ASK.search(sentence)) and len(sentence) >= 8


def report_parts(question: str, cards: Sequence[ReportCard]) -> list[tuple[str | None, str]]:
    """"国联报告里工信部的目标是多少？天风测算的规模又是多少？" → [(guolian, first part), (tianfeng, second part)]: the
    sentences of a question, each naming one report, the ones naming none joined to the part before (…？增速呢？) —
    but a first sentence asking a whole question of its own and naming no report is a part of its own, asked of all
    (None). Empty unless two or more parts name different reports (one part naming both is a both-reports
    question)."""
    parts: list[list] = []
    sentences = [x for p in _sentences(question, cards) if p.strip() for x in (joined_asks(p, cards) or [p])]
    for sentence in sentences:
        scope = _scope(sentence, cards)
        if len(scope) > 1:
            return []
        if scope and (not parts or parts[-1][0] is not None or _whole_ask(parts[-1][1])):
            # (a whole ask before, naming no report — "宁德时代的装车份额是多少？" — is asked of all of them)
            parts.append([scope[0], sentence])
        elif scope:  # the sentences before named no report (what it asks of, a time): they belong to this one
            parts[-1] = [scope[0], parts[-1][1] + sentence]
        elif parts:
            parts[-1][1] += sentence
        else:
            parts.append([None, sentence])
    reports = [r for r, _ in parts]
    if len(parts) < 2 or reports.count(None) > (reports[0] is None) or len(set(reports)) < len(reports):
        return []
    # "山东2025年新型储能目标：东岳引用的是多少？澜沧显示调整为多少？": the topic before the colon is every part's
    topic = _TOPIC_RE.match(parts[0][1])
    if topic:
        parts = [[r, p if p.startswith(topic[0]) else topic[0] + p] for r, p in parts]
    elif (lead := _LEAD_CLAUSE.match(parts[0][1])) and not _scope(lead[0], cards) and _ASKS.search(lead[0]) is None:
        # "山东2025年新型储能目标，东岳报告里写的是多少？到澜沧发报告时有没有变化？": a first clause naming no report and
        # asking nothing is what every part asks about
        parts = [[r, p if p.startswith(lead[0]) else lead[0] + p] for r, p in parts]
    # "…是多少？澜沧呢？": a part that is only a report's name asks the other part's question: not split
    by_id = {c.report: c for c in cards}
    if any(len(re.sub(r"[\W呢吗那又呀啊的]", "", without_names(p, [by_id[r]] if r else []))) < 4 for r, p in parts):
        return []
    return [(r, p.strip()) for r, p in parts]


# What a count of a table's rows counts: places, companies, documents, items — not 数据中心集群 or 月
_COUNTED = re.compile(r"(?:多少|几)\s*[个条项家]\s*([\u4e00-\u9fff]{1,6})|\bhow many\s+([a-z\-]+(?:\s+[a-z\-]+)?)", re.I)
_ROW_KIND = re.compile(r"地区|省|市|城市|地方|国家|家|公司|企业|银行|券商|政策|文件|方案|规划|目标|项目|条|项|行|"
                       r"region|province|cit(?:y|ies)|compan|bank|firm|polic|document|plan|target|row|item", re.I)


def _counts_other_things(question: str) -> bool:
    """A count ("配套规划了几个数据中心集群？") whose counted thing is no kind of table row is a fact to look up:
    the report states it; counting a table's rows would answer something else."""
    if ops_in(question, ARITHMETIC) != [Op.COUNT]:
        return False
    things = [m.group(1) or m.group(2) for m in _COUNTED.finditer(question)]
    return bool(things) and not any(_ROW_KIND.search(t) for t in things)


# A document the question names that issued something ("…试点的通知是谁发的、什么时候发的", "《行动计划》何时发布")
_DOCUMENT_ASKED = re.compile(r"(?:《(?P<title>[^》]{2,60})》|(?:通知|意见|方案|规划|计划|办法|政策|文件|指南|措施|公告|条例))"
                             r"\s*(?:是|由|在)?\s*(?:谁|哪|什么时候|何时|哪天|几月)")


def _asks_of_another_document(question: str, cards: Sequence[ReportCard]) -> bool:
    """Who issued a policy document or when: an event the report tells of, not the report's own card. A title in
    《》 that is a report's own (its card's title) still asks of the report."""
    for m in _DOCUMENT_ASKED.finditer(question):
        title = m.group("title")
        if not title or not any(c.title and (title in c.title.value or c.title.value in title) for c in cards):
            return True
    return False


# "…的A和B分别是多少？": A and B the last phrases before 分别, neither a name, a year nor a figure
_TWO_ASKED = re.compile(r"(?P<a>[^的年省市区在对里中，,、：:？?和与及\d]{2,16})(?:和|与|以及|及)"
                        r"(?P<b>[^的，,。？?：:和与及\d]{2,16}?)(?:上|方面)?分别(?P<rest>[^，,。；;？?]*[？?]?)$")


def measure_asks(question: str, cards: Sequence[ReportCard]) -> list[str]:
    """Two things asked of one subject, each as a question of its own: "广东省2025年的新能源汽车推广目标是多少？",
    "广东省2025年的新型储能装机目标是多少？". Empty unless A and B are measures (not places, not brokers)."""
    joined = joined_asks(question.strip(), cards)
    if joined:  # each phrase its own ask; naming a report each, they are report parts instead
        return joined if not any(_scope(x, cards) for x in joined) else []
    m = _TWO_ASKED.search(question.strip())
    if not m:
        return []
    a, b = m["a"].strip(), m["b"].strip()
    brokers = [c.broker.value for c in cards if c.broker]
    if any(regions_in(x) or any(br[:2] in x for br in brokers) for x in (a, b)):
        return []
    head = question.strip()[:m.start()]
    return [f"{head}{x}{m['rest']}" for x in (a, b)]


# "贵州茅台和药明康德2024年PE各是多少倍？": two names, then one ask of each (分别 / 各)
_TWO_NAMES = re.compile(r"(?P<a>[\u4e00-\u9fffA-Za-z]{2,8})(?:和|与|、|以及)(?P<b>[\u4e00-\u9fffA-Za-z]{2,8}?)"
                        r"(?P<rest>(?:20\d{2}|的|在|对)[^，,。；;？?]*?(?:分别|各自|各)[^，,。；;？?]*[？?]?)$")


def subject_asks(question: str, names) -> list[str]:
    """One measure asked of two names a table lists ("比亚迪和中芯国际2024年的预测市盈率分别是多少？"), each as a question
    of its own ("比亚迪2024年的预测市盈率是多少？"): the two may be rows of two reports' tables. Empty unless both are
    listed names (`names`: the tables' row names) and neither is a place (the region rules read places)."""
    m = _TWO_NAMES.search(question.strip())
    if not m:
        return []
    a = next((n for n in sorted(names, key=len, reverse=True) if m["a"].endswith(n)), "")
    b = m["b"]
    if not a or b not in names or place(a) or place(b):
        return []
    head = question.strip()[:m.start() + len(m["a"]) - len(a)]
    rest = re.sub(r"分别|各自|各(?=是|为|有|多少|几)", "", m["rest"], count=1)
    return [f"{head}{x}{rest}" for x in (a, b)]


def analyse(question: str, cards: Sequence[ReportCard]) -> QuestionAnalysis:
    scope = _scope(question, cards)
    meta = [] if _STOCK_RATING.search(question) or rates_a_stock(question, cards) else \
        [f for f, p in _META if p.search(question)]
    if _asks_of_another_document(question, cards):  # its issuer and date are the document's, not the report's
        meta = [f for f in meta if f not in (MetaField.DATE, MetaField.BROKER)]
    if asks_reason(question):
        # "为什么最高的是江苏", "锦石为什么下调评级": a cause is read from the text, never computed nor read off a card
        meta, intent = [], Intent.LOOKUP
    elif meta:
        intent = Intent.REPORT_META
    elif asks_view(question):  # "…加起来比全国还大，青岚怎么解读": a view, read from the text
        intent = Intent.LOOKUP
    elif (ops := ops_in(question, ARITHMETIC)) and (any(p.search(question) for p in (_AGG_OVER, YEAR_RANGE_RE,
                                                                                     TABLE_REF_RE, _TABLE_WORD,
                                                                                     _WHICH_EXTREME, _LISTED))
                                                     or (Op.MEAN in ops and _COUNTED_SET.search(question))) \
            and not _counts_other_things(question):
        intent = Intent.AGGREGATE
    elif (ops_in(question, (*ARITHMETIC, Op.LIST)) or op_of(question)) and asks_of_rows(question) \
            and (any(p.search(question) for p in (_AGG_OVER, _TABLE_WORD, _TABLE_YEAR))
                 or ((condition := condition_in(question)) is not None
                     and (ops_in(question, ARITHMETIC) or condition.against is not None))):
        # "表里隐含增速超过15%的有哪几家", "国产化率达到30%及以上的设备类型有几类": rows tested, then listed or counted
        # (a table the retrieval ranks first must fit the question, else retrieval answers); with no table named, a
        # count or average only ("哪些领域各打造30个以上标杆" lists what a sentence says)
        intent = Intent.AGGREGATE
    elif (asks_change(question) and (any(p.search(question) for p in (TABLE_REF_RE, _TABLE_WORD, _TABLE_YEAR))
                                     or _AMOUNT_CHANGE.search(question))) \
            or share_asked(question) or asks_spread(question) or diff_of_two(question) or row_gap(question):
        # "图表1中渗透率从2020年到2023年提升了多少", "茅台营收占9家合计的比重", "拨备覆盖率最高与最低的相差多少": computed
        # from a table's cells (when a table the retrieval ranks first holds both; else retrieval answers)
        intent = Intent.AGGREGATE
    else:
        intent = Intent.LOOKUP
    return QuestionAnalysis(question=question, lang="zh" if has_cjk(question) else "en", scope=scope, intent=intent,
                            meta=meta, both=len(scope) > 1 or (not scope and bool(_BOTH.search(question))),  # 青岚…分别: its own rows
                            relative_year=bool(_RELATIVE_RE.search(question) or _LAST_MONTH_RE.search(question)),
                            parts=report_parts(question, cards) if scope else [],
                            asks=measure_asks(question, cards) if intent is Intent.LOOKUP and len(scope) < 2 else [])
