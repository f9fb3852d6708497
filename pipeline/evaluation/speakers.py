"""Score speaker resolution against the hand-labelled gold (``corpus/gold/speakers.jsonl``).

The resolver runs on the gold source spans (with PolNeAR's gold attributions around them,
so extraction errors are kept apart). A gold mention is resolved **correctly** when:

* its gold speaker has a name: the predicted canonical name equals it after
  :func:`pipeline.speakers.names.normalise_name` (case, titles, possessives, punctuation and
  initials dropped: "Mr. Obama's" ~ "Obama", "Joseph R. Biden Jr." ~ "Joseph Biden Jr");
* its gold speaker has no name ("a source", "Sources", "the poll"): the gold mentions of
  the article that share its predicted ``entity_id`` are exactly its gold cluster (so
  "a source" and "another source" must differ, and "the source" must join the right one).

Accuracy is reported overall and by the mention's form (name / pronoun / nominal /
unnamed, labelled in the gold); type accuracy (person / organisation / group / unnamed /
other) is reported beside it.

``python -m pipeline.evaluation.speakers`` writes ``eval/results/speakers.json`` and ``speakers.md``.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from pipeline.evaluation.attribution import write_report
from pipeline.evaluation.goldsets import REPO, RESULTS
from pipeline.evaluation.polnear import load_gold as load_polnear
from pipeline.schema import Article, Attribution, RoleSpan, Speaker
from pipeline.segment import load_nlp, segment
from pipeline.speakers.names import normalise_name
from pipeline.speakers.resolution import resolve_speakers

DEFAULT_GOLD = REPO / "corpus" / "gold" / "speakers.jsonl"
DEFAULT_DEV = REPO.parent / "shared" / "polnear" / "dev"
EXAMPLES = REPO / "corpus" / "examples"
FORMS = ("name", "pronoun", "nominal", "unnamed")


def read_gold(path: str | Path) -> dict[str, list[dict[str, Any]]]:
    """Gold mentions by document, in file order."""
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                by_doc[row["doc_id"]].append(row)
    return dict(by_doc)


def predict(article: Article, attributions: list[Attribution], rows: list[dict[str, Any]]) -> list[Speaker | None]:
    """The resolver's speaker for each gold mention: gold attributions where the mention is
    one's source, the mention alone (empty content) for articles without gold attributions."""
    by_source = {a.source.spans: i for i, a in reversed(list(enumerate(attributions))) if a.source}
    extra = []
    for row in rows:
        spans = tuple(tuple(s) for s in row["source"]["spans"])
        if spans not in by_source:
            by_source[spans] = len(attributions) + len(extra)
            extra.append(Attribution(content=RoleSpan("", ()), source=RoleSpan.from_spans(article.text, list(spans))))
    speakers = resolve_speakers(segment(article, load_nlp()), attributions + extra)
    return [speakers[by_source[tuple(tuple(s) for s in row["source"]["spans"])]] for row in rows]


def judge(rows: list[dict[str, Any]], speakers: list[Speaker | None]) -> list[bool]:
    """Per gold mention: named speakers by canonical name, unnamed ones by cluster."""
    pred_ids = [s.entity_id if s else None for s in speakers]
    out = []
    for i, (row, speaker) in enumerate(zip(rows, speakers)):
        if speaker is None:
            out.append(False)
        elif row["name"]:
            out.append(normalise_name(speaker.name) == normalise_name(row["name"]) != "")
        else:
            gold_cluster = {j for j, r in enumerate(rows) if r["entity"] == row["entity"]}
            pred_cluster = {j for j, p in enumerate(pred_ids) if p is not None and p == pred_ids[i]}
            out.append(gold_cluster == pred_cluster)
    return out


def evaluate_speakers(gold_path: str | Path = DEFAULT_GOLD, dev_dir: str | Path = DEFAULT_DEV) -> dict[str, Any]:
    """Accuracy of resolved speakers on the gold source mentions, overall and by form."""
    gold = read_gold(gold_path)
    polnear = {g.article.id: g for g in load_polnear(dev_dir) if g.article.id in gold}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # form -> [correct, total]
    typed = [0, 0]
    errors = []
    for doc_id, rows in sorted(gold.items()):
        if doc_id in polnear:
            article, attributions = polnear[doc_id].article, polnear[doc_id].attributions
        else:
            article = Article(doc_id, (EXAMPLES / f"{doc_id}.txt").read_text(encoding="utf-8"))
            attributions = []
        speakers = predict(article, attributions, rows)
        for row, speaker, ok in zip(rows, speakers, judge(rows, speakers)):
            for key in ("all", row["form"]):
                counts[key][0] += ok
                counts[key][1] += 1
            typed[0] += speaker is not None and speaker.type == row["type"]
            typed[1] += 1
            if not ok:
                errors.append(
                    {
                        "doc_id": doc_id,
                        "mention": row["source"]["text"],
                        "start": row["source"]["spans"][0][0],
                        "form": row["form"],
                        "gold": row["name"] or row["entity"],
                        "predicted": (speaker.name or speaker.entity_id) if speaker else None,
                    }
                )

    def share(c: list[int]) -> float:
        return round(c[0] / c[1], 4) if c[1] else 0.0

    return {
        "gold": Path(gold_path).name,
        "articles": len(gold),
        "mentions": counts["all"][1],
        "accuracy": share(counts["all"]),
        "correct": counts["all"][0],
        "by_form": {f: {"n": counts[f][1], "correct": counts[f][0], "accuracy": share(counts[f])} for f in FORMS},
        "type_accuracy": share(typed),
        "errors": errors,
    }


def markdown_report(result: dict[str, Any]) -> str:
    lines = [
        "# Speaker resolution",
        "",
        (
            f"Gold: `{result['gold']}`, {result['articles']} articles, {result['mentions']} source "
            "mentions (resolver run on gold source spans). Correct = same canonical name after normalisation for "
            "named speakers, same cluster of gold mentions for unnamed ones (`pipeline/evaluation/speakers.py`)."
        ),
        "",
        "| mentions | n | correct | accuracy |",
        "|---|---:|---:|---:|",
        f"| all | {result['mentions']} | {result['correct']} | {result['accuracy']:.3f} |",
    ]
    for form, c in result["by_form"].items():
        lines.append(f"| {form} | {c['n']} | {c['correct']} | {c['accuracy']:.3f} |")
    lines += ["", f"Type accuracy (person / organisation / group / unnamed / other): {result['type_accuracy']:.3f}", ""]
    if result["errors"]:
        lines += ["## Errors", "", "| doc | mention | form | gold | predicted |", "|---|---|---|---|---|"]
        for e in result["errors"]:
            mention = e["mention"].replace("|", "/").replace("\n", " ")
            lines.append(f"| {e['doc_id']} @{e['start']} | {mention} | {e['form']} | {e['gold']} | {e['predicted']} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    gold = args[0] if args else DEFAULT_GOLD
    dev = args[1] if len(args) > 1 else DEFAULT_DEV
    result = evaluate_speakers(gold, dev)
    write_report(RESULTS, "speakers", result, markdown_report(result))
    forms = ", ".join(f"{f} {c['accuracy']:.3f}" for f, c in result["by_form"].items())
    print(f"speaker accuracy {result['accuracy']:.3f} on {result['mentions']} mentions ({forms})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
