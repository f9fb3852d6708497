"""The ``fast`` model: quotation marks plus the dependency parse, cues from PolNeAR train.

A verb is a cue when its lemma (or its pairing with the preposition after it, "call for")
is a gold cue often enough in train (``models/fast/cues.json``, built by :mod:`pipeline.attribution.cues`)
and the parse gives it something reported: a quote it introduces or follows ("X said:
“...”", "“...,” X said"), a clausal complement ("X said that ..."), a parenthetical or
inverted report ("The museum, he said, would ...", "..., insiders believe"), a passive
("was reported by X"), an object ("called the deal a disaster"), or the paragraph after
"X added:". "According to X" and transcript lines ("PENCE: ...") are read apart. The subject
(or the passive's agent) is the source. Quotes that go on after the cue, within the
paragraph or in the next ones, are joined to the statement they continue.

Span conventions follow PolNeAR train gold: the content keeps "that" and the quotation
marks (and the full stop inside them) but not a final comma or an outside full stop; the
cue keeps its auxiliaries, negation and adverbs ("has also said"); the source keeps an
apposition with its closing comma but not a participle ("Trump, speaking in Ohio,").
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator

from spacy.tokens import Doc, Span, Token

from pipeline.attribution.cues import PHRASE_DEPS, CueLexicon, lemma_of
from pipeline.attribution.quotes import Quote, find_quotes, quote_kind
from pipeline.attribution.registry import register
from pipeline.paths import MODELS_DIR
from pipeline.schema import Attribution, RoleSpan
from pipeline.segment import doc_text, sentences

LEXICON_PATH = MODELS_DIR / "fast" / "cues.json"

MIN_PRECISION = 0.15  # train cue precision below which a lemma or phrase is not a cue (tuned on dev)
# Share of each pattern's readings that match a gold attribution on a sixth of train;
# an attribution's confidence averages it with the cue's precision.
PATTERN_PRECISION = {
    "according": 0.9,
    "quote": 0.9,
    "ccomp": 0.85,
    "inverted": 0.7,
    "xcomp": 0.7,
    "passive": 0.65,
    "object": 0.6,
    "preposition": 0.6,
    "speaker": 0.5,
    "credit": 0.9,  # set by hand: too rare in a sixth of train to measure
}
CUE_AUX_DEPS = ("aux", "auxpass", "neg")
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
INVERTED_DEPS = ("parataxis", "ccomp", "advcl")
OBJECT_TAIL_DEPS = ("punct", "cc", "conj", "advcl", "advmod")  # what an object's content stops before
INTRO_DEPS = ("prep", "advcl", "advmod", "npadvmod", "mark", "cc", "pobj")  # "In July, ..."
MAX_SPEAKER_WORDS = 4
TRIM = " \t\n,;:—–-"
LINE = re.compile(r"[^\n]*\S[^\n]*")

Range = tuple[int, int]


class QuoteIndex:
    """An article's quotes (in text order and never overlapping, so sorted by start and by
    end alike), looked up by position: each cue reads only the quotes near it, so the rules'
    work grows linearly with the article, not with its length times its quotes."""

    def __init__(self, quotes: list[Quote]) -> None:
        self.quotes = quotes
        self.starts = [q.start for q in quotes]
        self.ends = [q.end for q in quotes]

    def first_from(self, position: int) -> Quote | None:
        """The first quote starting at or after ``position``."""
        i = bisect.bisect_left(self.starts, position)
        return self.quotes[i] if i < len(self.quotes) else None

    def ending_at(self, end: int) -> Quote | None:
        i = bisect.bisect_left(self.ends, end)
        return self.quotes[i] if i < len(self.quotes) and self.ends[i] == end else None

    def ending_by(self, position: int, earliest_end: int) -> Iterator[Quote]:
        """Quotes ending at or before ``position`` and at or after ``earliest_end``, last first."""
        i = bisect.bisect_right(self.ends, position) - 1
        while i >= 0 and self.ends[i] >= earliest_end:
            yield self.quotes[i]
            i -= 1

    def overlapping(self, start: int, end: int) -> list[Quote]:
        """Quotes sharing a character with ``start``–``end``, in text order."""
        return self.quotes[bisect.bisect_right(self.ends, start) : bisect.bisect_left(self.starts, end)]


class RuleExtractor:
    name = "fast"

    def __init__(self, lexicon: CueLexicon) -> None:
        self.lexicon = lexicon

    def __call__(self, doc: Doc) -> list[Attribution]:
        text = doc_text(doc)
        quotes = find_quotes(text)
        inside = bytearray(len(text))  # 1 strictly inside a quote: univocal, nothing nests there
        for q in quotes:
            inside[q.start + 1 : q.end - 1] = b"\x01" * max(q.end - q.start - 2, 0)
        index = QuoteIndex(quotes)
        candidates = [
            attribution
            for sent in sentences(doc)
            for token in sent
            if not inside[token.idx] and (attribution := self._from_cue(token, sent, index, text)) is not None
        ]
        candidates += _speaker_lines(doc, text) + _dash_credits(text)
        # Where two readings claim the same words, keep the outer of nested reports (PolNeAR
        # annotates "a poll *found* that voters said ..."), else the more confident one.
        found: list[Attribution] = []
        taken: set[int] = set()  # content and cue characters already attributed
        nested = _nested(candidates)
        for attribution in sorted(candidates, key=lambda a: (id(a) in nested, -a.confidence)):
            chars = {i for role in (attribution.content, attribution.cue) for s, e in role.spans for i in range(s, e)}
            if not chars & taken:
                taken |= chars
                found.append(attribution)
        found.sort(key=lambda a: a.content.start)
        _join_continued_quotes(found, quotes, doc, text)
        for attribution in found:
            attribution.kind = quote_kind(text, attribution.content)
        return found

    # -- one cue ------------------------------------------------------------------------
    def _from_cue(self, token: Token, sent: Span, quotes: QuoteIndex, text: str) -> Attribution | None:
        lemma = lemma_of(token)
        if lemma == "accord" and any(c.lower_ == "to" for c in token.children):
            return self._according_to(token, sent, text)
        precision = self.lexicon.precision(lemma)
        if token.pos_ not in ("VERB", "AUX") or (precision < MIN_PRECISION and self._phrase_word(token) is None):
            return None
        ranges, pattern = self._content(token, sent, quotes, text)
        content = []
        for start, end in ranges:
            start, end = _snap_to_quote(start, end, quotes, token)
            # Inside a quote PolNeAR keeps the final full stop; outside it, not.
            keep_period = (q := quotes.ending_at(end)) is not None and (q.closed or q.start == start)
            start, end = _trim(text, start, end, keep_period)
            if end > start:
                content.append((start, end))
        if sum(e - s for s, e in content) < 2 or any(s <= token.idx < e for s, e in content):
            return None
        source = _source(token, text)
        if pattern == "quote" and source is None:
            pattern = "inverted"  # a quote with no one to say it is rarely a statement
        return Attribution(
            content=RoleSpan.from_spans(text, content),
            cue=RoleSpan.from_spans(text, [_cue_range(token, with_prep=pattern in ("preposition", "passive"))]),
            source=source,
            confidence=round((PATTERN_PRECISION[pattern] + precision) / 2, 4),
        )

    def _content(self, token: Token, sent: Span, quotes: QuoteIndex, text: str) -> tuple[list[Range], str]:
        """What the cue reports (char ranges), by the first pattern that applies, and its name."""
        cue_end = _cue_range(token)[1]
        # A quote the cue introduces: "said: “...”" first, then one before the cue with only
        # the cue's own words between ("“...,” a source told the FT"; it may have opened in
        # an earlier sentence), then "told the BBC, “...”". A quote after other words ("said
        # that “...”", "called him “a liar”") is inside the complement.
        after = quotes.first_from(cue_end)
        after = after if after is not None and after.start < sent.end_char else None
        lead = text[cue_end : after.start].strip() if after is not None else ""
        if after is not None and text[token.idx : after.start].rstrip().endswith(":"):
            return [(after.start, after.end)], "quote"
        # A quote ending in "?" or "!" is a sentence of its own: "“You winning?” she said."
        gap_start = sent.start_char  # a quote ending here or later has only blanks before the sentence
        while gap_start > 0 and text[gap_start - 1] in " \t":
            gap_start -= 1
        before = next(
            (
                q
                for q in quotes.ending_by(token.idx, gap_start)
                if sent.start_char < q.end or text[q.end - 2] in "?!"
            ),
            None,
        )
        # A quote reported before its cue opens the sentence; one after other words is a title
        # or a phrase inside it ("On “Fox News Sunday,” Pence said ...").
        opens = before is not None and not text[sent.start_char : before.start].strip(TRIM + "(")
        if before is not None and opens and _only_cue_words(token, before.end):
            return [(before.start, before.end)], "quote"
        if after is not None and (not lead or lead.endswith((":", ","))):
            return [(after.start, after.end)], "quote"
        complement = next(
            (c for c in token.children if c.dep_ == "ccomp" or (c.dep_ == "xcomp" and c.i > token.i)), None
        )
        if complement is not None:
            start, end = _subtree_range(complement)
            if complement.dep_ == "xcomp":
                # "urged her husband to come out": who is to do it belongs to the content.
                obj = next((c for c in token.children if c.dep_ == "dobj" and c.i < complement.i), None)
                start = obj.left_edge.idx if obj is not None else start
            return [(start, end)], complement.dep_
        if before is not None:
            return [(before.start, before.end)], "quote"
        passive = next((c for c in token.lefts if c.dep_ == "nsubjpass"), None)
        if passive is not None and _agent(token) is not None:
            # "The issue was first reported by the Post": the subject is what was reported.
            return [_subtree_range(passive)], "passive"
        if token.dep_ in INVERTED_DEPS and token.head.pos_ in ("VERB", "AUX") and _parenthetical(token):
            # "..., Home Office insiders believe." / "The museum, he said, would ...": the cue
            # hangs off the reported clause, which may go on after it.
            own = set(token.subtree)
            return _runs([t for t in token.head.subtree if t not in own]), "inverted"
        if fronted := _fronted(token, sent):
            return fronted, "inverted"
        colon = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
        if colon is not None and colon.text == ":" and _ends_line(colon):
            # "The governor added:" closing a paragraph introduces the next one.
            line = LINE.search(text, colon.idx + 1)
            if line is not None:
                return [line.span()], "quote"
        obj = next((c for c in token.children if c.dep_ == "dobj"), None)
        if obj is not None:
            # "Trump called the deal a disaster": attitude verbs take what they are about.
            tail = [c for c in token.rights if c.dep_ not in OBJECT_TAIL_DEPS] or [obj]
            return [(obj.left_edge.idx, _subtree_range(tail[-1])[1])], "object"
        word = self._phrase_word(token)
        pobj = next((c for c in word.children if c.dep_ in ("pobj", "pcomp")), None) if word is not None else None
        if pobj is not None:
            # "called for a moratorium", "talked about taxes": the preposition's object.
            return [_subtree_range(pobj)], "preposition"
        return [], ""

    def _phrase_word(self, token: Token) -> Token | None:
        """The preposition or particle right after the cue when the pair is a cue phrase in
        train often enough ("call for", "point out")."""
        doc = token.doc
        word = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if word is None or word.head != token or word.dep_ not in PHRASE_DEPS:
            return None
        return word if self.lexicon.phrase_precision(token, word) >= MIN_PRECISION else None

    def _according_to(self, token: Token, sent: Span, text: str) -> Attribution | None:
        to = next(c for c in token.children if c.lower_ == "to")
        pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
        source = _mention(pobj, text) if pobj is not None else None
        if source is None:
            return None
        last_word = next(t for t in reversed(sent) if not (t.is_punct or t.is_space))
        comma = next((t for t in pobj.subtree if t.i > pobj.i and t.text == ","), None)
        if comma is not None and source.end >= last_word.idx + len(last_word):
            # "According to X, the move reeks of fear": the parse hangs the whole sentence
            # off X; the source ends at the comma.
            source = RoleSpan.from_spans(text, [_trim(text, source.start, comma.idx)])
        # The content is the rest of the sentence, on the side away from the phrase.
        if token.idx - sent.start_char > sent.end_char - source.end:
            start, end = sent.start_char, token.idx
        else:
            start, end = source.end, sent.end_char
        start, end = _trim(text, start, end)
        if end - start < 2:
            return None
        return Attribution(
            content=RoleSpan.from_spans(text, [(start, end)]),
            cue=RoleSpan.from_spans(text, [(token.idx, to.idx + len(to))]),
            source=source,
            confidence=round((PATTERN_PRECISION["according"] + self.lexicon.phrase_precision(token, to)) / 2, 4),
        )


# -- roles ------------------------------------------------------------------------------
def _cue_range(token: Token, with_prep: bool = False) -> Range:
    """The cue verb with what PolNeAR cues keep around it: the auxiliaries, negation and
    adverbs right before it ("has also said", "isn’t saying"), a particle ("called on"), the
    preposition or "by" whose object is the content or source ("called for", "reported by")
    and a colon introducing the quote ("said:")."""
    doc = token.doc
    first = last = token
    while first.i > 0 and _cue_modifier(doc[first.i - 1], token):
        first = doc[first.i - 1]
    nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
    if nxt is not None and nxt.head == token and (nxt.dep_ == "prt" or (with_prep and nxt.dep_ in ("prep", "agent"))):
        last = nxt
        nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
    if nxt is not None and nxt.text == ":":
        last = nxt
    return first.idx, last.idx + len(last)


def _cue_modifier(token: Token, cue: Token) -> bool:
    """An auxiliary, negation or adverb ("also", not "when") of the cue."""
    return token.head == cue and (token.dep_ in CUE_AUX_DEPS or (token.dep_ == "advmod" and token.tag_ != "WRB"))


def _source(token: Token, text: str) -> RoleSpan | None:
    """The cue's subject, or in the passive its agent ("was reported by the Post");
    conjoined and open-complement verbs inherit their head's."""
    agent = _agent(token)
    if agent is not None:
        return _mention(agent, text)
    verb = token
    for _ in range(3):
        subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
        if subject is not None:
            return _mention(subject, text) if subject.dep_ != "nsubjpass" else None
        if verb.dep_ not in ("conj", "xcomp", "advcl") or verb.head is verb:
            return None
        verb = verb.head
    return None


