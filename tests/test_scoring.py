"""Every metric of EVAL-CONTRACT.md on hand-made cases; the expected numbers are worked out in
the comments. Counts are pinned as (matched, predicted, gold)."""

from __future__ import annotations

import pytest

from pipeline.evaluation.scoring import (
    MEASURES,
    ROLES,
    Counts,
    DocScores,
    score_document,
    visible_chars,
)
from pipeline.schema import Attribution, RoleSpan

# Offsets:  0         1         2         3         4         5
#           01234567890123456789012345678901234567890123456789012
TEXT = "Ms Greenwood said that talks are ongoing with France."
# Word tokens (\w+|[^\w\s]): Ms Greenwood | said | that talks are ongoing with France | .
# so the gold source has 2 tokens, the cue 1, the content 6.


def role(*spans: tuple[int, int]) -> RoleSpan:
    return RoleSpan.from_spans(TEXT, list(spans))


def attribution(
    content: tuple[int, int], cue: tuple[int, int] | None = None, source: tuple[int, int] | None = None
) -> Attribution:
    return Attribution(content=role(content), cue=cue and role(cue), source=source and role(source))


def counts(c: Counts) -> tuple[int, int, int]:
    return (c.matched, c.predicted, c.gold)


SOURCE, CUE, CONTENT = (0, 12), (13, 17), (18, 52)  # "Ms Greenwood" "said" "that talks ... France"
GOLD = attribution(CONTENT, CUE, SOURCE)


def test_counts_precision_recall_f1() -> None:
    c = Counts(matched=2, predicted=4, gold=5)
    assert (c.precision, c.recall) == (0.5, 0.4)
    assert c.f1 == pytest.approx(2 * 0.5 * 0.4 / 0.9)  # 0.444...
    assert (Counts().precision, Counts().recall, Counts().f1) == (0.0, 0.0, 0.0)  # nothing: 0, not a crash
    assert Counts(1, 2, 3) + Counts(1, 1, 1) == Counts(2, 3, 4)


def test_visible_chars_ignore_every_kind_of_whitespace() -> None:
    # "Ms Greenwood": 12 characters, one a space → 11 visible.
    assert len(visible_chars(TEXT, role(SOURCE))) == 11
    text = "a\n\u00a0\tb"  # newline, no-break space and tab are whitespace too
    assert visible_chars(text, RoleSpan.from_spans(text, [(0, 5)])) == {0, 4}
    assert visible_chars(TEXT, None) == frozenset()


def test_perfect_prediction_scores_one_everywhere() -> None:
    s = score_document(TEXT, [GOLD], [GOLD])
    expected = {"source": (1, 1, 1), "cue": (1, 1, 1), "content": (1, 1, 1)}
    tokens = {"source": (2, 2, 2), "cue": (1, 1, 1), "content": (6, 6, 6)}
    for r in ROLES:
        assert counts(s.roles[r]["exact"]) == counts(s.roles[r]["overlap"]) == expected[r]
        assert counts(s.roles[r]["token"]) == tokens[r]
        assert all(s.roles[r][m].f1 == 1.0 for m in MEASURES)
    assert counts(s.attribution) == (1, 1, 1) and s.source_ok == 1 and s.source_ok_rate == 1.0
    assert s.documents == 1


def test_exact_ignores_whitespace_differences_only() -> None:
    # " said " (12..18) and "Ms Greenwood " (0..13) have the same visible characters as the gold
    # "said" and "Ms Greenwood": exact. "said that" (13..22) has 4 more: not exact, but overlapping.
    padded = attribution(CONTENT, (12, 18), (0, 13))
    s = score_document(TEXT, [GOLD], [padded])
    assert counts(s.roles["cue"]["exact"]) == counts(s.roles["source"]["exact"]) == (1, 1, 1)
    longer = score_document(TEXT, [GOLD], [attribution(CONTENT, (13, 22), SOURCE)])
    assert counts(longer.roles["cue"]["exact"]) == (0, 1, 1)
    assert counts(longer.roles["cue"]["overlap"]) == (1, 1, 1)
    # Tokens: the cue prediction covers "said that" (2), the gold "said" (1): P = 1/2, R = 1/1.
    assert counts(longer.roles["cue"]["token"]) == (1, 2, 1)


