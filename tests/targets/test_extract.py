from decimal import Decimal

import pytest

from assistant.core.models import Metric, Report
from assistant.ingest.structure import extract_tables
from assistant.targets.extract import extract_targets, find_estimates, normalise_region, parse_published, year_from_title
from tests.fixtures.reports import FIG3, GUOLIAN, TIANFENG, corpus_report, report_of


def targets_of(report: Report):
    return extract_targets(report, extract_tables(report))


@pytest.fixture(scope="module")
def tianfeng():
    return corpus_report(TIANFENG)


@pytest.fixture(scope="module")
def guolian():
    return corpus_report(GUOLIAN)


# region, published, target year, value (EFLOPS), as written — 图 3 read by eye from the report
FIGURE3 = [
    ("安徽", "2023-12", 2025, "12", "2025年12EFlops"),
    ("重庆", "2023-12", 2025, "4", "2025年4EFlops"),
    ("深圳", "2023-12", 2025, "25", "2025年25EFlops"),
    ("福州", "2023-12", 2025, "0.28", "2025年0.28EFlops"),
    ("山西", "2024-01", 2025, "3.15", "2025年3.15EFlops"),
    ("广东", "2024-03", 2025, "19", "2025年19EFlops"),
    ("河南", "2024-03", 2025, "2", "2025年2EFlops"),
    ("上海", "2024-03", 2025, "30", "2025年30EFlops"),
    ("北京", "2024-04", 2025, "45", "2025年45EFlops"),
    ("甘肃", "2024-04", 2026, "15", "2026年15EFlops"),
    ("江苏", "2024-04", 2030, "22.5", "2030年22.5EFlops"),
    ("河北", "2024-05", 2025, "12.25", "2025年12.25EFlops"),
    ("陕西", "2024-05", 2026, "3", "2026年3EFlops"),
]


def test_figure3_rows(tianfeng):
    rows = targets_of(tianfeng)
    assert len(rows) == 13
    got = [(r.region, r.published, r.target_year, r.value, r.value_as_written) for r in rows]
    assert got == [(a, b, c, Decimal(d), e) for a, b, c, d, e in FIGURE3]
    for r in rows:
        assert r.unit == "EFLOPS" and r.metric == Metric.INTELLIGENT and r.qualifier == ""
        assert r.source_table == FIG3
        assert r.document.startswith("《")


def test_citations_quote_the_row_line(tianfeng, guolian):
    for report in (tianfeng, guolian):
        for r in targets_of(report):
            c = r.citation
            assert c.report == report.id
            assert c.quote == report.text[c.start : c.end]
            assert "\n" not in c.quote and r.value_as_written in c.quote


def test_city_rows(tianfeng):
    rows = {r.region: r for r in targets_of(tianfeng)}
    assert rows["深圳"].is_city and rows["深圳"].parent_region == "广东"
    assert rows["福州"].is_city and rows["福州"].parent_region == "福建"
    assert not rows["广东"].is_city and not rows["北京"].is_city


def test_guolian_targets(guolian):
    got = {(r.region, r.metric, r.target_year, r.value, r.qualifier, r.published) for r in targets_of(guolian)}
    assert got == {
        # 图表3: 工信部《算力基础设施高质量发展行动计划》到 2025 年算力规模超过 300 EFLOPS
        ("全国", "总算力", 2025, Decimal(300), "超过", "2023-10"),
        # 图表7: 贵州 2023-2025 年通用、智算、超算 分别达 2、5、10 Eflops
        ("贵州", "通用", 2025, Decimal(2), "", "2023-03"),
        ("贵州", "智算", 2025, Decimal(5), "", "2023-03"),
        ("贵州", "超算", 2025, Decimal(10), "", "2023-03"),
        # 图表7: 上海 到2024年 总算力超15 EFLOPS
        ("上海", "总算力", 2024, Decimal(15), "超", "2022-06"),
        # 图表7: 湖南 全省总算力提升到10EFLOPS (plan 2022-2025)
        ("湖南", "总算力", 2025, Decimal(10), "", "2022-06"),
        # 图表7: 山东 到2025年 总算力超过12 EFLOPS
        ("山东", "总算力", 2025, Decimal(12), "超过", "2021-10"),
        # 图表7: 河南 到2025年智算和超算算力规模超过2000P FLOPS = 2 EFLOPS
        ("河南", "高性能", 2025, Decimal(2), "超过", "2023-07"),
        # 图表7: 山东 到2025年 在用标准机架数达到45万个以上 (a count target; 湖南's "建成和在建…51个" is status)
        ("山东", "机架", 2025, Decimal(450000), "以上", "2021-10"),
    }
    hunan = next(r for r in targets_of(guolian) if r.region == "湖南")
    assert "title" in hunan.note
    # 成都 "算力规模 300 Pflops FP16 及以上" is a threshold for project support, not a dated target
    assert all(r.value != Decimal("0.3") for r in targets_of(guolian))


