"""How a change to speaker resolution changed the records: two ``quotewise extract`` runs of the
same articles (before and after), compared record by record on the speaker's name and role.

    python eval/speaker_changes.py out/dev-before.jsonl out/dev-after.jsonl

Prints the counts, then each distinct change (name and role before => after) with how many
records made it, most frequent first, to be read by eye: roles have no gold.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any


def speakers(path: Path) -> dict[str, dict[str, Any]]:
    """Record id -> its ``speaker`` object (empty when it has none)."""
    with open(path, encoding="utf-8") as f:
        return {row["id"]: row.get("speaker") or {} for row in map(json.loads, filter(str.strip, f))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    before, after = speakers(args.before), speakers(args.after)
    shared = [k for k in before if k in after]
    if len(shared) != len(before) or len(shared) != len(after):
        print(f"speaker_changes: the runs share {len(shared)} record ids of {len(before)} / {len(after)}", file=sys.stderr)
    changes = Counter(
        (before[k].get("name"), before[k].get("role"), after[k].get("name"), after[k].get("role"))
        for k in shared
        if (before[k].get("name"), before[k].get("role")) != (after[k].get("name"), after[k].get("role"))
    )
    print(f"{len(shared)} records; name changed {sum(before[k].get('name') != after[k].get('name') for k in shared)}, "
          f"role changed {sum(before[k].get('role') != after[k].get('role') for k in shared)}; "
          f"with a role {sum(bool(before[k].get('role')) for k in shared)} -> {sum(bool(after[k].get('role')) for k in shared)}; "
          f"{len(changes)} distinct changes")  # fmt: skip
    for (name, role, new_name, new_role), n in changes.most_common():
        print(f"{n:4d}  {name} | {role} => {new_name} | {new_role}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
