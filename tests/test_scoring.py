"""The contract's metrics on hand-made cases; expected numbers are worked out in comments."""

from __future__ import annotations

import pytest

from pipeline.schema import Attribution, RoleSpan
from pipeline.scoring import Counts, DocScores, score_document, visible_chars

# 0         1         2         3         4         5
# 012345678901234567890123456789012345678901234567890123
TEXT = "Ms Greenwood said that talks are ongoing with France."


def role(*spans: tuple[int, int]) -> RoleSpan:
    return RoleSpan.from_spans(TEXT, list(spans))


GOLD = Attribution(content=role((18, 52)), cue=role((13, 17)), source=role((0, 12)))


def test_counts_prf() -> None:
    c = Counts(matched=2, predicted=4, gold=5)
    assert (c.precision, c.recall) == (0.5, 0.4)
    assert c.f1 == pytest.approx(2 * 0.5 * 0.4 / 0.9)
    assert Counts().f1 == 0.0


def test_visible_chars_ignore_whitespace() -> None:
    # "Ms Greenwood" covers 12 characters, one of them a space.
    assert len(visible_chars(TEXT, role((0, 12)))) == 11


def test_perfect_prediction_scores_one() -> None:
    s = score_document(TEXT, [GOLD], [GOLD])
    for r in ("source", "cue", "content"):
        for m in ("exact", "overlap", "token"):
            assert s.roles[r][m].f1 == 1.0
    assert (s.attribution.f1, s.source_ok) == (1.0, 1)


def test_exact_ignores_surrounding_whitespace_only() -> None:
    # " said " (12..18) has the same non-whitespace characters as "said" (13..17): exact.
    # "said that" differs: not exact, but overlapping.
    padded = Attribution(content=role((18, 52)), cue=role((12, 18)), source=role((0, 12)))
    longer = Attribution(content=role((18, 52)), cue=role((13, 22)), source=role((0, 12)))
    assert score_document(TEXT, [GOLD], [padded]).roles["cue"]["exact"].matched == 1
    s = score_document(TEXT, [GOLD], [longer])
    assert s.roles["cue"]["exact"].matched == 0
    assert s.roles["cue"]["overlap"].matched == 1


def test_token_metric_gives_partial_credit() -> None:
    # Gold content "that talks are ongoing with France" = 6 tokens (the final "." is outside).
    # Predicted "talks are ongoing" (23..40) = 3 tokens, all gold: P = 3/3, R = 3/6.
    pred = Attribution(content=role((23, 40)), cue=role((13, 17)), source=role((0, 12)))
    token = score_document(TEXT, [GOLD], [pred]).roles["content"]["token"]
    assert (token.matched, token.predicted, token.gold) == (3, 3, 6)
    # A prediction that takes the full stop too covers 7 tokens: P = 6/7.
    wider = Attribution(content=role((18, 53)), cue=None, source=None)
    token = score_document(TEXT, [GOLD], [wider]).roles["content"]["token"]
    assert (token.matched, token.predicted, token.gold) == (6, 7, 6)


def test_overlap_is_one_to_one_greedy_by_largest_overlap() -> None:
    # Two predicted contents overlap the one gold content: "talks are" (23..32, 8 visible
    # characters) and "ongoing with France" (33..52, 17 visible). Greedy takes the larger
    # overlap; the other stays unmatched: P = 1/2, R = 1/1.
    a = Attribution(content=role((23, 32)))
    b = Attribution(content=role((33, 52)))
    overlap = score_document(TEXT, [GOLD], [a, b]).roles["content"]["overlap"]
    assert (overlap.matched, overlap.predicted, overlap.gold) == (1, 2, 1)


def test_discontinuous_spans_compare_as_character_sets() -> None:
    # Gold content in two pieces equals a prediction with the same two pieces in other order.
    gold = Attribution(content=role((18, 22), (33, 52)))
    pred = Attribution(content=role((33, 52), (18, 22)))
    assert score_document(TEXT, [gold], [pred]).roles["content"]["exact"].matched == 1
    assert gold.content.text == "that ongoing with France"


def test_null_roles_are_not_counted() -> None:
    # Gold has no source (Attribution-no-source); the prediction has none either:
    # source counts stay 0/0/0 and source_ok holds (both null).
    gold = Attribution(content=role((18, 52)), cue=role((13, 17)))
    s = score_document(TEXT, [gold], [gold])
    assert (s.roles["source"]["exact"].predicted, s.roles["source"]["exact"].gold) == (0, 0)
    assert s.source_ok == 1


def test_attribution_needs_cue_overlap_only_where_gold_has_a_cue() -> None:
    wrong_cue = Attribution(content=role((18, 52)), cue=role((0, 2)), source=role((0, 12)))
    assert score_document(TEXT, [GOLD], [wrong_cue]).attribution.matched == 0
    # Gold without a cue: content overlap alone is enough.
    cueless_gold = Attribution(content=role((18, 52)))
    assert score_document(TEXT, [cueless_gold], [wrong_cue]).attribution.matched == 1


def test_source_ok_counts_matched_pairs_with_agreeing_sources() -> None:
    # Two gold attributions, both matched; one predicted source is wrong: source_ok = 1/2.
    gold2 = Attribution(content=role((41, 52)), cue=role((13, 17)), source=role((0, 2)))
    pred1 = Attribution(content=role((18, 40)), cue=role((13, 17)), source=role((3, 12)))
    pred2 = Attribution(content=role((41, 52)), cue=role((13, 17)), source=None)
    gold1 = Attribution(content=role((18, 40)), cue=role((13, 17)), source=role((0, 12)))
    s = score_document(TEXT, [gold1, gold2], [pred1, pred2])
    assert s.attribution.matched == 2
    assert s.source_ok == 1 and s.source_ok_rate == 0.5


def test_duplicate_predictions_match_once() -> None:
    s = score_document(TEXT, [GOLD], [GOLD, GOLD])
    assert (s.roles["cue"]["exact"].matched, s.roles["cue"]["exact"].predicted) == (1, 2)
    assert (s.attribution.matched, s.attribution.predicted) == (1, 2)


def test_no_predictions() -> None:
    s = score_document(TEXT, [GOLD], [])
    assert s.attribution.recall == 0.0 and s.roles["content"]["token"].gold == 6


def test_micro_average_sums_documents() -> None:
    # Doc 1: 1/1 matched. Doc 2: 0 of 1 gold, 1 spurious prediction.
    # Corpus: matched 1, predicted 2, gold 2 → P = R = F1 = 0.5 (not the mean of 1.0 and 0.0).
    miss = Attribution(content=role((0, 2)), cue=role((3, 12)))
    total = DocScores() + score_document(TEXT, [GOLD], [GOLD]) + score_document(TEXT, [GOLD], [miss])
    assert (total.attribution.matched, total.attribution.predicted, total.attribution.gold) == (1, 2, 2)
    assert total.attribution.f1 == 0.5
