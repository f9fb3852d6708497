"""Article text with source / cue / content spans as properly nested ``<mark>`` elements.

Records overlap: one record's content holds another's source, two records share a source,
a content runs across a quote that another record cut differently. HTML elements must nest,
so a span that crosses another is split into pieces: each piece is its own ``<mark>`` with the
same record and role, and only the first piece carries the record's anchor id.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

# Outer before inner when two spans cover the same characters: a content holds sources and cues.
ROLE_RANK = {"content": 0, "source": 1, "cue": 2}


@dataclass(frozen=True)
class Highlight:
    """One role span of one record: ``text[start:end]`` (code points, end exclusive)."""

    start: int
    end: int
    role: str  # "source", "cue" or "content"
    record: int  # the record's number on its page
    anchor: str | None = None  # id of the record's place in the text (its first content span)


def _order(h: Highlight) -> tuple[int, int, int]:
    """Longer spans open first so they enclose the shorter ones they share a start with."""
    return (-h.end, ROLE_RANK[h.role], h.record)


def _open_tag(h: Highlight, first_piece: bool) -> str:
    anchor = f' id="{html.escape(h.anchor)}"' if h.anchor and first_piece else ""
    return f'<mark class="{h.role}" data-r="{h.record}" tabindex="0"{anchor}>'


def highlight(text: str, spans: list[Highlight]) -> str:
    """``text`` HTML-escaped, each span wrapped in ``<mark>`` pieces that nest properly.

    Empty spans are skipped; spans must lie inside ``text`` (callers check records first).
    """
    spans = list(dict.fromkeys(h for h in spans if h.start < h.end))  # a repeated span is one mark
    starts: dict[int, list[Highlight]] = {}
    for h in spans:
        starts.setdefault(h.start, []).append(h)
    bounds = sorted({0, len(text), *(h.start for h in spans), *(h.end for h in spans)})
    out: list[str] = []
    stack: list[Highlight] = []  # open marks, outermost first
    opened: set[Highlight] = set()  # spans that already have a piece (their anchor is used)
    for pos, nxt in zip(bounds, bounds[1:] + [None]):
        ending = [i for i, h in enumerate(stack) if h.end == pos]
        reopen: list[Highlight] = []
        if ending:
            # Close from the outermost ending mark up; the marks above it that go on are split.
            cut = ending[0]
            reopen = [h for h in stack[cut:] if h.end != pos]
            out.append("</mark>" * (len(stack) - cut))
            del stack[cut:]
        for h in sorted(reopen + starts.get(pos, []), key=_order):
            out.append(_open_tag(h, h not in opened))
            opened.add(h)
            stack.append(h)
        if nxt is not None:
            out.append(html.escape(text[pos:nxt]))
    return "".join(out)
