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


_POSSESSIVE = re.compile(r"'s$")
# A quoted stretch inside a content: straight or curly double quotation marks.
_QUOTED = re.compile(r"[“\"]([^“”\"]+)[”\"]")


def words(text: str) -> list[str]:
    """Lower-cased words, curly apostrophes made straight, punctuation and quotation marks
    dropped, the possessive 's too: outlets write "ISIS’s", "ISIS’" and "ISIS's" for one word."""
    return [_POSSESSIVE.sub("", w.replace("’", "'")) for w in _WORD.findall(text.lower())]


def quoted_fragments(text: str, min_words: int) -> list[list[str]]:
    """The words of each quoted stretch of at least ``min_words`` words in a content that also
    has words of its own outside the quotes ("the Republican frontrunner “ISIS’ best
    recruiter.”"): the outlet's verbatim words of the speaker inside its own summary."""
    pieces = [words(m.group(1)) for m in _QUOTED.finditer(text)]
    if sum(map(len, pieces)) >= len(words(text)):
        return []  # all quotation: a direct content, matched by its shingles
    return [p for p in pieces if len(p) >= min_words]


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
