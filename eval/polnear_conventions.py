"""Count how PolNeAR's annotators mark the span edges that ``pipeline/attribution/grouping.py``
follows: the figures its docstrings and the README quote.

    python eval/polnear_conventions.py ../shared/polnear/train ../shared/polnear/dev
"""

from __future__ import annotations

import argparse
import re
from collections import Counter

from pipeline.attribution.grouping import DATELINE
from pipeline.evaluation.polnear import load_gold
from pipeline.schema import RoleSpan

RELATIVE = re.compile(r",\s+(?:who|which)\b")


def role_text(text: str, role: RoleSpan | None) -> str:
    return "" if role is None or not role.spans else text[role.spans[0][0] : role.spans[-1][1]].rstrip()


def count(folder: str) -> Counter[str]:
    """Each convention's cases among the gold attributions of a PolNeAR split."""
    c: Counter[str] = Counter()
    for g in load_gold(folder):
        text = g.article.text
        for a in g.attributions:
            cue, content = role_text(text, a.cue), role_text(text, a.content)
            c["cues"] += bool(cue)
            c["cues that are a colon"] += cue == ":"
            c["contents"] += bool(content)
            c["contents ending with a bare . , : or ;"] += content[-1:] in (".", ",", ":", ";")
            source = role_text(text, a.source)
            if not source:
                continue
            start, end = a.source.spans[0][0], a.source.spans[0][0] + len(source)
            c["sources"] += 1
            inner = "," in source.removesuffix(",")
            kind = "with an inner comma" if inner else "without an inner comma"
            c[f"sources {kind}, ending with a comma"] += source.endswith(",")
            c[f"sources {kind}, followed by a comma they leave out"] += not source.endswith(",") and text[end : end + 1] == ","
            c["sources holding ', who' or ', which'"] += bool(RELATIVE.search(source))
            c["sources followed by ', who' or ', which'"] += bool(RELATIVE.match(text, end))
            line = text.rfind("\n", 0, start) + 1
            c["sources starting with a dateline"] += bool(DATELINE.match(source))
            dateline = DATELINE.match(text, line)
            c["sources starting right after a dateline"] += bool(dateline and dateline.end() == start)
    return c


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("splits", nargs="+", help="PolNeAR split folders (train, dev)")
    args = parser.parse_args(argv)
    for folder in args.splits:
        print(f"## {folder}")
        for name, n in count(folder).items():
            print(f"{name}: {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
