"""ingest/card.py: report cards from front matter of layouts the corpus does not have (tiny in-memory reports)."""

from assistant.core.models import Report
from assistant.ingest.card import extract_card


def report(text: str) -> Report:
    return Report(id="x_2024-01_demo.txt", path="x", text=text, encoding="utf-8", sha256="0" * 64)


PLAIN = """证券研究报告｜公司点评
汽车｜新能源车
比亚迪：海外放量超预期，全年销量目标上调
2024年3月8日
投资评级：买入（维持）
分析师：王一鸣
执业证书编号：S1234567890123
本报告由北辰证券股份有限公司制作。北辰证券研究所。
投资评级说明：买入：未来6个月跑赢基准20%以上；增持：…
"""

TABLE_MD = """# 保险业月报：保费增速回升，负债端改善延续

| 项目 | 内容 |
| --- | --- |
| 报告日期 | 2024-02-01 |
| 行业评级 | 增持（首次） |
| 分析师 | 赵清（SAC 执业证书编号：S9990521010001） |

免责声明：本报告仅供南岭证券的客户使用。南岭证券不因接收人收到本报告而视其为客户。
"""

NAME_FIRST = """银行
息差企稳，资产质量平稳
2023 年 11 月 20 日
评级

中性(维持评级)

作者

钱多多 分析师
SAC 执业证书编号: S5550517080003
东海证券股份有限公司版权所有。东海证券研究所。东海证券不承担责任。
"""


def test_plain_front_matter():
    card = extract_card(report(PLAIN))
    assert card.broker.value == "北辰证券"
    assert card.title.value == "比亚迪：海外放量超预期，全年销量目标上调"
    assert card.date.value == "2024年3月8日"
    assert card.rating.value == "买入（维持）"  # not the rating definitions at the end
    assert [a.value for a in card.analysts] == ["王一鸣 S1234567890123"]


def test_markdown_table_front_matter():
    card = extract_card(report(TABLE_MD))
    assert card.broker.value == "南岭证券"
    assert card.title.value.startswith("保险业月报")
    assert card.date.value == "2024-02-01" and card.rating.value == "增持（首次）"
    assert [a.value for a in card.analysts] == ["赵清 S9990521010001"]


def test_name_before_its_label_and_rating_on_its_own_line():
    card = extract_card(report(NAME_FIRST))
    assert card.broker.value == "东海证券"
    assert card.rating.value == "中性(维持评级)"
    assert [a.value for a in card.analysts] == ["钱多多 S5550517080003"]


def test_every_field_is_a_citable_span():
    for text in (PLAIN, TABLE_MD, NAME_FIRST):
        card = extract_card(report(text))
        for f in [card.broker, card.title, card.date, card.rating, *card.analysts]:
            assert f is not None and text[f.start:f.end].strip()
            assert f.value.split()[0] in text[f.start:f.end]


def test_no_front_matter_gives_an_empty_card():
    card = extract_card(report("只有一句话，没有券商信息。"))
    assert card.broker is None and card.analysts == [] and card.rating is None


def test_industry_from_a_segmented_line_or_a_one_word_first_line():
    assert [f.value for f in extract_card(report(PLAIN)).industry] == ["汽车", "新能源车"]
    assert [f.value for f in extract_card(report(NAME_FIRST)).industry] == ["银行"]


def test_a_traditional_chinese_front_matter_gives_a_card_whose_offsets_quote_the_original():
    import hashlib

    from assistant.core.models import Report
    from assistant.ingest.card import extract_card

    text = "證券研究報告\n國泰證券 行業研究\n半導體行業2024年展望\n分析師：王小明 S0100521010001\n評級：買入\n2024年3月5日\n國泰證券\n"
    card = extract_card(Report(id="t.txt", path="t.txt", text=text, encoding="utf-8",
                               sha256=hashlib.sha256(text.encode()).hexdigest()))
    assert card.broker.value == "国泰证券" and text[card.broker.start:card.broker.end] == "國泰證券"
    assert card.rating.value == "买入" and text[card.rating.start:card.rating.end] == "買入"


def test_an_english_masthead_above_a_chinese_title_is_not_the_title():
    card = extract_card(report("JINSHI SECURITIES RESEARCH\n锦石证券 行业深度\nCXO行业深度：海外订单承压，国内需求筑底\n2024年3月18日\n"))
    assert card.title.value == "CXO行业深度：海外订单承压，国内需求筑底"


def test_the_previous_rating_is_read_and_never_taken_for_the_rating():
    from assistant.ingest.card import previous_rating_of, rating_of
    text = "锦石证券研究所\n\nCXO行业深度\n\n报告日期：2024年3月18日\n\n行业评级：中性（下调）\n上次评级：增持\n"
    assert rating_of(text).value == "中性（下调）" and previous_rating_of(text).value == "增持"
    swapped = "上次评级：增持\n行业评级：中性（下调）\n"  # the previous one first: still not the rating
    assert rating_of(swapped).value == "中性（下调）"
    assert previous_rating_of("行业评级：强于大市（维持）\n") is None


def test_the_rating_is_shown_with_the_previous_one():
    card = extract_card(report("锦石证券研究所\n\nCXO行业深度\n\n行业评级：中性（下调）\n上次评级：增持\n"))
    assert card.rating_text == "中性（下调） · 上次 / previous: 增持"
    assert extract_card(report("天风证券\n\n行业评级：强于大市（维持）\n")).rating_text == "强于大市（维持）"
