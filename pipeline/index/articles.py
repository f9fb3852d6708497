"""The articles behind the records: their text (for the narration's figures), outlet and date.

Articles are read with :func:`pipeline.io.reading.read_inputs`, the same inputs ``extract``
reads. An article's outlet comes from its own metadata (a JSONL line's ``outlet``,
``publisher`` or ``source``), else from a metadata table (PolNeAR's ``metadata.tsv``: a
``filename`` or ``id`` column, a ``publisher`` or ``outlet`` column and optionally a
``publication_date``), else it is unknown. Dates tell a figure that updates another from one
that disagrees.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from pipeline.index.records import IndexIssue
from pipeline.io.reading import InputError, read_inputs
from pipeline.schema import Article

METADATA_NAME = "metadata.tsv"
_ID_COLUMNS = ("filename", "id", "doc_id")
_OUTLET_COLUMNS = ("publisher", "outlet", "source")
_DATE_COLUMNS = ("publication_date", "date")


def _iso_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def read_metadata(path: str | Path) -> dict[str, tuple[str | None, dt.date | None]]:
    """Doc id -> (outlet, publication date) from a tab-separated table with a header row."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    if not rows:
        return {}
    id_key = next((k for k in _ID_COLUMNS if k in rows[0]), None)
    outlet_key = next((k for k in _OUTLET_COLUMNS if k in rows[0]), None)
    date_key = next((k for k in _DATE_COLUMNS if k in rows[0]), None)
    if id_key is None or outlet_key is None:
        raise ValueError(f"{path}: needs an id column ({'/'.join(_ID_COLUMNS)}) and an outlet column ({'/'.join(_OUTLET_COLUMNS)})")
    return {
        r[id_key]: (r[outlet_key] if r.get(outlet_key) not in (None, "", "None") else None, _iso_date(r.get(date_key or "")))
        for r in rows
        if r.get(id_key)
    }


def find_metadata(inputs: Iterable[str | Path], levels: int = 3) -> Path | None:
    """A ``metadata.tsv`` in an input's folder or up to ``levels`` folders above it (PolNeAR's
    lies two above its ``dev/text`` folder)."""
    for item in inputs:
        path = Path(item).resolve()
        for folder in [path, *path.parents][: levels + 1]:
            if (folder / METADATA_NAME).is_file():
                return folder / METADATA_NAME
    return None


def load_articles(
    inputs: Iterable[str | Path], metadata: str | Path | None = None
) -> tuple[dict[str, Article], list[IndexIssue]]:
    """The readable articles by id, their outlet and date filled in from ``metadata`` (found
    beside the inputs when not given) where they carry none, and an issue for each article that
    could not be read."""
    inputs = list(inputs)
    table = metadata or find_metadata(i for i in inputs if str(i) != "-")
    known = read_metadata(table) if table else {}
    articles: dict[str, Article] = {}
    issues = []
    for item in read_inputs(inputs):
        if isinstance(item, InputError):
            issues.append(IndexIssue(item.source, f"article not read: {item.reason}", item.doc_id))
            continue
        if item.id in known:
            outlet, date = known[item.id]
            item = replace(item, outlet=item.outlet or outlet, date=item.date or date)
        articles[item.id] = item
    return articles, issues
