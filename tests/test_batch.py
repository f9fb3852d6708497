"""Batch extraction loses nothing: bad articles are reported, crashes resume exactly, -j agrees."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import EXAMPLES, POLNEAR_DEV

from pipeline.io.batch import run_extract

QUOTEWISE = [sys.executable, "-m", "pipeline.cli"]


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def ledger_entries(path: Path) -> list[dict]:
    """The ledger's article entries (its first line names the errors file)."""
    return [e for e in map(json.loads, read_lines(path)) if "n" in e]


@pytest.fixture(scope="module")
def dev_slice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve real PolNeAR dev articles."""
    folder = tmp_path_factory.mktemp("dev")
    for path in sorted((POLNEAR_DEV / "text").glob("*.txt"))[:12]:
        shutil.copy(path, folder)
    return folder


@pytest.fixture(scope="module")
def reference(dev_slice: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Records of an uninterrupted single-process run."""
    out = tmp_path_factory.mktemp("ref") / "records.jsonl"
    assert run_extract([str(dev_slice)], str(out), progress=False) == 0
    return read_lines(out)


def test_bad_articles_reported_and_good_ones_kept(tmp_path: Path, seed_a: str, seed_b: str, capsys: pytest.CaptureFixture) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-good.txt").write_text(seed_a, encoding="utf-8")
    (folder / "b-empty.txt").write_text("")
    (folder / "c-binary.txt").write_bytes(os.urandom(2048) + b"\x00")
    (folder / "d-latin1.txt").write_bytes("Le ministre a déclaré: « Non ».".encode("latin-1"))
    (folder / "e-huge.txt").write_text("Officials said so. " * 60_000)
    jsonl = tmp_path / "more.jsonl"
    jsonl.write_text(
        json.dumps({"id": "f-good", "text": seed_b}) + "\n" + '{"id": "g", "text": "unterminated\n' + json.dumps({"id": "h-no-text"}) + "\n"
    )
    out = tmp_path / "records.jsonl"
    assert run_extract([str(folder), str(jsonl)], str(out), progress=False) == 1

    errors = {e["doc_id"]: e["reason"] for e in map(json.loads, read_lines(tmp_path / "records.jsonl.errors.jsonl"))}
    assert set(errors) == {"b-empty", "c-binary", "d-latin1", "e-huge", f"{jsonl}:2", "h-no-text"}
    assert errors["b-empty"] == "empty article" and errors["h-no-text"] == "missing 'text' field"
    assert "skipped d-latin1" in capsys.readouterr().err

    records = [json.loads(line) for line in read_lines(out)]
    assert {r["doc_id"] for r in records} == {"a-good", "f-good"}
    # No record lost: the good articles give exactly what they give alone.
    alone = tmp_path / "alone.jsonl"
    run_extract([str(folder / "a-good.txt")], str(alone), progress=False)
    assert [r for r in records if r["doc_id"] == "a-good"] == [json.loads(line) for line in read_lines(alone)]


def test_records_carry_the_contract_and_offsets_match(reference: list[str], dev_slice: Path) -> None:
    assert reference
    for line in reference:
        r = json.loads(line)
        assert {"doc_id", "id", "source", "cue", "content", "kind", "sentences", "confidence", "speaker"} <= set(r)
        text = (dev_slice / f"{r['doc_id']}.txt").read_text(encoding="utf-8")
        for role in ("source", "cue", "content"):
            if r[role] is not None:
                assert r[role]["text"] == " ".join(text[s:e] for s, e in r[role]["spans"])


def test_two_processes_write_the_same_records(dev_slice: Path, reference: list[str], tmp_path: Path) -> None:
    out = tmp_path / "j2.jsonl"
    assert run_extract([str(dev_slice)], str(out), jobs=2, progress=False) == 0
    assert read_lines(out) == reference


def test_kill_and_resume_loses_and_duplicates_nothing(dev_slice: Path, reference: list[str], tmp_path: Path) -> None:
    out = tmp_path / "records.jsonl"
    ledger = tmp_path / "records.jsonl.progress"
    cmd = [*QUOTEWISE, "extract", str(dev_slice), "-o", str(out), "--no-progress"]
    proc = subprocess.Popen(cmd, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(ledger_entries(ledger)) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = len(ledger_entries(ledger))
    assert 3 <= done < 12, "the run should be killed part-way"
    # A torn trailing write, as a crash mid-article would leave it.
    with out.open("a", encoding="utf-8") as f:
        f.write('{"doc_id": "half-writ')
    subprocess.run([*cmd, "--resume"], check=True, stderr=subprocess.DEVNULL)
    assert read_lines(out) == reference
    assert len(ledger_entries(ledger)) == 12


def test_resume_refuses_changed_inputs(dev_slice: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "records.jsonl"
    run_extract([str(EXAMPLES)], str(out), progress=False)
    assert run_extract([str(dev_slice)], str(out), resume=True, progress=False) == 2
    assert "cannot resume" in capsys.readouterr().err


def test_a_failing_resolver_costs_only_its_field(tmp_path: Path, seed_a: str, monkeypatch) -> None:
    import pipeline.annotate

    def broken(doc, attributions):
        raise IndexError("list index out of range")

    monkeypatch.setattr(pipeline.annotate, "resolve_speakers", broken)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "seed.txt").write_text(seed_a, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run_extract([str(folder)], str(out), model="fast", progress=False) == 1
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) > 10 and all(r["speaker"] is None and r["content"]["spans"] for r in records)
    [error] = [json.loads(line) for line in (tmp_path / "out.jsonl.errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert error["doc_id"] == "seed" and error["stage"] == "speakers" and "IndexError" in error["reason"]


def test_progress_in_a_log_is_plain_lines(tmp_path: Path, monkeypatch, capsys) -> None:
    import pipeline.io.batch

    monkeypatch.setattr(pipeline.io.batch, "LOG_EVERY", 1)
    out = tmp_path / "out.jsonl"
    assert run_extract([str(EXAMPLES)], str(out), model="fast", progress=True) == 0  # stderr is captured: no terminal
    err = capsys.readouterr().err
    assert "\r" not in err and "quotewise: 1 articles" in err and "quotewise: 2 articles" in err


def test_pool_chunks_keep_input_order_and_end_in_small_chunks():
    from pipeline.io.batch import PIPE_BATCH, pool_chunks
    from pipeline.schema import Article

    for n in (0, 1, 5, 2 * PIPE_BATCH, 84):
        items = [Article(str(i), "text") for i in range(n)]
        out = list(pool_chunks(iter(items), jobs=2))
        assert [a for chunk in out for a in chunk] == items
        assert all(0 < len(c) <= PIPE_BATCH for c in out)
    sizes = [len(c) for c in pool_chunks(iter([Article(str(i), "text") for i in range(84)]), jobs=2)]
    # Full chunks while two chunks' worth are still unread, then the last 12 in quarter chunks.
    assert sizes == [8] * 9 + [2] * 6
