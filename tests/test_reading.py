"""Readers: folders, .txt, JSONL with metadata, stdin, datasets rows; each bad input named."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import datasets

from pipeline.io.reading import (
    MAX_ARTICLE_CHARS,
    InputError,
    read_dataset,
    read_inputs,
    read_jsonl,
)
from pipeline.schema import Article


def test_folder_txt_and_bom(tmp_path: Path, seed_a: str) -> None:
    (tmp_path / "b.txt").write_bytes("\ufeff".encode() + seed_a.encode())
    (tmp_path / "a.txt").write_text("Officials said the plan works.", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an article")
    items = list(read_inputs([tmp_path]))
    assert [i.id for i in items] == ["a", "b"]
    assert items[1].text == seed_a  # BOM dropped, offsets unchanged otherwise


def test_jsonl_metadata(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    row = {"id": "x1", "text": "He said so.", "date": "2025-05-14", "title": "T", "outlet": "BBC", "url": "http://e"}
    path.write_text(json.dumps(row) + "\n\n")
    [article] = list(read_inputs([path]))
    assert article == Article("x1", "He said so.", dt.date(2025, 5, 14), "T", "BBC", "http://e")


def test_bad_inputs_each_named(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("  \n")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "latin1.txt").write_bytes("Le ministre a déclaré".encode("latin-1"))
    (tmp_path / "huge.txt").write_text("word " * (MAX_ARTICLE_CHARS // 5 + 10))
    reasons = {i.doc_id: i.reason for i in read_inputs([tmp_path])}
    assert reasons["empty"] == "empty article"
    assert reasons["binary"].startswith("binary content")
    assert reasons["latin1"].startswith("not UTF-8: byte 0xe9")
    assert reasons["huge"].startswith("article too large")
    [missing] = list(read_inputs([tmp_path / "nope.txt"]))
    assert missing.reason == "no such file or folder"


def test_jsonl_bad_lines_do_not_hide_good_ones() -> None:
    lines = ['{"id": "a", "text": "She said yes."}', "{broken", '{"id": "b"}', "[1, 2]", '{"id": "c", "text": "ok", "date": "soon"}', '{"id": "d", "text": "They said no."}']
    items = list(read_jsonl(io.StringIO("\n".join(lines)), "<stdin>"))
    assert [i.id for i in items if isinstance(i, Article)] == ["a", "d"]
    errors = {i.doc_id: i.reason for i in items if isinstance(i, InputError)}
    assert errors["<stdin>:2"].startswith("malformed JSON line")
    assert errors["b"] == "missing 'text' field"
    assert errors["<stdin>:4"] == "JSON line is not an object"
    assert errors["c"].startswith("'date' is not an ISO date")


def test_undecodable_bytes_in_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"id": "a", "text": "caf\xe9"}\n{"id": "b", "text": "fine"}\n')
    items = list(read_inputs([path]))
    assert isinstance(items[0], InputError) and items[0].reason.startswith("not UTF-8")
    assert items[1] == Article("b", "fine")


def test_dataset_rows() -> None:
    ds = datasets.Dataset.from_list([{"id": "r1", "text": "He said so.", "date": "2016-10-01"}, {"id": "r2", "text": ""}])
    items = list(read_dataset(ds))
    assert items[0] == Article("r1", "He said so.", dt.date(2016, 10, 1))
    assert items[1].reason == "empty article"


def test_jsonl_with_a_bom_keeps_its_first_article_and_id_zero(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    lines = [json.dumps({"id": 0, "text": "He said so."}), json.dumps({"id": "", "text": "She agreed."})]
    path.write_bytes("\ufeff".encode() + "\n".join(lines).encode())
    first, second = read_inputs([path])
    assert (first.id, first.text) == ("0", "He said so.")  # not lost to the BOM, not renamed
    assert second.id == f"{path}:2"  # an empty id falls back to the line


def test_folder_reads_any_case_and_reports_what_is_not_a_file(tmp_path: Path) -> None:
    import os

    (tmp_path / "upper.TXT").write_text("Officials said the plan works.", encoding="utf-8")
    (tmp_path / "folder.txt").mkdir()
    (tmp_path / "broken.txt").symlink_to(tmp_path / "missing")
    os.mkfifo(tmp_path / "pipe.txt")  # reading it would block for ever
    items = {i.id if isinstance(i, Article) else i.doc_id: i for i in read_inputs([tmp_path])}
    assert isinstance(items["upper"], Article)
    for name in ("folder", "broken", "pipe"):
        assert isinstance(items[name], InputError) and items[name].reason == "not a regular file"


def test_every_records_reader_names_hostile_lines_and_keeps_the_rest(tmp_path: Path) -> None:
    """The index and the review site read records with io.reading's reader: a huge integer or
    deep nesting costs its line only, named by file and line, in all three readers."""
    from pipeline.index.records import read_records
    from pipeline.review.loading import ReviewData, add_records

    good = {"doc_id": "d", "id": "d:1", "content": {"text": "Talks are ongoing.", "spans": [[0, 18]]}, "source": None, "cue": None}
    path = tmp_path / "records.jsonl"
    lines = ['{"doc_id": "d", "n": ' + "9" * 5000 + "}", "[" * 100_000 + "]" * 100_000, json.dumps(good), "[1]"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = {f"{path}:1": "malformed JSON line: Exceeds", f"{path}:2": "malformed JSON line: nested too deeply", f"{path}:4": "JSON line is not an object"}

    records, issues = read_records([path])
    assert [r.id for r in records] == ["d:1"]
    assert {i.where: i.reason[: len(expected[i.where])] for i in issues} == expected

    data = ReviewData()
    add_records(data, path)
    assert [r.id for r in data.records["d"]] == ["d:1"]
    assert {p.source: p.reason[: len(expected[p.source])] for p in data.problems} == expected

    missing = tmp_path / "missing.jsonl"
    assert [i.reason for i in read_records([missing])[1]] == ["cannot read: No such file or directory"]
