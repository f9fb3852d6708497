"""Benchmark ``quotewise extract`` end to end: words/s, words per CPU-second and peak memory,
1 and 2 processes, with textacy's direct-quotation extraction timed the same way beside it.

Each run is a fresh subprocess (so model loading counts, as it does for a user), timed by
wall clock; CPU seconds are the user + system time of the whole process tree. Peak memory is
the largest total resident set size of the tree, sampled from /proc every 50 ms (Linux).
Words are whitespace-separated tokens of the input texts. The 1-minute load average is
recorded before each run: a busy machine makes every figure worse. With ``--repeat N`` every
run is made N times, in N rounds over all the runs (so that a slower spell of a shared machine
falls on all of them alike), and the run with the median wall time is reported, with the range.

    python eval/bench.py --texts ../shared/polnear/dev/text --out eval/bench [--models fast default] [--repeat 3]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.util
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tqdm import tqdm

SAMPLE_EVERY = 0.05
TEXTACY = "textacy"  # the baseline's name among the models


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


def _tree_rss_bytes(root: int) -> int:
    """Resident memory of a process and all its descendants."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(_children(pid))
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
    return total


def command(texts: Path, model: str, jobs: int, out: Path) -> list[str]:
    """The command line a run times: ``quotewise extract``, or textacy's quotes (one process).
    A model named ``NAME@COMMIT`` is extract's ``NAME`` as that commit's code ran it."""
    if model == TEXTACY:
        return [sys.executable, str(Path(__file__).with_name("textacy_quotes.py")), str(texts), str(out)]
    name = model.split("@")[0]
    return [sys.executable, "-m", "pipeline.cli", "extract", str(texts), "-o", str(out), "-m", name, "-j", str(jobs), "--no-progress"]


@contextlib.contextmanager
def worktree(commit: str) -> Iterator[Path]:
    """A checkout of ``commit`` beside this one (``git worktree``), for the length of a run."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / commit
        subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(folder), commit], check=True)
        try:
            yield folder
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(folder)], check=True)


def watch(cmd: list[str], ok: tuple[int, ...] = (0,), env: dict[str, str] | None = None, cwd: Path | None = None) -> dict:
    """Run ``cmd`` (in ``env`` and folder ``cwd``: ``python -m`` imports from there first) to its
    end: wall seconds, CPU seconds and peak resident memory of its process tree, and the
    1-minute load average before it. Raises when it exits with a code not in ``ok``."""
    load = os.getloadavg()[0]
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_bytes(proc.pid))
        time.sleep(SAMPLE_EVERY)
    seconds = time.perf_counter() - start
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    stderr = proc.stderr.read() if proc.stderr else ""
    if proc.returncode not in ok:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr}")
    cpu = sum(getattr(cpu_after, f) - getattr(cpu_before, f) for f in ("ru_utime", "ru_stime"))
    return {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "peak_rss_mb": round(peak / 2**20, 1),
            "load_before": round(load, 2)}  # fmt: skip


def run_once(texts: Path, model: str, jobs: int, code: Path | None = None) -> dict:
    """One timed run (of the package in folder ``code``, when given); returns seconds, CPU
    seconds, peak RSS, load before and records written."""
    env = {**os.environ, "PYTHONPATH": str(code)} if code else None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "records.jsonl"
        run = watch(command(texts.resolve(), model, jobs, out), env=env, cwd=code)
        records = sum(1 for _ in out.open(encoding="utf-8"))
    return {**run, "records": records}


def machine() -> dict:
    """What every benchmark report records beside its timings."""
    import torch

    from pipeline.attribution.training import cpu_name

    return {
        "cores": os.cpu_count(),
        "cpu": cpu_name(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


def write_report(out: Path, stem: str, results: dict, text: str) -> None:
    """``OUT/STEM.json`` and ``OUT/STEM.md`` (also printed): every benchmark's two files."""
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{stem}.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    (out / f"{stem}.md").write_text(text, encoding="utf-8")
    print(text)


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        "# `quotewise extract` benchmark",
        "",
        f"{results['articles']} articles, {results['words']:,} words from `{results['texts']}`; "
        f"{m['cores']} cores ({m['cpu']}), Python {m['python']}, torch {m['torch']}, {m['date']}.",
        "Wall clock of a fresh process (model loading included); peak = largest resident memory of the process tree.",
        "Reproduce: `make bench`.",
        "",
        f"Each run made {results['repeat']} times in rounds; shown: the run of median wall time, and the range of words/s.",
        "",
        "| model | processes | seconds | words/s | words/s range | CPU seconds | words per CPU-second | peak memory (MB) | records | load average before |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results["runs"]:
        low, high = r["words_per_s_range"]
        lines.append(
            f"| {r['model']} | {r['jobs']} | {r['seconds']} | {r['words_per_s']:,} | {low:,}–{high:,} | {r['cpu_seconds']} | "
            f"{r['words_per_cpu_s']:,} | {r['peak_rss_mb']} | {r['records']} | {r['load_before']} |"
        )
    lines += ["", "Ratios in the same run:", ""] + [f"- {k}: {v}" for k, v in results["ratios"].items()]
    return "\n".join(lines) + "\n"


