"""Records to Parquet with the typed schema, row group by row group, complete or not at all.

:func:`write_parquet` is what ``extract -o records.parquet`` and the Ray runner's shards use:
rows go out in row groups of :data:`ROWS_PER_GROUP` (memory stays flat however many there
are) to a hidden temporary name beside the target, renamed onto it only once the file is
whole, so a reader never sees a half-written file and a crash leaves the old one in place.
"""

from __future__ import annotations

import itertools
import json
import os
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.io.arrow_schema import RECORD_SCHEMA
from pipeline.schema import Record

ROWS_PER_GROUP = 10_000


def write_parquet(records: Iterable[Record | dict[str, Any]], path: str | Path, rows_per_group: int = ROWS_PER_GROUP) -> int:
    """Write records (``Record`` objects or their ``to_json()`` dicts) to ``path``; returns how many.

    The temporary name is unique and starts with a dot (dataset readers skip it), so writers
    racing for one path (a retried task) never mix their rows.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    rows = (r.to_json() if isinstance(r, Record) else r for r in records)
    written = 0
    try:
        with pq.ParquetWriter(tmp, RECORD_SCHEMA, compression="zstd") as writer:
            while group := list(itertools.islice(rows, rows_per_group)):
                writer.write_table(pa.Table.from_pylist(group, schema=RECORD_SCHEMA))
                written += len(group)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return written


def jsonl_rows(path: str | Path) -> Iterator[dict[str, Any]]:
    """The records of a records JSONL, one dict at a time."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def parquet_from_jsonl(jsonl: str | Path, path: str | Path) -> int:
    """Convert a records JSONL (``extract``'s output) into Parquet at ``path``; returns how many."""
    return write_parquet(jsonl_rows(jsonl), path)