def _agent(verb: Token) -> Token | None:
    """The noun of a passive verb's by-phrase."""
    by = next((c for c in verb.children if c.dep_ == "agent"), None)
    return next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None


def _mention(head: Token, text: str) -> RoleSpan | None:
    """A source noun phrase as PolNeAR marks it: without a participle set off by commas
    ("Trump, speaking in Ohio, said"), with the comma closing an apposition ("Phil Smith,
    a spokesman for the union, said")."""
    doc = head.doc
    dropped = {
        t.i
        for c in head.rights
        if c.dep_ in ("acl", "advcl") and c.tag_ in ("VBG", "VBN") and doc[c.left_edge.i - 1].text == ","
        for t in (doc[c.left_edge.i - 1], *c.subtree)
    }
    start, end = _trim(text, *_runs([t for t in head.subtree if t.i not in dropped])[0], keep_period=True)
    if end <= start:
        return None
    if "," in text[start:end] and text[end : end + 1] == ",":
        end += 1
    return RoleSpan.from_spans(text, [(start, end)])


# -- sentence shapes ----------------------------------------------------------------------
def _parenthetical(token: Token) -> bool:
    """"The museum, Mr. Obama said, would ..." / "..., insiders believe.": a cue with its
    subject set off by a comma before and a comma or the sentence's end after."""
    words = [t for t in token.subtree if not t.is_punct]
    doc = token.doc
    after = doc[words[-1].i + 1] if words[-1].i + 1 < len(doc) else None
    return (
        any(c.dep_ in SUBJECT_DEPS for c in token.children)
        and words[0].i > 0
        and doc[words[0].i - 1].text == ","
        and (after is None or after.text == "," or after.is_space or (after.is_punct and after.is_sent_end))
    )


