"""Search: hybrid retrieval (BM25 ⊕ dense) over the index, as a LangChain retriever."""
