"""How extract time grows with an article's length: 100k, 200k, 400k and 800k characters.

The long articles are PolNeAR dev texts joined by blank lines (repeated as needed) and cut at
a line break just under each size. Each is annotated once in one warm process (model loaded,
one short article run first), so only the article's own work is timed: CPU seconds of this
process (what the pipeline does; less disturbed by other load on a shared machine than the
wall clock, also reported). Doubling the length should cost at most 2.5x.

    python eval/bench_length.py --texts ../shared/polnear/dev/text --out eval/bench [--models fast default]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import machine, write_report  # noqa: E402  (one copy of the helpers)

SIZES = (100_000, 200_000, 400_000, 800_000)
MAX_RATIO = 2.5


def long_text(texts: Path, size: int) -> str:
    """Dev texts joined by blank lines, repeated until ``size``, cut at the last line break before it."""
    parts = [p.read_text(encoding="utf-8") for p in sorted(texts.glob("*.txt"))]
    joined = "\n\n".join(parts)
    while len(joined) < size:
        joined += "\n\n" + joined
    return joined[: joined.rfind("\n", 0, size)]


def measure(model: str, texts: Path) -> list[dict]:
    from pipeline.annotate import annotate
    from pipeline.schema import Article

    annotate(Article("warm-up", "The minister said on Monday that 9,000 people had crossed."), model)
    rows = []
    for size in SIZES:
        text = long_text(texts, size)
        load = os.getloadavg()[0]
        cpu, wall = time.process_time(), time.perf_counter()
        records = annotate(Article(f"long-{size}", text), model)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        rows.append({"chars": len(text), "records": len(records), "cpu_s": round(cpu, 2), "wall_s": round(wall, 2), "load_1min": round(load, 2)})
        print(f"{model} {len(text):>8,} chars: {cpu:7.2f} s CPU, {wall:7.2f} s wall, {len(records)} records", flush=True)
    for previous, row in zip(rows, rows[1:]):
        row["ratio_to_half"] = round(row["cpu_s"] / max(previous["cpu_s"], 1e-9), 2)
    return rows


def markdown(report: dict) -> str:
    lines = [
        "# Extract time by article length",
        "",
        f"`python eval/bench_length.py --texts ../shared/polnear/dev/text --out eval/bench --models {' '.join(report['models'])}`, "
        f"{report['machine']['date']}; CPU: {report['machine']['cpu']}; load average (1 min) at start: {report['load_at_start']}.",
        "",
        "CPU seconds of one warm process annotating one article (records with speakers, dates, quantities); "
        f"ratio: to the article half as long (at most {MAX_RATIO}).",
        "",
        "| model | characters | records | CPU s | wall s | ratio | load (1 min) |",
        "|---|---|---|---|---|---|---|",
    ]
    for model, rows in report["results"].items():
        for r in rows:
            lines.append(f"| {model} | {r['chars']:,} | {r['records']:,} | {r['cpu_s']:.2f} | {r['wall_s']:.2f} | {r.get('ratio_to_half', '–')} | {r['load_1min']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=Path, required=True, help="folder of .txt articles to join")
    parser.add_argument("--out", type=Path, default=Path("eval/bench"))
    parser.add_argument("--models", nargs="+", default=["fast"])
    args = parser.parse_args()
    report = {
        "machine": machine(),
        "load_at_start": round(os.getloadavg()[0], 2),
        "models": args.models,
        "results": {model: measure(model, args.texts) for model in args.models},
    }
    write_report(args.out, "length", report, markdown(report))


if __name__ == "__main__":
    main()