def _fronted(token: Token, sent: Span) -> list[Range]:
    """"People like Scott, he said.": a verbless report put before its cue, which the parse
    hangs off the cue as a loose dependent; everything up to the comma before the subject."""
    subject = next((c for c in token.lefts if c.dep_ == "nsubj" and c.tag_ not in ("WDT", "WP")), None)
    if subject is None or subject.left_edge.i <= sent.start + 1:
        return []
    comma = token.doc[subject.left_edge.i - 1]
    if comma.text != "," or any(t.dep_ != "punct" for t in token.rights if t.i > token.i + 1):
        return []
    if any(t.dep_ in INTRO_DEPS for t in token.lefts if t.i < comma.i):
        return []  # an introductory phrase: "In July, the NAACP called ..."
    return [(sent.start_char, comma.idx)]


def _nested(candidates: list[Attribution]) -> set[int]:
    """``id`` of each reading whose cue lies inside another reading's content (no reading's
    content holds its own cue). Sorted content starts and a running maximum of their ends
    answer each cue in O(log n): huge articles have thousands of readings."""
    spans = sorted((s, e) for a in candidates for s, e in a.content.spans)
    starts = [s for s, _ in spans]
    reach = list(itertools.accumulate((e for _, e in spans), max))
    nested = set()
    for a in candidates:
        k = bisect.bisect_right(starts, a.cue.start) - 1 if a.cue is not None else -1
        if k >= 0 and reach[k] >= a.cue.end:
            nested.add(id(a))
    return nested


