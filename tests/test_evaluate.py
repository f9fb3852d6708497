"""run_eval on a tiny gold folder with a predictions file, and on PolNeAR dev with the fast model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.evaluate import read_predictions, run_eval

TEXT = "Ms Greenwood said that talks are ongoing.\nOfficials believe it will work."
ANN = (
    "T1\tSource 0 12\tMs Greenwood\nT2\tCue 13 17\tsaid\nT3\tContent 18 40\tthat talks are ongoing\n"
    "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3\n"
    "T4\tSource 42 51\tOfficials\nT5\tCue 52 59\tbelieve\nT6\tContent 60 73\tit will work\n"
    "E2\tAttribution:T5 Source:T4 Cue:T5 Content:T6\n"
)


@pytest.fixture
def gold_dir(tmp_path: Path) -> Path:
    d = tmp_path / "gold"
    d.mkdir()
    (d / "nyt_1.txt").write_text(TEXT, encoding="utf-8")
    (d / "nyt_1.ann").write_text(ANN, encoding="utf-8")
    return d


def record(source: list, cue: list, content: list) -> str:
    role = lambda s: None if s is None else {"text": "", "spans": [s]}  # noqa: E731
    return json.dumps({"doc_id": "nyt_1", "source": role(source), "cue": role(cue), "content": role(content)})


def test_perfect_and_half_predictions(gold_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    preds = tmp_path / "preds.jsonl"
    preds.write_text(record([0, 12], [13, 17], [18, 40]) + "\n" + record([42, 51], [52, 59], [60, 73]) + "\n")
    assert run_eval(str(gold_dir), predictions=str(preds), out_dir=str(tmp_path / "out")) == 0
    report = json.loads((tmp_path / "out" / "preds.json").read_text())
    assert report["overall"]["attribution"]["f1"] == 1.0
    assert report["by_publisher"]["nyt"]["roles"]["content"]["exact"]["f1"] == 1.0
    assert "| **all** |" in (tmp_path / "out" / "preds.md").read_text()
    assert "| nyt |" in capsys.readouterr().out

    # One of two found, with a null source: P = 1/1, R = 1/2, source_ok = 0/1.
    preds.write_text(record(None, [13, 17], [18, 40]) + "\n")
    run_eval(str(gold_dir), predictions=str(preds), out_dir=str(tmp_path / "out"), name="half")
    attribution = json.loads((tmp_path / "out" / "half.json").read_text())["overall"]["attribution"]
    assert (attribution["p"], attribution["r"], attribution["source_ok"]) == (1.0, 0.5, 0.0)


def test_malformed_prediction_line_is_a_clear_error(gold_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    preds = tmp_path / "bad.jsonl"
    preds.write_text(record([0, 12], [13, 17], [18, 40]) + "\n{not json\n")
    assert run_eval(str(gold_dir), predictions=str(preds), out_dir=str(tmp_path)) == 2
    assert "bad.jsonl:2" in capsys.readouterr().err
    with pytest.raises(ValueError, match="not in the gold"):
        read_predictions(preds, {"other": TEXT})
