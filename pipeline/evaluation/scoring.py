"""The metrics of ``../shared/EVAL-CONTRACT.md``, computed exactly.

Every metric is a :class:`Counts` (matches, predicted, gold) summed over documents, so
micro-averages over a corpus or any slice of it (a publisher) are plain sums.

* exact: a predicted role matches a gold one when their sets of non-whitespace character
  positions are equal (one-to-one).
* overlap: they share at least one non-whitespace character (one-to-one, greedy by largest
  overlap; among equal overlaps the tighter pair wins, so a prediction equal to one gold span
  is not taken by a longer gold span that merely contains it).
* token: precision/recall over word tokens (``\\w+|[^\\w\\s]``) covered by the role; a token
  is covered when at least one of its characters lies inside the role's spans (so the few gold
  spans that cut a word keep it). Per document and role the covered tokens form a set, the
  tag-sequence view of PolNeAR (each token has one label): duplicate or nested predictions
  add no tokens.
* attribution: contents overlap and, where the gold has a cue, cues overlap (one-to-one,
  greedy by content overlap), with ``source_ok`` the share of matched pairs whose sources
  overlap or are both null.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pipeline.schema import Attribution, RoleSpan

ROLES = ("source", "cue", "content")
MEASURES = ("exact", "overlap", "token")
TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass
class Counts:
    matched: int = 0
    predicted: int = 0
    gold: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.matched + other.matched, self.predicted + other.predicted, self.gold + other.gold)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> dict[str, float | int]:
        return {
            "p": round(self.precision, 4),
            "r": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "matched": self.matched,
            "predicted": self.predicted,
            "gold": self.gold,
        }


@dataclass
class DocScores:
    """Counts for one document or, summed, for a corpus."""

    roles: dict[str, dict[str, Counts]] = field(
        default_factory=lambda: {r: {m: Counts() for m in MEASURES} for r in ROLES}
    )
    attribution: Counts = field(default_factory=Counts)
    source_ok: int = 0  # matched attribution pairs whose sources agree
    documents: int = 0
    # Reliability of the predictions' confidence: per tenth of [0, 1] (9 holds 0.9-1.0), how
    # many predictions fell there (``predicted``) and how many matched a gold attribution.
    by_confidence: dict[int, Counts] = field(default_factory=dict)

    def __add__(self, other: DocScores) -> DocScores:
        roles = {r: {m: self.roles[r][m] + other.roles[r][m] for m in MEASURES} for r in ROLES}
        bins = {
            b: self.by_confidence.get(b, Counts()) + other.by_confidence.get(b, Counts())
            for b in {*self.by_confidence, *other.by_confidence}
        }
        return DocScores(
            roles,
            self.attribution + other.attribution,
            self.source_ok + other.source_ok,
            self.documents + other.documents,
            dict(sorted(bins.items())),
        )

    @property
    def source_ok_rate(self) -> float:
        return self.source_ok / self.attribution.matched if self.attribution.matched else 0.0

    def to_json(self) -> dict:
        return {
            "documents": self.documents,
            "roles": {r: {m: c.to_json() for m, c in ms.items()} for r, ms in self.roles.items()},
            "attribution": {**self.attribution.to_json(), "source_ok": round(self.source_ok_rate, 4)},
            "reliability": [
                {"from": b / 10, "to": (b + 1) / 10, "predicted": c.predicted, "matched": c.matched, "share": round(c.precision, 4)}
                for b, c in self.by_confidence.items()
            ],
        }


def visible_chars(text: str, role: RoleSpan | None) -> frozenset[int]:
    """The non-whitespace character positions a role covers."""
    if role is None:
        return frozenset()
    return frozenset(i for s, e in role.spans for i in range(s, e) if not text[i].isspace())


def _greedy_pairs(
    preds: list[frozenset[int]], golds: list[frozenset[int]], accept: Callable[[int, int], bool] = lambda i, j: True
) -> list[tuple[int, int]]:
    """One-to-one pairs sharing characters, greedy by largest overlap.

    Ties go to the pair with the smaller union (an exact pair beats a span that contains it),
    then to the earliest pair, so the result is deterministic.
    """
    candidates = []
    for i, p in enumerate(preds):
        for j, g in enumerate(golds):
            size = len(p & g)
            if size and accept(i, j):
                candidates.append((-size, len(p) + len(g) - size, i, j))
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for *_, i, j in sorted(candidates):
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return pairs


def _exact_matches(preds: list[frozenset[int]], golds: list[frozenset[int]]) -> int:
    """One-to-one count of equal sets; callers drop empty sets, which never match."""
    remaining = list(golds)
    matched = 0
    for p in preds:
        if p in remaining:
            remaining.remove(p)
            matched += 1
    return matched


def _token_coverage(text: str, roles: Iterable[RoleSpan]) -> set[int]:
    """Indexes (start offsets) of word tokens touched by any of the roles."""
    covered: set[int] = set()
    spans = sorted(s for role in roles for s in role.spans)
    if not spans:
        return covered
    for m in TOKEN.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in spans):
            covered.add(m.start())
    return covered


def attribution_pairs(text: str, gold: list[Attribution], pred: list[Attribution]) -> list[tuple[int, int]]:
    """The contract's attribution matches as (pred index, gold index): contents overlap and,
    where the gold has a cue, cues overlap; one-to-one, greedy by content overlap."""
    g_content = [visible_chars(text, a.content) for a in gold]
    p_content = [visible_chars(text, a.content) for a in pred]
    g_cue = [visible_chars(text, a.cue) for a in gold]
    p_cue = [visible_chars(text, a.cue) for a in pred]

    def cues_agree(i: int, j: int) -> bool:
        return gold[j].cue is None or bool(p_cue[i] & g_cue[j])

    return _greedy_pairs(p_content, g_content, cues_agree)


def score_document(text: str, gold: list[Attribution], pred: list[Attribution]) -> DocScores:
    """Score one document's predicted attributions against its gold ones."""
    scores = DocScores(documents=1)
    for role in ROLES:
        g_roles = [getattr(a, role) for a in gold if getattr(a, role) is not None]
        p_roles = [getattr(a, role) for a in pred if getattr(a, role) is not None]
        g_sets = [visible_chars(text, r) for r in g_roles]
        p_sets = [visible_chars(text, r) for r in p_roles]
        n_p, n_g = len(p_sets), len(g_sets)
        exact = _exact_matches([s for s in p_sets if s], [s for s in g_sets if s])
        scores.roles[role]["exact"] = Counts(exact, n_p, n_g)
        scores.roles[role]["overlap"] = Counts(len(_greedy_pairs(p_sets, g_sets)), n_p, n_g)
        g_tok, p_tok = _token_coverage(text, g_roles), _token_coverage(text, p_roles)
        scores.roles[role]["token"] = Counts(len(g_tok & p_tok), len(p_tok), len(g_tok))

    pairs = attribution_pairs(text, gold, pred)
    scores.attribution = Counts(len(pairs), len(pred), len(gold))
    for i, j in pairs:
        p_src, g_src = pred[i].source, gold[j].source
        if (p_src is None and g_src is None) or visible_chars(text, p_src) & visible_chars(text, g_src):
            scores.source_ok += 1
    matched = {i for i, _ in pairs}
    for i, a in enumerate(pred):
        tenth = min(int(a.confidence * 10), 9)
        scores.by_confidence[tenth] = scores.by_confidence.get(tenth, Counts()) + Counts(int(i in matched), 1, 0)
    scores.by_confidence = dict(sorted(scores.by_confidence.items()))
    return scores
