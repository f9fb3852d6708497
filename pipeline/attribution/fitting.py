"""Fit a trained tagger's decoding, ensemble and confidence on dev: ``python -m pipeline.attribution.fitting``.

``--out`` is a model folder training wrote; ``--members`` (optional) names other model
folders beside it to ensemble with. Each member's tag scores on dev are computed once; then
the weight of each member, the decoder's span-opening penalty and orphan-rescue threshold and
the raw confidence below which an attribution is dropped are chosen on dev (the sum of
attribution F1 and the three exact F1s), the confidence is
calibrated (Platt scaling of raw confidence to the chance of matching a gold attribution),
and all of it is written into the folder's ``config.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np

from pipeline.attribution.grouping import above_floor
from pipeline.attribution.tagger import CONFIG, Tagger, load_model
from pipeline.attribution.training import (
    decode_dev,
    dev_log_probs,
    dev_sentence_starts,
    headline,
    rule_readings,
    selection_score,
)
from pipeline.evaluation.attribution import score_corpus
from pipeline.evaluation.polnear import GoldArticle, load_gold
from pipeline.evaluation.scoring import attribution_pairs
from pipeline.schema import Attribution

WEIGHTS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6)  # tried for this folder's own member; the others share the rest
# Span-opening penalty x orphan rescue threshold (1: no rescue); a wider grid chose the same for default.
DECODINGS = [(p, t) for p in (0.5, 1.0, 1.5) for t in (1.0, 0.1, 0.05)]
# Minimum raw confidence of an attribution (0: keep all), tried on each decoding's output.
FLOORS = (0.0, 0.3, 0.4, 0.5)


def fit_calibration(preds: dict[str, list[Attribution]], gold: list[GoldArticle]) -> list[float]:
    """Platt scaling of raw confidence to the chance of matching a gold attribution."""
    from sklearn.linear_model import LogisticRegression

    xs, ys = [], []
    for g in gold:
        pred = preds[g.article.id]
        matched = {i for i, _ in attribution_pairs(g.article.text, g.attributions, pred)}
        xs += [a.confidence for a in pred]
        ys += [int(i in matched) for i in range(len(pred))]
    if len(set(ys)) < 2:
        return [1.0, 0.0]
    fit = LogisticRegression().fit(np.asarray(xs)[:, None], ys)
    return [float(fit.coef_[0, 0]), float(fit.intercept_[0])]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pipeline.attribution.fitting", description=__doc__.split("\n")[0])
    p.add_argument("--out", required=True, help="model folder training wrote")
    p.add_argument("--members", nargs="*", default=[], help="other model folders beside it, to ensemble with")
    p.add_argument("--dev", default="../shared/polnear/dev")
    p.add_argument("--cache", default="runs", help="folder with the rules' cached readings and dev's sentence starts")
    p.add_argument("--max-dev-articles", type=int, help="fit on the first N dev articles only (tests)")
    p.add_argument("--stride", type=int, help="tokens between window starts at inference (default: as trained)")
    args = p.parse_args(argv)

    out = Path(args.out)
    own, config = load_model(out)
    config.stride = args.stride or config.stride
    others = [load_model(out.parent / name)[0] for name in args.members]
    dev = list(load_gold(args.dev))[: args.max_dev_articles]
    readings = rule_readings(dev, args.dev, args.cache)  # members that read no rules ignore them
    starts = dev_sentence_starts(dev, args.dev, args.cache)
    scores = {name: dev_log_probs(Tagger([(m, 1.0)], config), dev, readings) for name, m in [(".", own), *zip(args.members, others)]}

    def member_weights(own: float) -> dict[str, float]:
        """This folder's member (".") weighs ``own``; the others share the rest."""
        return {".": own, **{n: (1 - own) / len(args.members) for n in args.members}}

    def mixed(own: float) -> dict:
        weights = member_weights(own)
        return {doc: (article, sum(w * scores[n][doc][1] for n, w in weights.items()))
                for doc, (article, _) in scores["."].items()}  # fmt: skip

    tried = {}
    for weight in WEIGHTS if args.members else (1.0,):
        joined = mixed(weight)
        for penalty, rescue in DECODINGS:
            decoded = decode_dev(joined, dev, starts, (penalty, rescue, 0.0))  # once; each floor filters it
            for floor in FLOORS:
                decoding = (penalty, rescue, floor)
                kept = {doc: above_floor(found, floor) for doc, found in decoded.items()}
                tried[weight, decoding] = headline(score_corpus(dev, kept).overall)
                print(f"own weight {weight}, decoding {decoding}: {tried[weight, decoding]}", file=sys.stderr)
    weight, decoding = max(tried, key=lambda k: selection_score(tried[k]))
    config.begin_penalty, config.rescue_threshold, config.min_confidence = decoding
    config.ensemble = member_weights(weight) if args.members else {}
    config.calibration = fit_calibration(decode_dev(mixed(weight), dev, starts, decoding), dev)
    config.trained["fitted_on_dev"] = {f"{w} {p} {t} {c}": h for (w, (p, t, c)), h in tried.items()}
    config.trained["fitting_command"] = " ".join(["python -m pipeline.attribution.fitting", *(argv or sys.argv[1:])])
    (out / CONFIG).write_text(json.dumps(asdict(config), indent=2) + "\n", encoding="utf-8")
    print(f"{out}: ensemble {config.ensemble or 'none'}, decoding {decoding}: {tried[weight, decoding]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
