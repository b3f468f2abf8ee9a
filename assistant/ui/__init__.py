"""研报助手 / Report Assistant — web UI (Gradio). The app only calls `Assistant`; nothing here is imported by the
library, so the CLI and the library work without loading Gradio."""

from __future__ import annotations

__all__ = ["build_app", "serve"]


def __getattr__(name: str):
    # Lazy: importing Gradio takes seconds; `assistant.ui.safety` should not pay for it.
    if name in __all__:
        from assistant.ui import app

        return getattr(app, name)
    raise AttributeError(name)
