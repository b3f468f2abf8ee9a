"""The offline answerer: deterministic, no LLM. It picks the evidence units that cover the question and quotes
them with [n] markers, or abstains — "报告中未找到…" — and offers the closest passages as related, not support.
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Callable

from assistant.answer.analysis import RELATIVE_YEAR_ZH, rated_name, subject_before_year
from assistant.answer.evidence import (ANSWER_TYPE_BONUS, YEAR_RE, Coverage, Unit, answer_type_bonus, stance_asked,
                                      is_boilerplate, placed_by_paragraph, whole_list,
                                      mentions, must_terms, other_period, other_quarter, other_year, periods,
                                      question_terms, sentence_asks, split_words, units_of, year_asks,
                                      SHORTENS, TITLE_RE, FULL_YEAR, Implicit, holds)
from assistant.answer.reader import (Reader, answer_kind, asks_rate, holds_unit, in_english, states_rate,
                                    unit_asked, with_unit)
from assistant.answer.score import Candidate, EvidenceModel
from assistant.core.text import SENTENCE_RE, has_cjk, question_lang, year_quarters
from assistant.core.asks import EACH_RE, TOTAL_ROW_RE
from assistant.core.glossary import measures_in, same_words
from assistant.core.tokenize import common_word, normalize, pos_tokens
from assistant.core.models import Answer, Citation, SearchHit
from assistant.targets.conditions import YEAR_LABEL_RE, year_labels
from assistant.targets.kinds import kinds_in
from assistant.targets.table_calc import label_unit
from assistant.ingest.structure import split_cells
from assistant.targets.regions import en_region_spans, foreign_places, place, region_mentions, regions_in

ANSWERABLE_COVERAGE = 0.6  # share of the question's (IDF-weighted) key terms one unit must hold
SUPPORT_COVERAGE = 0.45  # further units shown beside the best one
# When BM25 and the dense ranker both put one of the top two chunks in their own top 2, a paraphrased question
# (few shared words) is still answered from that chunk if its best unit covers this much.
AGREED_TOP_COVERAGE = 0.2
MAX_UNITS = 3
HEAD_CHARS = 200  # a report's title and first lines


def citation_for(unit: Unit) -> Citation:
    c = unit.chunk
    return Citation(id=f"{c.id}:{unit.start}-{unit.end}", report=c.report, section=c.section, page=c.page,
                    start=unit.start, end=unit.end, quote=unit.text)


MAX_CELL = 160  # long policy cells are shortened in the answer; the citation keeps the whole row


def _shorten(cell: str, terms: list[tuple[str, ...]]) -> str:
    """A long cell keeps the sentences that hold the most question terms (in their order), not just its head."""
    if len(cell) <= MAX_CELL:
        return cell
    sentences = [m.group(0) for m in SENTENCE_RE.finditer(cell) if m.group(0).strip()]
    folded = [normalize(x) for x in sentences]
    hits = [sum(any(t in f for t in g) for g in terms) for f in folded]
    keep: set[int] = set()
    for i in sorted(range(len(sentences)), key=lambda i: -hits[i]):
        if hits[i] == 0 or sum(len(sentences[j]) for j in keep) + len(sentences[i]) > MAX_CELL * 1.5:
            break
        keep.add(i)
    if not keep:
        return cell[:MAX_CELL] + "…"
    return "…".join(sentences[i].strip() for i in sorted(keep)) + ("…" if max(keep) < len(sentences) - 1 else "")


def quote_lines(units: list[Unit], labels: dict[str, str], zh: bool, terms: list[tuple[str, ...]] = ()) -> list[str]:
    """The quoted evidence of an answer, one unit a line with its [n]; from several reports, each line says whose
    it is (`labels`: report id → broker, from the report cards)."""
    several = len({u.chunk.report for u in units}) > 1
    return [f"{(labels.get(u.chunk.report) or u.chunk.report) + ('：' if zh else ': ') if several else ''}"
            f"{render_unit(u, list(terms))} [{n}]" for n, u in enumerate(units, start=1)]


def render_unit(unit: Unit, terms: list[tuple[str, ...]]) -> str:
    """A table row reads as "header: cell" pairs; a sentence reads as itself."""
    if unit.header:
        cells = [_shorten(v, terms) for v in split_cells(unit.text)]
        row_unit = label_unit(cells[0]) if cells else ""
        pairs = [f"{h.strip()}：{with_unit(v.strip(), label_unit(h) or row_unit)}" if h.strip() else v.strip()
                 for h, v in zip(unit.header + [""] * len(cells), cells) if v.strip()]
        return "；".join(pairs)
    return unit.text


# units → the question's dense similarity to each (None where no vector was cached)
Similarity = Callable[[list[Unit]], list["float | None"]]


class OfflineAnswerer:
    """Ranks evidence units by lexical coverage of the question's key terms plus their dense similarity to the
    question (vectors cached at ingest), and answers with the best, or abstains."""

    def __init__(self, coverage: Coverage, similarity: Similarity | None = None, sim_weight: float = 0.0,
                 sim_answerable: float = 2.0, sim_min_coverage: float = 0.0, sim_floor: float = 0.0,
                 labels: dict[str, str] | None = None, model: EvidenceModel | None = None,
                 peers: dict[str, set[str]] | None = None, kinds: dict[str, set[str]] | None = None,
                 report_text: Callable[[str], str] | None = None, columns: frozenset[str] = frozenset()):
        self.coverage = coverage
        self.similarity = similarity
        self.sim_weight = sim_weight
        self.sim_answerable = sim_answerable  # a unit this similar counts as answering even below the coverage bar
        self.sim_min_coverage = sim_min_coverage
        self.sim_floor = sim_floor  # …and a unit below this similarity does not answer, however many terms it holds
        self.labels = labels or {}  # report id → broker, to label evidence from several reports
        self.model = model  # the learned evidence score; None: the hand-set coverage rules
        self.peers = peers or {}  # names of one table column (`peer_names`): a row about another never answers
        self.kinds = kinds or {}  # kinds of row name (`name_kinds`): a row does not answer on an unlisted one
        self.report_text = report_text  # report id → its text, normalised: does the report name what is asked?
        self.columns = columns  # measures tables' columns name (`column_measures`): one asked must be the unit's

    def candidates(self, question: str, hits: list[SearchHit], both_reports: bool = False,
                   years: list[str] | None = None) -> list[Candidate]:
        """Every unit of the retrieved chunks that could answer: not boilerplate, and naming every region and year
        the question names (`years`: of its years, those of one ask only); with the signals the evidence score
        reads."""
        terms = self.coverage.terms(question)
        reports = {h.chunk.report for h in hits}
        if self.report_text:  # …when a report retrieved writes the run whole (插混 is a word there; 能到 is not)
            terms += [(w,) for w in split_words(question)
                      if (w,) not in terms and any(w in self.report_text(r) for r in reports)]
        must = [m for m in must_terms(question) if years is None or not YEAR_RE.fullmatch(m) or m in years]
        # a place that is part of a name a table lists (泸州 of 泸州老窖, 江苏 of 江苏银行) is that name's: asked only
        # inside such a name, the name is what a unit must name; and a unit naming the place only inside one does
        # not name the place
        holders = self._place_holders(must)
        asked_q = normalize(question)
        must = [next(h for h in holders[m] if h in asked_q) if inside_names(asked_q, m, holders.get(m, ())) else m
                for m in must]
        listed = self._named(question)
        others = set().union(*(self.peers[n] for n in listed))  # the other names of those names' columns
        unlisted = unknown_names(question, self.kinds, self.peers)
        named = listed + list(unlisted)
        others |= set().union(*(self.kinds[end] for end in unlisted.values()))
        # what sets an unlisted name apart (平安 of 平安银行, HJT of HJT电池): a report that never writes it says
        # nothing about that one, whatever it says about its kind
        own = [normalize(name[:-len(end)]) for name, end in unlisted.items()]
        # (not in a both-reports question: each report may answer another of the things it names)
        silent = {r for r in reports if self.report_text and own and not both_reports
                  and not all(o in self.report_text(r) for o in own)}
        # a name the question holds (中金公司, 建设银行, 剑南春) that no report retrieved writes: they say nothing of
        # it, nor of what it forecasts (not per report: one report's name may be another's part of a both-reports
        # question)
        if self.report_text and any(not any(o in self.report_text(r) for r in reports) for o in proper_names(question)):
            silent |= reports
        # a product asked by a code no report retrieved writes, where they write others of its line (梦之蓝M9 beside
        # 梦之蓝M6+, P型组件 beside N型硅片): they say nothing of that one
        if self.report_text and unwritten_variant(asked_q, [self.report_text(r) for r in reports],
                                                  [n for n, _ in _normalized_names(self.peers)]):
            silent |= reports
        # a unit on an unlisted name names it, or its own part where that is a name (小鹏 of 小鹏汽车; not 上市 of
        # 上市银行, an everyday word, nor a broker's 星垣 of 星垣银行)
        brokers = {normalize(b) for b in self.labels.values()}
        named_own = [(normalize(name), o) for name, o in zip(unlisted, own)
                     if not common_word(o) and not any(o in b for b in brokers)]
        figure_asked, money_asked, in_unit = asks_figure(question), asks_money(question), unit_asked(question)
        national = asks_national(question) and not regions_in(question)
        # the world's figure, or China's (or size: "全球CXO市场规模有多大")
        scope = asked_scope(question) if figure_asked or _SIZE_ASKED.search(question) else None
        # the whole of a counted set (42家上市银行…整体的…): one listed company's row is not it
        whole = bool(_WHOLE_ASKED.search(question)) and not listed
        # the one place (else table name, else name before the year) a figure is asked of: a unit naming it only in a
        # list closed by 等 (云南、贵州等地) gives it none
        subjects = (regions_in(question) or foreign_places(question) or [n for n in listed if not common_word(n)]
                    or [subject_before_year(question)]) if figure_asked else []
        lone = subjects[0] if len(subjects) == 1 else ""
        # what a figure is asked of (普惠小微, 光伏): a unit naming it only in a list closed by 等 (科技贷款、普惠小微、
        # 绿色贷款等目标) gives the list's figure or another member's, not its own
        grouped = listed_words(asked_q) if figure_asked else []
        rate_asked = figure_asked and not money_asked and not in_unit and asks_rate(question)
        # the name a figure is asked of (比亚迪2024年1—7月…卖了多少辆): a unit not naming it (nor its paragraph, nor
        # the clause before) gives the figure of something else — the country's exports, another company's sales
        # (…or the one name of a table's column the question holds as a name, wherever it stands: "2024年1—7月比亚迪
        # 在欧洲卖了多少辆" — a word jieba tags a name, or does not know: 蔚来)
        names = {normalize(w) for w, pos, _ in pos_tokens(question) if pos in NAME_POS or (pos == "" and has_cjk(w))}
        # (…or one of a kind of name the tables list — 农商行 beside 城商行 —, which jieba may cut: 农|商行)
        kinded = {n for end, group in self.kinds.items() if not _MEASURE_END.search(end) for n in group}
        sole = [n for n in listed if (n in names or n in kinded) and not regions_in(n) and not common_word(n)]
        of_name = normalize(subject_before_year(question) or _listed_before_year(question, listed, self.peers)
                            or (sole[0] if len(sole) == 1 else "")) if figure_asked and not both_reports else ""
        of_name = "" if regions_in(of_name) else of_name
        asked = measures_in(normalize(question))
        silent |= set(self.without_measures(asked, hits))
        # a valuation measure asked (EPS, PE…) is named by the unit, its header or caption: 小鹏汽车's sales row or a
        # sentence on its deliveries is no EPS forecast (two reports may each be asked their own measure)
        measures = set() if both_reports else set(asked)
        rated = rated_name(question)  # a rating asked of a name: a unit rating something else is no answer
        # the kinds of thing the figure is asked of (光伏装机): a row of a table of another kind (储能装机) is no answer
        kinds = kinds_in(question) if figure_asked else set()
        # a measure a table column names (海外收入占比) asked of a figure: a unit not naming it gives another measure
        # (药明生物's order backlog, its revenue row) — the report may hold the measure for other names only
        columns = columns_in(asked_q, self.columns) if figure_asked else []
        asked_periods, asked_quarters = periods(question), year_quarters(question)
        whole_year = FULL_YEAR.search(question) is not None  # "…and how does that compare with full-year 2023?"
        asked_years = [m for m in must if YEAR_RE.fullmatch(m)]
        named_rows = {normalize(n) for n in listed if not regions_in(n)}  # (a place: the region rules)
        heads = {r: self._head(r) for r in reports}  # each report's title lines, read once a question
        found: list[tuple[Unit, float, SearchHit, int]] = []
        seen: set[str] = set()
        for rank, hit in enumerate(hits):
            for unit in units_of(hit.chunk):
                if unit.text in seen or is_boilerplate(unit):  # "资料来源：…" repeats under every figure
                    continue
                seen.add(unit.text)
                if all((mentions(unit, m) and not inside_names(unit.match_text, m, holders.get(m, ())))
                       or placed_by_paragraph(unit, m, must) or dated_by_report(unit, m, heads[unit.chunk.report])
                       for m in must) \
                        and not self._about_another(unit, named, others) \
                        and (both_reports or all(n in unit.match_text or o in unit.match_text for n, o in named_own)) \
                        and (not figure_asked or (holds_figure(unit.text)
                                                  and not figures_of_other_years(unit, asked_years)
                                                  and not measure_of_other_years(unit, question))) \
                        and (not money_asked or holds_money(" ".join([unit.text, *unit.header, unit.chunk.context]))) \
                        and not (figure_asked and money_for_quantity(unit, question)) \
                        and (not in_unit or holds_unit([unit.text, *unit.header, unit.chunk.context], in_unit)) \
                        and not (national and about_a_region(unit)) \
                        and not (scope and of_other_scope(unit, scope)) \
                        and not (whole and self._one_listed_row(unit)) \
                        and not (figure_asked and measure_split(unit, terms, question)) \
                        and not (lone and only_listed(unit, lone)) \
                        and not (lone and not figure_after(unit, lone, money_asked, in_unit, rate_asked)) \
                        and not any(only_listed(unit, w) for w in grouped) \
                        and (not of_name or of_name in unit.match_text or of_name in unit.topic
                             or of_name in unit.shared) \
                        and not other_period(unit, asked_periods, heads[unit.chunk.report], whole_year) \
                        and not other_year(unit, asked_years) \
                        and not other_quarter(unit, asked_quarters) \
                        and unit.chunk.report not in silent \
                        and (not measures or measures <= set(measures_in(unit.match_text))) \
                        and (not rated or normalize(rated) in unit.match_text) \
                        and not (kinds and unit.header and (own := kinds_in(unit.match_text)) and not own & kinds) \
                        and not (kinds and of_another_kind(unit, kinds)) \
                        and all(names_measure(unit, c) for c in columns
                                if unit.header or _RATE_END.search(c)):
                    # the row the question names by its label (理想汽车): what its caption says is said of it (not
                    # its header: the columns a table has are not the measure asked)
                    full = _caption(unit) if named_rows and normalize(_row_label(unit)) in named_rows else ""
                    found.append((unit, self.coverage.score(terms, unit, full), hit, rank))
        siblings: dict[str, list[str]] = {}  # each table chunk's candidate row labels
        for unit, *_ in found:
            if label := _row_label(unit):
                siblings.setdefault(unit.chunk.id, []).append(label)
        found = [f for f in found if not _says_more(_row_label(f[0]), siblings.get(f[0].chunk.id, []), question)]
        if not found or all(t.isdigit() for g in terms for t in g):  # "1", "2025": nothing to look for
            return []
        sims = self.similarity([u for u, _, _, _ in found]) if self.similarity else [None] * len(found)
        return [Candidate(u, cov, sim, rank, hit.bm25_rank, hit.dense_rank, answer_type_bonus(question, u) > 0)
                for (u, cov, hit, rank), sim in zip(found, sims)]

    def _place_holders(self, must: list[str]) -> dict[str, list[str]]:
        """Each place asked → the names tables list that hold it and are no place themselves (泸州 → 泸州老窖)."""
        out = {}
        for m in must:
            if not YEAR_RE.fullmatch(m) and (held := [n for n, p in _normalized_names(self.peers)
                                                       if m in n and n != m and place(p) is None]):
                out[m] = held
        return out

    def _one_listed_row(self, unit: Unit) -> bool:
        """A table row headed by one name a table column lists (招商银行), not a total (上市银行合计)."""
        cells = split_cells(unit.text) if unit.header else []
        head = cell_name(cells[0]) if cells else ""
        return head in self.peers and not _TOTAL_ROW.search(head)

    def _head(self, report: str) -> str:
        """A report's first lines (its title): they date what it says ("…2024年一季度业绩综述")."""
        return (self.report_text(report) or "")[:HEAD_CHARS] if self.report_text else ""

    def without_measures(self, asked: list[str], hits: list[SearchHit]) -> dict[str, list[str]]:
        """Reports of the hits that never write a valuation measure asked (`measures_in` the question: 目标价, EPS…)
        → those measures: such a report does not give it, whatever else it says about the company."""
        if not asked or not self.report_text:
            return {}
        out = {}
        for report in dict.fromkeys(h.chunk.report for h in hits):
            written = set(measures_in(self.report_text(report)))
            if missing := [m for m in asked if m not in written]:
                out[report] = missing
        return out

    def _named(self, question: str) -> list[str]:
        """Table names the question holds (常熟银行, 舍得酒业), the longest where one holds another."""
        # (not the group a which-question picks from: 哪类上市银行 asks for one of its peers)
        # (or by a name broker reports write for it: 光刻机 for the cell 光刻设备, 工行 for 工商银行)
        found = [k for k in self.peers if len(k) >= 2
                 and (k in question or any(a in question for a in _other_words(k)))
                 and not re.search(rf"哪一?[类家个些种只项]?{re.escape(k)}", question)]
        return [k for k in found if not any(k != o and k in o for o in found)]

    def _about_another(self, unit: Unit, named: list[str], others: set[str]) -> bool:
        """A table row about another name of the column a named one is in: 工商银行's row does not answer a question
        on 常熟银行, however many of its other words it shares (the row-level twin of the region rule); nor does a
        row another table heads with a name of its own (长城汽车's EPS row, asked about 小鹏汽车), nor a sentence that
        names another of the column and not the one asked."""
        if not named:
            return False
        if any(n in unit.text for n in named):
            return self._another_of_one(unit, named)
        if not unit.header:  # a sentence on 中芯国际's capex, never naming 华虹, says nothing of 华虹's
            # (names only: a table's first column may hold everyday words — 推荐, 行业 — which sentences use freely)
            return any(not common_word(n) for n in named) and any(o in unit.text for o in others if not common_word(o))
        cells = [cell_name(c) for c in split_cells(unit.text)]
        head = next((c for c in cells if NAME_CELL_RE.fullmatch(c) and has_cjk(c)), "")
        return any(c in others for c in cells) or head in self.peers

    def _another_of_one(self, unit: Unit, named: list[str]) -> bool:
        """Names of two columns asked (浙江省 and 普惠小微贷款余额): a unit naming one is still about another when it
        holds another name of the other's column and not that one (浙江省's 科技贷款余额 row)."""
        cells = {cell_name(c) for c in split_cells(unit.text)} if unit.header else set()
        for n in named:
            if n in unit.text or n not in self.peers:
                continue
            rivals = self.peers[n] - set(named)
            if cells & rivals:
                return True
            if not unit.header and not common_word(n) and any(o in unit.text for o in rivals if not common_word(o)):
                return True
        return False

    def select(self, question: str, hits: list[SearchHit], both_reports: bool = False,
               each_min: float = SUPPORT_COVERAGE) -> list[tuple[Unit, float]]:
        """The units that answer the question, best first; empty when the evidence does not cover it. A question
        asking of different years in different asks (`year_asks`) is answered ask by ask, each ask's best unit
        first, when every ask has an answer: no one sentence states both 2024's growth and 2025's penetration."""
        return [(whole_list(u), p) for u, p in self._select_asks(question, hits, both_reports, each_min)]

    def _select_asks(self, question: str, hits: list[SearchHit], both_reports: bool,
                     each_min: float) -> list[tuple[Unit, float]]:
        if self.model is None:
            return self._select(question, hits, both_reports, each_min)
        if by_year := year_asks(question):  # asks of different years: each ask's own years, its best unit first
            each = [self._select(question, hits, both_reports, each_min, years) for years in by_year]
            whole: list[tuple[Unit, float]] = []
        else:
            whole = self._select(question, hits, both_reports, each_min)
            asks = sentence_asks(question)
            if not asks:
                return whole
            # asks of different things: each ask's own words; the whole question's units stay (one often states
            # both), each ask's best joins them
            each = [self._select(ask, hits, both_reports, each_min) for ask in asks]
            whole = whole[:MAX_UNITS + both_reports]
        if not all(each):
            return whole or self._select(question, hits, both_reports, each_min)
        chosen = whole + [c[0] for c in each] + [u for c in each for u in c[1:]]
        out: list[tuple[Unit, float]] = []
        for unit, score in chosen:
            if all(unit.start != u.start or unit.chunk.report != u.chunk.report for u, _ in out):
                out.append((unit, score))
        joined = {(c[0][0].chunk.report, c[0][0].start) for c in each} - {(u.chunk.report, u.start) for u, _ in whole}
        return out[:max(MAX_UNITS, len(each)) + (len(joined) if whole else 0)]

    def _select(self, question: str, hits: list[SearchHit], both_reports: bool, each_min: float,
                years: list[str] | None = None) -> list[tuple[Unit, float]]:
        cands = self.candidates(question, hits, both_reports, years)
        if not cands:
            return []
        if self.model is not None:
            return self._select_scored(cands, has_cjk(question), both_reports, each_min < SUPPORT_COVERAGE,
                                       stance_asked(question), asked_cell(question))
        scored = [(c.unit, c.coverage, c.rank) for c in cands]
        sim_of = {id(c.unit): c.sim for c in cands}
        bonus_of = {id(c.unit): ANSWER_TYPE_BONUS if c.type_match else 0.0 for c in cands}

        def key(x: tuple[Unit, float, int]) -> tuple[float, int]:
            # coverage, a small bonus for holding the kind of thing asked for, and the dense similarity;
            # retriever rank breaks ties
            bonus = bonus_of[id(x[0])] if x[1] else 0
            return (-round(x[1] + bonus + self.sim_weight * (sim_of[id(x[0])] or 0.0), 3), x[2])

        scored.sort(key=key)
        top_sim = sim_of[id(scored[0][0])]
        # The similarity rules hold for Chinese questions only: e5-small's cross-lingual cosines (English question,
        # Chinese passage) sit far lower and do not separate answerable from not (dev: .76–.87 for both).
        use_sim = top_sim is not None and has_cjk(question)
        semantic = use_sim and top_sim >= self.sim_answerable and scored[0][1] >= self.sim_min_coverage
        lexical = scored[0][1] >= ANSWERABLE_COVERAGE and (not use_sim or top_sim >= self.sim_floor)
        if not lexical and not semantic:
            agreed_rank = next((r for r, h in enumerate(hits[:2])
                                if (h.bm25_rank or 99) <= 2 and (h.dense_rank or 99) <= 2), None)
            agreed = [x for x in scored if x[2] == agreed_rank and x[1] >= AGREED_TOP_COVERAGE]
            return [(agreed[0][0], agreed[0][1])] if agreed else []
        chosen: list[tuple[Unit, float]] = []
        if both_reports:  # the best unit of each report first (each_min: lower when the question names them)
            for report in dict.fromkeys(u.chunk.report for u, _, _ in scored):
                unit, score, _ = next(x for x in scored if x[0].chunk.report == report)
                if score >= each_min:
                    chosen.append((unit, score))
        for unit, score, _ in scored:
            if len(chosen) >= MAX_UNITS or score < SUPPORT_COVERAGE:
                break
            if all(unit.start != u.start or unit.chunk.report != u.chunk.report for u, _ in chosen):
                _keep_once(chosen, (unit, score), lambda x: x[0])
        return chosen[:max(MAX_UNITS, len(chosen))]

    def _select_scored(self, cands: list[Candidate], zh: bool, both_reports: bool,
                       named: bool, stated: Callable[[Unit], bool] | None = None,
                       cell: Callable[[Unit], bool] | None = None) -> list[tuple[Unit, float]]:
        """Units by the learned evidence score: answer when the best clears `answer_at`, add the others that clear
        `support_at`; in a both-reports question each report's best first (`each_at` when the question names them)."""
        model = self.model
        cands = [c for c in cands if c.coverage >= model.min_coverage]
        if not cands:
            return []
        probs = model.score(cands, zh)
        order = sorted(range(len(cands)), key=lambda i: (-probs[i], cands[i].rank))
        if probs[order[0]] < model.answer_at:
            return []
        if stated:  # a why- (how-do-they-read-it) question: the units stating a cause (a view) that clear the support
            # bar go first (a stable sort)
            order.sort(key=lambda i: not (probs[i] >= model.support_at and stated(cands[i].unit)))
        elif cell:  # a figure asked of a row at one year: the rows the question names, holding it, go first
            order.sort(key=lambda i: not (probs[i] >= model.support_at and cell(cands[i].unit)))
        chosen = [order[0]]
        if both_reports:
            each_at = model.each_at if named else model.support_at
            for report in dict.fromkeys(cands[i].unit.chunk.report for i in order):
                best = next(i for i in order if cands[i].unit.chunk.report == report)
                if best not in chosen and probs[best] >= each_at:
                    chosen.append(best)
        limit = MAX_UNITS + 1 if both_reports else MAX_UNITS  # two reports: one more unit to show both sides
        for i in order:
            if len(chosen) >= limit or probs[i] < model.support_at:
                break
            if i not in chosen:
                _keep_once(chosen, i, lambda j: cands[j].unit)
        return [(cands[i].unit, probs[i]) for i in chosen]

    def run(self, question: str, hits: list[SearchHit], both_reports: bool = False,
            each_min: float = SUPPORT_COVERAGE) -> Answer:
        zh = question_lang(question) == "zh"  # the answer's language ("…the total in 亿元?" is English)
        chosen = self.select(question, hits, both_reports, each_min)
        if not chosen:
            asked = measures_in(normalize(question))
            missing = sorted({m for ms in self.without_measures(asked, hits).values() for m in ms})
            note = (f"报告未给出：{'、'.join(missing)}" if zh else f"Not given in the report: {', '.join(missing)}") \
                if missing else ""
            return abstention(question, hits, note)
        terms = self.coverage.terms(question)
        lines = quote_lines([u for u, _ in chosen], self.labels, zh, terms)
        direct = self.direct(question, chosen[0][0], terms)
        lead = [f"{direct} [1]"] if direct else []
        return Answer(question=question, answer="\n".join([*lead, LEAD_ZH if zh else LEAD_EN, *lines]),
                      abstained=False, direct=direct, citations=[citation_for(u) for u, _ in chosen])

    def direct(self, question: str, unit: Unit, terms: list[tuple[str, ...]]) -> str | None:
        """The figure or date the best unit gives for what is asked (`reader`), in English for an English question."""
        kind = answer_kind(question, asks_figure(question), asks_money(question))
        if kind is None:
            return None
        found = Reader(terms, self.coverage.weight).run(question, unit, kind)
        return found if not found or question_lang(question) == "zh" else in_english(found, kind)


