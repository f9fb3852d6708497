"""What the uncased encoder cannot see, as small ids per word.

An uncased WordPiece encoder loses capitals (names are sources), line breaks (a quote that
opens a paragraph) and which words sit inside quotation marks (direct contents). Each word
gets a shape id from its original characters: case x space before x line break before x
inside a quotation; the tagger embeds it beside the encoder's output. :func:`paint_tags`
turns attributions into one BIO tag per word: the gold for training, and the ``fast``
rules' readings as a second input.
"""

from __future__ import annotations

import numpy as np

from pipeline.attribution.decoding import TAG_INDEX
from pipeline.attribution.quotes import find_quotes
from pipeline.schema import Attribution

CASES = ("lower", "title", "upper", "mixed", "none")
N_SHAPES = len(CASES) * 2 * 2 * 2


def case_of(word: str) -> int:
    """Index in :data:`CASES` of a word's capitalisation (``none`` for words without letters)."""
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return 4
    if all(c.islower() for c in letters):
        return 0
    if all(c.isupper() for c in letters):
        return 2 if len(letters) > 1 else 1
    return 1 if letters[0].isupper() and all(c.islower() for c in letters[1:]) else 3


def quoted_mask(text: str) -> np.ndarray:
    """One flag per character: inside a quotation (marks included)."""
    mask = np.zeros(len(text) + 1, dtype=bool)
    for q in find_quotes(text):
        mask[q.start : q.end] = True
    return mask


def word_shapes(text: str, word_offsets: np.ndarray) -> np.ndarray:
    """A shape id in ``[0, N_SHAPES)`` for each word given its ``(start, end)`` characters."""
    quoted = quoted_mask(text)
    out = np.empty(len(word_offsets), dtype=np.int64)
    previous_end = 0
    for i, (start, end) in enumerate(word_offsets):
        gap = text[previous_end:start]
        space = start == 0 or start > previous_end
        newline = start == 0 or "\n" in gap
        out[i] = ((case_of(text[start:end]) * 2 + space) * 2 + newline) * 2 + bool(quoted[start])
        previous_end = end
    return out


def paragraph_breaks(text: str, word_offsets: np.ndarray) -> np.ndarray:
    """True for each word that is the first of its line (a new paragraph)."""
    out = np.zeros(len(word_offsets), dtype=bool)
    previous_end = 0
    for i, (start, _) in enumerate(word_offsets):
        out[i] = i > 0 and "\n" in text[previous_end:start]
        previous_end = int(word_offsets[i][1])
    return out


def paint_tags(word_offsets: np.ndarray, attributions: list[Attribution]) -> np.ndarray:
    """One BIO tag id per word for the roles of ``attributions``.

    Nested attributions overlap; the outer one (longer content) is painted last and wins,
    as one tag per word holds only one reading."""
    tags = np.zeros(len(word_offsets), dtype=np.int64)
    starts = word_offsets[:, 0]
    for a in sorted(attributions, key=lambda a: sum(e - s for s, e in a.content.spans)):
        for role in ("content", "cue", "source"):
            span = getattr(a, role)
            for s, e in span.spans if span is not None else ():
                first, last = np.searchsorted(starts, [s, e])
                if last > first:
                    tags[first] = TAG_INDEX[f"B-{role}"]
                    tags[first + 1 : last] = TAG_INDEX[f"I-{role}"]
    return tags
