"""Values as reports write them (`2025年12EFlops`, `超过2000P FLOPS`, `300万千瓦`, `1.2万亿元`, `10万个`), parsed exactly.

One registry of units in families: FLOPS (canonical EFLOPS), power (GW), energy (GWh), money (亿元) and counts
(个, 家, 座, 台, 架 — each counter its own unit, since 个 and 座 never add). A value converts within its family and
never across. All arithmetic is Decimal and conversion shifts the exponent (scaleb), so it never rounds.

Chinese units are a multiplier chain times a base unit (万千瓦 = 万 × 千 × 瓦, 万亿元 = 万 × 亿 × 元), which is why one
rule reads them all; Chinese numerals (三百, 十) go through cn2an.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from functools import lru_cache

from pydantic import BaseModel

from assistant.core.models import Family

UNIT = "EFLOPS"  # the compute family's canonical unit (kept for callers that only know compute)


@dataclass(frozen=True)
class Unit:
    """A unit as written, resolved: its family, the family's canonical unit, and 10**exponent canonical units."""

    family: Family
    canonical: str
    exponent: int


# Base units: regex → (family, canonical unit, exponent relative to the canonical unit). Longer spellings first.
_FLOPS_PREFIX = {"Z": 3, "E": 0, "P": -3, "T": -6}
_POWER_PREFIX = {"T": 3, "G": 0, "M": -3, "K": -6, "": -9}
_BASES: list[tuple[str, Family, str, int | None]] = [
    # FLOPS: "EFlops", "P FLOPS", "PFLOP/s" (any case); a bare capital "P" (never 1080p) (800 P, 3000P, 2万P) is PFLOPS in these reports.
    (r"(?P<fl>[ZEPTzept])[ \t\u3000]*flop/?s", Family.FLOPS, "EFLOPS", None),
    (r"(?-i:(?P<bare>P))(?![A-Za-z])", Family.FLOPS, "EFLOPS", -3),
    # energy before power: GWh must never read as GW
    (r"(?-i:(?P<wh>[TGMKk]?)Wh)(?![A-Za-z])", Family.ENERGY, "GWh", None),
    (r"吉瓦时", Family.ENERGY, "GWh", 0),
    (r"兆瓦时", Family.ENERGY, "GWh", -3),
    (r"瓦时", Family.ENERGY, "GWh", -9),
    (r"(?-i:(?P<w>[TGMKk]?)W)(?![A-Za-z])", Family.POWER, "GW", None),
    (r"吉瓦(?!时)", Family.POWER, "GW", 0),
    (r"兆瓦(?!时)", Family.POWER, "GW", -3),
    (r"瓦(?!时)", Family.POWER, "GW", -9),
    (r"美元", Family.USD, "亿美元", -8),  # before 元: dollars never convert to yuan
    (r"(?<!美)元", Family.MONEY, "亿元", -8),
    (r"个", Family.COUNT, "个", 0),
    (r"家", Family.COUNT, "家", 0),
    (r"座", Family.COUNT, "座", 0),
    (r"台", Family.COUNT, "台", 0),
    (r"架", Family.COUNT, "架", 0),
    (r"辆", Family.COUNT, "辆", 0),
]
_MULT = {"十": 1, "百": 2, "千": 3, "万": 4, "亿": 8}
_BASE_RE = "|".join(f"(?P<b{i}>{pattern})" for i, (pattern, *_) in enumerate(_BASES))
_SP = r"[ \t\u3000]*"

LOWER_BOUND = ("超过", "超出", "不低于", "不少于", "至少", "大于", "高于", "超", "以上", "及以上")
APPROXIMATE = ("约", "近", "左右")
_QUAL = r"(?P<qual>超过|超出|不低于|不少于|至少|大于|高于|约|近|超(?!算|充))?"
_SUFFIX = r"(?P<suffix>" + _SP + r"(?:及以上|以上|左右))?"
_NUMBER = r"(?:(?<![0-9.])(?P<num>[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?)|(?P<cn>[一二两三四五六七八九十][零〇一二两三四五六七八九十百千]*))"
_VALUE_RE = re.compile(
    _QUAL + _SP
    + r"(?:(?P<year>20[0-9]{2})" + _SP + "年" + _SP + ")?"
    + _NUMBER + _SP
    + r"(?P<mult>[十百千万亿]*)" + _SP
    + r"(?P<unit>" + _BASE_RE + r")"
    + r"(?:" + _SP + r"(?:FP|BF|INT)[0-9]{1,2}(?![0-9]))?"  # precision tag, e.g. "300 Pflops FP16 及以上"
    + _SUFFIX,
    re.IGNORECASE,
)
_BARE_RE = re.compile(r"^" + _SP + _QUAL + _SP + _NUMBER + _SP + r"(?P<mult>[万亿]*)" + _SUFFIX + _SP + r"$")
_UNIT_ONLY_RE = re.compile(r"^" + _SP + r"(?P<mult>[十百千万亿]*)" + _SP + r"(?P<unit>" + _BASE_RE + r")" + _SP + r"$",
                           re.IGNORECASE)
