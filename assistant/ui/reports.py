"""报告 / Reports tab: each report's card, upload, and two separate, confirmed ways to take a report away:
remove it from the index (the file stays and a later re-index of the folder brings it back) or delete its file."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from assistant.core.settings import Settings
from assistant.facade import Assistant
from assistant.ui import render

PRIVATE = {"api_visibility": "private"}
INGEST = {"concurrency_limit": 1, "concurrency_id": "ingest"}  # one writer at a time
REMOVE, DELETE = "remove", "delete"


def cards_html(assistant: Assistant) -> str:
    return render.report_cards_html(assistant.cards(), assistant.reports())


def pending_box_html(assistant: Assistant) -> str:
    """Files in the corpus the index does not hold as they are (an interrupted upload, a hand edit, a file removed
    from the index but kept): shown apart from the cards, with what to do."""
    return render.pending_html(assistant.pending())


def upload_html(results) -> str:
    # Plain symbols (DejaVu has them): colour emoji fonts are often missing on servers and in headless browsers.
    icons = {"added": ("✓", "ok"), "updated": ("✓", "ok"), "unchanged": ("ℹ", "info"), "refused": ("✗", "error")}
    lines = []
    for r in results:
        icon, kind = icons.get(r.status, ("", "info"))
        lines.append(render.message_html(f"{icon} {r.message}", kind))
    return "<div id='upload-result'>" + "".join(lines) + "</div>"


def confirm_text(action: str, report_id: str) -> str:
    if action == DELETE:
        return (f"确认删除文件 {report_id}？它将从索引中移除，并从报告文件夹中删除，无法恢复。 / Delete the file "
                f"{report_id}? It leaves the index and is deleted from the reports folder; this cannot be undone.")
    return (f"确认从索引中移除 {report_id}？文件保留在报告文件夹中，重新索引会再次加入。 / Remove {report_id} from the "
            "index? The file stays in the reports folder; re-indexing the folder adds it back.")


def reports_tab(assistant: Assistant, settings: Settings) -> gr.Tab:
    with gr.Tab("报告 / Reports", id="reports", elem_id="tab-reports") as tab:
        pending = gr.State(None)  # (action, report id) awaiting confirmation; inside the tab, not among the Tabs
        pending_box = gr.HTML(pending_box_html(assistant), elem_id="pending-box")
        cards = gr.HTML(cards_html(assistant), label="已索引报告 / Indexed reports", elem_id="report-cards")
        with gr.Row():
            with gr.Column(min_width=300):
                files = gr.File(label=f"上传报告 / Upload reports (.txt .md .pdf, ≤ {settings.max_upload_mb:g} MB)",
                                file_count="multiple", file_types=[".txt", ".md", ".pdf"], type="filepath",
                                elem_id="upload-files")
                upload_btn = gr.Button("上传并索引 / Upload and index", variant="primary", elem_id="upload-btn")
                result = gr.HTML(elem_id="upload-status")
            with gr.Column(min_width=300):
                choice = gr.Dropdown(choices=[r["report"] for r in assistant.reports()], label="选择报告 / Report",
                                     elem_id="remove-choice")
                # one per line: side by side their labels overflowed at 820 px
                remove_btn = gr.Button("从索引移除（保留文件） / Remove from index (keep the file)", elem_id="remove-btn")
                delete_btn = gr.Button("删除文件（并移出索引） / Delete the file (and remove it)", variant="stop",
                                       elem_id="delete-btn")
                with gr.Column(visible=False, elem_id="confirm-box", elem_classes="confirm-box") as confirm_box:
                    confirm_msg = gr.HTML(elem_id="confirm-msg")
                    with gr.Row():
                        confirm_btn = gr.Button("确认 / Confirm", variant="stop", elem_id="confirm-btn", min_width=100)
                        cancel_btn = gr.Button("取消 / Cancel", elem_id="cancel-btn", min_width=100)
                removed = gr.HTML(elem_id="remove-status")

    def ids_update() -> dict:
        return gr.update(choices=[r["report"] for r in assistant.reports()], value=None)

    def upload(paths: list[str] | None, progress=gr.Progress()) -> tuple:
        if not paths:
            return (render.message_html("请先选择文件 / choose a file first", "warn"), gr.update(), gr.update(),
                    gr.update(), None)
        items = [(Path(p), Path(p).name) for p in paths]

        def on_progress(stage: str, report: str, done: int, total: int) -> None:
            progress((done, total) if total else None, desc=f"{stage} · {report}")

        results = assistant.upload(items, progress=on_progress,
                                   on_file=lambda i, n, name: progress((i, n), desc=f"读取 / load · {name}"))
        for r in results:
            if r.status == "refused":
                gr.Warning(r.message)
        return upload_html(results), cards_html(assistant), pending_box_html(assistant), ids_update(), None

    def ask(action: str, report_id: str | None) -> tuple:
        if not report_id:
            return (None, gr.update(visible=False), "",
                    render.message_html("请先选择报告 / choose a report first", "warn"))
        return (action, report_id), gr.update(visible=True), render.message_html(confirm_text(action, report_id),
                                                                                 "warn"), ""

    def confirm(todo: tuple | None) -> tuple:
        hidden = gr.update(visible=False)
        if not todo:
            return None, hidden, gr.update(), gr.update(), gr.update(), gr.update()
        action, report_id = todo
        n = assistant.remove(report_id, delete_file=action == DELETE)
        if not n:
            msg, kind = f"未找到 {report_id} / {report_id} was not indexed", "warn"
        elif action == DELETE:
            msg, kind = f"已删除文件并移出索引：{report_id}（{n} 段） / deleted {report_id} ({n} chunks)", "ok"
        else:
            msg, kind = (f"已从索引移除：{report_id}（{n} 段，文件保留） / removed {report_id} from the index "
                         f"({n} chunks; the file stays)", "ok")
        return (None, hidden, render.message_html(msg, kind), cards_html(assistant), pending_box_html(assistant),
                ids_update())

    def cancel() -> tuple:
        return None, gr.update(visible=False), render.message_html("已取消 / cancelled")

    upload_btn.click(upload, [files], [result, cards, pending_box, choice, files], **INGEST, **PRIVATE)
    remove_btn.click(lambda r: ask(REMOVE, r), [choice], [pending, confirm_box, confirm_msg, removed], **PRIVATE)
    delete_btn.click(lambda r: ask(DELETE, r), [choice], [pending, confirm_box, confirm_msg, removed], **PRIVATE)
    confirm_btn.click(confirm, [pending], [pending, confirm_box, removed, cards, pending_box, choice], **INGEST,
                      **PRIVATE)
    cancel_btn.click(cancel, None, [pending, confirm_box, removed], **PRIVATE)
    choice.change(lambda: (None, gr.update(visible=False)), None, [pending, confirm_box], **PRIVATE)
    tab.select(lambda: (cards_html(assistant), pending_box_html(assistant), ids_update()), None,
               [cards, pending_box, choice], **PRIVATE)
    return tab
