"""A small fuzz run (`make fuzz` runs 2,000): hostile generated articles through extract, times
and numbers; no traceback, every input processed or in the errors file with a reason."""

from __future__ import annotations

from pathlib import Path

from fuzz import run


def test_fuzz_loses_nothing_and_prints_no_traceback(tmp_path: Path) -> None:
    assert run(count=40, seed=3, folder=tmp_path) == []
