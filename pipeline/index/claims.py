"""Claim clusters: the same statement reported in several articles, verbatim or paraphrased.

Nothing compares every pair, and the sentence encoder reads only the records that need it.

1. **Near-verbatim**: records sharing rare wording shingles are found through an inverted index
   (a shingle in more than ``max_posting`` records is boilerplate and ignored); a pair joins
   when enough of the shorter content's shingles are in the other's.
2. **Paraphrase by the same speaker**: clusters from step 1 credited to one named speaker that
   share content words are found through an inverted index keyed by speaker and word; only
   the first record of each cluster in such a pair is encoded with MiniLM
   (:mod:`pipeline.index.embeddings`), and a pair joins when its cosine is high.
3. **Quote fragments by the same speaker**: a summary quoting three or more of the speaker's
   words that another content holds word for word (:mod:`pipeline.index.fragments`) joins it
   at a lower cosine, the quoted words being evidence of their own.

Clusters are the connected components (union-find). Two contents credited to different named
speakers join only when near-verbatim and long (an outlet crediting someone else with the same
words is worth showing); within one article only a near-verbatim repeat by the same speaker,
or a summary quoting its words, joins (a lede's partial quote, then the quote in full).
Speakers without a name are never paraphrase-matched across articles: "a source" in two
articles need not be one person.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.index.fragments import fragment_candidates
from pipeline.index.records import IndexedRecord
from pipeline.index.text import SHINGLE, content_words, normalised, shingles, words


@dataclass(frozen=True)
class ClaimRules:
    """Thresholds of :func:`cluster_claims`, chosen on the gold's tuning and first heldout parts
    and never on heldout-2 (see CLAIMS-GUIDE.md)."""

    containment: float = 0.3  # share of the shorter content's shingles found in the other
    min_shared: int = 4  # shingles in common (seven words in a row, or more), so a stock phrase is not enough
    short_containment: float = 0.6  # for contents too short to share ``min_shared`` shingles
    cosine_same_speaker: float = 0.8  # a paraphrase by the same speaker
    fragment_min_words: int = 3  # a quoted fragment, inside a summary, the other content holds word for word
    cosine_fragment: float = 0.55  # and the cosine of the two contents (the quoted words are evidence already)
    paraphrase_min_words: int = 3  # content words a same-speaker pair must share to be encoded
    paraphrase_overlap: float = 0.2  # and their Jaccard overlap
    verbatim_over_speakers: float = 0.9  # the same words credited to different named speakers
    verbatim_min_words: int = 8
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


def co_occurring(keys: Iterable[Iterable[Any]], max_posting: int) -> Counter[tuple[int, int]]:
    """Pairs (i < j) of items sharing keys, with how many they share; a key held by more than
    ``max_posting`` items is too common to be evidence and is skipped."""
    postings: dict[Any, list[int]] = defaultdict(list)
    for i, item_keys in enumerate(keys):
        for key in item_keys:
            postings[key].append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for members in postings.values():
        if 1 < len(members) <= max_posting:
            for a in range(len(members)):
                for b in range(a + 1, len(members)):
                    shared[(members[a], members[b])] += 1
    return shared


def verbatim(shared: int, sizes: tuple[int, int], shortest: int, rules: ClaimRules) -> bool:
    """Enough shingles in common, counted against the shorter content."""
    containment = shared / (min(sizes) or 1)
    if shortest < SHINGLE + rules.min_shared:
        return containment >= rules.short_containment
    return shared >= rules.min_shared and containment >= rules.containment


def verbatim_joins(
    a: IndexedRecord, b: IndexedRecord, containment: float, shortest: int, speakers: tuple[str | None, str | None], named: set[str], rules: ClaimRules
) -> bool:
    """Whether a near-verbatim pair is one claim, given who each article credits."""
    same_speaker = speakers[0] is not None and speakers[0] == speakers[1]
    if a.doc_id == b.doc_id:
        return same_speaker
    if speakers[0] in named and speakers[1] in named and not same_speaker:
        return containment >= rules.verbatim_over_speakers and shortest >= rules.verbatim_min_words
    return shortest >= SHINGLE or same_speaker  # "No", "absolutely": too short to be evidence alone


def paraphrase_candidates(
    records: list[IndexedRecord], speaker_of: dict[str, str], named: set[str], found: UnionFind, rules: ClaimRules
) -> list[tuple[int, int]]:
    """Same named speaker, enough content words in common, not yet one claim. Each near-verbatim
    cluster so far takes part through its first record only, so its copies are read once."""
    stems = [content_words(r.text) if found.find(i) == i else set() for i, r in enumerate(records)]
    keys = [
        [(speaker_of[r.id], w) for w in stems[i]] if speaker_of.get(r.id) in named else []
        for i, r in enumerate(records)
    ]
    out = []
    for (i, j), n in co_occurring(keys, rules.max_posting).items():
        if n >= rules.paraphrase_min_words and n / len(stems[i] | stems[j]) >= rules.paraphrase_overlap and found.find(i) != found.find(j):
            out.append((i, j))
    return out


def cluster_claims(
    records: list[IndexedRecord],
    speaker_of: dict[str, str],
    named: set[str],
    encode: Callable[[list[str]], np.ndarray],
    rules: ClaimRules = ClaimRules(),
) -> list[list[int]]:
    """Clusters of record indexes (singletons included), each in record order; ``encode``
    turns texts into unit vectors (called once, on the paraphrase candidates only)."""
    tokens = [words(r.text) for r in records]
    sets = [shingles(t) for t in tokens]
    found = UnionFind(len(records))
    for (i, j), n in co_occurring(sets, rules.max_posting).items():
        sizes, shortest = (len(sets[i]), len(sets[j])), min(len(tokens[i]), len(tokens[j]))
        pair_speakers = (speaker_of.get(records[i].id), speaker_of.get(records[j].id))
        if verbatim(n, sizes, shortest, rules) and verbatim_joins(
            records[i], records[j], n / (min(sizes) or 1), shortest, pair_speakers, named, rules
        ):
            found.union(i, j)
    # Each candidate pair with the cosine it needs; one encoder call for all of them.
    threshold = dict.fromkeys(paraphrase_candidates(records, speaker_of, named, found, rules), rules.cosine_same_speaker)
    for pair in fragment_candidates(records, tokens, speaker_of, named, rules.fragment_min_words, rules.max_posting):
        if found.find(pair[0]) != found.find(pair[1]):
            threshold[pair] = min(threshold.get(pair, 1.0), rules.cosine_fragment)
    needed = sorted({i for pair in threshold for i in pair})
    if needed:
        row = {i: n for n, i in enumerate(needed)}
        vectors = encode([records[i].text for i in needed])
        for (i, j), cosine in threshold.items():
            if float(vectors[row[i]] @ vectors[row[j]]) >= cosine:
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
