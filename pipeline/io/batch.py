"""``quotewise extract``: stream articles through the pipeline into records JSONL, losing nothing.

Crash safety rests on a ledger beside the output (``OUTPUT.progress``): after an article's
records (or its error) are written and flushed, one ledger line records its position in the
input stream, its id, and the byte sizes of the output and errors files at that moment.
``--resume`` truncates both files back to the last ledger line, so a half-written article
never survives, then skips the articles the ledger lists. Results are written in input
order whatever ``-j`` is, so the ledger is always a prefix of the input stream.

An output named ``*.parquet`` is written as typed Parquet (:mod:`pipeline.io.parquet`). A
Parquet file cannot be appended to, so the records are staged as JSONL beside it
(``OUTPUT.partial.jsonl``) under the same ledger, and converted row group by row group once
every article is done, to a temporary name renamed onto the output: ``records.parquet`` is
whole or absent. ``--resume`` carries on with the staging file (after a crash during the
conversion it only converts again); once the Parquet is in place the staging file and the
ledger are removed, so a later ``--resume`` starts over.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import multiprocessing
import os
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from tqdm import tqdm

from pipeline.io.reading import InputError, clobbered_input, read_dataset, read_inputs
from pipeline.schema import Article

if TYPE_CHECKING:
    import datasets
    from spacy.tokens import Doc

# Articles handed to the worker pool at a time: bounds memory however long the input is.
BATCH_PER_JOB = 16
# Articles segmented together (spaCy's nlp.pipe): batching its neural components saves CPU.
PIPE_BATCH = 8
# Where stderr is a log file, not a terminal: a plain progress line every this many articles.
LOG_EVERY = 100


@dataclass
class Outcome:
    """What processing one input item produced: JSON lines, or an error."""

    doc_id: str
    words: int
    lines: list[str]
    error: InputError | None = None
    failures: list[tuple[str, str]] = field(default_factory=list)  # stages that failed; records kept


def _process(item: Article | InputError, model: str, doc: Doc | None = None) -> Outcome:
    if isinstance(item, InputError):
        return Outcome(item.doc_id, 0, [], item)
    from pipeline.annotate import (
        annotate,  # deferred: workers import spaCy once, on first use
    )

    failures: list[tuple[str, str]] = []
    try:
        records = annotate(item, model, failures, doc)
    except Exception as e:  # one bad article must not end a run over an archive
        return Outcome(item.id, 0, [], InputError(item.id, "<pipeline>", f"{type(e).__name__}: {e}"))
    lines = [json.dumps(r.to_json(), ensure_ascii=False) + "\n" for r in records]
    return Outcome(item.id, len(item.text.split()), lines, failures=failures)


def error_lines(outcome: Outcome) -> str:
    """The errors-file lines an outcome adds: its input error, then each stage that failed."""
    lines = []
    if (e := outcome.error) is not None:
        lines.append({"doc_id": e.doc_id, "source": e.source, "reason": e.reason})
    lines += [{"doc_id": outcome.doc_id, "source": "<pipeline>", "stage": stage, "reason": reason} for stage, reason in outcome.failures]
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)


def _process_chunk(items: list[Article | InputError], model: str) -> list[Outcome]:
    """Outcomes of a few items, their articles segmented together (``nlp.pipe``)."""
    from pipeline.segment import segment_all

    articles = [item for item in items if isinstance(item, Article)]
    try:
        docs = dict(zip(map(id, articles), segment_all(articles)))
    except Exception:  # one article broke the batch: segmented alone, only it is lost
        docs = {}
    return [_process(item, model, docs.get(id(item))) for item in items]


_WORKER_MODEL = "default"


def _init_worker(model: str) -> None:
    global _WORKER_MODEL
    _WORKER_MODEL = model
    # N processes share the cores; threads would oversubscribe them. Set before the worker
    # first imports torch (spaCy's thinc imports it too), which sizes its thread pools from it.
    os.environ["OMP_NUM_THREADS"] = os.environ["MKL_NUM_THREADS"] = "1"


def _process_chunk_in_worker(items: list[Article | InputError]) -> list[Outcome]:
    return _process_chunk(items, _WORKER_MODEL)


def _chunks(items: Iterator[Article | InputError]) -> Iterator[list[Article | InputError]]:
    while chunk := list(itertools.islice(items, PIPE_BATCH)):
        yield chunk


def _outcomes(items: Iterator[Article | InputError], model: str, jobs: int) -> Iterator[Outcome]:
    """Process items in input order, a few at a time, in this process or a pool of ``jobs`` workers."""
    if jobs <= 1:
        for chunk in _chunks(items):
            yield from _process_chunk(chunk, model)
        return
    ctx = multiprocessing.get_context("spawn")  # fork would copy a half-initialised torch
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(model,)) as pool:
        while batch := list(itertools.islice(_chunks(items), jobs * BATCH_PER_JOB // PIPE_BATCH)):
            for outcomes in pool.imap(_process_chunk_in_worker, batch, chunksize=1):
                yield from outcomes


class Ledger:
    """The progress file: one JSON line per finished input item."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> list[dict[str, Any]]:
        """Complete entries only: a line cut short by a crash is ignored."""
        if not self.path.exists():
            return []
        entries = []
        for line in self.path.read_text(encoding="utf-8").splitlines(keepends=True):
            if not line.endswith("\n"):
                break
            entries.append(json.loads(line))
        return entries

    def rewrite(self, entries: list[dict[str, Any]]) -> None:
        self.path.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")


