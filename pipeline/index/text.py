"""Wording compared across articles: normalised words, shingles and content words."""

from __future__ import annotations

import re
import zlib
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Words that say nothing about what a figure measures or a claim says.
STOPWORDS = frozenset(
    """a an the and or but if of at by for with about against between into through during before after above
    below to from up down in out on off over under again further then once here there when where why how all any
    both each few more most other some such no nor not only own same so than too very s t can will just don should
    now is are was were be been being have has had having do does did doing i me my we our you your he him his she
    her it its they them their what which who whom this that these those am would could might must shall may also
    said says say according told around nearly almost roughly approximately least higher lower""".split()
)
SHINGLE = 4  # words per shingle: long enough to be rare, short enough to survive a changed word


def words(text: str) -> list[str]:
    """Lower-cased words, curly apostrophes made straight, punctuation and quotation marks dropped."""
    return [w.replace("’", "'") for w in _WORD.findall(text.lower())]


def normalised(text: str) -> str:
    """The text as compared for verbatim equality: its words joined by single spaces."""
    return " ".join(words(text))


def shingles(tokens: list[str], size: int = SHINGLE) -> set[int]:
    """Hashes of the word ``size``-grams (the whole text when shorter); crc32 is stable across runs."""
    if len(tokens) < size:
        return {zlib.crc32(" ".join(tokens).encode())} if tokens else set()
    return {zlib.crc32(" ".join(tokens[i : i + size]).encode()) for i in range(len(tokens) - size + 1)}


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A crude suffix stripper, enough to let "crossed" and "crossings" meet."""
    for suffix in ("ings", "ing", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def content_words(text: str) -> set[str]:
    """Stems of the words that carry meaning (no stop words, no numbers)."""
    return {stem(w) for w in words(text) if w not in STOPWORDS and not any(c.isdigit() for c in w)}
