"""Shared paths and fixtures. CI has ../shared (PolNeAR, seeds) beside the checkout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
POLNEAR_DEV = SHARED / "polnear" / "dev"
POLNEAR_TRAIN = SHARED / "polnear" / "train"
EXAMPLES = REPO / "corpus" / "examples"


@pytest.fixture(scope="session")
def seed_a() -> str:
    return (EXAMPLES / "uk-france-returns-a.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_b() -> str:
    return (EXAMPLES / "uk-france-returns-b.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_records_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The JSONL ``extract --model fast`` writes for the two seed articles."""
    from pipeline.io.batch import run_extract

    out = tmp_path_factory.mktemp("seeds") / "records.jsonl"
    assert run_extract([str(EXAMPLES)], str(out), model="fast", progress=False) == 0
    return out


@pytest.fixture(scope="session")
def seed_records(seed_records_file: Path) -> list[dict]:
    """:func:`seed_records_file`'s records, as dicts."""
    return [json.loads(line) for line in seed_records_file.read_text(encoding="utf-8").splitlines()]