def _speaker_lines(doc: Doc, text: str) -> list[Attribution]:
    """Transcript and headline lines, "PENCE: Well, look, ..." / "Pat Caddell: Voters ...":
    a name of at most four proper nouns opening a line, a colon, and the rest of the line."""
    found = []
    for line in LINE.finditer(text):
        span = doc.char_span(*line.span(), alignment_mode="expand")
        if not span:
            continue
        words = [t for t in span if not (t.i == span.start and t.is_quote)]
        colon = next((t for t in words[: MAX_SPEAKER_WORDS + 1] if t.text == ":"), None)
        # Two characters at least: "Q:" opens an interviewer's question, not a statement.
        if colon is None or colon.idx - words[0].idx < 2 or any(t.pos_ != "PROPN" for t in words if t.i < colon.i):
            continue
        start, end = _trim(text, colon.idx + 1, line.end())
        if end - start >= 2:
            found.append(
                Attribution(
                    content=RoleSpan.from_spans(text, [(start, end)]),
                    cue=RoleSpan.from_spans(text, [(colon.idx, colon.idx + 1)]),
                    source=RoleSpan.from_spans(text, [(words[0].idx, colon.idx)]),
                    confidence=PATTERN_PRECISION["speaker"],
                )
            )
    return found


# A quotation credited after a dash: "“...” ― Sonya Herridge", "...”\n\n- Bernie Sanders.":
# a closing double quote, a dash, and a name of capitalised words that ends its line or stops
# at a comma, full stop or bracket ("-Michelle Marks, Philadelphia.").
_SPACE = r"[ \t\u00a0]"
_CREDIT = re.compile(
    rf"[”\"]{_SPACE}*\n*{_SPACE}*(?P<dash>[―—–]|(?<=\n)-|-(?=\S)){_SPACE}*"
    rf"(?P<name>[A-Z][\w.'’-]*(?:{_SPACE}+(?:[A-Z][\w.'’-]*|de|van|von|da|del|la)){{0,5}})(?={_SPACE}*(?:[.,(]|\n|$))"
)
WIRE_CREDITS = {"Reuters", "AP", "AFP", "Associated Press", "Getty", "Getty Images", "Bloomberg"}


