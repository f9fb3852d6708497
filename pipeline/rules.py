"""The ``fast`` model: quotation marks plus the dependency parse, cues from PolNeAR train.

A token is a cue when its lemma heads gold cues in train often enough (``models/fast/cues.json``,
built by :mod:`pipeline.cues`) and the parse gives it something said: a clausal complement
("X said that ..."), a quote after it ("X said: “...”"), an inverted report ("..., X said"),
or "according to X". The subject is the source. Contents snap outwards to the quotation
marks they sit in, and quote paragraphs that continue an attributed quote are joined to it.
Span conventions follow PolNeAR: content keeps "that" and the quote marks, drops the final
comma or (outside quotes) full stop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from pipeline.cues import CueLexicon
from pipeline.extractors import register
from pipeline.schema import Attribution, RoleSpan

LEXICON_PATH = Path(__file__).resolve().parent.parent / "models" / "fast" / "cues.json"

MIN_PRECISION = 0.2  # cue precision in train below which a lemma is not trusted (tuned on dev)
MIN_CUE_COUNT = 5
MIN_OBJECT_PRECISION = 0.25  # an object is content only after a reliable cue (tuned on dev)
CUE_AUX_DEPS = ("aux", "auxpass", "neg")
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
INVERTED_DEPS = ("parataxis", "ccomp", "advcl")
# How much each pattern is worth, on top of the cue lemma's precision.
PATTERN_WEIGHT = {"fronted": 0.75, "inverted2": 0.75, "colon": 0.95, "quote": 0.95, "according": 0.9, "ccomp": 0.8, "inverted": 0.75, "xcomp": 0.5, "object": 0.4}
OPEN_MARKS = ("“", "«", "``")
STRAIGHT_MARKS = ('"', "''")
CLOSE_MARKS = ("”", "»")
TRIM = " \t\n,;:—–-"


@dataclass(frozen=True)
class Quote:
    """Characters from an opening quotation mark to its closing one (inclusive)."""

    start: int
    end: int
    closed: bool


def find_quotes(text: str) -> list[Quote]:
    """Double-quoted stretches, paragraph by paragraph; an unclosed quote runs to the line end.

    Curly marks pair by direction; straight ``"`` marks alternate open/close within a line.
    """
    quotes: list[Quote] = []
    for line in re.finditer(r"[^\n]+", text):
        opened: int | None = None
        # NYT writes quotes with doubled apostrophes: ''like this''.
        for m in re.finditer(r"''|``|[\"“”«»]", line.group()):
            mark, pos = m.group(), line.start() + m.start()
            if opened is None and (mark in OPEN_MARKS or mark in STRAIGHT_MARKS):
                opened = pos
            elif opened is not None and (mark in CLOSE_MARKS or mark in STRAIGHT_MARKS):
                quotes.append(Quote(opened, pos + len(mark), True))
                opened = None
        if opened is not None:
            quotes.append(Quote(opened, line.end(), False))
    return quotes


def _trim(text: str, start: int, end: int, keep_period: bool = False) -> tuple[int, int]:
    """Shrink a char range past surrounding punctuation and spaces PolNeAR leaves out."""
    strip_end = TRIM if keep_period else TRIM + "."
    while start < end and text[start] in TRIM:
        start += 1
    while end > start and text[end - 1] in strip_end:
        end -= 1
    return start, end


def _subtree_range(token: Token) -> tuple[int, int]:
    """Char range of a token's subtree."""
    return token.left_edge.idx, token.right_edge.idx + len(token.right_edge)


def _runs(tokens: list[Token]) -> list[tuple[int, int]]:
    """Char ranges of the maximal runs of consecutive tokens."""
    ranges: list[tuple[int, int]] = []
    for t in sorted(tokens, key=lambda t: t.i):
        if ranges and t.i > 0 and t.doc[t.i - 1] in tokens:
            ranges[-1] = (ranges[-1][0], t.idx + len(t))
        else:
            ranges.append((t.idx, t.idx + len(t)))
    return ranges


def _snap_to_quote(start: int, end: int, quotes: list[Quote], cue: Token) -> tuple[int, int]:
    """Grow a content range to whole quotes it overlaps, never over the cue."""
    for q in quotes:
        if q.start < end and start < q.end and not (q.start <= cue.idx < q.end):
            start, end = min(start, q.start), max(end, q.end)
    return start, end