REPEAT_CHARS = 12  # a shorter run inside a longer unit may be a name or a figure, not the same statement
_MARKUP_RE = re.compile(r"[^\w.%]+")


def repeats(a: Unit, b: Unit) -> bool:
    """Whether unit `a` says again what `b` says, in the same report: a summary's bullet ("** 2023年出口121.3万辆，
    同比增长77.9%；") repeats the body's sentence it sums up, and shown twice it takes the place of other evidence."""
    if a.chunk.report != b.chunk.report:
        return False
    x, y = _MARKUP_RE.sub("", a.text), _MARKUP_RE.sub("", b.text)
    return min(len(x), len(y)) >= REPEAT_CHARS and (x in y or y in x)


def _keep_once(chosen: list, item, unit_of) -> None:
    """Add `item` to `chosen` — unless a chosen unit says the same: then the one saying more ("…，已低于出厂价，出现
    价格倒挂。") stays, in the first one's place."""
    unit = unit_of(item)
    said = next((k for k, c in enumerate(chosen) if repeats(unit, unit_of(c))), None)
    if said is None:
        chosen.append(item)
    elif len(unit.text) > len(unit_of(chosen[said]).text):
        chosen[said] = item


LEAD_ZH, LEAD_EN = "根据报告：", "The reports say (quoted in the original Chinese):"


