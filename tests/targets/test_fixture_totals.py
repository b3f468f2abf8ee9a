"""Every hand-computed total of tests/fixtures/targets/expected.json, from the .txt AND from the .pdf of each report.

Six fictional reports, six layouts (long rows with a kind column; region × year matrix with the unit in the header;
combined year+value cells; cities with their province, money; count units by year; a Markdown pipe table with
prose cells). make_fixtures.py wrote them and recomputed every total from the rows by hand-written rules.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pytest

from assistant.ingest.load import load_report
from assistant.ingest.structure import extract_tables
from assistant.targets.extract import extract_targets, find_estimates
from assistant.targets.totals import TotalsQuery, compute_totals

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "targets"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
FORMATS = ("txt", "pdf")


@lru_cache(maxsize=None)
def extracted(stem: str, fmt: str):
    report = load_report(FIXTURES / f"{stem}.{fmt}")
    return report, extract_targets(report, extract_tables(report)), find_estimates(report)


def row_key(r) -> tuple:
    return (r.region, r.target_year, str(r.metric), Decimal(r.value), r.unit, r.qualifier or None, r.published or None,
            r.is_city, r.parent_region or r.region)


def expected_key(x: dict) -> tuple:
    return (x["region"], x["target_year"], x["metric"], Decimal(x["value"]), x["unit"], x["qualifier"], x["published"],
            x["is_city"], x["province"])


def query_of(total: dict) -> TotalsQuery:
    f = total["filters"]
    return TotalsQuery(op=total["op"], target_year=f["target_year"], metric=f["metric"],
                       published_from=f["published_from"], published_to=f["published_to"],
                       include_cities=f["include_cities"], province=f.get("province"))


CASES = [(fx["file_stem"], fmt) for fx in EXPECTED for fmt in FORMATS]
TOTALS = [(fx["file_stem"], fmt, i, t) for fx in EXPECTED for fmt in FORMATS for i, t in enumerate(fx["totals"])]


@pytest.mark.parametrize("stem,fmt", CASES)
def test_every_row_as_written_by_hand(stem, fmt):
    fixture = next(fx for fx in EXPECTED if fx["file_stem"] == stem)
    report, rows, _ = extracted(stem, fmt)
    assert sorted(map(row_key, rows)) == sorted(map(expected_key, fixture["rows"]))
    printed = {x["value_as_printed"] for x in fixture["rows"]}
    for r in rows:
        c = r.citation
        assert c.quote == report.text[c.start : c.end] and r.value_as_written in c.quote
        assert any(x in r.value_as_written for x in printed)  # as written may keep its "2025年" in front


@pytest.mark.parametrize("stem", [fx["file_stem"] for fx in EXPECTED])
def test_txt_and_pdf_give_the_same_rows(stem):
    txt, pdf = extracted(stem, "txt")[1], extracted(stem, "pdf")[1]
    assert [row_key(r) + (r.value_as_written, r.document) for r in txt] == \
           [row_key(r) + (r.value_as_written, r.document) for r in pdf]


@pytest.mark.parametrize("stem,fmt,i,total", TOTALS, ids=[f"{s}.{f}-{i}" for s, f, i, _ in TOTALS])
def test_every_total_matches_its_hand_figure(stem, fmt, i, total):
    _, rows, estimates = extracted(stem, fmt)
    result = compute_totals(rows, query_of(total), estimates)
    assert result.value == Decimal(total["value"]), total["description"]
    assert result.unit == (total["unit"] or "rows")
    assert [r.region for r in result.rows] == total["rows"]


def test_city_within_its_province_is_flagged_and_left_out_on_request():
    _, rows, estimates = extracted("a_compute_power", "txt")
    both = compute_totals(rows, TotalsQuery(target_year=2025, metric="智算"), estimates)
    assert both.value == Decimal("10.1")
    assert any("苏州 is a city within 江苏" in c.en and "苏州属于江苏" in c.zh for c in both.caveats)
    # the report's own 9.8 (which leaves the city out) is stated beside the plain sum, not confused with it
    [stated] = both.stated
    assert stated.value == Decimal("9.8") and any("differs" in c.en and "0.3" in c.en for c in both.caveats)
    alone = compute_totals(rows, TotalsQuery(target_year=2025, metric="智算", include_cities=False), estimates)
    assert alone.value == Decimal("9.8") and any("matches" in c.en for c in alone.caveats)
    assert not any("within" in c.en for c in alone.caveats)


def test_national_forecast_is_neither_a_row_nor_the_reports_sum():
    _, rows, estimates = extracted("a_compute_power", "txt")
    assert all(r.value != 35 for r in rows)
    national = [e for e in estimates if e.value == 35]
    assert [e.scope for e in national] == ["全国"]
    result = compute_totals(rows, TotalsQuery(target_year=2025, metric="智算"), estimates)
    assert all(e.value != 35 for e in result.stated)


def test_kinds_and_count_units_never_add():
    _, rows, _ = extracted("e_infra_counts", "txt")
    # sum over every kind in 2025: one kind is added (the one with most rows), the others named beside it
    r = compute_totals(rows, TotalsQuery(target_year=2025))
    assert len({(str(x.metric), x.unit) for x in r.rows}) == 1
    assert any("never added" in c.en for c in r.caveats)
    # a count may span kinds and units, and says so
    c = compute_totals(rows, TotalsQuery(op="count", target_year=2025))
    assert c.value == 7 and any("metric kinds" in x.en for x in c.caveats)


def test_approximate_and_lower_bound_values_are_stated():
    _, rows, _ = extracted("b_energy_storage", "txt")
    r = compute_totals(rows, TotalsQuery(target_year=2025, metric="储能"))  # 储能 → 储能装机
    assert r.value == Decimal("23.5") and r.metric == "储能装机"
    assert any("甘肃" in c.en and "approximate" in c.en for c in r.caveats)