def test_token_metric_gives_partial_credit() -> None:
    # "talks are ongoing" (23..40): 3 tokens, all gold; gold has 6 → P = 3/3, R = 3/6.
    token = score_document(TEXT, [GOLD], [attribution((23, 40))]).roles["content"]["token"]
    assert counts(token) == (3, 3, 6) and (token.precision, token.recall) == (1.0, 0.5)
    # Taking the full stop too (18..53): 7 tokens, 6 gold → P = 6/7, R = 1.
    token = score_document(TEXT, [GOLD], [attribution((18, 53))]).roles["content"]["token"]
    assert counts(token) == (6, 7, 6) and token.precision == pytest.approx(6 / 7)
    # A span cutting words, "at talks are ong" (20..36), touches that/talks/are/ongoing: 4 of 6.
    token = score_document(TEXT, [GOLD], [attribution((20, 36))]).roles["content"]["token"]
    assert counts(token) == (4, 4, 6)
    # ...and no exact match, but an overlap.
    s = score_document(TEXT, [GOLD], [attribution((20, 36))])
    assert counts(s.roles["content"]["exact"]) == (0, 1, 1)
    assert counts(s.roles["content"]["overlap"]) == (1, 1, 1)


def test_overlap_is_one_to_one_greedy_by_largest_overlap() -> None:
    # Gold contents G1 "that talks are ongoing" (18..40), G2 "with France" (41..52).
    # P1 "talks" (23..28) overlaps G1 by 5; P2 "ongoing with" (33..45) overlaps G1 by 7, G2 by 4.
    # Greedy takes the largest first, P2-G1 (7); then P1-G1 and P2-G2 are blocked → 1 match,
    # where taking the predictions in order (P1-G1, P2-G2) would have made 2.
    gold = [attribution((18, 40)), attribution((41, 52))]
    overlap = score_document(TEXT, gold, [attribution((23, 28)), attribution((33, 45))]).roles["content"]["overlap"]
    assert counts(overlap) == (1, 2, 2)


def test_overlap_ties_go_to_the_tighter_pair() -> None:
    # Gold cues G1 "said that" (13..22) and G2 "said" (13..17); predicted P1 "said", P2 "that".
    # P1 overlaps both by 4 characters; the tighter pair P1-G2 (union 4, not 8) wins, so P2-G1
    # still pairs: 2 overlaps. P1 = G2 is also the one exact match.
    gold = [attribution(CONTENT, (13, 22)), attribution(CONTENT, (13, 17))]
    s = score_document(TEXT, gold, [attribution(CONTENT, (13, 17)), attribution(CONTENT, (18, 22))])
    assert counts(s.roles["cue"]["overlap"]) == (2, 2, 2)
    assert counts(s.roles["cue"]["exact"]) == (1, 2, 2)


def test_discontinuous_spans_compare_as_character_sets() -> None:
    # Gold content in two pieces, "that" + "ongoing with France".
    gold = [Attribution(content=role((18, 22), (33, 52)))]
    assert gold[0].content.text == "that ongoing with France"
    # The same pieces in the other order, or with whitespace on their edges: exact.
    for pieces in ([(33, 52), (18, 22)], [(18, 23), (32, 52)]):
        pred = Attribution(content=RoleSpan.from_spans(TEXT, pieces))
        assert counts(score_document(TEXT, gold, [pred]).roles["content"]["exact"]) == (1, 1, 1)
    # One contiguous span over both (18..52) adds "talks are": not exact, overlapping, and
    # tokens P = 4/6 (that, ongoing, with, France of 6 covered), R = 4/4.
    s = score_document(TEXT, gold, [attribution(CONTENT)])
    assert counts(s.roles["content"]["exact"]) == (0, 1, 1)
    assert counts(s.roles["content"]["overlap"]) == (1, 1, 1)
    assert counts(s.roles["content"]["token"]) == (4, 6, 4)


