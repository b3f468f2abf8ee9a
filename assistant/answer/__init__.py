"""Answer: question analysis → evidence → answer (offline or LLM) → cite (verbatim check)."""