class RuleExtractor:
    name = "fast"

    def __init__(self, lexicon: CueLexicon) -> None:
        self.lexicon = lexicon
        self.trusted = {
            lemma
            for lemma, (count, _, precision) in lexicon.lemmas.items()
            if count >= MIN_CUE_COUNT and precision >= MIN_PRECISION
        }

    def __call__(self, doc: Doc) -> list[Attribution]:
        text = doc.text
        quotes = find_quotes(text)
        candidates = [
            attribution
            for sent in doc.sents
            for token in sent
            if not any(q.start < token.idx < q.end for q in quotes)  # univocal: nothing nests in a quote
            and (attribution := self._from_cue(token, sent, quotes, text)) is not None
        ]
        # Where two readings claim the same words, keep the more confident one.
        found: list[Attribution] = []
        taken: set[int] = set()  # content and cue characters already attributed
        for attribution in sorted(candidates, key=lambda a: -a.confidence):
            chars = {i for role in (attribution.content, attribution.cue) for s, e in role.spans for i in range(s, e)}
            if not chars & taken:
                taken |= chars
                found.append(attribution)
        found.sort(key=lambda a: a.content.start)
        return self._join_continued_quotes(found, quotes, text)

    # -- one cue ------------------------------------------------------------------------
    def _from_cue(self, token: Token, sent: Span, quotes: list[Quote], text: str) -> Attribution | None:
        lemma = token.lemma_.lower()
        if lemma == "accord" and any(c.lower_ == "to" for c in token.children):
            return self._according_to(token, sent, quotes, text)
        if lemma not in self.trusted or token.pos_ not in ("VERB", "AUX"):
            return None
        ranges, pattern = self._content(token, sent, quotes)
        content = []
        for start, end in ranges:
            start, end = _snap_to_quote(start, end, quotes, token)
            # Inside a quote PolNeAR keeps the final full stop; outside it, not.
            start, end = _trim(text, start, end, keep_period=any(
                q.end == end and (q.closed or q.start == start) for q in quotes
            ))
            if end > start:
                content.append((start, end))
        if sum(e - s for s, e in content) < 2 or any(s <= token.idx < e for s, e in content):
            return None
        source = self._source(token, text)
        weight = PATTERN_WEIGHT[pattern if pattern != "quote" or source is not None else "inverted"]
        return Attribution(
            content=RoleSpan.from_spans(text, content),
            cue=RoleSpan.from_spans(text, [self._cue_range(token)]),
            source=source, kind=pattern,
            confidence=round(0.5 * weight + 0.5 * self.lexicon.precision(token.lemma_.lower()), 4),
        )

    def _content(self, token: Token, sent: Span, quotes: list[Quote]) -> tuple[list[tuple[int, int]], str]:
        """What the cue reports (char ranges), by the first pattern that applies, and its name."""
        complement = next(
            (c for c in token.children if c.dep_ == "ccomp" or (c.dep_ == "xcomp" and c.i > token.i)), None
        )
        # A quote opened after the cue, in its sentence ("said: “...”"), unless the parse
        # finds a complement that contains it ("said that “...”") or an object before it.
        after = next((q for q in quotes if token.idx < q.start < sent.end_char), None)
        if after is not None:
            blocked = any(
                t.i > token.i and t.dep_ in ("dobj", "ccomp") and t.left_edge.idx < after.start
                for t in token.children
            )
            if not blocked:
                return [(after.start, after.end)], "quote"
        if complement is not None:
            return [_subtree_range(complement)], "ccomp" if complement.dep_ == "ccomp" else "xcomp"
        # A quote closed just before the cue ("“...,” a source told the FT"), possibly
        # opened in an earlier sentence.
        before = next((q for q in reversed(quotes) if sent.start_char < q.end <= token.idx), None)
        if before is not None:
            return [(before.start, before.end)], "quote"
        if token.dep_ in INVERTED_DEPS and token.head.pos_ in ("VERB", "AUX"):
            # "..., Home Office insiders believe." / "The museum, he said, would ...": the cue
            # hangs off the reported clause, which may go on after it.
            own = set(token.subtree)
            return _runs([t for t in token.head.subtree if t not in own]), "inverted2"
        fronted = self._fronted(token, sent)
        if fronted:
            return fronted, "fronted"
        if token.i + 1 < len(token.doc) and token.nbor().text == ":" and _ends_line(token.nbor()):
            # "The governor added:" closing a paragraph introduces the next one.
            line = re.compile(r"[^\n]*\S[^\n]*").search(token.doc.text, token.nbor().idx + 1)
            if line is not None:
                return [line.span()], "colon"
        obj = next((c for c in token.children if c.dep_ == "dobj"), None)
        if obj is not None and self.lexicon.precision(token.lemma_.lower()) >= MIN_OBJECT_PRECISION:
            # "Trump called the deal a disaster": attitude verbs take what they are about.
            right = [c for c in token.rights if c.dep_ not in ("punct", "cc", "conj")]
            return [(obj.left_edge.idx, _subtree_range(right[-1])[1]) if right else _subtree_range(obj)], "object"
        return [], ""

    @staticmethod
    def _fronted(token: Token, sent: Span) -> list[tuple[int, int]]:
        """"People like Scott, he said.": a verbless report put before its cue, which the parse
        hangs off the cue as a loose dependent; everything up to the comma before the subject."""
        subject = next((c for c in token.lefts if c.dep_ in SUBJECT_DEPS), None)
        if subject is None or subject.left_edge.i <= sent.start + 1:
            return []
        comma = token.doc[subject.left_edge.i - 1]
        if comma.text != "," or any(t.dep_ != "punct" for t in token.rights if t.i > token.i + 1):
            return []
        return [(sent.start_char, comma.idx)]

    def _according_to(self, token: Token, sent: Span, quotes: list[Quote], text: str) -> Attribution | None:
        to = next(c for c in token.children if c.lower_ == "to")
        pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if pobj is None:
            return None
        phrase_start = token.idx
        phrase_end = _subtree_range(token)[1]
        # The content is the rest of the sentence, on the side away from the phrase.
        if phrase_start - sent.start_char > sent.end_char - phrase_end:
            start, end = sent.start_char, phrase_start
        else:
            start, end = phrase_end, sent.end_char
        start, end = _trim(text, start, end)
        if end - start < 2:
            return None
        return Attribution(
            content=RoleSpan.from_spans(text, [(start, end)]),
            cue=RoleSpan.from_spans(text, [(token.idx, to.idx + len(to))]),
            source=RoleSpan.from_spans(text, [_trim(text, *_subtree_range(pobj), keep_period=True)]),
            confidence=round(0.5 * PATTERN_WEIGHT["according"] + 0.5 * self.lexicon.precision("accord"), 4),
        )

    @staticmethod
    def _cue_range(token: Token) -> tuple[int, int]:
        """The cue verb with what PolNeAR cues keep around it: the auxiliaries and negation
        right before it ("is demanding", "isn’t saying"), a particle ("called on") and a
        colon introducing the quote ("said:")."""
        doc = token.doc
        first = token
        while first.i > 0 and doc[first.i - 1].dep_ in CUE_AUX_DEPS and doc[first.i - 1].head == token:
            first = doc[first.i - 1]
        last = token
        nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
        if nxt is not None and nxt.dep_ == "prt" and nxt.head == token:
            last = nxt
            nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
        if nxt is not None and nxt.text == ":":
            last = nxt
        return first.idx, last.idx + len(last)

    @staticmethod
    def _source(token: Token, text: str) -> RoleSpan | None:
        """The cue's subject; conjoined and open-complement verbs inherit their head's."""
        verb = token
        for _ in range(3):
            subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
            if subject is not None:
                start, end = _trim(text, *_subtree_range(subject), keep_period=True)
                return RoleSpan.from_spans(text, [(start, end)]) if end > start else None
            if verb.dep_ not in ("conj", "xcomp", "advcl") or verb.head is verb:
                return None
            verb = verb.head
        return None

    # -- quotes running on -----------------------------------------------------------------
    @staticmethod
    def _join_continued_quotes(found: list[Attribution], quotes: list[Quote], text: str) -> list[Attribution]:
        """Add a following unattributed quote to the statement it continues.

        News style goes on quoting after the cue ("“...,” he said. “...”") and leaves a quote
        open at a paragraph's end to reopen it on the next line; such a quote has no cue of
        its own and PolNeAR makes it part of the same content. A quote continues the last
        attribution before it when only that attribution's own source and cue stand between.
        """
        covered = {i for a in found for s, e in a.content.spans for i in range(s, e)}
        for quote in quotes:
            if quote.start in covered:
                continue
            previous = max((a for a in found if a.content.end <= quote.start), key=lambda a: a.content.end, default=None)
            if previous is None:
                continue
            own = {i for role in (previous.cue, previous.source) if role for s, e in role.spans for i in range(s, e)}
            gap = "".join(c for i, c in enumerate(text[previous.content.end : quote.start], previous.content.end) if i not in own)
            if gap.strip(TRIM + ".") or ("\n" in gap and not _starts_line(text, quote.start)):
                continue
            spans = [*previous.content.spans, _trim(text, quote.start, quote.end, keep_period=True)]
            previous.content = RoleSpan.from_spans(text, spans)
            covered.update(range(quote.start, quote.end))
        return found


def _starts_line(text: str, pos: int) -> bool:
    return pos == 0 or text[:pos].rstrip(" \t").endswith("\n")


def _ends_line(token: Token) -> bool:
    return token.i + 1 == len(token.doc) or "\n" in token.whitespace_ + token.nbor().text


@register("fast")
def fast_extractor() -> RuleExtractor:
    return RuleExtractor(CueLexicon.load(LEXICON_PATH))
