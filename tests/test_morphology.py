"""cached_morphology gives exactly the stock attribute_ruler + lemmatizer annotations."""

from __future__ import annotations

import gzip

import pytest
import spacy
from spacy.tokens import Doc

from pipeline.morphology import TABLE, CachedMorphology, ContextWords, model_id, read_table, write_table
from pipeline.segment import SPACY_MODEL, load_nlp
from tests.conftest import EXAMPLES, POLNEAR_DEV

# Tokens the two-word patterns read ("gon na", "there is", "ai n't", "let 's") on top of real news.
CONTEXT_WORDS = "I'm gonna say it: there is no way, ain't it? Let's go. Y'all got ta see. C'mon, there are rules."


def analyses(doc: Doc) -> list[tuple[str, ...]]:
    return [(t.text, t.tag_, t.dep_, t.pos_, str(t.morph), t.lemma_) for t in doc]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    articles = sorted(EXAMPLES.glob("*.txt")) + sorted((POLNEAR_DEV / "text").glob("*.txt"))[:6]
    return [CONTEXT_WORDS] + [p.read_text(encoding="utf-8") for p in articles]


@pytest.fixture(scope="module")
def stock() -> spacy.language.Language:
    """quotewise's pipeline with en_core_web_sm's own attribute_ruler and lemmatizer (no NER:
    they read none of it)."""
    nlp = spacy.load(SPACY_MODEL, exclude=["ner"])
    nlp.add_pipe("paragraph_breaks", before="parser")
    return nlp


@pytest.mark.parametrize("start", ["empty", "table"])
def test_same_annotations_as_the_stock_components(texts, stock, start):
    nlp = load_nlp()
    component: CachedMorphology = nlp.get_pipe("cached_morphology")
    component.cache = {} if start == "empty" else dict(component.table)
    expected = [analyses(d) for d in stock.pipe(texts)]
    with nlp.select_pipes(disable=["ner"]):
        cold = [analyses(d) for d in nlp.pipe(texts)]
        warm = [analyses(d) for d in nlp.pipe(texts)]  # every token from the cache now
    assert cold == expected
    assert warm == expected


def test_the_table_is_written_by_the_stock_components_and_read_back(tmp_path, stock):
    nlp = load_nlp()
    path = tmp_path / "morphology.tsv.gz"
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    assert write_table(nlp, texts, path, min_count=1) > 500
    table = read_table(nlp, path)
    checked = 0
    for doc in stock.pipe(texts):
        for t in doc:
            entry = table.get((t.orth, t.tag, t.dep))
            if entry is not None:
                assert entry == (t.tag, t.dep, t.pos, t.morph.key, t.lemma), t.text
                checked += 1
    assert checked > 0.8 * sum(len(d) for d in stock.pipe(texts))


def test_a_table_from_another_model_is_ignored(tmp_path):
    nlp = load_nlp()
    path = tmp_path / "old.tsv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("# en_core_web_sm 3.0.0 spacy 3.0.0\nsaid\tVBD\tROOT\tVBD\tROOT\tVERB\tTense=Past\tsay\n")
    assert read_table(nlp, path) == {}
    assert read_table(nlp, tmp_path / "absent.tsv.gz") == {}


def test_the_shipped_table_fits_the_installed_model():
    nlp = load_nlp()
    with gzip.open(TABLE, "rt", encoding="utf-8") as f:
        assert f.readline().rstrip("\n") == f"# {model_id(nlp)}"
    assert len(nlp.get_pipe("cached_morphology").table) > 10_000


def test_patterns_it_cannot_key_are_refused():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "a"}, {"LOWER": "b"}, {"LOWER": "c"}]], {"LEMMA": "x"})
    with pytest.raises(ValueError, match="cannot key"):
        ContextWords(ruler)
    ruler = nlp.add_pipe("attribute_ruler", name="by_entity")
    ruler.add([[{"ENT_TYPE": "PERSON"}]], {"POS": "PROPN"})
    with pytest.raises(ValueError, match="cannot key"):
        ContextWords(ruler)


def test_only_missing_tokens_are_analysed():
    nlp = load_nlp()
    component: CachedMorphology = nlp.get_pipe("cached_morphology")
    component.cache, component.misses = {}, 0
    text = "The minister said the plan was fair. The minister said the plan was fair."
    with nlp.select_pipes(disable=["ner"]):
        nlp(text)
    assert 0 < component.misses <= len(text.split()) + 2  # each distinct analysis once
    component.misses = 0
    with nlp.select_pipes(disable=["ner"]):
        nlp(text)
    assert component.misses == 0


def test_a_full_cache_starts_afresh_from_the_table(monkeypatch):
    import pipeline.morphology

    nlp = load_nlp()
    component: CachedMorphology = nlp.get_pipe("cached_morphology")
    component.cache = dict(component.table)
    monkeypatch.setattr(pipeline.morphology, "MAX_ENTRIES", len(component.table))
    with nlp.select_pipes(disable=["ner"]):
        nlp("Zyxwv quarbled the flomps.")  # unseen words: the cache grows past the limit
        grown = len(component.cache)
        doc = nlp("The minister said so.")
    assert grown > len(component.table)
    assert len(component.cache) <= len(component.table) + len(doc)
    assert [t.lemma_ for t in doc] == ["the", "minister", "say", "so", "."]
