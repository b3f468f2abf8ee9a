"""Column roles of a table, read from its header AND its cells: region, document, publication date, target year,
metric kind, value. A table is a target table because its columns play these roles, not because of its caption
or one layout: long rows with a kind column, region-rows × year-columns with the unit in the header, combined
cells ("2025年12EFlops；2027年20EFlops"), prose cells ("到2025年光伏装机达到30GW"). Columns of no known role are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from assistant.core.models import Table
from assistant.targets.kinds import is_kind, kind_of
from assistant.targets.regions import NATIONAL, place
from assistant.targets.units import Unit, parse_bare, parse_values, unit_in_header


class Role(str, Enum):
    REGION = "region"
    PARENT = "parent"  # a second place column, e.g. 所属省份 beside 城市
    ISSUER = "issuer"  # the body that issued a policy (工信部 → a national target)
    DOCUMENT = "document"
    PUBLISHED = "published"
    TARGET_YEAR = "target_year"
    KIND = "kind"
    VALUE = "value"
    OTHER = "other"


# What a header says about its column. Checked in this order; a value header is the fallback below.
_HEADER: list[tuple[Role, re.Pattern[str]]] = [
    (Role.TARGET_YEAR, re.compile(r"目标年|规划年|年份|target\s*year", re.I)),
    (Role.ISSUER, re.compile(r"(?:发布|发文|印发)?单位(?![:：])|部门|机构|issuer", re.I)),  # before 发布: 发布单位
    (Role.PUBLISHED, re.compile(r"发布|印发|出台|时间|日期|date|published", re.I)),
    (Role.DOCUMENT, re.compile(r"文件|政策|名称|document|policy", re.I)),
    (Role.KIND, re.compile(r"指标|类型|口径|类别|品类|metric|kind|type", re.I)),
    (Role.REGION, re.compile(r"地区|省市|省份|城市|地方|区域|省|市|region|province|city", re.I)),
]
_PLANNED = re.compile(r"目标|规划|计划|target|plan|goal", re.I)
_ACTUAL_OR_FORECAST = re.compile(r"20[0-9]{2}\s*[AE](?![a-z])|实际|预测|预计|actual|forecast|estimate", re.I)
_HEADER_YEAR = re.compile(r"(20[0-9]{2})\s*(?:年|E\b|$)")
_EMPTY = re.compile(r"^[\s—–\-/／]*$")  # "—" marks "no target for this year"
_DATE = re.compile(r"^\s*20[0-9]{2}\s*(?:年\s*(?:[0-9]{1,2}\s*月?\s*(?:[0-9]{1,2}\s*日?)?)?|[.\-/]\s*[0-9]{1,2}(?:\s*[.\-/]\s*[0-9]{1,2})?)\s*$")
_YEAR_ONLY = re.compile(r"^\s*20[0-9]{2}\s*年?\s*$")
_NATIONAL_CELL = re.compile(r"^(?:全国|中国|国内)$")


@dataclass
class Column:
    index: int
    header: str
    role: Role = Role.OTHER
    year: int | None = None  # a value column's year from its header ("2025年目标（GW）")
    unit: Unit | None = None  # a value column's unit from its header
    unit_as_written: str = ""


@dataclass
class Layout:
    columns: list[Column] = field(default_factory=list)

    def first(self, role: Role) -> Column | None:
        return next((c for c in self.columns if c.role is role), None)

    def of(self, role: Role) -> list[Column]:
        return [c for c in self.columns if c.role is role]

    @property
    def is_target_table(self) -> bool:
        """Values, and someone they belong to (a region, or an issuing body for national targets)."""
        return bool(self.of(Role.VALUE)) and (self.first(Role.REGION) or self.first(Role.ISSUER)) is not None


def _share(cells: list[str], test) -> float:
    return sum(1 for c in cells if test(c)) / len(cells) if cells else 0.0


def _is_place(cell: str) -> bool:
    return bool(_NATIONAL_CELL.match(cell)) or place(cell) is not None


def _has_value(cell: str, unit: Unit | None) -> bool:
    return bool(parse_values(cell)) or (unit is not None and parse_bare(cell, unit, "") is not None)


def layout(table: Table) -> Layout:
    """Each column's role, from its header and its cells."""
    width = max([len(table.header), *(len(r.cells) for r in table.rows)])
    header = table.header + [""] * (width - len(table.header))
    columns = [Column(i, header[i].strip()) for i in range(width)]
    cells = [[c for r in table.rows if i < len(r.cells) and not _EMPTY.match(c := r.cells[i])] for i in range(width)]
    taken: set[Role] = set()

    def assign(col: Column, role: Role) -> None:
        col.role = role
        taken.add(role)

    for col in columns:
        col.unit = unit_in_header(col.header)
        if col.unit:
            col.unit_as_written = re.search(r"[（(]([^（）()]+)[）)]", col.header)[1]
        m = _HEADER_YEAR.search(col.header)
        col.year = int(m[1]) if m else None
    # 1. Cells that are plainly places, documents or dates decide, whatever the header calls them.
    for col in columns:
        cs = cells[col.index]
        if not cs:
            continue
        if _share(cs, _is_place) >= 0.6 and not _share(cs, lambda c: _has_value(c, None)):
            assign(col, Role.PARENT if Role.REGION in taken else Role.REGION)
        elif _share(cs, lambda c: "《" in c) >= 0.5:
            assign(col, Role.DOCUMENT if Role.DOCUMENT not in taken else Role.OTHER)
        elif _share(cs, lambda c: bool(_DATE.match(c))) >= 0.8 and col.year is None:
            says = next((r for r, p in _HEADER if p.search(col.header)), None)
            only_years = _share(cs, lambda c: bool(_YEAR_ONLY.match(c))) == 1.0
            if says is Role.TARGET_YEAR or (only_years and says is not Role.PUBLISHED):
                assign(col, Role.TARGET_YEAR)  # bare years are target years unless the header says published
            elif Role.PUBLISHED not in taken:
                assign(col, Role.PUBLISHED)
    # 2. The header names the role of the rest; values are found in their cells.
    for col in columns:
        if col.role is not Role.OTHER:
            continue
        cs = cells[col.index]
        if cs and (col.unit or col.year) and _share(cs, lambda c: _has_value(c, col.unit)) >= 0.5:
            assign(col, Role.VALUE)  # "2025年目标（GW）", "2026年": a value column whatever else it says
            continue
        says = next((r for r, p in _HEADER if p.search(col.header)), None)
        if says is Role.KIND or (cs and _share(cs, is_kind) >= 0.5 and Role.KIND not in taken):
            if _share(cs, lambda c: _has_value(c, None)) < 0.5:
                assign(col, Role.KIND)
                continue
        if says in (Role.REGION, Role.ISSUER, Role.DOCUMENT, Role.PUBLISHED, Role.TARGET_YEAR) and says not in taken \
                and not (cs and _share(cs, lambda c: _has_value(c, None)) >= 0.5):
            assign(col, says)
            continue
        if cs and _share(cs, lambda c: _has_value(c, col.unit)) > 0:
            assign(col, Role.VALUE)  # content columns hold values among other text (policy tables)
    # 3. Beside columns a header calls targets or plans (2025年规划), actuals and forecasts (2023A, 2025E) are
    # figures of another kind, not targets: 新疆's 2025E of 50 GW is no second 2025 target beside its plan's 40.
    values = [c for c in columns if c.role is Role.VALUE]
    planned = [c for c in values if _PLANNED.search(c.header)]
    if planned and any(_ACTUAL_OR_FORECAST.search(c.header) for c in values if c not in planned):
        for col in values:
            if col not in planned:
                col.role = Role.OTHER
    return Layout(columns)


def region_cell(cell: str) -> str:
    """A region cell's name: "全国" for the national scope, else the cell as written."""
    return NATIONAL if _NATIONAL_CELL.match(cell.strip()) else cell.strip()


def kind_cell(cell: str) -> str:
    """A kind column's cell as a metric kind: a known word (智能算力 → 智算), else the cell as written."""
    return kind_of(cell) or cell.strip()
