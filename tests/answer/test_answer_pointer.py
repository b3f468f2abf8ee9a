"""A follow-up pointing at what the previous answer named ("它" after "哪个省份…最多？")."""

from assistant.answer.offline import answer_pointer, named_in_answer

QUOTE = "截至2023年底，累计装机排名前五的省份为山东（398万千瓦）、内蒙古（354万千瓦）、新疆（309万千瓦）和湖南（266万千瓦），合计1620万千瓦。"


def test_a_pointer_after_a_which_question_points_at_its_answer():
    assert answer_pointer("它离2025年目标完成了多少？", "截至2023年底，哪个省份的新型储能累计装机最多？")[0] == "它"
    assert answer_pointer("这个省2023年底已经装了多少？", "2025年目标最高的省份是哪个？")[0] == "这个省"
    assert answer_pointer("它们合计占全国多少？", "累计装机排名前五的省份是哪些？")[0] == "它们"


def test_no_pointer_at_an_answer_without_a_which_question_or_a_pointer():
    assert answer_pointer("它的增速是多少？", "内蒙古2025年新型储能目标是多少？") is None  # the subject is named
    assert answer_pointer("那广东呢？", "哪个省份的目标最高？") is None  # "…呢" moves the question instead
    assert answer_pointer("2025年目标是多少？", "哪个省份的目标最高？") is None
    assert answer_pointer("What about it?", "Which province is highest?") is None


def test_the_names_the_answer_gives_in_order_the_first_for_a_singular_pointer():
    assert named_in_answer(QUOTE, set(), plural=False) == ["山东"]
    assert named_in_answer(QUOTE, set(), plural=True) == ["山东", "内蒙古", "新疆", "湖南"]


def test_asked_which_place_only_places_count_and_a_total_row_is_no_name():
    names = {"合计", "宁德时代", "宁德"}
    text = "宁德时代在山东的储能项目合计1620万千瓦"
    assert named_in_answer(text, names, plural=True) == ["宁德时代", "山东"]  # 宁德 is inside 宁德时代; 合计 a total
    assert named_in_answer(text, names, plural=True, previous="哪个省份最多？") == ["山东"]
