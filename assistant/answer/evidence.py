"""Evidence units and coverage: which sentences (or table rows) of the retrieved chunks answer the question.

Similarity scores cannot tell answerable from unanswerable questions here (best match ≈ .89 vs ≈ .90), so the
answerer checks coverage instead: the question's key terms, weighted by rarity, must appear in one unit (with
its table caption/header as context), and every region or year the question names must be among them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import lru_cache
from dataclasses import dataclass

from assistant.core.asks import asks_reason, asks_view
from assistant.core.glossary import measure_names, report_label, zh_term_groups, zh_terms
from assistant.core.text import has_cjk, periods, question_lang, year_quarters
from assistant.core.models import Chunk, ChunkKind
from assistant.core.tokenize import common_word, normalize, pos_tokens, term_groups, tokenize
from assistant.ingest.units import UnitSpan, header_cells, unit_spans
from assistant.targets.regions import foreign_places, regions_in

# Words that make a question a question but are not evidence.
QUESTION_WORDS = set(
    "多少 什么 哪些 哪个 哪里 哪家 哪位 是否 如何 怎样 怎么 为什么 为何 几个 几 吗 呢 请问 报告 提到 提出 根据 认为 "
    "描述 介绍 说明 给出 主要 包括 包含 有关 关于 相关 哪 谁 何时 时候 一下 情况 内容 分别 两份 各自 每份 是 有 "
    "几倍 几成 现在 目前 当前 如今 眼下 "  # how much, and "now": a report's figures are as of its own date
    "那篇 这篇 该篇 此篇 那份 这份 该份 研报 文章 文中 "  # the report pointed at, not what it says
    "what which who when where how many much does did do is are the of in on for to and a an by with as about "
    "according report reports say says said mention mentioned give list".split()
)
YEAR_RE = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
SAYING_POS = ("d", "r", "y", "c", "p", "u", "e", "o")  # jieba tags of words that say how, not what


@dataclass
class Unit:
    chunk: Chunk
    start: int  # offsets in the report
    end: int
    text: str
    match_text: str  # normalised text + table context, for term matching
    header: list[str]
    span: UnitSpan | None = None  # offsets in the chunk (its vector was cached at ingest under this text)
    own: str = ""  # the words that are the unit's own, for full coverage credit: its text, or with an anaphor's subject
    shared: str = ""  # the clause before, where this one follows a "；": it dates and places this one too
    dated: str = ""  # the time its paragraph opens on ("2023年7月至2024年7月，…"): it dates the sentences naming none
    topic: str = ""  # its paragraph's first sentence, when it is a later one: what the paragraph is about (half credit)


# Text every broker report carries that never answers a question about the report's subject: legal notices,
# rating definitions, contents pages, source lines under figures. Recognised by section and by form, not by file.
_BOILERPLATE_SECTION = re.compile(r"声明|免责|评级说明|评级标准|评级定义|评级体系|法律|版权|重要提示|特别提示|目录|联系方式")
_NOTE = r"(?:资料来源|数据来源|来源|注)\s*[:：]"  # a source line or a note under a figure
_NOTE_RE = re.compile(r"\s*" + _NOTE)
_BOILERPLATE_TEXT = re.compile(
    "^" + _NOTE + r"|(?:\.{3,}|…{2,}|·{3,}|-{4,})\s*\d+\s*$|本报告(?:仅|中的|所载|不|的版权|版权|由.{0,12}制作)|"
    r"本公司(?:不|对|具备|及其|可能)|版权所有|不构成.{0,20}建议|"
    r"投资者应|不承担.{0,10}责任|未经.{0,10}许可|证券研究报告$|"
    r"\d+\s*个月内.{0,30}相对.{0,20}指数")  # a rating's definition: "报告发布日后6—12个月内，股价相对沪深300指数…"


# A report's cover and its list of the broker's earlier reports, line by line: the broker's name ("鹤鸣证券研究所",
# "HEMING SECURITIES RESEARCH"), its classification ("食品饮料｜白酒", "行业深度报告（2024年中期策略）"), and
# "相关报告" with its titles ("1.《储能系列之三：…》2024-04-18", "- 《…》（2024-07-10）"). The card answers who, when
# and what; as evidence these lines only repeat the words a question names its report by.
_COVER_LINE_RE = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,8}证券(?:股份有限公司|研究所|研究院)?|[A-Z][A-Z .&]*SECURITIES[A-Z .&]*"
    r"|[\u4e00-\u9fff]+(?:\s*｜\s*[\u4e00-\u9fff]+)+"
    r"|(?:[\u4e00-\u9fff]+\s*｜\s*)*[\u4e00-\u9fff]*报告(?:（[^）]*）|\([^)]*\))?"
    r"|(?:近期|最近)?相关(?:研究|报告)|(?:[-•·]\s*|\d{1,2}\s*[.、)）]\s*)?"
    r"《[^》]+》\s*[,，；;]?\s*[（(]?\d{4}[-./年]\d{1,2}(?:[-./月]\d{1,2}日?)?[）)]?)$")


def _cover_lines(text: str) -> bool:
    lines = [ln.strip().strip("#*").strip() for ln in text.split("\n")]
    lines = [ln for ln in lines if ln]
    return bool(lines) and all(_COVER_LINE_RE.match(ln) for ln in lines)


def is_boilerplate(unit: Unit) -> bool:
    """Under a boilerplate heading at any level ("八、风险提示 > 投资评级说明"), or boilerplate by its form."""
    return _boilerplate(unit.chunk.section, unit.text)


@lru_cache(maxsize=8192)
def _boilerplate(section: str, text: str) -> bool:
    # cached: every question reads its retrieved chunks' units again
    return any(_BOILERPLATE_SECTION.search(s) for s in section.split(" > ")) or \
        bool(_BOILERPLATE_TEXT.search(text.strip())) or _cover_lines(text)


_UNITS: dict[tuple, list[Unit]] = {}
MAX_CACHED_CHUNKS = 4096


def units_of(chunk: Chunk) -> list[Unit]:
    """Sentences of a text chunk; rows of a table chunk (with the table's header and caption as context). Cached by
    the chunk's identity and text: every question reads its retrieved chunks' units again."""
    key = (chunk.id, chunk.report, chunk.start, chunk.end, chunk.kind, chunk.text, chunk.context, chunk.section)
    units = _UNITS.get(key)
    if units is None:
        if len(_UNITS) >= MAX_CACHED_CHUNKS:
            _UNITS.clear()
        units = _UNITS[key] = _units_of(chunk)
    return list(units)


# A paragraph opening on a month or a span of months ("2023年7月至2024年7月，", "2024年5月以来，") says when the
# sentences after it that name no year happened.
_OPENS_ON_TIME = re.compile(r"\s*(?:截至|截止|自|从|在|于)?\s*20\d{2}\s*年\s*\d{1,2}\s*月[^，,。；;：:]{0,16}[，,]")


def _units_of(chunk: Chunk) -> list[Unit]:
    label = normalize(report_label(chunk.report))
    context = normalize(chunk.context if chunk.kind == ChunkKind.TABLE else "")
    header = header_cells(chunk)
    units: list[Unit] = []
    previous, clause, in_note, opened, opening, elided = "", False, False, "", "", ""
    dating = ""  # the last clause of this sentence naming a year: "2023年…；完成销售收入…；实现利润总额…" is 2023's
    for span in unit_spans(chunk):
        text = chunk.text[span.start:span.end]
        norm = normalize(text)
        first = not header and not chunk.text[:span.start].strip(" \t").endswith(tuple("。；;！？!?"))
        if first:
            # a paragraph's first sentence: a time it opens on scopes the paragraph
            opened = m.group(0) if (m := _OPENS_ON_TIME.match(text)) else ""
            opening = norm
        # "该工作组将由…领导。" names its subject in the sentence before: it is matched with that sentence's words
        own = f"{norm} {previous}" if not header and ANAPHOR_RE.match(text) else norm
        # a clause after "；" shares its sentence's year and place ("2023年…前五名为…；储能PCS出货前三名为…"),
        # not its subject — nor in a note, whose numbered items ("注：1）苏州市…；2）隐含增速=…") each stand alone
        in_note = clause and (in_note or _NOTE_RE.match(previous) is not None)
        shared = previous if clause and own == norm and not in_note else ""
        # …and its subject too where it names none before its figure ("…净息差约1.55%；2025年约为1.50%。"): the
        # clause before is then its context, as a table's caption is a row's (half credit)
        # (…and the context of a clause before that names none either: "2023年规上白酒企业产量…；完成销售收入…；实现
        # 利润总额…" — the last two are the companies' of the first)
        elided = f" {previous}{elided}" if shared and not _names_a_subject(text) else ""
        dating = norm if YEAR_RE.search(norm) else dating if clause else ""
        # a clause naming no year, after clauses that do not either, is dated by the sentence's last one that does
        dated = "" if YEAR_RE.search(text) else \
            (dating if shared and not YEAR_RE.search(shared) and dating else opened)
        units.append(Unit(chunk, chunk.start + span.start, chunk.start + span.end, text,
                          f"{norm} {context} {label}" if context else f"{own}{elided} {label}",
                          header[span.lead:] if header else [], span, own, shared,
                          dated, "" if header or first else opening))
        previous, clause = norm, not header and text.rstrip().endswith(("；", ";"))
    return units


_ITEM_RE = re.compile(r"\s*(?:[（(]?\d{1,2}[)）]|[①-⑩]|\d{1,2}[.、](?!\d))")


def _names_a_subject(clause: str) -> bool:
    """Whether a clause names something (a noun) before its first figure: "2025年约为1.50%" names nothing. A
    numbered item ("2）发电侧…") is one of a list, each on its own subject."""
    if _ITEM_RE.match(clause):
        return True
    words = [(w, p) for w, p, _ in pos_tokens(clause) if w.strip()]
    if words and words[0][1] == "v":  # opening on its verb (实现利润总额…, 完成销售收入…): its subject is before
        return False
    for word, pos in words:
        if any(c.isdigit() for c in word) and not YEAR_RE.fullmatch(word):
            return False
        if pos.startswith(("n", "vn")) and pos != "nr":
            return True
    return False


# A sentence opening on a pointer back (该/这/其/此/上述…): its subject is in the sentence before
ANAPHOR_RE = re.compile(r"\s*(?:该|这|其|此(?!外)|上述|前述|以上)")


def question_terms(question: str) -> list[tuple[str, ...]]:
    """Key terms of a question, each a group of alternatives (any one present counts).

    Chinese: jieba tokens. English (by question_lang, so "…the total in 亿元?" too): the glossary's Chinese terms for
    each phrase, plus numbers, known ASCII terms and the Chinese words it quotes. Cached: several steps read them.
    """
    return list(_question_terms(question))


@lru_cache(maxsize=512)
def _question_terms(question: str) -> tuple[tuple[str, ...], ...]:
    groups: list[tuple[str, ...]] = []
    lang = question_lang(question)
    if lang == "zh":
        # how the question is said, not what it asks: adverbs (大概, 已经), pronouns, particles, conjunctions
        said = {normalize(w) for w, pos, _ in pos_tokens(question) if pos.startswith(SAYING_POS)}
        groups = [g for g in term_groups(question) if g[0] not in said]
    else:
        groups = [tuple(normalize(t) for t in g) for g in zh_term_groups(question)]
        groups += [(t,) for t in tokenize(question)
                   if (t.isascii() and (any(c.isdigit() for c in t) or t in ASCII_TERMS)) or has_cjk(t)]
    out: dict[tuple[str, ...], None] = {}
    for g in groups:
        if g[0] in QUESTION_WORDS:
            continue
        g = tuple(t for t in g if t not in QUESTION_WORDS and not (len(t) == 1 and has_cjk(t)))
        if g:
            g = g + measure_names(g[0])
            # an English question's "China's" (中国, 国内) is what a Chinese report often leaves unsaid
            out.setdefault(Implicit(g) if lang != "zh" and set(g) <= _HOME else g)
    return tuple(out)


def split_words(question: str) -> list[str]:
    """Runs of content characters the dictionary splits one by one (插|混 of 插混, a trade's short form): each
    character alone is no term, so the word is lost unless read whole (not 了, 的, 这, numerals or measure words)."""
    words, run = [], ""
    for word, pos, _ in pos_tokens(question):
        if len(word) == 1 and has_cjk(word) and not pos.startswith(SAYING_POS + ("m", "q")):
            run += word
            continue
        if len(run) >= 2:
            words.append(normalize(run))
        run = ""
    if len(run) >= 2:
        words.append(normalize(run))
    return words


class Implicit(tuple):
    """A term group a passage may leave unsaid: half credit where a unit does not hold it."""


_HOME = {"中国", "国内", "我国", "全国"}
ASCII_TERMS = {"eflops", "pflops", "ipv6", "otn", "ai", "gpu", "fpga", "idc", "fast-41", "400g"}


DATE_RE = re.compile(
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+(20\d{2})"  # September 12, 2024
    r"|(20\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日", re.IGNORECASE)                      # 2024年9月12日


def must_terms(question: str) -> list[str]:
    """Entities an answer must contain: regions, places abroad (日本, 欧盟: a figure for 中国大陆 or 全球 is none for
    them) and years the question names (a year inside a full date is only when something happened, not what is
    asked about)."""
    dated = {y for m in DATE_RE.finditer(question) for y in m.groups() if y}
    years = [y for y in YEAR_RE.findall(question) if y not in dated]
    # "2023年产量多少？比2022年少了多少？": the year compared against is what 同比 states, not a year to name
    bases = {m[1] for m in _BASE_YEAR_RE.finditer(question)}
    if any(y not in bases for y in years):
        years = [y for y in years if y not in bases]
    return [normalize(r) for r in regions_in(question) + foreign_places(question)] + years


# One ask of a question in several ("…2023年出口多少？2024年预计多少？", "…growth in 2024, and what penetration in 2025?")
_ASK_SPLIT_RE = re.compile(r"[，,；;？?]|\band\s+(?=(?:what|how|which|when|who|where)\b)", re.I)
_ASK_WORD_RE = re.compile(r"多少|几|什么|哪|如何|怎样|怎么|是否|吗|呢|\b(?:what|how|which|when|who|where)\b", re.I)


def year_asks(question: str) -> list[list[str]]:
    """The years of each ask, where a question asks of different years in different asks: a figure of 2024 and
    another of 2025, each stated in its own sentence, which no one unit holding both years answers. An ask naming
    no year is of the one before; a year outside every ask dates the whole question (one ask, then). [] when the
    question asks of one set of years."""
    asked = set(y for y in must_terms(question) if YEAR_RE.fullmatch(y))
    if len(asked) < 2:
        return []
    asks: list[list[str]] = []
    for piece in _ASK_SPLIT_RE.split(question):
        years = [y for y in dict.fromkeys(YEAR_RE.findall(piece)) if y in asked]
        if not _ASK_WORD_RE.search(piece or ""):
            if years:
                return []
            continue
        years = years or (asks[-1] if asks else [])
        if years and years not in asks:
            asks.append(years)
    return asks if len(asks) >= 2 and set().union(*map(set, asks)) == asked else []


# The question words that open an ask, also those asking a size or a time (多大, 何时, how big)
_ASKS_RE = re.compile(r"\bhow\s+(?:much|many|big|fast)\b|" + _ASK_WORD_RE.pattern + r"|多大|多高|多久|多长|多快|何时|谁",
                      re.I)
# What a later ask says before asking ("车桩比是多少？"): the words of the first ask up to its question word are what it
# asks of ("截至2024年6月底，全国充电基础设施累计有"), less the verbs and adverbs that lead into the question word.
_LEAD_IN_RE = re.compile(r"(?:是|为|有|约|大约|大概|一共|共|总共|合计|达到|达|能|能够|会|要|实现|了)+$")


def sentence_asks(question: str) -> list[str]:
    """"截至2024年6月底，全国充电基础设施累计有多少台？车桩比是多少？" → each ask as a question of its own: the first as
    written, a later one after what the first asks of ("截至2024年6月底，全国充电基础设施累计车桩比是多少？"); not a
    later one naming its own year. Words asking nothing ("截至2024年6月底，") go with the ask after them. [] for a
    question asking one thing."""
    zh = has_cjk(question)
    split = r"(?<=[，,；;？?])" if zh else r"(?<=[?;])|(?=\band\s+(?:what|how|which|when|who|where)\b)"
    asks: list[str] = []
    pending = ""
    for piece in re.split(split, question):
        if not piece.strip():
            continue
        pending += piece
        if _ASKS_RE.search(piece):
            asks.append(pending)
            pending = ""
    if pending and asks:
        asks[-1] += pending
    if len(asks) < 2:
        return []
    if zh:
        first = _ASKS_RE.search(asks[0])
        lead = _LEAD_IN_RE.sub("", asks[0][:first.start()].rstrip()) if first else ""
    else:  # "How many NEVs did China export in 2023" → what it asks of: "NEVs did China export in 2023"
        lead = re.sub(r"\s+", " ", _ASKS_RE.sub(" ", re.sub(r"[?;]", " ", asks[0]))).strip() + " "
    later = [a if YEAR_RE.search(a) else lead + re.sub(r"^\s*(?:and\s+)?", "", a, flags=re.I) for a in asks[1:]]
    return [asks[0].strip()] + [a.strip() for a in later]


_BASE_YEAR_RE = re.compile(r"(?:比|较|相比于?|相较于?|\bthan|\bversus|\bvs\.?)\s*(20\d{2})", re.I)


TITLE_RE = re.compile(r"《[^》]*》")

FULL_YEAR = re.compile(r"全年|full[- ]year|whole year", re.I)


def other_period(unit: Unit, asked: set[str], report_head: str = "", whole_year: bool = False) -> bool:
    """The unit names parts of the year and none of those asked: 一季度's revenue does not answer 二季度's. One
    month asked (2024年5月, July 2024) is answered by a unit that names it, or whose paragraph does: not by another
    month's figure, a span's (1—7月) or one no month dates; asked anything else, a unit's single months (often an
    event's date: "2024年3月，…印发") are left aside, and a unit naming no part of the year must be dated by its
    paragraph, section or report (`report_head`: the report's first lines, its title). A unit giving the whole
    year's figure (全年) answers no part of it, unless the question asks of the whole year too (`whole_year`)."""
    if not asked:
        return False
    named = periods(TITLE_RE.sub("", unit.match_text))
    months = {p for p in asked if p.startswith("mon")}
    if months and months == asked:
        # a unit naming no part of the year is dated by its paragraph ("6月中旬…。第八代五粮液批价约930元/瓶")
        named = named or periods(TITLE_RE.sub("", normalize(unit.chunk.text)))
        return not (named & months)
    named = {p for p in named if not p.startswith("mon")}
    if not named and not whole_year and FULL_YEAR.search(unit.match_text):
        return True  # "预计2024年全年…约1.55%": the whole year's figure, no part's
    if not named:  # a span or half asked (1—6月, H1): a whole year's figure is none, unless its paragraph, section
        # or report dates it (a Q1 bank review's rating table)
        dating = normalize(f"{unit.chunk.text} {unit.chunk.section} {report_head}")
        named = {p for p in periods(TITLE_RE.sub("", dating)) if not p.startswith("mon")}
    return not (named & asked)


def other_quarter(unit: Unit, asked: set[str]) -> bool:
    """The unit names quarters of given years and not the one asked: a row of 2023Q1…2024Q1 holds no 2024Q2."""
    if not asked:
        return False
    named = year_quarters(TITLE_RE.sub("", unit.match_text))
    return bool(named) and not (named & asked)


# A year standing for itself (2026年, 2025E), not the year of a date (2024年3月, 2023.10, 2024-05)
BARE_YEAR_RE = re.compile(r"(?<!\d)(20\d{2})(?!\d)(?!\s*年?\s*[.\-/]?\s*\d{1,2}\s*月)(?!\s*[.\-/]\s*\d)")


def other_year(unit: Unit, asked: list[str]) -> bool:
    """A table row whose cells and header name years, none of them asked, is another year's row, though its
    caption names the asked one: 四川's target for 2026年 does not answer a question on 2025 ("各地2025年目标")."""
    if not asked or not unit.header:
        return False
    named = set(BARE_YEAR_RE.findall(TITLE_RE.sub("", normalize(" ".join([unit.text, *unit.header])))))
    return bool(named) and not named & set(asked)


def mentions(unit: Unit, term: str) -> bool:
    """Whether a unit names a must-term. A year must be stated, not just part of a document's title
    (《…（2024—2027年）》 says nothing about 2027); it also matches the short form "25 年" for 2025."""
    if not YEAR_RE.fullmatch(term):
        return term in unit.match_text or term in unit.shared  # a region: the clause before may place this one
    text = TITLE_RE.sub("", unit.match_text)
    if unit.shared and not YEAR_RE.search(text):  # a clause naming its own year is not dated by the one before
        text = TITLE_RE.sub("", unit.shared)
    if unit.dated and not YEAR_RE.search(text):  # …nor by its paragraph's opening time
        text = normalize(unit.dated)
    return holds(text, term)


def placed_by_paragraph(unit: Unit, place: str, asked: list[str]) -> bool:
    """A place asked that the unit's paragraph opens on ("2024年7月，欧盟对…加征关税。…比亚迪在欧洲市场仍具备…")
    places the unit too, where the unit names no place other than those asked."""
    if YEAR_RE.fullmatch(place) or not unit.topic or place not in unit.topic:
        return False
    own = unit.own or normalize(unit.text)
    return all(normalize(p) in asked for p in regions_in(own) + foreign_places(own))


SHORTENS = "\x00"  # marks a term read as the short form of a longer word (see Coverage.score)


def holds(text: str, term: str) -> bool:
    """A term in a unit's text; a year also as written short ("25 年" for 2025); a marked short form as its
    characters in order, at most two others between each (新装 in 新增装机, 规上 in 规模以上)."""
    if term.startswith(SHORTENS):
        pattern = _short_form(term[1:])
        return pattern is not None and pattern.search(text) is not None
    if term in text:
        return True
    short_year = _short_year(term)
    return short_year is not None and short_year.search(text) is not None


@lru_cache(maxsize=4096)
def _short_form(chars: str) -> re.Pattern[str] | None:
    return re.compile(".{0,2}".join(map(re.escape, chars))) if len(chars) >= 2 and has_cjk(chars) else None


_YEAR_TERM = re.compile(r"20(\d{2})年?")


@lru_cache(maxsize=1024)
def _short_year(term: str) -> re.Pattern[str] | None:
    """2025 / 2025年 → a pattern for "25 年"; None for a term that is no year."""
    year = _YEAR_TERM.fullmatch(term)
    return re.compile(rf"(?<!\d){year[1]}\s*年") if year else None


ANSWER_TYPE_BONUS = 0.1


def answer_type_bonus(question: str, unit: Unit) -> float:
    """A small bonus for units holding the kind of thing asked for: a number for 多少/how many, a list for 哪些."""
    q = question.lower()
    wants_number = re.search(r"多少|几个|几倍|几|比例|占比|how (much|many)|what share|percentage", q)
    wants_list = re.search(r"哪些|哪几|which .*s\b|what are", q)
    if wants_number and re.search(r"\d", unit.text):
        return ANSWER_TYPE_BONUS
    if wants_list and ("、" in unit.text or "，" in unit.text):
        return ANSWER_TYPE_BONUS
    return 0.0


# A unit stating a cause answers a why-question (asks_reason)
_CAUSE_STATED = re.compile(r"原因|因为|由于|考虑到|鉴于|得益于|受益于|源于|主要因|归因|所致|导致|推动|带动|驱动|支撑|在于|反映|"
                           r"受.{1,15}(?:影响|拖累|冲击)")


# A unit stating a view answers a how-do-they-read-it question (asks_view)
_VIEW_STATED = re.compile(r"我们(?:认为|判断|预判|看好|建议)|或将|意味着|预示|有望")


def states_cause(unit: Unit) -> bool:
    return bool(_CAUSE_STATED.search(unit.text))


def states_view(unit: Unit) -> bool:
    return bool(_VIEW_STATED.search(unit.text))


def stance_asked(question: str) -> Callable[[Unit], bool] | None:
    """What the units answering a why- or a how-do-they-read-it question state (a cause, a view), or None."""
    return states_cause if asks_reason(question) else states_view if asks_view(question) else None


# A list announced and begun in one clause ("主要有三方面原因：一是…；") goes on in the clauses after it ("二是…；三是…。"):
# a unit opening one is quoted with the rest of its list.
_LIST_OPENS = re.compile(r"[两二三四五六七八九几多]\s*(?:方面|重|点|条|个|大)[^。；;：:]{0,12}[:：]\s*(?:一是|其一|第一|首先|一方面)")
_LIST_GOES_ON = re.compile(r"\s*(?:[二三四五六七八九]是|其[二三四五六]|第[二三四五六]|其次|再次|最后|另一方面)")


def whole_list(unit: Unit) -> Unit:
    """`unit`, or — where it opens a list its next clauses go on with — the unit spanning the whole list."""
    if unit.header or not _LIST_OPENS.search(unit.text):
        return unit
    units = units_of(unit.chunk)
    at = next((k for k, u in enumerate(units) if u.start == unit.start), None)
    if at is None:
        return unit
    end = at
    while end + 1 < len(units) and units[end].text.rstrip().endswith(("；", ";")) \
            and _LIST_GOES_ON.match(units[end + 1].text):
        end += 1
    if end == at:
        return unit
    last = units[end]
    text = unit.chunk.text[unit.start - unit.chunk.start:last.end - unit.chunk.start]
    return Unit(unit.chunk, unit.start, last.end, text, unit.match_text, [], None, unit.own, unit.shared,
                unit.dated, unit.topic)


CONTEXT_CREDIT = 0.5


class Coverage:
    """Scores units against a question; term weights are IDF over the indexed chunks."""

    def __init__(self, doc_freq: dict[str, int], n_docs: int):
        self._df = doc_freq
        self._n = max(n_docs, 1)

    def terms(self, question: str) -> list[tuple[str, ...]]:
        """`question_terms`, plus the reports' names an English question spells in pinyin (Gujing → 古井)."""
        from assistant.core.bilingual import pinyin_groups

        terms = question_terms(question)
        spelled = [tuple(g) for g in pinyin_groups(question, self._df)] if self._df else []
        terms += [g for g in spelled if g not in terms]
        if question_lang(question) != "zh" and self._df:
            # Latin words the reports themselves write (TOPCon, TIDES, EPC, HJT): terms to look for as they are —
            # unless the glossary or the pinyin reading already gave their Chinese (Lancang → 澜沧, securities)
            written = [(t,) for t in tokenize(question) if t.isascii() and t.isalpha() and len(t) >= 2
                       and self._df.get(t, 0) and not zh_terms(t) and not pinyin_groups(t, self._df)]
            terms += [g for g in written if g not in terms]
        if self._df:
            # an everyday word no indexed passage holds (觉得, 估计, 便宜) is the asker's phrasing: it cannot tell
            # one unit from another, and its weight (the highest, as a word no passage has) sank every unit's share
            terms = [g for g in terms if any(self._df.get(t, 0) or not common_word(t) for t in g)]
        return terms

    def weight(self, term: str) -> float:
        df = self._df.get(term, 0)
        return math.log(1 + (self._n - df + 0.5) / (df + 0.5))

    def score(self, groups: list[tuple[str, ...]], unit: Unit, full: str = "") -> float:
        """`full`: words held as the unit's own besides its text (a named row's caption: what it says of the row)."""
        if not groups:
            return 0.0
        weights = [max(self.weight(t) for t in g) for g in groups]
        own = (unit.own or normalize(unit.text)) + (" " + full if full else "")
        # a word no passage holds may shorten one (新装 of 新增装机, 规上 of 规模以上): its characters in order, close
        groups = [type(g)(g + tuple(SHORTENS + t for t in g)) if self._df and not any(self._df.get(t, 0) for t in g)
                  else g for g in groups]
        # a term only in the shared caption/header (or the broker's name) holds for every row of the table: half
        # credit, so the row whose own label says 新增装机 outranks its neighbours under the same caption; so does a term
        # only in the first sentence of the unit's paragraph (a quarter credit measured +4 / −2 on dev)
        got = sum(w if any(holds(own, t) for t in g) else CONTEXT_CREDIT * w
                  for g, w in zip(groups, weights)
                  if any(holds(unit.match_text, t) or holds(unit.topic, t) for t in g) or isinstance(g, Implicit))
        total = sum(weights)
        return got / total if total else 0.0
