"""``quotewise summary``: who said what in each article, from a records JSONL, for a terminal.

Reads only the keys it knows and treats every one as optional beyond ``content``, so it also
shows bare contract records (no speaker, kind, quantities or dates) and null sources or cues.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from typing import Any

WIDTH = 100
CONTENT_LINES = 4  # longer contents are cut with an ellipsis: enough to recognise the claim
INDENT = " " * 6


def speaker_label(record: dict[str, Any]) -> str:
    """The best name the record has for its speaker, with their role and the mention used."""
    speaker = record.get("speaker") or {}
    mention = (record.get("source") or {}).get("text")
    name = speaker.get("name") or speaker.get("mention") or mention or "(no source)"
    role = speaker.get("role")
    if role and role.lower() not in name.lower():
        name = f"{name}, {role}"
    if mention and mention.lower() not in name.lower():
        name = f'{name} ("{mention}")'  # a resolved pronoun or short form: show what the text says
    return name


def _number(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def figures(record: dict[str, Any]) -> list[str]:
    """One line per quantity and date in the content, as text → normalised value."""
    out = []
    for q in record.get("quantities") or []:
        value = ("~" if q.get("approximate") else "") + _number(q.get("value"))
        if q.get("low") is not None or q.get("high") is not None:
            value += f" [{_number(q.get('low'))}, {_number(q.get('high'))}]"
        unit = f" {q['unit']}" if q.get("unit") else ""
        out.append(f"“{q.get('text')}” → {value}{unit} ({q.get('kind') or 'quantity'})")
    for d in record.get("dates") or []:
        out.append(f"“{d.get('text')}” → {d.get('value') or '?'} ({d.get('type') or 'time'})")
    return out


def format_record(record: dict[str, Any], number: int) -> str:
    """``number.`` speaker · cue · kind on one line, then the content, shortened, and its figures."""
    cue = (record.get("cue") or {}).get("text") or "(no cue)"
    head = f"{number:>3}. " + " · ".join(filter(None, [speaker_label(record), cue, record.get("kind")]))
    content = " ".join(((record.get("content") or {}).get("text") or "").split())
    body = textwrap.fill(
        content, WIDTH, initial_indent=INDENT, subsequent_indent=INDENT, max_lines=CONTENT_LINES, placeholder=" …"
    )
    return "\n".join([head, body, *(f"{INDENT}· {line}" for line in figures(record))])


def read_records(path: str) -> dict[str, list[dict[str, Any]]]:
    """Records grouped by doc id, in the order articles first appear; ``ValueError`` names the line."""
    by_doc: dict[str, list[dict[str, Any]]] = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}:{lineno}: not a JSON line ({e.msg} at column {e.colno})") from None
            if not isinstance(record, dict):
                raise ValueError(f"{path}:{lineno}: not a JSON object")
            by_doc.setdefault(str(record.get("doc_id", "(no doc_id)")), []).append(record)
    return by_doc


def print_summary(records_path: str) -> int:
    """Print each article's attributions under its id; 0 on success, 2 if the file is unreadable."""
    try:
        by_doc = read_records(records_path)
    except (OSError, ValueError) as e:  # UnicodeDecodeError is a ValueError
        print(f"quotewise: cannot read {records_path}: {e}", file=sys.stderr)
        return 2
    try:
        for doc_id, records in by_doc.items():
            print(f"\n{doc_id} — {len(records)} attribution{'s' * (len(records) != 1)}")
            for number, record in enumerate(records, start=1):
                print(format_record(record, number))
    except BrokenPipeError:
        # The reader quit early (``| head``, ``| less``): not an error. Point stdout at devnull so
        # Python's flush at exit does not raise again (the recipe in the ``signal`` docs).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
