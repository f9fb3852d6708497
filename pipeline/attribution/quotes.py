"""Quotation marks: where quotes are, and whether a content is quoted (direct/mixed/indirect)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.schema import RoleSpan

OPEN_MARKS = ("“", "«", "``")
STRAIGHT_MARKS = ('"', "''")
CLOSE_MARKS = ("”", "»")
# NYT writes quotes with doubled apostrophes: ''like this''.
_MARK = re.compile(r"''|``|[\"“”«»]")


def has_quote_mark(text: str) -> bool:
    """Any quotation mark in ``text``, doubled apostrophes and backticks included."""
    return _MARK.search(text) is not None


def quote_mark_at(text: str, position: int) -> bool:
    """A quotation mark (one of two characters, for ``''`` and ``````) starts at ``position``."""
    return _MARK.match(text, position) is not None


@dataclass(frozen=True)
class Quote:
    """Characters from an opening quotation mark to its closing one (inclusive)."""

    start: int
    end: int
    closed: bool


def find_quotes(text: str) -> list[Quote]:
    """Double-quoted stretches, line by line; an unclosed quote runs to the line end.

    Curly marks pair by direction; straight marks alternate open/close within a line.
    """
    quotes: list[Quote] = []
    for line in re.finditer(r"[^\n]+", text):
        opened: int | None = None
        for m in _MARK.finditer(line.group()):
            mark, pos = m.group(), line.start() + m.start()
            if opened is None and (mark in OPEN_MARKS or mark in STRAIGHT_MARKS):
                opened = pos
            elif opened is not None and (mark in CLOSE_MARKS or mark in STRAIGHT_MARKS):
                quotes.append(Quote(opened, pos + len(mark), True))
                opened = None
        if opened is not None:
            quotes.append(Quote(opened, line.end(), False))
    return quotes


def quote_kind(text: str, content: RoleSpan) -> str:
    """``direct`` when every word of the content is inside quotation marks, ``mixed`` when
    some are, ``indirect`` otherwise. Each span of the content is read on its own, so a quote
    continued over paragraphs ("“...¶“...”") counts as quoted throughout."""
    quoted = unquoted = 0
    for start, end in content.spans:
        piece = text[start:end]
        covered = [False] * len(piece)
        for q in find_quotes(piece):
            covered[q.start : q.end] = [True] * (q.end - q.start)
        for char, inside in zip(piece, covered):
            if char.isalnum():
                quoted += inside
                unquoted += not inside
    if quoted and not unquoted:
        return "direct"
    return "mixed" if quoted else "indirect"
