"""Is an article English? A cheap check by the share of common English function words.

The pipeline's models, lexicons and spaCy's parser are English only: another language gives
no records, and the batch runner says why rather than staying silent. Every PolNeAR article
and seed of 30 words or more has at least 16% of its words among these; French, German and
Spanish news paragraphs 0–5% (`tests/test_hardening.py`), which sets the threshold between.
"""

from __future__ import annotations

import re

ENGLISH_FUNCTION_WORDS = frozenset(
    "the of and to in is was that for on with as by at from it its his her he she they their "
    "this these those be been are were has have had not but or an which who will would said "
    "says there than about after more also we our".split()
)
# Fewer English function words than this share of the words: not English.
MIN_ENGLISH_SHARE = 0.08
# Too few words to judge (a headline, a list of figures): assumed English.
MIN_WORDS = 30
_WORD = re.compile(r"[^\W\d_]+")


def english_share(text: str) -> tuple[float, int]:
    """The share of ``text``'s words (of the first 5,000) that are English function words,
    and how many words that share is over."""
    words = [w.lower() for w in _WORD.findall(text[:50_000])][:5_000]
    if not words:
        return 0.0, 0
    return sum(w in ENGLISH_FUNCTION_WORDS for w in words) / len(words), len(words)


def not_english(text: str) -> str | None:
    """Why ``text`` does not look English, or ``None`` when it does (or is too short to tell)."""
    share, words = english_share(text)
    if words < MIN_WORDS or share >= MIN_ENGLISH_SHARE:
        return None
    return f"not English: {share:.0%} of its words are common English words (under {MIN_ENGLISH_SHARE:.0%})"
