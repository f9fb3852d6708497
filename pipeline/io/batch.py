"""Stream articles through one pipeline step into JSONL, losing nothing: ``quotewise extract``,
``times`` and ``numbers`` all run here (:func:`run_batch`), each with its own ``work`` function.

Crash safety rests on a ledger beside the output (``OUTPUT.progress``): one JSON line per
finished input item with its position in the input stream, its id, and the byte sizes of the
output and errors files once its lines were written. A ledger line is written only after the
data it points to has been fsynced, so even after a power loss the ledger never claims more
than the files hold. ``--resume`` checks the files against the ledger (sizes, line counts, no
NUL bytes), goes back to the last article they still hold if they do not (saying so),
truncates both files there, so a half-written article never survives, and skips the articles
the ledger lists. Results are written in input order whatever ``-j`` is, so the ledger is
always a prefix of the input stream.

Articles go through the step a few at a time (:data:`PIPE_BATCH`): ``extract`` segments each
group together with spaCy's ``nlp.pipe``, which costs less CPU than one call per article.

An ``extract`` output named ``*.parquet`` is written as typed Parquet
(:mod:`pipeline.io.parquet`). A Parquet file cannot be appended to, so the records are staged
as JSONL beside it (``OUTPUT.partial.jsonl``) under the same ledger, and converted row group
by row group once every article is done, to a temporary name renamed onto the output:
``records.parquet`` is whole or absent. ``--resume`` carries on with the staging file (after a
crash during the conversion it only converts again); once the Parquet is in place the staging
file and the ledger are removed, so a later ``--resume`` starts over.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import multiprocessing
import os
import signal
import stat
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from tqdm import tqdm

from pipeline.io.language import not_english
from pipeline.io.reading import InputError, clobbered_input, read_dataset, read_inputs
from pipeline.schema import Article
from pipeline.startup import prepare_to_parse

if TYPE_CHECKING:
    import datasets
    from spacy.tokens import Doc

# Articles handed to the worker pool at a time: bounds memory however long the input is.
BATCH_PER_JOB = 16
# Articles a step sees together (extract segments them with one nlp.pipe call).
PIPE_BATCH = 8
# Finished chunks held back for a slower one before them, as a multiple of those in flight.
READ_AHEAD = 4
# Where stderr is a log file, not a terminal: a plain progress line every this many articles.
LOG_EVERY = 100
# Seconds between fsyncs (and so ledger writes): a kill or power loss redoes at most this much.
SYNC_EVERY = 0.5

# One pipeline step: an article (and a list to add (stage, reason) to for each describing
# stage that failed but cost only its field) → the JSON objects to write for it.
Work = Callable[[Article, list[tuple[str, str]]], list[dict[str, Any]]]
Item = Article | InputError


@dataclass
class Outcome:
    """What processing one input item produced: JSON lines, or an error."""

    doc_id: str
    words: int
    data: bytes = b""  # the item's lines, UTF-8
    records: int = 0
    error: InputError | None = None
    failures: list[tuple[str, str]] = field(default_factory=list)  # stages that failed; records kept


def json_line(obj: dict[str, Any]) -> bytes:
    """One JSONL line. A lone surrogate that slipped through (an undecodable file name) is
    written as a JSON escape rather than losing the line: UTF-8 cannot encode it."""
    try:
        return (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(obj) + "\n").encode("ascii")


def item_id(item: Item) -> str:
    return item.doc_id if isinstance(item, InputError) else item.id


def process(item: Item, work: Work) -> Outcome:
    """Run ``work`` on one item; whatever it raises costs this item only."""
    if isinstance(item, InputError):
        return Outcome(item.doc_id, 0, error=item)
    failures: list[tuple[str, str]] = []
    try:
        rows = work(item, failures)
        data = b"".join(json_line(row) for row in rows)
    except Exception as e:  # one bad article must not end a run over an archive
        return Outcome(item.id, 0, error=InputError(item.id, "<pipeline>", f"{type(e).__name__}: {e}"))
    if reason := not_english(item.text):
        failures.append(("language", reason))
    return Outcome(item.id, len(item.text.split()), data, len(rows), failures=failures)


def process_chunk(items: list[Item], work: Work) -> Iterator[Outcome]:
    """Outcomes of a few items, each as soon as it is done. A step that can prepare several
    articles at once (``prepare``) does so first; if that fails, each article is prepared
    alone, so only a bad one is lost."""
    prepare = getattr(work, "prepare", None)
    if prepare is not None:
        with contextlib.suppress(Exception):
            prepare([item for item in items if isinstance(item, Article)])
    for item in items:
        yield process(item, work)


def chunks(items: Iterator[Item]) -> Iterator[list[Item]]:
    while chunk := list(itertools.islice(items, PIPE_BATCH)):
        yield chunk


def pool_chunks(items: Iterator[Item], jobs: int) -> Iterator[list[Item]]:
    """:func:`chunks` for ``jobs`` workers: reading ``jobs`` chunks ahead, the last articles of
    the input go out in chunks a quarter as long, so that at the end no worker waits long for
    another's last chunk (on 84 articles a whole chunk is a tenth of a two-worker run)."""
    ahead: deque[Item] = deque(itertools.islice(items, jobs * PIPE_BATCH))
    while more := list(itertools.islice(items, PIPE_BATCH)):
        yield [ahead.popleft() for _ in range(min(PIPE_BATCH, len(ahead)))]
        ahead.extend(more)
    rest = list(ahead)
    size = max(1, PIPE_BATCH // 4)
    for start in range(0, len(rest), size):
        yield rest[start : start + size]


@dataclass
class ExtractStep:
    """``quotewise extract``'s step: an article's records. ``prepare`` segments a few articles
    together (``nlp.pipe``); an article it did not see is segmented on its own."""

    model: str
    docs: dict[int, Doc] = field(default_factory=dict, repr=False)

    def prepare(self, articles: list[Article]) -> None:
        from pipeline.segment import segment_all  # deferred: workers import spaCy once, on first use

        self.docs = {}  # if segmenting fails, no Doc of an earlier chunk is left to be used
        self.docs = dict(zip(map(id, articles), segment_all(articles)))

    def __call__(self, article: Article, failures: list[tuple[str, str]]) -> list[dict[str, Any]]:
        from pipeline.annotate import annotate

        return [r.to_json() for r in annotate(article, self.model, failures, self.docs.pop(id(article), None))]


# --- worker processes ----------------------------------------------------------------------

_WORKER_WORK: Work | None = None


def _init_worker(work: Work, parent: int) -> None:
    global _WORKER_WORK
    _WORKER_WORK = work
    prepare_to_parse()
    # N processes share the cores: torch (imported later, by the work) takes one thread each.
    os.environ["OMP_NUM_THREADS"] = os.environ["MKL_NUM_THREADS"] = "1"
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the parent stops us
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: die with the parent, however it dies
    if os.getppid() != parent:  # it died before that took effect
        os._exit(1)


def _process_in_worker(item: Item) -> Outcome:
    assert _WORKER_WORK is not None
    return process(item, _WORKER_WORK)


def _process_chunk_in_worker(chunk: list[Item]) -> list[Outcome]:
    assert _WORKER_WORK is not None
    return list(process_chunk(chunk, _WORKER_WORK))


def _quiet_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with its stderr on /dev/null. When the parent
    is killed (SIGKILL) it cannot release the pool's semaphores; the tracker then releases
    them, which is all that is needed, but also prints a "leaked semaphore" warning for each
    run, which is not news to the person who killed it."""
    from multiprocessing import resource_tracker

    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            resource_tracker.ensure_running()
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _pool(work: Work, jobs: int) -> ProcessPoolExecutor:
    _quiet_resource_tracker()
    ctx = multiprocessing.get_context("spawn")  # fork would copy a half-initialised torch
    return ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker, initargs=(work, os.getpid()))


def _stop(pool: ProcessPoolExecutor, kill: bool) -> None:
    if kill:  # shutdown alone lets each worker finish its article: minutes on a long one
        for worker in list((getattr(pool, "_processes", None) or {}).values()):
            worker.kill()
    pool.shutdown(wait=True, cancel_futures=True)


def _died_on(item: Item) -> Outcome:
    doc_id = item_id(item)
    return Outcome(doc_id, 0, error=InputError(doc_id, "<pipeline>", "its worker process died (killed, or out of memory)"))


def _submit(pool: ProcessPoolExecutor, chunk: list[Item]) -> Future[list[Outcome]]:
    try:
        return pool.submit(_process_chunk_in_worker, chunk)
    except BrokenProcessPool as e:  # a worker died since the last result: seen when this is read
        failed: Future[list[Outcome]] = Future()
        failed.set_exception(e)
        return failed


def _pool_outcomes(items: Iterator[Item], work: Work, jobs: int) -> Iterator[Outcome]:
    """Outcomes in input order from a pool kept busy: a few chunks running or queued, the next
    one submitted as soon as any finishes. Finished chunks wait here for the ones before them
    (at most READ_AHEAD times as many), so a slow chunk at the head leaves no worker idle."""
    pool, finished = _pool(work, jobs), False
    todo = pool_chunks(items, jobs)
    in_flight: deque[tuple[list[Item], Future[list[Outcome]]]] = deque()
    busy = jobs * BATCH_PER_JOB // PIPE_BATCH
    try:
        while True:
            running = [f for _, f in in_flight if not f.done()]
            while len(running) < busy and len(in_flight) < busy * READ_AHEAD and (chunk := next(todo, None)) is not None:
                in_flight.append((chunk, _submit(pool, chunk)))
                running.append(in_flight[-1][1])
            if not in_flight:
                break
            if not in_flight[0][1].done():
                wait(running, return_when=FIRST_COMPLETED)  # the head is among them
                continue
            chunk, future = in_flight.popleft()
            try:
                yield from future.result()
            except BrokenProcessPool:
                # Which article killed a worker is unknown: the chunks in flight run one
                # article at a time, so only the one that kills its own worker is reported.
                _stop(pool, kill=True)
                rest = [chunk, *(c for c, _ in in_flight)]
                in_flight.clear()
                yield from _one_by_one([item for c in rest for item in c], work)
                pool = _pool(work, jobs)
        finished = True
    finally:
        _stop(pool, kill=not finished)


def _one_by_one(items: list[Item], work: Work) -> Iterator[Outcome]:
    pool, finished = _pool(work, 1), False
    try:
        for item in items:
            try:
                yield pool.submit(_process_in_worker, item).result()
            except BrokenProcessPool:
                yield _died_on(item)
                _stop(pool, kill=True)
                pool = _pool(work, 1)
        finished = True
    finally:
        _stop(pool, kill=not finished)


def outcomes(items: Iterator[Item], work: Work, jobs: int) -> Iterator[Outcome]:
    """Process items in input order, in this process or a pool of ``jobs`` workers."""
    if jobs <= 1:
        return (outcome for chunk in chunks(items) for outcome in process_chunk(chunk, work))
    return _pool_outcomes(items, work, jobs)


# --- ledger and resume ---------------------------------------------------------------------


class Ledger:
    """The progress file: a header naming the errors file, then one JSON line per finished
    input item."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """(header, entries); complete lines only: a line cut short by a crash is ignored."""
        if not self.path.exists():
            return {}, []
        header: dict[str, Any] = {}
        entries = []
        for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True):
            if not line.endswith("\n"):
                break
            try:
                entry = json.loads(line)
            except ValueError:
                break  # garbage where a power loss left unwritten blocks: what follows is not trusted
            if "n" in entry:
                entries.append(entry)
            else:
                header = entry
        return header, entries

    def rewrite(self, header: dict[str, Any], entries: list[dict[str, Any]]) -> None:
        """Replace the ledger atomically (a crash leaves the old one or the new one)."""
        temporary = self.path.with_name(self.path.name + ".tmp")
        with temporary.open("w", encoding="utf-8") as f:
            f.write("".join(json.dumps(e) + "\n" for e in [header, *entries]))
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, self.path)
        fsync_folder(self.path.parent)


def fsync_folder(folder: Path) -> None:
    """Make the folder's entries (a new or renamed file) survive a power loss."""
    with contextlib.suppress(OSError):  # not every filesystem lets a folder be opened
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def held_prefix(entries: list[dict[str, Any]], out_path: Path, err_path: Path) -> tuple[int, str | None]:
    """How many ledger entries the output and errors files still hold, and, when not all,
    what is wrong after them: a file deleted or cut short, NUL bytes a power loss left."""
    held = 0
    with contextlib.ExitStack() as stack:
        files = {}
        for key, path in (("out", out_path), ("err", err_path)):
            files[key] = stack.enter_context(path.open("rb")) if path.exists() else None
        position = {"out": 0, "err": 0}
        for entry in entries:
            for key, path in (("out", out_path), ("err", err_path)):
                size = entry[key] - position[key]
                chunk = files[key].read(size) if files[key] is not None and size > 0 else b""
                if len(chunk) < size:
                    have = path.stat().st_size if path.exists() else 0
                    state = f"holds {have:,} bytes" if path.exists() else "is missing"
                    return held, f"{path} {state}; the ledger lists {entry[key]:,}"
                if b"\x00" in chunk or (chunk and not chunk.endswith(b"\n")):
                    return held, f"{path} has NUL bytes or a cut line where {entry['id']!r} was written"
                if key == "out" and chunk.count(b"\n") != entry["records"]:
                    return held, f"{path} holds other lines than the ledger lists for {entry['id']!r}"
                position[key] = entry[key]
            held += 1
    return held, None


def _open_at(path: Path, size: int) -> BinaryIO:
    """Open for writing from ``size`` on, dropping anything after it; never extends a file
    (that would fill the gap with NUL bytes)."""
    f = path.open("r+b" if path.exists() else "w+b")
    if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
        return f  # a device (/dev/full, /dev/null): nothing to truncate
    end = f.seek(0, os.SEEK_END)
    if size > end:
        f.close()
        raise AssertionError(f"{path}: resume point {size} past the end {end}")
    f.truncate(size)
    f.seek(size)
    return f


def _unique_ids(items: Iterator[Item], renamed: dict[str, str]) -> Iterator[Item]:
    """Give a repeated id a suffix (``x#2``), so record ids stay unique; ``renamed`` maps each
    new id to the one it repeats."""
    seen: set[str] = set()
    for item in items:
        doc_id = original = item_id(item)
        count = 1
        while doc_id in seen:
            count += 1
            doc_id = f"{original}#{count}"
        seen.add(doc_id)
        if doc_id != original:
            renamed[doc_id] = original
            item = replace(item, doc_id=doc_id) if isinstance(item, InputError) else replace(item, id=doc_id)
        yield item


class Stopped(KeyboardInterrupt):
    """SIGTERM: stop like Ctrl-C, keeping what was written."""


def _raise_stopped(signum: int, frame: Any) -> None:
    raise Stopped


# --- the run -------------------------------------------------------------------------------


@dataclass
class Tally:
    """What a run has done so far, for the progress lines and the summary."""

    processed: int = 0
    failed: int = 0
    partial: int = 0
    renamed: int = 0
    written: int = 0
    words: int = 0


def run_batch(
    inputs: list[str],
    output: str,
    work: Work,
    label: str,
    jobs: int = 1,
    resume: bool = False,
    errors: str | None = None,
    progress: bool = True,
    date: dt.date | None = None,
    data_path: Path | None = None,
) -> int:
    """Run ``work`` on every input article, writing its JSON objects to ``output`` (or to
    ``data_path``, a staging file, when given; the ledger and errors are named after
    ``output`` either way); ``date`` is the publication date of articles that carry none.

    Returns 0 when every article was processed and nothing reported, 1 when the errors file
    has lines (articles skipped, fields lost, duplicate ids, articles not in English), 2 on a
    usage error or an output that cannot be written, 130 on Ctrl-C, 143 on SIGTERM (both
    resumable).
    """
    named = Path(output)
    out_path = data_path or named
    ledger = Ledger(named.with_name(named.name + ".progress"))
    recorded = ledger.read()[0].get("errors") if resume and not errors else None  # resume where the run wrote them
    err_path = Path(errors or recorded or named.with_name(named.name + ".errors.jsonl"))
    if clash := clobbered_input(inputs, [named, out_path, err_path, ledger.path]):
        return _refuse(f"refusing to write {clash[0]}: it is the input {clash[1]}")
    for path in (named, out_path, err_path):
        if path.is_dir():
            return _refuse(f"cannot write {path}: it is a folder")
        if (folder := _first_existing(path.parent)).exists() and not folder.is_dir():
            return _refuse(f"cannot write {path}: {folder} is not a folder")
    header = {"errors": str(err_path.resolve())}
    renamed: dict[str, str] = {}
    items = _unique_ids(read_inputs(inputs, date), renamed)
    done: list[dict[str, Any]] = []
    if resume:
        old_header, done = ledger.read()
        if old_header.get("errors", header["errors"]) != header["errors"]:
            return _refuse(f"cannot resume: the run wrote its errors to {old_header['errors']}; pass --errors {old_header['errors']}")
        held, problem = held_prefix(done, out_path, err_path)
        if problem:
            print(f"quotewise: {problem}: resuming after article {held} of the {len(done)} the ledger lists", file=sys.stderr)
            done = done[:held]
        for entry, item in zip(done, items):
            if item_id(item) != entry["id"]:
                return _refuse(f"cannot resume: input {entry['n']} is {item_id(item)!r}, the run had {entry['id']!r}")
    tally = Tally(
        processed=len(done),
        failed=sum(e["error"] for e in done),
        partial=sum(e.get("partial", 0) for e in done),
        renamed=sum(e.get("renamed", False) for e in done),
        written=sum(e["records"] for e in done),
    )
    last = done[-1] if done else {"out": 0, "err": 0}
    started = time.perf_counter()
    previous_term = signal.getsignal(signal.SIGTERM)
    in_main_thread = threading.current_thread() is threading.main_thread()
    if in_main_thread:
        signal.signal(signal.SIGTERM, _raise_stopped)
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        err_path.parent.mkdir(parents=True, exist_ok=True)
        ledger.rewrite(header, done)  # drops a torn last line and entries the files lost
        with (
            _open_at(out_path, last["out"]) as out,
            _open_at(err_path, last["err"]) as err,
            ledger.path.open("a", encoding="utf-8") as log,
        ):
            fsync_folder(out_path.parent)
            fsync_folder(err_path.parent)
            _write_all(outcomes(items, work, max(jobs, 1)), out, err, log, tally, renamed, label, progress)
    except Stopped:
        return _stopped("terminated", 143, tally, out_path)
    except KeyboardInterrupt:
        return _stopped("interrupted", 130, tally, out_path)
    except OSError as e:  # read-only, full disk, a folder in the way
        where = e.filename or out_path
        return _refuse(f"cannot write {where}: {e.strerror or e}" + ("; free space or fix it, then rerun with --resume" if tally.processed else ""))
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous_term)
    reported = err_path.exists() and err_path.stat().st_size > 0
    if err_path.exists() and not reported:
        err_path.unlink()
    _summary(tally, named, err_path, started)
    return 1 if reported else 0


