"""Which rows a total takes when the question narrows them: exclusions, a stated count, a preferred report, a
metric named by the table's own words — on a handful of in-memory rows."""

from decimal import Decimal

from assistant.core.models import Citation, Family, TargetRow
from assistant.targets.totals import TotalsQuery, compute_totals


def row(region, value, report="a.txt", metric="产业规模", city_of="", start=0):
    return TargetRow(region=region, published="2024-01", document="《方案》", target_year=2025, value=Decimal(value),
                     unit="亿元", value_as_written=f"{value}亿元", metric=metric, family=Family.MONEY,
                     is_city=bool(city_of), parent_region=city_of, source_table=f"{report}#图表1",
                     citation=Citation(id=f"{report}:{start}", report=report, start=start, end=start + 4,
                                       quote="x" * 4))


ROWS = [row("江苏", 12000, start=0), row("无锡", 3000, city_of="江苏", start=10), row("安徽", 1500, start=20),
        row("合肥", 1000, city_of="安徽", start=30), row("湖北", 2000, start=40), row("四川", 4000, "b.txt", start=0),
        row("贵州", 3000, "b.txt", start=10)]


def total(**query):
    return compute_totals(ROWS, TotalsQuery(**query))


def test_excluded_regions_leave_with_their_cities():
    r = total(reports=["a.txt"], exclude_regions=["江苏"])
    assert [x.region for x in r.rows] == ["安徽", "合肥", "湖北"]


def test_stated_count_drops_cities_inside_listed_provinces_only_when_it_agrees():
    r = total(reports=["a.txt"], exclude_regions=["江苏"], stated_count=2)
    assert [x.region for x in r.rows] == ["安徽", "湖北"] and r.value == Decimal(3500)
    assert any("合肥" in c.zh for c in r.caveats)
    r = total(reports=["a.txt"], exclude_regions=["江苏"], stated_count=1)  # no reading gives 1 row: unchanged
    assert len(r.rows) == 3


def test_preferred_report_wins_over_the_one_with_most_rows():
    assert {x.citation.report for x in total().rows} == {"a.txt"}  # most rows
    r = total(prefer_reports=["c.txt", "b.txt"])
    assert {x.citation.report for x in r.rows} == {"b.txt"} and r.value == Decimal(7000)
    assert any("a.txt".split(".")[0] in c.zh or "未计入" in c.zh for c in r.caveats)  # the others are named


def test_provinces_only():
    r = total(reports=["a.txt"], include_cities=False)
    assert [x.region for x in r.rows] == ["江苏", "安徽", "湖北"]


def test_a_table_named_by_number_matches_any_caption_prefix():
    assert len(total(source_table="1").rows) == len(total(source_table="图表1").rows) > 0
    assert total(source_table="2").value is None


def test_rows_written_in_a_unit_are_those_whose_figure_the_source_writes_so():
    """"以GW表述的省份": 6GW and a bare figure in a GW column are written in GW; 600万千瓦 and 24GWh are not."""
    def power(region, value, written, unit="GW", start=0):
        return row(region, value, start=start).model_copy(update={"unit": unit, "value_as_written": written,
                                                                   "metric": "储能装机", "family": Family.POWER})
    rows = [power("甘肃", 6, "6GW"), power("青海", 6, "600万千瓦", start=10), power("云南", 1, "超过1GW", start=20),
            power("内蒙古", 10, "1000万千瓦以上", start=30), power("山东", 65, "65", start=40),
            power("广东", 24, "24GWh", unit="GWh", start=50)]
    r = compute_totals(rows, TotalsQuery(op="count", written_in="GW"))
    assert [x.region for x in r.rows] == ["甘肃", "云南", "山东"]
    assert {e.reason.value for _, e in r.excluded} == {"other_unit"}
    assert [x.region for x in compute_totals(rows, TotalsQuery(op="count", written_in="万千瓦")).rows] == ["青海", "内蒙古"]


def test_the_target_year_ruled_out_leaves_only_the_others():
    rows = [row("江苏", 100), row("甘肃", 15, start=10).model_copy(update={"target_year": 2026}),
            row("北京", 45, start=20).model_copy(update={"target_year": 2030})]
    r = compute_totals(rows, TotalsQuery(op="count", other_than_year=2025))
    assert [x.region for x in r.rows] == ["甘肃", "北京"]
