"""Names as articles write them: their words, how two forms match, and spaCy's entities
cleaned of what news text runs into them (datelines, a question's auxiliary, possessives).

Used by the resolver (:mod:`pipeline.speakers.resolution`), the index's cross-article
speakers and the speaker evaluation, which must compare names the same way.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

NAME_LABELS = {"PERSON": "person", "ORG": "organisation", "GPE": "organisation", "FAC": "organisation", "NORP": "group"}
# Honorifics stripped from names; some fix the person's gender.
TITLES: dict[str, str | None] = dict.fromkeys(
    "dr sen senator rep representative gov governor president judge justice rev gen lt col vice speaker chief "
    "secretary del prof professor".split()
) | {"mr": "m", "mrs": "f", "ms": "f", "miss": "f", "sir": "m", "lady": "f", "lord": "m"}
# Common English first names, written from general knowledge (not from the gold articles):
# a name's gender is a prior only; titles and the article's own pronouns override it.
MALE_NAMES = set(
    "aaron adam alan albert alex alexander andrew anthony antonio arthur ben benjamin bernie bill bob bobby brad "
    "brandon brian bruce bruno carl carlos charles charlie chris christopher chuck dan daniel dante darren dave "
    "david dennis derek don donald doug douglas ed edward elijah emmanuel eric evan frank fred gary george gerald "
    "greg gregory harry henry howard ian jack jacob jake james jason jeb jeff jeffrey jeremy jerry jim jimmy joe "
    "joel john jon jonathan joseph josh joshua juan justin keith ken kenneth kevin kyle larry lawrence lee "
    "lester lloyd louis luke marc marco mark martin matt matthew michael mike mitch mitt nathan newt nicholas "
    "nick noah patrick paul peter phil philip ralph randy ray raymond reince richard rick robert robby roger "
    "ron ronald roy rudy rush russell ryan sam samuel scott sean stephen steve steven ted terry thomas tim "
    "timothy todd tom tony victor vincent walter wayne william willie".split()
)
FEMALE_NAMES = set(
    "alice amanda amy andrea angela ann anna anne barbara betty beverly brenda carol caroline catherine cheryl "
    "christina christine claire cynthia deborah debbie debra denise diana diane donna doris dorothy elizabeth "
    "ellen ellie emily emma erin eva evelyn frances gloria grace hannah heather helen hillary hope ivana jane "
    "janet jennifer jessica jill joan joyce judith judy julia julie karen kate katherine kathleen kathy kelly "
    "kim laura lauren lilian linda lisa loretta lori louise lynn margaret maria marie marilyn martha mary "
    "megan melania melanie melissa michelle nancy nicole nikki pamela patricia paula rachel rebecca rose ruth "
    "sandra sara sarah sharon shirley stephanie susan teresa theresa tiffany virginia wendy".split()
)
SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
def name_words(name: str) -> list[str]:
    """Lower-cased words of a name without titles, possessives, punctuation and initials."""
    return list(_name_words(name))


@lru_cache(maxsize=1 << 16)  # asked of the same few names many thousand times an article
def _name_words(name: str) -> tuple[str, ...]:
    name = re.sub(r"\b(?:\w\.){2,}", lambda m: m.group().replace(".", ""), name.lower())  # "I.R.S." -> "irs"
    words = [w.strip("'") for w in re.findall(r"[\w'-]+", re.sub(r"['’]s\b", "", name))]
    words = [w for w in words if w]
    while words and (words[0] in TITLES or words[0] == "the"):
        words = words[1:]
    while words and words[-1] in SUFFIXES:
        words = words[:-1]
    return tuple(w for w in words if len(w) > 1 or not w.isalpha())


def name_form(text: str) -> str:
    """A name as written, without the possessive or quotation marks it was read with
    ("Hillary Clinton’s Claim …", "Ava DuVernay’s ‘13th’", "Donald Trump ''doesn't …")."""
    return re.sub(r"['’]s$", "", text.strip(" ,'\"‘’“”`")).strip(" ,")


def normalise_name(name: str | None) -> str:
    """The comparison form of a canonical name (used by evaluation too)."""
    return " ".join(name_words(name or ""))


def _acronym(short: list[str], long: list[str]) -> bool:
    return (
        len(short) == 1 and len(long) > 1 and short[0] == "".join(w[0] for w in long if w not in {"of", "and", "for"})
    )


def names_match(a: list[str], b: list[str]) -> bool:
    """Same referent by name: one's words end the other's ("Greenwood" / "Lilian Greenwood",
    "Post" / "New York Post"), first names agreeing where both have them, or an acronym."""
    if not a or not b:
        return False
    short, long = sorted((a, b), key=len)
    if _acronym(short, long):
        return True
    if short[-1] != long[-1]:
        return False
    return len(short) == 1 or set(short) <= set(long)


def title_before(name: Span) -> str:
    """The honorific just before a name ("Mr." in "Mr. Obama"), lower-cased without its dot."""
    return name.doc[name.start - 1].lower_.rstrip(".") if name.start else ""


def headline_length(text: str) -> int:
    """Characters of a title-cased first line ("Obama Seeks More Muslim Refugees"), else 0."""
    first = text.split("\n", 1)[0]
    words = re.findall(r"[A-Za-z][\w'’-]*", first)
    capitalised = sum(w[0].isupper() for w in words)
    return len(first) if len(words) >= 3 and capitalised >= 0.6 * len(words) else 0


DATELINE_DASHES = {"-", "–", "—", "--"}


def _dateline_dash(doc: Doc, i: int) -> bool:
    """A dateline's dash at token ``i``, or just after a news agency there ("(AP) —")."""
    if i < len(doc) and doc[i].text == "(":
        i = next((t.i + 1 for t in doc[i : i + 4] if t.text == ")"), i)
    return i < len(doc) and doc[i].text in DATELINE_DASHES