def _says_more(label: str, siblings: list[str], question: str) -> bool:
    """A table row whose label is a sibling row's label and more, the more unasked: "新增装机同比" beside
    "新增装机（GW）" is the growth of the figure asked, not the figure (asked "同比", it stays)."""
    for base in siblings:
        if label and base and base != label and label.startswith(base):
            extra = label[len(base):]
            if not any(extra[i:i + 2] in question for i in range(max(len(extra) - 1, 1))):
                return True
    return False


def _caption(unit: Unit) -> str:
    """A table row's caption (its chunk's context without the header line) and the years its header's columns are
    of, normalised."""
    caption = [line for line in unit.chunk.context.split("\n") if "\t" not in line and "|" not in line]
    return normalize(" ".join(caption + [h for h in unit.header if YEAR_RE.search(h)]))


# A header cell naming only a period (2024E, 2023年6月, Q1): the columns of a table of years name no measure.
_PERIOD_CELL = re.compile(r"^(?:20\d{2}\s*(?:[AEFH]|Q[1-4]|年(?:\d{1,2}月|[一二三四]季度|上半年|下半年|前三季度|全年)?)?"
                          r"|[一二三四]季度|Q[1-4])$", re.I)
# What joins two things asked ("不良率和拨备覆盖率"): each is its own column
_ASKED_APART = re.compile(r"和|与|及|以及|、|[，,；;？?]|\band\b", re.I)


