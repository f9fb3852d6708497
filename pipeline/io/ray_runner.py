"""``quotewise extract --engine ray``: the pipeline over a Ray cluster, with Ray Data.

Each input shard (a JSONL or Parquet file) is read on the driver's node, where the inputs and
outputs live, and cut into blocks of a few articles; a pool of actors runs the pipeline on
the blocks (``map_batches`` with :class:`ArticleAnnotator`, which loads spaCy and the model
once, in its ``__init__``); the articles go through :func:`pipeline.io.batch.process_chunk`,
the code path of ``extract``, so their records are the same bytes. Blocks come back to the
driver in input order, and each shard's records are written to a temporary name and renamed
into place when the shard is complete (:mod:`pipeline.io.shards`): a rerun skips the shards
whose output exists. An actor that dies is restarted and its block retried by Ray.

Ray is imported only here, and only when this engine runs: ``import pipeline`` stays engine-free.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import pickle
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline.io.batch import ExtractStep, chunks, error_notes, json_line, process_chunk
from pipeline.io.reading import read_inputs
from pipeline.io.shards import SHARD_WRITERS, Shard, ShardError, ShardOutput, plan_shards

# Bytes of articles per block, the unit an actor takes at a time (about a dozen news
# articles; one long article alone): small, so the actors share a shard between them and a
# killed actor costs little to redo.
BLOCK_BYTES = 64 * 2**10
# Torch / BLAS threads in each actor; one actor per CPU, so more would oversubscribe the cores.
THREADS_PER_ACTOR = 1
# Retries of a block whose actor died (the actor itself always restarts). A block that kills
# its actor this many times over is a bug to look at, not to loop on: the run stops, the
# shards already written stay.
MAX_TASK_RETRIES = 3
# Object store of a local Ray: blocks of text and records are small, and /dev/shm is shared.
LOCAL_OBJECT_STORE_BYTES = 512 * 2**20

_THREAD_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def _read_shard(batch: dict[str, Any], date: dt.date | None) -> Iterator[pa.Table]:
    """A shard's articles (``Article`` or ``InputError``, pickled whole), as ``read_inputs``
    gives them to ``extract``; Ray Data gathers them into blocks of BLOCK_BYTES."""
    [index], [path] = batch["shard"], batch["path"]
    for item in read_inputs([path], date):
        yield pa.table({"shard": pa.array([index], pa.int64()), "item": pa.array([pickle.dumps(item)], pa.binary())})


class ArticleAnnotator:
    """The pipeline in a Ray actor: spaCy and the model load here, once per actor."""

    def __init__(self, model: str) -> None:
        from pipeline.startup import prepare_to_parse

        prepare_to_parse()  # an actor of the `fast` model never loads torch
        from pipeline.attribution.registry import get_extractor
        from pipeline.segment import load_nlp

        load_nlp()
        get_extractor(model)
        if "torch" in sys.modules:  # a tagger's actor: one thread, as runtime_env sets for BLAS
            sys.modules["torch"].set_num_threads(THREADS_PER_ACTOR)
        self.step = ExtractStep(model)

    def __call__(self, batch: pa.Table) -> pa.Table:
        items = (pickle.loads(item) for item in batch.column("item").to_pylist())
        outcomes = [outcome for chunk in chunks(items) for outcome in process_chunk(chunk, self.step)]
        return pa.table(
            {
                "shard": batch.column("shard"),
                "records": pa.array([o.data.decode("utf-8") for o in outcomes], pa.large_string()),
                "errors": pa.array([b"".join(map(json_line, error_notes(o, {}))).decode("utf-8") for o in outcomes], pa.string()),
                "n_records": pa.array([o.records for o in outcomes], pa.int64()),
                "failed": pa.array([o.error is not None for o in outcomes], pa.bool_()),
                "partial": pa.array([len(o.failures) for o in outcomes], pa.int64()),
            }
        )


@contextmanager
def ray_session(address: str | None, cpus: int | None) -> Iterator[None]:
    """Connected to the cluster at ``address``, or to a new local Ray with ``cpus`` CPUs
    (default: all of this machine's); always shut down on leaving."""
    import ray

    settings: dict[str, Any] = {
        "runtime_env": {"env_vars": {name: str(THREADS_PER_ACTOR) for name in _THREAD_ENV}},
        "logging_level": logging.WARNING,
        "log_to_driver": False,
    }
    if address is None:
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # a private local cluster reports nowhere
        # "local": a new Ray even where `ray start` left one on this machine for ray.init() to find.
        ray.init(address="local", num_cpus=cpus or os.cpu_count(), include_dashboard=False,
                 object_store_memory=LOCAL_OBJECT_STORE_BYTES, **settings)  # fmt: skip
    else:
        ray.init(address=address, **settings)
    try:
        yield
    finally:
        ray.shutdown()


def annotated_blocks(pending: list[Shard], model: str, actors: int, date: dt.date | None) -> Iterator[pa.Table]:
    """Every article of the pending shards through a pool of ``actors`` actors, in input order."""
    import ray

    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True  # shards are written front to back
    context.target_max_block_size = BLOCK_BYTES
    context.enable_progress_bars = False  # the driver reports shards as they are done
    context.print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    here = {"ray.io/node-id": ray.get_runtime_context().get_node_id()}
    shards = ray.data.from_items([{"shard": i, "path": str(s.source)} for i, s in enumerate(pending)])
    articles = shards.map_batches(
        _read_shard, fn_kwargs={"date": date}, batch_size=1, batch_format="numpy",
        num_cpus=0, label_selector=here,  # reading is light, and the files are where the driver is
    )  # fmt: skip
    with warnings.catch_warnings():
        # Ray 2.60 has no named parameter for the retries yet and warns on the generic ones.
        warnings.simplefilter("ignore", DeprecationWarning)
        records = articles.map_batches(
            ArticleAnnotator, fn_constructor_kwargs={"model": model}, batch_size=None, batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=actors), num_cpus=THREADS_PER_ACTOR,
            max_restarts=-1, max_task_retries=MAX_TASK_RETRIES,  # a dead actor comes back; its block is redone
        )  # fmt: skip
    yield from records.iter_batches(batch_size=None, batch_format="pyarrow")


