"""The index's cross-article rules on wordings from the claim gold's articles: quote fragments
inside a summary, names the resolver ran over punctuation, and weak attributions settled by
what other outlets credit."""

from __future__ import annotations

from pipeline.index.build import build_index
from pipeline.index.records import IndexedRecord, record_from_json
from pipeline.index.speakers import name_key
from pipeline.index.text import quoted_fragments
from tests.test_index import record


def indexed(*rows: dict) -> list[IndexedRecord]:
    out = [record_from_json(r)[0] for r in rows]
    assert all(out)
    return out  # type: ignore[return-value]


def claim_of(index: dict, record_id: str) -> str:
    return next(c["claim_id"] for c in index["claims"] for m in c["members"] if m["record_id"] == record_id)


def speaker_of(index: dict, record_id: str) -> str:
    return next(s["speaker_id"] for s in index["speakers"] if record_id in s["records"])


def test_a_summary_quoting_a_fragment_meets_the_statement_by_the_same_speaker() -> None:
    records = indexed(
        record("huff", 1, "Hillary Clinton", "Hillary Clinton", "the Republican frontrunner “ISIS’ best recruiter.”"),
        record("west", 1, "Hillary Clinton", "Clinton", "He is becoming ISIS’s best recruiter."),
        record("post", 1, "Bernie Sanders", "Sanders", "He is becoming ISIS’s best recruiter."),
    )
    index = build_index(records, {})
    assert claim_of(index, "huff:1") == claim_of(index, "west:1")
    assert claim_of(index, "huff:1") != claim_of(index, "post:1")  # a fragment counts for its own speaker only


def test_only_quotes_inside_a_summary_are_fragments() -> None:
    assert quoted_fragments("she wanted to speak “directly to white people” and “this is not who we are.”", 3) == [
        ["directly", "to", "white", "people"],
        ["this", "is", "not", "who", "we", "are"],
    ]
    assert quoted_fragments("“He is becoming ISIS’s best recruiter,” “They are going to people”", 3) == []
    assert quoted_fragments("Clinton had been “extremely careless” in her handling", 3) == []


def test_a_name_run_over_a_quote_or_a_comma_is_compared_by_its_last_part() -> None:
    assert name_key("John McCain,” Trump") == "trump"
    assert name_key("Martin Luther King, Jr.") == "martin luther king"
    assert name_key("Felipe Calderón") == "felipe calderon"


def test_a_surname_the_resolver_gave_to_the_wrong_clinton_follows_the_other_outlets() -> None:
    quote = "They are going to people, showing videos of Donald Trump insulting Islam and Muslims in order to recruit more radical jihadists."
    records = indexed(
        record("huff", 1, "Hillary Clinton", "Hillary Clinton", quote),
        record("west", 1, "Bill Clinton", "Clinton", quote),
        record("west", 2, "Bill Clinton", "Bill Clinton", "She is the best-qualified candidate in my lifetime."),
    )
    index = build_index(records, {})
    assert speaker_of(index, "west:1") == speaker_of(index, "huff:1")
    assert speaker_of(index, "west:2") != speaker_of(index, "huff:1")  # his own statement stays his


def test_a_full_name_or_outlets_that_disagree_keep_each_articles_speaker() -> None:
    quote = "She didn’t have a particular video in mind, but he is being used in social media by terrorists."
    records = indexed(
        record("huff", 1, "Hillary Clinton", "Hillary Clinton", quote),
        record("post", 1, "Jennifer Palmieri", "Jennifer Palmieri", quote),
        record("west", 1, "Bill Clinton", "Clinton", quote),
    )
    index = build_index(records, {})
    assert claim_of(index, "huff:1") == claim_of(index, "post:1") == claim_of(index, "west:1")
    assert len({speaker_of(index, f"{d}:1") for d in ("huff", "post", "west")}) == 3
