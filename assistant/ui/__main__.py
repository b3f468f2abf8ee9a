"""`python -m assistant.ui [--host H] [--port P] [--auth user:password]`: the same as `assistant serve`."""

import typer

from assistant.cli.serve import register


def _get_assistant():
    from assistant.facade import Assistant

    return Assistant()


app = typer.Typer(add_completion=False)
register(app, _get_assistant)

if __name__ == "__main__":
    app()
