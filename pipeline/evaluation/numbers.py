"""Score quantities against the hand-labelled gold (``corpus/gold/numbers.jsonl``).

Two systems on the same gold: our normaliser (:func:`pipeline.normalisers.quantities.find_quantities`)
and quantulum3's ``parser.parse``, its units mapped to ours (currencies to ISO codes,
"percentage" to ``percent``, dimensionless to none, other units by name).

* span exact: predicted and gold character spans are equal (one-to-one);
* span overlap: they share a character (one-to-one, greedy by overlap, as in the contract);
* value accuracy: share of exact-matched pairs whose value, low and high bounds all agree
  (to 4 decimal places, the gold's precision for fractions); bounds, approximate, unit
  (case-insensitive) and kind accuracy are reported beside it.

``python -m pipeline.evaluation.numbers`` writes ``eval/results/numbers.json`` and ``numbers.md``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pipeline.evaluation.attribution import markdown_table, write_report
from pipeline.evaluation.goldsets import (
    REPO,
    RESULTS,
    TEXT_DIRS,
    article_text,
    parts_summary,
    scores_by_split,
)
from pipeline.evaluation.scoring import Counts, _greedy_pairs
from pipeline.normalisers.quantities import find_quantities
from pipeline.schema import Article, Quantity
from pipeline.segment import load_nlp, segment

DEFAULT_GOLD = REPO / "corpus" / "gold" / "numbers.jsonl"
KINDS = ("count", "money", "percent", "fraction", "change")
# quantulum3 unit names (0.10.0) as ours.
_QUANTULUM_UNITS = {"dollar": "USD", "pound sterling": "GBP", "euro": "EUR", "percentage": "percent", "dimensionless": None}

Finder = Callable[[str], list[Quantity]]
GoldDoc = tuple[str, list[Quantity], str | None]  # text, quantities, split


def load_gold(path: str | Path = DEFAULT_GOLD, text_dirs: Iterable[Path] = TEXT_DIRS) -> dict[str, GoldDoc]:
    """Gold quantities by document, with each article's text and split."""
    dirs = list(text_dirs)
    docs: dict[str, GoldDoc] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            row = json.loads(line)
            if row["doc_id"] not in docs:
                docs[row["doc_id"]] = (article_text(row["doc_id"], dirs), [], row.get("split"))
            fields = {k: row[k] for k in ("text", "start", "end", "value", "low", "high", "approximate", "unit", "kind")}
            docs[row["doc_id"]][1].append(Quantity(**fields))
    return docs


def quotewise_quantities(text: str) -> list[Quantity]:
    """Our normaliser over the parsed article."""
    return find_quantities(segment(Article("gold", text), load_nlp()))


def quantulum_quantities(text: str) -> list[Quantity]:
    """quantulum3's quantities, with its surface span and value.

    quantulum3 0.10.0 ships a unit classifier pickled with an older scikit-learn that the
    pinned one cannot load, so its rule-based disambiguation is used (its own fallback).
    """
    from quantulum3 import classifier, parser

    classifier.USE_CLF = False
    out = []
    for q in parser.parse(text):
        start, end = q.span
        name = q.unit.name
        unit = _QUANTULUM_UNITS.get(name, name)
        kind = "money" if unit in ("USD", "GBP", "EUR") else "percent" if unit == "percent" else "count"
        approximate = bool(q.uncertainty)
        out.append(Quantity(text[start:end], start, end, q.value, None, None, approximate, unit, kind))
    return out


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return round(float(a), 4) == round(float(b), 4)


