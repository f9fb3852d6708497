"""``nlp.add_pipe("quotewise")``: who said what, on a spaCy pipeline's own ``Doc``.

spaCy finds the factory through the ``spacy_factories`` entry point, without an import. The
component runs on the user's ``Doc`` the same step from a segmented ``Doc`` to records as
``quotewise extract`` (:func:`pipeline.annotate.doc_records`), and sets

- ``doc._.attributions``: the :class:`~pipeline.schema.Record` objects ``extract`` writes
  (kept as their JSON in ``doc._.quotewise_records``, so Docs cross processes);
- ``doc.spans["quotewise_source"]``, ``["quotewise_cue"]``, ``["quotewise_content"]``: one
  span per piece of each role, labelled with the role and the record's id
  (``"content doc:3"``; ``span.id_`` is the id alone), for ``displacy`` style ``"span"``.

The stages read the dependency parse, entities, tags, POS and lemmas, so a ``Doc`` lacking
one is refused with an error naming the component that sets it, and a pipeline without a
parser is refused at ``add_pipe``. They also expect no sentence to cross a line break, as
``extract`` segments: adding ``quotewise`` puts ``paragraph_breaks`` before the parser when
the pipeline lacks it (the parser keeps preset boundaries), so a text gives the records
``extract`` gives. The article's id and publication date come from ``doc._.article`` when
set before the component runs (``nlp(doc)``; an ``Article`` cannot cross processes, so not
with ``nlp.pipe(..., n_process=N)``); otherwise the id is ``"doc"``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.schema import Article, Record
from pipeline.segment import paragraph_breaks, set_paragraphs

ROLES = ("source", "cue", "content")
# What the stages read, and the component of spaCy's English pipelines that sets it.
NEEDED = {"DEP": "parser", "ENT_IOB": "ner", "TAG": "tagger", "POS": "attribute_ruler", "LEMMA": "lemmatizer"}


def attributions(doc: Doc) -> list[Record] | None:
    """``doc._.attributions``: the records, rebuilt from the JSON the Doc carries."""
    rows = doc._.quotewise_records
    return None if rows is None else [Record.from_json(row) for row in rows]


# The Doc stores the records as extract writes them (JSON), which spaCy can serialise: a Doc
# from nlp.pipe(..., n_process=N) crosses processes with them.
if not Doc.has_extension("quotewise_records"):
    Doc.set_extension("quotewise_records", default=None)
if not Doc.has_extension("attributions"):
    Doc.set_extension("attributions", getter=attributions)


class Quotewise:
    """The pipeline component: one ``Doc`` in, its attributions set on it."""

    def __init__(self, model: str = "default") -> None:
        # Deferred: spacy.load imports every entry point's module, so only adding the
        # component should cost the stages' imports.
        from pipeline.attribution.registry import available, get_extractor

        if model not in available():
            raise ValueError(f"quotewise: unknown model {model!r}; available: {', '.join(available())}")
        self.model = model
        get_extractor(model)  # weights load here, once, not on the first Doc

    def __call__(self, doc: Doc) -> Doc:
        records = self.records(doc) if doc.text.strip() else []
        doc._.quotewise_records = [r.to_json() for r in records]
        for role in ROLES:
            doc.spans[f"quotewise_{role}"] = role_spans(doc, records, role)
        return doc

    def records(self, doc: Doc) -> list[Record]:
        """The records of a parsed ``Doc``, as ``extract`` writes them for its text."""
        if missing := [name for attr, name in NEEDED.items() if not doc.has_annotation(attr)]:
            raise ValueError(f"quotewise: the Doc has no {', '.join(missing)} annotation; add a pipeline that sets it "
                             "before quotewise (e.g. spacy.load('en_core_web_sm'))")  # fmt: skip
        given = doc._.article
        if given is not None and given.text != doc.text:
            raise ValueError(f"quotewise: doc._.article ({given.id!r}) holds another text than the Doc")
        from pipeline.annotate import doc_records

        doc._.article = given or Article(id="doc", text=doc.text)
        failures: list[tuple[str, str]] = []
        try:
            records = doc_records(set_paragraphs(doc), self.model, failures)
        finally:
            doc._.article = given  # an Article is no value spaCy can serialise: leave the Doc as it came
        for stage, reason in failures:
            warnings.warn(f"quotewise: {stage} failed ({reason}); its records keep the rest", stacklevel=2)
        return records


def role_spans(doc: Doc, records: list[Record], role: str) -> list[Span]:
    """One span per character range of ``role`` in each record, widened to whole tokens."""
    spans = []
    for record in records:
        if (found := getattr(record, role)) is None:
            continue
        for start, end in found.spans:
            span = doc.char_span(start, end, label=f"{role} {record.id}", span_id=record.id, alignment_mode="expand")
            if span is not None:
                spans.append(span)
    return spans


@Language.factory(
    "quotewise",
    default_config={"model": "default"},
    requires=["token.dep", "token.tag", "token.pos", "token.lemma", "doc.ents"],
    assigns=["doc.spans", "doc._.attributions"],
)
def make_quotewise(nlp: Language, name: str, model: str) -> Quotewise:
    """The ``quotewise`` factory; puts ``paragraph_breaks`` before the parser if it is not there."""
    parser = next((n for n in nlp.component_names if "token.dep" in nlp.get_pipe_meta(n).assigns), None)
    if parser is None:
        raise ValueError(f"quotewise reads a dependency parse, and this pipeline has no parser ({nlp.component_names}); "
                         "add it to one that has, e.g. spacy.load('en_core_web_sm')")  # fmt: skip
    if "paragraph_breaks" not in nlp.component_names:
        nlp.add_pipe("paragraph_breaks", before=parser)
    return Quotewise(model)


def make_paragraph_breaks(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """The ``paragraph_breaks`` entry point, so a saved pipeline holding it loads in a process
    that has not imported quotewise."""
    return paragraph_breaks
