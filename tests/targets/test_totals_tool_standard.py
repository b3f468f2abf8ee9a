"""LangChain's standard tool suites (langchain-tests) over the totals tool, on target rows read from the two
reports in corpus/ (no index needed)."""

from __future__ import annotations

from langchain_tests.integration_tests import ToolsIntegrationTests
from langchain_tests.unit_tests import ToolsUnitTests

from assistant.targets.extract import TargetStore
from assistant.targets.totals import make_totals_tool
from tests.fixtures.reports import corpus_reports

_STORE = TargetStore(corpus_reports())
TOOL = make_totals_tool(_STORE.targets(), _STORE.estimates())
EXAMPLE = {"op": "sum", "target_year": 2025, "source_table": "图3"}


class TestTotalsToolUnit(ToolsUnitTests):
    @property
    def tool_constructor(self):
        return TOOL

    @property
    def tool_invoke_params_example(self) -> dict:
        return EXAMPLE


class TestTotalsToolIntegration(ToolsIntegrationTests):
    @property
    def tool_constructor(self):
        return TOOL

    @property
    def tool_invoke_params_example(self) -> dict:
        return EXAMPLE


def test_tool_figure_is_the_table_sum():
    out = TOOL.invoke(EXAMPLE)
    assert out["value"] == "152.68" and len(out["rows"]) == 10
