import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from langchain_core.messages import ToolMessage
from langchain_core.messages.tool import tool_call
from pydantic import ValidationError

from assistant.core.models import Citation, Exclusion, ExclusionReason, Family, Metric, TargetRow, TotalResult
from assistant.targets.extract import TargetStore
from assistant.targets.totals import NO_ROWS, TotalsQuery, brief, compute_totals, make_totals_tool
from tests.fixtures.reports import corpus_reports


@pytest.fixture(scope="module")
def store():
    return TargetStore(corpus_reports())


def total(store, **query):
    return compute_totals(store.targets(), TotalsQuery(**query), store.estimates())


# ---- figures checked by hand against 图 3 -------------------------------------------------------------------


def test_sum_2025_figure3(store):
    r = total(store, target_year=2025, source_table="图3")
    # 安徽 12 + 重庆 4 + 深圳 25 + 福州 0.28 + 山西 3.15 + 广东 19 + 河南 2 + 上海 30 + 北京 45 + 河北 12.25
    assert r.value == Decimal("152.68")
    assert len(r.rows) == 10
    assert r.expression == "12 + 4 + 25 + 0.28 + 3.15 + 19 + 2 + 30 + 45 + 12.25 = 152.68 EFLOPS"
    assert sum(x.value for x in r.rows) == r.value
    assert [x.region for x in r.rows] == ["安徽", "重庆", "深圳", "福州", "山西", "广东", "河南", "上海", "北京", "河北"]


def test_sum_2026_and_2030(store):
    r = total(store, target_year=2026)  # 甘肃 15 + 陕西 3
    assert (r.value, len(r.rows)) == (Decimal(18), 2)
    assert r.expression == "15 + 3 = 18 EFLOPS"
    assert total(store, target_year=2030).value == Decimal("22.5")  # 江苏 only


def test_published_month_and_year(store):
    r = total(store, published_from="2024-03", published_to="2024-03")  # 广东 19 + 河南 2 + 上海 30
    assert r.value == Decimal(51) and [x.region for x in r.rows] == ["广东", "河南", "上海"]
    r = total(store, published_from="2023-12", published_to="2023-12", source_table="tianfeng")
    assert r.value == Decimal("41.28")  # 12 + 4 + 25 + 0.28
    r = total(store, published_year=2024, target_year=2025)  # 山西 3.15 + 广东 19 + 河南 2 + 上海 30 + 北京 45 + 河北 12.25
    assert r.value == Decimal("111.4") and len(r.rows) == 6
    r = total(store, published_from="2024-04", published_to="2024-05")  # 北京 45 + 甘肃 15 + 江苏 22.5 + 河北 12.25 + 陕西 3
    assert r.value == Decimal("97.75")


def test_counts(store):
    assert total(store, op="count", target_year=2025, source_table="图3").value == 10
    assert total(store, op="count", source_table="图3").value == 13
    assert total(store, op="count", target_year=2026).value == 2


def test_max_min(store):
    r = total(store, op="max")
    assert r.value == 45 and [x.region for x in r.rows] == ["北京"]
    r = total(store, op="min", target_year=2025)
    assert r.value == Decimal("0.28") and [x.region for x in r.rows] == ["福州"]
    r = total(store, op="max", target_year=2026)
    assert r.value == 15 and r.rows[0].region == "甘肃"


def test_mean_over_the_rows_the_query_keeps(store):
    r = total(store, op="mean", target_year=2025, source_table="图3")
    assert r.value == Decimal("15.268") and len(r.rows) == 10  # 152.68 / 10: exact, one decimal finer than its values
    assert r.expression.endswith(") / 10 = 15.268 EFLOPS")


def test_a_table_named_with_another_prefix_is_found_by_its_number_in_the_reports_asked(store):
    """图表3 asked of a report that captions it 图 3: no table of that report is called so; the number names it."""
    report = next(r.citation.report for r in store.targets() if r.source_table.endswith("#图3"))
    r = total(store, target_year=2025, source_table="图表3", reports=[report])
    assert r.value == Decimal("152.68") and len(r.rows) == 10


def test_list(store):
    r = total(store, op="list", target_year=2026)
    assert [x.region for x in r.rows] == ["甘肃", "陕西"]
    assert r.value == 2 and r.unit == "rows"


