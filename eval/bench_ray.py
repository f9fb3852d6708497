"""Benchmark ``extract --engine ray`` against ``extract -j 2``: same input, same machine.

The input is one JSONL of 2,000 articles built from the PolNeAR train and dev texts (cycled,
each copy with its own id). Each run is a fresh process timed by wall clock, start-up
included, as a user sees it: ``quotewise extract -j 2`` and ``quotewise extract --engine ray
-j 2`` (a local Ray with 2 CPUs, one actor each). Ray's fixed cost is measured apart, on a
one-article input. The records must be identical byte for byte. Peak memory is the largest
resident set of the process tree (the local Ray's processes are the driver's descendants).
The load average is recorded beside each run: on a shared machine it explains the timings.

    python eval/bench_ray.py --polnear ../shared/polnear --out eval/bench [--articles 2000]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import tempfile
from pathlib import Path

from bench import machine, watch, write_report  # eval/bench.py: one copy of the helpers


def build_corpus(polnear: Path, articles: int, path: Path) -> int:
    """Write ``articles`` PolNeAR train+dev texts to JSONL (cycled, ids made unique); words."""
    texts = sorted((polnear / "train" / "text").glob("*.txt")) + sorted((polnear / "dev" / "text").glob("*.txt"))
    words = 0
    with path.open("w", encoding="utf-8") as f:
        for n, source in zip(range(articles), itertools.cycle(texts)):
            text = source.read_text(encoding="utf-8")
            words += len(text.split())
            f.write(json.dumps({"id": f"{source.stem}.{n // len(texts)}", "text": text}) + "\n")
    return words


def timed(cmd: list[str]) -> dict:
    """Run ``cmd``; what :func:`bench.watch` measures, with the load averages before and after."""
    load_before = os.getloadavg()
    run = watch(cmd)
    return {**run, "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in os.getloadavg()]}


def extract(corpus: Path, out: Path, model: str, ray: bool) -> list[str]:
    cmd = [sys.executable, "-m", "pipeline.cli", "extract", str(corpus), "-m", model, "-j", "2", "--no-progress"]
    return cmd + (["-o", str(out), "--engine", "ray"] if ray else ["-o", str(out)])


def mean_load(run: dict) -> float:
    return (run["load_before"][0] + run["load_after"][0]) / 2


def markdown(r: dict) -> str:
    m = r["machine"]
    rows = [
        f"| {name} | {run['articles']:,} | {run['seconds']} | {run['words_per_s']:,} | {run['peak_rss_mb']} | "
        f"{' / '.join(map(str, run['load_before']))} → {' / '.join(map(str, run['load_after']))} |"
        for name, run in r["runs"].items()
    ]
    return "\n".join([
        "# `extract --engine ray` against `extract -j 2`",
        "",
        f"{r['articles']:,} articles ({r['words']:,} words) from PolNeAR train+dev, one JSONL, model `{r['model']}`; "
        f"{m['cores']} cores ({m['cpu']}), Python {m['python']}, torch {m['torch']}, {m['date']}.",
        "Wall clock of a fresh process, start-up included; peak = largest resident memory of the process tree "
        "(a local Ray's processes included). Load average (1 / 5 / 15 min) before → after each run: "
        "the machine is shared, so read the timings beside it.",
        "Reproduce: `make bench` (or `python eval/bench_ray.py --polnear ../shared/polnear --out eval/bench`).",
        "",
        "| run | articles | seconds | words/s | peak memory (MB) | load average |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
        f"- Records identical to `extract -j 2`, byte for byte: **{r['identical']}** ({r['records']:,} records).",
        f"- Ray's throughput: {r['ray_vs_extract']:.2f}× `extract -j 2`'s words/s on the same input; "
        f"its fixed cost (local Ray start, actors loading spaCy and the model, shutdown) over `extract -j 2` "
        f"on one article: {r['startup_overhead_s']:+.1f} s.",
        f"- Mean 1-minute load average over each 2,000-article run (before and after): `extract -j 2` "
        f"{mean_load(r['runs']['extract -j 2']):.1f}, Ray {mean_load(r['runs']['ray -j 2']):.1f}, on "
        f"{m['cores']} cores. Where they differ, the ratio above carries the difference in load as much as "
        "the engines': compare the two at equal load (an otherwise idle machine).",
        "",
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polnear", required=True, type=Path, help="PolNeAR folder with train/ and dev/")
    parser.add_argument("--out", required=True, type=Path, help="folder for ray.json and ray.md")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--model", default="fast")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus, one = work / "corpus.jsonl", work / "one.jsonl"
        words = build_corpus(args.polnear, args.articles, corpus)
        first = corpus.read_text(encoding="utf-8").splitlines(keepends=True)[0]
        one.write_text(first, encoding="utf-8")
        one_words = len(json.loads(first)["text"].split())
        runs = {}
        for name, source, ray in (("extract -j 2, one article", one, False), ("ray -j 2, one article", one, True),
                                  ("extract -j 2", corpus, False), ("ray -j 2", corpus, True)):  # fmt: skip
            out = work / name.replace(" ", "_").replace(",", "")
            runs[name] = {"articles": 1 if source == one else args.articles, "words": words if source == corpus else one_words,
                          **timed(extract(source, out, args.model, ray))}  # fmt: skip
            print(f"{name}: {runs[name]}", file=sys.stderr)
        expected = (work / "extract_-j_2").read_bytes()
        identical = (work / "ray_-j_2" / "corpus.jsonl").read_bytes() == expected
    for run in runs.values():
        run["words_per_s"] = round(run["words"] / run["seconds"])
    results = {
        "articles": args.articles,
        "words": words,
        "model": args.model,
        "machine": machine(),
        "runs": runs,
        "identical": identical,
        "records": expected.count(b"\n"),
        "ray_vs_extract": round(runs["extract -j 2"]["seconds"] / runs["ray -j 2"]["seconds"], 3),
        "startup_overhead_s": round(runs["ray -j 2, one article"]["seconds"] - runs["extract -j 2, one article"]["seconds"], 2),
    }
    write_report(args.out, "ray", results, markdown(results))
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
