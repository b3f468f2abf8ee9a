"""Answer tests: questions, citations, the LLM path, injection, bad questions."""
