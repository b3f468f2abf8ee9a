"""The Reports tab lists corpus files the index does not hold (e.g. left by an interrupted upload), with the reason."""

from assistant.ui.reports import cards_html, pending_box_html


def test_a_file_in_the_corpus_but_not_in_the_index_is_listed_as_pending(ui_assistant):
    stray = ui_assistant.settings.corpus_dir / "interrupted_upload.txt"
    stray.write_text("一份没有被索引的报告。", encoding="utf-8")
    try:
        html = pending_box_html(ui_assistant)
        assert "pending-files" in html and "interrupted_upload.txt" in html and "not indexed" in html
        assert "interrupted_upload.txt" not in cards_html(ui_assistant)  # the cards are the indexed reports only
    finally:
        stray.unlink()
    assert "interrupted_upload.txt" not in pending_box_html(ui_assistant)
