"""Read articles from folders of ``.txt`` files, JSONL or Parquet files, stdin or a ``datasets.Dataset``.

Everything streams: one article at a time, so memory stays flat in the number of articles.
A bad article never stops the stream: it comes out as an :class:`InputError` carrying its id
and the reason, for the batch runner to report.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from pipeline.schema import Article

# An article this long is almost certainly a dump, not news; spaCy would need ~GBs for it.
MAX_ARTICLE_CHARS = 1_000_000
# Share of control characters above which decoded text is treated as binary.
_BINARY_SHARE = 0.01
_ALLOWED_CONTROL = set("\n\r\t\f\v")
# File suffixes read as JSON Lines (any case).
JSONL_SUFFIXES = (".jsonl", ".json", ".ndjson")
# A lone surrogate: a "\ud800" escape in JSON, or an undecodable byte kept by surrogateescape.
# Neither can be written out as UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class InputError:
    """An article that could not be read or is not fit to process."""

    doc_id: str
    source: str  # file (and line) it came from
    reason: str


def problem_with(text: str) -> str | None:
    """Why ``text`` is not a processable article, or ``None`` when it is."""
    if not text.strip():
        return "empty article"
    if "\x00" in text:
        return "binary content (NUL bytes)"
    control = sum(1 for c in text[:100_000] if c < " " and c not in _ALLOWED_CONTROL)
    if control > _BINARY_SHARE * min(len(text), 100_000):
        return f"binary content ({control} control characters)"
    if len(text) > MAX_ARTICLE_CHARS:
        return f"article too large ({len(text):,} characters; limit {MAX_ARTICLE_CHARS:,})"
    return None


def _decode(data: bytes) -> tuple[str | None, str | None]:
    """UTF-8 text (a BOM is dropped) or the reason it is not."""
    if b"\x00" in data[:100_000]:
        return None, "binary content (NUL bytes)"
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as e:
        return None, f"not UTF-8: byte 0x{data[e.start]:02x} at offset {e.start} ({e.reason})"


def folder_articles(folder: Path) -> list[Path]:
    """The ``.txt`` entries of a folder (any case: ``.TXT`` too), sorted; entries that are not
    regular files (a folder or FIFO named ``x.txt``, a broken link) are listed too, so the
    reader reports them rather than hanging on or skipping them."""
    return sorted(p for p in folder.iterdir() if p.suffix.lower() == ".txt")


def unicode_problem(value: str, name: str) -> str | None:
    """Why ``value`` (the field ``name``) cannot be written out as UTF-8, or ``None``."""
    if not (m := _SURROGATE.search(value)):
        return None
    c = m.group()
    if "\udc80" <= c <= "\udcff":
        return f"not UTF-8: undecodable byte 0x{ord(c) - 0xDC00:02x} in '{name}' at offset {m.start()}"
    return f"not valid Unicode: lone surrogate U+{ord(c):04X} in '{name}' at offset {m.start()}"


def read_text_file(path: Path) -> Article | InputError:
    """One ``.txt`` article; its id is the file stem. A leading BOM is dropped, so offsets
    are into the text after it (``open(path, encoding="utf-8-sig").read()``)."""
    try:
        size = path.stat().st_size
        data = b"" if size > 4 * MAX_ARTICLE_CHARS else path.read_bytes()
    except OSError as e:  # unreadable (permissions, I/O error): that article only
        return InputError(path.stem, str(path), f"cannot read: {e.strerror}")
    if size > 4 * MAX_ARTICLE_CHARS:
        return InputError(path.stem, str(path), f"article too large ({size:,} bytes)")
    text, reason = _decode(data)
    reason = reason or problem_with(text or "")
    if reason:
        return InputError(path.stem, str(path), reason)
    return Article(id=path.stem, text=text or "")


def _parse_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def article_from_mapping(row: dict[str, Any], source: str, fallback_id: str) -> Article | InputError:
    """Build an article from a JSONL object or a dataset row (``id``, ``text``, optional metadata)."""
    doc_id = fallback_id if row.get("id") in (None, "") else str(row.get("id"))  # 0 is an id
    if reason := unicode_problem(doc_id, "id"):
        return InputError(fallback_id, source, reason)  # the error's own id must be writable
    text = row.get("text")
    if not isinstance(text, str):
        return InputError(doc_id, source, "missing 'text' field" if text is None else "'text' is not a string")
    if reason := unicode_problem(text, "text") or problem_with(text):
        return InputError(doc_id, source, reason)
    try:
        date = _parse_date(row.get("date"))
    except ValueError:
        return InputError(doc_id, source, f"'date' is not an ISO date: {row.get('date')!r}")
    return Article(
        id=doc_id,
        text=text,
        date=date,
        title=row.get("title"),
        outlet=next((v for k in ("outlet", "publisher", "source") if isinstance(v := row.get(k), str) and v), None),
        url=row.get("url"),
    )


def json_objects(stream: Iterable[str], source: str) -> Iterator[tuple[str, dict[str, Any] | str]]:
    """``(source:line, object)`` for each non-blank JSON Lines line, or ``(source:line, reason)``
    for a line that is no JSON object; one bad line never hides the next. The one reader of
    JSON Lines: articles, records (``quotewise index``, ``quotewise view``) and index files."""
    for lineno, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        where = f"{source}:{lineno}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            yield where, f"malformed JSON line: {e.msg} at column {e.colno}"
            continue
        except ValueError as e:  # an integer over Python's 4,300-digit limit
            yield where, f"malformed JSON line: {e}"
            continue
        except RecursionError:
            yield where, "malformed JSON line: nested too deeply"
            continue
        yield (where, row) if isinstance(row, dict) else (where, "JSON line is not an object")


def json_file_objects(path: Path, errors: str = "replace") -> Iterator[tuple[str, dict[str, Any] | str]]:
    """:func:`json_objects` of a file (a leading BOM is no part of line 1). A file that cannot be
    opened, or fails mid-way, ends with ``(path, "cannot read: ...")``: the lines read so far stand.
    ``errors`` is how undecodable bytes are decoded: ``"replace"`` spoils only their line's text;
    ``"surrogateescape"`` keeps them for the caller to report (see :func:`unicode_problem`)."""
    try:
        with path.open(encoding="utf-8-sig", errors=errors) as f:
            yield from json_objects(f, str(path))
    except OSError as e:
        yield str(path), f"cannot read: {e.strerror or e}"


def read_jsonl(stream: TextIO | Iterable[str], source: str) -> Iterator[Article | InputError]:
    """Articles from JSON Lines; a malformed line becomes an error named ``source:line``."""
    for where, row in json_objects(stream, source):
        yield InputError(where, where, row) if isinstance(row, str) else article_from_mapping(row, where, fallback_id=where)


def _read_jsonl_file(path: Path) -> Iterator[Article | InputError]:
    # surrogateescape keeps one undecodable line from hiding the rest of the file;
    # the escaped bytes then mark just that article as not UTF-8 (``unicode_problem``).
    for where, row in json_file_objects(path, errors="surrogateescape"):
        if isinstance(row, dict):
            yield article_from_mapping(row, where, fallback_id=where)
        elif where == str(path):  # the file itself: missing, unreadable, or failing mid-file
            yield InputError(path.name, where, row)
        else:
            yield InputError(where, where, row)


# Rows of a Parquet file decoded at a time: bounds memory whatever the row groups are.
PARQUET_BATCH_ROWS = 256


def _read_parquet_file(path: Path) -> Iterator[Article | InputError]:
    """Articles from a Parquet file's rows (``id``, ``text``, optional metadata), as from JSONL;
    a row without an id is named ``path:row``."""
    import pyarrow as pa  # deferred: only Parquet inputs need it
    import pyarrow.parquet as pq

    row = 0
    try:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=PARQUET_BATCH_ROWS):
            for mapping in batch.to_pylist():
                row += 1
                yield article_from_mapping(mapping, f"{path}:{row}", fallback_id=f"{path}:{row}")
    except (OSError, pa.ArrowException) as e:  # not Parquet, or cut short: the rows read so far stand
        yield InputError(f"{path}:{row + 1}", str(path), f"unreadable Parquet: {e}")


def read_inputs(inputs: Iterable[str | Path], date: dt.date | None = None) -> Iterator[Article | InputError]:
    """Stream articles from each input: a folder of ``.txt``, a ``.txt`` file, a JSONL or Parquet
    file, or ``-``.

    ``date`` is the publication date of the articles that carry none (every ``.txt`` file).
    """
    for item in _read_each(inputs):
        yield replace(item, date=date) if date is not None and isinstance(item, Article) and item.date is None else item


def _read_each(inputs: Iterable[str | Path]) -> Iterator[Article | InputError]:
    for item in inputs:
        if str(item) == "-":
            yield from read_jsonl(sys.stdin, "<stdin>")
            continue
        path = Path(item)
        if path.is_dir():
            for txt in folder_articles(path):
                yield read_text_file(txt) if txt.is_file() else InputError(txt.stem, str(txt), "not a regular file")
        elif path.suffix.lower() in JSONL_SUFFIXES:
            yield from _read_jsonl_file(path)
        elif path.suffix.lower() == ".parquet":
            yield from _read_parquet_file(path)
        elif path.is_file():
            yield read_text_file(path)
        else:
            yield InputError(path.stem, str(path), "no such file or folder")


def input_files(inputs: Iterable[str | Path]) -> Iterator[Path]:
    """Every file the inputs name or hold (``-`` names none), as :func:`read_inputs` reads them."""
    for item in inputs:
        path = Path(item)
        if str(item) == "-" or not path.exists():
            continue
        yield from (p for p in folder_articles(path) if p.is_file()) if path.is_dir() else [path]


def clobbered_input(inputs: Iterable[str | Path], outputs: Iterable[Path]) -> tuple[Path, Path] | None:
    """An (output, input) pair that are the same file: opening that output would empty the input."""
    existing = [o for o in outputs if o.exists()]
    for source in input_files(inputs):
        for output in existing:
            if os.path.samefile(source, output):
                return output, source
    return None


def read_dataset(dataset: Iterable[dict[str, Any]]) -> Iterator[Article | InputError]:
    """Articles from a Hugging Face ``datasets.Dataset`` (or any iterable of row dicts)."""
    for index, row in enumerate(dataset):
        yield article_from_mapping(row, f"dataset[{index}]", fallback_id=f"row-{index}")
