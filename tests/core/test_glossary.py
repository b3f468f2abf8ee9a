"""The glossary's valuation measures: named in either language, Latin abbreviations only as whole words."""

from assistant.core.glossary import measures_in
from assistant.core.tokenize import normalize


def test_measures_are_named_in_both_languages():
    assert measures_in(normalize("招商银行的目标价是多少？")) == ["目标价"]
    assert measures_in(normalize("What price target does the note set for CMB?")) == ["目标价"]
    assert measures_in(normalize("2025E EPS 与 PE（倍）")) == ["EPS", "市盈率"]
    assert measures_in(normalize("ROE and dividend yield")) == ["ROE", "股息率"]


def test_an_abbreviation_inside_a_word_is_not_the_measure():
    assert measures_in(normalize("PERC电池片与TOPCon的价格")) == []
    assert measures_in(normalize("SPEC sheet; EPSON")) == []