def timed(texts: Path, model: str, jobs: int, words: int, code: Path | None) -> dict:
    """One run with its rates."""
    r = run_once(texts, model, jobs, code)
    return {**r, "words_per_s": round(words / r["seconds"]), "words_per_cpu_s": round(words / r["cpu_seconds"])}


def median_run(repeats: list[dict]) -> dict:
    """The repeat of median wall time (the slower middle one of an even count), with the
    range of words/s over all repeats."""
    middle = sorted(repeats, key=lambda r: r["seconds"])[len(repeats) // 2]
    rates = [r["words_per_s"] for r in repeats]
    return {**middle, "words_per_s_range": [min(rates), max(rates)]}


def ratios(runs: list[dict]) -> dict[str, float]:
    """fast against textacy, and each model's two processes against one."""
    by = {(r["model"], r["jobs"]): r for r in runs}
    out = {}
    for (model, jobs), r in by.items():
        if jobs == 1 and ("fast", 1) in by and (model == TEXTACY or model.startswith("fast@")):
            for key in ("words_per_s", "words_per_cpu_s"):
                out[f"fast / {model}, {key}"] = round(by[("fast", 1)][key] / r[key], 2)
    for (model, jobs), r in by.items():
        if jobs == 2 and (model, 1) in by:
            out[f"{model}: -j 2 / -j 1, words_per_s"] = round(r["words_per_s"] / by[(model, 1)]["words_per_s"], 2)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", required=True, type=Path, help="folder of .txt articles")
    parser.add_argument("--out", required=True, type=Path, help="folder for results.json and results.md")
    parser.add_argument("--models", nargs="+", help="default: every registered model")
    parser.add_argument("--jobs", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--repeat", type=int, default=1, help="make each run N times, report the median")
    parser.add_argument("--before", metavar="COMMIT", help="also time fast -j 1 as the code of COMMIT ran it")
    args = parser.parse_args()

    if args.models:
        models = args.models
    else:
        from pipeline.attribution.registry import available

        models = available()
    if importlib.util.find_spec("textacy") is None:
        print("bench: textacy is not installed (pip install -e '.[bench]'): no baseline run", file=sys.stderr)
    else:
        models = [TEXTACY, *models]
    files = sorted(args.texts.glob("*.txt"))
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in files)
    plan = [(m, j) for m in models for j in ([1] if m == TEXTACY else args.jobs)]
    if args.before and subprocess.run(["git", "cat-file", "-e", f"{args.before}^{{commit}}"], capture_output=True).returncode:
        print(f"bench: commit {args.before} is not in this clone (a shallow one?): no run before it", file=sys.stderr)
        args.before = None
    before = f"fast@{args.before}" if args.before else None
    if before:
        plan.insert(0, (before, 1))
    made: dict[tuple[str, int], list[dict]] = {key: [] for key in plan}
    with worktree(args.before) if args.before else contextlib.nullcontext() as old_code:
        for model, jobs in tqdm(plan * args.repeat, desc="bench", unit=" runs"):
            made[(model, jobs)].append(timed(args.texts, model, jobs, words, old_code if model == before else None))
            tqdm.write(f"{model} -j {jobs}: {made[(model, jobs)][-1]['words_per_s']:,} words/s")
    runs = [{"model": model, "jobs": jobs, **median_run(made[(model, jobs)])} for model, jobs in plan]
    results = {"texts": str(args.texts), "articles": len(files), "words": words, "machine": machine(),
               "repeat": args.repeat, "runs": runs, "ratios": ratios(runs)}  # fmt: skip
    write_report(args.out, "results", results, markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
