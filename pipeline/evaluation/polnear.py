"""Read PolNeAR-style gold: brat standoff ``.ann`` beside plain ``.txt`` articles.

Shared by evaluation and training. Two layouts are understood:

* PolNeAR's split folders: ``DIR/text/<stem>.txt`` and ``DIR/attributions/<stem>_<annotator>.ann``
  (``metadata.tsv`` in ``DIR`` or its parent supplies publisher and publication date);
* a flat folder: ``DIR/<stem>.txt`` beside ``DIR/<stem>.ann`` (or ``<stem>_<annotator>.ann``).

Where an article has several annotation files, the one whose annotator id sorts first is
the gold (EVAL-CONTRACT.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.schema import Article, Attribution, RoleSpan, Span

ATTRIBUTION_TYPES = ("Attribution", "Attribution-no-source")
_TEXT_BOUND = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)\t")
_RELATION = re.compile(r"^(E\d+)\t(\S+)")


@dataclass
class GoldArticle:
    article: Article
    attributions: list[Attribution]
    annotator: str | None = None


def parse_ann(ann: str, text: str) -> list[Attribution]:
    """Parse brat standoff into attributions, in the order of their ``E`` lines.

    ``Content``, ``Content2``, ... are merged into one discontinuous content. A relation with
    no content (a handful in PolNeAR) is kept with an empty content: it is still a gold
    attribution that a system can only miss.
    """
    bounds: dict[str, list[Span]] = {}
    relations: list[tuple[str, list[tuple[str, str]]]] = []
    for line in ann.splitlines():
        if m := _TEXT_BOUND.match(line):
            ranges = [tuple(map(int, part.split())) for part in m.group(3).split(";")]
            bounds[m.group(1)] = [r for r in ranges if len(r) == 2]  # type: ignore[misc]
        elif m := _RELATION.match(line):
            kind, *args = line.split("\t")[1].split()
            if kind.split(":")[0] in ATTRIBUTION_TYPES:
                relations.append((m.group(1), [tuple(a.split(":", 1)) for a in args]))  # type: ignore[misc]

    out = []
    for _, args in relations:
        roles: dict[str, list[Span]] = {"Source": [], "Cue": [], "Content": []}
        for role, ref in args:
            base = role.rstrip("0123456789")
            if base in roles and ref in bounds:
                roles[base].extend(bounds[ref])

        def role_span(name: str) -> RoleSpan | None:
            return RoleSpan.from_spans(text, roles[name]) if roles[name] else None

        content = role_span("Content") or RoleSpan("", ())
        out.append(Attribution(content=content, cue=role_span("Cue"), source=role_span("Source")))
    return out


def read_metadata(path: Path) -> dict[str, dict[str, str]]:
    """``metadata.tsv`` rows keyed by file stem."""
    with path.open(encoding="utf-8", newline="") as f:
        return {row["filename"]: row for row in csv.DictReader(f, delimiter="\t")}


def _find_metadata(folder: Path) -> dict[str, dict[str, str]]:
    for candidate in (folder / "metadata.tsv", folder.parent / "metadata.tsv"):
        if candidate.is_file():
            return read_metadata(candidate)
    return {}


def _ann_files(ann_dir: Path) -> dict[str, list[Path]]:
    """Map stem -> its annotation files, sorted by annotator id."""
    found: dict[str, list[Path]] = {}
    for path in sorted(ann_dir.glob("*.ann")):
        found.setdefault(path.stem, []).append(path)
    return found


def _pick_annotation(stem: str, anns: dict[str, list[Path]]) -> tuple[Path | None, str | None]:
    if stem in anns:
        return anns[stem][0], None
    prefix = [(p.stem[len(stem) + 1 :], p) for ps in anns.values() for p in ps if p.stem.startswith(stem + "_")]
    if not prefix:
        return None, None
    annotator, path = min(prefix)
    return path, annotator


def publisher_of(stem: str) -> str:
    """PolNeAR stems start with the publisher code: ``nyt_2016-10-14_...``."""
    return stem.split("_", 1)[0]


def load_gold(folder: str | Path) -> Iterator[GoldArticle]:
    """Yield every annotated article of a gold folder, sorted by id."""
    folder = Path(folder)
    text_dir, ann_dir = (folder / "text", folder / "attributions")
    if not text_dir.is_dir():
        text_dir = ann_dir = folder
    if not text_dir.is_dir():
        raise FileNotFoundError(f"no gold folder at {folder}")
    metadata = _find_metadata(folder)
    anns = _ann_files(ann_dir)
    for txt in sorted(text_dir.glob("*.txt")):
        ann_path, annotator = _pick_annotation(txt.stem, anns)
        if ann_path is None:
            continue
        text = txt.read_text(encoding="utf-8")
        meta = metadata.get(txt.stem, {})
        date = meta.get("publication_date")
        article = Article(
            id=txt.stem,
            text=text,
            date=dt.date.fromisoformat(date) if date else None,
            title=meta.get("title") or None,
            outlet=meta.get("publisher") or publisher_of(txt.stem),
        )
        attributions = parse_ann(ann_path.read_text(encoding="utf-8"), text)
        yield GoldArticle(article, attributions, annotator)
