"""`assistant …`: the command line, a thin shell over `Assistant`. Everything the UI does, it does too."""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from assistant.core.settings import RetrieverKind, Settings, is_checkout

class _App(typer.Typer):
    """A storage fault (read-only index, full disk, another writer) ends any command with its one line, not a
    traceback; the message comes from ingest/store/faults.py."""

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except Exception as exc:
            from assistant.facade import StorageError

            if not isinstance(exc, StorageError):
                raise
            Console(stderr=True).print(str(exc), markup=False, highlight=False, soft_wrap=True)
            sys.exit(1)


app = _App(help="研报助手 / Report Assistant — offline Q&A with verified citations over research reports.",
           no_args_is_help=True, pretty_exceptions_enable=False)
console = Console()
err = Console(stderr=True)


@app.callback()
def _where(
    corpus: Annotated[Optional[Path], typer.Option("--corpus", help="Reports folder (else ASSISTANT_CORPUS_DIR).")] = None,
    index: Annotated[Optional[Path], typer.Option("--index", help="Index folder (else ASSISTANT_INDEX_DIR).")] = None,
) -> None:
    """研报助手 / Report Assistant — offline Q&A with verified citations over research reports."""
    import os

    # Settings read the environment; the flags win over it for this process.
    for name, flag, value in (("corpus", "--corpus", corpus), ("index", "--index", index)):
        var = f"ASSISTANT_{name.upper()}_DIR"
        if value is not None:
            os.environ[var] = str(value.resolve())
            _DIRS_FROM[name] = flag
        else:
            _DIRS_FROM[name] = (var if os.environ.get(var) else
                                "checkout" if is_checkout() else "per-user data dir (platformdirs)")
    get_assistant.cache_clear()


_DIRS_FROM: dict[str, str] = {}  # corpus/index → what chose the folder: a flag, the env var, or the default


@lru_cache(maxsize=1)
def get_assistant():
    from assistant.facade import Assistant

    return Assistant(Settings())


def get_ready_assistant(retriever: RetrieverKind | None = None):
    """The assistant with its index built (first use) and, if asked, another retrieval strategy."""
    assistant = get_assistant()
    _ensure_index(assistant)
    return assistant.with_retriever(retriever) if retriever else assistant


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[red]{message}[/red]")
    raise typer.Exit(code)


class _IngestBar:
    """A rich progress bar fed by the ingestor's progress callback."""

    def __init__(self) -> None:
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=err, transient=False)
        self.task = None

    def __call__(self, stage: str, report: str, done: int, total: int) -> None:
        label = {"embed": "嵌入 / embedding", "store": "写入 / storing", "load": "读取 / loading",
                 "commit": "提交 / committing", "done": "完成 / done", "skip": "未变 / unchanged",
                 "error": "失败 / failed", "ocr": "OCR 识别 / OCR"}.get(stage, stage)
        if self.task is None:
            self.task = self.bar.add_task("", total=max(total, 1))
        self.bar.update(self.task, description=f"{label} {report[:40]}", completed=done, total=max(total, 1))

    def __enter__(self):
        self.bar.start()
        return self

    def __exit__(self, *exc):
        self.bar.stop()


def _question(call):
    """`call(assistant)` over a ready index; a question the assistant refuses (empty, too long) → one-line error."""
    from assistant.facade import QuestionError

    assistant = get_assistant()
    _ensure_index(assistant)
    try:
        return call(assistant)
    except QuestionError as exc:
        _fail(str(exc))


def _ensure_index(assistant) -> None:
    if not assistant.index.catalog.report_ids():
        err.print(f"首次使用，正在从 {assistant.settings.corpus_dir} 建立索引… / first use: building the index from "
                  f"{assistant.settings.corpus_dir}…", markup=False)
        with _IngestBar() as bar:
            assistant.ensure_index(progress=bar)


@app.command()
def ingest(paths: Annotated[Optional[list[Path]], typer.Argument(help="files or folders (default: corpus/)")] = None,
           rebuild: Annotated[bool, typer.Option(help="re-chunk every report even if unchanged")] = False) -> None:
    """导入报告 / Ingest reports (txt, md, pdf) into the index."""
    assistant = get_assistant()
    with _IngestBar() as bar:
        summary = assistant.ingest(paths or [assistant.settings.corpus_dir], rebuild=rebuild, progress=bar)
    for name, reason in summary.failed.items():
        err.print(f"[red]✗ {reason}[/red]")
    for name, note in summary.notes.items():  # e.g. pages the OCR cap left unread
        err.print(f"⚠ {name}: {note}", markup=False, highlight=False, soft_wrap=True)
    console.print(
        f"新增 added {len(summary.added)} · 更新 updated {len(summary.updated)} · 未变 unchanged "
        f"{len(summary.unchanged)} · 失败 failed {len(summary.failed)} · 分块 chunks {summary.chunks} · "
        f"新嵌入 embedded {summary.embedded} · {summary.seconds:.1f} s"
    )
    if summary.failed:
        raise typer.Exit(1)


