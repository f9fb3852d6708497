"""Figure groups: quantities in different articles that measure the same thing.

Each quantity is read with its context: the words between the figures either side of it in
its sentence (so "Around 9,000 migrants have crossed the Channel so far this year" is the
context of 9,000, and "on last year" of the "up 46%" after it). Two quantities of different
articles are the same measure when they are of one kind (count, money in one currency,
percent, change), within a factor of ``max_ratio`` of each other, share at least
``min_shared`` content words of context, and each is the other's best such match in the
other article. Candidates come from an inverted index over context words, never all pairs.
Quantities come from the articles' narration when the articles are given, else from the
records' contents.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from pipeline.index.claims import UnionFind, co_occurring
from pipeline.index.records import IndexedRecord
from pipeline.index.text import content_words, words
from pipeline.schema import Article

FIGURE_KINDS = {"count", "money", "percent", "change"}
MEASURE_WORDS = 8  # a measure's description is a label, not the sentence


@dataclass(frozen=True)
class FigureRules:
    """Thresholds of :func:`group_figures`."""

    min_shared: int = 2
    max_ratio: float = 3.0  # 9,000 and 8,180 may disagree; 9,000 and 119 measure different things
    agree_within: float = 0.01  # relative difference of values that still agree
    max_posting: int = 64  # a context word in more figures than this says nothing of the measure


@dataclass
class Figure:
    """One quantity with where it was found."""

    doc_id: str
    sentence: str
    quantity: dict[str, Any]
    context: set[str]
    around: tuple[str, str]  # the context's text before and after the figure
    in_claim: str | None = None
    date: dt.date | None = None
    outlet: str | None = None
    order: int = field(default=0)

    @property
    def point(self) -> float | None:
        q = self.quantity
        return next((v for v in (q.get("value"), q.get("low"), q.get("high")) if v is not None), None)

    def to_json(self) -> dict[str, Any]:
        q = self.quantity
        return {
            "doc_id": self.doc_id,
            "outlet": self.outlet,
            "sentence": self.sentence,
            "text": q.get("text"),
            "value": q.get("value"),
            "low": q.get("low"),
            "high": q.get("high"),
            "unit": q.get("unit"),
            "kind": q.get("kind"),
            "approximate": bool(q.get("approximate")),
            "in_claim": self.in_claim,
        }


def _contexts(sentence: str, local: list[tuple[int, int]]) -> list[tuple[str, str]]:
    """For each quantity (offsets within ``sentence``, in order), the text between the figure
    before it and it, and between it and the figure after it."""
    out = []
    for n, (start, end) in enumerate(local):
        left = local[n - 1][1] if n else 0
        right = local[n + 1][0] if n + 1 < len(local) else len(sentence)
        out.append((sentence[left:start], sentence[end:right]))
    return out


def _figures_in(doc_id: str, sentence: str, quantities: list[dict[str, Any]], offset: int) -> list[Figure]:
    """Figures of one sentence; ``offset`` is the sentence's start in the quantities' frame."""
    kept = sorted((q for q in quantities if q.get("kind") in FIGURE_KINDS), key=lambda q: q["start"])
    kept = [q for q in kept if 0 <= q["start"] - offset and q["end"] - offset <= len(sentence)]
    local = [(q["start"] - offset, q["end"] - offset) for q in kept]
    return [
        Figure(doc_id, " ".join(sentence.split()), q, content_words(f"{left} {right}"), (left, right))
        for q, (left, right) in zip(kept, _contexts(sentence, local))
    ]


def narration_figures(article: Article) -> list[Figure]:
    """Every figure of an article, each with its sentence (spaCy segmentation)."""
    # Imported here: an index of records alone never loads spaCy.
    from pipeline.normalisers.quantities import find_quantities
    from pipeline.segment import segment, sentences

    doc = segment(article)
    sents = sentences(doc)
    starts = [s.start_char for s in sents]
    by_sentence: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for q in find_quantities(doc):
        by_sentence[bisect.bisect_right(starts, q.start) - 1].append(asdict(q))
    figures = []
    for index, quantities in sorted(by_sentence.items()):
        figures += _figures_in(article.id, sents[index].text, quantities, starts[index])
    return figures


def record_figures(record: IndexedRecord) -> list[Figure]:
    """Figures of a record whose article is not at hand: the content is their sentence."""
    if not record.spans or not record.quantities:
        return []
    # The content's pieces are joined by one space; map article offsets into that text.
    offsets, position = [], 0
    for start, end in record.spans:
        offsets.append((start, end, position))
        position += end - start + 1
    moved = []
    for q in record.quantities:
        for start, end, at in offsets:
            if isinstance(q.get("start"), int) and start <= q["start"] and q.get("end", 0) <= end:
                moved.append({**q, "start": q["start"] - start + at, "end": q["end"] - start + at})
    figures = _figures_in(record.doc_id, record.text, moved, 0)
    for figure in figures:
        figure.in_claim = record.id
    return figures


def _claim_of(figure: Figure, records: list[IndexedRecord]) -> str | None:
    q = figure.quantity
    return next(
        (r.id for r in records if any(s <= q["start"] and q["end"] <= e for s, e in r.spans)),
        None,
    )


def collect_figures(records: list[IndexedRecord], articles: dict[str, Article]) -> list[Figure]:
    """Figures of every article at hand (narration and claims) and of the other records' contents."""
    by_doc: dict[str, list[IndexedRecord]] = defaultdict(list)
    for record in records:
        by_doc[record.doc_id].append(record)
    figures = []
    for doc_id, article in articles.items():
        for figure in narration_figures(article):
            figure.in_claim = _claim_of(figure, by_doc.get(doc_id, []))
            figures.append(figure)
    for doc_id, doc_records in by_doc.items():
        if doc_id not in articles:
            figures += [f for r in doc_records for f in record_figures(r)]
    for n, figure in enumerate(figures):
        article = articles.get(figure.doc_id)
        figure.order, figure.date, figure.outlet = n, article.date if article else None, article.outlet if article else None
    return figures


