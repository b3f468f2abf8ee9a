"""HTML for the UI: answers with clickable [n] markers, the cited passage, sources, the totals calculation.

Pure functions over the library's models (no Gradio here), so they are easy to test and reuse. Everything taken
from a report or a question is escaped; the only markup is what these functions write.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

from assistant.core.models import Answer, Citation, Located, ReportCard
from assistant.core.text import has_cjk

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


def _linked_line(raw: str, answer: Answer) -> str:
    """One line of answer text as Markdown, its [n] markers as links to the answer's citations."""
    out, pos = [], 0
    for m in MARKER_RE.finditer(raw):
        n = int(m.group(1))
        if not 1 <= n <= len(answer.citations):
            continue
        out.append(_line(raw[pos:m.start()]) if pos == 0 else md_escape(raw[pos:m.start()]))
        out.append(cite_link(n, answer.citations[n - 1]))
        pos = m.end()
    out.append(_line(raw[pos:]) if pos == 0 else md_escape(raw[pos:]))
    return "".join(out)


def _totals_markdown(answer: Answer) -> str | None:
    """A totals answer as an analyst reads it: the figure and the formula first, then the cited rows, and the
    caveats folded below (a long list of caveats used to push the figure out of view)."""
    if answer.tool is None or answer.tool.name != "totals":
        return None
    result = answer.tool.result or {}
    if result.get("value") is None:
        return None
    lines = [ln for ln in answer.answer.split("\n") if ln.strip()]
    if not lines:
        return None
    expression = result.get("expression") or ""
    cited = [ln for ln in lines[1:] if MARKER_RE.search(ln)]
    # the remaining lines (arithmetic, groups, caveats) are already shown as the formula or the folded caveats
    groups = [ln for ln in lines[1:] if ln not in cited and not (expression and ln.endswith(expression))
              and not ln.startswith("- ") and ln.rstrip("：:") not in ("注意", "Caveats")]
    parts = [f"**{md_escape(lines[0])}**"]
    if expression:
        parts.append("公式 / Formula: `" + expression.replace("`", "'") + "`")
    parts += [_linked_line(ln, answer) for ln in groups]
    if cited:  # folded too: ten rows would push the figure out of view again (they are in the sources panel)
        items = "".join(f"<li>{_linked_line_html(ln.removeprefix('- '), answer)}</li>" for ln in cited)
        parts.append(f"<details class='rows-used'><summary>所用数据（{len(cited)} 行） / rows used ({len(cited)})"
                     f"</summary><ul>{items}</ul></details>")
    caveats = result.get("caveats") or []
    if caveats:
        parts.append(caveats_html(caveats))
    return "\n\n".join(parts)


def _linked_line_html(raw: str, answer: Answer) -> str:
    """_linked_line for inside an HTML block (where Markdown escapes would show as backslashes)."""
    out, pos = [], 0
    for m in MARKER_RE.finditer(raw):
        n = int(m.group(1))
        if 1 <= n <= len(answer.citations):
            out += [escape(raw[pos:m.start()]), cite_link(n, answer.citations[n - 1])]
            pos = m.end()
    return "".join(out) + escape(raw[pos:])


def caveats_html(caveats: Sequence[str], open_: bool = False) -> str:
    """Caveats folded under a summary line that says how many there are."""
    n = len(caveats)
    items = "".join(f"<li>{zh_first(c)}</li>" for c in caveats)
    return (f"<details class='caveats'{' open' if open_ else ''}><summary>注意事项（{n} 条） / Caveats ({n})"
            f"</summary><ul>{items}</ul></details>")


