"""Read records written by ``quotewise extract`` for indexing; a bad line is reported, not fatal.

Lines are read by :func:`pipeline.io.reading.json_file_objects`, the one JSON Lines reader (a
line with an integer over Python's digit limit or nested too deep is one bad line, not a crash).
Every line is checked on its own: a malformed JSON line, a record without ``doc_id``, ``id`` or
``content.text``, a duplicate record id, or a record of an article already read from another
model's run (its ids would clash with that run's) becomes an :class:`IndexIssue` naming the file
and line; every other line is kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.io.reading import json_file_objects


@dataclass(frozen=True)
class IndexIssue:
    """A line (or article) the index could not use as it is, and why."""

    where: str  # FILE:LINE, or the doc id for article-level issues
    reason: str
    doc_id: str | None = None
    record_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"where": self.where, "doc_id": self.doc_id, "record_id": self.record_id, "reason": self.reason}


@dataclass
class IndexedRecord:
    """The parts of an extract record the index reads."""

    doc_id: str
    id: str
    text: str  # the content as the article worded it
    spans: list[tuple[int, int]]  # the content's character ranges (empty when absent)
    kind: str | None
    credited: str | None  # the source text the article used
    speaker: dict[str, Any] | None
    quantities: list[dict[str, Any]] = field(default_factory=list)
    model: str | None = None


def record_from_json(row: dict[str, Any]) -> tuple[IndexedRecord | None, str | None]:
    """The record a JSON object describes, or why it cannot be indexed."""
    missing = [k for k in ("doc_id", "id", "content") if row.get(k) in (None, "")]
    if missing:
        return None, f"missing field{'s' * (len(missing) > 1)}: {', '.join(missing)}"
    content = row["content"]
    if not isinstance(content, dict) or not isinstance(content.get("text"), str) or not content["text"].strip():
        return None, "'content' has no text"
    source, speaker = row.get("source"), row.get("speaker")
    spans = content.get("spans") or []
    try:
        spans = [(int(s), int(e)) for s, e in spans]
    except (TypeError, ValueError):
        return None, "'content.spans' is not a list of [start, end] pairs"
    return (
        IndexedRecord(
            doc_id=str(row["doc_id"]),
            id=str(row["id"]),
            text=content["text"],
            spans=spans,
            kind=row.get("kind") if isinstance(row.get("kind"), str) else None,
            credited=source.get("text") if isinstance(source, dict) else None,
            speaker=speaker if isinstance(speaker, dict) else None,
            quantities=[q for q in row.get("quantities") or [] if isinstance(q, dict)],
            model=row.get("model") if isinstance(row.get("model"), str) else None,
        ),
        None,
    )


def read_records(paths: Iterable[str | Path]) -> tuple[list[IndexedRecord], list[IndexIssue]]:
    """Every usable record of the files, in file order, and an issue for each line left out."""
    records: list[IndexedRecord] = []
    issues: list[IndexIssue] = []
    model_of: dict[str, tuple[str | None, str]] = {}  # doc id -> (model, the file that gave it)
    seen: set[str] = set()
    for path in map(Path, paths):
        for where, row in json_file_objects(path):
            if isinstance(row, str):  # a line that is no JSON object, or the file unreadable
                issues.append(IndexIssue(where, row))
                continue
            record, reason = record_from_json(row)
            if record is None:
                issues.append(IndexIssue(where, reason or "unusable", str(row.get("doc_id") or "") or None))
                continue
            first = model_of.setdefault(record.doc_id, (record.model, str(path)))
            if first[0] != record.model:
                issues.append(
                    IndexIssue(
                        where,
                        f"article already indexed from model {first[0]!r} ({first[1]}); this record is from "
                        f"model {record.model!r}: index one run per article",
                        record.doc_id,
                        record.id,
                    )
                )
                continue
            if record.id in seen:
                issues.append(IndexIssue(where, f"duplicate record id {record.id!r}", record.doc_id, record.id))
                continue
            seen.add(record.id)
            records.append(record)
    return records, issues
