"""The `fast` model's cue lexicon, derived from PolNeAR train gold (never hand-typed).

For every lemma we count how often a token with it heads a gold cue and how often it occurs
at all; their ratio (the lemma's *cue precision*) tells the rule extractor how much to trust
it. Multi-word cues whose head is a preposition or adverb ("according to") are kept as
lowercased phrases.

Build: ``python -m pipeline.cues ../shared/polnear/train models/fast/cues.json``
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from pipeline.polnear import load_gold
from pipeline.segment import load_nlp

CUE_POS = ("VERB", "NOUN", "ADJ", "AUX")
MIN_CUE_COUNT = 3  # rarer lemmas are noise from single annotator choices


@dataclass(frozen=True)
class CueLexicon:
    """Lemma → (times it heads a gold cue, times it occurs, cue precision)."""

    lemmas: dict[str, tuple[int, int, float]]
    phrases: dict[str, tuple[int, int, float]]

    def precision(self, lemma: str) -> float:
        return self.lemmas.get(lemma, (0, 0, 0.0))[2]

    @classmethod
    def load(cls, path: str | Path) -> CueLexicon:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        unpack = lambda d: {k: (v["cue"], v["total"], v["precision"]) for k, v in d.items()}  # noqa: E731
        return cls(unpack(data["lemmas"]), unpack(data["phrases"]))


def build_lexicon(gold_dir: str | Path, progress: bool = True) -> dict:
    """Count cue heads and phrases over a gold folder; return the JSON-ready lexicon."""
    nlp = load_nlp(disable=("ner",))
    articles = list(load_gold(gold_dir))
    cue_heads: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    phrase_cues: Counter[str] = Counter()
    texts = (g.article.text for g in articles)
    for gold, doc in tqdm(zip(articles, nlp.pipe(texts, batch_size=16)), total=len(articles), disable=not progress, desc="parsing train"):
        for token in doc:
            if token.pos_ in CUE_POS:
                totals[token.lemma_.lower()] += 1
        for attribution in gold.attributions:
            if attribution.cue is None:
                continue
            span = doc.char_span(attribution.cue.start, attribution.cue.end, alignment_mode="expand")
            if span is None:
                continue
            head = span.root
            if head.pos_ in CUE_POS:
                cue_heads[head.lemma_.lower()] += 1
            elif len(span) > 1:
                phrase_cues[span.text.lower()] += 1
    lowered = "\n".join(g.article.text.lower() for g in articles)
    lemmas = {
        lemma: {"cue": n, "total": totals[lemma], "precision": round(n / max(totals[lemma], n), 4)}
        for lemma, n in cue_heads.most_common()
        if n >= MIN_CUE_COUNT
    }
    phrases = {}
    for phrase, n in phrase_cues.most_common():
        if n >= MIN_CUE_COUNT:
            total = max(lowered.count(phrase), n)
            phrases[phrase] = {"cue": n, "total": total, "precision": round(n / total, 4)}
    return {"source": str(gold_dir), "articles": len(articles), "lemmas": lemmas, "phrases": phrases}


def main(argv: list[str]) -> int:
    gold_dir, out = argv
    lexicon = build_lexicon(gold_dir)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps(lexicon, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(lexicon['lemmas'])} cue lemmas, {len(lexicon['phrases'])} phrases → {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
