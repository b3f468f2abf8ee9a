"""`tables` and `totals` (assistant/cli/tables.py) over a TargetStore of the two reports (no index needed)."""

import csv
import io
import json
from decimal import Decimal

import pytest
import typer
from typer.testing import CliRunner

from assistant.cli.tables import register
from assistant.targets.extract import TargetStore
from tests.fixtures.reports import TIANFENG, corpus_reports


@pytest.fixture(scope="module")
def cli():
    app = typer.Typer()
    store = TargetStore(corpus_reports())
    register(app, lambda: store)
    return app


def test_cli_lists_tables(cli):
    result = CliRunner().invoke(cli, ["tables"])
    assert result.exit_code == 0, result.output
    assert "图3" in result.output and "图表7" in result.output


def test_cli_show_and_csv(cli):
    shown = CliRunner().invoke(cli, ["tables", "--show", "图3"])
    assert shown.exit_code == 0, shown.output
    assert "北京" in shown.output and "13 rows" in shown.output
    exported = CliRunner().invoke(cli, ["tables", "--show", f"{TIANFENG}#图3", "--csv"])
    assert exported.exit_code == 0
    rows = list(csv.reader(io.StringIO(exported.output)))
    assert rows[0] == ["地区", "时间", "文件", "智算算力规划"]
    assert len(rows) == 14 and rows[9][0] == "北京" and rows[9][3] == "2025年45EFlops"


def test_cli_unknown_table(cli):
    result = CliRunner().invoke(cli, ["tables", "--show", "图99"])
    assert result.exit_code == 1


def test_cli_totals_json(cli):
    result = CliRunner().invoke(cli, ["totals", "--year", "2025", "--source", "图3", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert Decimal(data["value"]) == Decimal("152.68") and len(data["rows"]) == 10


def test_cli_totals_table(cli):
    result = CliRunner().invoke(cli, ["totals", "--published", "2024-03"])
    assert result.exit_code == 0, result.output
    assert "51 EFLOPS" in result.output and "19 + 2 + 30 = 51 EFLOPS" in result.output
    result = CliRunner().invoke(cli, ["totals", "--op", "count", "--region", "北京", "--region", "上海", "--year", "2025"])
    assert result.exit_code == 0 and "2 rows" in result.output
    result = CliRunner().invoke(cli, ["totals", "--region", "西藏"])
    assert result.exit_code == 0 and "no matching rows" in result.output
    result = CliRunner().invoke(cli, ["totals", "--source", "tianfeng", "--group-by", "year"])
    assert "2026: 18" in result.output
