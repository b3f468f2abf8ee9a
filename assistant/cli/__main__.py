"""`python -m assistant.cli …` is the same as `assistant …`."""

import sys

from assistant.cli.main import app

sys.exit(app())
