"""``quotewise times`` / ``quotewise numbers``: annotate whole articles, one JSON line per item."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tqdm import tqdm

from pipeline.io.reading import InputError, clobbered_input, read_inputs
from pipeline.schema import Article


def write_annotations(
    source: str, output: str, annotate: Callable[[Article], list[Any]], date: dt.date | None = None
) -> int:
    """Write ``{"doc_id", ...item}`` for every item ``annotate`` finds in every article.

    ``date`` is the publication date of articles that carry none. Bad input lines are
    reported on stderr with their id and reason and the run goes on; the exit code is 1 when
    any article failed, 2 when the output is the input (refused before anything is written), else 0. A progress bar shows on a terminal.
    """
    if clash := clobbered_input([source], [Path(output)]):
        print(f"quotewise: refusing to write {clash[0]}: it is the input {clash[1]}", file=sys.stderr)
        return 2
    failed = 0
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    with open(output, "w", encoding="utf-8") as out:
        for article in tqdm(read_inputs([source], date), unit=" articles", disable=None, file=sys.stderr):
            if isinstance(article, InputError):
                failed += 1
                tqdm.write(f"quotewise: skipped {article.doc_id} ({article.source}): {article.reason}", file=sys.stderr)
                continue
            for item in annotate(article):
                out.write(json.dumps({"doc_id": article.id, **asdict(item)}, ensure_ascii=False) + "\n")
    return 1 if failed else 0