_BRACKETED = re.compile(r"[（(]([^（）()]{1,12})[）)]")


_PER_RE = re.compile(r"\s*(?:/|每)")  # "per": the value before is a rate


class ParsedValue(BaseModel):
    value: Decimal  # in `unit`, the family's canonical unit
    unit: str = UNIT
    family: Family = Family.FLOPS
    number: Decimal  # as written, before conversion
    unit_as_written: str  # e.g. "EFlops", "P FLOPS", "万千瓦"
    year: int | None = None  # a "2025年" written directly before the number
    qualifier: str = ""  # e.g. "超过", "以上", "约"
    text: str  # == source[start:end]
    start: int
    end: int


def tidy(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent form (2.000 → 2, 0.280 → 0.28)."""
    with localcontext() as ctx:
        ctx.prec = max(28, len(value.as_tuple().digits) + 8)
        if value == value.to_integral_value():
            return value.quantize(Decimal(1))
        return value.normalize()


def fmt(value: Decimal) -> str:
    """Plain decimal string, never scientific notation."""
    return format(tidy(value), "f")


def shown(value: Decimal, op: str = "") -> str:
    """A result as the answer writes it: an average keeps the decimals it was rounded to (88.00, not 88), a sum
    those of its finest term (42.7 + … + 15.9 = 247.0, as the table would print it); any other is `fmt`'s."""
    return format(value, "f") if op in ("mean", "sum") else fmt(value)


def percent_change(new: Decimal, base: Decimal) -> Decimal:
    """new / base − 1, in % to two decimals (base must not be 0)."""
    return ((new / base - 1) * 100).quantize(Decimal("0.01"))


def share_percent(part: Decimal, whole: Decimal) -> Decimal:
    """part / whole, in % to two decimals (whole must not be 0)."""
    return (part / whole * 100).quantize(Decimal("0.01"))


def with_unit(number: str, unit: str) -> str:
    """ "526%" but "45 EFLOPS": a percent sign sits on its number."""
    return f"{number}{unit}" if unit in ("%", "‰") else f"{number} {unit}" if unit else number


def mean_of(values: list[Decimal]) -> Decimal:
    """The simple average, as an analyst writes it: exact where one more decimal than the finest value holds it
    ((1.45 + … + 0.68) / 6 = 1.065), else rounded half up to two decimals, or as many as the finest value has."""
    places = max([2] + [-v.as_tuple().exponent for v in values if isinstance(v.as_tuple().exponent, int)])
    mean = sum(values, Decimal(0)) / len(values)
    finer = mean.quantize(Decimal(1).scaleb(-places - 1))
    if finer == mean and finer.as_tuple().digits[-1] != 0:
        return finer
    return mean.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def shift(value: Decimal, exponent: int) -> Decimal:
    """value × 10**exponent, exactly."""
    with localcontext() as ctx:
        ctx.prec = max(28, len(value.as_tuple().digits) + abs(exponent) + 8)
        return tidy(value.scaleb(exponent))


def convert(value: Decimal, from_prefix: str, to_prefix: str = "E") -> Decimal:
    """Exact conversion between Z/E/P/T FLOPS (prefix letters)."""
    return shift(value, _FLOPS_PREFIX[from_prefix.upper()] - _FLOPS_PREFIX[to_prefix.upper()])


def qualifier_kind(qualifier: str) -> str:
    """"lower_bound" (超过, 以上…), "approximate" (约, 左右) or "" for a plain value."""
    if qualifier in LOWER_BOUND:
        return "lower_bound"
    return "approximate" if qualifier in APPROXIMATE else ""


def _base(m: re.Match) -> Unit:
    """The base unit a match of _BASE_RE found."""
    i = next(i for i in range(len(_BASES)) if m[f"b{i}"] is not None)
    _, family, canonical, exponent = _BASES[i]
    if exponent is None:  # a Latin prefix letter decides
        if m["fl"]:
            exponent = _FLOPS_PREFIX[m["fl"].upper()]
        else:
            exponent = _POWER_PREFIX[(m["wh"] if family is Family.ENERGY else m["w"]).upper()]
    return Unit(family, canonical, exponent)


def _mult(chain: str) -> int:
    return sum(_MULT[ch] for ch in chain)


def _chinese_number(numeral: str) -> tuple[Decimal, int] | None:
    """(number, extra exponent): cn2an reads the numeral; trailing multipliers it cannot take into the number
    ("三百万千" before 瓦) are left as exponents, so 三百万千瓦 = 300万 × 千瓦."""
    import cn2an  # import on first use: most text has Arabic digits

    exponent = 0
    while numeral:
        try:
            return Decimal(str(cn2an.cn2an(numeral, "smart"))), exponent
        except (ValueError, KeyError, IndexError, InvalidOperation):
            if numeral[-1] not in _MULT:
                return None
            exponent += _MULT[numeral[-1]]
            numeral = numeral[:-1]
    return None


def _number(m: re.Match) -> tuple[Decimal, int] | None:
    if m["num"]:
        return Decimal(m["num"].replace(",", "")), 0
    return _chinese_number(m["cn"])


def parse_values(text: str) -> list[ParsedValue]:
    """Every value with a unit in `text`, left to right, with exact offsets into `text`."""
    found: list[ParsedValue] = []
    for m in _VALUE_RE.finditer(text):
        number = _number(m)
        if number is None:
            continue
        base = _base(m)
        if base.family in (Family.MONEY, Family.USD) and _PER_RE.match(text, m.end("unit")):
            continue  # a price (300元/千瓦·年, 0.68元/Wh) is no amount of money
        qualifier = m["qual"] or (m["suffix"] or "").strip(" \t\u3000")
        # The optional groups may let the match begin on blank space; start at the first real part.
        start = next(m.start(g) for g in ("qual", "year", "num", "cn") if m[g])
        found.append(ParsedValue(
            value=shift(number[0], number[1] + _mult(m["mult"]) + base.exponent),
            unit=base.canonical,
            family=base.family,
            number=number[0],
            unit_as_written=text[m.start("mult") if m["mult"] else m.start("unit") : m.end("unit")],
            year=int(m["year"]) if m["year"] else None,
            qualifier=qualifier,
            text=text[start : m.end()],
            start=start,
            end=m.end(),
        ))
    return found


def parse_compute_value(text: str) -> list[ParsedValue]:
    """Every FLOPS figure in `text` (values in EFLOPS)."""
    return [v for v in parse_values(text) if v.family is Family.FLOPS]


@lru_cache(maxsize=4096)
def unit_named(text: str) -> Unit | None:
    """The unit `text` consists of ("GW", "万千瓦", "亿元", "个", "PFLOPS"), else None."""
    m = _UNIT_ONLY_RE.match(text)
    if not m:
        return None
    base = _base(m)
    return Unit(base.family, base.canonical, base.exponent + _mult(m["mult"]))


def units_in_brackets(text: str) -> list[Unit]:
    """The units a text states in brackets, in order: "新增装机（GW）" → [GW]."""
    return [u for m in _BRACKETED.finditer(text) if (u := unit_named(m[1])) is not None]


def unit_in_header(header: str) -> Unit | None:
    """A unit a header states in brackets: "2025年目标（GW）" → GW; "规模(亿元)" → 亿元."""
    return next(iter(units_in_brackets(header)), None)


def parse_bare(text: str, unit: Unit, unit_as_written: str) -> ParsedValue | None:
    """A cell that is only a number (with its qualifier), in the unit its column header states: "约3.5" (GW)."""
    m = _BARE_RE.match(text)
    if not m:
        return None
    number = _number(m)
    if number is None:
        return None
    start = next(m.start(g) for g in ("qual", "num", "cn") if m[g])
    end = m.end("suffix") if m["suffix"] else m.end("mult") if m["mult"] else m.end("num") if m["num"] else m.end("cn")
    return ParsedValue(
        value=shift(number[0], number[1] + _mult(m["mult"]) + unit.exponent),
        unit=unit.canonical,
        family=unit.family,
        number=number[0],
        unit_as_written=unit_as_written,
        qualifier=m["qual"] or (m["suffix"] or "").strip(" \t\u3000"),
        text=text[start:end],
        start=start,
        end=end,
    )


def convert_unit(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """Exact conversion between two units of one family ("万千瓦" → "GW"); ValueError across families or counters."""
    a, b = unit_named(from_unit), unit_named(to_unit)
    if a is None or b is None:
        raise ValueError(f"unknown unit: {from_unit if a is None else to_unit}")
    if (a.family, a.canonical) != (b.family, b.canonical):
        raise ValueError(f"{from_unit} and {to_unit} do not convert into each other")
    return shift(value, a.exponent - b.exponent)
