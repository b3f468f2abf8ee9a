"""OCR: a scanned report and an image table are read, answered, totalled and cited (with the OCR confidence);
text pages are never OCR'd; the settings turn it off. One index for the module: OCR costs seconds per page."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.fixtures import ocr_fixtures as fx

SCANNED, MIXED = "yunling_scanned.pdf", "haichuan_mixed.pdf"


@pytest.fixture(scope="module")
def ocr_index(tmp_path_factory):
    from assistant.core.settings import Settings
    from assistant.facade import Assistant

    root = tmp_path_factory.mktemp("ocr")
    corpus = root / "corpus"
    fx.write_all(corpus, [SCANNED, MIXED])
    assistant = Assistant(Settings(index_dir=root / "index", corpus_dir=corpus))
    events: list[tuple] = []
    summary = assistant.ingest([corpus], progress=lambda *e: events.append(e))
    assert not summary.failed, summary.failed
    return assistant, events


def test_scanned_report_is_answered_from_its_ocr_text_and_the_citation_verifies(ocr_index) -> None:
    assistant, _ = ocr_index
    answer = assistant.ask("截至2024年6月，西部四省区智能算力规模合计多少？")
    assert not answer.abstained, answer
    cited = [c for c in answer.citations if c.report == SCANNED]
    assert cited, answer.citations
    text = assistant.report_text(SCANNED)
    for c in cited:
        assert text[c.start:c.end] == c.quote  # verbatim against the text the assistant read (OCR's)
        assert c.page == 1 and c.ocr_confidence is not None and c.ocr_confidence > 0.9
    assert any("3.6EFLOPS" in c.quote for c in cited)
    located = assistant.cite(cited[0].id)
    assert located.ocr_confidence == cited[0].ocr_confidence
    from assistant.ui.render import passage_html, sources_html

    tag = f"OCR 置信度 {cited[0].ocr_confidence:.2f}"
    assert tag in sources_html(answer) and tag in passage_html(located)  # the citation panel says so


def test_scanned_table_totals_match_the_text_pdf(ocr_index) -> None:
    from assistant.facade import TotalsQuery

    assistant, _ = ocr_index
    result = assistant.totals(TotalsQuery(op="sum", target_year=2025, metric="智算", reports=[SCANNED]))
    assert result.value == Decimal(fx.SCANNED_TOTAL) and result.unit == "EFLOPS", result
    assert [r.region for r in result.rows] == ["四川", "重庆", "贵州", "甘肃"]


def test_image_table_on_a_text_page_becomes_a_table_with_totals(ocr_index) -> None:
    from assistant.facade import TotalsQuery

    assistant, _ = ocr_index
    tables = [t for t in assistant.tables() if t.report == MIXED]
    assert len(tables) == 1 and tables[0].header == fx.MIXED_ROWS[0], tables
    assert [r.cells for r in tables[0].rows] == fx.MIXED_ROWS[1:]
    result = assistant.totals(TotalsQuery(op="sum", target_year=2025, metric="储能装机", reports=[MIXED]))
    assert result.value == Decimal(fx.MIXED_TOTAL) and result.unit == "GW", result
    row = assistant.cite(result.rows[0].citation.id)
    assert row.ocr_confidence is not None and row.quote.startswith("山东")


def test_text_pages_are_never_ocrd(ocr_index, tmp_path) -> None:
    from assistant.ingest.load import load_report
    from assistant.ingest.ocr import OcrOptions

    assistant, events = ocr_index
    report = assistant.index.catalog.report(MIXED)
    assert report.pages[0].ocr == []  # the text page
    assert len(report.pages[1].ocr) == 1  # only the image table on page 2, not the page's text lines
    span = report.pages[1].ocr[0]
    assert report.text[span.start:span.end].startswith("省份\t发布时间")
    assert [e[2:] for e in events if e[0] == "ocr" and e[1] == MIXED][-1] == (1, 1)  # one job: the image
    # a text PDF: no OCR job at all, nothing cached
    (tmp_path / "source.pdf").write_bytes(fx.source_pdf())
    text_report = load_report(tmp_path / "source.pdf", ocr=OcrOptions(cache_dir=tmp_path / "cache"))
    assert all(p.ocr == [] for p in text_report.pages) and not (tmp_path / "cache").exists()


def test_ocr_is_cached_by_page_image_and_status_counts_ocr_pages(ocr_index) -> None:
    assistant, _ = ocr_index
    assert len(list((assistant.settings.index_dir / "ocr").glob("*.json"))) == 2  # the scan's page, the image
    by_report = {r["report"]: r for r in assistant.reports()}
    assert by_report[SCANNED]["ocr_pages"] == 1 and by_report[MIXED]["ocr_pages"] == 1
    assert by_report[MIXED]["pages"] == 2


def test_ocr_off_refuses_a_scan_in_one_line_and_skips_image_tables(tmp_path, monkeypatch) -> None:
    from assistant.core.settings import Settings
    from assistant.facade import Assistant
    from assistant.ingest.ocr import OcrOptions

    monkeypatch.setenv("ASSISTANT_OCR", "false")
    assert Settings().ocr is False
    monkeypatch.delenv("ASSISTANT_OCR")
    monkeypatch.setenv("ASSISTANT_OCR_MAX_PAGES", "0")
    assert OcrOptions.from_settings(Settings()).enabled is False

    corpus = fx.write_all(tmp_path / "corpus", [SCANNED])[SCANNED].parent
    assistant = Assistant(Settings(index_dir=tmp_path / "index", corpus_dir=corpus, ocr=False))
    reason = assistant.ingest([corpus]).failed[SCANNED]
    assert "\n" not in reason and reason.startswith("无法读取") and "OCR is off" in reason, reason
    assert not (tmp_path / "index" / "ocr").exists()


def test_table_rows_and_columns_from_box_positions() -> None:
    from assistant.ingest.ocr import OcrBox, layout

    def box(x0, top, text, width=40, height=10):
        return OcrBox(x0, top, x0 + width, top + height, text, 0.99)

    boxes = [box(0, 0, "图表 5：目标", width=90),
             box(0, 20, "地区"), box(60, 20, "文件"), box(160, 21, "目标"),
             box(0, 40, "河南"), box(60, 40, "《算力实施方案》", width=80), box(160, 41, "2000P"),
             box(62, 52, "（2024年）"),  # the second line of a wrapped cell
             box(0, 72, "山东"), box(60, 72, "《行动计划》"), box(160, 71, "12 EFLOPS", width=50),
             box(0, 100, "资料来源：各省政府", width=120)]
    items = layout(boxes)
    assert [i.get("text") for i in items] == ["图表 5：目标", None, "资料来源：各省政府"]
    assert items[1]["table"] == ["地区\t文件\t目标", "河南\t《算力实施方案》（2024年）\t2000P", "山东\t《行动计划》\t12 EFLOPS"]
    assert items[1]["ocr"] == pytest.approx(0.99)


# ---- the page image a quote was read from; pages the cap leaves unread ------------------------------------


def _png(data: bytes):
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB")


def test_an_ocr_citation_shows_the_page_region_it_was_read_from(ocr_index) -> None:
    from assistant.ingest.page_image import quote_image

    assistant, _ = ocr_index
    [loc] = assistant.find_quote("3.6EFLOPS", report=SCANNED)
    assert loc.ocr_confidence is not None
    image = _png(assistant.citation_image(loc))
    page_px = [round(side * assistant.settings.ocr_dpi / 72) for side in fx.PAGE]  # the page rendered whole
    assert 0 < image.width < page_px[0] and 0 < image.height < page_px[1] / 4, image.size  # a line or two, not the page
    colours = image.getcolors(maxcolors=1 << 20)
    assert any(r > 180 and g < 80 and b < 80 for _, (r, g, b) in colours)  # the outline
    assert sum(n for n, (r, g, b) in colours if r < 100 and g < 100 and b < 100) > 200  # the text's dark pixels
    # a table row read from an image on a text page: its region lies inside the picture
    [ningxia] = [q for q in assistant.find_quote("宁夏", report=MIXED) if q.ocr_confidence is not None]
    assert _png(assistant.citation_image(ningxia)).height < image.height * 3
    # no image for text from a text layer, nor for a file outside the corpus or changed since it was indexed
    [text_quote] = assistant.find_quote("独立储能成为增量主体", report=MIXED)
    assert text_quote.ocr_confidence is None and assistant.citation_image(text_quote) is None
    report = assistant.index.catalog.report(SCANNED)
    corpus = assistant.settings.corpus_dir
    assert quote_image(report, corpus, loc.start, loc.end) is not None
    assert quote_image(report.model_copy(update={"sha256": "0" * 64}), corpus, loc.start, loc.end) is None
    assert quote_image(report, corpus / "elsewhere", loc.start, loc.end) is None


def test_the_citation_panel_and_the_cli_show_the_page_image(ocr_index, tmp_path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from assistant.cli import main as cli
    from assistant.ui.chat import citation_panel

    assistant, _ = ocr_index
    answer = assistant.ask("截至2024年6月，西部四省区智能算力规模合计多少？")
    cited = next(c for c in answer.citations if c.report == SCANNED)
    html, image = citation_panel(assistant, cited.id)
    assert "OCR 置信度" in html and image["visible"] is True and image["value"].width > 0
    text_cite = assistant._cite_span(MIXED, 0, 6)  # page 1 of the mixed PDF: a text layer, no image
    html, image = citation_panel(assistant, text_cite.id)
    assert "OCR" not in html and image["visible"] is False

    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(assistant.settings.index_dir))
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(assistant.settings.corpus_dir))
    cli.get_assistant.cache_clear()
    try:
        out = tmp_path / "cite.png"
        result = CliRunner().invoke(cli.app, ["cite", cited.id, "--image", str(out)])
        assert result.exit_code == 0, result.output
        assert _png(out.read_bytes()).size == _png(assistant.citation_image(cited)).size
        result = CliRunner().invoke(cli.app, ["cite", text_cite.id, "--image", str(tmp_path / "no.png")])
        assert result.exit_code == 1 and not (tmp_path / "no.png").exists()
    finally:
        cli.get_assistant.cache_clear()


def test_pages_past_the_ocr_cap_are_reported_not_skipped_silently(tmp_path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from assistant.cli import main as cli
    from assistant.core.settings import Settings
    from assistant.facade import Assistant
    from assistant.ui.reports import cards_html

    name = "yunling_tiny_scan.pdf"
    corpus = fx.write_all(tmp_path / "corpus", [name])[name].parent
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus, ocr_max_pages=1)
    assistant = Assistant(settings)
    summary = assistant.ingest([corpus])  # two image-only pages, a cap of one: one OCR'd, one not
    assert not summary.failed, summary.failed
    note = summary.notes[name]
    assert note.startswith("1 页未做 OCR（上限 1") and "1 page(s) not OCR'd (cap 1" in note and "\n" not in note
    report = assistant.index.catalog.report(name)
    assert [p.ocr_skipped for p in report.pages] == [False, True] and report.text == fx.TINY_LINES[0]
    [row] = assistant.reports()
    assert row["ocr_pages"] == 1 and row["ocr_skipped"] == 1 and row["ocr_note"] == note
    assert note.split(" / ")[0] in cards_html(assistant)  # the report's card in the UI

    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("ASSISTANT_OCR_MAX_PAGES", "1")
    cli.get_assistant.cache_clear()
    try:
        result = CliRunner().invoke(cli.app, ["status"])
        assert result.exit_code == 0 and f"⚠ {note}" in result.output, result.output
        result = CliRunner().invoke(cli.app, ["ingest", "--rebuild"])  # the OCR'd page comes from the cache
        assert result.exit_code == 0 and f"⚠ {name}: {note}" in " ".join(result.output.split()), result.output
    finally:
        cli.get_assistant.cache_clear()
