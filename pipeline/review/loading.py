"""What the review site shows, read and checked line by line: records, articles, the index.

Nothing here stops at a bad line. Each one becomes an :class:`~pipeline.io.reading.InputError`
naming the file and line and saying what is wrong, and the rest is kept, so the site shows
everything that can be shown and the errors file lists everything that could not.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.io.reading import InputError, json_file_objects, read_inputs
from pipeline.schema import Article, Span

ROLES = ("source", "cue", "content")


@dataclass
class ViewRecord:
    """A record that passed the checks, with its role spans parsed."""

    data: dict[str, Any]  # the JSON object as read: every key beyond the checked ones is optional
    doc_id: str
    id: str
    where: str  # file:line it came from
    roles: dict[str, list[Span]]  # role → its ranges; a null source or cue is absent


@dataclass
class ReviewData:
    """Everything a site is made of; ``problems`` are the lines and articles left out."""

    articles: dict[str, Article] | None = None  # by id; None: no articles given, records show alone
    records: dict[str, list[ViewRecord]] = field(default_factory=dict)  # doc id → records, in file order
    speakers: list[dict[str, Any]] | None = None  # INDEX/speakers.jsonl; None: no index given
    claims: list[dict[str, Any]] | None = None
    figures: list[dict[str, Any]] | None = None
    problems: list[InputError] = field(default_factory=list)


def json_lines(path: Path) -> Iterator[tuple[str, dict[str, Any] | InputError]]:
    """``(file:line, object)`` for each non-blank line; a line that is no JSON object, or a file
    that cannot be read, is an error (:func:`~pipeline.io.reading.json_file_objects` reads them)."""
    for where, row in json_file_objects(path):
        yield where, row if isinstance(row, dict) else InputError("", where, row)


def _spans(role: str, value: Any) -> list[Span]:
    """The ranges of a ``{"text", "spans"}`` role; ``ValueError`` says what is malformed."""
    if not isinstance(value, dict) or not isinstance(value.get("spans"), list) or not value["spans"]:
        raise ValueError(f"'{role}' has no 'spans' list")
    spans = []
    for span in value["spans"]:
        if not (isinstance(span, list) and len(span) == 2 and all(type(x) is int for x in span)):
            raise ValueError(f"'{role}' span {json.dumps(span)} is not [start, end]")
        if not 0 <= span[0] < span[1]:
            raise ValueError(f"'{role}' span {span} is empty or negative")
        spans.append((span[0], span[1]))
    return sorted(spans)


def parse_record(obj: dict[str, Any], where: str) -> ViewRecord | InputError:
    """Check the keys the site needs: ``doc_id``, ``content`` and well-formed roles.

    A record without ``id`` (a bare contract record) is named after its line.
    """
    doc_id = obj.get("doc_id")
    if not isinstance(doc_id, str) or not doc_id:
        return InputError("", where, "missing 'doc_id'" if doc_id is None else "'doc_id' is not a non-empty string")
    if obj.get("content") is None:
        return InputError(doc_id, where, "missing 'content'")
    roles: dict[str, list[Span]] = {}
    try:
        for role in ROLES:
            if obj.get(role) is not None:
                roles[role] = _spans(role, obj[role])
    except ValueError as e:
        return InputError(doc_id, where, str(e))
    record_id = obj.get("id")
    record_id = str(record_id) if isinstance(record_id, (str, int)) and record_id != "" else f"{doc_id}@{where}"
    return ViewRecord(obj, doc_id, record_id, where, roles)


def mismatch(record: ViewRecord, text: str) -> str | None:
    """Why the record's offsets do not fit ``text`` (another version of the article), or ``None``."""
    for role, spans in record.roles.items():
        if spans[-1][1] > len(text):
            return f"'{role}' span {list(spans[-1])} is past the article's end ({len(text)} characters)"
        said = record.data[role].get("text")
        if isinstance(said, str) and said != " ".join(text[s:e] for s, e in spans):
            return f"'{role}' text {said[:60]!r} is not what the article has at its offsets"
    return None


def read_articles(inputs: list[str]) -> tuple[dict[str, Article], list[InputError]]:
    """Articles by id from the inputs ``extract`` reads; unreadable ones and repeated ids are problems."""
    articles: dict[str, Article] = {}
    problems: list[InputError] = []
    for item in read_inputs(inputs):
        if isinstance(item, InputError):
            problems.append(item)
        elif item.id in articles:
            problems.append(InputError(item.id, item.id, "article id given twice: the first one is shown"))
        else:
            articles[item.id] = item
    return articles, problems


def add_records(data: ReviewData, path: Path) -> None:
    """Read one records file into ``data``: checked lines join their article, the others are problems.

    An article's records must come from one model (the first seen): records of another model
    for the same article (a second run over it) would show as duplicate highlights.
    """
    seen = {r.id for records in data.records.values() for r in records}
    for where, obj in json_lines(path):
        record = obj if isinstance(obj, InputError) else parse_record(obj, where)
        if isinstance(record, ViewRecord):
            record = _fit(record, data, seen)
        if isinstance(record, InputError):
            data.problems.append(record)
            continue
        seen.add(record.id)
        data.records.setdefault(record.doc_id, []).append(record)


def _fit(record: ViewRecord, data: ReviewData, seen: set[str]) -> ViewRecord | InputError:
    """The record, or why it does not fit the articles and the records already read."""
    if data.articles is not None:
        article = data.articles.get(record.doc_id)
        if article is None:
            return InputError(record.doc_id, record.where, f"unknown doc id {record.doc_id!r}: no such article in --articles")
        if reason := mismatch(record, article.text):
            return InputError(record.doc_id, record.where, reason)
    if record.id in seen:
        return InputError(record.doc_id, record.where, f"record id {record.id!r} given twice: the first one is shown")
    earlier = data.records.get(record.doc_id)
    model, first_model = record.data.get("model"), earlier[0].data.get("model") if earlier else None
    if earlier and model != first_model:
        return InputError(
            record.doc_id, record.where,
            f"record from model {model!r}, but this article's records ({earlier[0].where}) are from "
            f"model {first_model!r}: give one run per article",
        )  # fmt: skip
    return record


def read_index(data: ReviewData, index: Path) -> None:
    """Read ``INDEX/{speakers,claims,figures}.jsonl``; a missing file is a problem, the rest still shows."""
    for name, key in (("speakers", "speaker_id"), ("claims", "claim_id"), ("figures", "figure_id")):
        rows: list[dict[str, Any]] = []
        path = index / f"{name}.jsonl"
        for where, obj in json_lines(path):
            if isinstance(obj, InputError):
                data.problems.append(obj)
            elif name != "speakers" and not isinstance(obj.get("members"), list):
                data.problems.append(InputError(str(obj.get(key, "")), where, "no 'members' list"))
            else:
                rows.append(obj)
        setattr(data, name, rows)


def load(records: list[str], articles: list[str] | None = None, index: str | None = None) -> ReviewData:
    """Read articles first (records are checked against them), then records, then the index."""
    data = ReviewData()
    if articles:
        data.articles, data.problems = read_articles(articles)
    for path in records:
        add_records(data, Path(path))
    if index is not None:
        read_index(data, Path(index))
    return data