def test_null_roles_count_neither_predicted_nor_gold() -> None:
    no_source = attribution(CONTENT, CUE)  # PolNeAR's Attribution-no-source
    # Both null: source counts 0/0/0 (F1 0, not 1: there is nothing to score) and source_ok holds.
    s = score_document(TEXT, [no_source], [no_source])
    assert all(counts(s.roles["source"][m]) == (0, 0, 0) for m in MEASURES)
    assert s.source_ok == 1
    # A source where gold has none: a false positive (0/1/0), and the sources disagree.
    s = score_document(TEXT, [no_source], [GOLD])
    assert counts(s.roles["source"]["exact"]) == (0, 1, 0) and counts(s.roles["source"]["token"]) == (0, 2, 0)
    assert (s.attribution.matched, s.source_ok) == (1, 0)
    # No source where gold has one: a miss (0/0/1), and the sources disagree.
    s = score_document(TEXT, [GOLD], [no_source])
    assert counts(s.roles["source"]["overlap"]) == (0, 0, 1) and counts(s.roles["source"]["token"]) == (0, 0, 2)
    assert (s.attribution.matched, s.source_ok) == (1, 0)
    # A null cue is likewise neither predicted nor gold.
    s = score_document(TEXT, [attribution(CONTENT)], [attribution(CONTENT)])
    assert counts(s.roles["cue"]["exact"]) == (0, 0, 0)


def test_attribution_needs_cue_overlap_only_where_gold_has_a_cue() -> None:
    wrong_cue = attribution(CONTENT, (0, 2), SOURCE)  # cue "Ms" does not touch "said"
    no_cue = attribution(CONTENT, None, SOURCE)
    assert counts(score_document(TEXT, [GOLD], [wrong_cue]).attribution) == (0, 1, 1)
    assert counts(score_document(TEXT, [GOLD], [no_cue]).attribution) == (0, 1, 1)
    # A cue that only overlaps ("said that") is enough.
    assert counts(score_document(TEXT, [GOLD], [attribution(CONTENT, (13, 22))]).attribution) == (1, 1, 1)
    # Gold without a cue: content overlap alone matches, whatever the predicted cue.
    cueless = attribution(CONTENT, None, SOURCE)
    assert counts(score_document(TEXT, [cueless], [wrong_cue]).attribution) == (1, 1, 1)
    assert counts(score_document(TEXT, [cueless], [no_cue]).attribution) == (1, 1, 1)
    # Contents must overlap: right cue and source, content "Ms" (0..2) → no match.
    assert counts(score_document(TEXT, [GOLD], [attribution((0, 2), CUE, SOURCE)]).attribution) == (0, 1, 1)


def test_attribution_pairs_greedy_by_content_overlap_after_the_cue_test() -> None:
    # G1: content "that talks are ongoing" (18..40), cue "said", source "Ms Greenwood".
    # G2: content "with France" (41..52), no cue, no source.
    gold = [attribution((18, 40), CUE, SOURCE), attribution((41, 52))]
    # P content "talks are ongoing with France" (23..52) overlaps G1 by 15, G2 by 10.
    # With the right cue it pairs with G1 (larger); its source "Greenwood" overlaps → source_ok 1.
    s = score_document(TEXT, gold, [attribution((23, 52), CUE, (3, 12))])
    assert counts(s.attribution) == (1, 1, 2) and s.source_ok == 1
    # With a wrong cue G1 is out of reach, so it pairs with cue-less G2; both sources null → ok.
    s = score_document(TEXT, gold, [attribution((23, 52), (0, 2))])
    assert counts(s.attribution) == (1, 1, 2) and s.source_ok == 1


def test_source_ok_is_the_share_of_matched_pairs_with_agreeing_sources() -> None:
    # Three gold attributions, all matched: sources overlap ("Greenwood" vs "Ms Greenwood"),
    # disagree (null vs "Ms"), and are both null → source_ok = 2 of 3.
    gold = [attribution((18, 28), CUE, SOURCE), attribution((29, 40), CUE, (0, 2)), attribution((41, 52), CUE)]
    pred = [attribution((18, 28), CUE, (3, 12)), attribution((29, 40), CUE), attribution((41, 52), CUE)]
    s = score_document(TEXT, gold, pred)
    assert counts(s.attribution) == (3, 3, 3)
    assert s.source_ok == 2 and s.source_ok_rate == pytest.approx(2 / 3)
    assert DocScores().source_ok_rate == 0.0  # no matched pairs: 0, not a crash


