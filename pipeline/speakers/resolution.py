"""Who each source is: resolve source mentions to speakers within one article.

Rules over the spaCy parse and entities, no coreference model (none installs offline):

* names link by surname ("Ms Greenwood" -> "Lilian Greenwood", "The Post" -> "The New York
  Post", "CNS" -> "Christian News Service"); the canonical name is the fullest form the
  article uses;
* pronouns take the most plausible earlier entity of matching gender and number, scoring
  recency, earlier sources and subjects; gender comes from titles, a small first-name list,
  gendered nouns and the pronouns already resolved to the entity;
* relative pronouns ("who", "which") take the noun their clause hangs on;
* definite nominals ("the minister", "The Home Office spokesman") take the latest entity
  whose role or description shares their head noun, else (for people) the latest source;
* indefinite singulars ("a source", "another source") are new speakers each time, while
  groups ("Sources", "some Democrats") with the same description are one group.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Span, Token

from pipeline.schema import Attribution, RoleSpan, Speaker
from pipeline.schema import Span as CharSpan
from pipeline.segment import doc_text, sentences
from pipeline.speakers.names import (
    FEMALE_NAMES,
    MALE_NAMES,
    NAME_LABELS,
    TITLES,
    article_entities,
    headline_length,
    modifiers_before,
    name_form,
    name_words,
    names_match,
    role_text,
    title_before,
)

GENDERED_NOUNS = dict.fromkeys(
    "man men spokesman chairman congressman husband father son brother businessman king".split(), "m"
) | dict.fromkeys(
    "woman women spokeswoman chairwoman congresswoman wife mother daughter sister businesswoman queen niece mom "
    "girl lady".split(),
    "f",
)
PERSON_NOUNS = set(GENDERED_NOUNS) | set(
    "minister official spokesperson source aide adviser advisor director president senator governor judge "
    "justice candidate nominee leader secretary manager strategist lawyer attorney analyst expert critic "
    "doctor reporter journalist writer author professor economist historian scientist officer chief mayor "
    "member insider person voter supporter lawmaker representative moderator chair diplomat envoy "
    "ambassador commissioner staffer operative consultant donor organizer activist resident worker "
    "owner executive head negotiator leader player host anchor editor columnist".split()
)
ORG_NOUNS = set(
    "ministry department office agency government administration campaign committee court panel party "
    "commission council union company firm newspaper network broadcaster bank board institute center "
    "centre foundation group coalition legislature congress senate house police service team city state "
    "country nation".split()
)
# Nouns that call any organisation by its kind alone ("the group said"), unlike "the court"
# or "the network", which name a kind a different organisation quoted before may not be.
GENERIC_ORG_NOUNS = set("group organization organisation agency commission company firm foundation association institute".split())
SYNONYMS = {  # nouns that name the same kind of speaker
    "spokesman": "spokesperson", "spokeswoman": "spokesperson", "survey": "poll", "study": "poll",
    "research": "poll", "piece": "article", "feature": "article", "justice": "judge", "advisor": "adviser",
}  # fmt: skip
INDEFINITE = set("a an another some many most few several one other any no both two three various numerous at".split())
QUANTIFIERS = {"some", "many", "most", "few", "several", "other", "both", "all"}
PERSONAL = {"he": "m", "him": "m", "his": "m", "himself": "m", "she": "f", "her": "f", "hers": "f", "herself": "f"}
PLURAL = {"they", "them", "their", "theirs", "themselves", "each"}
NEUTER = {"it", "its", "itself"}
RELATIVE = {"who", "whom", "whose", "which", "that"}
FIRST_SECOND = {"i": "i", "me": "i", "my": "i", "we": "we", "us": "we", "our": "we", "you": "you", "your": "you"}
WINDOW = 6  # sentences a pronoun looks back
NOMINAL_WINDOW = 4  # sentences "the minister" looks back for a speaker when no role matches
# Texts longer than this (books, dumps; PolNeAR train's longest article has 33,672
# characters) are resolved in windows of whole paragraphs about this long.
WINDOW_CHARS = 50_000
SOURCE_BONUS, SUBJECT_BONUS, QUOTE_PENALTY, UNKNOWN_GENDER_PENALTY = 1.0, 1.0, 1.5, 1.0


@dataclass
class Entity:
    """One speaker or thing an article refers to, with what the resolver learnt about it."""

    id: str
    type: str
    label: str | None = None
    names: list[tuple[str, CharSpan]] = field(default_factory=list)  # name forms and where they occur
    role: str | None = None
    heads: set[str] = field(default_factory=set)  # nouns it has been called: "minister", "spokesperson"
    modifiers: frozenset[str] = frozenset()  # proper-noun modifiers of its description ("home", "office")
    gender: str | None = None
    plural: bool = False

    @property
    def name(self) -> str | None:
        """The fullest name form: most words once titles are dropped, first used on ties."""
        if not self.names:
            return None
        return max(self.names, key=lambda n: (len(name_words(n[0])), -n[1][0]))[0]

    def name_span(self) -> CharSpan | None:
        best = self.name
        return next((s for n, s in self.names if n == best), None)


@dataclass
class Occurrence:
    """A place an entity is mentioned: a candidate antecedent for later pronouns."""

    start: int
    end: int
    entity: Entity
    sentence: int
    is_source: bool
    salience: float  # main-clause subject 1, other subject 0.5, object 0, after a preposition -0.5
    in_quote: bool


def full_names_agree(words: list[str], entity: Entity) -> bool:
    """A full name joins an entity only if it matches each full name the entity has."""
    return len(words) < 2 or all(len(name_words(n)) == 1 or names_match(words, name_words(n)) for n, _ in entity.names)


def salience(token: Token) -> float:
    """How prominent a mention's grammatical role makes it as a later pronoun's antecedent."""
    if token.dep_ in ("nsubj", "nsubjpass"):
        return 1.0 if token.head.dep_ == "ROOT" else 0.5
    if token.dep_ in ("pobj", "poss") or token.head.dep_ == "prep":
        return -0.5
    return 0.0


def _first_name_like(token: Token) -> bool:
    """A capitalised proper noun before a surname that no entity type makes a place, group or
    organisation ("Republican Trump") and that is no title or role ("Commissioner")."""
    word = token.lower_.rstrip(".")
    return (
        token.pos_ == "PROPN"
        and token.is_title
        and token.ent_type_ not in ("NORP", "GPE", "ORG", "LOC")
        and word not in TITLES
        and word not in PERSON_NOUNS
    )


class Resolver:
    """Resolves one article's source mentions in document order."""

    def __init__(self, doc: Doc, attributions: list[Attribution]) -> None:
        self.doc = doc
        self.entities: list[Entity] = []
        self.occurrences: list[Occurrence] = []
        self.sentences = sentences(doc)
        self.sent_starts = [s.start_char for s in self.sentences]
        self.text = doc_text(doc)
        # spaCy rebuilds these on every access
        self.ents = article_entities(doc)
        self.chunks = list(doc.noun_chunks)
        # content of attributed speech: "I" there is the speaker
        self.content_owner: list[tuple[CharSpan, Attribution]] = [
            (sp, a) for a in attributions if a.source is not None for sp in a.content.spans
        ]
        self.resolved: dict[int, Entity] = {}  # id(attribution) -> entity
        self.group_keys: dict[object, Entity] = {}
        self.chunk_entities: dict[int, Entity] = {}  # noun token index -> entity made for it
        self.headline_end = headline_length(self.text)
        self._index_names()

    # --- bookkeeping -------------------------------------------------------------------
    def sentence_of(self, char: int) -> int:
        return max(bisect.bisect_right(self.sent_starts, char) - 1, 0)

    def in_quote(self, char: int) -> bool:
        """Inside quotation marks opened earlier in the same paragraph."""
        text = self.text
        line_start = text.rfind("\n", 0, char) + 1
        before = text[line_start:char]
        opened = before.count("“") - before.count("”") + before.count('"') % 2
        return opened > 0

    def new_entity(self, type_: str, label: str | None = None) -> Entity:
        entity = Entity(id=f"e{len(self.entities) + 1}", type=type_, label=label)
        self.entities.append(entity)
        return entity

    def note(self, token_span: Span, entity: Entity, is_source: bool) -> None:
        root = token_span.root
        occurrence = Occurrence(
            token_span.start_char,
            token_span.end_char,
            entity,
            self.sentence_of(token_span.start_char),
            is_source,
            salience(root),
            self.in_quote(token_span.start_char),
        )
        bisect.insort(self.occurrences, occurrence, key=lambda o: o.start)  # pronouns scan in text order

    # --- names -------------------------------------------------------------------------
    def _index_names(self) -> None:
        """Link every named entity in the article, so later pronouns and short names see them.

        People first (spaCy tags the same surname PERSON in one place, ORG in another), the
        title-cased headline last: its entities run into the words after them ("Obama Seeks").
        """
        names = [
            e
            for e in self.ents
            if e.label_ in NAME_LABELS and name_words(e.text) and not (e.label_ == "NORP" and e.root.tag_ == "JJ")
        ]  # "Democrats" is a group, "Democratic" only describes one
        body = sorted((e for e in names if e.start_char >= self.headline_end), key=lambda e: (e.label_ != "PERSON", e.start))
        for ent in body:
            entity = self.link_name(ent.text, ent.label_, (ent.start_char, ent.end_char), title_before(ent))
            self.learn_role(ent, entity)
            self.note(ent, entity, is_source=False)
        for ent in (e for e in names if e.start_char < self.headline_end):
            prefixes = [ent[:k] for k in range(len(ent), 0, -1)]
            known = next(
                (
                    (p, e)
                    for p in prefixes
                    for e in self.entities
                    if 0 < len(name_words(p.text)) <= 3
                    and any(names_match(name_words(p.text), name_words(n)) for n, _ in e.names)
                    and full_names_agree(name_words(p.text), e)  # "Will Sanders Come Down?" is not Bernie
                ),
                None,
            )
            if known is None:
                entity = self.link_name(ent.text, ent.label_, (ent.start_char, ent.end_char))
            else:  # "Hillary Clinton Goes After ...": keep the name part, it may be the fullest
                prefix, entity = known
                entity.names.append((name_form(prefix.text), (prefix.start_char, prefix.end_char)))
            self.note(ent, entity, is_source=False)
        self._index_pairs(body)
        self._index_descriptions()

    def _index_pairs(self, names: list[Span]) -> None:
        """ "Obama and Clinton" outside any source: a group a later "they" can take."""
        people = sorted((e for e in names if e.label_ == "PERSON"), key=lambda e: e.start)
        for first, second in itertools.pairwise(people):
            between = self.doc[first.end : second.start]
            if len(between) == 1 and between[0].lower_ in ("and", "&"):
                pair = self.doc[first.start : second.end]
                group = self.resolve_coordination(pair)
                if group is not None:
                    self.note(pair, group, is_source=False)

    def _index_descriptions(self) -> None:
        """ "the president" where one named person is the article's president: a mention of them."""
        by_head: dict[str, list[Entity]] = {}
        for entity in self.entities:
            if entity.type == "person":
                for head in entity.heads:
                    by_head.setdefault(head, []).append(entity)
        for chunk in self.chunks:
            root = chunk.root
            head = SYNONYMS.get(root.lemma_.lower(), root.lemma_.lower())
            if root.pos_ == "NOUN" and chunk[0].lower_ == "the" and len(by_head.get(head, [])) == 1:
                self.note(chunk, by_head[head][0], is_source=False)

    def link_name(self, text: str, label: str, where: CharSpan, title: str = "") -> Entity:
        """The entity a name refers to, made if new. A short name goes to the candidate named
        most often so far ("Clinton" after "Hillary Clinton" and one "Bill Clinton"); ties below."""
        words = name_words(text)
        type_ = NAME_LABELS.get(label, "person")
        candidates = []
        if len(words) == 1 and type_ != "person":  # a surname spaCy tagged ORG or GPE
            candidates = [
                e for e in self.entities if e.type == "person" and any(name_words(n)[-1:] == words for n, _ in e.names)
            ]
        candidates = candidates or [
            e
            for e in self.entities
            if e.names and e.type == type_ and any(names_match(words, name_words(n)) for n, _ in e.names)
        ]
        candidates = [e for e in candidates if full_names_agree(words, e)]
        title = text.lower().split()[0].rstrip(".") if text.split() and not title else title
        gender = TITLES.get(title)
        gender = gender or self.first_name_gender(words, type_)
        if gender:  # "Michelle Obama" is not "Mr. Obama"
            candidates = [e for e in candidates if e.gender in (None, gender)]
        if candidates:
            # ties: the one the article has made its subject most ("Hillary Clinton will not be
            # happy …" over "her husband, former President Bill Clinton"), then the one it
            # introduced first (news names its main person first, then calls them by surname)
            prominence = {id(e): sum(o.salience for o in self.occurrences if o.entity is e) for e in candidates}
            entity = max(candidates, key=lambda e: (len(e.names), prominence[id(e)], -e.names[0][1][0]))
        else:
            entity = self.new_entity(type_, label)
        entity.names.append((name_form(text), where))
        entity.label = entity.label or label
        entity.gender = entity.gender or gender
        if type_ == "group" or words[-1:] and words[-1].endswith("s") and label == "NORP":
            entity.plural = True
        return entity

    @staticmethod
    def first_name_gender(words: list[str], type_: str) -> str | None:
        """Gender from a first name; a lone word is more often a surname ("Scott"), so not that."""
        if type_ != "person" or len(words) < 2:
            return None
        return "m" if words[0] in MALE_NAMES else "f" if words[0] in FEMALE_NAMES else None

    def learn_role(self, name: Span, entity: Entity) -> None:
        """What the article calls a named person: the words before the name in its noun phrase
        ("Transport minister Lilian Greenwood") or an apposition ("Fallon, the press secretary,"),
        never a title-cased headline's words, which spaCy parses as a sentence ("Pence: …, Trump
        Was ‘Mocking’ Clinton Camp" made "Trump Was ‘Mocking’ Clinton Camp" Pence's role)."""
        if name.start_char < self.headline_end:
            return
        doc = self.doc
        root = name.root
        left = modifiers_before(name, max(name.start - 8, name.sent.start))
        while left and (left[0].lower_.rstrip(".") in TITLES or left[0].pos_ == "DET" or left[0].is_punct):
            left = left[1:]
        role_tokens: list[Token] = []
        role_head: Token | None = None
        nouns = [t for t in left if t.pos_ == "NOUN" or TITLES.get(t.lower_.rstrip("."), "") is None]
        if left and left[-1].i == name.start - 1 and nouns:  # "French President Emmanuel Macron"
            role_tokens = list(doc[left[0].i : name.start])
            role_head = nouns[-1]
        else:
            appos = [
                c
                for c in root.children
                if c.dep_ == "appos" and c.i >= name.end and c.pos_ == "NOUN" and not c.left_edge.like_num
            ]  # not a share: "to Sanders’ 39 percent"
            if appos:
                sub = list(appos[0].subtree)
                # up to a relative clause: "a gynecologist from Englewood, who said he is friendly with …"
                cut = min((t.left_edge.i for t in sub if t.dep_ == "relcl"), default=sub[-1].i + 1)
                sub = [t for t in sub if t.i < cut]
                while sub and sub[-1].is_punct:
                    sub.pop()
                role_tokens = [t for t in sub if not (t.i == sub[0].i and t.pos_ == "DET") and not t.is_punct]
                role_head = appos[0]
            elif root.dep_ == "appos" and root.head.tag_ == "NN" and root.head.lemma_.lower() in PERSON_NOUNS and root.head.i < name.start:
                # the name set after its role: "Apple's chief executive, Tim Cook,"
                role_tokens = [t for t in root.head.doc[root.head.left_edge.i : root.head.i + 1] if t.pos_ != "DET"]
                role_head = root.head
        if role_head is not None:
            entity.heads.add(SYNONYMS.get(role_head.lemma_.lower(), role_head.lemma_.lower()))
            entity.gender = entity.gender or GENDERED_NOUNS.get(role_head.lower_)
        for title in (title_before(name), name[0].lower_.rstrip(".")):
            if title in TITLES:
                entity.heads.add(SYNONYMS.get(title, title))
                entity.gender = entity.gender or TITLES[title]
        if role_tokens and entity.role is None:
            text = role_text(role_tokens)
            first_tok = role_tokens[0]
            proper = not first_tok.is_title or self.known_person(first_tok.text)  # "AFL-CIO President", "Trump lawyer"
            if not first_tok.ent_type_ and not proper:  # "Transport minister" -> "transport minister"
                text = text[0].lower() + text[1:]
            entity.role = text

    # --- mentions ----------------------------------------------------------------------
    def resolve(self, attribution: Attribution) -> Speaker | None:
        source = attribution.source
        if source is None:
            return None
        span = self.doc.char_span(source.start, source.end, alignment_mode="expand")
        if span is None or all(t.is_punct or t.is_space for t in span):  # "[": no one to resolve
            return Speaker(mention=source.text, mentions=list(source.spans))
        entity, antecedent = self.resolve_span(span)
        self.resolved[id(attribution)] = entity
        mentions = list(source.spans)
        for extra in (antecedent, entity.name_span()):
            if extra and extra not in mentions:
                mentions.append(extra)
        return Speaker(
            mention=source.text,
            name=entity.name,
            role=entity.role,
            type=entity.type,
            entity_id=entity.id,
            entity_label=entity.label,
            mentions=mentions,
        )

    def resolve_span(self, span: Span) -> tuple[Entity, CharSpan | None]:
        root = span.root
        if root.pos_ in ("VERB", "AUX"):  # a span that is only the cue: the speaker is its subject
            subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is not None:
                span = self.doc[subject.left_edge.i : subject.right_edge.i + 1]
                root = span.root
        words = [t for t in span if not t.is_punct]
        if not words:  # a subject that is only punctuation
            return self.new_entity("unnamed"), None
        lower = " ".join(t.lower_ for t in words)
        if len(words) == 1 and lower in PERSONAL | dict.fromkeys(PLURAL | NEUTER):
            return self.resolve_pronoun(span, lower)
        if lower in FIRST_SECOND:
            return self.resolve_first_second(span, FIRST_SECOND[lower]), None
        relative = next((t for t in span if t.lower_ in RELATIVE and t.tag_ in ("WP", "WP$", "WDT")), None)
        if relative is not None and (relative.i == root.i or root.lower_ in INDEFINITE or len(words) <= 3):
            found = self.resolve_relative(relative)
            if found is not None:
                self.note(span, found[0], is_source=True)
                return found
        group = self.resolve_coordination(span) if root.pos_ == "PROPN" else None
        if group is not None:
            self.note(span, group, is_source=True)
            return group, None
        quantified = words[0].lower_ in QUANTIFIERS and root.tag_ in ("NNS", "NNPS")  # "some Democrats"
        name = None if quantified else self.name_in(span)
        if name is not None:
            entity = self.name_entity(name)
            self.learn_role(name, entity)
            self.note(span, entity, is_source=True)
            return entity, entity.name_span()
        entity, antecedent = self.resolve_description(span)
        self.note(span, entity, is_source=True)
        return entity, antecedent

    def name_in(self, span: Span) -> Span | None:
        """The name a mention is headed by, or set in apposition to its head, if any.

        A common-noun head ("lawyers for Donald and Ivana Trump") is not named by the names
        inside it; a proper-noun head takes the last person's name before any apposition
        ("Hillary Clinton's campaign manager Robby Mook", "Tulsa police Chief Chuck Jordan").
        """
        root = span.root
        appos = [c for c in root.children if c.dep_ == "appos" and span.start <= c.i < span.end]
        if root.pos_ != "NOUN" or root.is_title:  # spaCy tags some surnames NOUN ("Sanders")
            head_end = next((t.i for t in span if t.text == "," and t.i > root.i), span.end)
            people = [
                e
                for e in self.ents
                if e.label_ == "PERSON"
                and span.start <= e.start
                and e.end <= head_end
                and e.root.dep_ not in ("poss", "pobj")
                and not (e.end < len(self.doc) and self.doc[e.end].dep_ == "case")
            ]  # not the owner in "one of Mr. Obama's advisers", nor one of "Democrats -- including Clinton --"
            if people and name_words(people[-1].text):
                return people[-1]
            candidates = [root] + appos
        else:
            candidates = appos
        found = [self.name_at(t, span) for t in candidates]
        found = [f for f in found if f is not None]
        return next((f for f in found if f.label_ == "PERSON"), found[0] if found else None)

    def name_at(self, token: Token, span: Span) -> Span | None:
        """spaCy's entity at a token, else the run of capitalised words around a proper noun."""
        doc = self.doc
        if token.is_title and self.known_person(token.text):  # a surname spaCy missed or ran on
            start = token.i  # with its first name: "Ivanka Trump", tagged PRODUCT, is not "Trump"
            while start > span.start and _first_name_like(doc[start - 1]):
                start -= 1
            return Span(doc, start, token.i + 1, label="PERSON")
        ent = next((e for e in self.ents if e.start <= token.i < e.end and e.label_ in NAME_LABELS), None)
        if ent is not None and name_words(ent.text):
            return ent
        if token.pos_ != "PROPN":
            return None

        def in_name(t: Token) -> bool:  # "Central and East European", 'Marcia "Cia" Price'
            return t.pos_ == "PROPN" or (t.is_title and t.pos_ != "DET") or t.is_quote or t.lower_ in ("and", "of")

        start = token.i
        while start - 1 >= span.start and in_name(doc[start - 1]):
            start -= 1
        while start < token.i and not (doc[start].is_title or doc[start].pos_ == "PROPN"):
            start += 1
        end = token.i + 1
        while end < span.end and doc[end].pos_ == "PROPN":
            end += 1
        name = doc[start:end]
        return Span(doc, start, end, label=self.guess_label(name)) if name_words(name.text) else None

    def name_entity(self, name: Span) -> Entity:
        ent = next((e for e in self.ents if e.start == name.start and e.end == name.end), None)
        for occ in self.occurrences:  # already indexed by _index_names
            if not occ.is_source and occ.start == name.start_char and occ.end == name.end_char:
                return occ.entity
        if name.label_ in NAME_LABELS:
            label = name.label_
        else:
            label = ent.label_ if ent is not None and ent.label_ in NAME_LABELS else self.guess_label(name)
        return self.link_name(name.text, label, (name.start_char, name.end_char), title_before(name))

    def known_person(self, word: str) -> bool:
        words = name_words(word)
        return len(words) == 1 and any(
            e.type == "person" and name_words(n)[-1:] == words for e in self.entities for n, _ in e.names
        )

    def guess_label(self, name: Span) -> str:
        """A proper-noun mention spaCy did not tag: what the article already calls it, else a
        person when titled or a known first name, an organisation by its noun or capitals."""
        words = name_words(name.text)
        first = name[0].lower_.rstrip(".")
        if first in TITLES or (words and (words[0] in MALE_NAMES or words[0] in FEMALE_NAMES)):
            return "PERSON"
        known = [e for e in self.entities if e.names and any(names_match(words, name_words(n)) for n, _ in e.names)]
        if known and known[-1].label:
            return known[-1].label
        if words and words[-1] in ORG_NOUNS or name.text.isupper():  # "interior ministry", "CNS"
            return "ORG"
        if len(words) == 1 and words[0].endswith("s"):  # "Europeans"
            return "NORP"
        return "PERSON"

    def resolve_coordination(self, span: Span) -> Entity | None:
        """ "Obama and Clinton": a group keyed by its members, so it recurs as one speaker."""
        names = [e for e in self.ents if e.label_ == "PERSON" and span.start <= e.start and e.end <= span.end]
        if len(names) < 2 or not any(t.lower_ in ("and", "&") for t in span):
            return None
        key = ("members", frozenset(self.name_entity(n).id for n in names))
        if key not in self.group_keys:
            entity = self.new_entity("group")
            entity.plural = True
            self.group_keys[key] = entity
        return self.group_keys[key]

    def resolve_first_second(self, span: Span, person: str) -> Entity:
        """ "I" inside someone's quoted words is that speaker; otherwise the writer (or readers)."""
        if person == "i":
            for (s, e), owner in self.content_owner:
                if s <= span.start_char < e and id(owner) in self.resolved:
                    return self.resolved[id(owner)]
        key = ("deictic", person)
        if key not in self.group_keys:
            entity = self.new_entity("person" if person == "i" else "group")
            entity.plural = person != "i"
            self.group_keys[key] = entity
        return self.group_keys[key]  # not an antecedent: "he" never means the writer

    def resolve_relative(self, relative: Token) -> tuple[Entity, CharSpan | None] | None:
        """ "who"/"which" refer to the noun their clause modifies."""
        clause = relative
        while clause.dep_ not in ("relcl", "acl") and clause.head.i != clause.i:
            clause = clause.head
            if clause.i - relative.i > 12:
                return None
        noun = clause.head
        if clause.dep_ not in ("relcl", "acl") or noun.pos_ not in ("NOUN", "PROPN", "PRON"):
            before = [c for c in self.chunks if c.end <= relative.i and c.start >= relative.sent.start]
            if not before or before[-1].root.lower_ in RELATIVE:
                return None
            noun = before[-1].root  # the parse missed the clause: the noun just before it
        if noun.dep_ == "appos":  # "McConnell, now the majority leader, who"
            noun = noun.head
        while noun.dep_ == "conj" and noun.pos_ != "PROPN":  # "generals and admirals, who": the whole group
            noun = noun.head
        nearer = [c for c in noun.children if c.dep_ == "conj" and c.pos_ == "PROPN" and c.i < relative.i]
        if noun.pos_ == "PROPN" and nearer:  # "Mr. Kerry and Mr. Obama, who": the nearer name
            noun = nearer[-1]
        for occ in reversed(self.occurrences):
            if occ.start <= noun.idx < occ.end:
                return occ.entity, (occ.start, occ.end)
        if noun.i in self.chunk_entities:
            return self.chunk_entities[noun.i], None
        phrase = self.doc[noun.left_edge.i : noun.i + 1]
        entity, antecedent = self.resolve_description(phrase)
        self.chunk_entities[noun.i] = entity
        return entity, antecedent or (phrase.start_char, phrase.end_char)

    # --- pronouns ----------------------------------------------------------------------
    def resolve_pronoun(self, span: Span, word: str) -> tuple[Entity, CharSpan | None]:
        gender = PERSONAL.get(word)
        sentence = self.sentence_of(span.start_char)
        best, best_score = None, float("-inf")
        for occ in self.occurrences:
            if occ.start >= span.start_char or sentence - occ.sentence > WINDOW:
                continue
            score = self.pronoun_fit(occ, word, gender)
            if score is None:
                continue
            score -= sentence - occ.sentence
            if score >= best_score:  # ties go to the later mention
                best, best_score = occ, score
        if word not in PERSONAL and (best is None or best.sentence < sentence):
            found = self.plural_or_thing_nearby(span, plural=word in PLURAL, same_sentence=best is not None)
            if found is not None:
                self.note(span, found[0], is_source=True)
                return found
        if best is None:
            entity = self.new_entity("person" if gender else "group" if word in PLURAL else "unnamed")
            entity.gender, entity.plural = gender, word in PLURAL
            self.note(span, entity, is_source=True)
            return entity, None
        entity = best.entity
        if gender and entity.type == "person" and entity.gender is None:
            entity.gender = gender  # the article's own pronoun settles it for later ones
        self.note(span, entity, is_source=True)
        return entity, (best.start, best.end)

    def pronoun_fit(self, occ: Occurrence, word: str, gender: str | None) -> float | None:
        """How well an earlier mention suits a pronoun (higher is better), None if it cannot."""
        entity = occ.entity
        if gender:
            if entity.type not in ("person", "unnamed") or entity.plural:
                return None
            if entity.gender not in (None, gender):
                return None
            score = 0.0 if entity.gender == gender else -UNKNOWN_GENDER_PENALTY
        elif word in PLURAL:
            if not (entity.plural or entity.type in ("group", "organisation")):
                return None
            score = 0.0 if entity.plural else -1.0
        else:  # it / its
            if entity.type in ("person", "group", "unnamed") or entity.plural or entity.gender:
                return None
            score = 0.0
        score += SOURCE_BONUS * occ.is_source + SUBJECT_BONUS * occ.salience
        return score - QUOTE_PENALTY * occ.in_quote

    def plural_or_thing_nearby(
        self, span: Span, plural: bool, same_sentence: bool
    ) -> tuple[Entity, CharSpan | None] | None:
        """ "they"/"it": the nearest fitting noun phrase before it in its sentence ("his tax
        returns ... they would reveal"), or in the one before when no speaker fits."""
        start = span.sent.start if same_sentence else self.sent_starts_token(span.sent)
        chunks = [c for c in self.chunks if c.end <= span.start and c.start >= start]
        for chunk in reversed(chunks):
            root = chunk.root
            if root.pos_ == "PRON" or root.ent_type_ == "PERSON" or root.lemma_.lower() in PERSON_NOUNS:
                continue
            if same_sentence and root.dep_ not in ("nsubj", "nsubjpass", "dobj", "attr"):
                continue  # a noun after a preposition rarely outranks the speaker before
            if (root.tag_ in ("NNS", "NNPS")) == plural:
                if root.i not in self.chunk_entities:
                    entity, _ = self.resolve_description(chunk)
                    self.chunk_entities[root.i] = entity
                return self.chunk_entities[root.i], (chunk.start_char, chunk.end_char)
        return None

    def sent_starts_token(self, sentence: Span) -> int:
        """Token where the search for a pronoun's noun starts: the previous sentence's first."""
        n = self.sentence_of(sentence.start_char)
        return self.sentences[n - 1].start if n > 0 else sentence.start

    # --- descriptions ------------------------------------------------------------------
    def resolve_description(self, span: Span) -> tuple[Entity, CharSpan | None]:
        """A mention without a name: the same speaker as an earlier description with its head
        noun (definite), a new one (indefinite singular), or a recurring group (plural)."""
        root = span.root
        head = SYNONYMS.get(root.lemma_.lower(), root.lemma_.lower())
        words = [t for t in span if not t.is_punct]
        first = words[0].lower_ if words else ""
        modifiers = frozenset(
            t.lower_ for t in span if t.i < root.i and (t.pos_ == "PROPN" or t.ent_type_) and t.dep_ != "poss"
        )
        possessor = next((c for c in root.children if c.dep_ == "poss"), None)
        if possessor is None:  # "advisers to Mr. Obama" is "his advisers"
            possessor = next(
                (
                    g
                    for c in root.children
                    if c.dep_ == "prep" and c.lower_ in ("to", "of", "for")
                    for g in c.children
                    if g.dep_ == "pobj" and g.pos_ == "PROPN"
                ),
                None,
            )
        owner = self.owner_of(possessor) if possessor is not None else None
        plural = root.tag_ in ("NNS", "NNPS")
        determiners = ("the", "these", "those", "this", "that")
        indefinite = (
            first in INDEFINITE or first.isdigit() or (plural and possessor is None and first not in determiners)
        )
        type_ = self.description_type(root, head, plural, modifiers)
        if indefinite and not plural and first not in ("some", "most", "many"):
            entity = self.new_entity(type_)
            self.describe(entity, span, head, modifiers)
            return entity, None
        if plural and (indefinite or owner is not None):
            quantifier = first if first in INDEFINITE else ""  # "many voters" are not "voters"
            key = ("group", quantifier, head, modifiers, owner.id if owner else None)
            if key not in self.group_keys:
                entity = self.new_entity(type_)
                entity.plural = True
                self.describe(entity, span, head, modifiers)
                self.group_keys[key] = entity
            return self.group_keys[key], None
        found = self.antecedent_by_head(span, head, modifiers, plural, type_)
        if found is not None:
            return found
        entity = self.new_entity(type_)
        entity.plural = plural
        self.describe(entity, span, head, modifiers)
        return entity, None

    def owner_of(self, possessor: Token) -> Entity | None:
        if possessor.lower_ in PERSONAL or possessor.lower_ in PLURAL | NEUTER:
            entity, _ = self.resolve_pronoun(self.doc[possessor.i : possessor.i + 1], possessor.lower_)
            return entity
        sub = self.doc[possessor.left_edge.i : possessor.i + 1]
        name = self.name_in(sub)
        return self.name_entity(name) if name is not None else None

    @staticmethod
    def description_type(root: Token, head: str, plural: bool, modifiers: frozenset[str]) -> str:
        if head in ORG_NOUNS or root.ent_type_ in ("ORG", "GPE"):
            return "organisation"
        if plural:
            return "group"
        if head in PERSON_NOUNS:
            return "unnamed"
        return "other"

    def describe(self, entity: Entity, span: Span, head: str, modifiers: frozenset[str]) -> None:
        entity.heads.add(head)
        entity.modifiers = entity.modifiers or modifiers
        entity.gender = entity.gender or GENDERED_NOUNS.get(span.root.lower_)
        if entity.role is None and entity.type in ("unnamed", "group", "person"):
            words = [t for t in span if not t.is_punct]
            while words and (words[0].lower_ in INDEFINITE | {"the"} or words[0].pos_ == "DET"):
                words = words[1:]
            if words:
                entity.role = self.doc[words[0].i : words[-1].i + 1].text

    def antecedent_by_head(
        self, span: Span, head: str, modifiers: frozenset[str], plural: bool, type_: str
    ) -> tuple[Entity, CharSpan | None] | None:
        """The latest earlier entity called by the same head noun with no clashing proper-noun
        modifiers; for a person noun with none such, the latest person source nearby; for a bare
        generic organisation noun ("the group"), the latest organisation quoted or a subject nearby."""
        sentence = self.sentence_of(span.start_char)
        words = [t for t in span if not t.is_punct]
        for occ in reversed(self.occurrences):
            entity = occ.entity
            if occ.start >= span.start_char or head not in entity.heads or entity.plural != plural:
                continue
            if modifiers and not (modifiers & entity.modifiers):  # "The USC poll" is not "a new poll"
                continue
            return entity, (occ.start, occ.end)
        if type_ == "organisation" and not plural and len(words) == 2 and words[0].lower_ == "the" and head in GENERIC_ORG_NOUNS:
            # "the group said": the latest organisation quoted or made a subject nearby (The Trayvon
            # Martin Foundation; "The Tax Policy Center … came to a similar conclusion")
            for occ in reversed(self.occurrences):
                prominent = occ.is_source or occ.salience > 0
                if prominent and occ.start < span.start_char and sentence - occ.sentence <= NOMINAL_WINDOW:
                    if occ.entity.type == "organisation" and not occ.entity.plural:
                        occ.entity.heads.add(head)
                        return occ.entity, (occ.start, occ.end)
        if type_ == "unnamed" and not plural:
            for occ in reversed(self.occurrences):
                if occ.is_source and occ.start < span.start_char:  # only the latest speaker, if a person
                    if (
                        occ.entity.type == "person"
                        and not occ.entity.plural
                        and sentence - occ.sentence <= NOMINAL_WINDOW
                    ):
                        gender = GENDERED_NOUNS.get(span.root.lower_)
                        if gender and occ.entity.gender not in (None, gender):
                            continue
                        occ.entity.heads.add(head)
                        return occ.entity, (occ.start, occ.end)
                    break
        return None


