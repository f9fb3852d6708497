"""``quotewise times`` / ``quotewise numbers``: every time expression or quantity of each
article, one JSON line each, run by :func:`pipeline.io.batch.run_batch` (same errors file,
ledger, ``--resume``, ``-j`` and exit codes as ``extract``)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pipeline.schema import Article


def time_rows(article: Article, failures: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """``quotewise times``' step: the article's time expressions, resolved against its date."""
    from pipeline.normalisers.timex import find_times

    return [{"doc_id": article.id, **asdict(t)} for t in find_times(article.text, article.date)]


def number_rows(article: Article, failures: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """``quotewise numbers``' step: the article's quantities (spaCy's parse gives their units)."""
    from pipeline.normalisers.quantities import find_quantities
    from pipeline.segment import segment

    return [{"doc_id": article.id, **asdict(q)} for q in find_quantities(segment(article))]


STEPS = {"times": time_rows, "numbers": number_rows}
