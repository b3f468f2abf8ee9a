"""问答 / Chat tab: answers with clickable [n] citations, the cited passage and sources beside them, and the
answer (or the whole chat) exported as Markdown with footnotes."""

from __future__ import annotations

import logging
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import gradio as gr

from assistant.core.models import Answer
from assistant.facade import Assistant, QuestionError
from assistant.ui import render
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
PRIVATE = {"api_visibility": "private"}


def write_markdown(answers: list[Answer], name: str) -> str:
    """A .md file for the download buttons (Gradio serves files only from paths it is handed)."""
    path = Path(tempfile.mkdtemp(prefix="assistant-export-")) / name
    path.write_text(render.export_markdown(answers), encoding="utf-8")
    return str(path)


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
        try:
            answer = assistant.ask(text, conversation=conv)
        except QuestionError as exc:
            message = str(exc)
        except Exception as exc:  # keep the page alive; say what happened
            log.exception("ask failed")
            message = f"出错 / error: {type(exc).__name__}: {exc}"
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

    def open_citation(citation_id: str) -> str:
        if not citation_id:
            return gr.update()
        try:
            return render.passage_html(assistant.cite(citation_id))
        except (KeyError, ValueError) as exc:
            return render.message_html(str(exc).strip("'\""), "error")

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
    bridge.change(open_citation, [bridge], [passage], **PRIVATE)
