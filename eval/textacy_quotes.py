"""textacy's direct-quotation extraction over a folder of .txt articles: the baseline that
``eval/bench.py`` times beside ``quotewise extract`` (same spaCy pipeline, same texts).

    python eval/textacy_quotes.py TEXTS_DIR OUT.jsonl

textacy refuses an article with an odd number of quotation marks (it raises rather than
guess); such an article counts as processed with no quotes, as a user would have to treat it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import spacy
from textacy.extract.triples import direct_quotations

from pipeline.segment import SPACY_MODEL


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
                line = {"doc_id": path.stem, "speaker": " ".join(t.text for t in q.speaker),
                        "cue": " ".join(t.text for t in q.cue), "content": q.content.text}  # fmt: skip
                f.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"textacy: {len(files)} articles, {refused} refused (unclosed quotation)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
