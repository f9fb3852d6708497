"""eval/polnear_conventions.py counts the span conventions grouping follows, on real PolNeAR dev."""

from __future__ import annotations

import subprocess
import sys

from conftest import POLNEAR_DEV, REPO


def test_counts_the_conventions_on_dev() -> None:
    out = subprocess.run(
        [sys.executable, str(REPO / "eval" / "polnear_conventions.py"), str(POLNEAR_DEV)],
        capture_output=True, text=True, check=True, cwd=REPO,
    ).stdout  # fmt: skip
    counts = dict(line.rsplit(": ", 1) for line in out.splitlines() if ": " in line)
    assert counts["cues that are a colon"] == "21"  # "Pence: ...", "PENCE: Well, ..."
    assert counts["sources starting with a dateline"] == "0"
    assert int(counts["sources with an inner comma, ending with a comma"]) > int(
        counts["sources with an inner comma, followed by a comma they leave out"]
    )
