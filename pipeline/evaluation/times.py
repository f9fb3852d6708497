"""Score time expressions against the hand-labelled gold (``corpus/gold/times.jsonl``).

Two systems on the same gold: our normaliser (:func:`pipeline.normalisers.timex.find_times`) and
dateparser's ``search_dates`` with ``RELATIVE_BASE`` set to the anchor, its values read
at the granularity dateparser reports (``period``, ``part_of_day``).

* span exact: predicted and gold character spans are equal (one-to-one);
* span overlap: they share a character (one-to-one, greedy by overlap, as in the contract);
* value / type accuracy: share of exact-matched pairs whose TIMEX3 value / type agree.

``python -m pipeline.evaluation.times`` writes ``eval/results/times.json`` and ``times.md``.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from pipeline.normalisers.timex import find_times
from pipeline.schema import TimeExpression

if TYPE_CHECKING:
    from dateparser.date import DateData

DEFAULT_GOLD = REPO / "corpus" / "gold" / "times.jsonl"
TYPES = ("DATE", "TIME", "DURATION", "SET")
# dateparser's parts of day (1.5.0) as TIMEX3 codes.
_PARTS_OF_DAY = {"early_morning": "MO", "morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}

Finder = Callable[[str, dt.date | None], list[TimeExpression]]
GoldDoc = tuple[str, dt.date | None, list[TimeExpression], str | None]  # text, anchor, expressions, split


def load_gold(path: str | Path = DEFAULT_GOLD, text_dirs: Iterable[Path] = TEXT_DIRS) -> dict[str, GoldDoc]:
    """Gold expressions by document, with each article's text and anchor date."""
    dirs = list(text_dirs)
    docs: dict[str, GoldDoc] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            row = json.loads(line)
            if row["doc_id"] not in docs:
                anchor = dt.date.fromisoformat(row["anchor"]) if row["anchor"] else None
                docs[row["doc_id"]] = (article_text(row["doc_id"], dirs), anchor, [], row.get("split"))
            docs[row["doc_id"]][2].append(TimeExpression(row["text"], row["start"], row["end"], row["type"], row["value"]))
    return docs


def dateparser_times(text: str, anchor: dt.date | None) -> list[TimeExpression]:
    """dateparser's ``search_dates`` as TIMEX3 expressions (it finds dates and times only).

    Without an anchor dateparser resolves against today's date: that is what it does, so
    that is what gets scored.
    """
    from dateparser.date import DateDataParser
    from dateparser.search import search_dates

    settings: dict[str, Any] = {"RELATIVE_BASE": dt.datetime.combine(anchor, dt.time())} if anchor else {}
    parser = DateDataParser(languages=["en"], settings=settings)
    out, pos = [], 0
    for found, _ in search_dates(text, languages=["en"], settings=settings) or []:
        start = text.find(found, pos)
        if start < 0:
            continue
        pos = start + len(found)
        data = parser.get_date_data(found)
        if data.date_obj is not None:
            out.append(TimeExpression(found, start, pos, *_dateparser_value(data)))
    return out


def _dateparser_value(data: DateData) -> tuple[str, str]:
    """TIMEX3 type and value at the granularity dateparser says it parsed."""
    d: dt.datetime = data.date_obj
    if data.period == "year":
        return "DATE", f"{d.year}"
    if data.period == "month":
        return "DATE", f"{d.year}-{d.month:02d}"
    if data.period == "week":
        year, week, _ = d.isocalendar()
        return "DATE", f"{year}-W{week:02d}"
    if "time" not in (data.parts or ()):
        return "DATE", d.date().isoformat()
    if data.part_of_day is not None:
        return "TIME", f"{d.date().isoformat()}T{_PARTS_OF_DAY[data.part_of_day.value]}"
    return "TIME", f"{d.date().isoformat()}T{d.hour:02d}:{d.minute:02d}"