def answer_markdown(answer: Answer, text: str | None = None) -> str:
    """The chat message for an answer: escaped text, [n] markers as links to their citations, formula, notes.

    `text` (a prefix of answer.answer) is used while the answer is still streaming in.
    """
    body = answer.answer if text is None else text
    if text is None and (totals := _totals_markdown(answer)) is not None:
        md = totals
    else:
        raws = body.split("\n")
        lines = [_linked_line(raw, answer) for raw in raws]
        if answer.direct and raws[0].startswith(answer.direct):  # the direct answer stands out above its sources
            lines[0] = f"**{lines[0]}**"
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
    ocr = f'<div class="passage-meta">{escape(ocr_tag(located).strip(" ·"))}</div>' if located.ocr_confidence else ""
    return (f'<div class="passage" id="passage-view"><h4>原文 / Cited passage</h4>'
            f'{_meta(located.report, located.section, located.page)}{ocr}<div class="passage-text">{body}</div></div>')


def ocr_tag(quote) -> str:
    """" · OCR 置信度 0.97" for a quote read from an image by OCR (check it against the page), else ""."""
    conf = getattr(quote, "ocr_confidence", None)
    return f" · OCR 置信度 {conf:.2f}" if conf is not None else ""


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
        where = f"{short_report(c.report)}" + (f" · p.{c.page}" if c.page is not None else "") + ocr_tag(c)
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


OP_LABELS = {"sum": "合计 / sum", "count": "计数 / count", "max": "最大 / max", "min": "最小 / min", "list": "列表 / list"}