def resolve_speakers(doc: Doc, attributions: list[Attribution]) -> list[Speaker | None]:
    """The speaker of each attribution's source (None where it has no source), in input order.

    Mentions are resolved in document order so a pronoun sees the speakers before it. A text
    longer than ``WINDOW_CHARS`` is resolved window by window (:func:`windows`).
    """
    if len(doc_text(doc)) <= WINDOW_CHARS:
        speakers = _resolve(doc, attributions)
    else:
        speakers = [None] * len(attributions)
        for k, window in enumerate(windows(doc)):
            inside = [i for i, a in enumerate(attributions) if a.source and window.start_char <= a.source.start < window.end_char]
            shift = -window.start_char
            moved = [replace(attributions[i], content=_moved(attributions[i].content, shift),
                             cue=_moved(attributions[i].cue, shift), source=_moved(attributions[i].source, shift))
                     for i in inside]  # fmt: skip
            for i, speaker in zip(inside, _resolve(window.as_doc(), moved)):
                if speaker is not None:
                    speaker.mentions = [(s - shift, e - shift) for s, e in speaker.mentions]
                    speaker.entity_id = speaker.entity_id and f"{k}/{speaker.entity_id}"  # ids are per window
                speakers[i] = speaker
    # Number speakers e1, e2, ... by first mention; the resolver's own ids count every entity.
    order = sorted(range(len(attributions)), key=lambda i: attributions[i].source.start if attributions[i].source else -1)
    renumber: dict[str, str] = {}
    for i in order:
        speaker = speakers[i]
        if speaker is not None and speaker.entity_id is not None:
            speaker.entity_id = renumber.setdefault(speaker.entity_id, f"e{len(renumber) + 1}")
    return speakers


