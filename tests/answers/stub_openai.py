"""A stand-in OpenAI-compatible chat server: real HTTP on loopback, scripted replies, recorded requests.

    with StubOpenAI() as stub:                      # binds 127.0.0.1 on a free port
        stub.reply = "北京 2025 年 45EFlops [1]"     # or a function of the request body → str
        Settings(llm_base_url=stub.base_url, llm_model="stub", llm_timeout_s=2)
        stub.mode = "hang"                           # sleeps past any client timeout (released on close)
        stub.mode = "slow"                           # streams the reply one piece every `slow_s` seconds
        stub.mode = "error"                          # HTTP 500 with an OpenAI-style error body
        stub.requests                                # every request body received, parsed

Replies a small model really gives, for the checks: `unmarked(...)` (no [n]), `MARKER_ONLY` ("[1]"),
`copied_back` (the passages handed back), `repeat_question`.

Only POST {base}/chat/completions (and GET {base}/models) are served; anything else is a 404. A request with
"stream": true is answered as server-sent events (chat.completion.chunk … [DONE]), as OpenAI does.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = str | Callable[[dict[str, Any]], str]

PASSAGE_RE = re.compile(r"\[(\d+)\] （[^\n]*）\n<passage>\n(.*?)\n</passage>", re.S)


def passages(request: dict[str, Any]) -> dict[int, str]:
    """The numbered passages the assistant sent in a chat request: {n: text}."""
    user = next(m for m in request["messages"] if m["role"] == "user")
    return {int(n): text for n, text in PASSAGE_RE.findall(_content(user))}


def system_prompt(request: dict[str, Any]) -> str:
    return "".join(_content(m) for m in request["messages"] if m["role"] == "system")


def _content(message: dict[str, Any]) -> str:
    content = message.get("content", "")
    if isinstance(content, list):  # content parts
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


MARKER_ONLY = "[1]"


def unmarked(text: str) -> Reply:
    """A correct answer without any [n] marker (small models often drop them)."""
    return text


def copied_back(request: dict[str, Any]) -> str:
    """Every passage it was given, numbered, as the answer."""
    return "\n".join(f"[{n}] {text}" for n, text in sorted(passages(request).items()))


def repeat_question(request: dict[str, Any]) -> str:
    user = _content(next(m for m in request["messages"] if m["role"] == "user"))
    return user.rsplit("问题 / Question:", 1)[-1].strip()


def passage_with(request: dict[str, Any], needle: str) -> int:
    """The number of the first passage holding `needle` (AssertionError when none does)."""
    found = [n for n, text in sorted(passages(request).items()) if needle in text]
    assert found, f"no passage holds {needle!r}: {passages(request)}"
    return found[0]


class StubOpenAI:
    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.reply: Reply = "报告中未找到"
        self.mode = "reply"  # "reply" | "hang" | "error"
        self.hang_s = 60.0
        self.slow_s = 0.5  # seconds between streamed pieces in "slow" mode
        self.requests: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self._release = threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep pytest output clean
                pass

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body, ensure_ascii=False).encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                    pass

            def do_GET(self):
                if self.path.rstrip("/").endswith("/models"):
                    self._send(200, {"object": "list", "data": [{"id": "stub", "object": "model", "owned_by": "stub"}]})
                else:
                    self._send(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                stub.paths.append(self.path)
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
                    return
                try:
                    body = json.loads(raw.decode("utf-8"))
                except ValueError:
                    self._send(400, {"error": {"message": "body is not JSON", "type": "invalid_request_error"}})
                    return
                stub.requests.append(body)
                if stub.mode == "hang":
                    stub._release.wait(stub.hang_s)
                    self._send(200, stub._completion(body, "too late"))
                elif stub.mode == "error":
                    self._send(500, {"error": {"message": "stub: internal error", "type": "server_error",
                                               "code": None, "param": None}})
                else:
                    reply = stub.reply(body) if callable(stub.reply) else stub.reply
                    if body.get("stream"):
                        self._stream(body, reply, stub.slow_s if stub.mode == "slow" else 0.0)
                    else:
                        self._send(200, stub._completion(body, reply))

            def _stream(self, body: dict[str, Any], reply: str, delay: float) -> None:
                """Server-sent events, a few characters a chunk; the connection closes after [DONE]."""
                self.close_connection = True
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    pieces = [reply[i:i + 4] for i in range(0, len(reply), 4)] or [""]
                    for i, piece in enumerate(pieces):
                        if delay and i:
                            if stub._release.wait(delay):
                                return
                        event = stub._chunk(body, {"role": "assistant", "content": piece} if i == 0
                                            else {"content": piece}, None)
                        self.wfile.write(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode())
                        self.wfile.flush()
                    self.wfile.write(f"data: {json.dumps(stub._chunk(body, {}, 'stop'))}\n\n".encode())
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):  # the client gave up
                    pass

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="stub-openai", daemon=True)

    # ---- lifecycle ---------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> StubOpenAI:
        self._thread.start()
        return self

    def close(self) -> None:
        self._release.set()  # let hanging handlers finish
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        self.reply, self.mode, self.slow_s = "报告中未找到", "reply", 0.5
        self.requests.clear()
        self.paths.clear()

    def __enter__(self) -> StubOpenAI:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- protocol ----------------------------------------------------------------------------

    @staticmethod
    def _chunk(request: dict[str, Any], delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
        return {"id": "chatcmpl-stub-stream", "object": "chat.completion.chunk", "created": int(time.time()),
                "model": request.get("model", "stub"),
                "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}

    @staticmethod
    def _completion(request: dict[str, Any], content: str) -> dict[str, Any]:
        prompt_chars = sum(len(_content(m)) for m in request.get("messages", []))
        return {
            "id": f"chatcmpl-stub-{time.monotonic_ns()}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.get("model", "stub"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "logprobs": None, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": prompt_chars, "completion_tokens": len(content),
                      "total_tokens": prompt_chars + len(content)},
        }