@dataclass
class Tally:
    """What a run did, for its summary line and exit code."""

    shards: int = 0
    articles: int = 0
    failed: int = 0
    partial: int = 0
    records: int = 0


def write_shards(blocks: Iterator[pa.Table], pending: list[Shard], fmt: str, progress: bool) -> Tally:
    """Write each pending shard from the blocks (in input order), committing each as it completes."""
    tally = Tally()
    current, output = 0, None

    def commit_through(last: int) -> None:
        nonlocal current, output
        while current <= last:
            (output or ShardOutput(pending[current], fmt)).commit()  # a shard with no articles too
            tally.shards += 1
            if progress:
                print(f"quotewise: shard {current + 1}/{len(pending)} done → {pending[current].output}", file=sys.stderr)
            current, output = current + 1, None

    for block in blocks:
        for row in block.to_pylist():
            commit_through(row["shard"] - 1)
            output = output or ShardOutput(pending[current], fmt)
            output.write(row["records"], row["errors"])
            tally.articles += 1
            tally.records += row["n_records"]
            tally.failed += row["failed"]
            tally.partial += row["partial"]
    commit_through(len(pending) - 1)
    return tally


def run_ray_extract(
    inputs: list[str],
    out_dir: str,
    model: str = "default",
    address: str | None = None,
    actors: int | None = None,
    cpus: int | None = None,
    fmt: str = "jsonl",
    date: dt.date | None = None,
    progress: bool = True,
) -> int:
    """Extract records from every input shard into ``out_dir``, one output shard each, on Ray.

    Shards whose output exists are skipped. Returns 0 when every article was processed, 1
    when any shard has an errors file (bad articles, failed resolvers), 2 on a usage error.
    """
    from pipeline.attribution.registry import available

    if model not in available():
        print(f"quotewise: unknown model {model!r}; available: {', '.join(available())}", file=sys.stderr)
        return 2
    if fmt not in SHARD_WRITERS:
        print(f"quotewise: unknown format {fmt!r} (formats: {', '.join(SHARD_WRITERS)})", file=sys.stderr)
        return 2
    try:
        import ray  # noqa: F401
    except ImportError:
        print("quotewise: --engine ray needs Ray: pip install 'quotewise[ray]'", file=sys.stderr)
        return 2
    try:
        shards = plan_shards(inputs, Path(out_dir), fmt)
    except ShardError as e:
        print(f"quotewise: {e}", file=sys.stderr)
        return 2
    pending = [s for s in shards if not s.output.exists()]
    if len(pending) < len(shards):
        print(f"quotewise: {len(shards) - len(pending)} of {len(shards)} shards already done; skipping them", file=sys.stderr)
    started = time.perf_counter()
    tally = Tally()
    if pending:
        with ray_session(address, cpus):
            import ray

            pool = actors or max(1, int(ray.cluster_resources().get("CPU", 1)) // THREADS_PER_ACTOR)
            tally = write_shards(annotated_blocks(pending, model, pool, date), pending, fmt, progress)
    reported = sum(s.errors.exists() for s in shards)  # this run's and earlier runs', as extract --resume counts
    print(
        f"quotewise: {tally.shards} shards, {tally.articles - tally.failed} articles ok, {tally.failed} failed, "
        f"{tally.records} records → {out_dir}" + (f", {tally.partial} resolver failures (records kept)" if tally.partial else "")
        + (f"; {reported} shards have an errors file (NAME.errors.jsonl)" if reported else "")
        + f" ({time.perf_counter() - started:.1f}s)",
        file=sys.stderr,
    )  # fmt: skip
    return 1 if reported else 0
