"""Quantities on the seed articles and PolNeAR dev sentences: values, bounds, units, kinds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.annotate import annotate
from pipeline.cli import main
from pipeline.normalisers.quantities import find_quantities
from pipeline.schema import Article, Quantity
from pipeline.segment import segment

Figure = tuple[str, float | None, float | None, float | None, bool, str | None, str]


def quantities(text: str) -> list[Quantity]:
    return find_quantities(segment(Article("t", text)))


def figures(text: str) -> list[Figure]:
    return [(q.text, q.value, q.low, q.high, q.approximate, q.unit, q.kind) for q in quantities(text)]


def test_seed_a_figures(seed_a: str) -> None:
    assert figures(seed_a) == [
        ("hundreds of millions of pounds", None, 200_000_000, 1_000_000_000, True, "GBP", "money"),
        ("Around 9,000", 9000, None, None, True, "migrants", "count"),
        ("46%", 46, None, None, False, "percent", "change"),  # "up 46% on last year"
    ]


def test_seed_b_figures(seed_b: str) -> None:
    assert figures(seed_b)[1:] == [
        ("More than 8,180", 8180, 8180, None, False, "people", "count"),
        ("119", 119, None, None, False, "crossings", "count"),
        ("31%", 31, None, None, False, "percent", "change"),  # "31% higher than"
        ("6,265", 6265, None, None, False, None, "count"),
        ("67%", 67, None, None, False, "percent", "change"),  # "67% up"
        ("4,899", 4899, None, None, False, None, "count"),
    ]


def test_offsets_point_into_the_text(seed_b: str) -> None:
    for q in quantities(seed_b):
        assert seed_b[q.start : q.end] == q.text


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # PolNeAR dev sentences
        ("Nearly eight of 10 voters say they plan to tune in.", ("Nearly eight of 10", 0.8, None, 0.8, True, "voters", "fraction")),
        ("Clinton had raised more than $38million and $23 million, respectively.",
         ("more than $38million", 38_000_000, 38_000_000, None, False, "USD", "money")),
        ("They earn on average $35,000 to $60,000 a year.", ("$35,000 to $60,000", None, 35_000, 60_000, False, "USD", "money")),
        ("Donors who gave $200 or less.", ("$200 or less", 200, None, 200, False, "USD", "money")),
        ("Only 24 Percent of Hillary Clinton’s Contributors Are Small Donors.", ("24 Percent", 24, None, None, False, "percent", "percent")),
        ("Clinton led Trump by 5 percentage points.", ("5 percentage points", 5, None, None, False, "percentage points", "percent")),
        ("The poll of 1,001 adults was taken Sept. 19 to 22.", ("1,001", 1001, None, None, False, "adults", "count")),
        ("Wells Fargo fired 5,300 employees.", ("5,300", 5300, None, None, False, "employees", "count")),
        ("It was a bonanza for thousands of bankers.", ("thousands", None, 2000, 10_000, True, "bankers", "count")),
        ("That is the tens of millions flowing into races.", ("tens of millions", None, 20_000_000, 100_000_000, True, None, "count")),
        ("Less than a quarter of Hillary Clinton’s campaign donors are small-dollar donors.",
         ("Less than a quarter", 0.25, None, 0.25, False, "donors", "fraction")),
        ("There are 18 fact-checkers working during the debate.", ("18", 18, None, None, False, "fact-checkers", "count")),
        ("Capital gains held for one to two years would pay more.", ("one to two", None, 1, 2, False, "years", "count")),
        ("It would cost the Treasury $374 billion over 10 years.", ("$374 billion", 374_000_000_000, None, None, False, "USD", "money")),
        # forms the brief names
        ("Profits reached 1.5bn last quarter.", ("1.5bn", 1_500_000_000, None, None, False, None, "count")),
        ("The scheme cost £50m.", ("£50m", 50_000_000, None, None, False, "GBP", "money")),
        ("Up to 500 people were moved.", ("Up to 500", 500, None, 500, False, "people", "count")),
        ("Two-thirds of voters agreed.", ("Two-thirds", 0.6667, None, None, False, "voters", "fraction")),
        ("He is a 63-year-old veteran.", ("63", 63, None, None, False, "years", "count")),
        ("The fund paid twenty-five million dollars.", ("twenty-five million dollars", 25_000_000, None, None, False, "USD", "money")),
    ],
)  # fmt: skip
def test_sentences(sentence: str, expected: Figure) -> None:
    assert expected in figures(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The 2012 election ended on Nov. 6, 2012, at 11 p.m.",  # years, dates, clock times
        "He was the 45th president and finished first.",  # ordinals
        "She appeared on Fox 5 with the H-1B program and Proposition 64.",  # names
        "No one said it was a one-on-one meeting, one of the most tense.",  # idle "one"
        "The court ruled in a 5-4 decision.",  # tally
        'tweet_id="778257943577919488" timestamp="1474387200"',  # identifiers
    ],
)
def test_not_quantities(sentence: str) -> None:
    assert figures(sentence) == []


def test_two_amounts_side_by_side_are_not_a_range() -> None:
    text = "Democratic super PACs raised $64.8million to $45.1million that went to Republican ones."
    assert [(q.text, q.value, q.low, q.high) for q in quantities(text)] == [
        ("$64.8million", 64_800_000, None, None),
        ("$45.1million", 45_100_000, None, None),
    ]


def test_records_carry_the_figures_of_their_claim(seed_b: str) -> None:
    records = annotate(Article("uk-france-returns-b", seed_b))
    (rwanda,) = [r for r in records if "Rwanda" in r.content.text]
    assert rwanda.speaker is not None and rwanda.speaker.name == "Lilian Greenwood"
    assert [(q.text, q.low, q.high, q.unit) for q in rwanda.quantities] == [
        ("hundreds of millions of pounds", 200_000_000, 1_000_000_000, "GBP")
    ]
    for r in records:
        assert all(any(s <= q.start and q.end <= e for s, e in r.content.spans) for q in r.quantities)


def test_numbers_command(tmp_path: Path, seed_b: str) -> None:
    source, out = tmp_path / "in.jsonl", tmp_path / "numbers.jsonl"
    source.write_text(json.dumps({"id": "b", "text": seed_b}) + "\n{not json\n", encoding="utf-8")
    assert main(["numbers", str(source), "-o", str(out)]) == 1  # the malformed line is reported
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["doc_id"] for r in lines} == {"b"}
    assert ("More than 8,180", 8180, "people") in [(r["text"], r["low"], r["unit"]) for r in lines]


# --- properties ---------------------------------------------------------------------------------

WORDS = (
    "about around nearly more than less up to at least between and to or more of in out $ £ € % percent "
    "per cent percentage points 9,000 1.5bn 2.2 million 46 8,180 0 .5 1,00 99999999999 2016 one two "
    "twenty-five a dozen hundreds thousands tens half third thirds quarter five-year-old - – , . m bn k "
    "migrants people voters Fox No. Sept. 11 p.m. 5-4 over years"
).split()
texts = st.one_of(st.text(), st.lists(st.sampled_from(WORDS) | st.text(max_size=3), max_size=25).map(" ".join))


@settings(deadline=None, max_examples=200)
@given(text=texts)
def test_any_text_gives_well_formed_quantities(text: str) -> None:
    found = quantities(text)
    for q in found:
        assert 0 <= q.start < q.end <= len(text)
        assert q.text == text[q.start : q.end]
        assert q.kind in ("count", "money", "percent", "fraction", "change")
        assert q.value is not None or (q.low is not None and q.high is not None)
        if q.low is not None and q.high is not None:
            assert q.low <= q.high
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))  # in order, no overlaps
