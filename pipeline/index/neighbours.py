"""Approximate nearest neighbours of unit vectors (faiss HNSW, inner product = cosine).

The index is what keeps claim clustering from comparing every pair: each record meets only its
``k`` nearest neighbours, found in about log(n) steps each.
"""

from __future__ import annotations

import numpy as np

HNSW_LINKS = 32  # graph degree: recall against memory
SEARCH_DEPTH = 64  # candidates explored per query; above k so recall stays high
BUILD_DEPTH = 80


def nearest(vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """For each row, the cosine similarities and row indexes of its ``k`` nearest other rows
    (fewer rows than ``k``: padded with index -1)."""
    import faiss

    n = len(vectors)
    if n < 2:
        return np.zeros((n, 0), dtype=np.float32), np.zeros((n, 0), dtype=np.int64)
    index = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_LINKS, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = BUILD_DEPTH
    index.hnsw.efSearch = max(SEARCH_DEPTH, k + 1)
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    scores, ids = index.search(np.ascontiguousarray(vectors, dtype=np.float32), min(k + 1, n))
    return scores, ids
