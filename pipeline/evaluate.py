"""``quotewise eval``: score a model (or a records file) against PolNeAR-style gold.

Reports the contract's metrics overall and per publisher, as JSON and a markdown table.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from pipeline.polnear import GoldArticle, load_gold
from pipeline.schema import Attribution, role_from_json
from pipeline.scoring import MEASURES, ROLES, DocScores, score_document


@dataclass
class EvalReport:
    overall: DocScores
    by_publisher: dict[str, DocScores] = field(default_factory=dict)
    documents: int = 0

    def to_json(self) -> dict:
        return {
            "documents": self.documents,
            "overall": self.overall.to_json(),
            "by_publisher": {k: v.to_json() for k, v in sorted(self.by_publisher.items())},
        }


def score_corpus(gold: Iterable[GoldArticle], predictions: dict[str, list[Attribution]]) -> EvalReport:
    """Micro-averaged scores; a gold article with no predictions counts as predicting nothing."""
    overall = DocScores()
    by_publisher: dict[str, DocScores] = defaultdict(DocScores)
    n = 0
    for g in gold:
        scores = score_document(g.article.text, g.attributions, predictions.get(g.article.id, []))
        overall = overall + scores
        publisher = g.article.outlet or "unknown"
        by_publisher[publisher] = by_publisher[publisher] + scores
        n += 1
    return EvalReport(overall, dict(by_publisher), n)


def read_predictions(path: str | Path, texts: dict[str, str]) -> dict[str, list[Attribution]]:
    """Attributions from a records JSONL (contract format), keyed by doc id.

    Raises ``ValueError`` naming the line for malformed JSON, a missing content, an unknown
    doc id, or spans outside the article.
    """
    found: dict[str, list[Attribution]] = defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                row = json.loads(line)
                doc_id = row["doc_id"]
                content = row["content"]
            except (json.JSONDecodeError, KeyError, TypeError) as e:
                raise ValueError(f"{where}: not a contract record ({type(e).__name__}: {e})") from None
            if doc_id not in texts:
                raise ValueError(f"{where}: doc_id {doc_id!r} is not in the gold folder")
            text = texts[doc_id]
            roles = [row.get("source"), row.get("cue"), content]
            if content is None or any(
                not (0 <= s <= e <= len(text)) for r in roles if r for s, e in r.get("spans", [])
            ):
                raise ValueError(f"{where}: content missing or spans outside the article")
            found[doc_id].append(
                Attribution(
                    content=role_from_json(content, text),
                    cue=role_from_json(row.get("cue"), text),
                    source=role_from_json(row.get("source"), text),
                )
            )
    return dict(found)


def predict(gold: list[GoldArticle], model: str, progress: bool = True) -> dict[str, list[Attribution]]:
    """Run a model over the gold texts."""
    from pipeline.annotate import annotate

    out = {}
    for g in tqdm(gold, desc=f"eval ({model})", unit=" articles", disable=not progress, file=sys.stderr):
        out[g.article.id] = [
            Attribution(content=r.content, cue=r.cue, source=r.source, kind=r.kind, confidence=r.confidence)
            for r in annotate(g.article, model)
        ]
    return out


def _row(name: str, s: DocScores) -> str:
    cells = [f"{s.roles[r][m].f1:.3f}" for r in ROLES for m in MEASURES]
    a = s.attribution
    return f"| {name} | " + " | ".join(cells) + f" | {a.precision:.3f} | {a.recall:.3f} | {a.f1:.3f} | {s.source_ok_rate:.3f} |"


def markdown_report(report: EvalReport, title: str) -> str:
    """The report as markdown: F1 per role and measure, attribution P/R/F1 and source_ok."""
    head = "| | " + " | ".join(f"{r} {m}" for r in ROLES for m in MEASURES) + " | attr P | attr R | attr F1 | source_ok |"
    rule = "|" + "---|" * (2 + len(ROLES) * len(MEASURES) + 3)
    o = report.overall
    lines = [
        f"## {title}",
        "",
        f"{report.documents} documents. F1 per role (exact / overlap / token); attribution P, R, F1; "
        "source_ok = share of matched attributions whose sources agree.",
        "",
        head,
        rule,
        _row("**all**", o),
        *(_row(p, s) for p, s in sorted(report.by_publisher.items())),
        "",
        "Per-role precision / recall (exact): "
        + "; ".join(f"{r} {o.roles[r]['exact'].precision:.3f} / {o.roles[r]['exact'].recall:.3f}" for r in ROLES),
        "",
    ]
    return "\n".join(lines)


def run_eval(
    gold: str, model: str = "fast", predictions: str | None = None, out_dir: str = "eval/results", name: str | None = None
) -> int:
    """Score, write ``OUT/NAME.json`` and ``OUT/NAME.md``, print the markdown. 0 on success."""
    try:
        articles = list(load_gold(gold))
    except FileNotFoundError as e:
        print(f"quotewise: {e}", file=sys.stderr)
        return 2
    try:
        preds = (
            read_predictions(predictions, {g.article.id: g.article.text for g in articles})
            if predictions
            else predict(articles, model)
        )
    except ValueError as e:
        print(f"quotewise: {e}", file=sys.stderr)
        return 2
    name = name or (Path(predictions).stem if predictions else model)
    report = score_corpus(articles, preds)
    title = f"{name} on {gold}"
    md = markdown_report(report, title)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps({"name": name, "gold": gold, **report.to_json()}, indent=1) + "\n")
    (out / f"{name}.md").write_text(md)
    print(md)
    return 0