def _compatible(a: Figure, b: Figure, rules: FigureRules) -> bool:
    qa, qb = a.quantity, b.quantity
    if qa.get("kind") != qb.get("kind") or a.doc_id == b.doc_id:
        return False
    if qa.get("kind") == "money" and qa.get("unit") != qb.get("unit"):
        return False
    pa, pb = a.point, b.point
    if pa is None or pb is None or pa <= 0 or pb <= 0:
        return False
    return max(pa, pb) / min(pa, pb) <= rules.max_ratio


def match_pairs(figures: list[Figure], rules: FigureRules) -> list[tuple[int, int]]:
    """Pairs of figures (different articles) that are each other's best match."""
    shared = co_occurring((f.context for f in figures), rules.max_posting)
    best: dict[tuple[int, str], tuple[float, int]] = {}  # (figure, other doc) -> (score, other figure)
    for (i, j), n in shared.items():
        if n < rules.min_shared or not _compatible(figures[i], figures[j], rules):
            continue
        score = n / len(figures[i].context | figures[j].context)
        for a, b in ((i, j), (j, i)):
            key = (a, figures[b].doc_id)
            if key not in best or (score, -b) > (best[key][0], -best[key][1]):
                best[key] = (score, b)
    return [(a, b) for (a, doc), (_, b) in best.items() if a < b and best.get((b, figures[a].doc_id), (0, -1))[1] == a]


def relation(members: list[Figure], rules: FigureRules) -> str:
    """``agree`` when every value is within ``agree_within`` of the others; else ``update`` when
    the articles carry different publication dates, else ``disagree``."""
    points = [m.point for m in members if m.point is not None]
    if points and (max(points) - min(points)) <= rules.agree_within * max(points):
        return "agree"
    dates = {m.date for m in members}
    return "update" if None not in dates and len(dates) > 1 else "disagree"


def measure(members: list[Figure]) -> str:
    """A short description: the counted unit (or the kind), then the context words the members share that lie
    nearest the first member's figure, in sentence order."""
    common = set.intersection(*(m.context for m in members)) if members else set()
    first = members[0]
    before, after = (words(part) for part in first.around)
    # (distance from the figure, position in the sentence, word)
    placed = [(len(before) - i, i, w) for i, w in enumerate(before)] + [(i + 1, len(before) + i, w) for i, w in enumerate(after)]
    shared = [p for p in placed if content_words(p[2]) & common]
    nearest = sorted(sorted(shared)[:MEASURE_WORDS], key=lambda p: p[1])
    described = [w for _, _, w in nearest]
    unit, kind = first.quantity.get("unit"), first.quantity.get("kind")
    head = f"{unit}: " if kind == "count" and unit else f"{kind}{f' ({unit})' if unit else ''}: "
    return head + " ".join(dict.fromkeys(described))


def group_figures(
    records: list[IndexedRecord], articles: dict[str, Article], rules: FigureRules = FigureRules()
) -> list[dict[str, Any]]:
    """The ``figures.jsonl`` lines: groups of matched figures from at least two articles."""
    figures = collect_figures(records, articles)
    found = UnionFind(len(figures))
    for i, j in match_pairs(figures, rules):
        found.union(i, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(figures)):
        groups[found.find(i)].append(i)
    out = []
    for members in sorted((g for g in groups.values() if len(g) > 1), key=lambda g: g[0]):
        chosen = [figures[i] for i in members]
        out.append(
            {
                "figure_id": f"f{len(out) + 1}",
                "measure": measure(chosen),
                "relation": relation(chosen, rules),
                "members": [f.to_json() for f in chosen],
            }
        )
    return out
