"""研报助手 / Report Assistant — the Gradio app, assembled from one module per tab. A thin shell: every action is
one call on `Assistant`.

    from assistant.ui import serve
    serve()                                   # http://127.0.0.1:7860
    serve("0.0.0.0", auth="user:password")    # beyond loopback only with a password

Tabs: 问答 / Chat (ui/chat.py), 查引用 / Lookup (ui/lookup.py), 规划目标 / Targets (ui/targets.py),
报告 / Reports (ui/reports.py), 评测 / Evals (ui/evals.py); CSS and browser scripts in ui/style.py.
API: `/ask` (question → Answer JSON).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.core.settings import PROJECT_ROOT, Settings
from assistant.facade import Assistant, QuestionError
from assistant.ui.chat import chat_tab
from assistant.ui.evals import evals_tab
from assistant.ui.lookup import lookup_tab
from assistant.ui.reports import reports_tab
from assistant.ui.safety import check_bind
from assistant.ui.style import CSS, relabel_js
from assistant.ui.targets import targets_tab

log = logging.getLogger(__name__)

TITLE = "研报助手 / Report Assistant"
CONCURRENCY = 4  # questions answered at once; the Assistant is thread-safe for reads
DEFAULT_QA = PROJECT_ROOT / "evals" / "qa.jsonl"
CACHE_AGE = (3600, 3600)  # Gradio's copies of served files: pruned hourly, removed when the app closes


def api_endpoint(assistant: Assistant) -> None:
    def ask(question: str) -> dict:
        """Ask a question; returns the Answer as JSON, the same object as `assistant ask --json`."""
        try:
            return assistant.ask(question).model_dump(mode="json")
        except QuestionError as exc:
            return {"error": str(exc)}

    gr.api(ask, api_name="ask")


def build_app(assistant: Assistant, settings: Settings | None = None, qa_path: Path | None = None) -> gr.Blocks:
    """The Blocks app over `assistant`. Launch it with `serve`, or with `launch_kwargs()` for the same look."""
    settings = settings or assistant.settings
    with gr.Blocks(title=TITLE, fill_width=True, delete_cache=CACHE_AGE) as demo:
        gr.Markdown(f"## {TITLE}\n离线问答，答案均附原文引用 · Offline answers, each cited verbatim from the reports")
        with gr.Tabs(elem_id="tabs"):
            with gr.Tab("问答 / Chat", id="chat", elem_id="tab-chat"):
                chat_tab(assistant)
            lookup_tab(assistant)
            targets_tab(assistant)
            reports_tab(assistant, settings)
            evals_tab(assistant, Path(qa_path or DEFAULT_QA))
        api_endpoint(assistant)
    return demo


def launch_kwargs(settings: Settings) -> dict[str, Any]:
    """Launch options besides host, port and auth: styling, labels, upload cap (our own check gives the message)."""
    return {"css": CSS, "js": relabel_js(), "ssr_mode": False, "share": False, "show_error": True, "quiet": True,
            "max_file_size": int(settings.max_upload_mb * 1024 * 1024) + 1024 * 1024}


def ensure_index_in_terminal(assistant: Assistant) -> None:
    """Build the index on first use, with a progress bar in the terminal."""
    if assistant.reports():
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    console.print(f"首次使用：正在建立索引 / first use: building the index from {assistant.settings.corpus_dir}")
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as bar:
        task = bar.add_task("index", total=None)

        def step(stage: str, report: str, done: int, total: int) -> None:
            bar.update(task, description=f"{stage:>6} {report[:48]}", completed=done, total=total or None)

        summary = assistant.ensure_index(progress=step)
    if summary is not None:
        console.print(f"索引完成 / indexed: {len(summary.added)} added, {summary.chunks} chunks, "
                      f"{summary.seconds:.1f} s" + (f", failed: {summary.failed}" if summary.failed else ""))


def _warm_up(assistant: Assistant) -> None:
    """Load the embedder, tokeniser and target table now, so the first question is as fast as the rest."""
    try:
        assistant.search("算力 warm-up")
        assistant.targets()
    except Exception:  # a warm-up failure must not stop the server; the first question will show the error
        log.exception("warm-up failed")


def _process_age() -> float | None:
    """Seconds since this process started (Linux), so the startup line can include the import time."""
    try:
        with open("/proc/self/stat") as fh:
            start_ticks = int(fh.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as fh:
            uptime = float(fh.read().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def serve(host: str = "127.0.0.1", port: int = 7860, auth: str | tuple[str, str] | None = None, *,
          assistant: Assistant | None = None, settings: Settings | None = None, block: bool = True,
          qa_path: Path | None = None) -> gr.Blocks:
    """Start the app. Refuses (UnsafeBindError) a non-loopback host without auth (argument or ASSISTANT_AUTH).

    block=False returns the running app (call .close() to stop it), as tests do.
    """
    t0 = time.perf_counter()
    settings = settings or (assistant.settings if assistant is not None else Settings())
    credentials = check_bind(host, auth if auth else (settings.auth or None))  # before anything slow
    assistant = assistant or Assistant(settings)
    ensure_index_in_terminal(assistant)
    t_index = time.perf_counter()
    _warm_up(assistant)
    t_warm = time.perf_counter()
    demo = build_app(assistant, settings, qa_path)
    demo.queue(default_concurrency_limit=CONCURRENCY)
    demo.launch(server_name=host, server_port=port, auth=credentials, prevent_thread_lock=True,
                auth_message="研报助手：请登录 / Report Assistant: please sign in", **launch_kwargs(settings))
    now = time.perf_counter()
    url = demo.local_url or f"http://{host}:{port}/"
    since_start = _process_age()
    print(f"{TITLE} 已就绪 / ready: {url} — serve {now - t0:.1f} s (index {t_index - t0:.1f} s, warm-up "
          f"{t_warm - t_index:.1f} s, app {now - t_warm:.1f} s)"
          + (f", {since_start:.1f} s since the process started" if since_start is not None else ""), flush=True)
    if block:
        if threading.current_thread() is threading.main_thread():  # SIGTERM exits cleanly: scratch files go
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            demo.block_thread()
        finally:
            demo.close()
    return demo

