"""Score the cross-article index on the claim gold under other claim rules.

The gold's articles are extracted once (``--model``), then indexed and scored once per variant:
the shipped ``ClaimRules`` first, then each ``FIELD=VALUE`` given (one change each), so a
threshold's trade of precision for recall can be read on every split of the gold.

    python eval/index_sweep.py cosine_same_speaker=0.75 cosine_same_speaker=0.85 paraphrase_overlap=0.1
"""

from __future__ import annotations

import argparse
import dataclasses
import sys

from pipeline.evaluation.index import DEFAULT_GOLD, extract_records, gold_articles, read_gold, split_scores
from pipeline.index.claims import ClaimRules


def variant(text: str) -> tuple[str, ClaimRules]:
    """``FIELD=VALUE`` as the shipped rules with that one field changed."""
    field, _, value = text.partition("=")
    default = ClaimRules()
    if not hasattr(default, field) or not value:
        raise SystemExit(f"index_sweep: {text!r} is not FIELD=VALUE of {', '.join(f.name for f in dataclasses.fields(ClaimRules))}")
    return text, dataclasses.replace(default, **{field: type(getattr(default, field))(value)})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("changes", nargs="*", help="FIELD=VALUE of ClaimRules, one variant each")
    parser.add_argument("--gold", default=str(DEFAULT_GOLD))
    parser.add_argument("--model", default="default")
    args = parser.parse_args(argv)
    variants = [("shipped", ClaimRules())] + [variant(c) for c in args.changes]
    mentions = read_gold(args.gold)
    articles = gold_articles(mentions)
    records = extract_records(articles, args.model)
    for name, rules in variants:
        splits = split_scores(mentions, articles, records, rules)
        cells = [f"{split} {s['precision']:.3f}/{s['recall']:.3f}/{s['f1']:.3f}" for split, s in splits.items()]
        print(f"{name} (P/R/F1): " + " | ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
