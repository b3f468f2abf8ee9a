"""查引用 / Lookup tab: paste a quote → every place it occurs (report, section, page, offsets), each in its
passage with the quote highlighted. Whitespace and full/half-width differences are ignored."""

from __future__ import annotations

import gradio as gr

from assistant.facade import Assistant
from assistant.ui import render

ALL_REPORTS = "全部报告 / all reports"
PLACEHOLDER = render.message_html("粘贴一段引文，查找它出自哪份报告、哪一节、哪一页 / paste a quote to find the report, "
                                  "section and page it comes from")
MAX_QUOTE = 2000  # characters; a pasted quote longer than this is not a quote


def lookup_tab(assistant: Assistant) -> gr.Tab:
    with gr.Tab("查引用 / Lookup", id="lookup", elem_id="tab-lookup") as tab:
        with gr.Row(equal_height=True):
            quote = gr.Textbox(label="引文 / Quote", lines=2, max_lines=6, scale=5, elem_id="lookup-quote",
                               placeholder="例如：各地智算规划多以 25 年为目标 / e.g. a sentence copied from a report",
                               min_width=240)
            with gr.Column(scale=2, min_width=200):
                report = gr.Dropdown([ALL_REPORTS], value=ALL_REPORTS, label="报告 / Report",
                                     elem_id="lookup-report")
                find_btn = gr.Button("查找 / Find", variant="primary", elem_id="lookup-btn",
                                     elem_classes="nowrap-btn")
        results = gr.HTML(PLACEHOLDER, elem_id="lookup-panel")

    def find(text: str, where: str) -> str:
        text = (text or "").strip()
        if not text:
            return render.message_html("请先粘贴引文 / paste a quote first", "warn")
        if len(text) > MAX_QUOTE:
            return render.message_html(f"引文过长（{len(text)} 字，上限 {MAX_QUOTE}） / the quote is too long "
                                       f"({len(text)} characters, limit {MAX_QUOTE})", "error")
        return render.lookup_html(text, assistant.find_quote(text, None if where in (None, ALL_REPORTS) else where))

    private = {"api_visibility": "private"}
    find_btn.click(find, [quote, report], results, **private)
    quote.submit(find, [quote, report], results, **private)
    tab.select(lambda: gr.update(choices=[ALL_REPORTS, *(r["report"] for r in assistant.reports())]), None, report,
               **private)
    return tab
