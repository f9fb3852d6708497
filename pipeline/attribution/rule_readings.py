"""The ``fast`` model's readings of an article, as input for the tagger.

The rules know PolNeAR's span conventions (a cue keeps its auxiliaries, a content keeps
"that") and read the dependency parse; the tagger sees their proposals as one more tag per
word and learns when to trust them. For training they are computed once per article and
cached as JSON (``{doc_id: [[content spans], [cue spans], [source spans]]}``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from pipeline.evaluation.polnear import GoldArticle
from pipeline.schema import Attribution, RoleSpan

if TYPE_CHECKING:
    from spacy.tokens import Doc

Readings = list[Attribution]


def read_rules(doc: Doc) -> Readings:
    """The ``fast`` extractor's attributions of a segmented article."""
    from pipeline.attribution.registry import get_extractor

    return get_extractor("fast")(doc)


def _to_json(readings: Readings) -> list:
    return [[list(map(list, r.spans)) if r else [] for r in (a.content, a.cue, a.source)] for a in readings]


def _from_json(rows: list, text: str) -> Readings:
    def role(spans: list) -> RoleSpan | None:
        return RoleSpan.from_spans(text, [tuple(s) for s in spans]) if spans else None

    return [Attribution(content=role(c), cue=role(q), source=role(s)) for c, q, s in rows]


def cached_per_article(
    gold: list[GoldArticle], cache: Path, compute: Callable[[list[GoldArticle]], dict[str, Any]]
) -> dict[str, Any]:
    """Each article's JSON value from the ``cache`` file (``{doc_id: value}``); the missing ones
    are computed by ``compute`` (given those articles) and added, the file rewritten whole under
    a temporary name and then renamed."""
    stored = json.loads(cache.read_text(encoding="utf-8")) if cache.exists() else {}
    missing = [g for g in gold if g.article.id not in stored]
    if missing:
        stored |= compute(missing)
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp")
        tmp.write_text(json.dumps(stored), encoding="utf-8")
        tmp.replace(cache)
    return {g.article.id: stored[g.article.id] for g in gold}


def cached_readings(gold: list[GoldArticle], cache: Path, progress: bool = True) -> dict[str, Readings]:
    """The rules' readings of every article, from ``cache`` or computed (and added to it)."""

    def read(missing: list[GoldArticle]) -> dict[str, list]:
        from pipeline.segment import load_nlp, segment

        nlp = load_nlp()
        bar = tqdm(missing, desc="rule readings", unit="article", disable=not (progress and sys.stderr.isatty()), file=sys.stderr)
        return {g.article.id: _to_json(read_rules(segment(g.article, nlp))) for g in bar}

    stored = cached_per_article(gold, cache, read)
    return {g.article.id: _from_json(stored[g.article.id], g.article.text) for g in gold}


if __name__ == "__main__":  # precompute a cache: python -m pipeline.attribution.rule_readings GOLD_DIR CACHE
    from pipeline.evaluation.polnear import load_gold

    cached_readings(list(load_gold(sys.argv[1])), Path(sys.argv[2]))
