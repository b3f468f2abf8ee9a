"""The command line: `assistant …`, a thin shell over the `Assistant` facade (one module per command group)."""
