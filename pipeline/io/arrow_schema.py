"""The typed Arrow schema of a record, derived from the dataclasses in :mod:`pipeline.schema`.

One definition serves every typed output: the Parquet files ``extract`` writes (and the Ray
runner's shards) use :data:`RECORD_SCHEMA`, and ``extract_dataset``'s Hugging Face
``Features`` are read off it (:func:`record_features`). It is built from the type hints of
``Record`` and the dataclasses it nests, so a field added there appears here; the columns
hold exactly what ``Record.to_json`` writes (a span is a fixed-size list ``[start, end]``).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from pipeline.schema import Record

if TYPE_CHECKING:
    import datasets

_SCALARS: dict[type, pa.DataType] = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}


def arrow_type(hint: Any) -> pa.DataType:
    """The Arrow type of a dataclass field's type hint (every Arrow field is nullable, so
    ``X | None`` is ``X``)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        [inner] = [a for a in args if a is not type(None)]
        return arrow_type(inner)
    if origin is list:
        return pa.list_(arrow_type(args[0]))
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:  # tuple[Span, ...]
        return pa.list_(arrow_type(args[0]))
    if origin is tuple and len(set(args)) == 1:  # Span = tuple[int, int]
        return pa.list_(arrow_type(args[0]), len(args))
    if dataclasses.is_dataclass(hint):
        return pa.struct(dataclass_fields(hint))
    if hint in _SCALARS:
        return _SCALARS[hint]
    raise TypeError(f"no Arrow type for {hint!r}")


def dataclass_fields(cls: type) -> list[pa.Field]:
    """One Arrow field per dataclass field, in declaration order."""
    hints = typing.get_type_hints(cls)
    return [pa.field(f.name, arrow_type(hints[f.name])) for f in dataclasses.fields(cls)]


# Records as Arrow: nested roles with spans, speaker, quantities and dates.
RECORD_SCHEMA: pa.Schema = pa.schema(dataclass_fields(Record))


def record_features() -> datasets.Features:
    """The Hugging Face ``Features`` of a record, read off :data:`RECORD_SCHEMA`."""
    import datasets  # deferred: importing it costs about a second

    return datasets.Features.from_arrow_schema(RECORD_SCHEMA)
