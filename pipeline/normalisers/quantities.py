"""Quantities in text: find every number, then normalise it (value, bounds, unit, kind).

Extents and values follow ``corpus/gold/NUMBERS-GUIDE.md``:

* the number as stated, scales applied: "$2.2 million" 2200000 USD, "1.5bn" 1500000000,
  "46%" 46 percent, "two-thirds" 0.6667, "Nearly eight of 10" 0.8;
* bounds from the words around it: "More than 8,180" ``low`` 8180, "up to 500" ``high`` 500,
  "$200 or less" ``high`` 200, "10 to 15 percent" ``low`` 10 / ``high`` 15 (no single value);
* approximations are flagged ("Around 9,000"), never widened into invented bounds; vague
  multiples keep only what the word means: "hundreds of millions" is 2×10⁸ to 10⁹;
* ``unit``: a currency code, ``percent``, ``percentage points``, or the noun the number counts,
  read off spaCy's dependency parse ("Around 9,000 small boat *migrants*");
* numbers that belong to dates, years and clock times are left to :mod:`pipeline.normalisers.timex`, and
  ordinals, names ("Fox 5", "H-1B") and tallies ("a 5-4 decision") are not quantities.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal

from spacy.tokens import Doc

from pipeline.normalisers.timex import find_times
from pipeline.schema import Quantity, TimeExpression
from pipeline.segment import doc_text

# --- lexicon -------------------------------------------------------------------------------

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
SMALL = {w: i for i, w in enumerate(_ONES)} | {t: 20 + 10 * i for i, t in enumerate(_TENS)}
SCALES = {"hundred": 10**2, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
# Abbreviated scales; the one-letter ones only count beside a currency ("£50m", not "100m").
SHORT_SCALES = {"k": 10**3, "m": 10**6, "mn": 10**6, "b": 10**9, "bn": 10**9, "tn": 10**12, "trn": 10**12}
CURRENCY_SIGNS = {"$": "USD", "us$": "USD", "£": "GBP", "€": "EUR"}
CURRENCY_WORDS = {"dollars": "USD", "dollar": "USD", "pounds": "GBP", "euros": "EUR", "cents": "USD", "pence": "GBP"}
MINOR_UNITS = {"cents", "pence"}  # values are kept in the major unit: "50 cents" is 0.5 USD
DENOMINATORS = {"half": 2, "halves": 2, "third": 3, "quarter": 4, "fourth": 4, "fifth": 5, "sixth": 6, "eighth": 8, "tenth": 10}
# Vague multiples: "hundreds" is at least two hundred and less than a thousand.
VAGUE = {"dozens": 12, "tens": 10, "hundreds": 100, "thousands": 10**3, "millions": 10**6, "billions": 10**9, "trillions": 10**12}

# Modifiers before a number: (low bound, high bound, approximate).
MODIFIERS: dict[str, tuple[bool, bool, bool]] = {
    **dict.fromkeys(("more than", "over", "above", "at least", "upwards of", "in excess of", "greater than"), (True, False, False)),
    **dict.fromkeys(("fewer than", "less than", "under", "below", "up to", "at most", "no more than", "as many as",
                     "as much as", "as high as", "as long as"), (False, True, False)),
    **dict.fromkeys(("about", "around", "roughly", "approximately", "some", "an estimated", "estimated", "close to",
                     "more or less", "~"), (False, False, True)),
    **dict.fromkeys(("nearly", "almost", "just under", "just below"), (False, True, True)),
    **dict.fromkeys(("just over", "just above"), (True, False, True)),
}  # fmt: skip
NAME_ENTITIES = {"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"}
_TIME_UNITS = r"(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries|century)"
# Words that make a number the size of a change, just before it or just after it.
_CHANGE_BEFORE = re.compile(
    r"\b(?:up|down|rose|risen|rises?|rising|fell|fallen|falls?|falling|dropped|drops?|declined?|declines|increased?|"
    r"increases|decreased?|grew|grown|grows?|growing|jumped|jumps?|climbed|climbs?|surged?|soared?|plunged?|slipped|"
    r"gained|gains?|expand(?:ed|s)?|shr[au]nk|edged\s+(?:up|down)|increase\s+of|rise\s+of|drop\s+of|decline\s+of|"
    r"cut\s+of|reduction\s+of|growth\s+of|gain\s+of)\s+(?:by\s+)?(?:an?\s+)?$",
    re.I,
)
_CHANGE_AFTER = re.compile(r"\s+(?:increase|rise|drop|decline|jump|gain|hike|cut|reduction|growth|fall|higher|lower|up|down)\b", re.I)

# Read at a position (``pattern.match(text, pos)``), never on ``text[pos:]``: slicing the rest
# of the text for each number made the work grow with the square of the article's length.
_TIME_UNIT_AFTER = re.compile(rf"[\s-]+{_TIME_UNITS}\b", re.I)
_IDLE_AFTER = re.compile(r"\s+(?:of|another|day|time|point|way|thing)\b", re.I)
_HYPHEN_NOUN = re.compile(r"-([a-z]+)")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”]\s+|\n\s*)$")

# --- patterns ------------------------------------------------------------------------------


def _alternation(words: Iterable[str]) -> str:
    # Longest first, so "more than" wins over "more" and "thousands" over "tens".
    return "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True))


_WORD = rf"(?:{_alternation(list(SMALL) + list(SCALES) + ['dozen'])})"
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_SCALE = rf"(?:\s*(?:{_alternation(SCALES)})|(?:{_alternation(SHORT_SCALES)}))(?![\w])"
_FRACTION = (
    rf"(?:(?:a|one|{_alternation(list(SMALL)[2:11])})[-\s](?:{_alternation(list(DENOMINATORS) + [d + 's' for d in DENOMINATORS])})"
    r"|half(?=\s+(?:of|the|a|an|his|her|their|its|our|all|these|those)\b))"
)
# "tens" only before "of thousands" and the like.
_VAGUE = rf"(?:(?:{_alternation(VAGUE)})\s+of\s+(?:thousands|millions|billions)|{_alternation(set(VAGUE) - {'tens'})})"
_NUMBER = (
    rf"(?:(?:{_DIGITS})(?:{_SCALE})?"  # 9,000  2.2 million  1.5bn
    rf"|(?:a\s+(?:{_alternation(SCALES)}|dozen)\b)"  # a million, a dozen
    rf"|{_FRACTION}|{_VAGUE}"
    rf"|{_WORD}(?:(?:\s+|-)(?:and\s+)?{_WORD})*)"  # twenty-five, three hundred and five
)
_FRACTION_WORD = re.compile(rf"(?:{_alternation(DENOMINATORS)})s?$")  # "two-thirds", "a quarter"
_CURRENCY = r"(?:US\$|\$|£|€)"
_MODIFIER = rf"(?:{_alternation(MODIFIERS)})"
_PERCENT = r"(?:\s*%|\s*-?\s*(?:percent|per\s+cent|pct)\b|\s+percentage\s+points?\b)"
_MONEY_WORD = rf"(?:(?:\s+of)?\s+(?:{_alternation(CURRENCY_WORDS)})\b)"
_OR_BOUND = r"(?:\s+or\s+(?:more|less|fewer|above|below|higher|lower))"
_L, _R = r"(?<![\w.,/:#-])", r"(?![\w/]|[.,]\d|-(?:\d|plus\b))"


def _quantity_pattern(pairs: bool) -> re.Pattern[str]:
    """The whole quantity; with ``pairs`` False one number alone (no range, no "N of M")."""
    never = "(?!)"
    fraction = rf"(?P<frac_n>{_NUMBER})\s+(?:of|in|out\s+of)\s+(?P<frac_d>\d+|{_WORD}){_R}" if pairs else rf"(?P<frac_n>{never})(?P<frac_d>{never})"
    second = (
        rf"(?:(?(between)\s+and\s+|(?:\s*[-–—]\s*|\s+to\s+))(?P<cur2>{_CURRENCY})?(?P<n2>{_NUMBER}){_R})?"
        if pairs
        else rf"(?P<cur2>{never})?(?P<n2>{never})?"
    )
    return re.compile(
        rf"{_L}(?:(?P<mod>{_MODIFIER})\s+)?"
        rf"(?:{fraction}"  # eight of 10, one in five
        rf"|(?P<between>between\s+)?(?P<cur1>{_CURRENCY})?(?P<n1>{_NUMBER}){_R}{second}"
        rf"(?P<post>{_PERCENT}|{_MONEY_WORD})?"
        rf")(?P<or>{_OR_BOUND})?",
        re.I,
    )


QUANTITY = _quantity_pattern(pairs=True)
SINGLE = _quantity_pattern(pairs=False)  # "200,000 in 1972", "$64.8million to $45.1million"


# --- values --------------------------------------------------------------------------------


def _clean(number: str) -> str:
    return re.sub(r"\s+", " ", number.lower().replace(",", "")).strip()


def word_value(words: str) -> Decimal | None:
    """The value of a spelled-out number ("twenty-five", "three hundred and five", "a dozen")."""
    total, current, seen = Decimal(0), Decimal(0), False
    for word in re.split(r"[\s-]+", _clean(words)):
        if word == "and":
            continue
        if word == "a":  # "a dozen", "a million"
            current = current or Decimal(1)
            continue
        if word in SMALL:
            current += SMALL[word]
        elif word == "dozen":
            current = (current or 1) * 12
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in SCALES:
            total += (current or 1) * SCALES[word]
            current = Decimal(0)
        else:
            return None
        seen = True
    return total + current if seen else None


def number_value(number: str) -> tuple[Decimal | None, Decimal | None]:
    """(value, scale-free base of a vague multiple) of one matched number.

    A vague multiple ("hundreds of millions") has no value; its base (10⁸) gives the bounds.
    """
    n = _clean(number)
    if m := re.fullmatch(rf"({_DIGITS})\s*([a-z]+)?", n):
        digits, scale = m.groups()
        factor = SCALES.get(scale or "", SHORT_SCALES.get(scale or "", 1))
        return Decimal(digits) * factor, None
    if m := re.fullmatch(r"(\w+) of (\w+)", n):
        if m.group(1) in VAGUE and m.group(2) in VAGUE:
            return None, Decimal(VAGUE[m.group(1)]) * VAGUE[m.group(2)]
    if n in VAGUE:
        return None, Decimal(VAGUE[n])
    if m := re.fullmatch(r"(?:(\w+)[\s-])?(half|halves|[a-z]+?)s?", n):
        if m.group(2) in DENOMINATORS and (m.group(1) is None or m.group(1) == "a" or m.group(1) in SMALL):
            numerator = 1 if m.group(1) in (None, "a") else SMALL[m.group(1)]
            return Decimal(numerator) / DENOMINATORS[m.group(2)], None
    return word_value(n), None


# Decimal arithmetic keeps 28 digits: a figure this large (a run of digits, not a quantity
# any article states) cannot be rounded exactly, so it is left unresolved.
MAX_VALUE = Decimal(10) ** 24


def _plain(value: Decimal | None, places: int = 4) -> float | None:
    """An ``int`` when whole (so JSON shows 9000, not 9000.0), else a float to ``places``;
    ``None`` when unknown or too large to hold exactly."""
    if value is None or abs(value) >= MAX_VALUE:
        return None
    rounded = round(value, places)
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)


# --- finding -------------------------------------------------------------------------------


def _is_year(m: re.Match[str]) -> bool:
    n1 = m.group("n1")
    return bool(n1 and re.fullmatch(r"(?:1[89]|20)\d\d", n1) and not (m.group("post") or m.group("cur1")))


def _is_name(text: str, m: re.Match[str]) -> bool:
    """A bare number after a capitalised word is a name or label: "Fox 5", "Rule 40", "No. 2"."""
    n1 = m.group("n1") or ""
    if m.group("mod") or m.group("post") or m.group("cur1") or not re.fullmatch(r"[\d,]+", n1):
        return False
    if re.fullmatch(r"\d{7,}", n1):  # ids and timestamps: amounts that large carry commas
        return True
    before = re.search(r"([A-Z][\w.]*)\s+$", text[max(0, m.start() - 30) : m.start()])
    if before is None:
        return False
    end = m.start() - len(before.group(0))
    blanks = end  # the pattern reads only the blanks at the end and the character before them
    while blanks > 0 and text[blanks - 1].isspace():
        blanks -= 1
    sentence_start = _SENTENCE_START.search(text[max(0, blanks - 1) : end])
    return sentence_start is None or before.group(1) in ("No.", "Number")


def _idle_one(text: str, m: re.Match[str], doc: Doc) -> bool:
    """The word "one" counting nothing: "no one", "one of the most", "one-for-one", "one day"."""
    if _clean(m.group("n1") or "") != "one" or m.group("post") or m.group("cur1") or m.group("n2"):
        return False
    start, end = m.start("n1"), m.end("n1")
    if text[end : end + 1] == "-" or text[max(0, start - 1) : start] == "-":
        return True
    if _IDLE_AFTER.match(text, end):
        return True
    if re.search(r"\b(?:no|any|every|the|this|that|which)\s+$", text[max(0, start - 12) : start], re.I):
        return True
    token = doc.char_span(start, end, alignment_mode="expand")
    return token is None or token.root.dep_ != "nummod"


IRREGULAR_PLURALS = {"man": "men", "woman": "women", "person": "people", "child": "children", "foot": "feet"}


def plural(noun: str) -> str:
    """The plural of a counted noun written singular in a compound ("two-man" → "men")."""
    if noun in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[noun]
    if noun.endswith("s"):
        return noun
    return noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u") else noun + "s"


def _unit(doc: Doc, text: str, end: int, of_phrase: bool) -> str | None:
    """The noun the number counts: the head of its ``nummod``; for proportions and vague
    multiples the object of the "of" after them ("half *of voters*", "thousands of *bankers*")."""
    if m := _HYPHEN_NOUN.match(text, end):  # "a 63-year-old", "a 20-point lead"
        return plural(m.group(1))
    span = doc.char_span(max(0, end - 1), end, alignment_mode="expand")
    if span is None:
        return None
    token = span[-1]
    head = token.head
    if token.dep_ in ("nummod", "quantmod", "compound") and head.i > token.i and head.pos_ in ("NOUN", "PROPN") and head.idx >= end:
        start = head.idx
        while (m := re.search(r"\w+-$", text[max(end, start - 30) : start])) is not None:  # "fact-checkers"
            start -= len(m.group(0))
        return text[start : head.idx + len(head)]
    if of_phrase and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "of":
        objects = [c for c in doc[token.i + 1].children if c.dep_ == "pobj" and c.pos_ in ("NOUN", "PROPN")]
        return objects[0].text if objects else None
    return None


def _measure(m: re.Match[str]) -> tuple[str | None, str]:
    """(unit, kind) that the words around the number state: a currency or a percentage."""
    post = _clean(m.group("post") or "")
    currency = m.group("cur1") or m.group("cur2")
    if post.endswith(("%", "percent", "per cent", "pct")):
        return "percent", "percent"
    if "percentage point" in post:
        return "percentage points", "percent"
    if post:
        return CURRENCY_WORDS[post.split()[-1]], "money"
    if currency:
        return CURRENCY_SIGNS[currency.lower()], "money"
    return None, "count"


Figure = tuple[Decimal | None, Decimal | None, Decimal | None, bool]  # value, low, high, vague


def _figure(m: re.Match[str]) -> Figure | None:
    """The value, and the bounds that a range or a vague multiple gives, before modifiers."""
    if m.group("frac_n"):
        n, d = number_value(m.group("frac_n"))[0], number_value(m.group("frac_d"))[0]
        return None if n is None or not d else (n / d, None, None, False)
    value, base = number_value(m.group("n1"))
    if base is not None:  # "hundreds of millions": at least two of the base, less than ten
        return None, 2 * base, base * (12 if _clean(m.group("n1")).startswith("dozens") else 10), True
    if value is None:
        return None
    if not m.group("n2"):
        return value, None, None, False
    second, second_base = number_value(m.group("n2"))
    if second is None or second_base is not None:
        return None
    scale = re.search(_SCALE + "$", m.group("n2"), re.I)
    if scale and not re.search(_SCALE + "$", m.group("n1"), re.I):  # "3 to 5 million"
        value *= SCALES.get(_clean(scale.group(0)), SHORT_SCALES.get(_clean(scale.group(0)), 1))
    return (None, value, second, False) if value < second else None  # a falling pair is a tally: "5-4"


def _quantity(doc: Doc, text: str, m: re.Match[str]) -> Quantity | None:
    # ``text`` is ``doc.text``, passed in because spaCy rebuilds that string on every access.
    number = _clean(m.group("n1") or "")
    unit, kind = _measure(m)
    if kind != "money" and re.search(r"\d(?:m|b|k)$", number):
        return None  # "100m" without a currency is a distance
    figure = _figure(m)
    if figure is None:
        return None
    value, low, high, vague = figure
    if m.group("frac_n") or _FRACTION_WORD.search(number):
        kind = "fraction"
    if value is not None and _clean(m.group("post") or "").endswith(tuple(MINOR_UNITS)):
        value /= 100  # "50 cents" is 0.5 USD
    low_mod, high_mod, approximate = MODIFIERS.get(_clean(m.group("mod") or ""), (False, False, False))
    if value is not None:
        low, high = (value if low_mod else low), (value if high_mod else high)
        if bound := _clean(m.group("or") or ""):  # "$200 or less", "$3million or more"
            low, high = (value, high) if bound.endswith(("more", "above", "higher")) else (low, value)
    if kind != "fraction" and (
        _CHANGE_BEFORE.search(text[max(0, m.start() - 40) : m.start()]) or _CHANGE_AFTER.match(text, m.end())
    ):
        kind = "change"
    if unit is None:
        number_end = m.end("frac_d") if m.group("frac_n") else m.end("n2") if m.group("n2") else m.end("n1")
        unit = _unit(doc, text, number_end, of_phrase=kind == "fraction" or vague)
    return Quantity(
        text=text[m.start() : m.end()],
        start=m.start(),
        end=m.end(),
        value=_plain(value),
        low=_plain(low),
        high=_plain(high),
        approximate=approximate or vague,
        unit=unit,
        kind=kind,
    )


def _in_time(m: re.Match[str], text: str, times: list[TimeExpression]) -> bool:
    """Inside a date, year or clock time ("Sept. 26", "7 p.m."), unless it counts a time unit
    ("two years ago") or is money or a percentage ("$25,000 a year")."""
    if m.group("post") or m.group("cur1"):
        return False
    if _TIME_UNIT_AFTER.match(text, m.end()):
        return False
    return any(t.start < m.end() and m.start() < t.end and t.type != "DURATION" for t in times)


def _in_name(doc: Doc, m: re.Match[str]) -> bool:
    """Part of a name spaCy's entity recogniser found: "Zero Hedge", "Fox 5", "Air Force One"."""
    if m.group("post") or m.group("cur1"):  # "gave Patriot 13 percent": the figure is no name
        return False
    group = "frac_n" if m.group("frac_n") else "n1"
    span = doc.char_span(m.start(group), m.end(group), alignment_mode="expand")
    return span is not None and any(t.ent_type_ in NAME_ENTITIES for t in span)


