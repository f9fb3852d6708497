"""Quote fragments: an outlet's summary quoting a few of the speaker's words meets the statement
they come from ("the Republican frontrunner “ISIS’ best recruiter.”" / "He is becoming ISIS’s
best recruiter").

A summary shares too few shingles with the full quote to be near-verbatim and too few content
words to be a paraphrase candidate, yet the words it quotes occur, in order, in the statement.
Candidates are found through an inverted index of word trigrams keyed by speaker, holding only
the trigrams some fragment has (two passes over the records: nothing grows with the square of
their number); a fragment is looked up by its rarest trigram and checked word for word.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from pipeline.index.records import IndexedRecord
from pipeline.index.text import quoted_fragments

GRAM = 3  # words of the lookup key; also the shortest fragment looked up


def contains(tokens: Sequence[str], fragment: Sequence[str]) -> bool:
    """Whether ``fragment`` occurs in ``tokens`` as consecutive words."""
    n = len(fragment)
    return any(tokens[k : k + n] == fragment for k in range(len(tokens) - n + 1) if tokens[k] == fragment[0])


def _grams(tokens: Sequence[str]) -> list[tuple[str, ...]]:
    return [tuple(tokens[k : k + GRAM]) for k in range(len(tokens) - GRAM + 1)]


def fragment_candidates(
    records: list[IndexedRecord],
    tokens: list[list[str]],
    speaker_of: dict[str, str],
    named: set[str],
    min_words: int,
    max_posting: int,
) -> list[tuple[int, int]]:
    """Pairs (i < j) of records credited to one named speaker where one quotes, inside its own
    words, a fragment of ``min_words`` words or more that the other holds word for word."""
    speaker = [speaker_of.get(r.id) if speaker_of.get(r.id) in named else None for r in records]
    fragments = {
        i: found
        for i, r in enumerate(records)
        if speaker[i] is not None and (found := quoted_fragments(r.text, max(min_words, GRAM)))
    }
    wanted = {(speaker[i], g) for i, found in fragments.items() for f in found for g in _grams(f)}
    postings: dict[tuple[str | None, tuple[str, ...]], list[int]] = defaultdict(list)
    for j, toks in enumerate(tokens):
        if speaker[j] is not None:
            for g in set(_grams(toks)):
                if (speaker[j], g) in wanted:
                    postings[(speaker[j], g)].append(j)
    pairs = set()
    for i, found in fragments.items():
        for f in found:
            holders = min((postings[(speaker[i], g)] for g in _grams(f)), key=len)
            if len(holders) > max_posting:
                continue  # a stock phrase of this speaker's, no evidence of one statement
            pairs.update((min(i, j), max(i, j)) for j in holders if j != i and contains(tokens[j], f))
    return sorted(pairs)
