"""``quotewise eval``: score a model, or a records file, against PolNeAR-style gold.

Writes ``OUT/NAME.json`` (every count, overall and per publisher) and ``OUT/NAME.md``, and
prints the markdown. :func:`markdown_table`, :func:`prf_cells` and :func:`write_report` are
kept generic so that other evaluations (speakers, numbers, times) report the same way.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from pipeline.evaluation.polnear import GoldArticle, load_gold
from pipeline.evaluation.scoring import (
    MEASURES,
    ROLES,
    Counts,
    DocScores,
    score_document,
)
from pipeline.schema import Attribution, RoleSpan, role_from_json


@dataclass
class CorpusScores:
    """Micro-averaged scores over a corpus and over each publisher's slice of it."""

    overall: DocScores
    by_publisher: dict[str, DocScores]

    def to_json(self) -> dict[str, Any]:
        return {
            "overall": self.overall.to_json(),
            "by_publisher": {p: s.to_json() for p, s in sorted(self.by_publisher.items())},
        }


def score_corpus(gold: Iterable[GoldArticle], predictions: Mapping[str, list[Attribution]]) -> CorpusScores:
    """Score every gold article; one with no predictions counts as predicting nothing."""
    overall = DocScores()
    by_publisher: dict[str, DocScores] = defaultdict(DocScores)
    for g in gold:
        scores = score_document(g.article.text, g.attributions, predictions.get(g.article.id, []))
        overall += scores
        by_publisher[g.article.outlet or "unknown"] += scores
    return CorpusScores(overall, dict(by_publisher))


# --- reading predictions ---------------------------------------------------------------


def _role(row: dict[str, Any], key: str, text: str) -> RoleSpan | None:
    """A contract role checked against the article; ``text`` is rebuilt from the spans."""
    obj = row.get(key)
    if obj is None:
        return None
    if not isinstance(obj, dict) or not isinstance(obj.get("spans"), list):
        raise ValueError(f"{key!r} is neither null nor {{'text', 'spans'}}")
    for span in obj["spans"]:
        if not (isinstance(span, list) and len(span) == 2 and all(type(x) is int for x in span)):
            raise ValueError(f"{key!r} span {span!r} is not [start, end]")
        if not 0 <= span[0] <= span[1] <= len(text):
            raise ValueError(f"{key!r} span {span} is outside the article ({len(text)} characters)")
    # An exporter may write a missing source or cue as empty spans rather than null.
    return role_from_json(obj, text) if obj["spans"] else None


def attribution_from_json(row: Any, text: str) -> Attribution:
    """One contract record as an :class:`Attribution`; ``ValueError`` says what is wrong."""
    if not isinstance(row, dict):
        raise ValueError("not a JSON object")
    content = _role(row, "content", text)
    if content is None:
        raise ValueError("'content' is missing or has no spans")
    return Attribution(content=content, cue=_role(row, "cue", text), source=_role(row, "source", text))


def read_predictions(path: str | Path, texts: Mapping[str, str]) -> dict[str, list[Attribution]]:
    """Attributions from a records JSONL keyed by doc id; ``texts`` maps gold ids to articles.

    Raises ``ValueError`` naming ``path:line`` for a line that is not a contract record or
    whose doc id is not in the gold.
    """
    found: dict[str, list[Attribution]] = defaultdict(list)
    with open(path, "rb") as f:
        for lineno, raw in enumerate(f, start=1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw.decode("utf-8"))
                doc_id = row.get("doc_id") if isinstance(row, dict) else None
                if not isinstance(doc_id, str):
                    raise ValueError("not a JSON object with a string 'doc_id'")
                if doc_id not in texts:
                    raise ValueError(f"doc_id {doc_id!r} is not in the gold folder")
                found[doc_id].append(attribution_from_json(row, texts[doc_id]))
            except ValueError as e:  # JSONDecodeError and UnicodeDecodeError included
                raise ValueError(f"{path}:{lineno}: {e}") from None
    return dict(found)


def predict(gold: Sequence[GoldArticle], model: str, progress: bool = True) -> dict[str, list[Attribution]]:
    """Run ``model`` over the gold texts."""
    from pipeline.annotate import annotate
    from pipeline.attribution.registry import available

    if model not in available():
        raise ValueError(f"unknown model {model!r}; available: {', '.join(available())}")
    return {
        g.article.id: [
            Attribution(content=r.content, cue=r.cue, source=r.source, kind=r.kind, confidence=r.confidence)
            for r in annotate(g.article, model)
        ]
        for g in tqdm(gold, desc=f"eval {model}", unit="article", disable=not progress, file=sys.stderr)
    }