def calculation_html(result: Mapping[str, Any], show_rows: bool = True) -> str:
    """A totals result (TotalResult as JSON): figure, formula, rows used (unless shown elsewhere), caveats."""
    parts = ["<h4>计算 / Calculation</h4>"]
    if result.get("value") is None:
        parts.append(message_html(result.get("message") or "没有匹配的行 / no matching rows", "warn"))
    else:
        unit = result.get("unit", "")
        n = len(result.get("rows") or [])
        op = str(result.get("op", ""))
        parts.append(f"<div class='calc-value'>{escape(OP_LABELS.get(op, op))} = "
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
        parts.append(caveats_html(caveats))
    return '<div class="calculation">' + "".join(parts) + "</div>"


# ---- report cards ----------------------------------------------------------------------------------------


def _card_value(field) -> str:
    return field.value if field is not None else ""


def report_cards_html(cards: Sequence[ReportCard], summaries: Sequence[Mapping[str, Any]]) -> str:
    """One card per indexed report: what the front matter says (broker, title, date, analysts, rating) and what
    the index holds (pages, chunks, tables). A report without a card still gets one, from its file name."""
    by_report = {c.report: c for c in cards}
    out = []
    for s in summaries:
        card = by_report.get(s["report"])
        title = _card_value(card.title) if card else ""
        analysts = "、".join(a.value for a in card.analysts) if card else ""
        rows = [("券商 / Broker", _card_value(card.broker) if card else ""),
                ("日期 / Date", _card_value(card.date) if card else ""),
                ("分析师 / Analysts", analysts),
                ("评级 / Rating", card.rating_text if card else ""),
                ("页数 / Pages", str(s.get("pages") or "—")),
                ("段数 / Chunks", str(s.get("chunks", ""))),
                ("表格 / Tables", str(s.get("tables", "")))]
        if s.get("ocr_pages") or s.get("ocr_note"):
            rows.append(("OCR 页 / OCR'd pages", str(s.get("ocr_pages") or 0)))
        dl = "".join(f"<dt>{k}</dt><dd>{escape(v) if v else '—'}</dd>" for k, v in rows)
        # pages the OCR cap left unread: said on the card, not skipped silently
        note = f"<div class='panel-msg panel-warn ocr-cap'>{escape(s['ocr_note'])}</div>" if s.get("ocr_note") else ""
        out.append(f"<div class='report-card' data-report='{escape(s['report'], quote=True)}'>"
                   f"<h4>{escape(title or short_report(s['report']))}</h4><dl>{dl}</dl>{note}"
                   f"<div class='file'>{escape(s['report'])}</div></div>")
    if not out:
        return message_html("还没有索引任何报告 / no reports indexed yet")
    return "<div class='report-cards'>" + "".join(out) + "</div>"


def pending_html(pending: Sequence[Mapping[str, Any]]) -> str:
    """Files in the corpus the index does not hold as they are (an interrupted upload, a hand edit), with why."""
    if not pending:
        return ""
    items = "".join(f"<li><b>{escape(p['file'])}</b> — {escape(p['reason'])}</li>" for p in pending)
    return (f"<div class='panel-msg panel-warn' id='pending-files'>待处理文件 / pending files ({len(pending)})"
            f"<ul>{items}</ul></div>")


# ---- citation lookup -------------------------------------------------------------------------------------


def lookup_html(quote: str, found: Sequence[Located]) -> str:
    """Every place a pasted quote occurs: report, section, page, offsets, and the passage with the quote marked."""
    if not found:
        return message_html("报告中找不到这段引文（已忽略空白与全角/半角差异） / the quote is found in no report "
                            "(whitespace and full/half width ignored)", "warn")
    reports = len({loc.report for loc in found})
    head = (f"<div class='panel-msg panel-ok' id='lookup-count'>找到 {len(found)} 处（{reports} 份报告） / "
            f"found {len(found)} place(s) in {reports} report(s)</div>")
    hits = []
    for i, loc in enumerate(found, start=1):
        para, at = loc.paragraph, quote_position(loc)
        if at is None:
            body = escape(para)
        else:
            q_end = at + len(loc.quote)
            lo, hi = max(0, at - 300), min(len(para), q_end + 300)
            body = (("…" if lo else "") + escape(para[lo:at]) + f"<mark>{escape(para[at:q_end])}</mark>"
                    + escape(para[q_end:hi]) + ("…" if hi < len(para) else ""))
        meta = (f"<b>{i}. 报告 / Report:</b> {escape(loc.report)} · <b>章节 / Section:</b> "
                f"{escape(loc.section) if loc.section else '—'} · <b>页 / Page:</b> "
                f"{loc.page if loc.page is not None else '—'} · <b>位置 / Offsets:</b> {loc.start}–{loc.end}")
        hits.append(f"<div class='lookup-hit'><div class='passage-meta'>{meta}</div>"
                    f"<div class='passage-text'>{body}</div></div>")
    return f"<div id='lookup-results'>{head}{''.join(hits)}</div>"


# ---- export ----------------------------------------------------------------------------------------------


def _where(c: Citation) -> str:
    parts = [c.report]
    if c.section:
        parts.append(c.section)
    if c.page is not None:
        parts.append(f"第 {c.page} 页 / p. {c.page}")
    parts.append(f"字符 / chars {c.start}–{c.end}")
    return " · ".join(parts) + ocr_tag(c)


def export_markdown(answers: Sequence[Answer], title: str = "研报助手 / Report Assistant") -> str:
    """Answers as Markdown for an analyst's notes: each [n] becomes a numbered footnote holding the quote and
    where it is (report, section, page, offsets). Footnote numbers run on across answers, so they stay unique."""
    lines = [f"# {title}", ""]
    offset = 0
    for answer in answers:
        lines += [f"## 问 / Q: {' '.join(answer.question.split())}", ""]

        def footnote(m: re.Match, base: int = offset, n_cites: int = len(answer.citations)) -> str:
            n = int(m.group(1))
            return f"[^{base + n}]" if 1 <= n <= n_cites else m.group(0)

        lines += [MARKER_RE.sub(footnote, answer.answer), ""]
        if answer.tool is not None and (answer.tool.result or {}).get("expression"):
            lines += [f"公式 / Formula: `{answer.tool.result['expression']}`", ""]
        if answer.abstained:
            lines += ["> 报告中未找到依据 / not supported by the reports", ""]
        for i, c in enumerate(answer.citations, start=1):
            lines.append(f"[^{offset + i}]: “{' '.join(c.quote.split())}” — {_where(c)}")
        if answer.citations:
            lines.append("")
        offset += len(answer.citations)
    return "\n".join(lines).rstrip() + "\n"


PASSAGE_PLACEHOLDER = message_html("点击答案中的 [n] 查看原文段落 / click a [n] marker to see the cited passage")
SOURCES_PLACEHOLDER = message_html("提问后这里列出引用 / the sources of an answer appear here")
