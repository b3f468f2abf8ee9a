"""Where ingest writes and search reads: the SQLite catalog (source of truth), Chroma vectors, BM25, and `Index`, a snapshot per catalog generation."""
