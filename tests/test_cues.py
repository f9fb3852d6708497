"""The cue lexicon: the shipped one, and building one from a slice of PolNeAR train."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from conftest import SHARED

from pipeline.attribution.cues import CueLexicon, build_lexicon, dumps
from pipeline.attribution.rules import LEXICON_PATH
from pipeline.evaluation.polnear import load_gold

POLNEAR_TRAIN = SHARED / "polnear" / "train"


@pytest.fixture(scope="module")
def lexicon() -> CueLexicon:
    return CueLexicon.load(LEXICON_PATH)


def test_shipped_lexicon_has_the_reporting_verbs(lexicon: CueLexicon) -> None:
    assert lexicon.lemmas["say"][0] > 1000  # thousands of "said" cues in PolNeAR train
    assert lexicon.precision("say") > lexicon.precision("tell") > 0.5
    assert lexicon.precision("be") < 0.05  # a frequent cue head, but rarely a cue
    assert lexicon.precision("table") == 0.0  # never a cue: absent


def test_shipped_lexicon_has_multi_word_cues(lexicon: CueLexicon) -> None:
    cue, total, precision = lexicon.phrases["accord to"]
    assert cue > 100 and precision > 0.8  # "according to" is nearly always a cue
    assert "call for" in lexicon.phrases and "point out" in lexicon.phrases


def test_counts_are_consistent(lexicon: CueLexicon) -> None:
    for cue, total, precision in itertools.chain(lexicon.lemmas.values(), lexicon.phrases.values()):
        assert 0 < cue <= total and precision == pytest.approx(cue / total, abs=1e-4)


@pytest.mark.skipif(not POLNEAR_TRAIN.is_dir(), reason="PolNeAR train not beside the checkout")
def test_build_from_a_slice_of_train_round_trips(tmp_path: Path) -> None:
    built = build_lexicon(itertools.islice(load_gold(POLNEAR_TRAIN), 5), progress=False)
    assert built["articles"] == 5 and "say" in built["lemmas"]
    path = tmp_path / "cues.json"
    path.write_text(dumps(built), encoding="utf-8")
    loaded = CueLexicon.load(path)
    say = built["lemmas"]["say"]
    assert loaded.lemmas["say"] == (say["cue"], say["total"], say["precision"])
