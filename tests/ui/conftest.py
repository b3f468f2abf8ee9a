"""Fixtures for the UI tests: one real Assistant over a temporary copy of the session's index of the two reports
(`built_index` in tests/conftest.py embeds them once, ~20–45 s), the app served on a free loopback port, and
headless Chromium.

Nothing is mocked. Screenshots go to test-output/ui/ (git-ignored).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Settings
from assistant.facade import Assistant

from tests.processes import free_port

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "test-output" / "ui"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
UPLOAD_LIMIT_MB = 0.2  # small, so the oversized-upload test stays quick


@pytest.fixture(scope="session")
def ui_root(tmp_path_factory, built_index) -> Path:
    """A writable copy of the session's index of the two reports (tests/conftest.py builds it once), with its
    corpus, plus a pristine copy of the index for tests that start their own server process."""
    root = tmp_path_factory.mktemp("ui")
    shutil.copytree(built_index.corpus_dir, root / "corpus")
    shutil.copytree(built_index.index_dir, root / "index")
    shutil.copytree(built_index.index_dir, root / "index-template")
    return root


@pytest.fixture(scope="session")
def ui_settings(ui_root) -> Settings:
    return Settings(index_dir=ui_root / "index", corpus_dir=ui_root / "corpus", max_upload_mb=UPLOAD_LIMIT_MB)


@pytest.fixture(scope="session")
def ui_assistant(ui_settings) -> Assistant:
    assistant = Assistant(ui_settings)
    assert assistant.ensure_index() is None  # already built: serving must not rebuild it
    assert len(assistant.reports()) == 2
    return assistant


@pytest.fixture(scope="session")
def served(ui_assistant, ui_settings) -> Iterator[str]:
    """The app as `serve` starts it (loopback, queue, warm-up), without blocking; yields its URL."""
    from assistant.ui.app import serve

    port = free_port()
    demo = serve("127.0.0.1", port, assistant=ui_assistant, settings=ui_settings, block=False)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, served):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    pg.goto(served, wait_until="load")  # not "networkidle": Gradio keeps a connection open
    pg.locator("#question textarea").wait_for()
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture(scope="session")
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
