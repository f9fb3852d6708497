"""The brat reader on hand-written annotation files and on the real PolNeAR dev split."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import POLNEAR_DEV

from pipeline.evaluation.polnear import load_gold, parse_ann

# Offsets: Aides 0-5, said 6-10, "that ... pass." 11-53 (crosses the line break), It works 54-62,
# critics 64-71, say 72-75, and saves money 77-92, Reportedly 94-104, it was quick 105-117,
# it was cheap 122-134.
TEXT = (
    "Aides said that the plan, which\nwas late, would pass. It works, critics say, and saves money. "
    "Reportedly it was quick and it was cheap."
)
ANN = (
    "T1\tSource 0 5\tAides\n"
    "T2\tCue 6 10\tsaid\n"
    # A span over a line break: brat writes its text over two lines; the second is no annotation.
    "T3\tContent 11 53\tthat the plan, which\n"
    "was late, would pass.\n"
    "T4\tAttribution 6 10\tsaid\n"  # the relation's trigger, not a role
    "E1\tAttribution:T4 Cue:T2 Source:T1 Content:T3\n"
    "T5\tContent 54 62;77 92\tIt works and saves money\n"  # one discontinuous text-bound
    "T6\tSource 64 71\tcritics\n"
    "T7\tCue 72 75\tsay\n"
    "T8\tAttribution 72 75\tsay\n"
    "E2\tAttribution:T8 Content:T5 Source:T6 Cue:T7\n"
    "T9\tCue 94 104\tReportedly\n"
    "T10\tContent 105 117\tit was quick\n"
    "T11\tContent 122 134\tit was cheap\n"
    "T12\tAttribution 94 104\tReportedly\n"
    "E3\tAttribution-no-source:T12 Cue:T9 Content:T10 Content2:T11\n"  # Content2 joins Content
    "#1\tAnnotatorNotes T10\tunsure\n"
    "T13\tDiscuss 0 5\tAides\n"
)
# A second annotator's file for the same article: one attribution only.
OTHER_ANN = "T1\tCue 6 10\tsaid\nT2\tContent 11 53\tx\nE1\tAttribution:T1 Cue:T1 Content:T2\n"


def test_parse_ann_roles() -> None:
    first, second, third = parse_ann(ANN, TEXT)
    assert (first.source.text, first.cue.text) == ("Aides", "said")
    assert first.content.spans == ((11, 53),) and first.content.text == TEXT[11:53]
    # Discontinuous spans stay several ranges; text joins the pieces with a space.
    assert second.content.spans == ((54, 62), (77, 92))
    assert second.content.text == "It works and saves money"
    assert (second.source.text, second.cue.text) == ("critics", "say")
    # Attribution-no-source: no source; Content and Content2 merge into one content.
    assert third.source is None and third.cue.text == "Reportedly"
    assert third.content.spans == ((105, 117), (122, 134))
    assert third.content.text == "it was quick it was cheap"


def test_relation_without_content_is_kept() -> None:
    # PolNeAR has one such relation in dev: still a gold attribution, one a system can only miss.
    [empty] = parse_ann("T1\tAttribution 0 5\tAides\nE1\tAttribution-no-source:T1 \n", TEXT)
    assert (empty.content.spans, empty.cue, empty.source) == ((), None, None)


def test_flat_folder_first_annotator_is_gold(tmp_path: Path) -> None:
    (tmp_path / "doc1.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "doc1_b2.ann").write_text(OTHER_ANN, encoding="utf-8")
    (tmp_path / "doc1_a1.ann").write_text(ANN, encoding="utf-8")
    (tmp_path / "orphan.txt").write_text("no annotations here", encoding="utf-8")  # skipped
    [gold] = list(load_gold(tmp_path))
    assert (gold.article.id, gold.annotator, len(gold.attributions)) == ("doc1", "a1", 3)
    assert gold.article.outlet == "doc1" and gold.article.date is None  # no metadata.tsv


def test_polnear_layout_with_metadata(tmp_path: Path) -> None:
    # PolNeAR: SPLIT/text/STEM.txt, SPLIT/attributions/STEM_ANNOTATOR.ann, metadata.tsv beside SPLIT.
    split = tmp_path / "dev"
    (split / "text").mkdir(parents=True)
    (split / "attributions").mkdir()
    stem = "nyt_2016-10-14_plan-passes"
    (split / "text" / f"{stem}.txt").write_text(TEXT, encoding="utf-8")
    (split / "attributions" / f"{stem}_4e07.ann").write_text(OTHER_ANN, encoding="utf-8")
    (split / "attributions" / f"{stem}_4b22.ann").write_text(ANN, encoding="utf-8")
    (tmp_path / "metadata.tsv").write_text(
        "compartment\tfilename\tpublisher\tpublication_date\ttitle\n"
        f"dev\t{stem}\tnew-york-times\t2016-10-14\tThe plan passes\n",
        encoding="utf-8",
    )
    [gold] = list(load_gold(split))
    assert (gold.annotator, len(gold.attributions)) == ("4b22", 3)
    article = gold.article
    assert (article.outlet, article.date, article.title) == ("new-york-times", dt.date(2016, 10, 14), "The plan passes")


def test_real_dev_split() -> None:
    gold = list(load_gold(POLNEAR_DEV))
    attributions = [a for g in gold for a in g.attributions]
    assert (len(gold), len(attributions)) == (84, 2193)
    assert sum(a.source is None for a in attributions) == 127
    assert sum(len(a.content.spans) > 1 for a in attributions) == 301
    publishers = {"breitbart", "huff-post", "nyt", "politico", "usa-today", "wash-post", "west-journal"}
    assert {g.article.outlet for g in gold} == publishers
    assert all(sum(g.article.outlet == p for g in gold) == 12 for p in publishers)
    assert all(g.article.date is not None for g in gold)
    # The two agreement articles have six annotation files each; 4b22 sorts first.
    annotators = {g.article.id: g.annotator for g in gold}
    assert annotators["politico_2016-09-08_flynn-says-trump-absolutely-righ"] == "4b22"
    assert annotators["wash-post_2016-09-26_charlotte-struggles-to-return-to"] == "4b22"
    # Every role's text is what its spans cover in the article.
    for g in gold:
        for a in g.attributions:
            for r in (a.source, a.cue, a.content):
                if r is not None:
                    assert r.text == " ".join(g.article.text[s:e] for s, e in r.spans)
