"""Fuzz ``extract``, ``times`` and ``numbers``: N generated articles, hostile but fair (random
Unicode, control characters, lone surrogates, huge numbers, dates at the ends of the
calendar, quotation marks, binary-ish bytes, empty), run through each command. Passes when no
command prints a traceback or exits other than 0 or 1, and every input line is accounted for:
processed (a ledger entry without error) or in the errors file with a reason.

    python tests/fuzz.py --count 2000          # make fuzz
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

COMMANDS = (["extract", "-m", "fast"], ["times"], ["numbers"])
WORDS = "the minister said that officials told reporters on Monday it would rise by percent million".split()
ODD_DATES = ["9999-12-31", "0001-01-01", "2024-02-29", "1970-01-01", "2038-01-19", "not a date", "", "99999-01-01"]
TIME_WORDS = ["tomorrow", "yesterday", "next year", "last week", "on Friday", "Dec. 31, 9999", "Jan. 1, 0001", "the 1990s"]


def article(rng: random.Random) -> str:
    """One generated text, of a kind drawn at random."""
    kind = rng.randrange(9)
    if kind == 0:
        return ""
    if kind == 1:  # any code point, surrogates and controls included
        return "".join(chr(rng.randrange(0x110000)) for _ in range(rng.randrange(1, 300)))
    if kind == 2:  # control characters in prose
        return " ".join(rng.choice(WORDS) + rng.choice(["", "\x01", "\x1b", "\x7f", "\u2028", "\x0c"]) for _ in range(60))
    if kind == 3:  # huge numbers
        return f"Officials said {rng.choice(['$', '', 'about '])}{'9' * rng.randrange(20, 6000)} people crossed, up {'1' * rng.randrange(1, 40)}%."
    if kind == 4:  # time words, resolved against odd dates
        return " ".join(rng.choice(TIME_WORDS + WORDS) for _ in range(40)) + "."
    if kind == 5:  # quotes, open and nested
        marks = ['"', "“", "”", "«", "»", "''", "``", "'"]
        return " ".join(rng.choice(marks) + rng.choice(WORDS) for _ in range(80))
    if kind == 6:  # binary-ish: bytes read as Latin-1
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))).decode("latin-1")
    if kind == 7:  # a lone surrogate in good prose
        return "The minister said on Monday it would rain. " * 3 + chr(rng.randrange(0xD800, 0xE000))
    return "\n".join(" ".join(rng.choice(WORDS) for _ in range(rng.randrange(0, 30))) for _ in range(rng.randrange(1, 8)))


def write_inputs(path: Path, count: int, seed: int) -> list[str]:
    """The generated JSONL (some lines malformed on purpose) and the ids a run must account for."""
    rng = random.Random(seed)
    ids = []
    with path.open("wb") as f:
        for i in range(count):
            row = {"id": f"f{i}", "text": article(rng), "date": rng.choice(ODD_DATES)}
            line = json.dumps(row).encode()  # ASCII: surrogates travel as \ud800 escapes
            if rng.random() < 0.03:
                line = line[: rng.randrange(len(line))]  # cut short
            elif rng.random() < 0.03:
                line = line.replace(b'"f', b'"\xe9f', 1)  # a Latin-1 byte in the id
            f.write(line + b"\n")
            ids.append(f"f{i}")
    return ids


def check(command: list[str], inputs: Path, count: int, folder: Path) -> list[str]:
    """Run one command; the problems found (empty when it passed)."""
    out = folder / f"{command[0]}.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *command, str(inputs), "-o", str(out), "--no-progress"],
        capture_output=True, text=True, errors="replace",
    )  # fmt: skip
    problems = []
    if done.returncode not in (0, 1):
        problems.append(f"{command[0]}: exit {done.returncode}")
    if "Traceback" in done.stderr:
        problems.append(f"{command[0]}: traceback\n{done.stderr[-3000:]}")
    ledger = [json.loads(line) for line in out.with_name(out.name + ".progress").read_text().splitlines()]
    entries = [e for e in ledger if "n" in e]
    errors_path = out.with_name(out.name + ".errors.jsonl")
    errors = [json.loads(line) for line in errors_path.read_text().splitlines()] if errors_path.exists() else []
    explained = {e["doc_id"] for e in errors if e.get("reason")}
    if len(entries) != count:
        problems.append(f"{command[0]}: {len(entries)} of {count} inputs in the ledger")
    unexplained = [e["id"] for e in entries if e["error"] and e["id"] not in explained]
    if unexplained:
        problems.append(f"{command[0]}: failed without a reason in the errors file: {unexplained[:5]}")
    records = sum(1 for _ in out.open(encoding="utf-8")) if out.exists() else 0
    if records != sum(e["records"] for e in entries):
        problems.append(f"{command[0]}: {records} lines written, the ledger counts {sum(e['records'] for e in entries)}")
    return problems


def run(count: int, seed: int, folder: Path) -> list[str]:
    inputs = folder / "fuzz.jsonl"
    write_inputs(inputs, count, seed)
    return [problem for command in COMMANDS for problem in check(command, inputs, count, folder)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        problems = run(args.count, args.seed, Path(tmp))
    print("\n".join(problems) or f"fuzz: {args.count} articles through extract, times and numbers: nothing lost, no traceback")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