def test_group_by_year(store):
    r = total(store, source_table="tianfeng", group_by="year")
    assert r.groups == {"2025": Decimal("152.68"), "2026": Decimal(18), "2030": Decimal("22.5")}
    assert r.value == Decimal("193.18")  # 152.68 + 18 + 22.5
    assert any("different years" in c.en for c in r.caveats)


# ---- the whole store: both reports ------------------------------------------------------------------------


def test_default_2025_sum_keeps_one_source_and_reports_the_other(store):
    # 天风 图3 has 10 matching rows, 国联 图表7 one (贵州 智算 5): the default sums the larger source,
    # 12 + 4 + 25 + 0.28 + 3.15 + 19 + 2 + 30 + 45 + 12.25 = 152.68, and names the other with the combined 157.68
    r = total(store, target_year=2025)
    assert r.value == Decimal("152.68") and len(r.rows) == 10
    assert any("贵州 5" in c.en and "157.68" in c.en for c in r.caveats)
    assert [why for x, why in r.excluded if x.region == "贵州" and x.metric == "智算"] == [
        Exclusion(reason=ExclusionReason.OTHER_SOURCE, detail="guolian_2024-04_compute-policy-overview.txt")]


def test_all_sources_combine_when_asked(store):
    # 天风 图3 152.68 + 国联 图表7 贵州 智算 5 = 157.68; said out loud, never silently
    r = total(store, target_year=2025, source_table="all")
    assert r.value == Decimal("157.68") and len(r.rows) == 11
    assert any("2 sources" in c.en and "152.68" in c.en for c in r.caveats)
    reasons = {x.region: why for x, why in r.excluded}
    assert reasons["全国"].reason is ExclusionReason.NATIONAL
    assert reasons["湖南"].reason is ExclusionReason.OTHER_METRIC  # 总算力: a sum takes one metric kind
    assert reasons["甘肃"] == Exclusion(reason=ExclusionReason.OTHER_YEAR, detail="2026")


def test_brief_keeps_rows_used_and_the_other_source_rows_first(store):
    r = total(store, target_year=2025)
    assert r.excluded_count == len(r.excluded) > 3
    short = brief(r, max_excluded=3)
    assert short.rows == r.rows and short.value == r.value and short.excluded_count == r.excluded_count
    assert len(short.excluded) == 3
    assert short.excluded[0][1].reason is ExclusionReason.OTHER_SOURCE  # 贵州 5 of 国联: the row a reader may want added
    assert brief(r, max_excluded=len(r.excluded)) == r


def test_other_metrics_are_separate(store):
    assert total(store, metric="通用").value == 2  # 贵州 通用 2 EFLOPS
    assert total(store, metric="超算").value == 10  # 贵州 超算 10 EFLOPS
    r = total(store, metric="总算力", target_year=2025)  # 湖南 10 + 山东 超过12; 全国 300 left out
    assert r.value == 22 and {x.region for x in r.rows} == {"湖南", "山东"}
    assert any("lower bound" in c.en and "山东" in c.en for c in r.caveats)
    r = total(store, metric="总算力", target_year=2025, include_national=True)
    assert r.value == 322 and any("national" in c.en for c in r.caveats)
    r = total(store, metric="高性能")
    assert r.value == 2 and r.rows[0].value_as_written == "超过2000P FLOPS"


def test_kinds_the_question_names_together_are_added_each_row_cited(store):
    r = total(store, regions=["贵州"], metrics=["通用", "智算", "超算"])  # 贵州: 2 + 5 + 10 EFLOPS
    assert r.value == 17 and {str(x.metric) for x in r.rows} == {"通用", "智算", "超算"}
    assert any("added together, as asked" in c.en for c in r.caveats)
    assert total(store, regions=["贵州"], metrics=["通用", "超算"]).value == 12
    # without them named, a sum still keeps one kind and names the others
    r = total(store, regions=["贵州"])
    assert r.value in (2, 5, 10) and any("never added" in c.en for c in r.caveats)


def test_national_only_when_asked(store):
    r = total(store, regions=["全国"], metric="总算力")
    assert r.value == 300 and r.rows[0].qualifier == "超过"


def test_caveats_city_and_estimate(store):
    r = total(store, target_year=2025, source_table="图3")
    text = "\n".join(c.en for c in r.caveats)
    assert "深圳 is a city within 广东" in text
    assert "福州" in text and "City rows are included beside provinces" in text
    [stated] = r.stated
    assert stated.value == Decimal("107.1")
    assert "107.1" in text and "differs" in text and "45.58" in text  # 152.68 - 107.1
    assert stated.citation.quote in text