def _held(text: str, term: str) -> bool:
    """A term in a cell, also as a short form of the cell's words (不良率 in 不良贷款率)."""
    return holds(text, term) or (len(term) >= 2 and holds(text, SHORTENS + term))


_NAMES_READ: list[tuple[dict, list[tuple[str, str]]]] = []  # the last peers dict read, and its names normalised


def _normalized_names(peers: dict[str, set[str]]) -> list[tuple[str, str]]:
    """(normalised, as written) for each name tables list — once per peers dict (one per catalog generation), not
    once per question: the region rule reads them for every question naming a place."""
    if not _NAMES_READ or _NAMES_READ[0][0] is not peers:
        _NAMES_READ[:] = [(peers, [(normalize(p), p) for p in peers])]
    return _NAMES_READ[0][1]


def inside_names(text: str, place_name: str, holders: list[str] | tuple[str, ...]) -> bool:
    """Every time `text` writes the place it is inside one of these names (泸州 in 泸州老窖; 泸州市 is the city)."""
    starts = [m.start() for m in re.finditer(re.escape(place_name), text)]
    if not starts or not holders:
        return False
    covered = [(m.start(), m.end()) for h in holders for m in re.finditer(re.escape(h), text)]
    return all(any(a <= s and s + len(place_name) <= b for a, b in covered) for s in starts)


_COLUMN_NOISE = re.compile(r"20\d{2}\s*[年A-Za-z]?|[（(\[【][^）)\]】]*[）)\]】]|[Qq][1-4]|[HhEeAa]\b")
_COLUMN_EDGE = re.compile(r"^[底末初年的]+|[底末初的]+$")


_RATE_END = re.compile(r"(?:占比|比例|比重|率)$")


def of_another_kind(unit: Unit, kinds: frozenset[str]) -> bool:
    """A sentence whose words, section and paragraph name only other kinds of thing (储能: 全国新增装机520万千瓦
    under 新型储能装机…) than asked (光伏): its figure is of theirs. (Table rows: their table's kind, above.)"""
    if unit.header:
        return False
    around = kinds_in(" ".join([unit.match_text, normalize(unit.chunk.section), unit.topic]))
    return bool(around) and not around & kinds


def column_measures(tables) -> frozenset[str]:
    """The measures tables' columns name, once years, units in brackets and codes are gone (2023年海外收入占比 →
    海外收入占比, 配储比例（%） → 配储比例, 归母净利润2024E → 归母净利润): four or more Chinese characters. A rate is
    its own measure wherever it is given — the amount it is of (海外收入) is not it — while an amount's name is
    written many ways in prose (新增装机 as 新增光伏装机), so amounts are held to their name in table rows only."""
    out = set()
    for table in tables:
        for cell in table.header:
            name = _COLUMN_EDGE.sub("", _COLUMN_NOISE.sub("", normalize(cell)))
            if len(name) >= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", name) and not regions_in(name):
                out.add(name)
    return frozenset(out)


def columns_in(question: str, columns: frozenset[str]) -> list[str]:
    """The column measures a (normalised) question names, the longest where one holds another."""
    found = [c for c in columns if c in question]
    return [c for c in found if not any(c != o and c in o for o in found)]


def names_measure(unit: Unit, measure: str) -> bool:
    """The unit (its text, header, caption, paragraph) names the rate: whole, or by its last word — prose shortens
    a column's name (规划完成率 → 完成率, 海外收入占比 → 海外收入合计占比); a unit without that word gives another
    measure (an amount, an order backlog)."""
    context = " ".join([unit.match_text, unit.shared, unit.topic, *map(normalize, unit.header),
                        normalize(unit.chunk.context)])
    last = pos_tokens(measure)[-1][0]  # 完成率, 覆盖率; 占比 and 比例 are split by the dictionary, so read whole
    if len(last) < 2:
        last = rate.group() if (rate := _RATE_END.search(measure)) else measure
    return measure in context or (len(last) >= 2 and last in context)


def measure_split(unit: Unit, groups: list[tuple[str, ...]], question: str) -> bool:
    """A row of a table whose columns are measures (营收同比, 净息差, 不良贷款率…) gives one column's figure, so the
    words of one measure asked must be one column's name. "贷款同比增速" split over 不良贷款率 (贷款) and 营收同比
    (同比) is no column of the table: the row has no loan growth, however many of its words it holds. Words the
    row's label or caption hold, years and parts of the year are not the measure."""
    if not unit.header:
        return False
    measures = [c for c in (normalize(h) for h in unit.header[1:]) if c and not _PERIOD_CELL.match(c)]
    if len(measures) < 2:
        return False
    named = " ".join([normalize(unit.header[0]), normalize(_row_label(unit)), _caption(unit)])
    asked = [g for g in groups if not isinstance(g, Implicit) and not any(YEAR_RE.search(t) or periods(t) for t in g)
             and not any(_held(named, t) for t in g)]
    for part in _ASKED_APART.split(normalize(question)):
        in_cells = [g for g in asked if any(t in part for t in g) and any(_held(c, t) for c in measures for t in g)]
        if in_cells and not any(all(any(_held(c, t) for t in g) for g in in_cells) for c in measures):
            return True
    return False


def _row_label(unit: Unit) -> str:
    """A table row's label: its first cell, brackets (units) and spaces removed; "" for a sentence."""
    if not unit.header:
        return ""
    cells = split_cells(unit.text)
    return _unbracketed(cells[0]) if cells else ""


def _unbracketed(text: str) -> str:
    """A label without its brackets (units) and spaces: "电网侧（GW）" → 电网侧."""
    return re.sub(r"[（(][^）)]*[）)]|\s+", "", text)