def _matches(text: str) -> Iterator[re.Match[str]]:
    """Candidate quantities, with the two readings that a pattern alone gets wrong undone:
    a falling pair of amounts is two quantities, and "over 10 years" is no bound."""
    for m in QUANTITY.finditer(text):
        if m.group("mod") and _clean(m.group("mod")) == "over" and _TIME_UNIT_AFTER.match(text, m.end()):
            m = QUANTITY.match(text, m.start("cur1") if m.group("cur1") else m.start("n1")) or m
        if m.group("frac_n") and not _rising(m.group("frac_n"), m.group("frac_d")):  # "200,000 in 1972"
            yield from (q for q in (SINGLE.match(text, m.start()),) if q)
        elif m.group("n2") and m.group("cur2") and not _rising(m.group("n1"), m.group("n2")):
            yield from (q for q in (SINGLE.match(text, m.start()), SINGLE.match(text, m.start("cur2"))) if q)
        else:
            yield m


def _rising(first: str, second: str) -> bool:
    a, b = number_value(first)[0], number_value(second)[0]
    return a is not None and b is not None and a < b


def find_quantities(doc: Doc, times: list[TimeExpression] | None = None) -> list[Quantity]:
    """Every quantity in a parsed text, normalised; offsets are into ``doc.text``.

    ``times``: the text's time expressions when the caller has them already (only their
    spans and types are used, so any anchor will do); found here otherwise.
    """
    text = doc_text(doc)
    times = find_times(text, None) if times is None else times
    found = []
    for m in _matches(text):
        if _is_year(m) or _is_name(text, m) or _in_name(doc, m) or _in_time(m, text, times) or _idle_one(text, m, doc):
            continue
        quantity = _quantity(doc, text, m)
        if quantity is not None:
            found.append(quantity)
    return found
