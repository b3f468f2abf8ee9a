"""LangChain's standard tool suites (langchain-tests) over the totals tool, on target rows read from the two
reports in corpus/ (no index needed)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from langchain_tests.integration_tests import ToolsIntegrationTests
from langchain_tests.unit_tests import ToolsUnitTests

from assistant.core.models import Report
from assistant.targets.extract import TargetStore
from assistant.targets.totals import make_totals_tool

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def _load(path: Path) -> Report:
    text = path.read_text(encoding="utf-8")
    return Report(id=path.name, path=path.name, text=text, encoding="utf-8",
                  sha256=hashlib.sha256(text.encode()).hexdigest())


_STORE = TargetStore(_load(p) for p in sorted(CORPUS.glob("*.txt")))
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
