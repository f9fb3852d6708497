"""The numbers scorer, by hand on a tiny gold, and end to end on real gold rows."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.evaluation.numbers import evaluate_numbers, markdown_report, score_system
from pipeline.schema import Quantity

TEXT = "Around 9,000 migrants crossed, up 46% on last year."
GOLD = {
    "doc": (
        TEXT,
        [
            Quantity("Around 9,000", 0, 12, 9000, None, None, True, "migrants", "count"),
            Quantity("46%", 34, 37, 46, None, None, False, "percent", "change"),
        ],
        None,
    )
}


def test_exact_overlap_value_and_unit_by_hand() -> None:
    def finder(text: str) -> list[Quantity]:
        return [
            Quantity("9,000", 7, 12, 9000, None, None, False, "migrants", "count"),  # overlaps only
            Quantity("46%", 34, 37, 46, 46, None, False, None, "percent"),  # exact span; wrong bound, unit, kind
            Quantity("last", 41, 45, 1, None, None, False, None, "count"),  # spurious
        ]

    s = score_system(GOLD, finder)
    assert (s["span_exact"]["matched"], s["span_exact"]["predicted"], s["span_exact"]["gold"]) == (1, 3, 2)
    assert s["span_overlap"]["matched"] == 2
    assert s["value_accuracy"] == 0.0 and s["value_accuracy_overlap"] == 0.5  # 9,000 right; 46% has a stray low
    assert (s["approximate_accuracy"], s["unit_accuracy"], s["kind_accuracy"]) == (1.0, 0.0, 0.0)
    assert s["recall_by_kind"] == {"count": {"r": 0.0, "gold": 1}, "change": {"r": 1.0, "gold": 1}}


def test_real_gold_end_to_end(tmp_path: Path) -> None:
    rows = [json.dumps({"doc_id": "uk-france-returns-b", "start": 2297, "end": 2312, "text": "More than 8,180",
                        "value": 8180, "low": 8180, "high": None, "approximate": False, "unit": "people",
                        "kind": "count", "split": "heldout"})]  # fmt: skip
    gold = tmp_path / "numbers.jsonl"
    gold.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = evaluate_numbers(gold)
    assert set(result["splits"]) == {"all", "heldout"}
    ours = result["splits"]["all"]["systems"]["quotewise"]
    assert ours["span_exact"]["r"] == 1.0 and ours["value_accuracy"] == 1.0 and ours["unit_accuracy"] == 1.0
    assert "| heldout | quantulum3 |" in markdown_report(result)
