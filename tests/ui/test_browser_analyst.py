"""What an analyst does beyond asking, in headless Chromium over the real app: look a quote up, read the report
cards, remove a report (asked first; index and file apart), open a totals citation, export answers as Markdown,
recover from an error, and use the app in a narrow window."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest

from tests.ui.test_browser import ask, last_bot_text

TIANFENG = "tianfeng_2024-09-17_ai-datacenter-taskforce.txt"


def test_lookup_box_finds_a_quote_despite_spacing_and_width(page, shots, ui_assistant):
    page.get_by_role("tab", name="查引用 / Lookup").click()
    # the report writes "图 3：各地智算规划多以 25 年为目标": no spaces and full-width digits here
    page.locator("#lookup-quote textarea").fill("各地智算规划多以２５年为目标")
    page.locator("#lookup-btn").click()
    page.locator("#lookup-results .lookup-hit").first.wait_for()
    hit = page.locator("#lookup-results .lookup-hit").first.inner_text()
    assert TIANFENG in hit and "章节 / Section" in hit and "页 / Page" in hit and "位置 / Offsets" in hit
    mark = page.locator("#lookup-results mark").first.inner_text()
    assert re.sub(r"\s", "", mark) == "各地智算规划多以25年为目标"
    page.screenshot(path=str(shots / "20_lookup.png"), full_page=True)

    # a phrase that occurs more than once: every place is listed, each with its offsets
    quote = "智算中心"
    expected = ui_assistant.find_quote(quote)
    assert len(expected) > 1
    page.locator("#lookup-quote textarea").fill(quote)
    page.locator("#lookup-btn").click()
    page.wait_for_function(f"n => document.querySelectorAll('#lookup-results .lookup-hit').length === n",
                           arg=len(expected))
    text = page.locator("#lookup-results").inner_text()
    for loc in expected:
        assert f"{loc.start}–{loc.end}" in text

    page.locator("#lookup-quote textarea").fill("这句话不在任何报告里出现过")
    page.locator("#lookup-btn").click()
    page.locator("#lookup-panel .panel-warn").wait_for()


def test_reports_tab_shows_each_reports_card(page, shots, ui_assistant):
    page.get_by_role("tab", name="报告 / Reports").click()
    cards = page.locator("#report-cards .report-card")
    cards.first.wait_for()
    assert cards.count() == len(ui_assistant.reports())
    summaries = {r["report"]: r for r in ui_assistant.reports()}
    for card in ui_assistant.cards():
        shown = page.locator(f"#report-cards .report-card[data-report='{card.report}']").inner_text()
        for field in (card.broker, card.title, card.date, card.rating, *card.analysts):
            if field is not None:
                assert field.value in shown, (card.report, field.value)
        assert "段数 / Chunks" in shown and str(summaries[card.report]["chunks"]) in shown
        assert "页数 / Pages" in shown and "表格 / Tables" in shown
    page.screenshot(path=str(shots / "21_report_cards.png"), full_page=True)


def test_remove_asks_first_and_keeps_the_file(page, shots, tmp_path, ui_assistant):
    name = f"ui_remove_{uuid.uuid4().hex[:6]}.txt"
    src = tmp_path / name
    src.write_text("测试报告\n\n本报告用于界面测试：从索引中移除后文件仍然保留。\n", encoding="utf-8")
    [result] = ui_assistant.upload([(src, name)])
    assert result.status == "added", result.message
    corpus_file = Path(ui_assistant.settings.corpus_dir) / name

    page.get_by_role("tab", name="报告 / Reports").click()
    page.wait_for_function(f"() => document.querySelector('#report-cards').innerText.includes('{name}')")
    page.locator("#remove-choice input").click()
    page.get_by_role("option", name=name, exact=True).click()

    # asked first; cancelling changes nothing
    page.locator("#remove-btn").click()
    page.locator("#confirm-box").wait_for()
    assert name in page.locator("#confirm-msg").inner_text() and "文件保留" in page.locator("#confirm-msg").inner_text()
    page.screenshot(path=str(shots / "22_remove_confirm.png"), full_page=True)
    page.locator("#cancel-btn").click()
    page.locator("#confirm-box").wait_for(state="hidden")
    assert name in [r["report"] for r in ui_assistant.reports()]

    # confirmed: out of the index, the file stays in the corpus
    page.locator("#remove-btn").click()
    page.locator("#confirm-btn").click()
    page.locator("#remove-status .panel-ok").wait_for()
    page.wait_for_function(f"() => !document.querySelector('#report-cards').innerText.includes('{name}')")
    assert name not in [r["report"] for r in ui_assistant.reports()]
    assert corpus_file.is_file()
    corpus_file.unlink()


def test_totals_answer_figure_first_and_citation_opens(page, shots):
    ask(page, "2025年各地智算规划合计是多少？")
    bot = page.locator("#chatbot [data-testid='bot']").last
    text = bot.inner_text()
    assert text.lstrip().startswith("合计 152.68"), text[:200]
    assert text.index("公式 / Formula") < text.index("注意事项")  # the formula before the (folded) caveats
    for folded in ("details.rows-used", "details.caveats"):  # folded below the figure
        assert bot.locator(folded).count() == 1 and bot.locator(folded).get_attribute("open") is None
    page.screenshot(path=str(shots / "23_totals_first.png"))
    bot.locator("details.rows-used summary").click()
    bot.locator("a.cite-link").first.click()
    panel = page.locator("#passage-panel")
    page.wait_for_function("() => document.querySelector('#passage-panel mark')"
                           " || document.querySelector('#passage-panel .panel-error')")
    if panel.locator(".panel-error").count():
        pytest.xfail("totals row citations use their own id scheme until the targets rewrite unifies citation ids: "
                     + panel.inner_text())
    assert "北京" in panel.inner_text() or "安徽" in panel.inner_text()


def test_export_answer_and_chat_as_markdown(page, ui_assistant):
    ask(page, "北京的智算算力规划是多少？")
    ask(page, "美国白宫宣布要成立什么机构？")
    with page.expect_download() as dl:
        page.locator("#export-answer").click()
    one = Path(dl.value.path()).read_text(encoding="utf-8")
    with page.expect_download() as dl:
        page.locator("#export-chat").click()
    chat = Path(dl.value.path()).read_text(encoding="utf-8")

    assert "美国白宫" in one and "北京" not in one.split("\n", 3)[2]  # only the last answer
    assert "北京的智算算力规划是多少" in chat and "美国白宫宣布要成立什么机构" in chat
    notes = re.findall(r"^\[\^(\d+)\]: “(.+)” — (.+)$", chat, flags=re.M)
    assert notes and [int(n) for n, _, _ in notes] == list(range(1, len(notes) + 1))  # numbered across answers
    for n, quote, where in notes:
        assert f"[^{n}]" in chat.split(f"[^{n}]:")[0]  # each footnote is referenced in its answer
        assert where.split(" · ")[0].endswith(".txt") and "字符 / chars" in where
        report_text = ui_assistant.report_text(where.split(" · ")[0])
        assert re.sub(r"\s", "", quote) in re.sub(r"\s", "", report_text)  # the quote is verbatim


def test_error_does_not_leave_sources_searching(page):
    page.locator("#question textarea").fill("算" * 2100)  # over the length limit
    page.locator("#ask-btn").click()
    page.locator("#sources-panel .panel-error").wait_for()
    assert "检索中" not in page.locator("#sources-panel").inner_text()
    assert "过长" in page.locator("#sources-panel").inner_text()
    assert "过长" in last_bot_text(page)


def test_narrow_window_820px(browser, served, shots):
    context = browser.new_context(viewport={"width": 820, "height": 1000}, locale="en-US")
    try:
        pg = context.new_page()
        pg.goto(served, wait_until="load")
        pg.locator("#question textarea").wait_for()
        # no sideways scrolling; the side panel sits under the chat instead of squeezing it
        assert pg.evaluate("document.documentElement.scrollWidth") <= 820
        chat = pg.locator("#chatbot").bounding_box()
        side = pg.locator("#passage-panel").bounding_box()
        assert side["y"] > chat["y"] + chat["height"] - 1 and chat["width"] > 600
        # the clear button's label stays on one line
        clear = pg.locator("#clear-btn").bounding_box()
        assert clear["height"] < 48
        # Gradio's built-in English labels read Chinese first in an English browser too
        pg.get_by_role("tab", name="报告 / Reports").click()
        pg.locator("#upload-files").wait_for()
        upload = pg.locator("#upload-files").inner_text()
        assert "拖放文件到此处" in upload and "Drop File Here" not in upload
        pg.screenshot(path=str(shots / "24_narrow_reports.png"), full_page=True)
    finally:
        context.close()
