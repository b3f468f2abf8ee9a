"""问答 / Chat tab: answers with clickable [n] citations, the cited passage and sources beside them, and the
answer (or the whole chat) exported as Markdown with footnotes."""

from __future__ import annotations

import io
import logging
import queue
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import gradio as gr
from PIL import Image

from assistant.core.models import Answer
from assistant.facade import Assistant, QuestionError
from assistant.ui import render, scratch
from assistant.ui.style import CITE_BRIDGE_JS, SCROLL_TO_MARK_JS

log = logging.getLogger(__name__)

EXAMPLES = [
    "北京的智算算力规划是多少？",
    "2025年各地智算规划合计是多少？",
    "美国白宫宣布要成立什么机构？",
    "Which US bodies lead the AI datacenter task force?",
    "What is Shanghai's intelligent computing target?",
]
SEARCHING = "检索中… / searching…"
CURSOR = "▌"  # shown after streamed tokens until the checked answer replaces them
TICK_S = 1.0  # progress refresh while waiting for the model
PRIVATE = {"api_visibility": "private"}


def write_markdown(answers: list[Answer], name: str) -> str:
    """A .md file for the download buttons (Gradio serves files only from paths it is handed)."""
    path = scratch.new_file(name)
    path.write_text(render.export_markdown(answers), encoding="utf-8")
    return str(path)


def stream_ask(assistant: Assistant, text: str, conv: str, result: dict) -> Iterator[tuple[str, str]]:
    """(text so far, status) while `ask` runs in a thread; result gets "answer" or "error" at the end.
    The status says what is really happening: searching, waiting for the model (seconds of the timeout),
    writing, checking the citations."""
    tokens: queue.Queue = queue.Queue()
    llm = bool(assistant.settings.llm_base_url)
    limit = assistant.settings.llm_timeout_s

    def work():
        try:
            result["answer"] = assistant.ask(text, conversation=conv, on_token=tokens.put)
        except Exception as exc:
            result["error"] = exc
        finally:
            tokens.put(None)

    threading.Thread(target=work, name="chat-ask", daemon=True).start()
    t0, partial = time.monotonic(), ""
    while True:
        try:
            piece = tokens.get(timeout=TICK_S)
        except queue.Empty:
            piece = ""
        if piece is None:
            if partial:
                yield partial, "核对引用中… / checking citations…"
            return
        partial += piece
        waited = time.monotonic() - t0
        if partial:
            status = f"模型作答中… {waited:.0f} s / the model is writing… (limit {limit:g} s)"
        elif llm and waited > 2 * TICK_S:
            status = f"等待模型… {waited:.0f} s / waiting for the model… (limit {limit:g} s)"
        else:
            status = SEARCHING
        yield partial, status


def citation_panel(assistant: Assistant, citation_id: str) -> tuple:
    """A citation's passage (HTML) and, for text read by OCR, the page image region it was read from (shown
    under the passage; hidden otherwise)."""
    hidden = gr.update(value=None, visible=False)
    try:
        located = assistant.cite(citation_id)
    except (KeyError, ValueError) as exc:
        return render.message_html(str(exc).strip("'\""), "error"), hidden
    png = assistant.citation_image(located) if located.ocr_confidence is not None else None
    image = gr.update(value=Image.open(io.BytesIO(png)), visible=True) if png else hidden
    return render.passage_html(located), image


