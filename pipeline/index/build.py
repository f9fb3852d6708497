"""``quotewise index``: read records (and their articles), write speakers, claims and figures.

Bad input never stops the run: each record line or article that cannot be used as it is gets
a line in ``INDEX/errors.jsonl`` and on stderr, and everything else is indexed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pipeline.index.articles import load_articles
from pipeline.index.claims import ClaimRules, claim_entries, cluster_claims
from pipeline.index.crediting import recredit
from pipeline.index.embeddings import encode
from pipeline.index.figures import group_figures
from pipeline.index.records import IndexedRecord, IndexIssue, read_records
from pipeline.index.speakers import speaker_entries, speaker_keys
from pipeline.index.text import normalised
from pipeline.index.writing import ERRORS, summary, write_jsonl
from pipeline.schema import Article, RoleSpan


def check_against_articles(records: list[IndexedRecord], articles: dict[str, Article]) -> list[IndexIssue]:
    """A record whose article is not among the inputs, or whose content is not what its
    article holds at its offsets (a record of another version of the article), is kept and
    reported."""
    issues = []
    for r in records:
        article = articles.get(r.doc_id)
        if article is None:
            reason = f"unknown doc id {r.doc_id!r}: not among the articles; indexed from the record alone"
        elif r.spans and (
            max(e for _, e in r.spans) > len(article.text)
            or normalised(RoleSpan.from_spans(article.text, r.spans).text) != normalised(r.text)
        ):
            reason = "content does not match the article's text at its offsets; indexed from the record alone"
        else:
            continue
        issues.append(IndexIssue(r.id, reason, r.doc_id, r.id))
    return issues


def build_index(
    records: list[IndexedRecord], articles: dict[str, Article], rules: ClaimRules = ClaimRules()
) -> dict[str, list[dict[str, Any]]]:
    """The three index files' lines, from usable records and the articles at hand."""
    key_of = speaker_keys(records)
    speakers, speaker_of = speaker_entries(records, key_of)
    named = {s["speaker_id"] for s in speakers if s["name"]}
    clusters = cluster_claims(records, speaker_of, named, encode, rules)
    # The claims then settle weak attributions (a pronoun, a bare surname, no source).
    if moved := recredit(records, clusters, key_of):
        speakers, speaker_of = speaker_entries(records, key_of | moved)
    outlets = {doc_id: a.outlet for doc_id, a in articles.items()}
    return {
        "speakers": speakers,
        "claims": claim_entries(clusters, records, speaker_of, outlets),
        "figures": group_figures(records, articles),
    }


def run_index(
    record_files: list[str],
    out_dir: str,
    articles: list[str] | None = None,
    metadata: str | None = None,
    quiet: bool = False,
) -> int:
    """Index the records; 0 when every line was used, 1 when some were reported, 2 when
    nothing could be indexed."""
    out = Path(out_dir)
    records, issues = read_records(record_files)
    texts: dict[str, Article] = {}
    if articles:
        texts, article_issues = load_articles(articles, metadata)
        issues += article_issues + check_against_articles(records, texts)
    for issue in issues:
        print(f"quotewise index: {issue.where}: {issue.reason}", file=sys.stderr)
    if not records:
        print("quotewise index: no usable records", file=sys.stderr)
        return 2
    index = build_index(records, texts)
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in index.items():
        write_jsonl(out / f"{name}.jsonl", rows)
    write_jsonl(out / ERRORS, (i.to_json() for i in issues))
    if not quiet:
        print(summary(index["speakers"], index["claims"], index["figures"]))
        print(f"\nindex written to {out}/ ({len(records)} records; {len(issues)} issues in {out / ERRORS})")
    return 1 if issues else 0
