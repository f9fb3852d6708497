"""``quotewise summary``: a readable who-said-what from a records JSONL."""

from __future__ import annotations

import json
import sys
import textwrap
from itertools import groupby
from typing import Any

WIDTH = 100


def speaker_label(record: dict[str, Any]) -> str:
    """The best name the record has for its speaker, with their role."""
    speaker = record.get("speaker") or {}
    source = record.get("source") or {}
    name = speaker.get("name") or speaker.get("mention") or source.get("text") or "(no source)"
    role = speaker.get("role")
    if role and role.lower() not in name.lower():
        name = f"{name} ({role})"
    mention = source.get("text")
    if mention and mention != name and mention.lower() not in name.lower():
        name = f'{name} ← "{mention}"'
    return name


def _figures(record: dict[str, Any]) -> list[str]:
    out = []
    for q in record.get("quantities") or []:
        bounds = "" if q.get("low") is None and q.get("high") is None else f" [{q.get('low')}, {q.get('high')}]"
        approx = "~" if q.get("approximate") else ""
        out.append(f'{q["text"]!r} = {approx}{q.get("value")}{bounds} {q.get("unit") or ""}'.rstrip())
    for d in record.get("dates") or []:
        out.append(f'{d["text"]!r} = {d.get("type")} {d.get("value")}')
    return out


def format_record(record: dict[str, Any]) -> str:
    cue = (record.get("cue") or {}).get("text") or "—"
    head = f"  {speaker_label(record)} · {cue} · {record.get('kind') or '?'}"
    body = textwrap.fill(
        (record.get("content") or {}).get("text", ""), WIDTH, initial_indent="      ", subsequent_indent="      ",
        max_lines=4, placeholder=" …",
    )  # fmt: skip
    figures = [f"      · {f}" for f in _figures(record)]
    return "\n".join([head, body, *figures])


def print_summary(records_path: str) -> int:
    """Print each article's attributions grouped under its id; 0 on success, 2 if unreadable."""
    try:
        with open(records_path, encoding="utf-8") as f:
            records = [json.loads(line) for line in f if line.strip()]
    except (OSError, json.JSONDecodeError) as e:
        print(f"quotewise: cannot read {records_path}: {e}", file=sys.stderr)
        return 2
    for doc_id, group in groupby(records, key=lambda r: r["doc_id"]):
        items = list(group)
        print(f"\n{doc_id} — {len(items)} attributions")
        for record in items:
            print(format_record(record))
    return 0