def test_no_double_count_flag_without_the_province(store):
    r = total(store, target_year=2025, regions=["深圳", "北京"])
    assert r.value == 70  # 25 + 45
    assert not any("within" in c.en for c in r.caveats)
    assert not r.stated  # a two-region sum is not the report's all-region estimate


@pytest.mark.parametrize(
    "query",
    [dict(regions=["西藏"]), dict(target_year=2040), dict(metric="量子"), dict(regions=["Tibet"]),
     dict(published_year=2019), dict(source_table="图99")],
)
def test_no_matching_rows_is_none_not_zero(store, query):
    r = total(store, **query)
    assert r.value is None and r.message == NO_ROWS and r.rows == []


def test_partial_region_match_is_flagged(store):
    r = total(store, regions=["北京", "西藏"])
    assert r.value == 45 and any("西藏" in c.en for c in r.caveats)


def test_region_names_normalised():
    q = TotalsQuery(regions=["北京市", "Shenzhen", "福建省福州市"], metric="intelligent")
    assert q.regions == ["北京", "深圳", "福州"] and q.metric is Metric.INTELLIGENT
    assert TotalsQuery(metric="all").metric is None


def test_tool(store):
    tool = make_totals_tool(store.targets(), store.estimates())
    assert tool.args_schema is TotalsQuery
    out = tool.invoke({"op": "sum", "target_year": 2025, "source_table": "图3"})
    assert Decimal(out["value"]) == Decimal("152.68") and len(out["rows"]) == 10
    assert out["rows"][0]["citation"]["quote"].startswith("安徽\t")
    assert tool.invoke({"regions": ["西藏"]})["value"] is None


# ---- the tool on rows made in memory ----------------------------------------------------------------------


def one_line_row(i: int, region: str, value: str, unit: str = "EFLOPS", metric: str = "智算",
                 family: Family = Family.FLOPS, year: int = 2025) -> TargetRow:
    """A target as one line of report r.txt states it (line i, 40 characters apart)."""
    line = f"{region}：到{year}年{metric}达到{value}{unit}"
    return TargetRow(region=region, published="2024-03", document="《x》", target_year=year, value=Decimal(value),
                     unit=unit, value_as_written=f"{value}{unit}", metric=metric, family=family,
                     source_table="r.txt#表1",
                     citation=Citation(id=f"c:{i * 40}-{i * 40 + len(line)}", report="r.txt", start=i * 40,
                                       end=i * 40 + len(line), quote=line))


FIVE = [one_line_row(0, "北京", "45"), one_line_row(1, "上海", "30"), one_line_row(2, "广东", "19"),
        one_line_row(3, "贵州", "2", metric="通用"), one_line_row(4, "山东", "5", "GW", "储能装机", Family.POWER)]
SUM_2025 = {"op": "sum", "target_year": 2025, "metric": "智算"}


def test_tool_takes_only_typed_arguments():
    tool = make_totals_tool(FIVE)
    assert (tool.name, tool.args_schema, tool.response_format) == ("compute_target_totals", TotalsQuery,
                                                                   "content_and_artifact")
    for bad in ({"op": "average"}, {"published_from": "2024/03"}, {"target_year": "next year"}):
        with pytest.raises(ValidationError):
            tool.invoke(bad)


def test_a_tool_call_gives_the_brief_content_and_the_whole_result():
    tool = make_totals_tool(FIVE)
    message = tool.invoke(tool_call(name=tool.name, args=SUM_2025, id="call-1"))
    assert isinstance(message, ToolMessage) and message.tool_call_id == "call-1"
    result = message.artifact
    assert isinstance(result, TotalResult) and result.value == Decimal(94)  # 45 + 30 + 19
    assert [r.region for r in result.rows] == ["北京", "上海", "广东"]
    assert {x.region: why.reason for x, why in result.excluded} == {"贵州": ExclusionReason.OTHER_METRIC,
                                                                   "山东": ExclusionReason.OTHER_METRIC}
    assert json.loads(message.content) == brief(result).model_dump(mode="json") == tool.invoke(SUM_2025)


