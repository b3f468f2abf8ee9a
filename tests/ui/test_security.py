"""Where the UI listens: loopback by default; any other address only with auth, and then nothing answers
without it."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest
import typer
from gradio_client import Client
from typer.testing import CliRunner

from assistant.cli.serve import register
from assistant.ui.safety import UnsafeBindError, check_bind, is_loopback, parse_auth
from tests.processes import free_port
from tests.ui.conftest import REPO


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_needs_no_auth(host):
    assert is_loopback(host)
    assert check_bind(host, None) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "10.0.0.1", "example.com", ""])
def test_other_hosts_refused_without_auth(host):
    assert not is_loopback(host)
    with pytest.raises(UnsafeBindError, match="auth"):
        check_bind(host, None)
    assert check_bind(host, "alice:s3cret") == ("alice", "s3cret")


@pytest.mark.parametrize("bad", ["alice", "alice:", ":s3cret", ":"])
def test_malformed_auth_is_refused(bad):
    with pytest.raises(UnsafeBindError):
        parse_auth(bad)


def test_password_may_contain_colons():
    assert parse_auth("alice:a:b:c") == ("alice", "a:b:c")


def test_serve_refuses_non_loopback_without_auth(ui_assistant, ui_settings):
    from assistant.ui.app import serve

    assert not ui_settings.auth
    with pytest.raises(UnsafeBindError, match="0.0.0.0"):
        serve("0.0.0.0", free_port(), assistant=ui_assistant, settings=ui_settings, block=False)


def test_cli_refuses_non_loopback_without_auth(monkeypatch):
    monkeypatch.delenv("ASSISTANT_AUTH", raising=False)
    app = typer.Typer()
    register(app, get_assistant=lambda: pytest.fail("must refuse before building an assistant"))

    @app.command("version")  # a second command, so `serve` is a subcommand as in the real CLI
    def version() -> None: ...

    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", str(free_port())])
    assert result.exit_code == 2
    assert "refusing" in result.output and "--auth" in result.output


def test_module_entry_point_exits_nonzero_without_auth():
    env = {k: v for k, v in os.environ.items() if k != "ASSISTANT_AUTH"}
    env["PYTHONPATH"] = str(REPO)
    proc = subprocess.run([sys.executable, "-m", "assistant.ui", "--host", "0.0.0.0"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "拒绝" in proc.stderr and "refusing" in proc.stderr


@pytest.fixture(scope="module")
def authed(ui_assistant, ui_settings):
    """The app on all interfaces with a password, as `serve --host 0.0.0.0 --auth alice:s3cret` runs it."""
    from assistant.ui.app import serve

    port = free_port()
    demo = serve("0.0.0.0", port, auth="alice:s3cret", assistant=ui_assistant, settings=ui_settings, block=False)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


def test_unauthenticated_requests_are_rejected(authed):
    assert httpx.get(authed + "config", timeout=10).status_code == 401
    assert httpx.get(authed + "gradio_api/info", timeout=10).status_code == 401
    call = httpx.post(authed + "gradio_api/call/ask", json={"data": ["北京的智算算力规划是多少？"]}, timeout=10)
    assert call.status_code == 401
    page = httpx.get(authed, timeout=10).text
    assert '"auth_required": true' in page.replace("True", "true") or "auth_required" in page
    with pytest.raises(Exception):
        Client(authed, verbose=False)


def test_wrong_password_is_rejected(authed):
    with pytest.raises(Exception):
        Client(authed, auth=("alice", "wrong"), verbose=False)


def test_authenticated_client_gets_answers(authed):
    got = Client(authed, auth=("alice", "s3cret"), verbose=False).predict("北京的智算算力规划是多少？",
                                                                        api_name="/ask")
    assert "45" in got["answer"]


# ---- what the page shows is text, never markup from a question or a report ---------------------------------


def test_answer_markup_is_escaped():
    from assistant.core.models import Answer, Citation
    from assistant.ui.render import answer_markdown, sources_html

    cite = Citation(id="abcdef12:0-5", report="r_2024_x.txt", section="<b>s</b>", start=0, end=5,
                    quote="<img src=x onerror=alert(1)>")
    answer = Answer(question="q", answer="<script>alert(1)</script> *bold* [1] [7]", abstained=False,
                    citations=[cite])
    md = answer_markdown(answer)
    assert "<script" not in md and "<img" not in md and "<b>" not in md
    assert "&lt;script&gt;" in md and "\\*bold\\*" in md
    assert md.count('class="cite-link"') == 1  # [7] has no citation: left as text, not a link
    assert 'href="#cite-abcdef12:0-5"' in md
    html = sources_html(answer)
    assert "<img" not in html and "&lt;img" in html


def test_passage_is_escaped_and_marks_the_cited_occurrence():
    from assistant.answer.cite import locate
    from assistant.ui.render import passage_html

    text = "前言\n\n北京 <i>45</i> 北京 <i>45</i>\n\n后记"
    second = text.rindex("北京")
    html = passage_html(locate("r.txt", text, second, second + len("北京 <i>45</i>")))
    assert "<i>" not in html
    before, marked = html.split("<mark>", 1)
    assert "北京 &lt;i&gt;45&lt;/i&gt;" in before  # the first occurrence is context, the second is marked
    assert marked.startswith("北京 &lt;i&gt;45&lt;/i&gt;</mark>")


def test_html_in_a_question_is_shown_as_text(page):
    page.locator("#question textarea").fill("<img src=x onerror=\"window.__pwned=1\">北京的智算算力规划是多少？")
    page.locator("#ask-btn").click()
    page.locator("#sources-panel a.cite-link").first.wait_for()
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("#chatbot img[src='x']").count() == 0
    assert "<img src=x" in page.locator("#chatbot [data-testid='user']").last.inner_text()
