"""Shards of a distributed run: one output shard per input shard, each committed atomically.

An output shard is written under a hidden temporary name and renamed into place only when
its input shard is complete (its errors file first, then the records), so the outputs present
in the output folder are exactly the shards done: a rerun skips them, with no ledger to keep
and nothing to coordinate between nodes. Engine-free: the Ray runner drives it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from pipeline.io.reading import JSONL_SUFFIXES

SHARD_SUFFIXES = (*JSONL_SUFFIXES, ".parquet")


class ShardError(ValueError):
    """Inputs or an output folder that cannot make a sharded run (a usage error)."""


@dataclass(frozen=True)
class Shard:
    """One input file and where its records and errors go."""

    source: Path
    output: Path
    errors: Path


def list_shards(inputs: Iterable[str | Path]) -> list[Path]:
    """Each input shard file, and the shard files of each input folder (sorted)."""
    shards = []
    for item in inputs:
        path = Path(item)
        if str(item) == "-":
            raise ShardError("a sharded run reads files, not stdin")
        if path.is_dir():
            shards += sorted(p for p in path.iterdir() if p.suffix.lower() in SHARD_SUFFIXES and p.is_file())
        elif path.suffix.lower() in SHARD_SUFFIXES and path.is_file():
            shards.append(path)
        else:
            raise ShardError(f"{path}: not a JSONL or Parquet shard file, nor a folder of them")
    return shards


def plan_shards(inputs: Iterable[str | Path], out_dir: Path, fmt: str) -> list[Shard]:
    """The shards of ``inputs`` with their outputs in ``out_dir``: ``NAME.FMT`` for an input
    ``NAME.jsonl`` or ``NAME.parquet``, errors in ``NAME.FMT.errors.jsonl``."""
    shards = []
    by_name: dict[str, Path] = {}
    for source in list_shards(inputs):
        output = out_dir / f"{source.stem}.{fmt}"
        if output.name in by_name:
            raise ShardError(f"{by_name[output.name]} and {source} would both write {output}")
        by_name[output.name] = source
        if out_dir.exists() and source.parent.resolve() == out_dir.resolve():
            raise ShardError(f"the output folder {out_dir} holds the input {source}: choose another")
        shards.append(Shard(source, output, output.with_name(output.name + ".errors.jsonl")))
    return shards


class ShardWriter(Protocol):
    """Writes one output shard: each article's records arrive as the JSON lines ``extract``
    writes for it (the Parquet writer parses and types them)."""

    def write(self, lines: str) -> None: ...

    def close(self) -> None: ...


class JsonlShardWriter:
    """Records JSONL, byte for byte what ``extract`` writes for the same articles."""

    def __init__(self, path: Path) -> None:
        self._file: BinaryIO = path.open("wb")

    def write(self, lines: str) -> None:
        self._file.write(lines.encode("utf-8"))

    def close(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())  # on disk before the rename says it is done
        self._file.close()


class ParquetShardWriter:
    """Typed Parquet (:mod:`pipeline.io.parquet`, the schema of ``extract -o x.parquet``): the
    records are staged as JSONL beside it and converted when the shard is complete."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._staged = path.with_name(path.name + ".jsonl")
        self._records = JsonlShardWriter(self._staged)

    def write(self, lines: str) -> None:
        self._records.write(lines)

    def close(self) -> None:
        from pipeline.io.parquet import parquet_from_jsonl

        self._records.close()
        parquet_from_jsonl(self._staged, self._path)
        self._staged.unlink()


# ``--format`` → the writer of its output shards (``NAME.FORMAT``).
SHARD_WRITERS: dict[str, Callable[[Path], ShardWriter]] = {"jsonl": JsonlShardWriter, "parquet": ParquetShardWriter}


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.part")


class ShardOutput:
    """An output shard being written: records and errors under temporary names until commit."""

    def __init__(self, shard: Shard, fmt: str) -> None:
        self.shard = shard
        self.shard.output.parent.mkdir(parents=True, exist_ok=True)
        self._records = SHARD_WRITERS[fmt](_temporary(shard.output))
        self._errors = _temporary(shard.errors).open("w", encoding="utf-8")

    def write(self, records: str, errors: str) -> None:
        """One article's record lines and errors-file lines."""
        self._records.write(records)
        self._errors.write(errors)

    def commit(self) -> None:
        """Move the shard into place: errors first, so an output present is a shard complete."""
        self._records.close()
        had_errors = self._errors.tell() > 0
        self._errors.close()
        if had_errors:
            _temporary(self.shard.errors).replace(self.shard.errors)
        else:
            _temporary(self.shard.errors).unlink()
            self.shard.errors.unlink(missing_ok=True)  # left by an attempt that died between renames
        _temporary(self.shard.output).replace(self.shard.output)
