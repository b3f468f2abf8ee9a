"""A follow-up that moves to another point in time replaces the earlier question's, whole."""

import pytest

from assistant.answer.offline import resolve_followup


@pytest.mark.parametrize("history, question, resolved", [
    ("截至2023年底新型储能累计装机多少万千瓦？", "那到今年一季度末呢？", "截至今年一季度末新型储能累计装机多少万千瓦？"),
    ("2023年全国光伏新增装机多少？", "那今年前7个月呢？", "今年前7个月全国光伏新增装机多少？"),
    # a bare year keeps the rest of the old period, as before
    ("2024年一季度净息差是多少？", "那2025年呢？", "2025年一季度净息差是多少？"),
    ("星垣预计2024年全年上市银行净息差多少？", "2025年呢？", "星垣预计2025年全年上市银行净息差多少？"),
])
def test_time_followups(history, question, resolved):
    assert resolve_followup(question, [history]) == resolved
