"""Which words of each outlet's wording of one claim the other wordings do not share."""

from __future__ import annotations

import difflib
import re

_TOKEN = re.compile(r"\S+|\s+")
_EDGE_PUNCT = "\"'.,:;!?()[]…"
_STRAIGHT = str.maketrans("“”‘’", "\"\"''")


def _norm(token: str) -> str:
    """Compare words, not their quotation marks, punctuation, apostrophe style or case."""
    return token.translate(_STRAIGHT).strip(_EDGE_PUNCT).lower()


def _matched(a: list[str], b: list[str]) -> set[int]:
    """Indexes of ``a``'s words that line up with words of ``b``."""
    blocks = difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    return {i for block in blocks for i in range(block.a, block.a + block.size)}


def mark_differences(texts: list[str]) -> list[list[tuple[str, bool]]]:
    """Each text as ``(piece, differs)`` pieces (words and the spaces between, in order);
    a word differs when some other text has no matching word in the same sequence."""
    pieces = [_TOKEN.findall(t) for t in texts]
    words = [[i for i, p in enumerate(ps) if not p.isspace() and _norm(p)] for ps in pieces]
    normed = [[_norm(ps[i]) for i in ws] for ps, ws in zip(pieces, words)]
    out = []
    for k, ps in enumerate(pieces):
        differing = set(words[k])
        if len(texts) > 1:
            shared = set.intersection(*(_matched(normed[k], normed[j]) for j in range(len(texts)) if j != k))
            differing -= {words[k][i] for i in shared}
        out.append([(p, i in differing) for i, p in enumerate(ps)])
    return out
