"""The ``default`` and ``accurate`` models: the fine-tuned tagger as an extractor.

Each reads its folder under ``models/`` (weights loaded once per process), tags the article,
groups the spans into attributions and maps each raw confidence through the calibration
fitted on dev. Where the model was trained to read them, the ``fast`` rules' readings of the
same ``Doc`` are its second input.
"""

from __future__ import annotations

import math
from pathlib import Path

from spacy.tokens import Doc

from pipeline.attribution.grouping import group
from pipeline.attribution.registry import register
from pipeline.attribution.rule_readings import read_rules
from pipeline.attribution.tagger import CONFIG, WEIGHTS, Tagger
from pipeline.paths import MODELS_DIR
from pipeline.schema import Attribution
from pipeline.segment import doc_text, sentences


def calibrated(raw: float, calibration: list[float]) -> float:
    """Platt scaling: the chance, fitted on dev, that an attribution with this raw score is right."""
    a, b = calibration
    return 1 / (1 + math.exp(-(a * raw + b)))


class TaggerExtractor:
    def __init__(self, name: str, folder: Path) -> None:
        if not (folder / CONFIG).is_file() or not (folder / WEIGHTS).is_file():
            raise FileNotFoundError(
                f"model {name!r} has no weights in {folder}: train it with `make train MODEL={name}`"
            )
        self.name = name
        self.tagger = Tagger.load(folder)

    def __call__(self, doc: Doc) -> list[Attribution]:
        text = doc_text(doc)
        rules = read_rules(doc) if self.tagger.reads_rules else None
        starts = [s.start_char for s in sentences(doc)]
        found = group(self.tagger.ranges(text, rules), text, starts, self.tagger.config.min_confidence)
        for a in found:
            a.confidence = calibrated(a.confidence, self.tagger.config.calibration)
        return found


@register("default")
def default_extractor() -> TaggerExtractor:
    return TaggerExtractor("default", MODELS_DIR / "default")


@register("accurate")
def accurate_extractor() -> TaggerExtractor:
    return TaggerExtractor("accurate", MODELS_DIR / "accurate")
