"""``quotewise view``: write the static review site (open ``index.html`` from the file system).

Layout of the output folder: ``index.html`` (articles), ``speakers.html``, ``claims.html``,
``articles/<doc id>.html`` (one per article) and, when any input line was left out,
``errors.jsonl`` (one ``{"doc_id", "source", "reason"}`` line each, as ``extract`` writes them).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pipeline.io.reading import clobbered_input
from pipeline.review.loading import load
from pipeline.review.pages import Site, article_page, claims_page, index_page, speakers_page

ERRORS = "errors.jsonl"


def write_site(records: list[str], output: str, articles: list[str] | None = None, index: str | None = None) -> int:
    """Render ``records`` (checked against ``articles`` when given, with the claim ``index`` when
    given) into the folder ``output`` and print the path of its ``index.html``.

    Every bad line or article is reported on stderr and in ``output/errors.jsonl``, and the rest is
    rendered. Returns 0 when nothing was left out, 1 when something was, 2 on a usage error.
    """
    out = Path(output)
    if out.exists() and not out.is_dir():
        print(f"quotewise: {out} is a file; -o takes the folder to write the site in", file=sys.stderr)
        return 2
    data = load(records, articles, index)
    site = Site(data)
    pages = {
        "index.html": index_page(site),
        "speakers.html": speakers_page(site),
        "claims.html": claims_page(site),
        **{file: article_page(site, doc_id) for doc_id, file in site.files.items()},
    }
    inputs = [*records, *(articles or []), *([Path(index) / f"{n}.jsonl" for n in ("speakers", "claims", "figures")] if index else [])]
    if clash := clobbered_input(inputs, [out / name for name in [*pages, ERRORS]]):
        print(f"quotewise: refusing to write {clash[0]}: it is the input {clash[1]}", file=sys.stderr)
        return 2
    (out / "articles").mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        (out / name).write_text(text, encoding="utf-8")
    errors = out / ERRORS
    errors.unlink(missing_ok=True)  # a earlier run's errors would read as this one's
    if data.problems:
        with errors.open("w", encoding="utf-8") as f:
            for p in data.problems:
                f.write(json.dumps({"doc_id": p.doc_id, "source": p.source, "reason": p.reason}, ensure_ascii=False) + "\n")
                print(f"quotewise: skipped {p.source}: {p.reason}", file=sys.stderr)
    n_records = sum(len(r) for r in data.records.values())
    print(
        f"quotewise: {len(site.files)} articles, {n_records} records → {out}"
        + (f"; {len(data.problems)} left out, listed in {errors}" if data.problems else ""),
        file=sys.stderr,
    )
    print((out / "index.html").resolve())
    return 1 if data.problems else 0