def _open_for_resume(path: Path, size: int) -> BinaryIO:
    f = path.open("r+b" if path.exists() else "w+b")
    f.truncate(size)
    f.seek(size)
    return f


def run_extract(
    inputs: list[str],
    output: str,
    model: str = "default",
    jobs: int = 1,
    resume: bool = False,
    errors: str | None = None,
    progress: bool = True,
    date: dt.date | None = None,
) -> int:
    """Extract records from every input article into ``output``; ``date`` is the publication
    date of articles that carry none (relative dates resolve against it).

    Returns 0 when every article was processed, 1 when any was reported in the errors file.
    """
    from pipeline.attribution.registry import available

    if model not in available():
        print(f"quotewise: unknown model {model!r}; available: {', '.join(available())}", file=sys.stderr)
        return 2
    out_path = Path(output)
    parquet = out_path.suffix.lower() == ".parquet"
    stage_path = out_path.with_name(out_path.name + ".partial.jsonl") if parquet else out_path
    err_path = Path(errors) if errors else out_path.with_name(out_path.name + ".errors.jsonl")
    ledger = Ledger(out_path.with_name(out_path.name + ".progress"))
    if clash := clobbered_input(inputs, [out_path, stage_path, err_path, ledger.path]):
        print(f"quotewise: refusing to write {clash[0]}: it is the input {clash[1]}", file=sys.stderr)
        return 2
    out_path.parent.mkdir(parents=True, exist_ok=True)

    done = ledger.read() if resume else []
    last = done[-1] if done else {"out": 0, "err": 0}
    ledger.rewrite(done)  # drops a torn last line
    items = read_inputs(inputs, date)
    for entry, item in zip(done, items):
        doc_id = item.doc_id if isinstance(item, InputError) else item.id
        if doc_id != entry["id"]:
            print(f"quotewise: cannot resume: input {entry['n']} is {doc_id!r}, the run had {entry['id']!r}", file=sys.stderr)
            return 2
    n_done = len(done)
    failed = sum(1 for e in done if e["error"])
    partial = 0
    written = sum(e["records"] for e in done)
    started = time.perf_counter()
    on_terminal = sys.stderr.isatty()
    words = 0
    processed = n_done
    with (
        _open_for_resume(stage_path, last["out"]) as out,
        _open_for_resume(err_path, last["err"]) as err,
        ledger.path.open("a", encoding="utf-8") as log,
        tqdm(desc=f"extract ({model})", unit=" articles", initial=n_done, disable=not (progress and on_terminal),
             file=sys.stderr) as bar,
    ):
        for n, outcome in enumerate(_outcomes(items, model, jobs), start=n_done):
            out.write("".join(outcome.lines).encode("utf-8"))
            out.flush()
            err.write(error_lines(outcome).encode("utf-8"))
            err.flush()
            if (e := outcome.error) is not None:
                failed += 1
                tqdm.write(f"quotewise: skipped {e.doc_id} ({e.source}): {e.reason}", file=sys.stderr)
            for stage, reason in outcome.failures:
                partial += 1
                tqdm.write(f"quotewise: {outcome.doc_id}: {stage} failed ({reason}); its records keep the rest", file=sys.stderr)
            entry = {"n": n, "id": outcome.doc_id, "records": len(outcome.lines), "error": outcome.error is not None,
                     "out": out.tell(), "err": err.tell()}  # fmt: skip
            log.write(json.dumps(entry) + "\n")
            log.flush()
            written += len(outcome.lines)
            words += outcome.words
            processed += 1
            bar.update(1)
            rate = f"{words / max(time.perf_counter() - started, 1e-9):,.0f}"
            bar.set_postfix(words_per_s=rate, refresh=False)
            if progress and not on_terminal and processed % LOG_EVERY == 0:  # no carriage returns in a log
                print(f"quotewise: {processed} articles, {written} records, {rate} words/s", file=sys.stderr)
    if err_path.exists() and err_path.stat().st_size == 0:
        err_path.unlink()
    if parquet:
        from pipeline.io.parquet import parquet_from_jsonl

        parquet_from_jsonl(stage_path, out_path)
        stage_path.unlink()
        ledger.path.unlink()
    elapsed = time.perf_counter() - started
    print(
        f"quotewise: {processed - failed} articles ok, {failed} failed, {written} records → {out_path}"
        + (f", {partial} resolver failures (records kept)" if partial else "")
        + (f"; errors in {err_path}" if failed or partial else "")
        + f" ({elapsed:.1f}s)",
        file=sys.stderr,
    )
    return 1 if failed or partial else 0


