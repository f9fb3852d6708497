"""The `fast` rule model on real sentences and the seed articles."""

from __future__ import annotations

import pytest

from pipeline.annotate import annotate
from pipeline.cues import CueLexicon
from pipeline.rules import LEXICON_PATH, find_quotes
from pipeline.schema import Article


def extract(text: str) -> list[tuple[str | None, str | None, str, str]]:
    return [
        (r.source.text if r.source else None, r.cue.text if r.cue else None, r.content.text, r.kind)
        for r in annotate(Article("t", text), "fast")
    ]


def test_lexicon_is_derived_from_train() -> None:
    lexicon = CueLexicon.load(LEXICON_PATH)
    assert lexicon.lemmas["say"][0] > 1000  # thousands of "said" cues in PolNeAR train
    assert lexicon.precision("say") > 0.5 and "accord" in lexicon.lemmas
    assert lexicon.precision("table") == 0.0


def test_indirect_with_that() -> None:
    [(source, cue, content, kind)] = extract("The senator said that the bill would fail in the House.")
    assert (source, cue, content, kind) == ("The senator", "said", "that the bill would fail in the House", "indirect")


def test_direct_quote_before_cue() -> None:
    [(source, cue, content, kind)] = extract("“We will not back down,” a campaign spokesman told reporters.")
    assert (source, cue, kind) == ("a campaign spokesman", "told", "direct")
    assert content == "“We will not back down,”"


def test_according_to() -> None:
    [(source, cue, content, _)] = extract("The rally drew 5,000 people, according to local police.")
    assert (source, cue, content) == ("local police", "according to", "The rally drew 5,000 people")


def test_colon_quote_and_pronoun_source(seed_a: str) -> None:
    found = extract(seed_a)
    assert ("It", "said:") in [(s, c) for s, c, _, _ in found]
    assert any(s == "She" and content.startswith('that "where people') and kind == "mixed" for s, _, content, kind in found)
    assert any(s == "Home Office insiders" and c == "believe" for s, c, _, _ in found)


def test_quote_running_over_paragraphs(seed_b: str) -> None:
    records = annotate(Article("b", seed_b), "fast")
    spokesman = [r for r in records if r.source and r.source.text == "The Home Office spokesman"]
    assert len(spokesman) == 1
    # Three quote paragraphs, one statement.
    assert len(spokesman[0].content.spans) == 3
    assert spokesman[0].content.text.endswith("criminal smuggling gangs.”")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He said “yes” and ''no''.", [(8, 13), (18, 24)]),
        ("“Open quote runs to the line end\nnext", [(0, 32)]),
    ],
)
def test_find_quotes(text: str, expected: list[tuple[int, int]]) -> None:
    assert [(q.start, q.end) for q in find_quotes(text)] == expected
