"""One speaker per person or named organisation across articles.

Within an article the resolver has already joined "Ms Greenwood", "She" and "transport
minister Lilian Greenwood" (the record's ``speaker.entity_id``). Across articles, entities with
a canonical name are merged when their names agree after
:func:`pipeline.speakers.names.normalise_name`; a one-word name ("Greenwood") joins a
fuller one only when exactly one fuller name ends with it, so two people who share a surname
stay apart and so does the bare surname. Speakers without a name (unnamed sources, groups,
things) are never merged across articles, nor into named ones. Once claims are clustered,
:mod:`pipeline.index.crediting` may move a weakly credited record to the speaker the other
outlets name (the keys here are what it works on).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from pipeline.index.records import IndexedRecord
from pipeline.speakers.names import normalise_name

NAMED_TYPES = {"person", "organisation"}


@dataclass
class SpeakerEntry:
    """A speaker of the index, with everything its records say about it."""

    key: str
    names: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)
    roles: Counter[str] = field(default_factory=Counter)
    mentions: Counter[str] = field(default_factory=Counter)
    articles: list[str] = field(default_factory=list)
    records: list[str] = field(default_factory=list)

    def add(self, record: IndexedRecord) -> None:
        speaker = record.speaker or {}
        if speaker.get("name"):
            self.names[speaker["name"]] += 1
        self.types[speaker.get("type") or "unnamed"] += 1
        if speaker.get("role"):
            self.roles[speaker["role"]] += 1
        for mention in (speaker.get("mention"), record.credited):
            if mention:
                self.mentions[" ".join(mention.split())] += 1
        if record.doc_id not in self.articles:
            self.articles.append(record.doc_id)
        self.records.append(record.id)

    @property
    def name(self) -> str | None:
        """The name most records use, the longest among equals ("Lilian Greenwood" over "Greenwood")."""
        if not self.names:
            return None
        return max(self.names, key=lambda n: (self.names[n], len(normalise_name(n).split()), n))

    def to_json(self, speaker_id: str) -> dict[str, Any]:
        return {
            "speaker_id": speaker_id,
            "name": self.name,
            "type": self.types.most_common(1)[0][0],
            "roles": [r for r, _ in self.roles.most_common()],
            "mentions": [m for m, _ in self.mentions.most_common()],
            "articles": self.articles,
            "records": self.records,
            "count": len(self.records),
        }


def local_key(record: IndexedRecord) -> str | None:
    """The speaker within its article: the resolver's entity, else the credited text; ``None``
    for a record with no source at all."""
    speaker = record.speaker or {}
    if speaker.get("entity_id"):
        return f"{record.doc_id}#{speaker['entity_id']}"
    mention = speaker.get("mention") or record.credited
    return f"{record.doc_id}#{' '.join(mention.lower().split())}" if mention else None


# A name holds no comma or quotation mark: a resolved name that does ran over the end of a
# quote or a list ("John McCain,” Trump", "Carson, Levine"), and its last part is the speaker.
_NAME_BREAK = re.compile(r"[,“”\"]")


def name_key(name: str) -> str:
    """A name as compared across articles: normalised, accents folded ("Calderón" = "Calderon"),
    the last part after a comma or quotation mark that still has a name in it
    ("Martin Luther King, Jr." stays "martin luther king")."""
    parts = [normalise_name(p) for p in _NAME_BREAK.split(name)]
    decomposed = unicodedata.normalize("NFKD", next((p for p in reversed(parts) if p), ""))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _name_key(record: IndexedRecord) -> str | None:
    speaker = record.speaker or {}
    if speaker.get("type") in NAMED_TYPES and speaker.get("name"):
        return name_key(speaker["name"]) or None
    return None


def _surname_targets(names: set[str]) -> dict[str, str]:
    """One-word names that end exactly one fuller name, mapped to it."""
    endings: dict[str, set[str]] = defaultdict(set)
    for name in names:
        words = name.split()
        if len(words) > 1:
            endings[words[-1]].add(name)
    return {name: next(iter(endings[name])) for name in names if " " not in name and len(endings.get(name, ())) == 1}


def speaker_keys(records: list[IndexedRecord]) -> dict[str, str]:
    """Each record id's cross-article speaker key: ``name:...`` for a named person or
    organisation, ``local:DOC#...`` for a speaker of one article; records without a source
    have none."""
    # A local entity is named when any of its records carries a name (the resolver names the
    # entity, so they agree); its cross-article key is then that name.
    local_name: dict[str, str] = {}
    for record in records:
        key, name = local_key(record), _name_key(record)
        if key and name:
            local_name.setdefault(key, name)
    targets = _surname_targets(set(local_name.values()))
    key_of: dict[str, str] = {}
    for record in records:
        key = local_key(record)
        if key is not None:
            name = local_name.get(key)
            key_of[record.id] = f"name:{targets.get(name, name)}" if name else f"local:{key}"
    return key_of


def speaker_entries(records: list[IndexedRecord], key_of: dict[str, str]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The index's speakers (most records first) and each record id's speaker id."""
    entries: dict[str, SpeakerEntry] = {}
    for record in records:
        if record.id in key_of:
            entries.setdefault(key_of[record.id], SpeakerEntry(key_of[record.id])).add(record)
    ordered = sorted(entries.values(), key=lambda e: (-len(e.records), e.name or "~", e.key))
    ids = {e.key: f"s{n}" for n, e in enumerate(ordered, start=1)}
    return [e.to_json(ids[e.key]) for e in ordered], {rid: ids[k] for rid, k in key_of.items()}

