"""core/text.py: the one caption rule and the one sentence splitter, on tiny inputs."""

import pytest

from assistant.core.text import caption_key, has_cjk, is_caption, sentence_spans, sentences


@pytest.mark.parametrize("line, key", [
    ("图 3：各地智算规划多以 25 年为目标", "图3"),
    ("图表 7 各省算力政策", "图表7"),
    ("表1、各省新型储能装机规划", "表1"),
    ("图表12：充电桩目标", "图表12"),
    ("Table 2 Industry targets", "Table2"),
])
def test_captions_of_every_layout_have_one_key(line, key):
    assert is_caption(line) and caption_key(line) == key


@pytest.mark.parametrize("line", ["图表目录", "表示增长较快", "地区\t图3\t目标", "2025 年图 3 显示"])
def test_non_captions(line):
    assert not is_caption(line)


def test_sentences_keep_end_marks_and_split_at_line_breaks():
    text = "北京45EFlops。上海30EFlops！\n地区\t目标\n“引号内。”其后"
    assert sentences(text) == ["北京45EFlops。", "上海30EFlops！", "地区\t目标", "“引号内。”", "其后"]
    for s, e in sentence_spans(text):
        assert text[s:e].strip() == text[s:e]


def test_sentences_of_marks_only_are_kept_so_nothing_is_lost():
    assert sentences("。。") == ["。。"]


def test_has_cjk():
    assert has_cjk("EFLOPS 智算") and has_cjk("㐀") and not has_cjk("45 EFLOPS")


def test_a_traditional_caption_is_a_caption_keyed_in_simplified():
    from assistant.core.text import caption_key, is_caption

    assert is_caption("圖表 3：各地目標") and caption_key("圖表 3：各地目標") == "图表3" and caption_key("圖2 產能") == "图2"


def test_months_name_parts_of_the_year_as_spans_and_ends_in_both_languages():
    from assistant.core.text import periods
    assert periods("2024年1—5月新增") == {"to5"} == periods("Jan-May 2024")
    assert periods("截至2024年3月底累计") >= {"to3", "q1"} and "q1" in periods("一季度")  # a quarter's end is it
    assert periods("2024年1—6月") >= {"h1"} and periods("in January–June 2024") >= {"h1", "to6"}
    assert periods("5月下旬调研") == {"to5"} != periods("4月末库存")
    # a month's end that starts something is a date in that month, as "7月25日起" is
    assert periods("7月下旬之后能拿多少补贴") == {"mon7"} == periods("2024年7月25日起")
    assert periods("6月底起执行") == {"mon6"}
    assert periods("7—9月") == {"m7-9", "q3"}
    # dates and spans across years are no part of a year
    assert not periods("2023年7月至2024年7月") & {"m7-7", "to7", "q3", "h2"}
    # one month names itself (a figure's month, or a date's: readers compare months only with months)
    assert periods("2024年5月发布") == {"mon5"} and periods("March 5, 2024") == {"mon3"}
    assert periods("July 2024") == {"mon7"} and periods("2024年1—7月") == {"to7"}
    assert periods("end-market demand") == periods("end of marketing") == set()  # words, not months
    assert periods("as of the end of March") >= {"to3", "q1"} and periods("late May") == {"to5"}


def test_a_periodic_reports_name_names_its_period():
    from assistant.core.text import periods
    assert periods("银行业2024年一季报点评") == {"q1"} and periods("2024年中报") == {"h1"} and periods("三季报") == {"q3"}