def asked_cell(question: str) -> Callable[[Unit], bool] | None:
    """A figure asked of a table row at one year ("东岳预测2026年电网侧储能新增装机多少GW"): whether a unit is a row
    the question names by its label, holding a figure in that year's one column — the cell asked, not a sentence
    on the years around it. None when no figure of one year is asked."""
    labels = year_labels(question)
    if len(labels) != 1 or not asks_figure(question):
        return None
    asked = normalize(question)
    # the places it names, China or the world too ("其中中国市场": the world's row is not China's)
    places = [normalize(p) for p in [*regions_in(question), *(m[0] for r in (_CHINA_RE, _WORLD_RE)
                                                               for m in r.finditer(question))]]

    def holds(unit: Unit) -> bool:
        label = normalize(_row_label(unit))
        if len(label) < 2 or label not in asked or not all(p in unit.match_text for p in places):
            return False
        cells = split_cells(unit.text)
        cols = [j for j, h in enumerate(unit.header) if j and labels[0].names(h)]
        return len(cols) == 1 and cols[0] < len(cells) and bool(re.search(r"\d", cells[cols[0]]))
    return holds


# jieba's tags for proper names (organisation, person, place, other); shorter words it tags so are too often
# fragments or everyday words (新设 of 新设的, 两国)
NAME_POS, MIN_NAME = ("nt", "nr", "nrt", "nrfg", "ns", "nz"), 3


_WHOLE_ASKED = re.compile(r"(?:\d+|[两三四五六七八九十]+)\s*家[^，,。？?]{0,16}?(?:整体|总体|合计|全部|加总)")
_TOTAL_ROW = re.compile(r"合计|整体|总计|全部|平均|行业")


@lru_cache(maxsize=4096)
def _other_words(name: str) -> tuple[str, ...]:
    """Other words reports write for a listed name (光刻设备 → 光刻机); cached: every question reads every name."""
    return tuple(a for a in same_words(normalize(name)) if len(a) >= 2)


def _listed_before_year(question: str, listed: list[str], names=()) -> str:
    """A name a table lists, written right before the question's first year (五粮液2024年一季度…): what the figure is
    asked of, though the dictionary holds it as a common noun; or a word there that is part of a listed name (茅台 of
    贵州茅台, `names`: the tables' names), as analysts shorten them."""
    year = re.search(r"(?:19|20)\d{2}\s*年", question)
    head = normalize(question[:year.start()]) if year else ""
    if not head:
        return ""
    if found := next((n for n in listed if head.endswith(n) and not common_word(n)), ""):
        return found
    words = [w for w, _, start in pos_tokens(head) if w.strip()]
    word = words[-1] if words else ""
    if re.fullmatch(r"[\u4e00-\u9fff]{2,}", word) and not common_word(word) and not regions_in(word) \
            and any(word in n and word != n for n in names):
        return word
    return ""


def proper_names(question: str) -> list[str]:
    """Names the question holds by jieba's dictionary (中金公司, 建设银行, 剑南春), normalised."""
    return [normalize(w) for w, pos, _ in pos_tokens(question)
            if pos in NAME_POS and len(w) >= MIN_NAME and not regions_in(w)]  # places: the region rules' (云南省 ~ 云南)


# A question asking for a figure (多少, 几成, 占比, how much…) and not a list or a count of names (多少家 can be
# answered by naming them)
_FIGURE_ASKED = re.compile(r"多少(?![家个只项种])|几成|几倍|占比|比例|how much|what share|what percentage|"
                           r"\bhow many\b(?!\s+(?:of\s+)?(?:\w+\s+)?(?:companies|banks|firms|provinces|regions|cities|"
                           r"brokers|stocks|players|makers|automakers|policies|documents)\b)|"
                           r"\bwhat (?:is|was|are|were) the\b[^?]{0,50}?\b(?:rate|ratio|share|percentage|total|size|"
                           r"amount|price|margin|target|capacity)\b|\bcombined\b", re.I)
_FIGURE = re.compile(r"\d|[一二两三四五六七八九十百千万亿半]成|[一二两三四五六七八九十]倍|翻番|过半|"
                     r"[一二两三四五六七八九十百千]+(?:大|个|家|项|条|座|类|只)")  # 八大枢纽节点, 十个集群: counts


def asks_figure(question: str) -> bool:
    return _FIGURE_ASKED.search(question) is not None


_YEARS = re.compile(r"(?<!\d)(?:19|20)\d{2}(?:\s*(?:年|[AEＡＥ](?![a-zA-Z]))|(?=[、，,/\s）)—\-]|$))")


# No figures: a code's digits (FAST-41, H100, IPv6, Fab9, 2024Q1's Q1; a figure's unit follows it: 45EFlops), a
# date's month and day (9 月 12 日; a table's 2023.4 or 2023. 10), a list item's number ("1、美国白宫宣布…")
_CODE = re.compile(r"[A-Za-z]+-?\d+|\d{1,2}\s*(?:月|日|号)|^\s*\d{1,2}\s*[、)）]|"
                   r"(?<![\d.])(?:19|20)\d{2}\.\s?(?:1[0-2]|0?[1-9])(?![\d.%])(?!\s*[万亿千百元])")


# An amount of money asked (预算, 资金, 金额, budget, funding): a unit stating a share or a count does not answer it
_MONEY_ASKED = re.compile(r"预算|资金|金额|投资额|多少钱|拨款|补贴多少|\bbudget|\bfunding\b|how much money|"
                          r"in (?:us )?dollars", re.I)
_MONEY = re.compile(r"[万亿千百]?元|美元|欧元|港元|\$|\bdollars?\b|\b(?:rmb|usd|cny)\b", re.I)


# …or an amount of revenue or profit (营业收入是多少), not its growth or share (营收增速, 收入占比), nor a target
# (营收目标 is often set as a growth: "营收增长10%左右")
_AMOUNT_ASKED = re.compile(r"(?:营业总?收入|营收|净利润|利润总额|销售额|销售收入)[^，,。？?；;]{0,6}?(?:是|为|有|约|达到?)?\s*多少")
_RATE_WORDS = re.compile(r"增速|增长率?|增幅|降幅|下降|下滑|占比|比例|比重|同比|环比|几成|倍|率|目标|计划|规划|预期")


def asks_money(question: str) -> bool:
    if not asks_figure(question):
        return False
    if _MONEY_ASKED.search(question):
        return True
    return _AMOUNT_ASKED.search(question) is not None and not _RATE_WORDS.search(question)


# a quantity of things asked (产量, 销量, 出货量…多少), not its growth or share: a unit on money that never names it
# ("上市白酒公司合计实现营业收入1632亿元" when 产量 is asked) states something else
_QUANTITY_ASKED = re.compile(r"(产量|销量|出货量|装车量|出口量|保有量|产能)[^，,。？?；;]{0,6}?(?:是|为|有|约|达到?)?\s*多少")


def money_for_quantity(unit: Unit, question: str) -> bool:
    m = _QUANTITY_ASKED.search(question)
    return m is not None and not _RATE_WORDS.search(question[m.start():]) and holds_money(unit.text) \
        and m[1] not in unit.match_text


def holds_money(text: str) -> bool:
    return _MONEY.search(text) is not None


# "25/26 年", "25年": years written short
_SHORT_YEARS = re.compile(r"(?<![\d.])\d{2}(?:\s*[/、\-—]\s*\d{2})*\s*年")


def holds_figure(text: str) -> bool:
    """Whether a unit states a figure: digits beyond its years and codes (规划完成率=2023年底累计装机/2025年规划目标
    states none; nor does "…向加速评估 FAST-41 涵盖的…机构拨款"), or one in words (三成, 两倍, 过半)."""
    return _FIGURE.search(_CODE.sub("", _SHORT_YEARS.sub("", _YEARS.sub("", text)))) is not None


# A year, or a span of years ("2024—2026年"), then a figure: what dates the figures after it in the sentence
_DATING = re.compile(r"(?P<y1>(?:19|20)\d{2})\s*(?:年|[AEＡＥ](?![A-Za-z]))?(?:\s*[-—–~～至到]\s*(?P<y2>(?:19|20)?\d{2})\s*年?)?"
                     r"|(?P<fig>(?<![\d.A-Za-z])\d+(?:\.\d+)?(?![\d.])(?!\s*(?:月|日|号)))|(?P<end>[。！？!?；;])")


