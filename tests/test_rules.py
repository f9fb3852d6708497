"""The `fast` rule model on real sentences and the seed articles."""

from __future__ import annotations

import pytest

from pipeline.annotate import annotate
from pipeline.attribution.quotes import find_quotes
from pipeline.schema import Article, Record

Row = tuple[str | None, str | None, str, str | None]


def records(text: str) -> list[Record]:
    return annotate(Article("t", text), "fast")


def extract(text: str) -> list[Row]:
    """(source, cue, content, kind) of each attribution found."""
    return [(r.source and r.source.text, r.cue and r.cue.text, r.content.text, r.kind) for r in records(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Indirect: PolNeAR's content keeps "that", drops the final full stop.
        (
            "The senator said that the bill would fail in the House.",
            ("The senator", "said", "that the bill would fail in the House", "indirect"),
        ),
        # Cues keep their adverbs and auxiliaries.
        (
            "The governor has also said that taxes would rise.",
            ("The governor", "has also said", "that taxes would rise", "indirect"),
        ),
        # Direct, quote before the cue: the comma inside the quote stays.
        (
            "“We will not back down,” a campaign spokesman told reporters.",
            ("a campaign spokesman", "told", "“We will not back down,”", "direct"),
        ),
        # Direct, quote after the cue: the full stop inside the quote stays.
        ("He said, “We are going to win.”", ("He", "said", "“We are going to win.”", "direct")),
        # Mixed: a paraphrase with quoted words.
        (
            "She said the plan was “a disaster” for workers.",
            ("She", "said", "the plan was “a disaster” for workers", "mixed"),
        ),
        (
            "The rally drew 5,000 people, according to local police.",
            ("local police", "according to", "The rally drew 5,000 people", "indirect"),
        ),
        (
            "According to the report, the program cost $3 billion.",
            ("the report", "According to", "the program cost $3 billion", "indirect"),
        ),
        # Inverted report; the source is a group with no name.
        (
            "French police could start intercepting boats in May, Home Office insiders believe.",
            ("Home Office insiders", "believe", "French police could start intercepting boats in May", "indirect"),
        ),
        # Passive: the agent is the source, the subject what was reported.
        (
            "The registration issue was first reported by The Washington Post.",
            ("The Washington Post", "was first reported by", "The registration issue", "indirect"),
        ),
        # A cue phrase from train ("call for"): the preposition belongs to the cue.
        (
            "The union called for a moratorium on charter schools.",
            ("The union", "called for", "a moratorium on charter schools", "indirect"),
        ),
        # Sources keep an apposition with its closing comma, not a participle.
        (
            "Phil Smith, a spokesman for the union, said the talks had failed.",
            ("Phil Smith, a spokesman for the union,", "said", "the talks had failed", "indirect"),
        ),
        ("Trump, speaking in Ohio, said he would win.", ("Trump", "said", "he would win", "indirect")),
        # A transcript line.
        (
            "PENCE: Well, look, this is serious business.",
            ("PENCE", ":", "Well, look, this is serious business", "indirect"),
        ),
        # Quotes credited after a dash (PolNeAR dev and train).
        (
            "“He can’t even answer a question without scaring people about something else first.” ― Esther Tapia\u00a0",
            ("Esther Tapia", "―", "“He can’t even answer a question without scaring people about something else first.”", "direct"),
        ),
        (
            '"We need a political revolution."\n\n- Bernie Sanders.\n\nThe senator is relying on an outdated figure.',
            ("Bernie Sanders", "-", '"We need a political revolution."', "direct"),
        ),
        # A question quoted before its cue is a sentence of its own (PolNeAR dev).
        ("“You winning?” she said, but Kevin was drifting off again.", ("she", "said", "“You winning?”", "direct")),
        # Nested reports: PolNeAR annotates the outer one (PolNeAR dev).
        (
            "A Quinnipiac University poll found that 74 percent of likely voters said Mr. Trump should release his tax returns.",
            (
                "A Quinnipiac University poll",
                "found",
                "that 74 percent of likely voters said Mr. Trump should release his tax returns",
                "indirect",
            ),
        ),
        # A quoted title inside the sentence is not what the cue reports.
        (
            "On this weekend’s broadcast of “Fox News Sunday,” Gov. Mike Pence said the tweet was a joke.",
            ("Gov. Mike Pence", "said", "the tweet was a joke", "indirect"),
        ),
    ],
)
def test_one_attribution(text: str, expected: Row) -> None:
    assert extract(text) == [expected]