def _dash_credits(text: str) -> list[Attribution]:
    """Quotations credited after a dash; the content runs from the first quotation mark of the
    line the quote closes on to its closing mark."""
    found = []
    for m in _CREDIT.finditer(text):
        name = m.group("name").rstrip(".")
        if name in WIRE_CREDITS:
            continue
        close = m.start() + 1
        line_start = text.rfind("\n", 0, m.start()) + 1
        opening = re.search(r"[“”\"]", text[line_start : m.start()])
        if opening is None or close - (line_start + opening.start()) < 3:
            continue
        found.append(
            Attribution(
                content=RoleSpan.from_spans(text, [(line_start + opening.start(), close)]),
                cue=RoleSpan.from_spans(text, [m.span("dash")]),
                source=RoleSpan.from_spans(text, [(m.start("name"), m.start("name") + len(name))]),
                confidence=PATTERN_PRECISION["credit"],
            )
        )
    return found


def _join_continued_quotes(found: list[Attribution], quotes: list[Quote], doc: Doc, text: str) -> None:
    """Add each following unattributed quote to the statement it continues (in place).

    News style goes on quoting after the cue ("“...,” he said. “...”") and leaves a quote
    open at a paragraph's end to reopen it on the next line; such a quote has no cue of its
    own and PolNeAR makes it part of the same content. A quote continues the last
    attribution before it when only that attribution's source and cue, or the rest of the
    cue's sentence, stand between.
    """
    covered = {i for a in found for s, e in a.content.spans for i in range(s, e)}
    # (content end, -position in found): the last one ending by a quote's start is the one
    # that ends latest, the earliest in ``found`` among equals.
    by_end = sorted((a.content.end, -k) for k, a in enumerate(found))
    for quote in quotes:
        if quote.start in covered:
            continue
        i = bisect.bisect_right(by_end, (quote.start, 1))
        if i == 0:
            continue
        previous_end, k = by_end[i - 1]
        previous = found[-k]
        own = {i for role in (previous.cue, previous.source) if role for s, e in role.spans for i in range(s, e)}
        if previous.cue is not None:
            cue_sent = doc.char_span(*previous.cue.spans[0], alignment_mode="expand").sent
            if cue_sent.end_char <= quote.start:
                own.update(range(cue_sent.start_char, cue_sent.end_char))
        gap = _gap(text, previous.content.end, quote.start, own)
        if gap is None or ("\n" in gap and not _starts_line(text, quote.start)):
            continue
        spans = [*previous.content.spans, _trim(text, quote.start, quote.end, keep_period=True)]
        previous.content = RoleSpan.from_spans(text, spans)
        by_end.remove((previous_end, k))
        bisect.insort(by_end, (previous.content.end, k))
        covered.update(range(quote.start, quote.end))