def test_duplicates_kept_once_from_first_table(guolian):
    shanghai = [r for r in targets_of(guolian) if r.region == "上海"]
    assert len(shanghai) == 1 and shanghai[0].source_table.endswith("#图表7")  # also in 图表8 and prose
    national = [r for r in targets_of(guolian) if r.region == "全国"]
    assert len(national) == 1 and national[0].source_table.endswith("#图表3")  # also 图表6 and prose


def test_prose_target_cites_its_sentence():
    text = "概述。\n西藏在《西藏算力规划（2024-2026年）》中提到，到2026年，智算算力达到 1.5 EFLOPS。其余略。\n"
    report = report_of(text)
    [row] = targets_of(report)
    assert (row.region, row.target_year, row.value, row.metric) == ("西藏", 2026, Decimal("1.5"), Metric.INTELLIGENT)
    assert row.family.value == "flops"
    assert row.citation.quote == report.text[row.citation.start : row.citation.end]
    assert row.citation.quote.startswith("西藏在") and row.citation.quote.endswith("。")
    assert row.source_table == ""


def test_prose_with_two_regions_is_not_attributed():
    assert targets_of(report_of("到2025年，北京和上海智算算力合计达到 10 EFLOPS。")) == []


def test_estimate_found_and_cited(tianfeng):
    [estimate] = find_estimates(tianfeng)
    assert estimate.value == Decimal("107.1") and estimate.target_year == 2025
    assert estimate.metric == Metric.INTELLIGENT and estimate.scope == "地方"
    c = estimate.citation
    assert c.quote == tianfeng.text[c.start : c.end]
    assert "107.1EFlops" in c.quote and "预计" in c.quote


def test_guolian_states_no_estimate(guolian):
    assert find_estimates(guolian) == []


@pytest.mark.parametrize(
    "cell,expected",
    [("2023年12月", "2023-12"), ("2023. 3", "2023-03"), ("2023.10", "2023-10"), ("2022. 11", "2022-11"),
     ("2023.20", "2023"), ("2024", "2024"), ("", "")],
)
def test_parse_published(cell, expected):
    assert parse_published(cell) == expected


@pytest.mark.parametrize(
    "name,expected",
    [("福建省福州市", ("福州", "福建", True)), ("深圳", ("深圳", "广东", True)), ("北京市", ("北京", "", False)),
     ("内蒙古自治区", ("内蒙古", "", False)), ("河南省", ("河南", "", False))],
)
def test_normalise_region(name, expected):
    assert normalise_region(name) == expected


def test_year_from_title():
    assert year_from_title("《湖南省强化“三力”支撑规划（2022-2025年）》") == 2025
    assert year_from_title("《深圳市算力基础设施高质量发展行动计划（2024-2025）》") == 2025
    assert year_from_title("《成都市围绕超算智算加快算力产业发展的政策措施》") is None


def test_beside_a_plan_column_actuals_and_forecasts_are_not_targets():
    """A wind table with 2024E, 2025E and 2025年规划: the plan is the 2025 target; 2025E is a forecast."""
    text = ("图表 4：重点省份风电累计装机及规划\n"
            "地区\t2023A（GW）\t2025E（GW）\t2025年规划（GW）\n"
            "内蒙古\t69.6\t95.0\t89\n新疆\t28.0\t46.0\t41\n")
    rows = targets_of(report_of(text))
    assert sorted((r.region, r.target_year, r.value) for r in rows) == \
        [("内蒙古", 2025, Decimal("89")), ("新疆", 2025, Decimal("41"))]
    # without a plan column the dated columns stay the table's figures
    forecast = text.replace("\t2025年规划（GW）", "").replace("\t89", "").replace("\t41", "")
    assert {r.value for r in targets_of(report_of(forecast))} >= {Decimal("95.0"), Decimal("46.0")}
