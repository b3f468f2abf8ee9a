"""Ingest: load → structure → chunk → embed → store. `pipeline.Ingestor` runs the stages."""
