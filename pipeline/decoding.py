"""BIO tags over subword tokens <-> character spans, and constrained Viterbi decoding.

PolNeAR is univocal (a token has at most one role in at most one attribution), so the three
roles fit one tag sequence: ``O``, ``B-``/``I-`` for source, cue and content. Each contiguous
range of a role starts with ``B-``, so the two halves of a content split by its cue stay apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

ROLES = ("source", "cue", "content")
TAGS = ("O",) + tuple(f"{p}-{r}" for r in ROLES for p in ("B", "I"))
TAG_ID = {t: i for i, t in enumerate(TAGS)}
NEG = -1e9

RoleRange = tuple[str, int, int]  # (role, start char, end char)


def _allowed() -> tuple[np.ndarray, np.ndarray]:
    """Log-space masks: which tag may follow which, and which may open a sequence.

    ``I-x`` is only allowed after ``B-x`` or ``I-x``; that is all that makes a sequence valid.
    """
    n = len(TAGS)
    trans = np.zeros((n, n))
    start = np.zeros(n)
    for j, tag in enumerate(TAGS):
        if tag.startswith("I-"):
            start[j] = NEG
            role = tag[2:]
            for i, prev in enumerate(TAGS):
                if prev not in (f"B-{role}", f"I-{role}"):
                    trans[i, j] = NEG
    return trans, start


TRANSITIONS, START = _allowed()


def viterbi(log_probs: np.ndarray) -> np.ndarray:
    """The best valid tag sequence for a (tokens x tags) matrix of log-probabilities."""
    n_tokens = log_probs.shape[0]
    if n_tokens == 0:
        return np.zeros(0, dtype=np.int64)
    score = START + log_probs[0]
    back = np.zeros((n_tokens, len(TAGS)), dtype=np.int64)
    for t in range(1, n_tokens):
        total = score[:, None] + TRANSITIONS  # (prev, cur)
        back[t] = total.argmax(axis=0)
        score = total.max(axis=0) + log_probs[t]
    path = np.empty(n_tokens, dtype=np.int64)
    path[-1] = int(score.argmax())
    for t in range(n_tokens - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


def is_valid(tags: Sequence[int]) -> bool:
    """True when no ``I-x`` follows anything but ``B-x`` / ``I-x``."""
    prev = TAG_ID["O"]
    for tag in tags:
        if START[tag] == NEG and TRANSITIONS[prev, tag] == NEG:
            return False
        prev = tag
    return True


def tags_to_token_spans(tags: Sequence[int]) -> list[tuple[str, int, int]]:
    """``(role, first token, last token + 1)`` for each B/I run of a valid sequence."""
    spans: list[tuple[str, int, int]] = []
    for t, tag in enumerate(tags):
        name = TAGS[tag]
        if name.startswith("B-"):
            spans.append((name[2:], t, t + 1))
        elif name.startswith("I-"):
            role, first, _ = spans[-1]
            spans[-1] = (role, first, t + 1)
    return spans


def tags_to_ranges(tags: Sequence[int], offsets: np.ndarray) -> list[RoleRange]:
    """Character ranges of each tagged run, from the tokens' ``(start, end)`` offsets."""
    return [(role, int(offsets[a, 0]), int(offsets[b - 1, 1])) for role, a, b in tags_to_token_spans(tags)]


def ranges_to_tags(ranges: Iterable[RoleRange], offsets: np.ndarray) -> np.ndarray:
    """Tag each token by the range covering its first character; ``B-`` opens each range.

    Ranges are assumed not to overlap (univocal gold); a later range wins on a clash.
    """
    tags = np.full(len(offsets), TAG_ID["O"], dtype=np.int64)
    starts = offsets[:, 0]
    for role, start, end in sorted(ranges, key=lambda r: r[1]):
        inside = np.nonzero((starts >= start) & (starts < end))[0]
        if len(inside):
            tags[inside] = TAG_ID[f"I-{role}"]
            tags[inside[0]] = TAG_ID[f"B-{role}"]
    return tags
