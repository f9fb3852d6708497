"""Time expressions on sentences from the seed articles and PolNeAR dev, with and without a date."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.annotate import inside
from pipeline.cli import main
from pipeline.normalisers.timex import find_times


def found(text: str, anchor: dt.date | None) -> list[tuple[str, str, str | None]]:
    return [(t.text, t.type, t.value) for t in find_times(text, anchor)]


def test_seed_without_a_date_stays_relative(seed_a: str) -> None:
    assert found(seed_a, None) == [
        ("this year", "DATE", "XXXX"),
        ("Wednesday", "DATE", "XXXX-WXX-3"),
        ("this year", "DATE", "XXXX"),
        ("last year", "DATE", "XXXX"),
        ("the end of May", "DATE", "XXXX-05"),
        ("now", "DATE", "PRESENT_REF"),
    ]


def test_seed_with_a_date_resolves(seed_b: str) -> None:
    wednesday = dt.date(2025, 5, 14)
    assert found(seed_b, wednesday) == [
        ("Wednesday", "DATE", "2025-05-14"),  # the anchor day itself
        ("currently", "DATE", "PRESENT_REF"),
        ("this year", "DATE", "2025"),
        ("Monday", "DATE", "2025-05-12"),
        ("last year", "DATE", "2024"),
        ("2023", "DATE", "2023"),
    ]
    # Published on Thursday, "on Wednesday" is the day before.
    assert found(seed_b, dt.date(2025, 5, 15))[0] == ("Wednesday", "DATE", "2025-05-14")


def test_end_of_may_resolves_to_the_anchor_year(seed_a: str) -> None:
    assert ("the end of May", "DATE", "2025-05") in found(seed_a, dt.date(2025, 5, 14))


def test_offsets_exclude_the_preposition(seed_a: str) -> None:
    (t,) = [t for t in find_times(seed_a, None) if t.value == "XXXX-WXX-3"]
    assert seed_a[t.start - 3 : t.end] == "on Wednesday"


@pytest.mark.parametrize(
    ("sentence", "anchor", "expected"),
    [
        (
            "Retired Lt. Gen. Michael Flynn said Donald Trump was “absolutely right” when he said Wednesday night that",
            dt.date(2016, 9, 8),
            [("Wednesday night", "TIME", "2016-09-07TNI")],
        ),
        (
            "Donations to super PACs hit nearly $1.1 billion through the end of August, a USA TODAY analysis shows.",
            dt.date(2016, 9, 22),
            [("the end of August", "DATE", "2016-08")],  # and "USA TODAY" is a newspaper
        ),
        (
            "A USA TODAY analysis of super PACs that have raised $1million or more since Jan. 1, 2015, shows "
            "Democratic groups outpacing Republicans in recent weeks.",
            dt.date(2016, 9, 22),
            [("Jan. 1, 2015", "DATE", "2015-01-01"), ("recent weeks", "DATE", "PAST_REF")],
        ),
        (
            "Tulsa police released video on Monday of last week’s shooting.",
            dt.date(2016, 9, 20),
            [("Monday", "DATE", "2016-09-19"), ("last week", "DATE", "2016-W37")],
        ),
        (  # the future: the coming Monday, not the last one
            "A majority of voters expect Clinton to win Monday's debate, the first of the presidential general election.",
            dt.date(2016, 9, 25),
            [("Monday", "DATE", "2016-09-26")],
        ),
        (
            "Twenty-two years ago, a Times article hailed Trump as “The Comeback Kid”.",
            dt.date(2016, 10, 4),
            [("Twenty-two years ago", "DATE", "1994")],
        ),
        (
            "LOS ANGELES, Sept. 28 (UPI) — In a preview clip for Mary J. Blige’s upcoming Apple Music show",
            dt.date(2016, 9, 28),
            [("Sept. 28", "DATE", "2016-09-28")],
        ),
        (
            "The Washington Post/ABC News poll was conducted from Sept. 19 to 22, surveying a random sample of 1,001 adults.",
            dt.date(2016, 9, 25),
            [("Sept. 19", "DATE", "2016-09-19"), ("22", "DATE", "2016-09-22")],
        ),
        (
            "Trump is defending his early-morning tweets, saying it shows he’d be awake for a 3 a.m. call.",
            dt.date(2016, 9, 30),
            [("3 a.m.", "TIME", "XXXX-XX-XXT03:00")],  # any night's 3 a.m.
        ),
        ("7 p.m.\n\nDonald Trump is once again questioning", dt.date(2016, 9, 30), [("7 p.m.", "TIME", "2016-09-30T19:00")]),
        (
            "Donald Trump is encouraging his supporters to visit polling locations on Election Day.",
            dt.date(2016, 9, 30),
            [("Election Day", "DATE", "2016-11-08")],
        ),
        (
            "By 9 a.m. Sunday, the Rev. Al Sharpton began taking calls from black listeners",
            dt.date(2016, 9, 19),
            [("9 a.m. Sunday", "TIME", "2016-09-18T09:00")],
        ),
        (  # a future verb before the comma does not reach the date after it
            "Fowler said he expects Clinton to fully recover from her bout with pneumonia, which forced her to "
            "leave a Sept. 11 memorial event early",
            dt.date(2016, 9, 12),
            [("Sept. 11", "DATE", "2016-09-11")],
        ),
        (
            "the emissions reduction target it pledged to reach at U.N. climate talks in Paris last December.",
            dt.date(2016, 9, 27),
            [("last December", "DATE", "2015-12")],
        ),
        (
            "After devoting much of the summer trying to woo white suburban voters turned off by Mr. Trump,",
            dt.date(2016, 9, 19),
            [("the summer", "DATE", "2016-SU")],
        ),
        (
            "[Video: FULL SPEECH: President Obama Speech at Black Caucus Foundation in Washington DC (9/17/16)",
            dt.date(2016, 9, 19),
            [("9/17/16", "DATE", "2016-09-17")],
        ),
    ],
)
def test_dev_sentences_with_their_publication_date(sentence: str, anchor: dt.date, expected: list) -> None:
    assert found(sentence, anchor) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("he has over four-and-a-half, five years of fighting ISIS now", [("five years", "DURATION", "P5Y"), ("now", "DATE", "PRESENT_REF")]),
        ("The two women spoke for about five minutes.", [("about five minutes", "DURATION", "PT5M")]),
        ("CHARLOTTE - Nearly a week after the police shooting", [("Nearly a week", "DURATION", "P1W")]),
        ("to avoid paying federal income taxes for nearly two decades.", [("nearly two decades", "DURATION", "P2DE")]),
        ("which could have allowed him to avoid paying taxes for the next 18 years.", [("the next 18 years", "DURATION", "P18Y")]),
        ("a curfew it put in place after several days of protests", [("several days", "DURATION", "PXD")]),
        ("escorted off the premises, hours before the start of the first debate", [("hours", "DURATION", "PTXH")]),
        ("a father and student who sang at church every week", [("every week", "SET", "P1W")]),
        ("Every 72 minutes, a veteran commits suicide.", [("Every 72 minutes", "SET", "PT72M")]),
        ("charities that solicit more than $25,000 a year from the public", [("a year", "SET", "P1Y")]),
        ("It's going to go on every day.", [("every day", "SET", "P1D")]),
    ],
)
def test_durations_and_sets_need_no_date(sentence: str, expected: list) -> None:
    assert found(sentence, None) == expected
    assert found(sentence, dt.date(2016, 9, 26)) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "He released a letter that says he has “extraordinarily good health” for a 63-year-old.",
        "Sarah and Timothy Rogers, 27 and 29 years old, respectively, rode in a rickshaw.",
        "But the endorsements may highlight more than editorial boards’ disdain for the nominee.",
        "A reporter for USA Today spotted Stein and her press secretary.",
        "He can't credibly make fun of the NBC Nightly News ratings.",
        "Mr. King and Mr. Morial are also participating in “Barack Obama Election Day,” a designated day",
    ],
)
def test_ages_verbs_and_names_are_not_times(sentence: str) -> None:
    assert found(sentence, dt.date(2016, 9, 30)) == []


def test_without_a_date_nothing_is_invented(seed_a: str, seed_b: str) -> None:
    for text in (seed_a, seed_b, "Twenty-two years ago, in 1995, a Times article hailed Trump yesterday, Sept. 11."):
        for t in find_times(text, None):
            # Every year in a value is written in the expression itself.
            assert set(re.findall(r"\d{4}", t.value or "")) <= set(re.findall(r"\d{4}", t.text)), t


def test_restricted_to_spans_with_offsets_into_the_text(seed_a: str) -> None:
    start = seed_a.index("Around 9,000 migrants")
    end = seed_a.index("\n", start)
    times = inside(find_times(seed_a, dt.date(2025, 5, 14)), [(start, end)])
    assert [(t.text, t.value) for t in times] == [("this year", "2025"), ("last year", "2024")]
    assert all(seed_a[t.start : t.end] == t.text for t in times)


def test_times_command(tmp_path: Path, seed_b: str) -> None:
    source, out = tmp_path / "in.jsonl", tmp_path / "times.jsonl"
    rows = [{"id": "dated", "text": seed_b, "date": "2025-05-14"}, {"id": "undated", "text": seed_b}]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert main(["times", str(source), "-o", str(out)]) == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    mondays = {r["doc_id"]: r["value"] for r in lines if r["text"] == "Monday"}
    assert mondays == {"dated": "2025-05-12", "undated": "XXXX-WXX-1"}


# --- properties ---------------------------------------------------------------------------------

WORDS = (
    "on Monday Friday night last this next year week month weekend ago years 2016 1990s the 90's end of "
    "May may Sept. 31 February 29 30th at 3 a.m. 12:50 p.m. noon every each a an two twenty-two several "
    "hours days decades 99999999999 today tonight yesterday now recently , . – to - USA Today Daily "
    "o'clock in the morning Election Day 9/11 more than about half and"
).split()
texts = st.one_of(st.text(), st.lists(st.sampled_from(WORDS) | st.text(max_size=3), max_size=30).map(" ".join))
anchors = st.none() | st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


@settings(deadline=None, max_examples=300)
@given(text=texts, anchor=anchors)
def test_any_text_gives_well_formed_expressions(text: str, anchor: dt.date | None) -> None:
    times = find_times(text, anchor)
    for t in times:
        assert 0 <= t.start < t.end <= len(text)
        assert t.text == text[t.start : t.end]
        assert t.type in ("DATE", "TIME", "DURATION", "SET")
    assert all(a.end <= b.start for a, b in zip(times, times[1:]))  # sorted, no overlaps


@settings(deadline=None, max_examples=200)
@given(text=texts, anchor=anchors, data=st.data())
def test_spans_restrict_what_is_returned(text: str, anchor: dt.date | None, data: st.DataObject) -> None:
    cuts = data.draw(st.lists(st.integers(0, len(text)), min_size=2, max_size=6))
    spans = list(zip(cuts[::2], cuts[1::2]))
    for t in inside(find_times(text, anchor), spans):
        assert any(s <= t.start and t.end <= e for s, e in spans)
        assert t.text == text[t.start : t.end]
