"""Claim clusters: the same statement reported in several articles, verbatim or paraphrased.

Nothing compares every pair. A record meets only its candidates: records sharing a rare
wording shingle (an inverted index; a shingle in more than ``max_posting`` records is
boilerplate and ignored) and its nearest neighbours in MiniLM space (an HNSW index). A
candidate pair joins one cluster (union-find) when

* its wording is near-verbatim: most of the shorter content's shingles are in the other's, or
* its meaning is near-identical: the embeddings' cosine is very high, or
* it is a close paraphrase by the same speaker across articles (cosine above a lower bar).

Two contents credited to different named speakers join only when near-verbatim and long
(an outlet crediting someone else with the same words is worth showing); within one article
only a near-verbatim repeat by the same speaker joins (the article quoting a statement twice,
as a lede's partial quote and then in full).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.index.neighbours import nearest
from pipeline.index.records import IndexedRecord
from pipeline.index.text import SHINGLE, normalised, shingles, words


@dataclass(frozen=True)
class ClaimRules:
    """Thresholds of :func:`cluster_claims` (frozen on the tuning part of the gold, see CLAIMS-GUIDE.md)."""

    containment: float = 0.3  # share of the shorter content's shingles found in the other
    min_shared: int = 4  # shingles in common (seven words in a row, or more), so a stock phrase is not enough
    short_containment: float = 0.6  # for contents too short to share ``min_shared`` shingles
    cosine_alone: float = 0.9  # the same meaning whoever is credited
    cosine_same_speaker: float = 0.75  # a paraphrase by the same speaker
    verbatim_over_speakers: float = 0.9  # the same words credited to different named speakers
    verbatim_min_words: int = 8
    neighbours: int = 10
    max_posting: int = 64


class UnionFind:
    """Disjoint sets over 0..n-1 with path halving."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def shingle_candidates(sets: list[set[int]], max_posting: int) -> dict[tuple[int, int], int]:
    """Pairs of records sharing rare shingles, with how many they share."""
    postings: dict[int, list[int]] = defaultdict(list)
    for i, s in enumerate(sets):
        for h in s:
            postings[h].append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for members in postings.values():
        if 1 < len(members) <= max_posting:
            for a in range(len(members)):
                for b in range(a + 1, len(members)):
                    shared[(members[a], members[b])] += 1
    return shared


def neighbour_candidates(vectors: np.ndarray, k: int, floor: float) -> set[tuple[int, int]]:
    """Pairs (i < j) where one is among the other's ``k`` nearest with cosine ≥ ``floor``."""
    scores, ids = nearest(vectors, k)
    pairs = set()
    for i, (row_scores, row_ids) in enumerate(zip(scores, ids)):
        for score, j in zip(row_scores, row_ids):
            if j >= 0 and j != i and score >= floor:
                pairs.add((min(i, int(j)), max(i, int(j))))
    return pairs


def joins(
    a: IndexedRecord,
    b: IndexedRecord,
    containment: float,
    shared: int,
    cosine: float,
    speakers: tuple[str | None, str | None],
    named: set[str],
    shortest: int,
    rules: ClaimRules,
) -> bool:
    """Whether a candidate pair is the same claim (see the module's rules)."""
    same_speaker = speakers[0] is not None and speakers[0] == speakers[1]
    verbatim = (shared >= rules.min_shared and containment >= rules.containment) or (
        shortest < SHINGLE + rules.min_shared and containment >= rules.short_containment
    )
    if a.doc_id == b.doc_id:
        return same_speaker and verbatim
    if speakers[0] in named and speakers[1] in named and not same_speaker:
        return containment >= rules.verbatim_over_speakers and shortest >= rules.verbatim_min_words
    if shortest < SHINGLE and not same_speaker:
        return False  # "No", "absolutely": too short to be evidence without the speaker
    return verbatim or cosine >= rules.cosine_alone or (same_speaker and cosine >= rules.cosine_same_speaker)


def cluster_claims(
    records: list[IndexedRecord],
    speaker_of: dict[str, str],
    named: set[str],
    vectors: np.ndarray,
    rules: ClaimRules = ClaimRules(),
) -> list[list[int]]:
    """Clusters of record indexes (singletons included), each in record order."""
    tokens = [words(r.text) for r in records]
    sets = [shingles(t) for t in tokens]
    shared = shingle_candidates(sets, rules.max_posting)
    candidates = set(shared) | neighbour_candidates(vectors, rules.neighbours, rules.cosine_same_speaker)
    found = UnionFind(len(records))
    for i, j in candidates:
        n = shared.get((i, j), 0)
        smaller = min(len(sets[i]), len(sets[j])) or 1
        pair_speakers = (speaker_of.get(records[i].id), speaker_of.get(records[j].id))
        cosine = float(vectors[i] @ vectors[j])
        if joins(records[i], records[j], n / smaller, n, cosine, pair_speakers, named, min(len(tokens[i]), len(tokens[j])), rules):
            found.union(i, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(records)):
        groups[found.find(i)].append(i)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def _distinct(values: list[str | None]) -> list[str]:
    return list(dict.fromkeys(" ".join(v.split()) for v in values if v))


def speaker_label(record: IndexedRecord) -> str | None:
    """The resolved speaker as the record names it: name, else role, else the mention."""
    speaker = record.speaker or {}
    return speaker.get("name") or speaker.get("role") or speaker.get("mention") or None


def claim_entries(
    clusters: list[list[int]], records: list[IndexedRecord], speaker_of: dict[str, str], outlets: dict[str, str | None]
) -> list[dict[str, Any]]:
    """The ``claims.jsonl`` lines: members as each article worded and credited the claim."""
    out = []
    for n, cluster in enumerate(clusters, start=1):
        members = [records[i] for i in cluster]
        speaker_ids = Counter(speaker_of[r.id] for r in members if r.id in speaker_of)
        out.append(
            {
                "claim_id": f"c{n}",
                "speaker_id": speaker_ids.most_common(1)[0][0] if speaker_ids else None,
                "size": len(members),
                "articles": len({r.doc_id for r in members}),
                "members": [
                    {
                        "doc_id": r.doc_id,
                        "record_id": r.id,
                        "outlet": outlets.get(r.doc_id),
                        "kind": r.kind,
                        "text": r.text,
                        "credited": r.credited,
                        "speaker": speaker_label(r),
                        "speaker_id": speaker_of.get(r.id),
                    }
                    for r in members
                ],
                "differences": {
                    "wording": len({normalised(r.text) for r in members}) > 1,
                    "credited": _distinct([r.credited for r in members]),
                    "speakers": _distinct([speaker_label(r) for r in members]),
                },
            }
        )
    return out
