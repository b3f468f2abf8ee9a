"""Contracts (pydantic models), settings and the text rules every stage shares."""
