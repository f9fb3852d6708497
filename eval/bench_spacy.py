"""Where spaCy's time goes in quotewise's pipeline, and how much of it NER could skip.

    python eval/bench_spacy.py --texts ../shared/polnear/dev/text --records out/dev-fast.jsonl --out eval/bench

Runs each component of ``load_nlp()``'s pipeline over all the texts in turn (``pipe`` in batches
of :data:`pipeline.io.batch.PIPE_BATCH`, as ``extract`` does) and records its CPU seconds, in one
process after a warm-up article, once as quotewise runs it (numpy's BLAS, one thread) and once
with thinc's default BLAS, the BLIS bundled in cython-blis (``segment.load_nlp`` says why they
differ). With ``--records`` (an ``extract`` output of the same texts) it
also gives the share of tokens in sentences that hold a record, that have a capitalised word
(past the first), and either: the most that running NER only there could save.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

from pipeline.io.batch import PIPE_BATCH
from pipeline.io.reading import json_file_objects
from pipeline.segment import load_nlp, sentences
from pipeline.startup import prepare_to_parse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import machine, write_report  # noqa: E402  (one copy of the helpers)


def component_seconds(texts: list[str], bundled_blis: bool = False) -> dict[str, float]:
    """CPU seconds of each pipeline component over ``texts`` (the tokenizer included), with
    numpy's BLAS as ``extract`` runs it, or with the ``bundled_blis`` spaCy uses by default."""
    nlp = load_nlp.__wrapped__()  # a copy of its own, whose layers may change BLAS
    if bundled_blis:
        for _, component in nlp.pipeline:
            if hasattr(component, "model"):
                component.model.to_cpu()  # thinc's NumpyOps(), which multiplies through BLIS
    list(nlp.pipe(texts[:1]))  # lazy initialisation out of the timings
    start = time.process_time()
    docs = [nlp.make_doc(t) for t in texts]
    seconds = {"tokenizer": time.process_time() - start}
    for name, component in nlp.pipeline:
        start = time.process_time()
        if hasattr(component, "pipe"):
            docs = list(component.pipe(docs, batch_size=PIPE_BATCH))
        else:  # a plain function component
            docs = [component(doc) for doc in docs]
        seconds[name] = time.process_time() - start
    return {k: round(v, 2) for k, v in seconds.items()}


def ner_coverage(texts: dict[str, str], records: Path) -> dict[str, float]:
    """Shares of tokens in sentences with a record's span, with a capitalised word, or either."""
    spans = defaultdict(list)
    for _, r in json_file_objects(records):
        if isinstance(r, dict):  # a line that is no record has no spans to count
            spans[r["doc_id"]] += [s for role in ("source", "cue", "content") if r.get(role) for s in r[role]["spans"]]
    nlp = load_nlp()
    counts = {"tokens": 0, "in a record's sentence": 0, "in a capitalised sentence": 0, "in either": 0}
    with nlp.select_pipes(disable=["ner"]):
        for doc_id, doc in zip(texts, nlp.pipe(texts.values(), batch_size=PIPE_BATCH)):
            for sent in sentences(doc):
                attributed = any(s < sent.end_char and e > sent.start_char for s, e in spans[doc_id])
                named = sent[0].tag_ in ("NNP", "NNPS") or any(t.text[:1].isupper() for t in sent[1:])
                counts["tokens"] += len(sent)
                counts["in a record's sentence"] += len(sent) * attributed
                counts["in a capitalised sentence"] += len(sent) * named
                counts["in either"] += len(sent) * (attributed or named)
    return {k: round(v / counts["tokens"], 3) for k, v in counts.items() if k != "tokens"}


def markdown(result: dict) -> str:
    total = sum(result["seconds"].values())
    lines = [
        "# Where spaCy's time goes",
        "",
        f"{result['articles']} articles from `{result['texts']}`, one process, {result['machine']['cpu']} "
        f"(Python {result['machine']['python']}), {result['machine']['date']}. Reproduce: `make bench`.",
        "",
        "| component | CPU seconds | share | with cython-blis |",
        "|---|---:|---:|---:|",
        *(f"| {k} | {v} | {v / total:.0%} | {result['seconds_blis'][k]} |" for k, v in result["seconds"].items()),
        f"| all | {total:.2f} | | {sum(result['seconds_blis'].values()):.2f} |",
        "",
        "CPU seconds: as `extract` runs spaCy (numpy's BLAS, one thread); the last column with thinc's",
        "default BLAS, the BLIS bundled in cython-blis, which runs generic kernels on CPUs newer than",
        "its CPU detection (AMD Zen 3 and later).",
    ]
    if "coverage" in result:
        lines += ["", f"Tokens in sentences (records: `{result['records']}`):", ""]
        lines += [f"- {k}: {v:.0%}" for k, v in result["coverage"].items()]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", required=True, type=Path, help="folder of .txt articles")
    parser.add_argument("--records", type=Path, help="extract's records of the same texts")
    parser.add_argument("--out", required=True, type=Path, help="folder for spacy.json and spacy.md")
    args = parser.parse_args()
    prepare_to_parse()
    files = sorted(args.texts.glob("*.txt"))
    texts = {p.stem: p.read_text(encoding="utf-8") for p in files}
    result = {"texts": str(args.texts), "articles": len(files), "machine": machine(),
              "seconds": component_seconds(list(texts.values())),
              "seconds_blis": component_seconds(list(texts.values()), bundled_blis=True)}  # fmt: skip
    if args.records:
        result["records"] = str(args.records)
        result["coverage"] = ner_coverage(texts, args.records)
    write_report(args.out, "spacy", result, markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
