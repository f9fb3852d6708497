"""The command line end to end on the bundled examples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES

from pipeline.cli import main


def test_extract_then_summary(tmp_path: Path, capsys) -> None:
    out = tmp_path / "examples.jsonl"
    assert main(["extract", str(EXAMPLES), "-o", str(out), "--no-progress"]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["doc_id"] for r in records} == {"uk-france-returns-a", "uk-france-returns-b"}
    assert all(r["kind"] in ("direct", "indirect", "mixed") for r in records)
    assert main(["summary", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "uk-france-returns-a" in shown and "Greenwood" in shown


def test_stdin_jsonl_and_exit_code(tmp_path: Path, seed_a: str) -> None:
    out = tmp_path / "stdin.jsonl"
    lines = json.dumps({"id": "seed", "text": seed_a}) + "\n" + "not json\n"
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "extract", "-", "-o", str(out), "--no-progress"],
        input=lines, text=True, capture_output=True,
    )  # fmt: skip
    assert done.returncode == 1
    assert "<stdin>:2" in done.stderr and "malformed JSON line" in done.stderr
    assert out.read_text(encoding="utf-8").count('"doc_id": "seed"') > 5


def test_unknown_model_is_refused(tmp_path: Path, capsys) -> None:
    assert main(["extract", str(EXAMPLES), "-o", str(tmp_path / "x.jsonl"), "--model", "nope"]) == 2
    assert "unknown model 'nope'" in capsys.readouterr().err


def test_date_resolves_relative_dates_of_txt_articles(tmp_path: Path, capsys) -> None:
    out = tmp_path / "dated.jsonl"
    assert main(["extract", str(EXAMPLES), "-o", str(out), "--no-progress", "--date", "2025-05-14"]) == 0
    dates = [d for line in out.read_text(encoding="utf-8").splitlines() for d in json.loads(line)["dates"]]
    assert ("the end of May", "2025-05") in [(d["text"], d["value"]) for d in dates]
    with pytest.raises(SystemExit) as exit_:
        main(["extract", str(EXAMPLES), "-o", str(out), "--date", "14/05/2025"])
    assert exit_.value.code == 2 and "not an ISO date" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["extract", "times", "numbers"])
def test_an_output_that_is_the_input_is_refused(tmp_path: Path, command: str, capsys) -> None:
    source = tmp_path / "news.jsonl"
    source.write_text(json.dumps({"id": "x", "text": "Bob said it rained."}) + "\n", encoding="utf-8")
    before = source.read_bytes()
    args = [command, str(source), "-o", str(source)] + (["--no-progress"] if command == "extract" else [])
    assert main(args) == 2
    assert "refusing to write" in capsys.readouterr().err and source.read_bytes() == before


def test_an_errors_file_that_is_an_input_is_refused(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    article = folder / "a.txt"
    article.write_text("Bob said it rained.", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(folder), "-o", str(out), "--errors", str(article), "--no-progress", "-m", "fast"]) == 2
    assert article.read_text(encoding="utf-8") == "Bob said it rained." and not out.exists()