def without_dateline(ent: Span) -> Span | None:
    """An entity as a dateline leaves it. The dateline's place itself ("LOS ANGELES —") is
    nothing anyone says or is called; an entity spaCy ran on from it ("CLEVELAND - Donald
    Trump", tagged ORG) is the words after the dash: a person when they start with a title or a
    known first name, else of the entity's label; nothing when no proper noun is left
    ("NEW HAMPSHIRE - Since")."""
    doc = ent.doc
    line_start = ent.start_char == 0 or doc.text[ent.start_char - 1] == "\n"
    if not line_start:
        return ent
    not_upper = [t for t in ent if not (t.is_upper or t.is_punct)]
    if not not_upper and _dateline_dash(doc, ent.end):
        return None
    dash = next((t.i for t in ent if t.text in DATELINE_DASHES and doc[t.i - 1].whitespace_), None)
    if dash is None or any(t.i < dash for t in not_upper):
        return ent
    rest = doc[dash + 1 : ent.end]
    if not any(t.pos_ == "PROPN" for t in rest):
        return None
    first = rest[0].lower_.rstrip(".")
    person = first in TITLES or (len(rest) > 1 and (first in MALE_NAMES or first in FEMALE_NAMES))
    return Span(doc, rest.start, rest.end, label="PERSON" if person else ent.label_)


ROLE_DEPS = ("compound", "amod", "nmod", "poss", "case", "punct", "nummod")


def modifiers_before(name: Span, start: int) -> list[Token]:
    """The words from ``start`` up to a name that modify it: the unbroken run just before it whose
    every token's chain of heads runs rightwards into the name ("French interior minister Bruno
    Retailleau"), so a clause's words before it are not ("Chris Christie described Democratic
    presidential nominee Hillary Clinton": "described" heads the name, not the reverse)."""
    doc = name.doc

    def modifies(t: Token) -> bool:
        if t.is_space:  # a non-breaking space spaCy keeps as a token ("nominee\xa0Gov.\xa0Mike Pence")
            return True
        while t.i < name.start:
            if t.dep_ == "case" and t.head.i == t.i - 1:  # the "'s" of "Clinton's top aide": as its owner
                t = t.head
                continue
            fits = t.dep_ in ROLE_DEPS or t.pos_ in ("NOUN", "PROPN", "ADJ") or (t.dep_, t.pos_) == ("advmod", "ADV")
            if not fits or not t.i < t.head.i < name.end:  # "newly elected mayor"
                return False
            t = t.head
        return True

    first = name.start
    while first > start and modifies(doc[first - 1]):
        first -= 1
    while first < name.start and doc[first].is_space:
        first += 1
    return list(doc[first : name.start])


# Abbreviated titles that end a role before the name ("Vermont Sen. Bernie Sanders").
TITLE_WORDS = {"sen": "senator", "gov": "governor", "rep": "representative", "gen": "general",
               "lt": "lieutenant", "col": "colonel", "sgt": "sergeant", "adm": "admiral"}  # fmt: skip
TRAILING_TITLES = re.compile(rf"(?:\b(?:{'|'.join(TITLE_WORDS)})\.\s*)+$", re.IGNORECASE)


def role_text(tokens: list[Token]) -> str:
    """A role's words as one line. Abbreviated titles at its end are the name's: dropped after
    a role noun ("Republican vice-presidential nominee Gov." -> "… nominee"), else spelt out
    ("Vermont Sen." -> "Vermont senator", "retired Lt. Gen." -> "retired lieutenant general")."""
    doc = tokens[0].doc
    text = " ".join(doc[tokens[0].i : tokens[-1].i + 1].text.split()).strip(" ,")
    titles = TRAILING_TITLES.search(text)
    if titles is None:
        return text
    before = text[: titles.start()].rstrip(" ,")
    if any(t.pos_ == "NOUN" and t.lower_.rstrip(".") not in TITLE_WORDS for t in tokens):
        return before
    spelt = [TITLE_WORDS[w.lower()] for w in re.findall(r"(\w+)\.", titles.group())]
    return " ".join([before, *spelt]).strip()


def article_entities(doc: Doc) -> list[Span]:
    """spaCy's entities, cleaned: datelines cut off (:func:`without_dateline`), a question's
    auxiliary taken off the name after it ("Will Sanders"), and a PERSON cut
    at a quoted nickname joined to its surname ('Robert C. "Bobby' + 'Scott'); a name that ends
    a quotation stays apart from the next ('…Sen. John McCain,” Trump said': the comma before
    the mark closes the quote)."""
    out: list[Span] = []
    for ent in filter(None, map(without_dateline, doc.ents)):
        if len(ent) > 1 and ent[0].pos_ == "AUX":  # "Will Sanders come down …?": the modal is no first name
            ent = Span(doc, ent.start + 1, ent.end, label=ent.label_)
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.label_ == ent.label_ == "PERSON"
            and all(t.is_quote for t in doc[previous.end : ent.start])
            and ent.start - previous.end <= 2
        ):
            out[-1] = Span(doc, previous.start, ent.end, label="PERSON")
        else:
            out.append(ent)
    return out
