"""Targets beside the pipeline: tables → units → target rows → totals (deterministic, cited)."""