def _write_all(
    results: Iterable[Outcome],
    out: BinaryIO,
    err: BinaryIO,
    log: Any,
    tally: Tally,
    renamed: dict[str, str],
    label: str,
    progress: bool,
) -> None:
    """Write each outcome, its errors and (once fsynced) its ledger entry."""
    on_terminal = sys.stderr.isatty()
    pending: list[str] = []
    started = last_sync = time.monotonic()

    def commit() -> None:
        # Data first, durably; only then the ledger lines that point into it.
        for f in (out, err):
            f.flush()
            os.fsync(f.fileno())
        log.write("".join(pending))
        log.flush()
        os.fsync(log.fileno())
        pending.clear()

    n = tally.processed
    try:
        with tqdm(desc=label, unit=" articles", initial=n, disable=not (progress and on_terminal), file=sys.stderr) as bar:
            for n, outcome in enumerate(results, start=n):
                notes = error_notes(outcome, renamed)
                out.write(outcome.data)
                err.write(b"".join(json_line(line) for line in notes))
                for line in notes:
                    _report(line)
                partial = len(outcome.failures)
                tally.failed += outcome.error is not None
                tally.partial += partial
                tally.renamed += outcome.doc_id in renamed
                entry = {"n": n, "id": outcome.doc_id, "records": outcome.records, "error": outcome.error is not None,
                         "partial": partial, "renamed": outcome.doc_id in renamed, "out": out.tell(), "err": err.tell()}  # fmt: skip
                pending.append(json.dumps(entry) + "\n")
                if time.monotonic() - last_sync >= SYNC_EVERY:
                    commit()
                    last_sync = time.monotonic()
                tally.written += outcome.records
                tally.words += outcome.words
                tally.processed += 1
                bar.update(1)
                rate = f"{tally.words / max(time.monotonic() - started, 1e-9):,.0f}"
                bar.set_postfix(words_per_s=rate, refresh=False)
                if progress and not on_terminal and tally.processed % LOG_EVERY == 0:  # no carriage returns in a log
                    print(f"quotewise: {tally.processed} articles, {tally.written} records, {rate} words/s", file=sys.stderr)
        commit()
    except BaseException:
        with contextlib.suppress(OSError):  # keep what is complete; a full disk may refuse even that
            commit()
        raise