def windows(doc: Doc) -> list[Span]:
    """Whole paragraphs, about ``WINDOW_CHARS`` characters at a time (a window without a
    paragraph break ends at a sentence once twice that long). Within a window every
    mention is resolved as in a whole article; across windows nothing links, which keeps the
    work linear in length: the resolver's lookups scan what came before."""
    out: list[Span] = []
    text = doc_text(doc)
    start = 0  # token where the current window starts
    for sent in sentences(doc):
        size = sent.start_char - doc[start].idx
        paragraph_start = sent.start_char > 0 and text[sent.start_char - 1] == "\n"
        if size >= 2 * WINDOW_CHARS or (size >= WINDOW_CHARS and paragraph_start):
            out.append(doc[start : sent.start])
            start = sent.start
    out.append(doc[start:])
    return out


def _moved(role: RoleSpan | None, shift: int) -> RoleSpan | None:
    return None if role is None else RoleSpan(role.text, tuple((s + shift, e + shift) for s, e in role.spans))


def _resolve(doc: Doc, attributions: list[Attribution]) -> list[Speaker | None]:
    resolver = Resolver(doc, attributions)
    order = sorted(
        range(len(attributions)), key=lambda i: attributions[i].source.start if attributions[i].source else -1
    )
    speakers: list[Speaker | None] = [None] * len(attributions)
    for i in order:
        speakers[i] = resolver.resolve(attributions[i])
    return speakers
