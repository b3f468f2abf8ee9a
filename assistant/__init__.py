"""研报助手 / Report Assistant: offline Q&A with verified citations over broker research reports."""

from assistant.core.settings import Settings  # noqa: F401  (sets offline env vars first)

__all__ = ["Assistant", "Settings"]


def __getattr__(name: str):
    # Lazy: importing the package must stay cheap (no Chroma, no model) for the CLI's --help.
    if name == "Assistant":
        from assistant.facade import Assistant

        return Assistant
    raise AttributeError(name)