def figure_years(text: str) -> list[set[str]]:
    """For each figure of a sentence, the years the last year (or span) before it in its sentence names."""
    out: list[set[str]] = []
    dating: set[str] = set()
    for m in _DATING.finditer(_CODE.sub(" ", text)):
        if m["end"]:
            dating = set()
        elif m["y1"]:
            first = int(m["y1"])
            last = int(m["y2"]) + (first // 100 * 100 if len(m["y2"]) == 2 else 0) if m["y2"] else first
            dating = {str(y) for y in range(first, last + 1)} if 0 <= last - first <= 10 else {m["y1"]}
        else:
            out.append(set(dating))
    return out


def figures_of_other_years(unit: Unit, asked: list[str]) -> bool:
    """A sentence naming the year asked, whose every figure another year dates, states nothing for it: "2016年…见顶后
    连续下滑，2023年产量452.6万千升" gives no 2016 output. Table rows are `other_year`'s."""
    if not asked or unit.header or not any(y in unit.text for y in asked):
        return False
    dated = figure_years(unit.text)
    return bool(dated) and all(dated) and not any(d & set(asked) for d in dated)


def measure_of_other_years(unit: Unit, question: str) -> bool:
    """A table row giving the measure asked only in other years' columns ("股息率 2024E" when 2025年股息率 is asked):
    it states nothing for the year asked."""
    labels = year_labels(question)
    if not unit.header or len(labels) != 1:
        return False
    asked = normalize(question)
    named = [h for h in unit.header[1:] if YEAR_LABEL_RE.search(h)
             and len(m := _unbracketed(normalize(YEAR_LABEL_RE.sub(" ", h)))) >= 2 and m in asked]
    return bool(named) and not any(labels[0].names(h) for h in named)


# The whole country asked (全国, 国内, China's): a province's sentence or row is about a part of it
_NATIONAL_RE = re.compile(r"全国|国内|我国|\bnational(?:ly)?\b|\bnationwide\b|\bChina(?:'s)?\b", re.I)
# …and so are the localities taken together, one figure asked of them ("地方智算建设规模是多少", "local AI computing
# capacity"), not "各地方…分别" (each its own)
_LOCAL_WHOLE_RE = re.compile(r"(?<!各)地方(?!政府)|\blocal(?:ities)?\b", re.I)


# …and a counted set of regions taken together ("十个重点省份…整体完成率", "the ten provinces' combined target")
_REGION_SET_RE = re.compile(r"[两三四五六七八九十\d]+\s*个?\s*(?:重点)?(?:省份|省市|省区|省|地区|城市)(?!中|里|之中)|"
                            r"\b(?:two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?:key\s+|major\s+)?"
                            r"(?:provinces|regions|cities)\b", re.I)


def asks_national(question: str) -> bool:
    return _NATIONAL_RE.search(question) is not None or (
        (_LOCAL_WHOLE_RE.search(question) is not None or _REGION_SET_RE.search(question) is not None)
        and asks_figure(question) and not EACH_RE.search(question))


# names listed and closed by 等 ("云南、贵州、青海等地", "小鹏汽车、蔚来等企业"): a group, no figure given to any one
_LISTED_RE = re.compile(r"(?:[\u4e00-\u9fff]{2,5}、)+[\u4e00-\u9fff]{2,5}等(?:地|省|省份|地区|省区|省市|城市)?")


@lru_cache(maxsize=8192)  # read by several rules for each unit a figure question retrieves
def name_spans(text: str, name: str) -> tuple[tuple[int, int], ...]:
    """Where `text` names `name`: as a place (云南省 for 云南), else as written."""
    return tuple((s, e) for s, e, found in region_mentions(text) if found == name) or \
        tuple(m.span() for m in re.finditer(re.escape(name), text))


def only_listed(unit: Unit, name: str) -> bool:
    """Whether the unit names `name` (a place, or a name a figure is asked of) only inside a list closed by 等:
    "十省以外的云南、贵州、青海等地…并网" gives 云南 no figure of its own, "华为、理想汽车、小鹏汽车、蔚来等企业自建超充站合计
    已超过5000座" gives 蔚来 none."""
    if unit.header:
        return False
    mentions = name_spans(unit.text, name)
    lists = [m.span() for m in _LISTED_RE.finditer(unit.text)]
    return bool(mentions) and all(any(a <= s and e <= b for a, b in lists) for s, e in mentions)


_CODED = re.compile(r"([\u4e00-\u9fff]{2,4})([a-z]{1,2}\d{1,2}\+?)(?![a-z0-9])")  # 梦之蓝m9 (normalised)
_MEASURE_END = re.compile(r"同比|环比|评级|率|占比|比重")  # kinds of row that are measures (营业收入同比), not names


_QUALIFIED = re.compile(r"(?P<stem>[\u4e00-\u9fff]{2,8})\s*[(（](?P<q>[\u4e00-\u9fff]{1,4})[)）]")  # 飞天茅台（散瓶）
_TYPED = re.compile(r"(?<![a-z])([a-z]{1,3})型")  # p型组件, n型硅片


def unwritten_variant(question: str, texts: list[str], names=()) -> str:
    """A product the (normalised) question names by a code that none of `texts` (normalised reports) writes while they
    write the same line with other codes: 梦之蓝m9 where a report writes 梦之蓝m6+, p型 where one writes n型; or by a
    qualifier no report writes where a table lists the name with another in brackets: 飞天茅台原箱 beside 飞天茅台（散瓶）
    (`names`: the tables' names, normalised). "" if none."""
    for name in names:
        if "(" in name and (m := _QUALIFIED.fullmatch(name)) and m["stem"] in question:
            after = question[question.index(m["stem"]) + len(m["stem"]):].lstrip("(（")
            word = next(iter(pos_tokens(after)), ("", "", 0))[0]
            if len(word) >= 2 and has_cjk(word) and not common_word(word) and not any(word in t for t in texts):
                return m["stem"] + word
    if not (_CODED.search(question) or _TYPED.search(question)):
        return ""
    compact = [re.sub(r"\s+", "", t) for t in texts]
    for m in _CODED.finditer(question):
        for size in range(len(m.group(1)), 1, -1):  # the longest stem the reports write with a code
            stem = m.group(1)[-size:]
            if any(stem + m.group(2) in t for t in compact):
                break
            if any(re.search(re.escape(stem) + r"[a-z]{1,2}\d", t) for t in compact):
                return stem + m.group(2)
    for m in _TYPED.finditer(question):
        if not any(m.group() in t for t in compact) and any(_TYPED.search(t) for t in compact):
            return m.group()
    return ""


def dated_by_report(unit: Unit, year: str, head: str) -> bool:
    """A year asked that a unit naming no year at all is dated by its report's title, where the title names
    that year and a part of it the unit (or its paragraph's opening) names too: "一季度城商行贷款同比增长14.6%" in
    《银行业2024年一季报点评》 is 2024's, and so is "拨贷比3.06%" in a paragraph opening on 一季度末."""
    if not YEAR_RE.fullmatch(year) or not head:
        return False
    own = TITLE_RE.sub("", " ".join([unit.match_text, unit.shared, normalize(unit.dated), unit.topic]))
    if YEAR_RE.search(own):
        return False
    title = normalize(head.split("\n", 1)[0])
    return holds(title, year) and bool({p for p in periods(own) if not p.startswith("mon")} & periods(title))


def figure_after(unit: Unit, name: str, money: bool, in_unit: str | None = None, rate: bool = False) -> bool:
    """Whether a sentence states a figure (money, in the unit asked, or a rate, when asked) at or after where it first
    names what the figure is asked of: "全球…融资额142亿美元…，其中美国市场融资额同比增长超过40%" gives 美国 no amount in
    亿美元; "户用分布式新增18.7GW" gives 户用分布式 no growth rate. (A row's cells are its own.)"""
    if unit.header:
        return True
    spans = name_spans(unit.text, name)
    if not spans:  # placed by its paragraph or the clause before
        return True
    tail = unit.text[spans[0][0]:]
    if in_unit:
        return holds_unit([tail], in_unit)
    if rate:
        return states_rate(tail)
    return holds_money(tail) if money else holds_figure(tail)


def listed_words(question: str) -> list[str]:
    """The question's nouns of two or more characters — not places (`only_listed` reads those by the region rules),
    not everyday words, not ones the question itself lists (光伏、风电的…: then a list is what it asks of)."""
    lists = [m.span() for m in re.finditer(r"[\u4e00-\u9fff]+(?:[、和及与][\u4e00-\u9fff]+)+", question)
             if "、" in m.group()]
    return [w for w, pos, start in pos_tokens(question)
            if len(w) >= 2 and pos[:1] in ("n", "") and pos not in ("ns", "nr", "nt") and has_cjk(w)
            and not regions_in(w) and not common_word(w)
            and not any(a <= start < b for a, b in lists)]


_WORLD_RE = re.compile(r"全球|世界|海外|国外|境外|\bglobal\b|\bworldwide\b|\bworld\b|\boverseas\b", re.I)
_CHINA_RE = re.compile(r"中国|我国|国内|全国|\bChina\b|\bChinese\b|\bdomestic\b", re.I)


_SIZE_ASKED = re.compile(r"多[大高快]|how (?:big|large)", re.I)  # a size asked: a figure, not a list


def asked_scope(question: str) -> re.Pattern[str] | None:
    """The scope a figure is asked of when the question names one only: the world's (全球…), or China's (国内…)."""
    world, china = _WORLD_RE.search(question), _CHINA_RE.search(question)
    return _WORLD_RE if world and not china else _CHINA_RE if china and not world else None


def of_other_scope(unit: Unit, scope: re.Pattern[str]) -> bool:
    """A unit giving the other scope's figure: naming China's market and never the world (its topic included) does
    not answer on the world's — "2023年中国CXO市场规模约1664亿元" is no global size — nor the other way round."""
    other = _CHINA_RE if scope is _WORLD_RE else _WORLD_RE
    # (`own`: an anaphor's sentence before too — "其中CDMO…" is of the market the sentence before names)
    said = " ".join([unit.text, unit.own, unit.topic, unit.shared])
    return other.search(said) is not None and scope.search(said) is None


def about_a_region(unit: Unit) -> bool:
    """A unit whose subject is a province or city: a sentence opening on one (山东在…提出), a row labelled by one."""
    subject = _row_label(unit) if unit.header else re.sub(r"^[^\u4e00-\u9fff]+", "", unit.text)[:4]
    return bool(regions_in(subject)) and not _NATIONAL_RE.search(subject)


def abstention(question: str, hits: list[SearchHit], note: str = "") -> Answer:
    zh = question_lang(question) == "zh"
    text = ("报告中未找到该问题的答案。以下是最接近的段落，仅供参考，不作为依据。" if zh else
            "The reports do not say. The closest passages are listed as related, not as support.")
    related = []
    for hit in hits[:3]:
        units = units_of(hit.chunk)
        if units:
            related.append(citation_for(units[0]))
    return Answer(question=question, answer=text if not note else f"{text}\n{note}", abstained=True,
                  related=related)


FOLLOWUP_RE = re.compile(r"^\s*(?:那|那么|那么说|还有|再问)?\s*(?P<x>.{1,20}?)\s*(?:呢|的呢)\s*[？?]?\s*$"
                         r"|^\s*(?:and|what about|how about)\s+(?P<y>.{1,40}?)\s*[?？]?\s*$", re.IGNORECASE)


POINTER_RE = re.compile(r"这个|这一|这些|这项|该|其中|它|此项|上述|[这那][两三四五六七八九十几]*[家只位座省市](?![长])|"
                        r"\b(?:this|that|these|those|it|they)\b", re.IGNORECASE)


# The earlier question's time, pointed back to ("到时候", "by then"); and a follow-up asking more after moving it
_THEN = re.compile(r"到时候|届时|到那时|那时候?|\bby then\b|\bat that time\b|\bby that time\b", re.I)
_THEN_ASKS = re.compile(r"^\s*(?P<first>(?:那|那么)?\s*[^，,？?]{1,20}?\s*呢\s*[？?，,])\s*(?P<more>\S.{0,40})$")


# A point in time a follow-up may move to: a year (or 今年/明年…) with a quarter, half, month or end after it.
# Group 1: a relative year; group 2: a part of the year — either makes it a time phrase that replaces the old one.
TIME_RE = re.compile(rf"(?:20\d{{2}}\s*年?|({RELATIVE_YEAR_ZH}))\s*"
                     r"((?:[一二三四1-4]\s*季度|[上下]半年|前\s*[0-9一二三四五六七八九十]+\s*个?月|[0-9]{1,2}\s*月)?"
                     r"(?:末|底|初|以来)?)")


NAME_CELL_RE = re.compile(r"[\u4e00-\u9fffA-Za-z（）()·\-]{2,12}\d{0,4}")


def _name_columns(table):
    """Each column of a table with the names its cells hold (companies, banks, regions, equipment types…) and the
    number of distinct non-empty cells: the one scan `peer_names` and `name_kinds` read."""
    width = max((len(r.cells) for r in table.rows), default=0)
    for col in range(width):
        cells = {r.cells[col].strip() for r in table.rows if col < len(r.cells) and r.cells[col].strip()}
        names = {n for n in map(cell_name, cells) if NAME_CELL_RE.fullmatch(n) and has_cjk(n)}
        yield names, len(cells)


_COUNT_NOTE_RE = re.compile(r"\s*[（(][^）)]*\d[^）)]*[）)]\s*$")


# a product named with its code ("国窖1573", "茅台1935"), not a bound on a figure ("超过100", "截至2023")
_CODED_NAME_RE = re.compile(r"(?!超过|不足|不到|低于|高于|达到|约|截至|同比|环比|合计|累计)[\u4e00-\u9fff]{2,}\d{3,4}")


def cell_name(cell: str) -> str:
    """A name cell without its count in brackets ("农商行（10家）" → 农商行); a cell with other digits is no name,
    but a product's code is part of its name (国窖1573)."""
    name = _COUNT_NOTE_RE.sub("", cell.strip())
    return "" if any(d.isdigit() for d in name) and not _CODED_NAME_RE.fullmatch(name) else name


def peer_names(tables) -> dict[str, set[str]]:
    """Names that stand in for each other: the cells of one table column (companies, banks, regions,
    equipment types…), each → the other names of its columns. Read from the structure pass's tables."""
    peers: dict[str, set[str]] = {}
    for table in tables:
        for names, _ in _name_columns(table):
            # a total row stands for its group by the group's own name too: 上市银行合计 is the 上市银行 a sentence
            # on 上市银行贷款整体 names, and it is not 农商行
            names = names | {base for n in names if len(base := _TOTAL_ROW.sub("", n)) >= 2 and base != n}
            if len(names) >= 2:
                for name in names:
                    peers.setdefault(name, set()).update(names - {name})
    return peers


# What a word before a kind's ending may not be for the two to name one thing: a pronoun or question word (什么评级,
# 哪家银行), a number or measure (四家银行), a particle, conjunction, preposition, verb, adverb, time or place word.
NOT_A_NAME_POS = ("r", "m", "q", "u", "c", "p", "v", "d", "t", "f")
# …nor a word a question or pointing word opens, which jieba's dictionary may not hold (哪类设备, 这款电池)
_PRONOUN_LED = re.compile(r"[哪这那各每几何某该此]")


def name_kinds(tables) -> dict[str, set[str]]:
    """Kinds of named thing a table lists row by row, by the ending its row names share: 银行 (工商银行, 招商银行),
    电池 (锂离子电池, 铅炭电池), 设备 (刻蚀设备, 光刻设备) → those names. Read from each table's row-head column (the
    first whose cells are mostly names)."""
    kinds: dict[str, set[str]] = {}
    for table in tables:
        for names, cells in _name_columns(table):
            if len(names) < 2 or len(names) < 0.6 * cells:
                continue
            for size in (2, 3):
                ends: dict[str, set[str]] = {}
                for name in names:
                    if len(name) > size and has_cjk(name[-size:]) and name[-size:].isalpha():
                        ends.setdefault(name[-size:], set()).add(name)
                for end, group in ends.items():
                    if len(group) >= 2:
                        kinds.setdefault(end, set()).update(group)
            break
    return kinds


def unknown_names(question: str, kinds: dict[str, set[str]], known) -> dict[str, str]:
    """Names in the question of a kind a table lists that are none of the names the tables hold — 平安银行 where a
    table lists 工商银行 and 招商银行, HJT电池 beside 锂离子电池 — each → its kind's ending (银行, 电池). A row about
    one of the listed names does not answer a question on the unlisted one."""
    if not kinds or not has_cjk(question):
        return {}
    words = pos_tokens(question)
    found: dict[str, str] = {}
    for end in sorted(kinds, key=len, reverse=True):
        for m in re.finditer(re.escape(end), question):
            word = next((w for w in words if w[2] <= m.start() < w[2] + len(w[0])), None)
            if word is None:
                continue
            if word[2] < m.start():  # 平安银行 as one word
                head = word
            else:  # 平安 + 银行
                head = next((w for w in words if w[2] + len(w[0]) == m.start()), None)
                if head is None:
                    continue
            name = question[head[2]:m.end()]
            own = name[:-len(end)]
            if head[1].startswith(NOT_A_NAME_POS) or not re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9]{2,}", own) \
                    or _PRONOUN_LED.match(own):
                continue  # 哪家银行, 四家银行; and no lone character torn off a name (星垣 → 垣银行)
            if any(name in k or k in name for k in known if len(k) >= 2) or any(name in f or f in name for f in found):
                continue
            found[name] = end
    return found


