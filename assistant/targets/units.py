"""Compute values as the reports write them (`2025年12EFlops`, `超过2000P FLOPS`, `15 EFLOPS以上`), parsed exactly.

All arithmetic is Decimal; values are normalised to EFLOPS (1 EFLOPS = 1000 PFLOPS = 10^6 TFLOPS).
"""

from __future__ import annotations

import re
from decimal import Decimal, localcontext

from pydantic import BaseModel

UNIT = "EFLOPS"
# Power of ten relative to EFLOPS; scaleb() shifts the exponent, so conversion never rounds.
_SHIFT = {"Z": 3, "E": 0, "P": -3, "T": -6}

LOWER_BOUND_WORDS = ("超过", "超出", "不低于", "不少于", "至少", "大于", "高于", "超", "以上")

_VALUE_RE = re.compile(
    r"(?P<qual>超过|超出|不低于|不少于|至少|大于|高于|超(?!算))?[ \t\u3000]*"
    r"(?:(?P<year>20[0-9]{2})[ \t\u3000]*年[ \t\u3000]*)?"
    r"(?<![0-9.])(?P<num>[0-9]+(?:\.[0-9]+)?)[ \t\u3000]*"
    r"(?P<prefix>[ZEPTzept])[ \t\u3000]*(?P<flops>flop/?s)"
    r"(?:[ \t\u3000]*(?:FP|BF|INT)[0-9]{1,2}(?![0-9]))?"  # precision tag, e.g. "300 Pflops FP16 及以上"
    r"(?P<suffix>[ \t\u3000]*(?:及以上|以上))?",
    re.IGNORECASE,
)


class ParsedValue(BaseModel):
    value: Decimal  # in EFLOPS
    unit: str = UNIT
    number: Decimal  # as written, before conversion
    unit_as_written: str  # e.g. "EFlops", "P FLOPS"
    year: int | None = None  # a "2025年" written directly before the number
    qualifier: str = ""  # lower-bound word, e.g. "超过" or "以上"
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


def convert(value: Decimal, from_prefix: str, to_prefix: str = "E") -> Decimal:
    """Exact conversion between Z/E/P/T FLOPS (prefix letters)."""
    shift = _SHIFT[from_prefix.upper()] - _SHIFT[to_prefix.upper()]
    with localcontext() as ctx:
        ctx.prec = max(28, len(value.as_tuple().digits) + 8)
        return tidy(value.scaleb(shift))


def parse_compute_value(text: str) -> list[ParsedValue]:
    """Every FLOPS figure in `text`, left to right, with exact offsets into `text`."""
    found: list[ParsedValue] = []
    for m in _VALUE_RE.finditer(text):
        number = Decimal(m["num"])
        prefix = m["prefix"].upper()
        qualifier = m["qual"] or (m["suffix"] or "").strip(" \t\u3000")
        unit_as_written = text[m.start("prefix") : m.end("flops")]
        # The optional groups may let the match begin on blank space; start at the first real part.
        start = next(m.start(g) for g in ("qual", "year", "num") if m[g])
        found.append(
            ParsedValue(
                value=convert(number, prefix),
                number=number,
                unit_as_written=unit_as_written,
                year=int(m["year"]) if m["year"] else None,
                qualifier=qualifier,
                text=text[start : m.end()],
                start=start,
                end=m.end(),
            )
        )
    return found
