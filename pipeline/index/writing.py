"""Write the index files and print a short summary of them for a terminal."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Any

FILES = ("speakers.jsonl", "claims.jsonl", "figures.jsonl")
ERRORS = "errors.jsonl"
SHOWN = 12  # cross-article claims listed in the summary
WIDTH = 100


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    """Write one JSON object a line; the number written."""
    n = 0
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


def _short(text: str, width: int = WIDTH - 8) -> str:
    return textwrap.shorten(" ".join(text.split()), width, placeholder=" …")


def summary(speakers: list[dict[str, Any]], claims: list[dict[str, Any]], figures: list[dict[str, Any]]) -> str:
    """Counts, then the claims reported by more than one article with how each worded and credited
    them, then the figure groups."""
    shared = [c for c in claims if len({m["doc_id"] for m in c["members"]}) > 1]
    names = {s["speaker_id"]: s["name"] or (s["mentions"] or ["?"])[0] for s in speakers}
    lines = [
        f"{len(speakers)} speakers, {len(claims)} claims ({len(shared)} in several articles), {len(figures)} figure groups"
    ]
    for claim in shared[:SHOWN]:
        differs = claim["differences"]
        notes = ["wording differs" if differs["wording"] else "same wording"]
        if len(differs["credited"]) > 1:
            notes.append("credited as " + " / ".join(f"“{c}”" for c in differs["credited"]))
        lines.append(f"\n{claim['claim_id']} · {names.get(claim['speaker_id'], '(no speaker)')} · {'; '.join(notes)}")
        for m in claim["members"]:
            lines.append(f"    {m['doc_id']}: {_short(m['text'])}")
    if len(shared) > SHOWN:
        lines.append(f"\n… {len(shared) - SHOWN} more in claims.jsonl")
    for group in figures:
        values = " vs ".join(f"“{m['text']}” ({m['doc_id']})" for m in group["members"])
        lines.append(f"\n{group['figure_id']} · {group['measure']} · {group['relation']}: {values}")
    return "\n".join(lines)
