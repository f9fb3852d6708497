"""run_eval on a tiny two-publisher gold folder with records files (no model run)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from pipeline.evaluation.attribution import read_predictions, run_eval
from pipeline.evaluation.scoring import MEASURES, ROLES

Span = tuple[int, int]
# nyt_1: Ms Greenwood 0-12, said 13-17, "that talks are ongoing" 18-40 (tokens: 4),
#        Officials 42-51, believe 52-59, "it will work" 60-72 (3 tokens).
# politico_1: Critics 0-7, say 8-11, "it fails" 12-20 (2 tokens).
NYT = "Ms Greenwood said that talks are ongoing.\nOfficials believe it will work."
POLITICO = "Critics say it fails."
GOLD: dict[str, tuple[str, list[tuple[Span, Span, Span]]]] = {
    "nyt_1": (NYT, [((0, 12), (13, 17), (18, 40)), ((42, 51), (52, 59), (60, 72))]),
    "politico_1": (POLITICO, [((0, 7), (8, 11), (12, 20))]),
}


def brat(text: str, attributions: list[tuple[Span, Span, Span]]) -> str:
    lines = []
    for n, spans in enumerate(attributions):
        ids = []
        for k, (name, (s, e)) in enumerate(zip(("Source", "Cue", "Content"), spans)):
            ids.append(f"T{3 * n + k + 1}")
            lines.append(f"{ids[-1]}\t{name} {s} {e}\t{text[s:e]}")
        lines.append(f"E{n + 1}\tAttribution:{ids[1]} Source:{ids[0]} Cue:{ids[1]} Content:{ids[2]}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def gold_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "gold"
    folder.mkdir()
    for doc_id, (text, attributions) in GOLD.items():
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        (folder / f"{doc_id}.ann").write_text(brat(text, attributions), encoding="utf-8")
    return folder


def record(doc_id: str, source: Span | None, cue: Span | None, content: Span, **extra: Any) -> str:
    # "text" is deliberately wrong: the scorer goes by the spans.
    role = lambda s: None if s is None else {"text": "?", "spans": [list(s)]}  # noqa: E731
    return json.dumps({"doc_id": doc_id, "source": role(source), "cue": role(cue), "content": role(content), **extra})


def evaluate(gold_dir: Path, lines: list[str], name: str = "preds") -> dict[str, Any]:
    preds = gold_dir.parent / f"{name}.jsonl"
    preds.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run_eval(str(gold_dir), predictions=str(preds), out_dir=str(gold_dir.parent / "out")) == 0
    return json.loads((gold_dir.parent / "out" / f"{name}.json").read_text(encoding="utf-8"))


def test_perfect_predictions_score_one(gold_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extra = {"id": "x", "kind": "indirect", "speaker": {"name": "Lilian Greenwood"}, "quantities": [], "dates": []}
    lines = [record(d, *spans, **extra) for d, (_, attributions) in GOLD.items() for spans in attributions]
    report = evaluate(gold_dir, lines)
    assert (report["name"], report["predictions"]) == ("preds", str(gold_dir.parent / "preds.jsonl"))
    for scores in (report["overall"], *report["by_publisher"].values()):
        assert all(scores["roles"][r][m]["f1"] == 1.0 for r in ROLES for m in MEASURES)
        assert scores["attribution"]["f1"] == scores["attribution"]["source_ok"] == 1.0
    assert report["overall"]["documents"] == 2 and sorted(report["by_publisher"]) == ["nyt", "politico"]
    # The markdown is written and printed: an overall row per role and measure, one per publisher.
    markdown = (gold_dir.parent / "out" / "preds.md").read_text(encoding="utf-8")
    assert capsys.readouterr().out == markdown + "\n"
    assert "| content | token | 1.000 | 1.000 | 1.000 | 9 | 9 | 9 |" in markdown
    assert "| **attribution** | content + cue | 1.000 | 1.000 | 1.000 | 3 | 3 | 3 |" in markdown
    assert "| politico | 1 | 1.000 |" in markdown and "| nyt | 1 | 1.000 |" in markdown


def test_partial_predictions_and_a_document_without_any(gold_dir: Path) -> None:
    # One prediction: nyt_1's first attribution with no source and content "talks are ongoing"
    # (23..40); politico_1 has no line, so it counts as predicting nothing.
    report = evaluate(gold_dir, [record("nyt_1", None, (13, 17), (23, 40))])
    overall = report["overall"]
    # Attribution: 1 matched of 1 predicted, 3 gold → P 1, R 1/3, F1 0.5; its source is null where
    # the gold has one → source_ok 0.
    assert overall["attribution"] == {
        "p": 1.0, "r": 0.3333, "f1": 0.5, "matched": 1, "predicted": 1, "gold": 3, "source_ok": 0.0
    }  # fmt: skip
    content = overall["roles"]["content"]
    assert (content["exact"]["matched"], content["overlap"]["matched"], content["overlap"]["gold"]) == (0, 1, 3)
    # Content tokens: 3 predicted, all gold, of 4 + 3 + 2 = 9 gold tokens.
    assert (content["token"]["matched"], content["token"]["predicted"], content["token"]["gold"]) == (3, 3, 9)
    assert overall["roles"]["cue"]["exact"] == {
        "p": 1.0, "r": 0.3333, "f1": 0.5, "matched": 1, "predicted": 1, "gold": 3
    }  # fmt: skip
    assert overall["roles"]["source"]["exact"]["predicted"] == 0
    politico = report["by_publisher"]["politico"]
    assert (politico["documents"], politico["attribution"]["gold"], politico["attribution"]["f1"]) == (1, 1, 0.0)
    assert report["by_publisher"]["nyt"]["attribution"]["f1"] == pytest.approx(2 / 3, abs=1e-4)  # P 1, R 1/2


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "Expecting property name"),
        ('["nyt_1"]', "string 'doc_id'"),
        (record("nyt_9", None, None, (0, 2)), "doc_id 'nyt_9' is not in the gold folder"),
        ('{"doc_id": "nyt_1", "source": null, "cue": null}', "'content' is missing"),
        ('{"doc_id": "nyt_1", "content": "that talks"}', "'content' is neither null nor"),
        ('{"doc_id": "nyt_1", "content": {"spans": [[18]]}}', "'content' span [18] is not [start, end]"),
        (record("nyt_1", (0, 99), None, (18, 40)), "'source' span [0, 99] is outside the article (73 characters)"),
    ],
)
def test_malformed_prediction_lines_are_named(gold_dir: Path, tmp_path: Path, line: str, message: str) -> None:
    preds = tmp_path / "bad.jsonl"
    preds.write_text(record("nyt_1", None, None, (18, 40)) + "\n\n" + line + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"bad\.jsonl:3: .*{re.escape(message)}"):
        read_predictions(preds, {"nyt_1": NYT})


def test_run_eval_reports_bad_input_and_writes_nothing(
    gold_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    preds = tmp_path / "bad.jsonl"
    preds.write_bytes(record("nyt_1", None, None, (18, 40)).encode() + b"\n\xff\xfe\n")
    assert run_eval(str(gold_dir), predictions=str(preds), out_dir=str(tmp_path / "out")) == 2
    assert "bad.jsonl:2:" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    assert run_eval(str(tmp_path / "nowhere"), predictions=str(preds), out_dir=str(tmp_path / "out")) == 2
    assert "no gold folder" in capsys.readouterr().err
    assert run_eval(str(gold_dir), predictions=str(tmp_path / "missing.jsonl"), out_dir=str(tmp_path / "out")) == 2
    assert "missing.jsonl" in capsys.readouterr().err


def test_empty_source_spans_count_as_null_and_text_comes_from_the_article(tmp_path: Path) -> None:
    preds = tmp_path / "one.jsonl"
    row = {"doc_id": "politico_1", "source": {"text": "", "spans": []}, "content": {"text": "?", "spans": [[12, 20]]}}
    preds.write_text(json.dumps(row) + "\n", encoding="utf-8")
    [attribution] = read_predictions(preds, {"politico_1": POLITICO})["politico_1"]
    assert (attribution.source, attribution.cue, attribution.content.text) == (None, None, "it fails")
