"""HTML for the UI: answers with clickable [n] markers, the cited passage, sources, the totals calculation.

Pure functions over the library's models (no Gradio here), so they are easy to test and reuse. Everything taken
from a report or a question is escaped; the only markup is what these functions write.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

from assistant.core.models import Located
from assistant.core.text import has_cjk
from assistant.core.models import Answer, Citation

MARKER_RE = re.compile(r"\[(\d{1,3})\]")
# Characters Markdown gives a meaning to; a backslash before any ASCII punctuation is a literal in CommonMark.
# & < > are written as entities instead, so no renderer can mistake them for markup.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$])")
CITE_PREFIX = "#cite-"
CONTEXT_CHARS = 600  # of the surrounding paragraph shown either side of a quote


def md_escape(text: str) -> str:
    """Plain text → Markdown that shows exactly that text (no HTML, no emphasis, no links)."""
    return _MD_SPECIAL.sub(r"\\\1", escape(text, quote=False))


def short_report(report: str) -> str:
    """"tianfeng_2024-09-17_ai-….txt" → "tianfeng 2024-09-17"; other names are kept, minus the suffix."""
    stem = report.rsplit(".", 1)[0]
    parts = stem.split("_")
    return " ".join(parts[:2]) if len(parts) >= 3 and parts[1][:4].isdigit() else stem


def cite_link(n: int | str, citation: Citation, cls: str = "cite-link") -> str:
    title = escape(f"{citation.report} · {citation.section or '—'}", quote=True)
    return f'<a class="{cls}" href="{CITE_PREFIX}{escape(citation.id, quote=True)}" title="{title}">[{n}]</a>'


def _line(text: str) -> str:
    """One line of answer text as Markdown; a leading "- " stays a visible bullet without becoming a list."""
    bullet = text.startswith("- ")
    body = md_escape(text[2:] if bullet else text)
    return f"• {body}" if bullet else body


def answer_markdown(answer: Answer, text: str | None = None) -> str:
    """The chat message for an answer: escaped text, [n] markers as links to their citations, formula, notes.

    `text` (a prefix of answer.answer) is used while the answer is still streaming in.
    """
    body = answer.answer if text is None else text
    lines = []
    for raw in body.split("\n"):
        out, pos = [], 0
        for m in MARKER_RE.finditer(raw):
            n = int(m.group(1))
            if not 1 <= n <= len(answer.citations):
                continue
            out.append(_line(raw[pos:m.start()]) if pos == 0 else md_escape(raw[pos:m.start()]))
            out.append(cite_link(n, answer.citations[n - 1]))
            pos = m.end()
        out.append(_line(raw[pos:]) if pos == 0 else md_escape(raw[pos:]))
        lines.append("".join(out))
    md = "\n".join(lines)
    if text is not None and text != answer.answer:
        return md + " ▌"
    extras = []
    if answer.abstained:
        extras.append("<small>⚠ 报告中未找到依据 / not supported by the reports — "
                      "右侧“相关段落”仅供参考 / related passages on the right are not evidence</small>")
    notes = [n for n in answer.notes if n]
    if notes:
        extras.append("<small>" + "<br>".join(md_escape(n) for n in notes) + "</small>")
    return md + ("\n\n" + "\n\n".join(extras) if extras else "")


# ---- side panel ----------------------------------------------------------------------------------------


def _meta(report: str, section: str, page: int | None) -> str:
    parts = [f"<b>报告 / Report:</b> {escape(report)}"]
    parts.append(f"<b>章节 / Section:</b> {escape(section) if section else '—'}")
    parts.append(f"<b>页 / Page:</b> {page if page is not None else '—'}")
    return '<div class="passage-meta">' + "<br>".join(parts) + "</div>"


def passage_html(located: Located, context_chars: int = CONTEXT_CHARS) -> str:
    """The cited quote, highlighted with <mark>, inside its surrounding paragraph (trimmed to `context_chars`
    either side when the paragraph is long, e.g. a whole table)."""
    para, at = located.paragraph, quote_position(located)
    if at is None:  # the paragraph does not hold the quote verbatim (should not happen): show both
        body = f"{escape(para)}<br><br><mark>{escape(located.quote)}</mark>"
    else:
        q_end = at + len(located.quote)
        lo, hi = max(0, at - context_chars), min(len(para), q_end + context_chars)
        before = ("…" if lo > 0 else "") + para[lo:at]
        after = para[q_end:hi] + ("…" if hi < len(para) else "")
        body = f"{escape(before)}<mark>{escape(para[at:q_end])}</mark>{escape(after)}"
    return (f'<div class="passage" id="passage-view"><h4>原文 / Cited passage</h4>'
            f'{_meta(located.report, located.section, located.page)}<div class="passage-text">{body}</div></div>')


def quote_position(located: Located) -> int | None:
    """Where the quote starts in the paragraph. `marked` is the paragraph with 【quote】 inserted at that
    place, which pins the right occurrence when the quote appears more than once."""
    para, marked, q = located.paragraph, located.marked, located.quote
    token = f"【{q}】"
    k = marked.find(token)
    while k >= 0:
        if marked[:k] == para[:k] and marked[k + len(token):] == para[k + len(q):] and para[k:k + len(q)] == q:
            return k
        k = marked.find(token, k + 1)
    at = para.find(q)
    return at if at >= 0 else None


def message_html(text: str, kind: str = "info") -> str:
    return f'<div class="panel-msg panel-{kind}">{escape(text)}</div>'


def _citation_items(citations: Sequence[Citation], cls: str) -> str:
    items = []
    for i, c in enumerate(citations, start=1):
        quote = c.quote if len(c.quote) <= 90 else c.quote[:89] + "…"
        where = f"{short_report(c.report)}" + (f" · p.{c.page}" if c.page is not None else "")
        items.append(f"<li>{cite_link(i, c, cls)} <span class='src-where'>{escape(where)}</span>"
                     f"<div class='src-quote'>{escape(quote)}</div></li>")
    return "<ol class='src-list'>" + "".join(items) + "</ol>"


def sources_html(answer: Answer) -> str:
    """Sources of the latest answer; when it abstained, related passages apart and labelled as not evidence."""
    parts = []
    if answer.citations:
        parts.append("<h4>引用 / Sources</h4><p class='hint'>点击 [n] 查看原文 / click [n] to open the passage</p>")
        parts.append(_citation_items(answer.citations, "cite-link"))
    if answer.abstained and answer.related:
        parts.append("<h4 class='related-h'>相关段落（非依据） / Related passages (not evidence)</h4>")
        parts.append(_citation_items(answer.related, "cite-link related-link"))
    if answer.tool is not None:
        parts.append(calculation_html(answer.tool.result))
    if not parts:
        parts.append(message_html("没有引用 / no citations"))
    return '<div class="sources">' + "".join(parts) + "</div>"


def _fmt_num(value: Any) -> str:
    text = str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def rows_table(rows: Iterable[Mapping[str, Any]]) -> str:
    """A small table of TargetRow dicts (model_dump(mode="json"))."""
    head = ["地区 / Region", "年份 / Year", "口径 / Metric", "值 / Value", "原文 / As written", "发布 / Published"]
    body = []
    for r in rows:
        cells = [r.get("region", ""), r.get("target_year", ""), r.get("metric", ""),
                 f"{r.get('qualifier', '')}{_fmt_num(r.get('value', ''))} {r.get('unit', '')}",
                 r.get("value_as_written", ""), r.get("published", "")]
        body.append("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in cells) + "</tr>")
    header = "<tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>"
    return f"<table class='rows-table'><thead>{header}</thead><tbody>{''.join(body)}</tbody></table>"


def zh_first(caveat: str, sep: str = " / ") -> str:
    """The totals tool writes caveats "English / 中文"; show the Chinese first, the English smaller after it."""
    en, found, zh = caveat.partition(sep)
    if not found or not has_cjk(zh):
        return escape(caveat)
    return f"{escape(zh)}<br><span class='en'>{escape(en)}</span>"


def calculation_html(result: Mapping[str, Any], show_rows: bool = True) -> str:
    """A totals result (TotalResult as JSON): figure, formula, rows used (unless shown elsewhere), caveats."""
    parts = ["<h4>计算 / Calculation</h4>"]
    if result.get("value") is None:
        parts.append(message_html(result.get("message") or "没有匹配的行 / no matching rows", "warn"))
    else:
        unit = result.get("unit", "")
        n = len(result.get("rows") or [])
        parts.append(f"<div class='calc-value'>{escape(result.get('op', ''))} = "
                     f"<b>{escape(_fmt_num(result['value']))} {escape(unit)}</b>"
                     f" <span class='en'>（{n} 行 / {n} rows）</span></div>")
    if result.get("expression"):
        parts.append(f"<div class='formula'><b>公式 / Formula:</b> <code>{escape(result['expression'])}</code></div>")
    rows = result.get("rows") or []
    if rows and show_rows:
        parts.append(f"<div class='rows-caption'>所用数据（{len(rows)} 行） / rows used ({len(rows)})</div>")
        parts.append(rows_table(rows))
    caveats = result.get("caveats") or []
    if caveats:
        parts.append("<div class='caveats'><b>注意 / Caveats</b><ul>"
                     + "".join(f"<li>{zh_first(c)}</li>" for c in caveats) + "</ul></div>")
    return '<div class="calculation">' + "".join(parts) + "</div>"


PASSAGE_PLACEHOLDER = message_html("点击答案中的 [n] 查看原文段落 / click a [n] marker to see the cited passage")
SOURCES_PLACEHOLDER = message_html("提问后这里列出引用 / the sources of an answer appear here")
