"""Benchmark ``quotewise index``: wall time and peak memory for a 100,000-record archive.

The archive is synthesised from real records: ``quotewise extract --model fast`` of the given
texts (run once, timed, and kept beside ``--records``), replicated under new doc ids until it
holds ``--n`` records; every copy after the first has each content perturbed (a word dropped or
repeated, quotation marks changed, a digit changed), as another outlet's report of the same
story would be. The index is a fresh ``quotewise index`` subprocess (model loading included), its
peak the largest resident memory of the process tree. Extraction time for the same number of
records is extrapolated from the measured extraction of the real ones.

    python eval/bench_index.py --texts ../shared/polnear/train/text ../shared/polnear/dev/text \\
        --records runs/bench-index/polnear-fast.jsonl --out eval/bench
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import machine, watch, write_report  # noqa: E402  (one copy of the helpers)

SEED = 13


def extracted(texts: list[Path], records: Path) -> dict:
    """The real records (extracted once with ``fast``, 2 processes) and how long that took."""
    timing = records.with_suffix(".timing.json")
    if records.exists() and timing.exists():
        return json.loads(timing.read_text())
    records.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pipeline.cli", "extract", *map(str, texts), "-o", str(records), "-m", "fast", "-j", "2", "--no-progress"]
    run = watch(cmd, ok=(0, 1))
    run |= {"model": "fast", "jobs": 2, "records": sum(1 for _ in records.open(encoding="utf-8"))}
    run["articles"] = sum(len(list(t.glob("*.txt"))) for t in texts)
    timing.write_text(json.dumps(run, indent=1) + "\n")
    return run


def perturb(text: str, rng: random.Random) -> str:
    """Another outlet's wording of a content: one small change."""
    words = text.split(" ")
    choice = rng.randrange(4)
    if choice == 0 and len(words) > 3:
        del words[rng.randrange(len(words))]
    elif choice == 1:
        i = rng.randrange(len(words))
        words.insert(i, words[i])
    elif choice == 2:
        return text.replace("“", '"').replace("”", '"') if "“" in text else text.replace('"', "“", 1)
    elif re.search(r"\d", text):
        return re.sub(r"\d", lambda m: str((int(m.group()) + 1) % 10), text, count=1)
    return " ".join(words)


def synthesise(records: Path, n: int, out: Path) -> dict:
    """Write ``n`` records: the real ones, then perturbed copies under new doc ids."""
    real = [json.loads(line) for line in records.open(encoding="utf-8") if line.strip()]
    rng = random.Random(SEED)
    docs = set()
    with out.open("w", encoding="utf-8") as f:
        for i in range(n):
            row = dict(real[i % len(real)])
            copy = i // len(real)
            if copy:
                row["doc_id"] = f"{row['doc_id']}~{copy}"
                row["id"] = f"{row['doc_id']}:{row['id'].rsplit(':', 1)[1]}"
                row["content"] = {**row["content"], "text": perturb(row["content"]["text"], rng)}
            docs.add(row["doc_id"])
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return {"real_records": len(real), "records": n, "articles": len(docs), "copies": -(-n // len(real))}


def lscpu() -> dict:
    """CPU model and the flags that decide torch's speed, from ``lscpu``."""
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
    flags = fields.get("Flags", "").split()
    return {
        "model": fields.get("Model name", "?").strip(),
        "cpus": fields.get("CPU(s)", "?").strip(),
        "flags": [f for f in ("avx2", "avx512f", "avx512_bf16", "amx_bf16") if f in flags],
    }


def counts(index: Path) -> dict:
    def rows(name: str) -> list[dict]:
        return [json.loads(line) for line in (index / name).open(encoding="utf-8")]

    claims = rows("claims.jsonl")
    return {
        "speakers": len(rows("speakers.jsonl")),
        "claims": len(claims),
        "claims_in_several_articles": sum(1 for c in claims if len({m["doc_id"] for m in c["members"]}) > 1),
        "figure_groups": len(rows("figures.jsonl")),
    }


def markdown(r: dict) -> str:
    m, cpu, x, ix = r["machine"], r["lscpu"], r["extraction"], r["index"]
    per_record = x["seconds"] / x["records"]
    return "\n".join(
        [
            "# `quotewise index` benchmark",
            "",
            f"{r['archive']['records']:,} records in {r['archive']['articles']:,} articles, synthesised from "
            f"{r['archive']['real_records']:,} real records (`extract --model fast` of {x['articles']} PolNeAR train + dev "
            f"articles) in {r['archive']['copies']} copies, all but the first perturbed. "
            f"CPU: {cpu.get('model', m['cpu'])} ({cpu.get('cpus', m['cores'])} CPUs, {' '.join(cpu.get('flags', []))}); "
            f"load average {r['load_before']} before, {r['load_after']} after (shared machine); {m['date']}. Reproduce: `make bench`.",
            "",
            "| step | records | seconds | records/s | peak memory (MB) |",
            "|---|---:|---:|---:|---:|",
            f"| `extract --model fast -j 2` (measured, real records) | {x['records']:,} | {x['seconds']} | {x['records'] / x['seconds']:,.0f} | {x['peak_rss_mb']} |",
            f"| `extract --model fast -j 2` (extrapolated to the archive) | {r['archive']['records']:,} | {per_record * r['archive']['records']:,.0f} | | |",
            f"| `index` (measured, 1 process) | {r['archive']['records']:,} | {ix['seconds']} | {r['archive']['records'] / ix['seconds']:,.0f} | {ix['peak_rss_mb']} |",
            "",
            f"Index output: {ix['speakers']:,} speakers, {ix['claims']:,} claims ({ix['claims_in_several_articles']:,} in several "
            f"articles), {ix['figure_groups']:,} figure groups (records only: no `--articles`, so figures come from the contents).",
            "",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", nargs="+", required=True, type=Path, help="folders of .txt articles to extract the real records from")
    parser.add_argument("--records", required=True, type=Path, help="where the real records are (extracted once when absent)")
    parser.add_argument("--n", type=int, default=100_000, help="records in the synthetic archive")
    parser.add_argument("--out", required=True, type=Path, help="folder for index.json and index.md")
    args = parser.parse_args()

    extraction = extracted(args.texts, args.records)
    load_before = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory() as tmp:
        archive = synthesise(args.records, args.n, Path(tmp) / "archive.jsonl")
        run = watch([sys.executable, "-m", "pipeline.cli", "index", str(Path(tmp) / "archive.jsonl"), "-o", f"{tmp}/index", "-q"], ok=(0, 1))
        run |= counts(Path(tmp) / "index")
    results = {
        "machine": machine(),
        "lscpu": lscpu(),
        "load_before": load_before,
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "extraction": extraction,
        "archive": archive,
        "index": run,
    }
    write_report(args.out, "index", results, markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
