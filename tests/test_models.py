"""The committed tagger models load offline from ``models/`` and read the seed articles right."""

from __future__ import annotations

import pytest

from pipeline.annotate import annotate
from pipeline.schema import Article, Record

# Every statement of Lilian Greenwood and Bruno Retailleau in the two seed reports:
# (seed, cue, words the content starts with, person).
STATEMENTS = [
    ("a", "said", "that \"there are discussions ongoing", "Lilian Greenwood"),
    ("a", "said:", "\"I can confirm", "Lilian Greenwood"),
    ("a", "said", "that \"where people don't", "Lilian Greenwood"),
    ("a", "claimed", "the previous Conservative government", "Lilian Greenwood"),
    ("a", "told", "\"We've come in", "Lilian Greenwood"),
    ("a", "admitted", "returning asylum seekers", "Bruno Retailleau"),
    ("a", "said:", "“I do think", "Bruno Retailleau"),
    ("a", "added:", "“We have to deal", "Bruno Retailleau"),
    ("b", "said", "that “there are discussions ongoing", "Lilian Greenwood"),
    ("b", "told", "“We are absolutely focused", "Lilian Greenwood"),
    ("b", "said:", "“I can confirm", "Lilian Greenwood"),
    ("b", "said", "that “where people don’t", "Lilian Greenwood"),
    ("b", "claimed", "the previous Conservative government", "Lilian Greenwood"),
    ("b", "told", "“We’ve come in", "Lilian Greenwood"),
]


@pytest.fixture(scope="module", params=["default", "accurate"])
def seed_records(request, seed_a: str, seed_b: str) -> tuple[str, dict[str, list[Record]]]:
    model = request.param
    return model, {"a": annotate(Article("seed-a", seed_a), model), "b": annotate(Article("seed-b", seed_b), model)}


@pytest.mark.parametrize(("seed", "cue", "start", "person"), STATEMENTS)
def test_finds_every_greenwood_and_retailleau_statement(seed_records, seed, cue, start, person) -> None:
    model, records = seed_records
    found = [r for r in records[seed] if r.content.text.startswith(start)]
    assert found, f"{model}: no content starting {start!r} in seed {seed}"
    [record] = found
    assert record.cue is not None and cue in record.cue.text
    assert record.speaker is not None and record.speaker.name == person
    assert record.model == model and 0 < record.confidence < 1


def test_quotes_continued_over_paragraphs_are_one_statement(seed_records) -> None:
    _, records = seed_records
    [told] = [r for r in records["a"] if r.content.text.startswith("\"We've come in")]
    assert told.content.text.endswith("smashing those gangs.\"") and len(told.content.spans) == 2
    [added] = [r for r in records["a"] if r.content.text.startswith("“We have to deal")]
    assert added.content.text.endswith("doctrine of intervention.”") and len(added.content.spans) == 5


def test_offsets_are_the_article_text(seed_records, seed_a: str, seed_b: str) -> None:
    _, records = seed_records
    for seed, text in (("a", seed_a), ("b", seed_b)):
        for record in records[seed]:
            for role in (record.source, record.cue, record.content):
                if role is not None:
                    assert role.text == " ".join(text[s:e] for s, e in role.spans)