def _peer_swap(new: str, previous: str, peers: dict[str, set[str]]) -> str | None:
    """"古井贡酒呢？" after "鹤鸣报告里今世缘2024年营收目标是多少？": 古井贡酒 and 今世缘 are cells of one column,
    so the new name takes the old one's place. "华虹" matches the cell 华虹公司 (a name inside a cell, or a cell
    inside the name)."""
    if len(new) < 2:
        return None
    keys = [k for k in peers if new == k or (new in k) or (k in new and len(k) >= 2)]
    olds = {w for k in keys for p in peers[k] for w in _written_forms(p)
            if w in previous and p not in new and new not in p}
    if not olds:
        return None
    old = max(olds, key=len)
    return previous.replace(old, new, 1)


_BRACKETED = re.compile(r"\s*[（(]([^）)]*)[）)]\s*")


def _written_forms(cell: str) -> list[str]:
    """How a question writes a cell's name: "飞天茅台（散瓶）" as itself, "飞天茅台散瓶" or "飞天茅台"."""
    forms = [cell]
    if _BRACKETED.search(cell):
        forms += [_BRACKETED.sub(lambda m: m[1], cell), _BRACKETED.split(cell)[0]]
    return [f for f in forms if len(f) >= 2]


_ASKING_BIGRAMS = {"多少", "报告", "预计", "是多", "什么", "哪些", "几成", "多大"}


