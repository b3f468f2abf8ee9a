"""Properties: unit conversion round-trips exactly; a sum never mixes unit families or metric kinds; a city is
never added to its own province without a caveat."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.core.models import Citation, Family, Op, TargetRow
from assistant.targets.regions import ancestors, contains, normalise_region
from assistant.targets.totals import TotalsQuery, compute_totals
from assistant.targets.units import convert_unit, fmt, parse_values, unit_named

# units of one family, as reports write them
FAMILIES = {
    Family.FLOPS: ["EFLOPS", "PFLOPS", "TFLOPS", "P", "万P", "EFlops", "P FLOPS"],
    Family.POWER: ["GW", "MW", "kW", "W", "万千瓦", "千瓦", "兆瓦", "吉瓦"],
    Family.ENERGY: ["GWh", "MWh", "kWh", "万千瓦时", "亿千瓦时"],
    Family.MONEY: ["元", "万元", "亿元", "万亿元"],
}
COUNTERS = ["个", "家", "座", "台", "架"]
decimals = st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False)


@given(st.sampled_from(sorted(FAMILIES)).flatmap(lambda f: st.tuples(st.sampled_from(FAMILIES[f]),
                                                                     st.sampled_from(FAMILIES[f]))), decimals)
def test_conversion_round_trips_exactly(units, x):
    a, b = units
    assert convert_unit(convert_unit(x, a, b), b, a) == x


@given(st.sampled_from(sorted(FAMILIES)).flatmap(lambda f: st.sampled_from(FAMILIES[f])), decimals)
def test_parsed_value_equals_converted_number(unit, x):
    [found] = parse_values(f"目标达到{fmt(x)}{unit}。")
    canonical = unit_named(unit).canonical
    assert found.unit == canonical and found.value == convert_unit(x, unit, canonical)
    assert found.number == x


@given(st.sampled_from(COUNTERS), st.integers(0, 10**6))
def test_counters_expand_wan_and_stay_apart(counter, n):
    [found] = parse_values(f"{n}万{counter}")
    assert (found.value, found.unit) == (Decimal(n) * 10000, counter)


def test_families_never_convert_into_each_other():
    for a, b in [("GW", "GWh"), ("亿元", "个"), ("个", "座"), ("EFLOPS", "GW")]:
        try:
            convert_unit(Decimal(1), a, b)
        except ValueError:
            continue
        raise AssertionError(f"{a} → {b} converted")


KINDS = [("智算", "EFLOPS", Family.FLOPS), ("通用", "EFLOPS", Family.FLOPS), ("储能装机", "GW", Family.POWER),
         ("储能装机", "GWh", Family.ENERGY), ("产业规模", "亿元", Family.MONEY), ("充电桩", "个", Family.COUNT),
         ("数据中心", "座", Family.COUNT)]
REGIONS = ["江苏", "苏州", "广东", "深圳", "广州", "北京", "内蒙古", "和林格尔"]


@st.composite
def target_rows(draw):
    rows = []
    for i in range(draw(st.integers(0, 14))):
        kind, unit, family = draw(st.sampled_from(KINDS))
        region, parent, is_city = normalise_region(draw(st.sampled_from(REGIONS)))
        rows.append(TargetRow(
            region=region, parent_region=parent, is_city=is_city, published="2024-03", document="《x》",
            target_year=draw(st.integers(2025, 2027)), value=draw(decimals), unit=unit, family=family,
            value_as_written="x", metric=kind, source_table="r#表1",
            citation=Citation(id=f"c{i}", report="r", start=i * 10, end=i * 10 + 5, quote="x")))
    return rows


queries = st.builds(TotalsQuery, op=st.sampled_from(list(Op)), target_year=st.none() | st.integers(2025, 2027),
                    metric=st.none() | st.sampled_from(sorted({k for k, _, _ in KINDS})),
                    include_cities=st.booleans(), province=st.none() | st.sampled_from(["江苏", "广东", "内蒙古"]))


@settings(max_examples=150, deadline=None)
@given(target_rows(), queries)
def test_a_sum_never_mixes_families_or_kinds(rows, query):
    r = compute_totals(rows, query)
    if r.value is None or r.op not in (Op.SUM, Op.MAX, Op.MIN):
        return
    assert len({(str(x.metric), x.unit, x.family) for x in r.rows}) == 1
    assert r.unit == r.rows[0].unit and r.metric == str(r.rows[0].metric)
    if r.op is Op.SUM:
        assert r.value == sum((x.value for x in r.rows), Decimal(0))


@settings(max_examples=150, deadline=None)
@given(target_rows(), queries)
def test_a_city_is_never_added_to_its_province_without_a_caveat(rows, query):
    r = compute_totals(rows, query.model_copy(update={"op": Op.SUM}))
    if r.value is None:
        return
    present = {x.region for x in r.rows}
    for x in r.rows:
        for outer in ancestors(x.region):
            if outer in present:
                assert any(f"{x.region} is a city within {outer}" in c.en and f"{x.region}属于{outer}" in c.zh
                           for c in r.caveats)


def test_hierarchy_from_jionlp():
    assert contains("江苏", "苏州") and contains("内蒙古", "和林格尔") and contains("呼和浩特", "和林格尔")
    assert not contains("苏州", "江苏") and not contains("广东", "福州") and not contains("北京", "北京")
    assert normalise_region("内蒙古自治区") == ("内蒙古", "", False)
    assert normalise_region("广西壮族自治区柳州市") == ("柳州", "广西", True)
