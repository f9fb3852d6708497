"""The brat reader on hand-written annotation files and on the real PolNeAR dev split."""

from __future__ import annotations

from pathlib import Path

from conftest import POLNEAR_DEV
from pipeline.polnear import load_gold, parse_ann

TEXT = "Aides said that the plan, which\nwas late, would pass. It works, critics say."
ANN = (
    "T1\tSource 0 5\tAides\n"
    "T2\tCue 6 10\tsaid\n"
    "T3\tContent 11 24;42 53\tthat the plan would pass.\n"
    "T4\tAttribution 6 10\tsaid\n"
    "E1\tAttribution:T4 Cue:T2 Source:T1 Content:T3\n"
    "T5\tContent 54 62\tIt works\n"
    "T6\tContent2 64 71\tcritics\n"
    "T7\tCue 72 75\tsay\n"
    "E2\tAttribution-no-source:T7 Cue:T7 Content:T5 Content2:T6\n"
    "#1\tAnnotatorNotes T5\ta note\n"
    "a continuation line of some T text\n"
    "T8\tDiscuss 0 5\tAides\n"
)


def test_parse_ann_roles_discontinuous_and_no_source() -> None:
    first, second = parse_ann(ANN, TEXT)
    assert first.source.text == "Aides" and first.cue.text == "said"
    assert first.content.spans == ((11, 24), (42, 53))
    assert first.content.text == "that the plan would pass."
    # Content and Content2 merge into one discontinuous content; no source.
    assert second.source is None
    assert second.content.spans == ((54, 62), (64, 71))
    assert second.cue.text == "say"


def test_flat_folder_first_annotator_is_gold(tmp_path: Path) -> None:
    (tmp_path / "doc1.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "doc1_b2.ann").write_text("T1\tCue 6 10\tsaid\nT2\tContent 11 52\tx\nE1\tAttribution:T1 Cue:T1 Content:T2\n")
    (tmp_path / "doc1_a1.ann").write_text(ANN, encoding="utf-8")
    (tmp_path / "orphan.txt").write_text("no annotations here", encoding="utf-8")
    [gold] = list(load_gold(tmp_path))
    assert gold.annotator == "a1"
    assert len(gold.attributions) == 2
    assert gold.article.outlet == "doc1"  # no metadata.tsv: the stem's prefix


def test_real_dev_split() -> None:
    gold = list(load_gold(POLNEAR_DEV))
    assert len(gold) == 84
    assert sum(len(g.attributions) for g in gold) == 2193
    assert {g.article.outlet for g in gold} == {
        "breitbart", "huff-post", "nyt", "politico", "usa-today", "wash-post", "west-journal"
    }  # fmt: skip
    first = gold[0]
    assert first.article.date is not None and first.annotator == "ef2d"
    # Every role's text is what its spans cover in the article.
    for g in gold:
        for a in g.attributions:
            for r in (a.source, a.cue, a.content):
                if r is not None and r.spans:
                    assert r.text == " ".join(g.article.text[s:e] for s, e in r.spans)
