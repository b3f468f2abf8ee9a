"""CLI commands `tables` and `totals`, registered on the main Typer app by the lead's cli module."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any, Optional

import typer
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from assistant.core.models import Table
from assistant.facade import GroupBy, Op, TotalsQuery, fmt


def _console() -> Console:
    return Console(soft_wrap=True, markup=False, highlight=False)  # report text is data, never markup


def _cells(*values: str) -> list[Text]:
    return [Text(v) for v in values]


def _table_csv(table: Table) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow(row.cells)
    return buf.getvalue()


def _show_table(console: Console, table: Table) -> None:
    width = max([len(table.header), *(len(r.cells) for r in table.rows)])
    view = RichTable(title=Text(f"{table.id}\n{table.caption}"), show_lines=True)
    for i in range(width):
        view.add_column(Text(table.header[i] if i < len(table.header) else ""), overflow="fold")
    for row in table.rows:
        view.add_row(*_cells(*row.cells, *[""] * (width - len(row.cells))))
    console.print(view)
    console.print(f"offsets {table.start}-{table.end}, {len(table.rows)} rows")


def _published_filters(published: str | None) -> dict[str, Any]:
    if not published:
        return {}
    if len(published) == 7:
        return {"published_from": published, "published_to": published}
    return {"published_year": int(published)}


def register(app: typer.Typer, get_assistant: Callable[[], Any]) -> None:
    @app.command("tables")
    def tables_cmd(
        show: Optional[str] = typer.Option(None, "--show", help="table id, or its '#' part such as 图3 / 图表7"),
        as_csv: bool = typer.Option(False, "--csv", help="with --show: print the table as CSV"),
    ) -> None:
        """表格 / List the tables extracted from the reports, or show / export one."""
        console = _console()
        tables = get_assistant().tables()
        if show is None:
            view = RichTable(title="Tables")
            for name in ("id", "caption", "rows", "header"):
                view.add_column(name, overflow="fold")
            for t in tables:
                view.add_row(*_cells(t.id, t.caption, str(len(t.rows)), " | ".join(t.header)))
            console.print(view)
            return
        matches = get_assistant().find_table(show)
        if len(matches) != 1:
            ids = ", ".join(t.id for t in matches) or "none"
            typer.echo(f"{'ambiguous' if matches else 'unknown'} table {show!r} (matches: {ids})", err=True)
            raise typer.Exit(1)
        if as_csv:
            typer.echo(_table_csv(matches[0]), nl=False)
        else:
            _show_table(console, matches[0])

    @app.command("totals")
    def totals_cmd(
        op: Op = typer.Option(Op.SUM, "--op"),
        year: Optional[int] = typer.Option(None, "--year", help="target year"),
        published: Optional[str] = typer.Option(None, "--published", help="YYYY or YYYY-MM"),
        region: list[str] = typer.Option([], "--region", help="repeat for several regions"),
        metric: str = typer.Option("智算", "--metric", help="智算, 通用, 超算, 总算力, 高性能 or all"),
        source: Optional[str] = typer.Option(None, "--source", help="table id, 图3 / 图表7, or report prefix"),
        national: bool = typer.Option(False, "--national", help="include national (全国) targets"),
        group_by: Optional[GroupBy] = typer.Option(None, "--group-by"),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """合计 / Sum, count, max, min or list compute targets, with every row used and why others were not."""
        query = TotalsQuery(
            op=op, target_year=year, regions=region, metric=metric, source_table=source,
            include_national=national, group_by=group_by, **_published_filters(published),
        )
        result = get_assistant().totals(query)
        if as_json:
            typer.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
            return
        console = _console()
        view = RichTable(title=f"{op.value} — {len(result.rows)} rows used, {len(result.excluded)} excluded")
        for name in ("#", "region", "year", "value", "metric", "published", "document", "source"):
            view.add_column(name, overflow="fold")
        for i, r in enumerate(result.rows, start=1):
            view.add_row(*_cells(str(i), r.region, str(r.target_year), f"{r.qualifier}{fmt(r.value)} {r.unit}",
                                 r.metric.value, r.published, r.document, r.citation.id))
        console.print(view)
        if result.value is None:
            console.print(result.message)
        else:
            console.print(f"{fmt(result.value)} {result.unit}  ({result.expression})")
        for key, value in result.groups.items():
            console.print(f"  {key}: {fmt(value)}")
        for caveat in result.caveats:
            console.print(f"• {caveat}")
