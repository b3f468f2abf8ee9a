"""The app's CSS and the small scripts it runs in the browser (no Gradio import: plain strings)."""

from __future__ import annotations

CSS = """
.cite-link { font-weight: 600; text-decoration: none; padding: 0 1px; cursor: pointer; }
.cite-link:hover { text-decoration: underline; }
.related-link { opacity: .75; }
.passage mark, .lookup-hit mark { background: #ffe066; color: inherit; padding: 0 2px; border-radius: 2px; }
.passage-text { white-space: pre-wrap; line-height: 1.7; margin-top: 6px; max-height: 360px; overflow-y: auto;
                 position: relative; }
.passage-meta { font-size: .9em; opacity: .85; }
.src-list { padding-left: 1.2em; margin: 4px 0; }
.src-list li { margin-bottom: 6px; }
.src-where { font-size: .85em; opacity: .8; }
.src-quote { font-size: .85em; opacity: .85; }
.related-h { margin-top: 10px; color: #b26a00; }
.rows-table { font-size: .85em; border-collapse: collapse; margin: 4px 0; }
.rows-table td, .rows-table th { border: 1px solid #ccc; padding: 2px 6px; }
.formula code { white-space: pre-wrap; word-break: break-word; }
.calc-value { font-size: 1.1em; margin: 4px 0; }
.caveats .en, .calc-value .en { font-size: .85em; opacity: .75; }
.caveats summary, .rows-used summary { cursor: pointer; font-weight: 600; }
.panel-msg { opacity: .8; padding: 6px 0; }
.panel-error { color: #c62828; opacity: 1; font-weight: 600; }
.panel-warn { color: #b26a00; opacity: 1; }
.panel-ok { color: #2e7d32; opacity: 1; }
.cite-bridge { display: none; }
/* report cards: one per report, as many per line as fit */
.report-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 10px; }
.report-card { border: 1px solid var(--border-color-primary, #ddd); border-radius: 8px; padding: 10px 12px; }
.report-card h4 { margin: 0 0 6px 0; line-height: 1.4; }
.report-card dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0; font-size: .9em; }
.report-card dt { opacity: .7; }
.report-card dd { margin: 0; word-break: break-word; }
.report-card .file { font-size: .8em; opacity: .7; word-break: break-all; margin-top: 6px; }
.confirm-box { border: 1px solid #c62828; border-radius: 8px; padding: 6px 10px; }
/* citation lookup results */
.lookup-hit { border-top: 1px solid var(--border-color-primary, #ddd); padding: 8px 0; }
.lookup-hit .passage-text { max-height: 220px; }
/* buttons keep their label on one line; the chat's send/clear buttons never wrap */
#ask-btn, #clear-btn, .nowrap-btn { white-space: nowrap; }
/* dropdown choices show their whole text */
ul.options li { white-space: normal; }
/* narrow windows (~820 px): side panels go under the chat, filters two per line */
@media (max-width: 900px) {
  #chat-row { flex-direction: column; }
  #chat-row > div { width: 100% !important; min-width: 0 !important; }
  .filters > div { min-width: 45% !important; }
  /* ten columns do not fit: the table scrolls sideways instead of breaking headers letter by letter */
  #targets-table table { min-width: 1080px; }
}
"""

# A click on any "#cite-<id>" link (in the chat or the sources list) opens that passage: the link's id goes
# into this hidden HTML component's value and its change event asks the server for the passage.
CITE_BRIDGE_JS = """
window.__openCitation = (id) => { props.value = id; trigger('change'); };
if (!window.__citeBridgeInstalled) {
  window.__citeBridgeInstalled = true;
  document.addEventListener('click', (ev) => {
    const link = ev.target && ev.target.closest ? ev.target.closest('a[href^="#cite-"]') : null;
    if (!link) return;
    ev.preventDefault();
    ev.stopPropagation();
    window.__openCitation(decodeURIComponent(link.getAttribute('href').slice(6)));
  }, true);
}
"""

# Scroll the passage box so the highlighted quote is in view (a cited table row may sit far down its table).
SCROLL_TO_MARK_JS = """
watch('value', () => {
  const box = element.querySelector('.passage-text');
  const mark = box && box.querySelector('mark');
  if (mark) box.scrollTop = Math.max(0, mark.offsetTop - box.clientHeight / 3);
  // narrow windows put the passage under the chat: bring it into view, or a click would seem to do nothing
  if (mark && window.innerWidth <= 900) element.scrollIntoView({block: 'start', behavior: 'smooth'});
});
"""

# Gradio's own labels follow the browser's language (English on most machines). Everything a user reads here is
# Chinese first, then English, so the few built-in strings we show are rewritten in place as they appear.
BUILTIN_LABELS = {
    "Drop File Here": "拖放文件到此处 / Drop file here",
    "Click to Upload": "点击上传 / Click to upload",
    "- or -": "或 / or",
    "Warning": "警告 / Warning",
    "Error": "错误 / Error",
    "Info": "提示 / Info",
    "Loading...": "加载中… / Loading…",
    "Examples": "示例 / Examples",
}
BUILTIN_PLACEHOLDERS = {
    "Filter...": "筛选… / Filter…",
    "Search...": "搜索… / Search…",
}


def relabel_js() -> str:
    import json

    return """
() => {
  const LABELS = %s, PLACEHOLDERS = %s;
  const fix = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const t = n.nodeValue.trim();
      if (t && LABELS[t]) n.nodeValue = n.nodeValue.replace(t, LABELS[t]);
    }
    root.querySelectorAll && root.querySelectorAll('input[placeholder], textarea[placeholder]').forEach((el) => {
      const p = PLACEHOLDERS[el.getAttribute('placeholder')];
      if (p) el.setAttribute('placeholder', p);
    });
  };
  fix(document.body);
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'characterData') { if (r.target.parentNode) fix(r.target.parentNode); }
      else r.addedNodes.forEach((node) => { if (node.nodeType === 1) fix(node); else if (node.parentNode) fix(node.parentNode); });
    }
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
}
""" % (json.dumps(BUILTIN_LABELS, ensure_ascii=False), json.dumps(BUILTIN_PLACEHOLDERS, ensure_ascii=False))