@app.command()
def remove(report: Annotated[str, typer.Argument(help="report id (its file name)")],
           delete_file: Annotated[bool, typer.Option(help="also delete the file from corpus/")] = False) -> None:
    """删除报告 / Remove a report and its chunks from the index."""
    removed = get_assistant().remove(report, delete_file=delete_file)
    if not removed:
        _fail(f"索引中没有报告 {report} / no report {report} in the index")
    console.print(f"已删除 removed {report}: {removed} chunks")


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """索引状态 / Reports, chunks, embedder and index size."""
    assistant = get_assistant()
    info = assistant.status()
    facts = {r["report"]: r for r in assistant.reports()}
    pages = {rid: f.get("pages", 0) for rid, f in facts.items()}
    cards = {c.report: c for c in assistant.cards()}
    info["corpus_dir"] = str(assistant.settings.corpus_dir)
    info["dirs_from"] = {"corpus": _DIRS_FROM.get("corpus", "default"), "index": _DIRS_FROM.get("index", "default")}
    info["cards"] = [c.model_dump(mode="json") for c in cards.values()]
    info["reports"] = list(facts.values())  # the same rows, with pages, OCR'd pages and pages the OCR cap left unread
    if as_json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return

    def value(field) -> str:
        return field.value if field is not None else "—"

    # one block per report (a ten-column table is unreadable in an 80-column terminal)
    for r in info["reports"]:
        c = cards.get(r["report"])
        analysts = "、".join(a.value for a in c.analysts) if c and c.analysts else "—"
        lines = [r["report"],
                 f"  标题 title: {value(c.title) if c else '—'}",
                 f"  券商 broker: {value(c.broker) if c else '—'} · 日期 date: {value(c.date) if c else '—'} · "
                 f"评级 rating: {(c.rating_text or '—') if c else '—'}",
                 f"  分析师 analysts: {analysts}",
                 f"  页 pages {pages.get(r['report']) or '—'} · 分块 chunks {r['chunks']} · 表格 tables {r['tables']} · "
                 f"字符 chars {r['chars']} · 编码 encoding {r['encoding']}"
                 + (f" · OCR 页 OCR'd pages {f['ocr_pages']}" if (f := facts.get(r["report"], {})).get("ocr_pages") else "")
                 + (" · 繁体 Traditional" if f.get("traditional") else "")]
        if f.get("ocr_note"):
            lines.append(f"  ⚠ {f['ocr_note']}")
        console.print("\n".join(lines), markup=False, highlight=False, soft_wrap=True)
    console.print(f"报告目录 corpus: {info['corpus_dir']} ({info['dirs_from']['corpus']})", markup=False, soft_wrap=True)
    console.print(f"索引目录 index: {info['index_dir']} ({info['dirs_from']['index']})", markup=False, soft_wrap=True)
    console.print(f"chunks {info['chunks']} · vectors {info['vectors']} · embedder {info['embedder']} · "
                  f"chroma {info['chroma']} · index {info['index_bytes'] / 1e6:.1f} MB")
    if info.get("storage_fault"):  # read-only folder or full disk: reads work, writes refuse with this line
        console.print(info["storage_fault"], markup=False, soft_wrap=True)
    for p in info.get("pending", []):
        console.print(f"待处理 pending: {p['file']} — {p['reason']}", markup=False, soft_wrap=True)