def test_parenthetical_cue_splits_the_content() -> None:
    text = "The museum, Mr. Obama said, would make visitors face uncomfortable truths."
    [record] = records(text)
    assert (record.source.text, record.cue.text) == ("Mr. Obama", "said")
    pieces = [text[s:e] for s, e in record.content.spans]
    assert pieces == ["The museum", "would make visitors face uncomfortable truths"]


def test_quote_going_on_after_the_cue_is_one_statement() -> None:
    [(source, cue, content, kind)] = extract("“It’s finished,” she said. “In my head, anyway.”")
    assert (source, cue, content, kind) == ("she", "said", "“It’s finished,” “In my head, anyway.”", "direct")


def test_no_cue_no_attribution() -> None:
    assert extract("The bridge opened in 1932 and carries 40,000 cars a day.") == []


@pytest.mark.parametrize(
    "text",
    [
        "He called him “my African American.”\n\n- Reuters.",  # a wire credit
        "Ramos believes in journalism that “takes sides.”\n\n– Ready to quiz Trump –.\n\nTrump said so.",  # a heading
    ],
)
def test_dashes_that_credit_no_one(text: str) -> None:
    assert all(cue not in ("-", "–") for _, cue, _, _ in extract(text))


def test_greenwood_statements(seed_a: str) -> None:
    found = extract(seed_a)
    names = ("Transport minister Lilian Greenwood", "Ms Greenwood", "She", "she")
    greenwood = [(s, c, content) for s, c, content, _ in found if s in names]
    assert ("Transport minister Lilian Greenwood", "said") in [(s, c) for s, c, _ in greenwood]
    assert ("Ms Greenwood", "said:") in [(s, c) for s, c, _ in greenwood]
    returned = 'that "where people don\'t have a right to be here, they need to be returned"'
    assert ("She", "later said", returned) in greenwood
    # "she told the broadcaster:" opens a quote that runs on into the next paragraph.
    [told] = [content for s, c, content in greenwood if c == "told"]
    assert told.startswith('"We\'ve come in, we\'ve taken swift action')
    assert told.endswith('committed to smashing those gangs."')


def test_other_speakers_of_seed_a(seed_a: str) -> None:
    found = {(s, c): (content, kind) for s, c, content, kind in extract(seed_a)}
    assert found["a Home Office source", "told"][1] == "direct"
    assert found["French interior minister Bruno Retailleau", "admitted"][0].startswith("returning asylum seekers")
    assert found["Home Office insiders", "believe"][0].startswith("French police could start")
    assert found["A UK Home Office spokesperson", "said:"][1] == "direct"
    # "It said:" (France's interior ministry), then two more quote paragraphs of the statement.
    ministry, kind = found["It", "said:"]
    assert ministry.startswith("“France’s interest") and ministry.endswith("who managed to cross [the Channel].”")
    assert kind == "direct"
    retailleau, _ = found["Mr Retailleau", "added:"]
    assert retailleau.endswith("We need to change that doctrine of intervention.”")


def test_quote_running_over_paragraphs(seed_b: str) -> None:
    [spokesman] = [r for r in records(seed_b) if r.source and r.source.text == "The Home Office spokesman"]
    assert len(spokesman.content.spans) == 3  # three quote paragraphs, one statement
    assert spokesman.content.text.endswith("criminal smuggling gangs.”")


def test_offsets_are_the_article_text(seed_a: str, seed_b: str) -> None:
    for text in (seed_a, seed_b):
        for record in records(text):
            for role in (record.source, record.cue, record.content):
                if role is not None:
                    assert role.text == " ".join(text[s:e] for s, e in role.spans)
                    assert all(text[s:e] == text[s:e].strip() for s, e in role.spans)
            assert 0 < record.confidence < 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He said “yes” and ''no''.", [(8, 13), (18, 24)]),
        ("“Open quote runs to the line end\nnext", [(0, 32)]),
    ],
)
def test_find_quotes(text: str, expected: list[tuple[int, int]]) -> None:
    assert [(q.start, q.end) for q in find_quotes(text)] == expected