# --- reporting -------------------------------------------------------------------------


def prf_cells(c: Counts) -> list[str]:
    """Precision, recall and F1 as table cells."""
    return [f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}"]


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A GitHub-flavoured markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def overall_table(s: DocScores) -> str:
    """P, R, F1 and counts for every role and measure, then the attribution row."""
    cells = [(r, m, s.roles[r][m]) for r in ROLES for m in MEASURES]
    cells.append(("**attribution**", "content + cue", s.attribution))
    rows = [[r, m, *prf_cells(c), c.matched, c.predicted, c.gold] for r, m, c in cells]
    return markdown_table(["role", "measure", "P", "R", "F1", "matched", "predicted", "gold"], rows)


def publisher_table(overall: DocScores, by_publisher: Mapping[str, DocScores]) -> str:
    """One row per publisher (and one for all): F1 of every role measure, attribution P/R/F1."""
    measures = [(r, m) for r in ROLES for m in MEASURES]
    header = ["publisher", "docs", *(f"{r} {m}" for r, m in measures), "attr P", "attr R", "attr F1", "source_ok"]
    rows = [
        [name, s.documents, *(f"{s.roles[r][m].f1:.3f}" for r, m in measures), *prf_cells(s.attribution),
         f"{s.source_ok_rate:.3f}"]
        for name, s in [("**all**", overall), *sorted(by_publisher.items())]
    ]  # fmt: skip
    return markdown_table(header, rows)


def reliability_table(s: DocScores) -> str:
    """One column per tenth of confidence: predictions there and the share that matched."""
    bins = s.by_confidence.items()
    header = ["confidence", *(f"{b / 10:.1f}–{(b + 1) / 10:.1f}" for b, _ in bins)]
    rows = [["predictions", *(c.predicted for _, c in bins)], ["matched", *(f"{c.precision:.2f}" for _, c in bins)]]
    return markdown_table(header, rows)


def markdown_report(scores: CorpusScores, title: str) -> str:
    """The overall table (P, R, F1, counts), source_ok, then the per-publisher table."""
    o = scores.overall
    return "\n".join(
        [
            f"## {title}",
            "",
            f"{o.documents} documents, {o.attribution.gold} gold attributions; metrics of EVAL-CONTRACT.md, "
            "micro-averaged. Role counts are roles (exact, overlap) or word tokens (token).",
            "",
            overall_table(o),
            "",
            f"source_ok: {o.source_ok_rate:.3f} ({o.source_ok} of {o.attribution.matched} matched attributions "
            "have overlapping or both-null sources).",
            "",
            "### Per publisher (F1; P and R in the JSON)",
            "",
            publisher_table(o, scores.by_publisher),
            "",
            "### Confidence reliability (share of predictions matching a gold attribution)",
            "",
            reliability_table(o),
            "",
        ]
    )


def write_report(out_dir: str | Path, name: str, data: dict[str, Any], markdown: str) -> None:
    """``OUT/NAME.json`` and ``OUT/NAME.md``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / f"{name}.md").write_text(markdown, encoding="utf-8")


def run_eval(
    gold: str,
    model: str = "default",
    predictions: str | None = None,
    out_dir: str = "eval/results",
    name: str | None = None,
) -> int:
    """Score, write the reports, print the markdown. 0 on success, 2 on bad input."""
    try:
        articles = list(load_gold(gold))
        if not articles:
            raise ValueError(f"no annotated articles in {gold}")
        texts = {g.article.id: g.article.text for g in articles}
        preds = read_predictions(predictions, texts) if predictions else predict(articles, model)
    except (OSError, ValueError) as e:
        print(f"quotewise: {e}", file=sys.stderr)
        return 2
    name = name or (Path(predictions).stem if predictions else model)
    scored = {"predictions": predictions} if predictions else {"model": model}
    scores = score_corpus(articles, preds)
    markdown = markdown_report(scores, f"{name}: {predictions or 'model ' + model} on {gold}")
    write_report(out_dir, name, {"name": name, "gold": gold, **scored, **scores.to_json()}, markdown)
    print(markdown)
    return 0