def error_notes(outcome: Outcome, renamed: dict[str, str]) -> list[dict[str, Any]]:
    """The errors-file lines for one outcome."""
    notes = []
    if (e := outcome.error) is not None:
        notes.append({"doc_id": e.doc_id, "source": e.source, "reason": e.reason})
    if outcome.doc_id in renamed:
        notes.append({"doc_id": outcome.doc_id, "source": "<input>", "stage": "id",
                      "reason": f"duplicate id {renamed[outcome.doc_id]!r}: written as {outcome.doc_id!r}"})  # fmt: skip
    for stage, reason in outcome.failures:
        notes.append({"doc_id": outcome.doc_id, "source": "<pipeline>", "stage": stage, "reason": reason})
    return notes


def _report(note: dict[str, Any]) -> None:
    if "stage" not in note:
        message = f"skipped {note['doc_id']} ({note['source']}): {note['reason']}"
    elif note["stage"] in ("id", "language"):
        message = f"{note['doc_id']}: {note['reason']}"
    else:
        message = f"{note['doc_id']}: {note['stage']} failed ({note['reason']}); its records keep the rest"
    tqdm.write(f"quotewise: {message}".encode("utf-8", "backslashreplace").decode("utf-8"), file=sys.stderr)


def _first_existing(folder: Path) -> Path:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _refuse(message: str) -> int:
    print(f"quotewise: {message}", file=sys.stderr)
    return 2


