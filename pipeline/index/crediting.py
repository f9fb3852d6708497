"""Who said a claim, across articles: a weak attribution in one article gives way to the
speaker the other outlets carrying the same claim name.

Within an article the resolver can tie a pronoun or a bare surname to the wrong person ("Clinton"
to Bill Clinton in an article that named him first), or find no source at all. When every
named speaker that other articles credit with the claim is one speaker, and this record's
source is missing, a personal pronoun, or a one-word name that speaker's name ends with, the
record is credited to that speaker. A record whose source is a fuller name, or a different
surname, keeps it: outlets do credit the same words to different people.
"""

from __future__ import annotations

from pipeline.index.records import IndexedRecord
from pipeline.index.speakers import name_key
from pipeline.speakers.resolution import PERSONAL


def _weak_for(record: IndexedRecord, name: str) -> bool:
    """Whether the record's own source could as well be the person ``name`` (a name key)."""
    mention = (record.speaker or {}).get("mention") or record.credited
    if not mention:
        return True
    if mention.strip().lower() in PERSONAL:
        return True
    key = name_key(mention)
    return " " not in key and key == name.split()[-1]


def recredit(records: list[IndexedRecord], clusters: list[list[int]], key_of: dict[str, str]) -> dict[str, str]:
    """Record id -> the speaker key other articles agree on, for the records credited weakly."""
    moved: dict[str, str] = {}
    for cluster in clusters:
        if len({records[i].doc_id for i in cluster}) < 2:
            continue
        for i in cluster:
            record = records[i]
            named = {
                key_of[records[j].id]
                for j in cluster
                if records[j].doc_id != record.doc_id and key_of.get(records[j].id, "").startswith("name:")
            }
            if len(named) == 1 and (target := next(iter(named))) != key_of.get(record.id):
                if _weak_for(record, target.removeprefix("name:")):
                    moved[record.id] = target
    return moved
