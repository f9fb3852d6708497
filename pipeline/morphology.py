"""``cached_morphology``: en_core_web_sm's attribute_ruler and lemmatizer, remembered per word.

Both components are pure functions of a token's own text, tag and dependency label (plus, for a
handful of two-word patterns such as "gon na" or "there is", the word beside it), yet they cost
about a fifth of spaCy's time: a Matcher over 179 patterns and a Python lemmatizer call for every
token. This component computes each distinct ``(word, tag, dep)`` once with the real components
and copies their output (tag, dep, POS, morphology, lemma) to every later occurrence, so the
annotations are identical to the stock pipeline's (``tests/test_morphology.py`` checks every
token of real articles) at a fraction of the cost.

The tokens of a Doc whose analysis is not cached yet go through the real components together,
in one small Doc. The cache starts from ``pipeline/data/morphology.tsv.gz``: the analyses of
the words that recur in PolNeAR train, written by the real components (``make morphology``),
so the first articles of a run are fast too. It is used only with the spaCy model and version
it was written by.
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from spacy.attrs import DEP, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.strings import StringStore
from spacy.tokens import Doc

# What one token's analysis is computed from, and what the cache returns for it.
KEY_ATTRS = [ORTH, TAG, DEP]
# Distinct analyses kept before the cache starts afresh from the table: an archive's vocabulary
# keeps growing, and an entry costs about 400 bytes (PolNeAR train has 70,514 distinct ones).
MAX_ENTRIES = 300_000
OUT_ATTRS = [TAG, DEP, POS, MORPH, LEMMA]
Key = tuple[int, ...]
READ_BY_PATTERNS = {"ORTH", "TEXT", "LOWER", "IS_SPACE", "TAG", "DEP"}  # all functions of the key
TABLE = Path(__file__).with_name("data") / "morphology.tsv.gz"


def _spec_matches(spec: dict, lower: str) -> bool:
    """Whether a Matcher token spec's LOWER constraint (string, IN, NOT_IN or REGEX) admits a
    word."""
    value = spec["LOWER"]
    if isinstance(value, str):
        return value == lower
    if "IN" in value:
        return lower in value["IN"]
    if "NOT_IN" in value:
        return lower not in value["NOT_IN"]
    if "REGEX" in value:
        return re.search(value["REGEX"], lower) is not None
    return True


class ContextWords:
    """Which words the ruler's multi-token patterns can involve: the analysis of such a word
    may depend on its neighbour, so its cache key includes the neighbour's word and label."""

    def __init__(self, ruler: AttributeRuler) -> None:
        self.specs: list[dict] = []  # the LOWER-constrained token specs of 2-token patterns
        for entry in ruler.patterns:
            for pattern in entry["patterns"]:
                # A key holds the token's own word, tag and dep: all a spec may read.
                if any(set(spec) - READ_BY_PATTERNS for spec in pattern):
                    raise ValueError(f"cached_morphology cannot key the attribute_ruler pattern {pattern}")
                if len(pattern) == 1:
                    continue
                # One neighbour either side is keyed, found through a word some spec names.
                if len(pattern) > 2 or not any("LOWER" in spec for spec in pattern):
                    raise ValueError(f"cached_morphology cannot key the attribute_ruler pattern {pattern}")
                self.specs += [spec for spec in pattern if "LOWER" in spec]
        self._known: dict[str, bool] = {}
        self._known_ids: dict[int, bool] = {}

    def sensitive(self, lower: str) -> bool:
        """A word some 2-token pattern could match (judged by its LOWER alone: the safe side)."""
        known = self._known.get(lower)
        if known is None:
            known = self._known[lower] = any(_spec_matches(spec, lower) for spec in self.specs)
        return known

    def sensitive_ids(self, lowers: list[int], strings: StringStore) -> list[int]:
        """Positions of the context words among words given by their LOWER ids."""
        known = self._known_ids
        out = []
        for i, lower in enumerate(lowers):
            flag = known.get(lower)
            if flag is None:
                flag = known[lower] = self.sensitive(strings[lower])
            if flag:
                out.append(i)
        return out


