"""What the question analysis reads from report cards: relative years (明年, last year) by the date of the report
asked about; the names of the reports a search is scoped to, dropped from the search text."""

from assistant.answer.analysis import analyse, dated, report_year
from assistant.core.models import CardField, ReportCard


def card(date: str | None) -> ReportCard:
    field = CardField(value=date, start=0, end=len(date)) if date else None
    return ReportCard(report="x.txt", date=field)


def test_relative_years_become_absolute():
    assert dated("澜沧认为明年底全国光伏总装机能到多少？", 2024) == "澜沧认为2025年底全国光伏总装机能到多少？"
    assert dated("去年行业规模多大？前年呢？", 2024) == "2023年行业规模多大？2022年呢？"
    assert dated("What does it expect for next year?", 2024) == "What does it expect for 2025?"
    assert dated("2025年目标是多少？", 2024) == "2025年目标是多少？"  # nothing relative: unchanged


def test_report_year_from_card_date():
    assert report_year(card("2024 年 09 月 17 日")) == 2024
    assert report_year(card("2023-07-15")) == 2023
    assert report_year(card(None)) is None and report_year(None) is None


def test_analysis_flags_relative_years():
    assert analyse("今年头三个月谁的利润增长最好？", []).relative_year
    assert not analyse("2024年一季度谁的利润增长最好？", []).relative_year


def test_scoped_search_drops_the_report_names():
    from assistant.answer.analysis import without_names
    tianfeng = ReportCard(report="tianfeng_2024-09-17_x.txt", broker=CardField(value="天风证券", start=0, end=4))
    assert without_names("天风测算的2025年地方智算建设规模是多少？", [tianfeng]) == "测算的2025年地方智算建设规模是多少？"
    assert without_names("Which companies does Tianfeng's report name?", [tianfeng]) == "Which companies does report name?"
    assert without_names("天风证券说了什么", []) == "天风证券说了什么"