@app.command()
def search(query: str, k: Annotated[int, typer.Option("-k")] = 5,
           report: Annotated[Optional[str], typer.Option(help="only this report")] = None,
           as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """混合检索 / Hybrid search (BM25 + dense, reciprocal-rank fusion)."""
    hits = _question(lambda a: a.search(query, k=k, report=report))
    if as_json:
        print(json.dumps([{"chunk_id": h.chunk.id, "score": h.score, "bm25_rank": h.bm25_rank,
                           "dense_rank": h.dense_rank, "report": h.chunk.report, "section": h.chunk.section,
                           "page": h.chunk.page, "start": h.chunk.start, "end": h.chunk.end, "kind": h.chunk.kind.value,
                           "text": h.chunk.text} for h in hits], ensure_ascii=False, indent=2))
        return
    for n, h in enumerate(hits, start=1):
        c = h.chunk
        console.print(f"[bold]{n}. {h.score:.4f}[/bold] {c.report} · {c.section or '—'} · p.{c.page or '—'} · "
                      f"[{c.start}:{c.end}] · bm25 #{h.bm25_rank or '—'} dense #{h.dense_rank or '—'}")
        console.print(c.text[:300], markup=False, highlight=False)
        console.print()


@app.command()
def ask(question: str, as_json: Annotated[bool, typer.Option("--json")] = False,
        report: Annotated[Optional[str], typer.Option(help="only this report")] = None,
        history: Annotated[Optional[list[str]], typer.Option(help="earlier questions, oldest first")] = None) -> None:
    """提问 / Ask a question; the answer cites verified passages, or says the reports do not hold it."""
    answer = _question(lambda a: a.ask(question, history=history, report=report))
    if as_json:
        print(json.dumps(answer.model_dump(mode="json", exclude={"related", "notes"}) | {
            "related": [c.model_dump(mode="json") for c in answer.related], "notes": answer.notes},
            ensure_ascii=False, indent=2))
        return
    console.print(answer.answer, markup=False, highlight=False)
    for note in answer.notes:
        console.print(f"[dim]{note}[/dim]")
    for title, cites in (("引用 / citations", answer.citations), ("相关段落（非依据）/ related, not support",
                                                                 answer.related)):
        if cites:
            console.print(f"\n[bold]{title}[/bold]")
        for n, c in enumerate(cites, start=1):
            console.print(f"[{n}] {c.report} · {c.section or '—'} · p.{c.page or '—'} · [{c.start}:{c.end}] · id {c.id}",
                          markup=False, highlight=False)
            console.print(f"    “{c.quote[:200]}”", markup=False, highlight=False)
    console.print(f"[dim]{answer.latency_ms:.0f} ms[/dim]")


@app.command()
def cite(citation_id: Annotated[Optional[str], typer.Argument(help="a citation id printed with an answer")] = None,
         quote: Annotated[Optional[str], typer.Option("--quote", help="find where a quote comes from")] = None,
         report: Annotated[Optional[str], typer.Option(help="only this report")] = None,
         image: Annotated[Optional[Path], typer.Option("--image", help="write the page region an OCR'd passage "
                                                        "was read from to this PNG")] = None) -> None:
    """查引用 / Show a cited passage in its paragraph, by citation id or by quote."""
    assistant = get_assistant()
    _ensure_index(assistant)
    if bool(citation_id) == bool(quote):
        _fail("请给出引用编号或 --quote 之一 / give either a citation id or --quote")
    if citation_id:
        try:
            found = [assistant.cite(citation_id)]
        except KeyError as exc:
            _fail(str(exc.args[0]))
    else:
        found = assistant.find_quote(quote, report)
        if not found:
            _fail("报告中找不到这段引文 / the quote is found in no report")
    for loc in found:
        console.print(f"[bold]{loc.report}[/bold] · {loc.section or '—'} · p.{loc.page or '—'} · [{loc.start}:{loc.end}]"
                      + (f" · OCR {loc.ocr_confidence:.2f}" if loc.ocr_confidence is not None else ""))
        console.print(loc.marked, markup=False, highlight=False)
    if image is not None:  # the first place read by OCR, as the UI shows it under the passage
        ocrd = [loc for loc in found if loc.ocr_confidence is not None]
        if not ocrd:
            _fail("这段文字不是 OCR 识别的，没有页面图像 / not read by OCR: no page image")
        png = next((p for loc in ocrd if (p := assistant.citation_image(loc))), None)
        if png is None:
            _fail("页面图像不可用：文件已改动或不在报告目录中，或索引早于页面框（ingest --rebuild） / no page image: "
                  "the file changed or is outside the corpus, or was indexed before page boxes were kept")
        image.write_bytes(png)
        console.print(f"页面图像 / page image: {image} ({len(png) // 1024} KB)", markup=False, highlight=False)


def _register_extensions() -> None:
    # Commands that live beside their feature: tables/totals, eval, serve.
    for module in ("assistant.cli.tables", "assistant.cli.evals", "assistant.cli.serve"):
        try:
            mod = __import__(module, fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        mod.register(app, get_ready_assistant if module == "assistant.cli.evals" else get_assistant)


_register_extensions()

if __name__ == "__main__":
    sys.exit(app())
