"""Turn one article into its records: segment, extract, then describe each attribution.

This is the one place the stages meet; each stage is a plain function over dataclasses.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from typing import TypeVar

from spacy.tokens import Doc

from pipeline.attribution.quotes import quote_kind
from pipeline.attribution.registry import get_extractor
from pipeline.normalisers.quantities import find_quantities
from pipeline.normalisers.timex import find_times
from pipeline.schema import Article, Attribution, Quantity, Record, Span, TimeExpression
from pipeline.segment import load_nlp, segment, sentences
from pipeline.speakers.resolution import resolve_speakers

T = TypeVar("T", Quantity, TimeExpression)
R = TypeVar("R")


def sentence_indexes(sentence_starts: list[int], attribution: Attribution) -> list[int]:
    """Indexes (in document order) of the sentences any role of the attribution touches,
    given where each sentence starts."""
    roles = (attribution.content, attribution.cue, attribution.source)
    touched = {
        bisect.bisect_right(sentence_starts, pos) - 1
        for role in roles
        if role is not None
        for s, e in role.spans
        for pos in (s, max(s, e - 1))
    }
    return sorted(i for i in touched if i >= 0)


def inside(items: list[T], spans: Iterable[Span]) -> list[T]:
    """The items (quantities, time expressions; in text order, as they are found) lying
    wholly within one of ``spans``.

    Items are found over the whole article first, so that context outside a content (tense,
    the noun a number counts) still decides them. Each span looks only at the items starting
    in it, so a long article's records cost no more each than a short one's."""
    chosen: set[int] = set()
    for s, e in spans:
        i = bisect.bisect_left(items, s, key=lambda x: x.start)
        while i < len(items) and items[i].start <= e:
            if items[i].end <= e:
                chosen.add(i)
            i += 1
    return [items[i] for i in sorted(chosen)]


def guarded(stage: str, compute: Callable[[], R], fallback: R, failures: list[tuple[str, str]]) -> R:
    """One describing stage; when it fails, the records keep their attribution and lose only
    that stage's field, and ``failures`` says which stage failed and why."""
    try:
        return compute()
    except Exception as e:  # a resolver's bug must not cost the attributions
        failures.append((stage, f"{type(e).__name__}: {e}"))
        return fallback


def records_for(
    doc: Doc, attributions: list[Attribution], model: str, failures: list[tuple[str, str]] | None = None
) -> list[Record]:
    """Describe each attribution of a segmented article as an output record; stages that
    fail are added to ``failures`` as (stage, reason)."""
    failures = [] if failures is None else failures
    article: Article = doc._.article
    ordered = sorted(attributions, key=lambda a: (a.content.start if a.content.spans else 0))
    speakers = guarded("speakers", lambda: resolve_speakers(doc, ordered), [None] * len(ordered), failures)
    # Found once over the whole article (context decides tense and counted nouns), then shared out.
    times = guarded("times", lambda: find_times(article.text, article.date), [], failures) if ordered else []
    quantities = guarded("numbers", lambda: find_quantities(doc, times), [], failures) if ordered else []
    sentence_starts = [s.start_char for s in sentences(doc)]
    records = []
    for n, (attribution, speaker) in enumerate(zip(ordered, speakers), start=1):
        records.append(
            Record(
                doc_id=article.id,
                id=f"{article.id}:{n}",
                content=attribution.content,
                cue=attribution.cue,
                source=attribution.source,
                kind=attribution.kind or quote_kind(article.text, attribution.content),
                sentences=sentence_indexes(sentence_starts, attribution),
                confidence=attribution.confidence,
                model=model,
                speaker=speaker,
                quantities=inside(quantities, attribution.content.spans),
                dates=inside(times, attribution.content.spans),
            )
        )
    return records


def doc_records(doc: Doc, model: str = "default", failures: list[tuple[str, str]] | None = None) -> list[Record]:
    """All records for one segmented article (``doc._.article`` set, sentences numbered by
    paragraph): the step ``annotate`` and the spaCy component share; a describing stage that
    fails is added to ``failures`` as (stage, reason), its field left empty."""
    return records_for(doc, get_extractor(model)(doc), model, failures)


def annotate(
    article: Article, model: str = "default", failures: list[tuple[str, str]] | None = None, doc: Doc | None = None
) -> list[Record]:
    """All records for one article (pipeline and model load once per process), as
    :func:`doc_records`; ``doc`` is the article already segmented (by
    :func:`~pipeline.segment.segment_all`)."""
    return doc_records(doc if doc is not None else segment(article, load_nlp()), model, failures)
