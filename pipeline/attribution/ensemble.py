"""Join trained taggers into an ensemble, weighted on dev: ``python -m pipeline.attribution.ensemble``.

The folder given as ``--out`` must already hold one trained member (``make train`` wrote it);
the others are named model folders beside it. Each member's tag scores on dev are computed
once; the weight of each, the decoder's span-opening penalty and the confidence calibration
are then chosen on dev, and written into ``--out``'s ``config.json`` (``ensemble``).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np

from pipeline.attribution.tagger import CONFIG, Tagger, load_model
from pipeline.attribution.training import (
    DECODINGS,
    decode_dev,
    dev_log_probs,
    dev_sentence_starts,
    fit_calibration,
    headline,
    rule_readings,
    selection_score,
)
from pipeline.evaluate import score_corpus
from pipeline.polnear import load_gold

WEIGHTS = (0.4, 0.5, 0.6, 0.7)  # tried for this folder's own member; the others share the rest


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pipeline.attribution.ensemble", description=__doc__.split("\n")[0])
    p.add_argument("--out", required=True, help="model folder holding the trained member, to turn into the ensemble")
    p.add_argument("--members", nargs="+", required=True, help="other model folders beside it")
    p.add_argument("--dev", default="../shared/polnear/dev")
    p.add_argument("--cache", default="runs", help="folder with the rules' cached readings")
    args = p.parse_args(argv)

    out = Path(args.out)
    own, config = load_model(out)
    others = [load_model(out.parent / name)[0] for name in args.members]
    dev = list(load_gold(args.dev))
    args.rule_dim = 1  # read the rules whenever a member does
    readings = rule_readings(args, dev, args.dev)
    starts = dev_sentence_starts(dev)
    scores = {name: dev_log_probs(Tagger([(m, 1.0)], config), dev, readings) for name, m in [(".", own), *zip(args.members, others)]}

    def mixed(weight: float) -> dict:
        rest = (1 - weight) / len(args.members)
        return {doc: (scores["."][doc][0], weight * scores["."][doc][1] + sum(rest * scores[n][doc][1] for n in args.members))
                for doc in scores["."]}  # fmt: skip

    tried = {}
    for weight in WEIGHTS:
        joined = mixed(weight)
        for decoding in DECODINGS:
            tried[weight, decoding] = headline(score_corpus(dev, decode_dev(joined, dev, starts, decoding)).overall)
            print(f"own weight {weight}, decoding {decoding}: {tried[weight, decoding]}", file=sys.stderr)
    weight, decoding = max(tried, key=lambda k: selection_score(tried[k]))
    config.begin_penalty, config.rescue_threshold = decoding
    config.ensemble = {".": weight, **{n: (1 - weight) / len(args.members) for n in args.members}}
    config.calibration = fit_calibration(decode_dev(mixed(weight), dev, starts, decoding), dev)
    config.trained["ensemble_dev"] = {f"{w} {p} {t}": h for (w, (p, t)), h in tried.items()}
    config.trained["ensemble_command"] = " ".join(["python -m pipeline.attribution.ensemble", *(argv or sys.argv[1:])])
    (out / CONFIG).write_text(json.dumps(asdict(config), indent=2) + "\n", encoding="utf-8")
    print(f"{out}: ensemble {config.ensemble}, decoding {decoding}: {tried[weight, decoding]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
