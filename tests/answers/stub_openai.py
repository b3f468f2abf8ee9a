"""A stand-in OpenAI-compatible chat server: real HTTP on loopback, scripted replies, recorded requests.

    with StubOpenAI() as stub:                      # binds 127.0.0.1 on a free port
        stub.reply = "北京 2025 年 45EFlops [1]"     # or a function of the request body → str
        Settings(llm_base_url=stub.base_url, llm_model="stub", llm_timeout_s=2)
        stub.mode = "hang"                           # sleeps past any client timeout (released on close)
        stub.mode = "error"                          # HTTP 500 with an OpenAI-style error body
        stub.requests                                # every request body received, parsed

Only POST {base}/chat/completions (and GET {base}/models) are served; anything else is a 404.
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
                    self._send(200, stub._completion(body, reply))

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
        self.reply, self.mode = "报告中未找到", "reply"
        self.requests.clear()
        self.paths.clear()

    def __enter__(self) -> StubOpenAI:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- protocol ----------------------------------------------------------------------------

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
