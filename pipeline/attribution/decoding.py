"""BIO tags over words, decoded into valid role spans by constrained Viterbi.

Tags are per *word* (the tokenizer's pre-tokenised words, each one or more subword pieces),
so a span can never start or end inside a word. The transition matrix forbids an ``I-X``
that does not follow ``B-X`` or ``I-X``, so no orphan ``I-`` tag survives decoding.
"""

from __future__ import annotations

import numpy as np

ROLES = ("source", "cue", "content")
TAGS = ("O", *(f"{p}-{r}" for r in ROLES for p in ("B", "I")))
TAG_INDEX = {t: i for i, t in enumerate(TAGS)}
NEG_INF = -1e9

RoleRange = tuple[str, int, int]  # role, start char, end char (exclusive)


def allowed_transitions() -> np.ndarray:
    """``allowed[i, j]``: may tag ``j`` follow tag ``i``? Only ``I-X`` is restricted."""
    n = len(TAGS)
    allowed = np.ones((n, n), dtype=bool)
    for j, tag in enumerate(TAGS):
        if tag.startswith("I-"):
            role = tag[2:]
            allowed[:, j] = False
            allowed[TAG_INDEX[f"B-{role}"], j] = allowed[TAG_INDEX[f"I-{role}"], j] = True
    return allowed


_TRANSITIONS = np.where(allowed_transitions(), 0.0, NEG_INF).astype(np.float64)
_START = np.array([NEG_INF if t.startswith("I-") else 0.0 for t in TAGS])


def viterbi(log_probs: np.ndarray, begin_penalty: float = 0.0, breaks: np.ndarray | None = None) -> np.ndarray:
    """The best tag sequence under the BIO constraints.

    ``log_probs`` is (words, tags). ``begin_penalty`` is subtracted from every ``B-`` score
    (fewer, longer spans). ``breaks[i]`` true means word ``i`` starts a new paragraph: no span
    continues across it (PolNeAR contents never cross a paragraph break).
    """
    n = len(log_probs)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    emissions = log_probs.astype(np.float64).copy()
    begins = [i for i, t in enumerate(TAGS) if t.startswith("B-")]
    emissions[:, begins] -= begin_penalty
    inside = np.array([t.startswith("I-") for t in TAGS])
    score = _START + emissions[0]
    back = np.zeros((n, len(TAGS)), dtype=np.int64)
    for i in range(1, n):
        total = score[:, None] + _TRANSITIONS
        back[i] = total.argmax(axis=0)
        score = total[back[i], np.arange(len(TAGS))] + emissions[i]
        if breaks is not None and breaks[i]:
            score = np.where(inside, NEG_INF, score)
    tags = np.zeros(n, dtype=np.int64)
    tags[-1] = int(score.argmax())
    for i in range(n - 1, 0, -1):
        tags[i - 1] = back[i, tags[i]]
    return tags


def tags_to_ranges(tags: np.ndarray, word_offsets: np.ndarray) -> list[RoleRange]:
    """Role character ranges of a valid tag sequence; ``word_offsets`` is (words, 2)."""
    out: list[RoleRange] = []
    current: list | None = None
    for tag_id, (start, end) in zip(tags, word_offsets):
        tag = TAGS[int(tag_id)]
        if tag.startswith("B-") or tag == "O" or current is None or tag[2:] != current[0]:
            if current is not None:
                out.append((current[0], current[1], current[2]))
                current = None
            if tag != "O":
                current = [tag[2:], int(start), int(end)]
        else:
            current[2] = int(end)
    if current is not None:
        out.append((current[0], current[1], current[2]))
    return out


def is_valid(tags: np.ndarray) -> bool:
    """True when every ``I-X`` follows ``B-X`` or ``I-X``."""
    allowed = allowed_transitions()
    if len(tags) and TAGS[int(tags[0])].startswith("I-"):
        return False
    return all(allowed[a, b] for a, b in zip(tags[:-1], tags[1:]))


def _runs(tags: np.ndarray, role: str) -> list[tuple[int, int]]:
    """``[start, end)`` word runs of one role in a valid tag sequence."""
    out, begin, inside = [], TAG_INDEX[f"B-{role}"], TAG_INDEX[f"I-{role}"]
    for i, t in enumerate(tags):
        if t == begin:
            out.append([i, i + 1])
        elif t == inside and out and out[-1][1] == i:
            out[-1][1] = i + 1
    return [tuple(r) for r in out]


def _rescue(tags: np.ndarray, log_probs: np.ndarray, role: str, lo: int, hi: int, threshold: float) -> tuple[int, int] | None:
    """Tag the likeliest ``role`` run starting among the untagged words ``[lo, hi)``, if its
    opening word's ``B-`` probability reaches ``threshold``; it grows while ``I-`` beats ``O``."""
    begin, inside, outside = TAG_INDEX[f"B-{role}"], TAG_INDEX[f"I-{role}"], TAG_INDEX["O"]
    free = [j for j in range(lo, hi) if tags[j] == outside]
    if not free:
        return None
    j = max(free, key=lambda k: log_probs[k, begin])
    if np.exp(log_probs[j, begin]) < threshold:
        return None
    end = j + 1
    while end < hi and tags[end] == outside and log_probs[end, inside] > log_probs[end, outside]:
        end += 1
    tags[j], tags[j + 1 : end] = begin, inside
    return j, end


def rescue_orphans(
    tags: np.ndarray, log_probs: np.ndarray, breaks: np.ndarray, threshold: float, reach: int = 8
) -> np.ndarray:
    """Give a paragraph's contents a cue, and its cues a source, where Viterbi left none.

    Nearly every PolNeAR content has a cue, and the cue sits just before it ("backed
    [Clinton]", "explores [how ...]") or just after a fronted quote. When a paragraph holds a
    content but no cue, the likeliest cue word within ``reach`` words on either side is tagged
    if its ``B-cue`` probability reaches ``threshold`` (tuned on dev); the same then for a
    source before or after such a cue. Returns a new, still valid, tag sequence.
    """
    tags = tags.copy()
    paragraph = np.cumsum(breaks) if len(breaks) else breaks
    for role, anchor in (("cue", "content"), ("source", "cue")):
        have = {int(paragraph[s]) for s, _ in _runs(tags, role)}
        for start, end in _runs(tags, anchor):
            p = int(paragraph[start])
            if p in have:
                continue
            same = np.flatnonzero(paragraph == p)
            lo, hi = max(int(same[0]), start - reach), min(int(same[-1]) + 1, end + reach)
            before = _rescue(tags, log_probs, role, lo, start, threshold)
            if before is None and _rescue(tags, log_probs, role, end, hi, threshold) is None:
                continue
            have.add(p)
    return tags
