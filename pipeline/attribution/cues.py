"""The `fast` model's cue lexicon, derived from PolNeAR train gold (never hand-typed).

For every lemma we count how often a token with it heads a gold cue and how often it occurs
at all; their ratio (the lemma's *cue precision*) tells the rule extractor how much to trust
it. Multi-word cues made of a head and its preposition or particle ("according to", "call
for", "point out") are counted the same way, as ``"lemma word"`` phrases, against every time
the head takes that word as a dependent.

Build: ``python -m pipeline.attribution.cues ../shared/polnear/train models/fast/cues.json``
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc, Token
from tqdm import tqdm

from pipeline.evaluation.polnear import GoldArticle, load_gold
from pipeline.segment import load_nlp

CUE_POS = ("VERB", "NOUN", "ADJ", "AUX")
PHRASE_DEPS = ("prep", "prt")  # "according to", "called for", "pointed out"
MIN_CUE_COUNT = 3  # rarer lemmas are noise from single annotator choices

Counts = tuple[int, int, float]  # times a cue, times seen, cue precision


@dataclass(frozen=True)
class CueLexicon:
    """Lemma (or ``"lemma word"`` phrase) → (times it is a gold cue, times seen, precision)."""

    lemmas: dict[str, Counts]
    phrases: dict[str, Counts]

    def precision(self, lemma: str) -> float:
        return self.lemmas.get(lemma, (0, 0, 0.0))[2]

    def phrase_precision(self, head: Token, word: Token) -> float:
        return self.phrases.get(phrase_key(head, word), (0, 0, 0.0))[2]

    @classmethod
    def load(cls, path: str | Path) -> CueLexicon:
        data = json.loads(Path(path).read_text(encoding="utf-8"))

        def unpack(d: dict) -> dict[str, Counts]:
            return {k: (v["cue"], v["total"], v["precision"]) for k, v in d.items()}

        return cls(unpack(data["lemmas"]), unpack(data["phrases"]))


def lemma_of(token: Token) -> str:
    return token.lemma_.lower()


def phrase_key(head: Token, word: Token) -> str:
    return f"{lemma_of(head)} {word.lower_}"


def _phrase_words(token: Token) -> list[Token]:
    return [c for c in token.children if c.dep_ in PHRASE_DEPS]


def _count_doc(doc: Doc, gold: GoldArticle, counts: dict[str, Counter[str]]) -> None:
    """Add one article's occurrences and gold cue heads to the counters."""
    for token in doc:
        if token.pos_ in CUE_POS:
            counts["lemma_total"][lemma_of(token)] += 1
            for word in _phrase_words(token):
                counts["phrase_total"][phrase_key(token, word)] += 1
    for attribution in gold.attributions:
        if attribution.cue is None:
            continue
        span = doc.char_span(attribution.cue.start, attribution.cue.end, alignment_mode="expand")
        if span is None or span.root.pos_ not in CUE_POS:
            continue
        head = span.root
        counts["lemma_cue"][lemma_of(head)] += 1
        for word in _phrase_words(head):
            if span.start <= word.i < span.end:
                counts["phrase_cue"][phrase_key(head, word)] += 1


def _table(cue: Counter[str], total: Counter[str]) -> dict[str, dict[str, float]]:
    return {
        key: {"cue": n, "total": max(total[key], n), "precision": round(n / max(total[key], n), 4)}
        for key, n in cue.most_common()
        if n >= MIN_CUE_COUNT
    }


def build_lexicon(articles: Iterable[GoldArticle], progress: bool = True) -> dict:
    """Count cue heads and phrases over gold articles; return the JSON-ready lexicon."""
    nlp = load_nlp(disable=("ner",))
    articles = list(articles)
    counts: dict[str, Counter[str]] = {k: Counter() for k in ("lemma_cue", "lemma_total", "phrase_cue", "phrase_total")}
    docs = nlp.pipe((g.article.text for g in articles), batch_size=16)
    for gold, doc in tqdm(zip(articles, docs), total=len(articles), disable=not progress, desc="parsing train"):
        _count_doc(doc, gold, counts)
    return {
        "articles": len(articles),
        "lemmas": _table(counts["lemma_cue"], counts["lemma_total"]),
        "phrases": _table(counts["phrase_cue"], counts["phrase_total"]),
    }


def dumps(lexicon: dict) -> str:
    """JSON with one lemma or phrase per line: small, and its diffs stay readable."""

    def entry(key: str, value: object, indent: str) -> str:
        return f"{indent}{json.dumps(key, ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False)}"

    parts = [
        f' "{key}": {{\n' + ",\n".join(entry(k, v, "  ") for k, v in value.items()) + "\n }"
        if isinstance(value, dict)
        else entry(key, value, " ")
        for key, value in lexicon.items()
    ]
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main(argv: list[str]) -> int:
    gold_dir, out = argv
    lexicon = {"built_from": Path(gold_dir).name, **build_lexicon(load_gold(gold_dir))}
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(dumps(lexicon), encoding="utf-8")
    print(f"{len(lexicon['lemmas'])} cue lemmas, {len(lexicon['phrases'])} phrases → {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