class CachedMorphology:
    """The attribute ruler then the lemmatizer, each distinct token analysed once per process."""

    def __init__(self, ruler: AttributeRuler, lemmatizer: Lemmatizer, table: dict[Key, tuple[int, ...]]) -> None:
        self.ruler, self.lemmatizer = ruler, lemmatizer
        # The English lemmatizer tests each candidate lemma with `in` against word lists of up to
        # 57,528 entries; as sets the same test is one lookup (it only ever asks membership).
        index = lemmatizer.lookups.get_table("lemma_index", {})
        for pos in list(index):
            index[pos] = frozenset(index[pos])
        self.context = ContextWords(ruler)
        self.table = table
        self.cache = dict(table)
        self.misses = 0

    def _keys(self, doc: Doc) -> list[Key]:
        rows = [tuple(r) for r in doc.to_array(KEY_ATTRS).tolist()]
        lowers = doc.to_array(LOWER).tolist()
        keys = list(rows)
        # A context word, and each word beside one, is keyed with its neighbours' words and labels
        # (all that a pattern's token spec reads: LOWER, TAG, DEP).
        for i in self.context.sensitive_ids(lowers, doc.vocab.strings):
            for j in range(max(i - 1, 0), min(i + 2, len(rows))):
                around = [(lowers[k], *rows[k][1:]) if 0 <= k < len(rows) else (-1, -1, -1) for k in (j - 1, j + 1)]
                keys[j] = rows[j] + around[0] + around[1]
        return keys

    def _analyse(self, doc: Doc, missing: list[int], keys: list[Key]) -> dict[int, tuple[int, ...]]:
        """The real components on the missing tokens, in one small Doc of them in order. A
        token keyed with its context brings its neighbours along; any other token's analysis
        reads only the token itself, so what stands next to it there does not matter."""
        near = (j for i in missing if len(keys[i]) > len(KEY_ATTRS) for j in (i - 1, i + 1))
        picked = sorted({*missing, *(j for j in near if 0 <= j < len(doc))})
        tokens = [doc[j] for j in picked]
        piece = Doc(
            doc.vocab,
            words=[t.text for t in tokens],
            spaces=[bool(t.whitespace_) for t in tokens],
            tags=[t.tag_ for t in tokens],
            deps=[t.dep_ for t in tokens],
            heads=list(range(len(tokens))),  # the components read labels, never the tree
        )
        rows = self.lemmatizer(self.ruler(piece)).to_array(OUT_ATTRS).tolist()
        return {j: tuple(row) for j, row in zip(picked, rows)}

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        if len(self.cache) > MAX_ENTRIES:
            self.cache = dict(self.table)
        keys = self._keys(doc)
        cached = [self.cache.get(k) for k in keys]
        missing = [i for i, c in enumerate(cached) if c is None]
        if missing:
            analysed = self._analyse(doc, missing, keys)
            self.misses += len(missing)
            for i in missing:
                cached[i] = self.cache[keys[i]] = analysed[i]
        out = np.array(cached, dtype=np.uint64)
        before = doc.to_array([TAG, DEP])
        doc.from_array([POS, MORPH, LEMMA], out[:, 2:])
        # The ruler retags whitespace tokens ("_SP", dep "dep"); set what differs by hand
        # because Doc.from_array insists on heads with every DEP.
        for i in np.flatnonzero((before != out[:, :2]).any(axis=1)):
            token = doc[int(i)]
            token.tag, token.dep = int(out[i, 0]), int(out[i, 1])
        return doc


def model_id(nlp: Language) -> str:
    """The spaCy model and versions a table of analyses is valid for."""
    return f"{nlp.meta['lang']}_{nlp.meta['name']} {nlp.meta['version']} spacy {nlp.meta.get('spacy_version', '')}"


def read_table(nlp: Language, path: Path = TABLE) -> dict[Key, tuple[int, ...]]:
    """The stored analyses as cache entries; empty when the file is absent or was written by
    another spaCy model or version (the cache then fills as it goes)."""
    if not path.is_file():
        return {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        if f.readline().rstrip("\n") != f"# {model_id(nlp)}":
            return {}
        strings, morphology = nlp.vocab.strings, nlp.vocab.morphology
        table = {}
        for line in f:
            word, tag, dep, out_tag, out_dep, pos, morph, lemma = line.rstrip("\n").split("\t")
            key = (strings.add(word), strings.add(tag), strings.add(dep))
            table[key] = (strings.add(out_tag), strings.add(out_dep), int(POS_IDS[pos]), morphology.add(morph),
                          strings.add(lemma))  # fmt: skip
    return table


def write_table(nlp: Language, texts: Iterable[str], path: Path, min_count: int = 2) -> int:
    """Analyse ``texts`` with the stock components and store every context-free (word, tag,
    dep) seen at least ``min_count`` times with its analysis; returns the number stored."""
    counts: Counter[tuple[str, ...]] = Counter()
    analyses: dict[tuple[str, ...], tuple[str, ...]] = {}
    context = ContextWords(nlp.get_pipe("attribute_ruler"))
    with nlp.select_pipes(disable=["ner", "cached_morphology"]):
        nlp.enable_pipe("attribute_ruler")
        nlp.enable_pipe("lemmatizer")
        try:
            for doc in nlp.pipe(texts, batch_size=16):
                for t in doc:
                    near = [doc[j] for j in (t.i - 1, t.i, t.i + 1) if 0 <= j < len(doc)]
                    if not any(context.sensitive(n.lower_) for n in near):  # keyed by word alone
                        counts[(t.text, t.tag_, t.dep_)] += 1
                        analyses[(t.text, t.tag_, t.dep_)] = (t.tag_, t.dep_, t.pos_, str(t.morph), t.lemma_)
        finally:
            nlp.disable_pipe("attribute_ruler")
            nlp.disable_pipe("lemmatizer")
    kept = sorted(k for k, n in counts.items() if n >= min_count and "\t" not in k[0] and "\n" not in k[0])
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as f:
        f.write(f"# {model_id(nlp)}\n")
        f.writelines("\t".join((*k, *analyses[k])) + "\n" for k in kept)
    return len(kept)


@Language.factory("cached_morphology", requires=["token.tag", "token.dep"],
                  assigns=["token.pos", "token.morph", "token.lemma"])  # fmt: skip
def make_cached_morphology(nlp: Language, name: str) -> CachedMorphology:
    """Wraps the pipeline's own (disabled) ``attribute_ruler`` and ``lemmatizer``."""
    return CachedMorphology(nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer"), read_table(nlp))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Write the table the cached_morphology component starts from.")
    p.add_argument("--texts", type=Path, required=True, help="a folder of .txt articles (PolNeAR train)")
    p.add_argument("--out", type=Path, default=TABLE)
    p.add_argument("--min-count", type=int, default=2)
    args = p.parse_args(argv)
    from pipeline.segment import load_nlp

    texts = (path.read_text(encoding="utf-8") for path in sorted(args.texts.glob("*.txt")))
    n = write_table(load_nlp(), texts, args.out, args.min_count)
    print(f"{n:,} analyses -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
