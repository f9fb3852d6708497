"""Paragraphs of raw article text: each non-empty line is one.

Segmentation numbers sentences by paragraph and grouping joins quotes continued over them;
this lives apart from :mod:`pipeline.segment` so that grouping (and the tagger's training
loop, which may run where spaCy is not installed) reads it without importing spaCy.
"""

from __future__ import annotations

import re

_PARAGRAPH = re.compile(r"[^\n]*\S[^\n]*")


def paragraph_starts(text: str) -> list[int]:
    """Character offsets where each paragraph (a non-empty line) begins."""
    return [m.start() for m in _PARAGRAPH.finditer(text)]
