"""What the evaluations against ``corpus/gold/`` share: where their articles' text is, and
scoring each system on the whole gold and on each of its splits."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from pipeline.paths import REPO

# The seeds, then PolNeAR dev read in place (CI and developers have ../shared beside the repo).
TEXT_DIRS = (REPO / "corpus" / "examples", REPO.parent / "shared" / "polnear" / "dev" / "text")
RESULTS = REPO / "eval" / "results"

G = TypeVar("G")


def article_text(doc_id: str, text_dirs: Iterable[Path] = TEXT_DIRS) -> str:
    """The text of ``doc_id`` from the first folder holding ``<doc_id>.txt``."""
    dirs = list(text_dirs)
    for d in dirs:
        if (d / f"{doc_id}.txt").exists():
            return (d / f"{doc_id}.txt").read_text(encoding="utf-8")
    raise FileNotFoundError(f"no text for {doc_id} in {[str(d) for d in dirs]}")


def scores_by_split(
    gold_path: str | Path,
    gold: dict[str, G],
    split_of: Callable[[G], str | None],
    size: tuple[str, Callable[[G], int]],
    score: Callable[[dict[str, G]], dict[str, Any]],
) -> dict[str, Any]:
    """``score`` of the whole gold ("all") and of each split, with each part's documents and size.

    A gold's ``split`` tells the articles the rules were developed against ("tuning") from
    those labelled after they were frozen ("heldout"); each guide records the blind scores.
    """
    names = sorted({s for g in gold.values() if (s := split_of(g))})
    parts = {"all": gold} | {n: {d: g for d, g in gold.items() if split_of(g) == n} for n in names}
    noun, count = size
    path = Path(gold_path)
    return {
        "gold": str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path),
        "splits": {
            name: {"documents": sorted(docs), noun: sum(count(g) for g in docs.values()), "systems": score(docs)}
            for name, docs in parts.items()
        },
    }



def parts_summary(result: dict[str, Any], noun: str) -> str:
    """"Gold: PATH. all: N NOUN in M articles; heldout: ..." for a :func:`scores_by_split` result."""
    parts = "; ".join(f"{n}: {p[noun]} {noun} in {len(p['documents'])} articles" for n, p in result["splits"].items())
    return f"Gold: {result['gold']}. {parts}."
