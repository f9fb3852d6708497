"""Property tests (hypothesis): readers, quantities and time expressions never raise, whatever
the text, the digits or the dates, and what they return still points into the text."""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.io.batch import json_line
from pipeline.io.reading import InputError, read_inputs, read_jsonl
from pipeline.normalisers.quantities import _plain, find_quantities, number_value
from pipeline.normalisers.timex import find_times
from pipeline.schema import Article
from pipeline.segment import segment

# Any code point, lone surrogates and control characters included.
ANY_TEXT = st.text(st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF), max_size=200)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ANY_TEXT, inner, max_size=3),
    max_leaves=10,
)
ROW = st.fixed_dictionaries(
    {"text": ANY_TEXT | JSON_VALUE},
    optional={"id": ANY_TEXT | st.integers(), "date": st.dates().map(str) | ANY_TEXT | JSON_VALUE, "title": JSON_VALUE},
)
PHRASES = ["tomorrow", "yesterday", "next week", "last year", "on Monday", "in May", "this weekend", "three years ago",
           "Dec. 31", "2016", "the 1990s", "9 p.m.", "every day", "next summer", "May 5, 2017", "Jan. 1", "the past decade"]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(ROW.map(json.dumps) | ANY_TEXT.map(lambda t: t.replace("\n", " ")), max_size=6))
def test_jsonl_reader_never_raises_and_yields_one_item_per_line(lines: list[str]) -> None:
    lines = [line for line in lines if line.strip() and "\r" not in line and "\x0b" not in line]
    items = list(read_jsonl(io.StringIO("\n".join(lines)), "<fuzz>"))
    assert len(items) == len([line for line in lines if line.strip()])
    for item in items:
        row = {"doc_id": item.doc_id, "reason": item.reason} if isinstance(item, InputError) else {"id": item.id, "text": item.text}
        assert json.loads(json_line(row)) == row  # always writable, never lossy
        if isinstance(item, Article):
            item.text.encode("utf-8")  # no lone surrogate reaches the pipeline


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300) | ANY_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_txt_reader_takes_any_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.txt"
        path.write_bytes(data)
        [item] = read_inputs([folder])
    if isinstance(item, Article):
        item.text.encode("utf-8")
    else:
        assert item.doc_id == "a" and item.reason


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"\A\d{1,80}(\.\d{1,12})?\Z"), st.sampled_from(["", " million", "bn", " trillion", "k"]))
def test_number_values_of_any_digit_string(digits: str, scale: str) -> None:
    value, _ = number_value(digits + scale)
    plain = _plain(value)
    assert plain is None or isinstance(plain, int | float)
    if scale == "" and "." not in digits and len(digits) <= 20:
        assert plain == int(digits)  # exact while it can be
    if value is not None and abs(value) >= Decimal(10) ** 24:
        assert plain is None  # too large to hold exactly: unresolved, not an error


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.from_regex(r"\A[1-9]\d{0,60}\Z"), st.sampled_from(["$", "", "More than ", "about "]))
def test_quantities_in_text_with_huge_numbers(digits: str, before: str) -> None:
    text = f"Officials said {before}{digits} people crossed, up {digits[:30]}% from 1,000 last year."
    for q in find_quantities(segment(Article("q", text))):
        assert text[q.start : q.end] == q.text
        json.dumps(q.__dict__)  # writable: no 4,300-digit integer


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(PHRASES) | st.from_regex(r"\A\d{1,12}\Z") | ANY_TEXT.filter(lambda t: len(t) < 20), max_size=8),
    st.none() | st.dates() | st.sampled_from([dt.date.min, dt.date.max, dt.date(1, 1, 7), dt.date(9999, 12, 25)]),
)
def test_time_expressions_at_the_ends_of_the_calendar(pieces: list[str], anchor: dt.date | None) -> None:
    text = " ".join(pieces)
    for t in find_times(text, anchor):
        assert text[t.start : t.end] == t.text
        assert isinstance(t.value, str) or t.value is None
