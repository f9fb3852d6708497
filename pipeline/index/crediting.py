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

from collections import Counter, defaultdict

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
    """Record id -> the speaker key other articles agree on, for the records credited weakly.
    Linear in a cluster's size: a quote copied by a thousand outlets is one pass, not a million pairs."""
    moved: dict[str, str] = {}
    for cluster in clusters:
        named_in: dict[str, set[str]] = defaultdict(set)  # doc id -> named speaker keys it credits
        for i in cluster:
            if (key := key_of.get(records[i].id, "")).startswith("name:"):
                named_in[records[i].doc_id].add(key)
        docs_crediting = Counter(k for keys in named_in.values() for k in keys)
        for i in cluster:
            record = records[i]
            if len(docs_crediting) - len(named_in.get(record.doc_id, ())) > 1:
                continue  # other articles name two speakers or more whatever this one says
            # The named speakers of the other articles: those not credited by this article alone.
            others = [k for k, n in docs_crediting.items() if n > (k in named_in.get(record.doc_id, ()))]
            if len(others) == 1 and others[0] != key_of.get(record.id) and _weak_for(record, others[0].removeprefix("name:")):
                moved[record.id] = others[0]
    return moved