def test_duplicates_match_once() -> None:
    # The same prediction twice: every role and the attribution match once of two predicted.
    s = score_document(TEXT, [GOLD], [GOLD, GOLD])
    for r in ROLES:
        assert counts(s.roles[r]["exact"]) == counts(s.roles[r]["overlap"]) == (1, 2, 1)
    assert counts(s.attribution) == (1, 2, 1) and s.source_ok == 1
    # Tokens are a set per role: the duplicate adds none, so token scores stay perfect.
    assert counts(s.roles["content"]["token"]) == (6, 6, 6)
    # Gold attributions sharing one source (one brat T for two relations): one predicted source
    # matches one of the two gold sources.
    shared = [attribution((18, 40), CUE, SOURCE), attribution((41, 52), CUE, SOURCE)]
    s = score_document(TEXT, shared, [attribution((18, 40), CUE, SOURCE)])
    assert counts(s.roles["source"]["exact"]) == (1, 1, 2) and counts(s.roles["source"]["token"]) == (2, 2, 2)


def test_no_predictions() -> None:
    s = score_document(TEXT, [GOLD], [])
    gold_counts = {"source": (1, 2), "cue": (1, 1), "content": (1, 6)}  # roles, tokens
    for r in ROLES:
        n_roles, n_tokens = gold_counts[r]
        assert counts(s.roles[r]["exact"]) == counts(s.roles[r]["overlap"]) == (0, 0, n_roles)
        assert counts(s.roles[r]["token"]) == (0, 0, n_tokens)
    assert counts(s.attribution) == (0, 0, 1) and s.attribution.f1 == 0.0


def test_gold_without_content_can_only_be_missed() -> None:
    # PolNeAR has a relation with no Content: it stays a gold attribution; empty sets never match.
    empty = Attribution(content=RoleSpan("", ()))
    s = score_document(TEXT, [empty], [empty, GOLD])
    assert counts(s.roles["content"]["exact"]) == (0, 2, 1)
    assert counts(s.attribution) == (0, 2, 1)


def test_micro_average_sums_documents() -> None:
    # Doc 1: perfect, 1 of 1. Doc 2: three gold, one prediction matching none ("Ms" as content).
    # Corpus: matched 1, predicted 2, gold 4 → P = 1/2, R = 1/4, F1 = 1/3;
    # the mean of the documents' F1 (1 and 0) would be 1/2.
    doc1 = score_document(TEXT, [GOLD], [GOLD])
    doc2 = score_document(TEXT, [GOLD, GOLD, GOLD], [attribution((0, 2), CUE)])
    total = DocScores() + doc1 + doc2
    assert counts(total.attribution) == (1, 2, 4)
    assert (total.attribution.precision, total.attribution.recall) == (0.5, 0.25)
    assert total.attribution.f1 == pytest.approx(1 / 3)
    # Role counts add the same way: cue exact 1 + 1 (doc 2's cue matches one gold "said") of 2
    # predicted, 4 gold; content tokens 6 of 6 + 0 of 1 ("Ms") against 6 + 6 gold.
    assert counts(total.roles["cue"]["exact"]) == (2, 2, 4)
    assert counts(total.roles["content"]["token"]) == (6, 7, 12)
    assert total.documents == 2 and total.source_ok == 1
    assert total.to_json()["attribution"] == {
        "p": 0.5, "r": 0.25, "f1": 0.3333, "matched": 1, "predicted": 2, "gold": 4, "source_ok": 1.0
    }  # fmt: skip


def test_reliability_counts_predictions_by_tenth_of_confidence() -> None:
    # The right prediction (confidence 0.85) matches the gold; "Ms Greenwood" as a content
    # (confidence 0.3) overlaps no gold content; an unset confidence (1.0) lands in 0.9-1.0.
    right = Attribution(content=role(CONTENT), cue=role(CUE), source=role(SOURCE), confidence=0.85)
    wrong = Attribution(content=role(SOURCE), confidence=0.3)
    unset = Attribution(content=role((0, 2)))
    s = score_document(TEXT, [GOLD], [right, wrong, unset])
    assert {b: counts(c) for b, c in s.by_confidence.items()} == {3: (0, 1, 0), 8: (1, 1, 0), 9: (0, 1, 0)}
    assert counts((s + s).by_confidence[8]) == (2, 2, 0)
    assert s.to_json()["reliability"][1] == {"from": 0.8, "to": 0.9, "predicted": 1, "matched": 1, "share": 1.0}