def score_system(gold: dict[str, GoldDoc], finder: Finder) -> dict[str, Any]:
    """Span P/R/F1 (exact and overlap), value and type accuracy on exact matches, recall per type."""
    exact, overlap = Counts(), Counts()
    value_ok = type_ok = overlap_value_ok = 0
    by_type = {t: Counts() for t in TYPES}
    misses: list[dict[str, Any]] = []
    for doc_id, (text, anchor, golds, _) in gold.items():
        preds = finder(text, anchor)
        by_span = {(p.start, p.end): p for p in preds}
        matched = [(g, by_span[(g.start, g.end)]) for g in golds if (g.start, g.end) in by_span]
        exact += Counts(len(matched), len(preds), len(golds))
        value_ok += sum(g.value == p.value for g, p in matched)
        type_ok += sum(g.type == p.type for g, p in matched)
        for g in golds:
            p = by_span.get((g.start, g.end))
            by_type[g.type] += Counts(int(p is not None), 0, 1)
            if p is None or p.value != g.value:
                misses.append({"doc_id": doc_id, "text": g.text, "gold": g.value, "predicted": p and p.value})
        pairs = _greedy_pairs([frozenset(range(p.start, p.end)) for p in preds], [frozenset(range(g.start, g.end)) for g in golds])
        overlap += Counts(len(pairs), len(preds), len(golds))
        overlap_value_ok += sum(preds[i].value == golds[j].value for i, j in pairs)

    def share(n: int, of: int) -> float:
        return round(n / of, 4) if of else 0.0

    return {
        "span_exact": exact.to_json(),
        "span_overlap": overlap.to_json(),
        "value_accuracy": share(value_ok, exact.matched),
        "value_accuracy_overlap": share(overlap_value_ok, overlap.matched),
        "type_accuracy": share(type_ok, exact.matched),
        "recall_by_type": {t: {"r": round(c.recall, 4), "gold": c.gold} for t, c in by_type.items() if c.gold},
        "misses": misses,
    }


SYSTEMS: dict[str, Finder] = {"quotewise": find_times, "dateparser": dateparser_times}


def evaluate_times(gold_path: str | Path = DEFAULT_GOLD, text_dirs: Iterable[Path] = TEXT_DIRS) -> dict[str, Any]:
    """Scores of each system on the whole gold and on each split of it.

    The gold's ``split`` tells the articles the rules were developed against ("tuning") from
    those labelled after the rules were frozen ("heldout"); ``corpus/gold/TIMES-GUIDE.md``
    records their blind first scores.
    """
    return scores_by_split(
        gold_path,
        load_gold(gold_path, text_dirs),
        split_of=lambda g: g[3],
        size=("expressions", lambda g: len(g[2])),
        score=lambda docs: {name: score_system(docs, finder) for name, finder in SYSTEMS.items()},
    )


def markdown_report(result: dict[str, Any]) -> str:
    """The scores as a markdown table: one row per split and system."""
    header = ["split", "system", "exact P", "exact R", "exact F1", "overlap F1", "value acc", "value acc (overlap)",
              "type acc", *(f"R {t}" for t in TYPES)]  # fmt: skip
    rows = [_row(split, name, s) for split, part in result["splits"].items() for name, s in part["systems"].items()]
    intro = (
        f"{parts_summary(result, 'expressions')} Span P/R/F1 on exact character spans and on overlap; value and type "
        "accuracy on exact-matched spans. Blind first scores of each labelling batch: corpus/gold/TIMES-GUIDE.md."
    )
    return "\n".join(["## Time expressions", "", intro, "", markdown_table(header, rows)]) + "\n"


def _row(split: str, name: str, s: dict[str, Any]) -> list[str]:
    e, o = s["span_exact"], s["span_overlap"]
    scores = [e["p"], e["r"], e["f1"], o["f1"], s["value_accuracy"], s["value_accuracy_overlap"], s["type_accuracy"]]
    per_type = [f"{s['recall_by_type'][t]['r']:.3f}" if t in s["recall_by_type"] else "–" for t in TYPES]
    return [split, name, *(f"{x:.3f}" for x in scores), *per_type]


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    result = evaluate_times(Path(args[0]) if args else DEFAULT_GOLD)
    md = markdown_report(result)
    write_report(RESULTS, "times", result, md)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
