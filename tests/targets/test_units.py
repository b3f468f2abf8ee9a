from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.targets.units import convert, fmt, parse_compute_value

FORMS = [
    # (text, value in EFLOPS, year, qualifier, matched text)
    ("2025年45EFlops", "45", 2025, "", "2025年45EFlops"),
    ("2025年0.28EFlops", "0.28", 2025, "", "2025年0.28EFlops"),
    ("12 EFLOPS", "12", None, "", "12 EFLOPS"),
    ("到2025年智算和超算算力规模超过2000P FLOPS，", "2", None, "超过", "超过2000P FLOPS"),
    ("总算力超 15 EFLOPS", "15", None, "超", "超 15 EFLOPS"),
    ("全省总算力提升到10EFLOPS，", "10", None, "", "10EFLOPS"),
    ("规模 300 Pflops FP16 及以上且", "0.3", None, "及以上", "300 Pflops FP16 及以上"),
    ("不低于 5 EFLOPS", "5", None, "不低于", "不低于 5 EFLOPS"),
    ("1.5TFLOPS", "0.0000015", None, "", "1.5TFLOPS"),
]


@pytest.mark.parametrize("text,value,year,qualifier,matched", FORMS)
def test_forms_the_reports_use(text, value, year, qualifier, matched):
    [found] = parse_compute_value(text)
    assert found.value == Decimal(value)
    assert found.unit == "EFLOPS"
    assert found.year == year
    assert found.qualifier == qualifier
    assert found.text == matched == text[found.start : found.end]


def test_several_values_in_order():
    found = parse_compute_value("分别达 2 Eflops、5 Eflops 和 10 Eflops")
    assert [f.value for f in found] == [2, 5, 10]


def test_supercomputing_is_not_a_qualifier():
    [found] = parse_compute_value("超算5EFLOPS")
    assert found.qualifier == "" and found.value == 5


def test_no_false_positives():
    assert parse_compute_value("存储总量超过 1800 EB，占比 35%，2025年") == []


def test_conversion_examples_exact():
    assert convert(Decimal("2000"), "P") == Decimal("2")  # 2000 PFLOPS = 2 EFLOPS
    assert convert(Decimal("1"), "E", "P") == Decimal("1000")
    assert convert(Decimal("300"), "P") == Decimal("0.3")
    assert fmt(convert(Decimal("2000"), "P")) == "2"
    assert fmt(Decimal("152.680")) == "152.68"
    assert fmt(Decimal("1E+3")) == "1000"


decimals = st.decimals(min_value=0, max_value=10**12, places=6, allow_nan=False, allow_infinity=False)


@given(decimals)
def test_pflops_eflops_round_trip_exact(x):
    e = convert(x, "P", "E")
    assert e * 1000 == x
    assert convert(e, "E", "P") == x


@given(decimals, st.sampled_from(["P FLOPS", "PFLOPS", "Pflops", "P flops"]))
def test_parsed_pflops_exact(x, unit):
    [found] = parse_compute_value(f"达到{fmt(x)}{unit}。")
    assert found.value * 1000 == x
    assert found.number == x


@given(decimals, st.text(max_size=20), st.text(max_size=20))
def test_value_found_inside_any_text(x, before, after):
    text = f"{before}，{fmt(x)}EFLOPS，{after}"
    values = [f.value for f in parse_compute_value(text)]
    assert x in values


PIECES = st.sampled_from([*"0123456789.  年超过以上EPTeptFLOPSflops/算智规划，。\t\n", "2025年", "EFlops", "FP16", "及以上"])
FUZZ = st.lists(PIECES, max_size=40).map("".join) | st.text(max_size=60)


@given(FUZZ)
def test_parser_fuzz_never_crashes_and_offsets_are_exact(text):
    for found in parse_compute_value(text):
        assert text[found.start : found.end] == found.text
        assert found.unit == "EFLOPS"
        assert found.value >= 0


def test_a_price_per_unit_is_no_amount_of_money():
    from assistant.targets.units import parse_values
    assert parse_values("平均容量租赁价格约为300元/千瓦·年") == [] and parse_values("中标均价0.68元/Wh") == []
    assert [(v.value, v.unit) for v in parse_values("总投资300亿元")] == [(Decimal("300"), "亿元")]


def test_a_mean_is_exact_where_one_more_decimal_holds_it_else_rounded_half_up():
    from assistant.targets.units import mean_of

    prices = [Decimal(x) for x in "1.45 1.32 1.18 0.97 0.79 0.68".split()]
    assert mean_of(prices) == Decimal("1.065")  # not 1.06 (half to even) nor 1.07
    assert mean_of([Decimal("426"), Decimal("450.5"), Decimal("480")]) == Decimal("452.17")  # 452.1666…
    assert mean_of([Decimal(1), Decimal(2), Decimal(2)]) == Decimal("1.67")
