"""textacy's direct-quotation extraction over a folder of .txt articles: the baseline that
``eval/bench.py`` times beside ``quotewise extract`` (same spaCy pipeline, same texts), written
as contract records (source, cue, content with character spans) so that it is scored the
same way:

    python eval/textacy_quotes.py ../shared/polnear/dev/text out/textacy.jsonl
    quotewise eval ../shared/polnear/dev --predictions out/textacy.jsonl --name textacy

textacy refuses an article with an odd number of quotation marks (it raises rather than
guess); such an article counts as processed with no quotes, as a user would have to treat it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import spacy
from spacy.tokens import Span, Token
from textacy.extract.triples import direct_quotations

from pipeline.segment import SPACY_MODEL


def role(tokens: Sequence[Token] | Span) -> dict | None:
    """A contract role from textacy's tokens (a speaker or cue may be several runs of them)."""
    spans: list[list[int]] = []
    for token in sorted(tokens, key=lambda t: t.i):
        end = token.idx + len(token.text)
        if spans and token.i > 0 and token.doc[token.i - 1] in tokens and spans[-1][1] <= token.idx:
            spans[-1][1] = end
        else:
            spans.append([token.idx, end])
    if not spans:
        return None
    doc = tokens[0].doc
    return {"text": " ".join(doc.text[s:e] for s, e in spans), "spans": spans}


def main(texts: Path, out: Path) -> int:
    nlp = spacy.load(SPACY_MODEL)
    files = sorted(texts.glob("*.txt"))
    refused = 0
    with out.open("w", encoding="utf-8") as f:
        docs = nlp.pipe((p.read_text(encoding="utf-8") for p in files), batch_size=8)
        for path, doc in zip(files, docs):
            try:
                quotes = list(direct_quotations(doc))
            except ValueError:  # "unclosed quotation": textacy bails out on the article
                refused += 1
                quotes = []
            for q in quotes:
                line = {"doc_id": path.stem, "source": role(q.speaker), "cue": role(q.cue), "content": role(q.content)}
                f.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"textacy: {len(files)} articles, {refused} refused (unclosed quotation)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
