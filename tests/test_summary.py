"""The readable who-said-what of ``quotewise summary``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.io.summary import CONTENT_LINES, WIDTH, print_summary, speaker_label

FULL = {
    "doc_id": "uk-france",
    "id": "uk-france:1",
    "source": {"text": "She", "spans": [[0, 3]]},
    "cue": {"text": "said", "spans": [[4, 8]]},
    "content": {"text": "the scheme\nwould cost £300m by next May", "spans": [[9, 48]]},
    "kind": "indirect",
    "speaker": {"mention": "She", "name": "Lilian Greenwood", "role": "transport minister"},
    "quantities": [{"text": "£300m", "value": 300000000.0, "unit": "GBP", "kind": "money", "approximate": False}],
    "dates": [{"text": "next May", "type": "DATE", "value": "2025-05"}],
}
# A bare contract record: no source, no cue, no extra keys.
BARE = {"doc_id": "other", "source": None, "cue": None, "content": {"text": "it fails", "spans": [[12, 20]]}}


def summary(tmp_path: Path, records: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> str:
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert print_summary(str(path)) == 0
    return capsys.readouterr().out


def test_full_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert summary(tmp_path, [FULL], capsys) == (
        "\nuk-france — 1 attribution\n"
        '  1. Lilian Greenwood, transport minister ("She") · said · indirect\n'
        "      the scheme would cost £300m by next May\n"
        "      · “£300m” → 300,000,000 GBP (money)\n"
        "      · “next May” → 2025-05 (DATE)\n"
    )


def test_bare_records_grouped_by_article_in_order_of_appearance(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = summary(tmp_path, [FULL, BARE, FULL | {"id": "uk-france:2"}], capsys)
    assert out.index("uk-france — 2 attributions") < out.index("other — 1 attribution")
    assert "  1. (no source) · (no cue)\n      it fails\n" in out


def test_long_content_is_shortened(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    long = FULL | {"content": {"text": "word " * 200, "spans": [[0, 1000]]}, "quantities": [], "dates": []}
    body = summary(tmp_path, [long], capsys).splitlines()[3:]
    assert len(body) == CONTENT_LINES and body[-1].endswith(" …")
    assert all(len(line) <= WIDTH for line in body)


def test_speaker_label_falls_back_to_the_mention() -> None:
    assert speaker_label({"speaker": {"mention": "Ms Greenwood", "name": None}}) == "Ms Greenwood"
    assert speaker_label({"source": {"text": "Aides"}}) == "Aides"
    assert speaker_label({"source": {"text": "Ms Greenwood"}, "speaker": {"name": "Lilian Greenwood"}}) == (
        'Lilian Greenwood ("Ms Greenwood")'
    )
    # A role already in the name is not repeated.
    assert speaker_label({"speaker": {"name": "Minister Lilian Greenwood", "role": "minister"}}) == (
        "Minister Lilian Greenwood"
    )


def test_malformed_line_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps(BARE) + "\n{oops\n", encoding="utf-8")
    assert print_summary(str(path)) == 2
    assert "records.jsonl:2: not a JSON line" in capsys.readouterr().err
    assert print_summary(str(tmp_path / "missing.jsonl")) == 2
