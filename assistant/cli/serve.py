"""`assistant serve`: the web UI on 127.0.0.1:7860 by default.

    assistant serve                                    # loopback only
    assistant serve --port 8080
    assistant serve --host 0.0.0.0 --auth user:secret  # any other address needs a password (or ASSISTANT_AUTH)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer


def register(app: typer.Typer, get_assistant: Callable[..., Any]) -> None:
    """Add the `serve` command; get_assistant() → the Assistant to serve."""

    @app.command("serve")
    def serve_command(
        host: Annotated[str, typer.Option("--host", help="Address to listen on; not loopback → --auth required.")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 7860,
        auth: Annotated[str | None, typer.Option("--auth", help="user:password (or set ASSISTANT_AUTH).",
                                                  show_default=False)] = None,
    ) -> None:
        """启动网页界面 / Start the web UI (chat, targets, reports, evals)."""
        from assistant.core.settings import Settings
        from assistant.ui.safety import UnsafeBindError, check_bind

        try:  # refuse before loading the index or Gradio
            check_bind(host, auth or Settings().auth or None)
        except UnsafeBindError as exc:
            typer.echo(f"错误 / error: {exc}", err=True)
            raise typer.Exit(2) from None
        from assistant.ui.app import serve

        serve(host=host, port=port, auth=auth, assistant=get_assistant())
