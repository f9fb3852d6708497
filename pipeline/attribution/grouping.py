"""Group tagged role spans into attributions: each content to its cue, each cue to its source.

The tagger marks spans, not who goes with whom. Within a paragraph a content takes the
nearest cue, preferring one in its own sentence; the pieces of a statement around its cue
are one (discontinuous) content, as PolNeAR annotates "“A,” she said, “B.”" and "A, she said,
B". A cue takes the nearest source of its sentence (or none: PolNeAR's
Attribution-no-source). A quotation left open at a paragraph's end and reopened on the next
line, with no cue of its own, continues the attribution before it. Span edges follow
PolNeAR's conventions where the tagger wavers: no bare full stop closing a content, no
dateline opening a source, a source's closing comma only after an appositive (the annotators'
counts: ``python eval/polnear_conventions.py``).
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.attribution.decoding import RoleRange
from pipeline.attribution.quotes import Quote, find_quotes, has_quote_mark, quote_mark_at
from pipeline.paragraphs import paragraph_starts
from pipeline.schema import Attribution, RoleSpan

OTHER_SENTENCE = 1000  # added to the distance of a cue or source outside the sentence


@dataclass
class Tagged:
    """A decoded span with its confidence and where it sits."""

    role: str
    start: int
    end: int
    confidence: float
    paragraph: int
    sentence: int


def gap(a: Tagged, b: Tagged) -> int:
    """Characters between two spans (0 when they touch or overlap)."""
    return max(b.start - a.end, a.start - b.end, 0)


def locate(
    ranges: list[tuple[RoleRange, float]], text: str, sentence_starts: list[int]
) -> list[Tagged]:
    """Attach paragraph and sentence indexes to decoded ranges; a range with no letter or digit
    (a stray quotation mark or comma) is no role, but for a colon cue ("Pence: Gennifer Flowers
    Won't Be at Debate", "PENCE: Well, look, ...")."""
    paragraphs = paragraph_starts(text)
    return [
        Tagged(role, s, content_end(text, s, e) if role == "content" else e, conf,
               max(bisect.bisect_right(paragraphs, s) - 1, 0), max(bisect.bisect_right(sentence_starts, s) - 1, 0))
        for (role, s, e), conf in ranges
        if any(c.isalnum() for c in text[s:e]) or (role == "cue" and text[s:e].strip() == ":")
    ]  # fmt: skip


def content_end(text: str, start: int, end: int) -> int:
    """Where a content ends without the bare full stop, comma, colon or semicolon the tagger
    sometimes takes with it: PolNeAR leaves them out (under 1% of train's contents end with one; on
    dev none of the tagger's that did matched gold)."""
    return start + len(text[start:end].rstrip().rstrip(".,:;").rstrip())


def nearest(target: Tagged, candidates: list[Tagged]) -> Tagged | None:
    """The candidate in ``target``'s paragraph closest to it, same sentence first."""
    best, best_score = None, math.inf
    for c in candidates:
        if c.paragraph != target.paragraph:
            continue
        score = gap(target, c) + (0 if c.sentence == target.sentence else OTHER_SENTENCE)
        if score < best_score:
            best, best_score = c, score
    return best


def left_open(quotes: list[Quote], end: int) -> bool:
    """A content ending at ``end`` stops inside a quotation its line never closes."""
    return any(not q.closed and q.start < end <= q.end for q in quotes)


def ends_paragraph_before(text: str, end: int, start: int) -> bool:
    """Only a line break (and spaces) between a content's end and the next paragraph's start."""
    between = text[end:start]
    return "\n" in between and not between.strip()


def quoted(text: str, piece: Tagged) -> bool:
    """A piece that holds a quotation mark: the first half of "“A,” she said, “B.”"."""
    return has_quote_mark(text[piece.start : piece.end])


# A dateline opening an article's first line: "BRUSSELS - ", "WASHINGTON -- ".
DATELINE = re.compile(r"[A-Z][A-Z.,' ]+\s*(?:--|-|—|–)\s+")


def after_dateline(text: str, start: int, end: int) -> int:
    """Where a span at a line's start begins without the dateline the tagger sometimes takes
    into it: no source in PolNeAR train starts with one (24 start right after)."""
    m = DATELINE.match(text, start, end) if start == 0 or text[start - 1] == "\n" else None
    return m.end() if m and m.end() < end else start


def source_extent(text: str, source: Tagged) -> tuple[int, int]:
    """A source's span without a dateline, and with its closing comma as PolNeAR marks it:
    kept after an appositive ("Mitch McConnell, R-Ky.,": 90% of train's sources with an inner
    comma take the one that closes it), left out otherwise ("Mr. Kamin": over 99% of the others)."""
    start, end = after_dateline(text, source.start, source.end), source.end
    inner = "," in text[start:end].rstrip().removesuffix(",")
    if text[start:end].rstrip().endswith(",") and not inner:
        return start, start + len(text[start:end].rstrip()) - 1
    if inner and text[end : end + 1] == ",":
        return start, end + 1
    return start, end


def parenthetical(text: str, before: Tagged, after: Tagged, between: Sequence[Tagged]) -> bool:
    """The cue and source between two pieces are set off by commas and nothing else stands
    there: "Climate change, Mr. Obama often says, is the greatest threat" (one content in
    PolNeAR). One comma is not enough: "Asked about the scam, Stumpf said that ..." is two."""
    rest = list(text[before.end : after.start])
    for t in between:
        for k in range(max(t.start, before.end), min(t.end, after.start)):
            rest[k - before.end] = " "
    marks = "".join(rest).split()
    return len(marks) >= 2 and marks[0].startswith(",") and marks[-1].endswith(",") and not any(c.isalnum() for c in rest)


def statements(contents: list[Tagged], cue: Tagged, text: str, sources: Sequence[Tagged] = ()) -> list[list[Tagged]]:
    """The contents linked to one cue, split into statements, the one nearest the cue first.

    A piece joins the one before it when the cue stands between them and that one is quoted
    ("“A,” she said, “B.”") or the cue is a :func:`parenthetical`, or when both follow the cue
    and it is a further quotation ("She said: “A.” “B.”"). Otherwise it is another
    statement: on dev such a piece is nearly always another report whose own cue the tagger
    missed, so :func:`group` keeps only the nearest (content exact F1 +0.02, nothing else moves).
    """
    out: list[list[Tagged]] = []
    contents = sorted(contents, key=lambda c: c.start)
    for piece in contents:
        if out:
            last = out[-1][-1]
            around = last.end <= cue.start and cue.end <= piece.start and (
                quoted(text, last) or parenthetical(text, last, piece, [cue, *sources]))
            further = last.start >= cue.end and quote_mark_at(text, piece.start)
            if around or further:
                out[-1].append(piece)
                continue
        out.append([piece])
    return sorted(out, key=lambda st: min(gap(c, cue) for c in st))


def give_each_cue_a_content(cues: list[Tagged], by_cue: dict[int, list[Tagged]]) -> None:
    """A cue left without a content takes, from a cue that drew several, the one nearest it in its
    own sentence: in "Greenwood said on Wednesday that “A” but did not say what B", both contents
    lie nearer "did not say", which would join them as one quote around itself and leave "said"
    with none."""
    for cue in cues:
        if by_cue.get(id(cue)):
            continue
        offers = [(gap(c, cue), c, other) for other in cues if len(by_cue.get(id(other), [])) > 1
                  for c in by_cue[id(other)] if c.sentence == cue.sentence]  # fmt: skip
        if offers:
            _, content, other = min(offers, key=lambda o: o[0])
            by_cue[id(other)].remove(content)
            by_cue[id(cue)] = [content]


def group(
    ranges: list[tuple[RoleRange, float]], text: str, sentence_starts: list[int], min_confidence: float = 0.0
) -> list[Attribution]:
    """Attributions from decoded ranges; ``sentence_starts`` are the article's sentence offsets.
    Those whose raw confidence is below ``min_confidence`` are left out."""
    tagged = locate(ranges, text, sentence_starts)
    cues = [t for t in tagged if t.role == "cue"]
    sources = [t for t in tagged if t.role == "source"]
    by_cue: dict[int, list[Tagged]] = {}
    orphans: list[Tagged] = []
    for content in (t for t in tagged if t.role == "content"):
        cue = nearest(content, cues)
        if cue is None:
            orphans.append(content)
        else:
            by_cue.setdefault(id(cue), []).append(content)
    give_each_cue_a_content(cues, by_cue)

    found: list[Attribution] = []
    for cue in cues:
        for contents in statements(by_cue.get(id(cue), []), cue, text, sources)[:1]:
            pieces = [(c.start, c.end) for c in contents]
            # Only its own sentence: a source further away is nearly always another report's
            # (PolNeAR dev, default: source exact F1 0.776 -> 0.781, nothing else moves).
            own = [s for s in sources if s.sentence == cue.sentence and not any(c.start <= s.start < c.end for c in contents)]
            source = nearest(cue, own)
            confidence = sum(c.confidence for c in contents) / len(contents) * 0.5 + cue.confidence * 0.5
            found.append(
                Attribution(
                    content=RoleSpan.from_spans(text, pieces),
                    cue=RoleSpan.from_spans(text, [(cue.start, cue.end)]),
                    source=None if source is None else RoleSpan.from_spans(text, [source_extent(text, source)]),
                    confidence=confidence,
                )
            )
    quotes = find_quotes(text)
    for content in sorted(orphans, key=lambda c: c.start):
        previous = max((a for a in found if a.content.end <= content.start), key=lambda a: a.content.end, default=None)
        if (
            previous is not None
            and quote_mark_at(text, content.start)
            and (left_open(quotes, previous.content.end) or ends_paragraph_before(text, previous.content.end, content.start))
        ):
            previous.content = RoleSpan.from_spans(text, [*previous.content.spans, (content.start, content.end)])
            continue
        found.append(Attribution(content=RoleSpan.from_spans(text, [(content.start, content.end)]),
                                 confidence=content.confidence * 0.5))  # fmt: skip
    return above_floor(sorted(found, key=lambda a: a.content.start), min_confidence)


def above_floor(found: list[Attribution], min_confidence: float) -> list[Attribution]:
    """The attributions whose raw confidence reaches ``min_confidence``."""
    return [a for a in found if a.confidence >= min_confidence]