def _stopped(what: str, code: int, tally: Tally, out_path: Path) -> int:
    print(f"quotewise: {what} after {tally.processed} articles ({tally.written} records in {out_path}); resume with --resume", file=sys.stderr)
    return code


def _summary(tally: Tally, out_path: Path, err_path: Path, started: float) -> None:
    reported = tally.failed or tally.partial or tally.renamed
    print(
        f"quotewise: {tally.processed - tally.failed} articles ok, {tally.failed} failed, {tally.written} records → {out_path}"
        + (f", {tally.partial} stage failures or warnings (records kept)" if tally.partial else "")
        + (f", {tally.renamed} duplicate ids renamed" if tally.renamed else "")
        + (f"; see {err_path}" if reported else "")
        + f" ({time.perf_counter() - started:.1f}s)",
        file=sys.stderr,
    )


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
    """``quotewise extract``: records for every input article into ``output``, JSONL or, for a
    ``*.parquet`` output, typed Parquet (see :func:`run_batch` and this module's docstring)."""
    from pipeline.attribution.registry import available

    if model not in available():
        return _refuse(f"unknown model {model!r}; available: {', '.join(available())}")
    out_path = Path(output)
    parquet = out_path.suffix.lower() == ".parquet"
    stage_path = out_path.with_name(out_path.name + ".partial.jsonl") if parquet else None
    code = run_batch(inputs, output, ExtractStep(model), f"extract ({model})", jobs, resume, errors, progress, date, stage_path)
    if stage_path is not None and code in (0, 1):  # every article done: convert, then drop the staging
        from pipeline.io.parquet import parquet_from_jsonl

        parquet_from_jsonl(stage_path, out_path)
        stage_path.unlink()
        out_path.with_name(out_path.name + ".progress").unlink()
    return code


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
        for outcome in outcomes(read_dataset(dataset), ExtractStep(model), jobs=1):
            for note in error_notes(outcome, {}):
                _report(note)
            if outcome.error is not None and errors is not None:
                errors.append(outcome.error)
            yield from map(json.loads, outcome.data.decode("utf-8").splitlines())

    features = record_features()
    records = rows()
    first = next(records, None)
    if first is None:  # from_generator refuses to build an empty split
        return datasets.Dataset.from_dict({name: [] for name in features}, features=features)
    # A fresh fingerprint: the default one hashes this function, not the pipeline behind it.
    return datasets.Dataset.from_generator(
        lambda: itertools.chain([first], records), features=features, cache_dir=cache_dir, fingerprint=uuid.uuid4().hex
    )
