"""The time-expression scorer, by hand on a tiny gold, and end to end on the real one."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pipeline.evaluation.times import evaluate_times, markdown_report, score_system
from pipeline.schema import TimeExpression

TEXT = "Greenwood said on Wednesday that this year is different."
GOLD = {
    "doc": (
        TEXT,
        dt.date(2025, 5, 14),
        [TimeExpression("Wednesday", 18, 27, "DATE", "2025-05-14"), TimeExpression("this year", 33, 42, "DATE", "2025")],
        None,
    )
}


def test_exact_overlap_and_value_by_hand() -> None:
    def finder(text: str, anchor: dt.date | None) -> list[TimeExpression]:
        return [
            TimeExpression("on Wednesday", 15, 27, "DATE", "2025-05-14"),  # overlaps only
            TimeExpression("this year", 33, 42, "DATE", "2024"),  # exact span, wrong value
            TimeExpression("different", 46, 55, "DATE", None),  # spurious
        ]

    s = score_system(GOLD, finder)
    assert (s["span_exact"]["matched"], s["span_exact"]["predicted"], s["span_exact"]["gold"]) == (1, 3, 2)
    assert s["span_overlap"]["matched"] == 2
    assert s["value_accuracy"] == 0.0 and s["value_accuracy_overlap"] == 0.5
    assert s["recall_by_type"] == {"DATE": {"r": 0.5, "gold": 2}}


def test_real_gold_end_to_end(tmp_path: Path) -> None:
    # One seed article's gold rows, so the test stays fast.
    rows = [json.dumps({"doc_id": "uk-france-returns-b", "anchor": None, "start": 2518, "end": 2522,
                        "text": "2023", "type": "DATE", "value": "2023", "split": "heldout"})]  # fmt: skip
    gold = tmp_path / "times.jsonl"
    gold.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = evaluate_times(gold)
    assert set(result["splits"]) == {"all", "heldout"}
    ours = result["splits"]["all"]["systems"]["quotewise"]
    assert ours["span_exact"]["r"] == 1.0 and ours["value_accuracy"] == 1.0
    assert "| heldout | dateparser |" in markdown_report(result)
