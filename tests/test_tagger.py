"""The transformer tagger's parts: decoding, features, grouping, training a few steps, resuming."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from pipeline.attribution.decoding import (
    TAG_INDEX,
    TAGS,
    is_valid,
    rescue_orphans,
    tags_to_ranges,
    viterbi,
)
from pipeline.attribution.features import (
    N_SHAPES,
    case_of,
    paint_tags,
    paragraph_breaks,
    word_shapes,
)
from pipeline.attribution.grouping import group
from pipeline.attribution.tagger import edge_weights, encode_article, load_tokenizer, windows
from pipeline.schema import Attribution, RoleSpan

scores = st.integers(1, 60).flatmap(
    lambda n: st.tuples(
        arrays(np.float64, (n, len(TAGS)), elements=st.floats(-30, 0, allow_nan=False)),
        arrays(np.bool_, n),
        st.floats(0, 3),
    )
)


@settings(max_examples=300, deadline=None)
@given(scores)
def test_viterbi_never_emits_invalid_spans(case) -> None:
    log_probs, breaks, penalty = case
    tags = viterbi(log_probs, penalty, breaks)
    assert len(tags) == len(log_probs) and is_valid(tags)
    for i in np.flatnonzero(breaks):  # nothing continues over a paragraph break
        assert i == 0 or not TAGS[tags[i]].startswith("I-")
    # Words 0..n-1 at offsets 2i..2i+1: ranges are whole words, ordered and disjoint.
    offsets = np.array([(2 * i, 2 * i + 1) for i in range(len(tags))])
    ranges = tags_to_ranges(tags, offsets)
    assert all(s % 2 == 0 and e % 2 == 1 and s < e for _, s, e in ranges)
    assert all(a[2] < b[1] for a, b in zip(ranges, ranges[1:]))
    assert len(ranges) == sum(TAGS[t].startswith("B-") for t in tags)
    rescued = rescue_orphans(tags, log_probs, breaks, threshold=0.01)
    assert is_valid(rescued) and all(r == t for r, t in zip(rescued, tags) if TAGS[t] != "O")


def test_viterbi_repairs_an_orphan_inside_tag() -> None:
    # The per-word argmax reads O I-content I-content: an orphan. Decoding opens the span instead.
    log_probs = np.full((3, len(TAGS)), -9.0)
    log_probs[0, TAG_INDEX["O"]] = 0
    log_probs[1:, TAG_INDEX["I-content"]] = 0
    log_probs[1:, TAG_INDEX["B-content"]] = -1
    tags = viterbi(log_probs)
    assert [TAGS[t] for t in tags] == ["O", "B-content", "I-content"]


def test_rescue_gives_an_orphan_content_its_cue_and_source() -> None:
    # "Clinton backed the bill": Viterbi tags only the content; "backed" is a likely cue (0.2),
    # "Clinton" a likely source (0.3).
    log_probs = np.log(np.full((4, len(TAGS)), 0.01))
    log_probs[:, TAG_INDEX["O"]] = np.log(0.6)
    log_probs[0, TAG_INDEX["B-source"]] = np.log(0.3)
    log_probs[1, TAG_INDEX["B-cue"]] = np.log(0.2)
    log_probs[2, TAG_INDEX["B-content"]] = log_probs[3, TAG_INDEX["I-content"]] = 0.0
    tags = viterbi(log_probs)
    assert [TAGS[t] for t in tags] == ["O", "O", "B-content", "I-content"]
    breaks = np.zeros(4, dtype=bool)
    assert [TAGS[t] for t in rescue_orphans(tags, log_probs, breaks, 0.1)] == ["B-source", "B-cue", "B-content", "I-content"]
    assert [TAGS[t] for t in rescue_orphans(tags, log_probs, breaks, 0.25)] == ["O", "O", "B-content", "I-content"]


def test_case_and_shapes() -> None:
    assert [case_of(w) for w in ("said", "Greenwood", "NATO", "McCain", "9,000", "I")] == [0, 1, 2, 3, 4, 1]
    text = 'He said:\n"Yes" he'
    offsets = np.array([(0, 2), (3, 7), (7, 8), (9, 10), (10, 13), (13, 14), (15, 17)])
    shapes = word_shapes(text, offsets)
    assert shapes.max() < N_SHAPES and len(set(shapes.tolist())) > 3
    assert paragraph_breaks(text, offsets).tolist() == [False, False, False, True, False, False, False]
    quoted = shapes % 2
    assert quoted.tolist() == [0, 0, 0, 1, 1, 1, 0]


def test_paint_tags_keeps_the_outer_of_nested_attributions() -> None:
    text = "Bob said Ann said it rained"
    offsets = np.array([(0, 3), (4, 8), (9, 12), (13, 17), (18, 20), (21, 27)])
    inner = Attribution(RoleSpan.from_spans(text, [(18, 27)]), RoleSpan.from_spans(text, [(13, 17)]), RoleSpan.from_spans(text, [(9, 12)]))
    outer = Attribution(RoleSpan.from_spans(text, [(9, 27)]), RoleSpan.from_spans(text, [(4, 8)]), RoleSpan.from_spans(text, [(0, 3)]))
    tags = [TAGS[t] for t in paint_tags(offsets, [outer, inner])]
    assert tags == ["B-source", "B-cue", "B-content", "I-content", "I-content", "I-content"]


def test_encode_article_keeps_words_whole(seed_a: str) -> None:
    article = encode_article(load_tokenizer("minilm"), seed_a)
    assert len(article.word_offsets) == len(article.first_token) == len(article.shapes)
    assert np.all(np.diff(article.first_token) > 0)
    for s, e in article.word_offsets[:200]:
        assert seed_a[s:e] == seed_a[s:e].strip() and e > s
    assert len(seed_a[article.word_offsets[-1, 1]:].strip()) == 0


def test_windows_cover_every_token() -> None:
    for n in (0, 5, 254, 255, 1000):
        spans = windows(n, 254, 128)
        covered = set().union(*(range(s, e) for s, e in spans)) if spans else set()
        assert covered == set(range(n)) and all(e - s <= 254 for s, e in spans)


def test_edge_weights_trust_the_window_with_more_context() -> None:
    n = 1000
    spans = windows(n, 254, 128)
    weights = np.zeros(n)
    for s, e in spans:
        w = edge_weights(s, e, n)
        assert len(w) == e - s and np.all(w > 0)
        weights[s:e] += w
    assert np.all(weights > 0)  # every token's scores are a proper weighted mean
    first, second = spans[0], spans[1]
    # Token 130 sits 2 tokens into the second window but far from the first one's cut edge.
    t = 130
    assert edge_weights(*first, n)[t - first[0]] > edge_weights(*second, n)[t - second[0]]
    # The article's own start is no cut: the first window trusts its first token fully.
    assert edge_weights(*first, n)[0] == first[1] - first[0]


def _ranges(text: str, *pieces: tuple[str, str]) -> list:
    """Tagged ranges for substrings of ``text`` (first occurrence after the previous one)."""
    out, at = [], 0
    for role, piece in pieces:
        start = text.index(piece, at)
        out.append(((role, start, start + len(piece)), 0.9))
        at = start + len(piece)
    return out


def test_grouping_joins_the_pieces_of_one_quote_around_its_cue() -> None:
    text = "“We will win,” she said, “and soon.” Bob said it rained."
    ranges = _ranges(text, ("content", "“We will win,”"), ("source", "she"), ("cue", "said"),
                     ("content", "“and soon.”"), ("source", "Bob"), ("cue", "said"), ("content", "it rained"))
    found = group(ranges, text, [0, 37])
    assert [(a.source.text, a.cue.text, len(a.content.spans)) for a in found] == [("she", "said", 2), ("Bob", "said", 1)]


def test_grouping_gives_each_cue_of_a_sentence_its_own_content() -> None:
    # Seed a: the quote lies nearer "did not say" than "said", but it is what she said.
    text = 'Lilian Greenwood said on Wednesday that "there are talks" but did not say what a deal could look like.'
    ranges = _ranges(text, ("source", "Lilian Greenwood"), ("cue", "said"), ("content", 'that "there are talks"'),
                     ("cue", "did not say"), ("content", "what a deal could look like"))
    found = group(ranges, text, [0])
    assert [(a.source.text, a.cue.text, a.content.text) for a in found] == [
        ("Lilian Greenwood", "said", 'that "there are talks"'),
        ("Lilian Greenwood", "did not say", "what a deal could look like"),
    ]


def test_grouping_reads_doubled_apostrophes_as_quotation_marks() -> None:
    # The New York Times quotes ''like this'': the pieces around the cue are one quote.
    text = "''We will win,'' she said. ''And soon.''"
    ranges = _ranges(text, ("content", "''We will win,''"), ("source", "she"), ("cue", "said"), ("content", "''And soon.''"))
    [found] = group(ranges, text, [0, 27])
    assert found.content.spans == ((0, 16), (27, 40))


def test_grouping_joins_a_paraphrase_around_a_parenthetical_cue() -> None:
    text = "Climate change, Mr. Obama often says, is the greatest threat. Asked about coal, he said that it was over."
    ranges = _ranges(text, ("content", "Climate change"), ("source", "Mr. Obama"), ("cue", "often says"),
                     ("content", "is the greatest threat"), ("content", "coal"), ("source", "he"), ("cue", "said"),
                     ("content", "that it was over"))
    first, second = group(ranges, text, [0, 62])
    assert first.content.spans == ((0, 14), (38, 60)) and first.cue.text == "often says"
    assert second.content.text == "that it was over"  # one comma: "coal" is what he was asked about


def test_grouping_closes_a_source_with_an_appositive_by_its_comma() -> None:
    # PolNeAR's convention: "Mitch McConnell, R-Ky.," takes the comma that closes it; "Mr. Kamin" none.
    text = "Mitch McConnell, R-Ky., said taxes rise. Mr. Kamin, a lawyer who, said no."
    ranges = _ranges(text, ("source", "Mitch McConnell, R-Ky."), ("cue", "said"), ("content", "taxes rise"),
                     ("source", "Mr. Kamin,"), ("cue", "said"), ("content", "no"))
    first, second = group(ranges, text, [0, 41])
    assert first.source.text == "Mitch McConnell, R-Ky.," and second.source.text == "Mr. Kamin"


def test_grouping_takes_a_source_from_the_cue_s_own_sentence_only() -> None:
    text = "The minister arrived late. Taxes will rise, it was said."
    ranges = _ranges(text, ("source", "The minister"), ("content", "Taxes will rise"), ("cue", "was said"))
    [found] = group(ranges, text, [0, 27])
    assert found.source is None and found.cue.text == "was said"


def test_grouping_keeps_a_headline_colon_as_its_cue() -> None:
    text = "Pence: Gennifer Flowers Won’t Be at Debate.\n\nHe said so."
    ranges = _ranges(text, ("source", "Pence"), ("cue", ":"), ("content", "Gennifer Flowers Won’t Be at Debate"),
                     ("content", "."))
    [found] = group(ranges, text, [0, 45])  # the stray full stop is no content
    assert (found.source.text, found.cue.text) == ("Pence", ":")


def test_grouping_leaves_the_dateline_out_of_a_source() -> None:
    text = "BRUSSELS - European leaders said they would meet."
    ranges = _ranges(text, ("source", "BRUSSELS - European leaders"), ("cue", "said"), ("content", "they would meet"))
    [found] = group(ranges, text, [0])
    assert found.source.text == "European leaders"


def test_grouping_leaves_a_bare_full_stop_out_of_a_content() -> None:
    text = "He said taxes will rise. She said: “Not so.”"
    ranges = _ranges(text, ("source", "He"), ("cue", "said"), ("content", "taxes will rise."),
                     ("source", "She"), ("cue", "said:"), ("content", "“Not so.”"))
    first, second = group(ranges, text, [0, 25])
    assert first.content.text == "taxes will rise" and second.content.text == "“Not so.”"


def test_grouping_without_source_and_over_paragraphs() -> None:
    text = "It was said that taxes rise.\nMr Retailleau added: “We have to deal with it.\n“We need to change.”"
    ranges = _ranges(text, ("cue", "was said"), ("content", "that taxes rise"), ("source", "Mr Retailleau"),
                     ("cue", "added:"), ("content", "“We have to deal with it."), ("content", "“We need to change.”"))
    first, second = group(ranges, text, [0, 29, 77])
    assert first.source is None and first.cue.text == "was said"
    assert second.source.text == "Mr Retailleau" and second.content.text.endswith("“We need to change.”")
    assert len(second.content.spans) == 2


def test_grouping_keeps_the_statement_nearest_its_cue() -> None:
    # "the returns agreement" is what she was pressed on, not part of her quote.
    text = "Pressed on the returns agreement, Ms Greenwood said: “I can confirm talks.”"
    ranges = _ranges(text, ("content", "the returns agreement"), ("source", "Ms Greenwood"), ("cue", "said:"),
                     ("content", "“I can confirm talks.”"))
    [found] = group(ranges, text, [0])
    assert found.content.text == "“I can confirm talks.”" and found.source.text == "Ms Greenwood"


def test_grouping_joins_quote_paragraphs_after_a_closed_quote() -> None:
    text = "It said: “France wants this.”\n“It’s a pilot scheme.\n“It is one-for-one.”"
    ranges = _ranges(text, ("source", "It"), ("cue", "said:"), ("content", "“France wants this.”"),
                     ("content", "“It’s a pilot scheme."), ("content", "“It is one-for-one.”"))
    [found] = group(ranges, text, [0, 30, 52])
    assert len(found.content.spans) == 3 and found.cue.text == "said:"


def test_grouping_drops_attributions_below_the_confidence_floor() -> None:
    # An orphan content (no cue) counts half its tags' probability; the floor leaves it out.
    text = "Bob said it rained.\nTaxes will rise."
    ranges = _ranges(text, ("source", "Bob"), ("cue", "said"), ("content", "it rained"), ("content", "Taxes will rise"))
    assert [a.content.text for a in group(ranges, text, [0, 20])] == ["it rained", "Taxes will rise"]
    [kept] = group(ranges, text, [0, 20], min_confidence=0.5)
    assert kept.content.text == "it rained" and kept.cue.text == "said"
