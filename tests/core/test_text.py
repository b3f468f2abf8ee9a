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