_RATE_BIGRAMS = {"增速", "增长", "同比", "环比", "占比", "比例", "降幅", "增幅", "变化", "下降", "提升"}


def _bigrams(text: str) -> set[str]:
    """Two characters in a row within a word, not of a name (jieba's places and persons: 澜沧, 凯莱英) nor of how a
    question asks (多少, 报告)."""
    out: set[str] = set()
    for w, pos, _ in pos_tokens(TIME_RE.sub(" ", text)):
        if not pos.startswith(("ns", "nr", "nt")):
            out |= {w[i:i + 2] for i in range(len(w) - 1) if has_cjk(w[i]) and has_cjk(w[i + 1])}
    return out - _ASKING_BIGRAMS


def _same_measure(question: str, previous: str) -> bool:
    """Whether two questions ask the same thing: they share a word's two characters (营收 … 营收)."""
    return bool(_bigrams(question) & _bigrams(previous))


# An ask relative to a figure already asked: a part of it (其中), its share (占…比重), its growth, what is left
_RELATIVE_ASK = re.compile(r"^\s*(?:其中|那?(?:对应|相应|占|比重|比例|同比|环比|增速|增幅|增长|较|比上年|还差|距离))")


def _of_the_previous(question: str) -> bool:
    """A short ask relative to what the question before asked, naming nothing of its own — no place, year, name or
    report ("占全国的比重是多少？", "其中华为链的是哪几家？", "同比增长多少？")."""
    return has_cjk(question) and len(question) <= 14 and bool(_RELATIVE_ASK.match(question)) \
        and not regions_in(question) and not re.search(r"20\d{2}|证券", question) and not proper_names(question)


_TIME_WORDS = re.compile(r"^(?:年|月|日|季度|年底|年末|底|末|初|今年|明年|去年|前年|上半年|下半年|时候|(?:去年|上年|前年)?同期)$")


def _names_nothing(question: str) -> bool:
    """A follow-up naming no thing — no noun but its time ("到2025年预计能到多少？", "截至2023年底完成了多少？"):
    it asks the earlier question's measure of the earlier subject."""
    if not has_cjk(question) or regions_in(question) or proper_names(question) or re.search(r"证券|报告|[A-Za-z]{2}", question):
        return False
    return not any(tag[:1] == "n" and not _TIME_WORDS.match(w) for w, tag, _ in pos_tokens(question))


_QUOTED_NAME = re.compile(r"[“\"《「][^”\"》」]{2,40}[”\"》」]")


def resolve_followup(question: str, history: list[str], peers: dict[str, set[str]] | None = None) -> str:
    """"那广东呢？" after "北京的智算算力规划是多少？" → "广东的智算算力规划是多少？". `peers`: names of one table
    column (`peer_names`), so "古井贡酒呢？" after a question on 今世缘 asks it of 古井贡酒."""
    if not history:
        return question
    more = _THEN_ASKS.match(question)
    if more:  # "那今年前7个月呢？增速怎么样？": the first ask moves the earlier question, the second asks more of it
        return f"{resolve_followup(more['first'], history, peers)} {more['more']}"
    m = FOLLOWUP_RE.match(question)
    if not m and _THEN.search(question) and not TIME_RE.search(question):
        # "那到时候全国累计装机会有多少？": the time is the earlier question's, whatever it asks of it
        return f"{history[-1]} {question}"
    if not m:
        # "这个目标出自哪份文件？": a pronoun points back, so the earlier question supplies the subject — not its
        # time where this one asks the same measure at its own ("报告预计它2024年营收多少？" after "凯莱英2023年营收
        # 多少？"), nor where it asks another measure at none ("它的海外收入占比是多少？"); asked something else at a
        # time of its own ("离它2025年的目标还差多少"), the earlier time may date the answer too
        if _of_the_previous(question) or (_names_nothing(question) and not POINTER_RE.search(question)):
            # the earlier question whole: its figure is what this one is relative to, or what it asks at another time
            return f"{history[-1]} {question}"
        if not POINTER_RE.search(question):
            return question
        previous = history[-1]
        own_time = bool(TIME_RE.search(question) or re.search(r"20\d{2}", question))
        same = _same_measure(question, previous)
        if (own_time and same) or (not own_time and not same and _bigrams(question) - _RATE_BIGRAMS):
            previous = TIME_RE.sub("", previous)  # ("它的增速是多少？" asks the earlier figure's growth: its time stays)
        return f"{previous} {question}"
    previous = history[-1]
    new = (m.group("x") or m.group("y") or "").strip()
    new_regions, old_regions = regions_in(new), regions_in(previous)
    old_spans, new_spans = en_region_spans(previous), en_region_spans(new)
    if new_regions and old_regions and old_spans and new_spans:
        # English: "What is Beijing's target?" + "And Guangdong?" → "What is Guangdong's target?"
        names = [new[s:e] for s, e in new_spans]
        olds = [regions_in(previous[s:e])[0] for s, e in old_spans]
        order = list(dict.fromkeys(olds))  # the n-th region named before becomes the n-th named now
        out = previous
        for (s, e), old in reversed(list(zip(old_spans, olds))):
            i = order.index(old)
            out = out[:s] + (names[i] if i < len(names) else "") + out[e:]
        return out
    if new_regions and old_regions:
        out = previous
        for old in old_regions:
            out = out.replace(old, "\0")
        out = re.sub("\0+", new_regions[0], out, count=1).replace("\0", "")
        if not has_cjk(previous) or out == previous:
            return f"{previous} {new}"
        new_years, old_years = re.findall(r"20\d{2}", new), re.findall(r"20\d{2}", out)
        if new_years and old_years and new_years[0] not in old_years:
            # "山东到2025年的目标呢？" after "上海“算力浦江”行动计划提出到2024年…": the year moves too, and the earlier
            # place's own document (its quoted name) is not the new place's
            out = _QUOTED_NAME.sub("", out.replace(old_years[0], new_years[0], 1))
        return out
    swapped = _peer_swap(new, previous, peers) if peers and has_cjk(new) else None
    if swapped:
        return swapped
    new_time, old_time = TIME_RE.search(new), TIME_RE.search(previous)
    if new_time and old_time and (new_time[1] or new_time[2]):
        # "那到今年一季度末呢？" after "截至2023年底…": the new point in time replaces the old one, whole
        return previous[:old_time.start()] + new_time[0] + previous[old_time.end():]
    new_years, old_years = re.findall(r"20\d{2}", new), re.findall(r"20\d{2}", previous)
    if new_years and old_years:
        return previous.replace(old_years[0], new_years[0])
    if new_years and old_time and old_time[1]:  # "它2026年呢？" after "…赛力斯今年销量…": the year replaces 今年
        return previous[:old_time.start(1)] + f"{new_years[0]}年" + previous[old_time.end(1):]
    return f"{previous} {new}"


# A question asking which one(s): its answer names them ("哪个省份的累计装机最多？" → 山东)
WHICH_RE = re.compile(r"哪个|哪一|哪家|哪只|哪座|哪位|哪些|哪几")
# What points at the names the previous answer gave, as the subject of a follow-up ("它离目标还差多少？",
# "这个省2023年底装了多少？", "它们合计占全国多少？")
ANSWER_POINTER_RE = re.compile(r"它们|它|(?:这|该|此)[两三四五六七八九十几]*[个家只位座]?"
                               r"(?:省份|省|市|地区|城市|公司|企业|银行|车企|酒企|厂商)|这几家|这些")


def answer_pointer(question: str, previous: str) -> re.Match[str] | None:
    """Where a Chinese follow-up points at what the previous question asked to be named: "它" after "哪个省份…最多？"
    is that province, which only the previous answer gives."""
    if not has_cjk(question) or not WHICH_RE.search(previous) or FOLLOWUP_RE.match(question):
        return None
    return ANSWER_POINTER_RE.search(question)


_ASKED_PLACE_RE = re.compile(r"哪[个些几一]?[个座]?(?:省|地区|城市|市)")


def named_in_answer(text: str, names: set[str], plural: bool, previous: str = "") -> list[str]:
    """The places and table names (`names`: a table's name cells, not a total row's) `text` — a previous answer's
    lead or first quote — names, in order: places only where `previous` asked which place; the first only unless
    the pointer is plural."""
    places = set(regions_in(text))
    listed = {n for n in names if len(n) >= 2 and n in text and not TOTAL_ROW_RE.match(n)}
    found = sorted((text.find(n), n) for n in places | listed)
    ordered = [n for i, n in found if not any(n != m and n in m for _, m in found)]  # 宁德 inside 宁德时代
    if _ASKED_PLACE_RE.search(previous):
        ordered = [n for n in ordered if n in places]
    return ordered if plural else ordered[:1]
