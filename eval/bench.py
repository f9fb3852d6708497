"""Benchmark ``quotewise extract`` end to end: words/s and peak memory, 1 and 2 processes.

Each run is a fresh ``quotewise extract`` subprocess (so model loading counts, as it does for
a user), timed by wall clock. Peak memory is the largest total resident set size of the
process tree, sampled from /proc every 50 ms (Linux). Words are whitespace-separated tokens
of the input texts.

    python eval/bench.py --texts ../shared/polnear/dev/text --out eval/bench [--models fast default]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tqdm import tqdm

SAMPLE_EVERY = 0.05


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


def run_once(texts: Path, model: str, jobs: int) -> dict:
    """One timed extract run; returns seconds, peak RSS and records written."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "records.jsonl"
        cmd = [sys.executable, "-m", "pipeline.cli", "extract", str(texts), "-o", str(out), "-m", model, "-j", str(jobs), "--no-progress"]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _tree_rss_bytes(proc.pid))
            time.sleep(SAMPLE_EVERY)
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr.read()}")
        records = sum(1 for _ in out.open(encoding="utf-8"))
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(peak / 2**20, 1), "records": records}


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    import torch

    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


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
        "| model | processes | seconds | words/s | peak memory (MB) | records |",
        "|---|---|---|---|---|---|",
    ]
    for r in results["runs"]:
        lines.append(f"| {r['model']} | {r['jobs']} | {r['seconds']} | {r['words_per_s']:,} | {r['peak_rss_mb']} | {r['records']} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", required=True, type=Path, help="folder of .txt articles")
    parser.add_argument("--out", required=True, type=Path, help="folder for results.json and results.md")
    parser.add_argument("--models", nargs="+", help="default: every registered model")
    parser.add_argument("--jobs", nargs="+", type=int, default=[1, 2])
    args = parser.parse_args()

    from pipeline.attribution.registry import available

    models = args.models or available()
    files = sorted(args.texts.glob("*.txt"))
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in files)
    runs = []
    plan = [(m, j) for m in models for j in args.jobs]
    for model, jobs in tqdm(plan, desc="bench", unit=" runs"):
        r = run_once(args.texts, model, jobs)
        runs.append({"model": model, "jobs": jobs, **r, "words_per_s": round(words / r["seconds"])})
        tqdm.write(f"{model} -j {jobs}: {runs[-1]['words_per_s']:,} words/s, peak {r['peak_rss_mb']} MB")
    results = {"texts": str(args.texts), "articles": len(files), "words": words, "machine": machine(), "runs": runs}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    (args.out / "results.md").write_text(markdown(results))
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