def score_system(gold: dict[str, GoldDoc], finder: Finder) -> dict[str, Any]:
    """Span P/R/F1 (exact and overlap); value, approximate, unit and kind accuracy on exact matches."""
    exact, overlap = Counts(), Counts()
    ok = dict.fromkeys(("value", "approximate", "unit", "kind"), 0)
    overlap_value_ok = 0
    by_kind = {k: Counts() for k in KINDS}
    misses: list[dict[str, Any]] = []
    for doc_id, (text, golds, _) in gold.items():
        preds = finder(text)
        by_span = {(p.start, p.end): p for p in preds}
        matched = [(g, by_span[(g.start, g.end)]) for g in golds if (g.start, g.end) in by_span]
        exact += Counts(len(matched), len(preds), len(golds))
        for g, p in matched:
            ok["value"] += _figure_ok(g, p)
            ok["approximate"] += g.approximate == p.approximate
            ok["unit"] += (g.unit or "").lower() == (p.unit or "").lower()
            ok["kind"] += g.kind == p.kind
        for g in golds:
            p = by_span.get((g.start, g.end))
            by_kind[g.kind] += Counts(int(p is not None), 0, 1)
            if p is None or not _figure_ok(g, p) or (g.unit or "").lower() != (p.unit or "").lower():
                misses.append({"doc_id": doc_id, "text": g.text, "gold": _figure(g), "predicted": p and _figure(p)})
        pairs = _greedy_pairs([frozenset(range(p.start, p.end)) for p in preds], [frozenset(range(g.start, g.end)) for g in golds])
        overlap += Counts(len(pairs), len(preds), len(golds))
        overlap_value_ok += sum(_figure_ok(golds[j], preds[i]) for i, j in pairs)

    def share(n: int, of: int) -> float:
        return round(n / of, 4) if of else 0.0

    return {
        "span_exact": exact.to_json(),
        "span_overlap": overlap.to_json(),
        **{f"{k}_accuracy": share(n, exact.matched) for k, n in ok.items()},
        "value_accuracy_overlap": share(overlap_value_ok, overlap.matched),
        "recall_by_kind": {k: {"r": round(c.recall, 4), "gold": c.gold} for k, c in by_kind.items() if c.gold},
        "misses": misses,
    }


def _figure_ok(g: Quantity, p: Quantity) -> bool:
    return _same(g.value, p.value) and _same(g.low, p.low) and _same(g.high, p.high)


def _figure(q: Quantity) -> dict[str, Any]:
    return {"text": q.text, "value": q.value, "low": q.low, "high": q.high, "unit": q.unit, "kind": q.kind}


SYSTEMS: dict[str, Finder] = {"quotewise": quotewise_quantities, "quantulum3": quantulum_quantities}


def evaluate_numbers(gold_path: str | Path = DEFAULT_GOLD, text_dirs: Iterable[Path] = TEXT_DIRS) -> dict[str, Any]:
    """Scores of each system on the whole gold and on each split of it (see NUMBERS-GUIDE.md)."""
    return scores_by_split(
        gold_path,
        load_gold(gold_path, text_dirs),
        split_of=lambda g: g[2],
        size=("quantities", lambda g: len(g[1])),
        score=lambda docs: {name: score_system(docs, finder) for name, finder in SYSTEMS.items()},
    )


def markdown_report(result: dict[str, Any]) -> str:
    """The scores as a markdown table: one row per split and system."""
    header = ["split", "system", "exact P", "exact R", "exact F1", "overlap F1", "value acc", "value acc (overlap)",
              "approx acc", "unit acc", "kind acc", *(f"R {k}" for k in KINDS)]  # fmt: skip
    rows = [[split, name, *_cells(s)] for split, part in result["splits"].items() for name, s in part["systems"].items()]
    intro = (
        f"{parts_summary(result, 'quantities')} Span P/R/F1 on exact character spans and on overlap; value accuracy "
        "(value and bounds) and approximate, unit and kind accuracy on exact-matched spans. "
        "Blind first scores: corpus/gold/NUMBERS-GUIDE.md."
    )
    return "\n".join(["## Numbers", "", intro, "", markdown_table(header, rows)]) + "\n"


def _cells(s: dict[str, Any]) -> list[str]:
    e, o = s["span_exact"], s["span_overlap"]
    accuracies = ("value_accuracy", "value_accuracy_overlap", "approximate_accuracy", "unit_accuracy", "kind_accuracy")
    scores = [e["p"], e["r"], e["f1"], o["f1"], *(s[k] for k in accuracies)]
    per_kind = [f"{s['recall_by_kind'][k]['r']:.3f}" if k in s["recall_by_kind"] else "–" for k in KINDS]
    return [*(f"{x:.3f}" for x in scores), *per_kind]


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    result = evaluate_numbers(Path(args[0]) if args else DEFAULT_GOLD)
    md = markdown_report(result)
    write_report(RESULTS, "numbers", result, md)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
