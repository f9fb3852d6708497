"""Typed outputs: Parquet that pyarrow and SQL read, a typed ``datasets.Dataset``, one schema."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import datasets
import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import EXAMPLES, POLNEAR_DEV

import pipeline.io.batch
from pipeline.annotate import annotate
from pipeline.io.arrow_schema import RECORD_SCHEMA, record_features
from pipeline.io.batch import extract_dataset, run_extract
from pipeline.io.parquet import write_parquet
from pipeline.io.reading import InputError
from pipeline.schema import Article

QUOTEWISE = [sys.executable, "-m", "pipeline.cli"]
GREENWOOD = "Lilian Greenwood"


@pytest.fixture(scope="module")
def seeds_parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("parquet") / "records.parquet"
    assert run_extract([str(EXAMPLES)], str(out), model="fast", progress=False) == 0
    return out


def test_parquet_holds_the_jsonl_records_under_the_typed_schema(seeds_parquet: Path, seed_records: list[dict]) -> None:
    table = pq.read_table(seeds_parquet)
    assert table.schema.remove_metadata().equals(RECORD_SCHEMA)
    assert table.to_pylist() == seed_records
    # Nothing of the run is left beside it: no staging file, no ledger, no temporary.
    assert sorted(p.name for p in seeds_parquet.parent.iterdir()) == ["records.parquet"]


def test_schema_columns_are_what_to_json_writes(seed_records: list[dict]) -> None:
    with_all = next(r for r in seed_records if r["speaker"] and r["quantities"])
    assert set(RECORD_SCHEMA.names) == set(with_all)
    for column, row in (("speaker", with_all["speaker"]), ("quantities", with_all["quantities"][0]), ("source", with_all["source"])):
        struct = RECORD_SCHEMA.field(column).type
        struct = getattr(struct, "value_type", struct)  # a list of structs: its item
        assert {struct.field(i).name for i in range(struct.num_fields)} == set(row)


def test_sql_finds_the_seeds_greenwood_quotes(seeds_parquet: Path, seed_records: list[dict]) -> None:
    con = duckdb.connect()
    per_doc = dict(con.execute(
        "SELECT doc_id, count(*) FROM read_parquet(?) WHERE speaker.name = ? GROUP BY doc_id", [str(seeds_parquet), GREENWOOD]
    ).fetchall())  # fmt: skip
    expected: dict[str, int] = {}
    for r in seed_records:
        if r["speaker"] and r["speaker"]["name"] == GREENWOOD:
            expected[r["doc_id"]] = expected.get(r["doc_id"], 0) + 1
    assert per_doc == expected and set(per_doc) == {"uk-france-returns-a", "uk-france-returns-b"}
    # Both outlets carry her "discussions ongoing" quote, with its source span and cue.
    rows = con.execute(
        "SELECT doc_id, source.spans[1][1], cue.text FROM read_parquet(?) "
        "WHERE speaker.name = ? AND content.text LIKE '%discussions ongoing%' AND kind = 'direct'",
        [str(seeds_parquet), GREENWOOD],
    ).fetchall()
    assert {doc for doc, _, _ in rows} == {"uk-france-returns-a", "uk-france-returns-b"}
    texts = {p.stem: p.read_text(encoding="utf-8") for p in EXAMPLES.glob("*.txt")}
    assert all("Greenwood" in texts[doc][start : start + 40] for doc, start, _ in rows)
    # Nested lists of structs unnest as typed columns: her claim about the Rwanda plan's cost.
    money = con.execute(
        "SELECT doc_id, q.unit, q.low, q.high FROM read_parquet(?), unnest(quantities) AS t(q) "
        "WHERE speaker.name = ? AND q.kind = 'money'",
        [str(seeds_parquet), GREENWOOD],
    ).fetchall()
    assert {doc for doc, *_ in money} == {"uk-france-returns-a", "uk-france-returns-b"}
    assert all(unit == "GBP" and low < high for _, unit, low, high in money)


def test_write_parquet_goes_in_row_groups_and_is_whole_or_untouched(tmp_path: Path, seed_a: str, seed_records: list[dict]) -> None:
    records = annotate(Article("uk-france-returns-a", seed_a), "fast")  # Record objects, as the Ray runner has them
    path = tmp_path / "shard.parquet"
    assert write_parquet(records, path, rows_per_group=5) == len(records)
    assert pq.ParquetFile(path).num_row_groups == -(-len(records) // 5)
    assert pq.read_table(path).to_pylist() == [r for r in seed_records if r["doc_id"] == "uk-france-returns-a"]

    def failing_midway() -> Iterator[dict]:
        yield from seed_records[:7]
        raise RuntimeError("worker lost")

    before = path.read_bytes()
    with pytest.raises(RuntimeError, match="worker lost"):
        write_parquet(failing_midway(), path, rows_per_group=5)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["shard.parquet"]


def test_parquet_of_only_bad_articles_is_empty_but_typed(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_text("")
    out = tmp_path / "records.parquet"
    assert run_extract([str(folder)], str(out), model="fast", progress=False) == 1
    table = pq.read_table(out)
    assert table.num_rows == 0 and table.schema.remove_metadata().equals(RECORD_SCHEMA)
    assert json.loads((tmp_path / "records.parquet.errors.jsonl").read_text())["doc_id"] == "empty"


@pytest.fixture(scope="module")
def dev_slice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """Twelve PolNeAR dev articles and their records from an uninterrupted JSONL run."""
    folder = tmp_path_factory.mktemp("dev")
    for path in sorted((POLNEAR_DEV / "text").glob("*.txt"))[:12]:
        shutil.copy(path, folder)
    out = folder.parent / "reference.jsonl"
    assert run_extract([str(folder)], str(out), model="fast", progress=False) == 0
    return folder, [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_parquet_run_killed_then_resumed_loses_and_duplicates_nothing(dev_slice: tuple[Path, list[dict]], tmp_path: Path) -> None:
    folder, reference = dev_slice
    out = tmp_path / "records.parquet"
    ledger = tmp_path / "records.parquet.progress"
    cmd = [*QUOTEWISE, "extract", str(folder), "-o", str(out), "-m", "fast", "--no-progress"]
    proc = subprocess.Popen(cmd, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while (not ledger.exists() or len(ledger.read_text().splitlines()) < 3) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 3 <= len(ledger.read_text().splitlines()) < 12, "the run should be killed part-way"
    assert not out.exists()  # a Parquet file is whole or absent
    with (tmp_path / "records.parquet.partial.jsonl").open("a", encoding="utf-8") as f:
        f.write('{"doc_id": "half-writ')  # a torn trailing write, as a crash mid-article leaves it
    subprocess.run([*cmd, "--resume"], check=True, stderr=subprocess.DEVNULL)
    assert pq.read_table(out).to_pylist() == reference


def test_a_crash_while_converting_resumes_by_converting_only(tmp_path: Path, seed_records: list[dict], monkeypatch) -> None:
    import pipeline.io.parquet

    def crash(*args: object) -> int:
        raise OSError(28, "No space left on device")

    out = tmp_path / "records.parquet"
    monkeypatch.setattr(pipeline.io.parquet, "parquet_from_jsonl", crash)
    with pytest.raises(OSError, match="No space"):
        run_extract([str(EXAMPLES)], str(out), model="fast", progress=False)
    assert not out.exists() and (tmp_path / "records.parquet.partial.jsonl").exists()
    monkeypatch.undo()

    def no_article_again(*args: object) -> None:
        raise AssertionError("every article was already done")

    monkeypatch.setattr(pipeline.io.batch, "process", no_article_again)
    assert run_extract([str(EXAMPLES)], str(out), model="fast", resume=True, progress=False) == 0
    assert pq.read_table(out).to_pylist() == seed_records


def test_extract_dataset_is_typed_and_equals_the_jsonl(tmp_path: Path, seed_a: str, seed_b: str, seed_records: list[dict]) -> None:
    rows = [{"id": "uk-france-returns-a", "text": seed_a}, {"id": "blank", "text": " "}, {"id": "uk-france-returns-b", "text": seed_b}]
    errors: list[InputError] = []
    ds = extract_dataset(datasets.Dataset.from_list(rows), model="fast", errors=errors, cache_dir=str(tmp_path))
    assert isinstance(ds, datasets.Dataset)
    assert ds.features == record_features()
    assert ds.features["confidence"] == datasets.Value("float64")
    assert ds.features["quantities"].feature["low"] == datasets.Value("float64")
    assert ds.features["content"]["spans"] == datasets.List(datasets.List(datasets.Value("int64"), length=2))
    assert ds.to_list() == seed_records
    assert [e.doc_id for e in errors] == ["blank"]


def test_extract_dataset_bad_input(tmp_path: Path) -> None:
    ds = extract_dataset([{"id": "blank", "text": ""}, {"id": "no-text"}], model="fast", cache_dir=str(tmp_path))
    assert ds.num_rows == 0 and ds.features == record_features()
    with pytest.raises(ValueError, match="unknown model 'nope'"):
        extract_dataset([{"id": "x", "text": "She said so."}], model="nope")