def chat_tab(assistant: Assistant) -> None:
    conversation = gr.State("")
    answers = gr.State([])  # this chat's answers as JSON, for the Markdown export
    with gr.Row(equal_height=False, elem_id="chat-row"):
        with gr.Column(scale=3, min_width=300):
            chatbot = gr.Chatbot(label="对话 / Conversation", height=520, elem_id="chatbot",
                                 feedback_options=None, buttons=["copy"],
                                 placeholder="用中文或英文提问；答案中的 [n] 可点击查看原文 / "
                                             "Ask in Chinese or English; click [n] to see the source")
            with gr.Row(equal_height=True):
                question = gr.Textbox(label="问题 / Question", placeholder="例如：北京的智算算力规划是多少？",
                                      scale=5, lines=1, max_lines=4, elem_id="question", autofocus=True,
                                      min_width=200)
                with gr.Column(scale=1, min_width=130):
                    ask_btn = gr.Button("提问 / Ask", variant="primary", elem_id="ask-btn")
                    clear_btn = gr.Button("清空 / Clear", size="sm", elem_id="clear-btn")
            with gr.Row():
                export_one = gr.DownloadButton("导出本条回答 / Export answer (.md)", size="sm", interactive=False,
                                               elem_id="export-answer", elem_classes="nowrap-btn")
                export_all = gr.DownloadButton("导出整段对话 / Export chat (.md)", size="sm", interactive=False,
                                               elem_id="export-chat", elem_classes="nowrap-btn")
            gr.Examples(EXAMPLES, inputs=question, label="示例问题 / Example questions")
        with gr.Column(scale=2, min_width=300):
            passage = gr.HTML(render.PASSAGE_PLACEHOLDER, elem_id="passage-panel", js_on_load=SCROLL_TO_MARK_JS)
            page_image = gr.Image(None, type="pil", visible=False, interactive=False, elem_id="passage-image",
                                  label="OCR 原页面区域 / page region the text was read from", show_label=False,
                                  buttons=["download", "fullscreen"])  # a label would float over a one-line crop
            sources = gr.HTML(render.SOURCES_PLACEHOLDER, elem_id="sources-panel")
            bridge = gr.HTML("", html_template="<div class='cite-bridge'>${value}</div>", js_on_load=CITE_BRIDGE_JS,
                             elem_id="cite-bridge", padding=False)

    def respond(text: str, history: list, conv: str, done: list) -> Iterator[tuple]:
        conv = conv or uuid.uuid4().hex
        keep = gr.update()
        if not (text or "").strip():
            yield history, text, conv, keep, keep, done, keep, keep
            return
        history = [*history, {"role": "user", "content": render.md_escape(text.strip())},
                   {"role": "assistant", "content": SEARCHING}]
        yield history, "", conv, render.message_html(SEARCHING), render.PASSAGE_PLACEHOLDER, done, keep, keep
        result: dict = {}
        for partial, status in stream_ask(assistant, text, conv, result):  # tokens as they come, and an honest status
            history[-1] = {"role": "assistant", "content": render.md_escape(partial) + CURSOR if partial
                           else status}
            yield history, "", conv, render.message_html(status), keep, done, keep, keep
        answer, error = result.get("answer"), result.get("error")
        if isinstance(error, QuestionError):
            message = str(error)
        elif error is not None:  # keep the page alive; say what happened
            log.error("ask failed", exc_info=error)
            message = f"出错 / error: {type(error).__name__}: {error}"
        else:
            history[-1] = {"role": "assistant", "content": render.answer_markdown(answer)}
            done = [*done, answer.model_dump(mode="json")]
            models = [Answer.model_validate(a) for a in done]
            yield (history, "", conv, render.sources_html(answer), keep, done,  # a passage opened meanwhile stays
                   gr.update(value=write_markdown(models[-1:], "answer.md"), interactive=True),
                   gr.update(value=write_markdown(models, "chat.md"), interactive=True))
            return
        # an error replaces "searching…" in both places, so nothing looks as if it were still running
        history[-1] = {"role": "assistant", "content": f"⚠ {render.md_escape(message)}"}
        yield (history, "", conv, render.message_html(message, "error"), render.PASSAGE_PLACEHOLDER, done,
               keep, keep)

    def open_citation(citation_id: str) -> tuple:
        return citation_panel(assistant, citation_id) if citation_id else (gr.update(), gr.update())

    def clear(conv: str) -> tuple:
        if conv:
            assistant.forget(conv)
        off = gr.update(value=None, interactive=False)
        return [], "", "", render.SOURCES_PLACEHOLDER, render.PASSAGE_PLACEHOLDER, [], off, off

    inputs = [question, chatbot, conversation, answers]
    outs = [chatbot, question, conversation, sources, passage, answers, export_one, export_all]
    question.submit(respond, inputs, outs, **PRIVATE)
    ask_btn.click(respond, inputs, outs, **PRIVATE)
    clear_btn.click(clear, [conversation], outs, **PRIVATE)
    chatbot.clear(clear, [conversation], outs, **PRIVATE)
    bridge.change(open_citation, [bridge], [passage, page_image], **PRIVATE)
    # a new question or a cleared chat resets the passage, and so its image
    for event in (question.submit, ask_btn.click, clear_btn.click, chatbot.clear):
        event(lambda: gr.update(value=None, visible=False), None, page_image, **PRIVATE)