def extract_dataset(
    dataset: Iterable[dict[str, Any]],
    model: str = "default",
    errors: list[InputError] | None = None,
    cache_dir: str | None = None,
) -> datasets.Dataset:
    """The records of every row of a Hugging Face ``datasets.Dataset`` (``id``, ``text``, optional
    ``date``, ``title``, ``outlet``, ``url``; any iterable of such dicts will do) as a
    ``Dataset`` typed by :func:`~pipeline.io.arrow_schema.record_features`, one row per record.

    A bad row, or one the pipeline fails on, is reported on stderr and skipped, and its
    :class:`InputError` appended to ``errors`` when a list is given. The records are written
    to an Arrow file under ``cache_dir`` (default: Hugging Face's cache) as they come, so
    memory stays flat; each call makes a fresh one, never reusing records of an earlier run.
    """
    import datasets

    from pipeline.attribution.registry import available
    from pipeline.io.arrow_schema import record_features

    if model not in available():  # else every row would fail on it, one by one
        raise ValueError(f"unknown model {model!r}; available: {', '.join(available())}")

    def rows() -> Iterator[dict[str, Any]]:
        for outcome in _outcomes(read_dataset(dataset), model, jobs=1):
            if outcome.error is not None:
                e = outcome.error
                print(f"quotewise: skipped {e.doc_id} ({e.source}): {e.reason}", file=sys.stderr)
                if errors is not None:
                    errors.append(e)
            for stage, reason in outcome.failures:
                print(f"quotewise: {outcome.doc_id}: {stage} failed ({reason}); its records keep the rest", file=sys.stderr)
            yield from map(json.loads, outcome.lines)

    features = record_features()
    records = rows()
    first = next(records, None)
    if first is None:  # from_generator refuses to build an empty split
        return datasets.Dataset.from_dict({name: [] for name in features}, features=features)
    # A fresh fingerprint: the default one hashes this function, not the pipeline behind it.
    return datasets.Dataset.from_generator(
        lambda: itertools.chain([first], records), features=features, cache_dir=cache_dir, fingerprint=uuid.uuid4().hex
    )
