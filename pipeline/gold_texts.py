"""Where the hand-labelled gold in ``corpus/gold/`` finds its articles' text."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The seeds, then PolNeAR dev read in place (CI and developers have ../shared beside the repo).
TEXT_DIRS = (REPO / "corpus" / "examples", REPO.parent / "shared" / "polnear" / "dev" / "text")


def article_text(doc_id: str, text_dirs: Iterable[Path] = TEXT_DIRS) -> str:
    """The text of ``doc_id`` from the first folder holding ``<doc_id>.txt``."""
    dirs = list(text_dirs)
    for d in dirs:
        if (d / f"{doc_id}.txt").exists():
            return (d / f"{doc_id}.txt").read_text(encoding="utf-8")
    raise FileNotFoundError(f"no text for {doc_id} in {[str(d) for d in dirs]}")