def test_the_content_is_brief_the_artifact_whole():
    later = [one_line_row(5 + i, "北京", "1", year=2030) for i in range(101)]  # 101 rows of another year
    message = make_totals_tool(FIVE + later).invoke(tool_call(name="compute_target_totals", args=SUM_2025, id="c"))
    assert len(message.artifact.excluded) == message.artifact.excluded_count == 103
    content = json.loads(message.content)
    assert len(content["excluded"]) == 100 and content["excluded_count"] == 103 and content["value"] == "94"


# ---- properties --------------------------------------------------------------------------------------------

REGIONS = ["北京", "上海", "广东", "深圳", "福州", "河南"]


@st.composite
def target_rows(draw):
    n = draw(st.integers(0, 12))
    rows = []
    for i in range(n):
        region = draw(st.sampled_from(REGIONS))
        city = region in ("深圳", "福州")
        rows.append(
            TargetRow(
                region=region,
                published=draw(st.sampled_from(["2023-12", "2024-03", "2024-04", "2024"])),
                document="《x》",
                target_year=draw(st.integers(2024, 2027)),
                value=draw(st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False)),
                unit="EFLOPS",
                value_as_written="x",
                metric=draw(st.sampled_from(list(Metric))),
                qualifier=draw(st.sampled_from(["", "", "超过"])),
                is_city=city,
                parent_region={"深圳": "广东", "福州": "福建"}.get(region, ""),
                source_table="r#图1",
                citation=Citation(id=f"c{i}", report="r", start=i * 10, end=i * 10 + 5, quote="x"),
            )
        )
    return rows


queries = st.builds(
    TotalsQuery,
    op=st.sampled_from(["sum", "count", "max", "min", "list"]),
    target_year=st.none() | st.integers(2024, 2027),
    regions=st.lists(st.sampled_from(REGIONS), max_size=2),
    metric=st.none() | st.sampled_from(list(Metric)),
)


@given(target_rows(), queries, st.lists(st.sampled_from(["北京市", "Shenzhen", "福建省福州市", "Tibet"]), max_size=2),
       st.sampled_from([None, "intelligent", "储能", "总算力", "all", "量子"]))
def test_the_tool_computes_what_compute_totals_does(rows, query, names, metric):
    """Assistant.totals runs the tool on `query.model_dump(mode="json")`: that round trip changes no result."""
    query = TotalsQuery(**query.model_dump(exclude={"regions", "metric"}), regions=names, metric=metric)
    assert TotalsQuery(**query.model_dump(mode="json")) == query
    message = make_totals_tool(rows).invoke(tool_call(name="compute_target_totals", args=query.model_dump(mode="json"),
                                                      id="t"))
    assert message.artifact == compute_totals(rows, query)


@given(target_rows(), queries)
def test_sum_equals_sum_of_listed_rows(rows, query):
    query = query.model_copy(update={"op": "sum"})
    r = compute_totals(rows, query)
    if r.value is None:
        assert r.rows == [] and r.message == NO_ROWS
    else:
        assert r.value == sum((x.value for x in r.rows), Decimal(0))
        assert len(r.rows) + len(r.excluded) == len(rows) == len(r.rows) + r.excluded_count
        assert r.expression.endswith(" EFLOPS")


@given(st.data(), target_rows(), queries)
def test_row_order_never_changes_a_result(data, rows, query):
    shuffled = data.draw(st.permutations(rows))
    assert compute_totals(rows, query) == compute_totals(shuffled, query)


@given(target_rows(), queries)
def test_max_min_count_agree_with_rows(rows, query):
    base = compute_totals(rows, query.model_copy(update={"op": "list"}))
    if base.value is None:
        return
    assert compute_totals(rows, query.model_copy(update={"op": "count"})).value == len(base.rows)
    for op, pick in (("max", max), ("min", min)):
        r = compute_totals(rows, query.model_copy(update={"op": op}))
        # max/min compare one metric kind only: the listed rows of that kind
        same = [x.value for x in base.rows if str(x.metric) == r.metric]
        assert r.value == pick(same)


@given(target_rows(), queries, st.text(min_size=1, max_size=5).filter(lambda s: s.strip() not in REGIONS))
def test_unknown_region_gives_no_matching_rows(rows, query, name):
    r = compute_totals(rows, query.model_copy(update={"regions": [f"未知{name.strip()}"]}))
    assert r.value is None and r.message == NO_ROWS