def _gap(text: str, start: int, end: int, own: set[int]) -> str | None:
    """The characters from ``start`` to ``end`` outside ``own`` when all are punctuation or
    blanks PolNeAR trims, else ``None`` (found at the first word character: a statement far
    back is not read through)."""
    gap = []
    for i in range(start, end):
        if i in own:
            continue
        if text[i] not in TRIM + ".":
            return None
        gap.append(text[i])
    return "".join(gap)


# -- character and token helpers -----------------------------------------------------------
def _trim(text: str, start: int, end: int, keep_period: bool = False) -> Range:
    """Shrink a char range past surrounding punctuation and spaces PolNeAR leaves out."""
    strip_end = TRIM if keep_period else TRIM + "."
    while start < end and text[start] in TRIM:
        start += 1
    while end > start and text[end - 1] in strip_end:
        end -= 1
    return start, end


def _snap_to_quote(start: int, end: int, quotes: QuoteIndex, cue: Token) -> Range:
    """Grow a content range to whole quotes it overlaps, never over the cue."""
    for q in quotes.overlapping(start, end):
        if q.start < end and start < q.end and not (q.start <= cue.idx < q.end):
            start, end = min(start, q.start), max(end, q.end)
    return start, end


def _subtree_range(token: Token) -> Range:
    return token.left_edge.idx, token.right_edge.idx + len(token.right_edge)


def _runs(tokens: list[Token]) -> list[Range]:
    """Char ranges of the maximal runs of consecutive tokens."""
    indexes = {t.i for t in tokens}
    ranges: list[Range] = []
    for t in sorted(tokens, key=lambda t: t.i):
        if ranges and t.i - 1 in indexes:
            ranges[-1] = (ranges[-1][0], t.idx + len(t))
        else:
            ranges.append((t.idx, t.idx + len(t)))
    return ranges


def _only_cue_words(cue: Token, start: int) -> bool:
    """Whether nothing but the cue's subject, auxiliaries and punctuation lies from ``start``
    to the cue."""
    own = {t.i for c in cue.children if c.dep_ in SUBJECT_DEPS + CUE_AUX_DEPS for t in c.subtree}
    between = cue.doc.char_span(start, cue.idx, alignment_mode="expand") or []
    return all(t.i in own or t.is_punct or t.is_space for t in between if t.i != cue.i)


def _starts_line(text: str, pos: int) -> bool:
    return not text[text.rfind("\n", 0, pos) + 1 : pos].strip(" \t")


def _ends_line(token: Token) -> bool:
    return token.i + 1 == len(token.doc) or "\n" in token.whitespace_ + token.nbor().text


@register("fast")
def fast_extractor() -> RuleExtractor:
    return RuleExtractor(CueLexicon.load(LEXICON_PATH))
