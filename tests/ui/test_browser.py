"""End to end in headless Chromium: ask, click a citation, totals, targets, upload a report and find it.

Screenshots of each step: test-output/ui/*.png.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid

import httpx
import pytest

from assistant.ui import scratch
from tests.processes import free_port
from tests.ui.conftest import REPO


def ask(page, question: str) -> None:
    """Type a question, send it, and wait until its answer is complete (the sources panel is filled last)."""
    before = page.locator("#chatbot [data-testid='bot']").count()
    page.locator("#question textarea").fill(question)
    page.locator("#ask-btn").click()
    page.wait_for_function("n => document.querySelectorAll(\"#chatbot [data-testid='bot']\").length > n",
                           arg=before)
    page.wait_for_function("() => !document.querySelector('#sources-panel').innerText.includes('检索中')"
                           " && !document.querySelector('#chatbot').innerText.includes('检索中')"
                           " && !document.querySelector('#chatbot').innerText.includes('▌')")


def last_bot_text(page) -> str:
    return page.locator("#chatbot [data-testid='bot']").last.inner_text()


def test_chat_citation_opens_highlighted_passage(page, shots):
    page.screenshot(path=str(shots / "01_start.png"))
    ask(page, "北京的智算算力规划是多少？")
    answer = last_bot_text(page)
    assert "45" in answer and "北京" in answer
    marker = page.locator("#chatbot a.cite-link").first
    assert re.fullmatch(r"\[\d+\]", marker.inner_text().strip())
    page.screenshot(path=str(shots / "02_answer.png"))

    marker.click()
    mark = page.locator("#passage-panel mark")
    mark.wait_for()
    assert "北京" in mark.inner_text()
    panel = page.locator("#passage-panel").inner_text()
    assert "tianfeng" in panel or "guolian" in panel  # the report is named
    assert "章节 / Section" in panel and "页 / Page" in panel
    # the quote sits inside more of its paragraph than the quote alone
    assert len(page.locator("#passage-panel .passage-text").inner_text()) > len(mark.inner_text())
    page.screenshot(path=str(shots / "03_citation_passage.png"))


def test_followup_and_clear(page):
    ask(page, "北京的智算算力规划是多少？")
    ask(page, "那上海呢？")
    assert "30" in last_bot_text(page)
    page.locator("#clear-btn").click()
    page.wait_for_function("() => document.querySelectorAll(\"#chatbot [data-testid='bot']\").length === 0")


def test_totals_answer_shows_figure_and_formula(page, shots):
    ask(page, "2025年各地智算规划合计是多少？")
    sources = page.locator("#sources-panel")
    sources.locator(".formula").wait_for()
    text = page.locator("body").inner_text()
    formula = sources.locator(".formula").inner_text()
    page.screenshot(path=str(shots / "04_totals.png"), full_page=True)
    assert "152.68" in text, "the figure 152.68 is not on the page"
    assert "公式 / Formula" in formula and "=" in formula and "+" in formula
    assert sources.locator(".rows-table tbody tr").count() >= 10


def test_abstention_shows_related_passages_apart(page):
    ask(page, "寒武纪 2024 年的营业收入是多少？")
    assert "未找到" in last_bot_text(page)
    panel = page.locator("#sources-panel").inner_text()
    assert "相关段落（非依据）" in panel
    assert "引用 / Sources" not in panel  # nothing is presented as support


def test_targets_tab_table_chart_totals_csv(page, shots):
    page.get_by_role("tab", name="规划目标 / Targets").click()
    table = page.locator("#targets-table")
    table.wait_for()
    page.wait_for_function("() => document.querySelector('#targets-table').innerText.includes('北京')")
    page.locator("#plot-region canvas, #plot-region svg").first.wait_for()
    page.locator("#targets-totals .formula").wait_for()
    time.sleep(1)  # let the charts finish drawing
    page.screenshot(path=str(shots / "05_targets.png"), full_page=True)
    assert "45" in table.inner_text()

    # one target year by default (2025): no 2030 row, no "different years added" caveat
    assert page.locator("#f-year input").input_value() == "2025"
    assert "2030" not in table.inner_text()
    assert "不同目标年份" not in page.locator("#targets-totals").inner_text()
    # … and to Tianfeng's 图 3: its 2025 intelligent-computing targets add up to 152.68 EFLOPS
    page.locator("#f-source input").click()
    page.get_by_role("option", name="tianfeng#图3", exact=True).click()
    # (the default "main report" figure is 152.68 too, so wait for the table to change, then read the figure)
    page.wait_for_function("() => !document.querySelector('#targets-table').innerText.includes('guolian')")
    page.wait_for_function("() => document.querySelector('#targets-totals .calc-value').innerText.includes('152.68')")
    page.screenshot(path=str(shots / "06_targets_2025_fig3.png"), full_page=True)

    with page.expect_download() as dl:
        page.locator("#export-csv").click()
        page.locator("#csv-file a").first.click()
    with open(dl.value.path(), encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert "北京" in {r["region"] for r in rows}
    assert {r["target_year"] for r in rows} == {"2025"}  # the filters apply to the export too
    counted = [r for r in rows if r["counted"].startswith("✓")]
    assert sum(float(r["value"]) for r in counted) == pytest.approx(152.68)  # the rows the total uses
    assert all("✗" in r["counted"] for r in rows if r not in counted)  # the others say why not


def test_upload_report_then_find_it_by_asking(page, shots, tmp_path, ui_assistant):
    code = str(100000 + int(uuid.uuid4().hex[:8], 16) % 900000)  # a figure only this report states
    name = f"ui_test_{code}.txt"
    fact = (f"蓝鲸湾港口测试报告\n\n据本报告测算，蓝鲸湾港口2026年集装箱吞吐量目标为 {code} 万标准箱，"
            "由蓝鲸湾港务集团负责实施。\n\n风险提示：本报告为界面测试自动生成，数据纯属虚构。\n")
    path = tmp_path / name
    path.write_text(fact, encoding="utf-8")

    page.get_by_role("tab", name="报告 / Reports").click()
    page.locator("#upload-files input[type=file]").set_input_files(str(path))
    page.wait_for_timeout(500)
    page.locator("#upload-btn").click()
    page.locator("#upload-status .panel-ok").wait_for(timeout=120_000)
    assert name in page.locator("#upload-status").inner_text()
    page.wait_for_function(f"() => document.querySelector('#report-cards').innerText.includes('{name}')")
    page.screenshot(path=str(shots / "07_upload.png"), full_page=True)
    assert name in [r["report"] for r in ui_assistant.reports()]
    assert (ui_assistant.settings.corpus_dir / name).is_file()

    page.get_by_role("tab", name="问答 / Chat").click()
    ask(page, "蓝鲸湾港口2026年集装箱吞吐量目标是多少？")
    assert code in last_bot_text(page)
    page.locator("#chatbot a.cite-link").first.click()
    page.locator("#passage-panel mark").wait_for()
    assert name in page.locator("#passage-panel").inner_text()
    page.screenshot(path=str(shots / "08_uploaded_answer.png"))

    # remove it again through the Reports tab: gone from the index, the table and the corpus
    page.get_by_role("tab", name="报告 / Reports").click()
    page.locator("#remove-choice input").click()
    page.get_by_role("option", name=name, exact=True).click()
    page.locator("#delete-btn").click()
    page.locator("#confirm-box").wait_for()
    assert name in page.locator("#confirm-msg").inner_text()
    page.locator("#confirm-btn").click()
    page.locator("#remove-status .panel-ok").wait_for()
    page.wait_for_function(f"() => !document.querySelector('#report-cards').innerText.includes('{name}')")
    assert name not in [r["report"] for r in ui_assistant.reports()]
    assert not (ui_assistant.settings.corpus_dir / name).exists()


def test_evals_tab_runs_and_shows_results(browser, ui_assistant, ui_settings, shots, tmp_path):
    """The Evals tab over a four-question QA file (the full suite is the CLI's job): metrics, one chart per
    question type, and every question with its answer, citations and pass/fail."""
    from assistant.ui.app import build_app, launch_kwargs

    wanted = {"fact-01", "num-01", "tt-01", "un-01"}
    lines = [line for line in (REPO / "evals" / "qa.jsonl").read_text(encoding="utf-8").splitlines()
             if line.strip() and json.loads(line)["id"] in wanted]
    qa = tmp_path / "qa-small.jsonl"
    qa.write_text("\n".join(lines) + "\n", encoding="utf-8")
    demo = build_app(ui_assistant, ui_settings, qa_path=qa).queue(default_concurrency_limit=4)
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, **launch_kwargs(ui_settings))
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        pg.goto(f"http://127.0.0.1:{port}/", wait_until="load")
        pg.get_by_role("tab", name="评测 / Evals").click()
        pg.locator("#run-evals").click()
        pg.locator("#evals-status .panel-ok").wait_for(timeout=120_000)
        pg.locator("#evals-items").wait_for()
        pg.locator("#evals-charts img").first.wait_for()
        time.sleep(1)
        pg.screenshot(path=str(shots / "09_evals.png"), full_page=True)
        items = pg.locator("#evals-items").inner_text()
        for qid in wanted:
            assert qid in items
        assert "✓ 通过 pass" in items
        metrics = pg.locator("#evals-metrics").inner_text()
        assert "全部 / overall" in metrics and "准确率 / accuracy" in metrics
        assert "answer_accuracy" not in metrics  # readable headers, not raw keys
        assert scratch.PREFIX not in pg.locator("#evals-status").inner_text()  # no temp path
        # overall + one chart per question type
        assert pg.locator("#evals-charts img").count() >= 1 + len({"fact", "numeric", "table_total", "unanswerable"})
    finally:
        context.close()
        demo.close()


def test_startup_time_to_usable_page(ui_root, ui_assistant, shots, browser, tmp_path):
    """`python -m assistant.ui` over a built index: seconds until the page answers and renders. Its files for
    downloads live under one scratch folder that goes when the server is stopped (SIGTERM)."""
    index = ui_root / "index-startup"
    shutil.copytree(ui_root / "index-template", index)
    port = free_port()
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(index), "ASSISTANT_CORPUS_DIR": str(ui_root / "corpus"),
           "PYTHONPATH": str(REPO), "TMPDIR": str(temp)}
    url = f"http://127.0.0.1:{port}/"
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "assistant.ui", "--port", str(port)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        http_ready = None
        while time.perf_counter() - t0 < 120:
            assert proc.poll() is None, proc.stdout.read()
            try:
                if httpx.get(url + "config", timeout=2).status_code == 200:
                    http_ready = time.perf_counter() - t0
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        assert http_ready is not None, "server did not come up in 120 s"
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        pg = context.new_page()
        pg.goto(url, wait_until="load")
        pg.locator("#question textarea").wait_for(timeout=30_000)
        page_ready = time.perf_counter() - t0
        pg.locator("#question textarea").fill("北京的智算算力规划是多少？")
        pg.locator("#ask-btn").click()
        pg.locator("#sources-panel a.cite-link").first.wait_for(timeout=30_000)
        first_answer = time.perf_counter() - t0
        context.close()
        downloads = sorted(p.name for p in temp.glob(f"{scratch.PREFIX}*/*/*.md"))
        assert downloads == ["answer.md", "chat.md"], downloads
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    assert proc.returncode == 0, proc.stdout.read()
    assert not list(temp.glob(f"{scratch.PREFIX}*")), "scratch folder left behind"
    timing = {"http_ready_s": round(http_ready, 2), "page_rendered_s": round(page_ready, 2),
              "first_answer_s": round(first_answer, 2)}
    (shots / "startup.json").write_text(json.dumps(timing, indent=2), encoding="utf-8")
    print("startup:", timing)
    assert page_ready < 60
