"""Plain dataclasses that the stages pass to one another.

Offsets are Python ``str`` (code point) offsets into ``Article.text``, end exclusive,
as fixed by ``../shared/EVAL-CONTRACT.md``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

Span = tuple[int, int]


@dataclass(frozen=True)
class Article:
    """One raw news article as read from disk, JSONL, stdin or a ``datasets.Dataset``."""

    id: str
    text: str
    date: dt.date | None = None  # publication date; relative dates resolve against it
    title: str | None = None
    outlet: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class RoleSpan:
    """A source, cue or content: possibly discontinuous character ranges in the article."""

    text: str
    spans: tuple[Span, ...]

    @classmethod
    def from_spans(cls, doc_text: str, spans: list[Span] | tuple[Span, ...]) -> RoleSpan:
        """Build from ranges, sorted; ``text`` joins the pieces with a space (contract rule)."""
        ordered = tuple(sorted((int(s), int(e)) for s, e in spans))
        return cls(" ".join(doc_text[s:e] for s, e in ordered), ordered)

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "spans": [list(s) for s in self.spans]}


@dataclass
class Attribution:
    """Who (source) said (cue) what (content). ``source`` and ``cue`` may be absent."""

    content: RoleSpan
    cue: RoleSpan | None = None
    source: RoleSpan | None = None
    kind: str | None = None  # "direct", "indirect" or "mixed"
    confidence: float = 1.0


@dataclass
class Speaker:
    """Who a source mention refers to, resolved within one article."""

    mention: str
    name: str | None = None  # canonical: the fullest form the article uses
    role: str | None = None  # what the article calls them: "transport minister"
    type: str = "unnamed"  # person / organisation / group / unnamed
    entity_id: str | None = None  # stable within the article
    entity_label: str | None = None  # spaCy entity type of the mention, if any
    mentions: list[Span] = field(default_factory=list)  # spans of the mentions used


@dataclass
class Quantity:
    """A number inside a claim, normalised."""

    text: str
    start: int
    end: int
    value: float | None
    low: float | None = None  # bounds for approximations, comparatives and ranges
    high: float | None = None
    approximate: bool = False
    unit: str | None = None  # ISO currency code, "percent", or the counted noun
    kind: str = "count"  # count / money / percent / change / ordinal / ...


@dataclass
class TimeExpression:
    """A TIMEX3-style time expression; ``value`` stays relative unless the date is known."""

    text: str
    start: int
    end: int
    type: str  # DATE, TIME, DURATION or SET
    value: str | None


@dataclass
class Record:
    """One output line: an attribution with everything known about it."""

    doc_id: str
    id: str
    content: RoleSpan
    cue: RoleSpan | None
    source: RoleSpan | None
    kind: str | None
    sentences: list[int]
    confidence: float
    model: str
    speaker: Speaker | None = None
    quantities: list[Quantity] = field(default_factory=list)
    dates: list[TimeExpression] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        def role(r: RoleSpan | None) -> dict[str, Any] | None:
            return None if r is None else r.to_json()

        out = {
            "doc_id": self.doc_id,
            "id": self.id,
            "source": role(self.source),
            "cue": role(self.cue),
            "content": role(self.content),
            "kind": self.kind,
            "sentences": self.sentences,
            "confidence": round(self.confidence, 4),
            "model": self.model,
            "speaker": None if self.speaker is None else asdict(self.speaker),
            "quantities": [asdict(q) for q in self.quantities],
            "dates": [asdict(d) for d in self.dates],
        }
        if out["speaker"] is not None:
            out["speaker"]["mentions"] = [list(s) for s in self.speaker.mentions]
        return out

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Record:
        """The record a :meth:`to_json` dict (one JSONL line) holds."""
        speaker = obj["speaker"]
        return cls(
            doc_id=obj["doc_id"],
            id=obj["id"],
            content=role_from_json(obj["content"]),
            cue=role_from_json(obj["cue"]),
            source=role_from_json(obj["source"]),
            kind=obj["kind"],
            sentences=list(obj["sentences"]),
            confidence=obj["confidence"],
            model=obj["model"],
            speaker=None if speaker is None else Speaker(**{**speaker, "mentions": [tuple(m) for m in speaker["mentions"]]}),
            quantities=[Quantity(**q) for q in obj["quantities"]],
            dates=[TimeExpression(**d) for d in obj["dates"]],
        )


def role_from_json(obj: dict[str, Any] | None, doc_text: str | None = None) -> RoleSpan | None:
    """Read a contract role (``{"text", "spans"}``); rebuild ``text`` from the article if given."""
    if obj is None:
        return None
    spans = [tuple(s) for s in obj["spans"]]
    if doc_text is not None:
        return RoleSpan.from_spans(doc_text, spans)
    return RoleSpan(obj.get("text", ""), tuple(sorted(spans)))
