"""Time expressions in TIMEX3 style: find them, then resolve them against the publication date.

Extents follow ``corpus/gold/TIMES-GUIDE.md``: prepositions stay out ("on *Wednesday*"),
determiners and modifiers stay in ("*the end of May*", "*nearly two decades*", "*early Friday*").

Values are TIMEX3 values. Relative expressions resolve against ``anchor`` (the article's
publication date) by these conventions:

* a bare weekday is the latest such day on or before the anchor (news report the past), or
  the first on or after it when its clause (back to the last comma or full stop) speaks of
  the future ("will", "plans to", "expects");
* a month or month-day without a year takes the anchor's year, the previous year when that
  would put it more than five months after the anchor, the next year when a future clause
  points past it; "last December" is the one before the anchor's month;
* clock times take the anchor's date, or that of a day named beside them ("9 a.m. Sunday"
  is one expression).

With no anchor nothing is invented: the unknown digits become ``X`` at the expression's own
granularity ("this year" ``XXXX``, "Wednesday" ``XXXX-WXX-3``, "the end of May" ``XXXX-05``,
"today" ``XXXX-XX-XX``). "now" is ``PRESENT_REF``, "recently" ``PAST_REF``, "the future"
``FUTURE_REF`` either way. Durations (``P5Y``, ``PT3H``, ``PXD`` for "several days") and sets
(``P1W`` for "every week", ``XXXX-WXX-3`` for "every Wednesday") need no anchor.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from pipeline.schema import TimeExpression

Found = tuple[int, int, str, str | None]  # start, end, type, value

# --- lexicon -------------------------------------------------------------------------------

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
FULL_MONTHS = {calendar.month_name[i].lower(): i for i in range(1, 13)}
# Abbreviations count only with a day or year after them: "Jan" alone is a name.
MONTH_ABBREVIATIONS = {calendar.month_abbr[i].lower(): i for i in range(1, 13) if i != 5} | {"sept": 9}
MONTHS = FULL_MONTHS | MONTH_ABBREVIATIONS
PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}
# TIMEX3 unit letters; hours, minutes and seconds go after the "T" of a duration.
UNITS = {"year": "Y", "month": "M", "week": "W", "day": "D", "decade": "DE", "century": "CE"}
CLOCK_UNITS = {"hour": "H", "minute": "M", "second": "S"}
SEASONS = {"spring": ("SP", 3), "summer": ("SU", 6), "fall": ("FA", 9), "autumn": ("FA", 9), "winter": ("WI", 12)}
_ONES = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
NUMBER_WORDS = {w: i for i, w in enumerate(_ONES, 1)} | {"a": 1, "an": 1}
NUMBER_WORDS |= {t: 20 + 10 * i for i, t in enumerate(_TENS)}
VAGUE = ("a few", "a couple of", "couple of", "several", "few", "many", "dozens of", "hundreds of")
# US holidays with a fixed date, and the few moving ones news mention most.
FIXED_DAYS = {
    "christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24), "new year's day": (1, 1),
    "new year's eve": (12, 31), "independence day": (7, 4), "fourth of july": (7, 4), "veterans day": (11, 11),
    "halloween": (10, 31),
}  # fmt: skip


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


MOVING_DAYS: dict[str, tuple[int, Callable[[int], dt.date]]] = {
    "election day": (11, lambda y: _nth_weekday(y, 11, 0, 1) + dt.timedelta(days=1)),  # Tuesday after 1st Monday
    "thanksgiving": (11, lambda y: _nth_weekday(y, 11, 3, 4)),
    "thanksgiving day": (11, lambda y: _nth_weekday(y, 11, 3, 4)),
    "labor day": (9, lambda y: _nth_weekday(y, 9, 0, 1)),
}

# --- pattern pieces --------------------------------------------------------------------------


def _alternation(words: Iterable[str]) -> str:
    # Longest first, so "a few" wins over "a" and "September" over "Sept".
    return "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True))


_NUM_WORD = rf"(?:(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(_ONES[:9])}))?|{'|'.join(_ONES)})"
_NUM = rf"(?:\d+(?:\.\d+)?|{_NUM_WORD}|{_alternation(VAGUE)}|an?)"
# "a second" is more often an ordinal ("a second term") than a duration: seconds only in plural.
_UNIT = r"(?:years?|months?|weeks?|days?|decades?|century|centuries|hours?|minutes?|seconds)"
_WD = rf"(?:{'|'.join(WEEKDAYS)})"
_MONTH = rf"(?:{_alternation(FULL_MONTHS)}|(?:{_alternation(MONTH_ABBREVIATIONS)})\.?)"
_DAYNUM = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d:]|\s*(?:percent|%))"
_YEAR = r"(?:1[89]|20)\d\d"
_POD = rf"(?:{'|'.join(PARTS_OF_DAY)})"
# Modifiers inside the extent: "the end of May", "early September", "mid-2015".
_MOD_OF = r"(?:the\s+)?(?:end|beginning|start|middle|first\s+half|second\s+half|rest|remainder)\s+of\s+"
_PREMOD = rf"(?:{_MOD_OF}|(?:the\s+)?(?:early|late|mid)(?:-|\s+))"
_APPROX = r"(?:about|around|nearly|almost|roughly|approximately|some|more\s+than|less\s+than|at\s+least|at\s+most|up\s+to)"
_L, _R = r"(?<![\w$£€#])", r"(?!\w)"  # word edges that also keep "$2016" out

# Words before a capitalised "May"/"March" that make it the month, not the verb or the name.
_MONTH_CONTEXT = {"in", "of", "since", "until", "till", "by", "during", "through", "from", "to", "last", "next", "this", "early", "late", "mid", "before", "after"}
# The clause before a weekday or month that puts it in the future.
_FUTURE = re.compile(
    r"\b(?:will|won['’]t|shall|going\s+to|plans?\s+to|planning\s+to|expected\s+to|expects?|scheduled|set\s+to|due\s+to|upcoming)\b|['’]ll\b",
    re.I,
)
_CLAUSE_START = re.compile(r"[.,!?\n;:“”\"](?=[^.,!?\n;:“”\"]*$)")
# Bare plural units are durations only in these surroundings ("for years", "hours before").
_BARE_BEFORE = {"for", "over", "within", "after", "in", "during", "took", "take", "takes", "spent", "spend", "lasted", "lasting"}
_BARE_AFTER = {"ago", "before", "after", "later", "earlier", "of"}
_BARE_VETO = {"the", "these", "those", "early", "closing", "final", "first", "last", "past", "next", "recent", "same", "their", "his", "her", "its", "our", "my", "your", "game"}


@dataclass(frozen=True)
class _Context:
    text: str
    anchor: dt.date | None

    def word_before(self, i: int) -> str:
        m = re.search(r"([\w']+)\W*$", self.text[max(0, i - 30) : i])
        return m.group(1).lower() if m else ""

    def word_after(self, i: int) -> str:
        m = re.match(r"\W*?([\w']+)", self.text[i : i + 30])
        return m.group(1).lower() if m else ""

    def in_name(self, i: int) -> bool:
        """Does a capitalised word at ``i`` continue a name ("USA Today"), not start a sentence?"""
        return self.text[i].isupper() and bool(re.search(r"\b[A-Z][\w'’]*[ \t]+$", self.text[max(0, i - 30) : i]))

    def future(self, i: int) -> bool:
        """Does the clause before offset ``i`` speak of the future?"""
        before = self.text[max(0, i - 100) : i]
        cut = _CLAUSE_START.search(before)
        return bool(_FUTURE.search(before[cut.end() :] if cut else before))


# --- value helpers ---------------------------------------------------------------------------


def _number(word: str) -> str:
    """A duration count for TIMEX3: "5", "2.5", or "X" when vague ("several")."""
    w = re.sub(r"\s+", " ", word.lower())
    if re.fullmatch(r"\d+(?:\.\d+)?", w):
        return w
    if w in NUMBER_WORDS:
        return str(NUMBER_WORDS[w])
    parts = re.split(r"[- ]", w)
    if len(parts) == 2 and parts[0] in NUMBER_WORDS and parts[1] in NUMBER_WORDS:
        return str(NUMBER_WORDS[parts[0]] + NUMBER_WORDS[parts[1]])
    return "X"


def _unit(word: str) -> str:
    w = word.lower()
    return "century" if w.startswith("centur") else w.rstrip("s")


def _duration(count: str, unit: str) -> str:
    if unit in CLOCK_UNITS:
        return f"PT{count}{CLOCK_UNITS[unit]}"
    return f"P{count}{UNITS[unit]}"


def _valid_day(year: int | None, month: int, day: int) -> bool:
    # An unknown year may be a leap year: "Feb. 29" stands.
    return day <= calendar.monthrange(year or 2000, month)[1]


def _week(d: dt.date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def _add_months(d: dt.date, n: int) -> tuple[int, int]:
    k = d.year * 12 + d.month - 1 + n
    return k // 12, k % 12 + 1


def _year_for(month: int, day: int, ctx: _Context, at: int) -> int:
    """The year of a month(-day) given without one (see the module docstring)."""
    a = ctx.anchor
    assert a is not None
    if month - a.month > 5:
        return a.year - 1
    if ctx.future(at) and (month, day) < (a.month, a.day):
        return a.year + 1
    return a.year


def _weekday(index: int, rel: str, ctx: _Context, at: int) -> dt.date:
    a = ctx.anchor
    assert a is not None
    back = (a.weekday() - index) % 7
    ahead = (index - a.weekday()) % 7
    if rel in ("last", "this past", "past"):
        return a - dt.timedelta(days=back or 7)
    if rel in ("next", "this coming", "coming"):
        return a + dt.timedelta(days=ahead or 7)
    if rel == "this":
        return a + dt.timedelta(days=index - a.weekday())
    return a + dt.timedelta(days=ahead) if ctx.future(at) else a - dt.timedelta(days=back)


def _season(code: str, start: int, step: int, a: dt.date) -> str:
    """TIMEX3 season ("2016-SU"); a winter is named by the year of its December."""
    begun = a.year if a.month >= start else a.year - 1  # the latest one to have started
    over = _add_months(dt.date(begun, start, 1), 3) <= (a.year, a.month)
    if step < 0:
        year = begun if over else begun - 1
    elif step > 0:
        year = begun + 1
    else:
        year = a.year - (start == 12 and a.month <= 2)
    return f"{year}-{code}"


# --- rules: each yields what it found for one regex match ------------------------------------


def _named_day(m: re.Match, ctx: _Context) -> Iterator[Found]:
    if ctx.in_name(m.start()):
        return  # "Barack Obama Election Day" is an event's name
    name = re.sub(r"\s+", " ", m[0].lower().replace("’", "'"))
    if name == "9/11":
        yield m.start(), m.end(), "DATE", "2001-09-11"
        return
    y = ctx.anchor.year if ctx.anchor else None
    if name in FIXED_DAYS:
        month, day = FIXED_DAYS[name]
        yield m.start(), m.end(), "DATE", f"{y or 'XXXX'}-{month:02d}-{day:02d}"
    else:
        month, when = MOVING_DAYS[name]
        yield m.start(), m.end(), "DATE", when(y).isoformat() if y else f"XXXX-{month:02d}-XX"


def _month_date(m: re.Match, ctx: _Context) -> Iterator[Found]:
    mon = m["mon"].rstrip(".")
    if mon.lower() in ("may", "march") and not (
        mon in ("May", "March") and (m["day"] or m["year"] or m["pre"] or ctx.word_before(m.start()) in _MONTH_CONTEXT)
    ):
        return  # the verb "may", or Theresa May
    if mon.lower() not in FULL_MONTHS and not (m["day"] or m["year"]):
        return
    month = MONTHS[mon.lower()]
    day = int(re.match(r"\d+", m["day"])[0]) if m["day"] else None
    year: int | None = int(m["year"]) if m["year"] else None
    if year is None and ctx.anchor:
        year = _year_for(month, day or 1, ctx, m.start())
    if day and not _valid_day(year, month, day):
        return
    y = str(year) if year else "XXXX"
    yield m.start(), m.end(), "DATE", f"{y}-{month:02d}-{day:02d}" if day else f"{y}-{month:02d}"
    # "Sept. 19 to 22": the second day is a date of its own.
    if day and (r := _RANGE_END.match(ctx.text, m.end())):
        yield r.start("day"), r.end("day"), "DATE", f"{y}-{month:02d}-{int(r['day']):02d}"


def _day_month(m: re.Match, ctx: _Context) -> Iterator[Found]:
    mon = m["mon"].rstrip(".")
    if mon.lower() in ("may", "march") and mon not in ("May", "March"):
        return
    month, day = MONTHS[mon.lower()], int(re.match(r"\d+", m["day"])[0])
    year = int(m["year"]) if m["year"] else (_year_for(month, day, ctx, m.start()) if ctx.anchor else None)
    if not _valid_day(year, month, day):
        return
    yield m.start(), m.end(), "DATE", f"{year or 'XXXX'}-{month:02d}-{day:02d}"


def _iso_date(m: re.Match, ctx: _Context) -> Iterator[Found]:
    try:
        yield m.start(), m.end(), "DATE", dt.date.fromisoformat(m[0]).isoformat()
    except ValueError:
        return


def _numeric_date(m: re.Match, ctx: _Context) -> Iterator[Found]:
    first, second, year = int(m["a"]), int(m["b"]), int(m["y"])
    # Month first (US) unless that cannot be: "25/12/2016" is day first.
    month, day = (first, second) if first <= 12 else (second, first)
    if len(m["y"]) == 2:
        year += 2000 if year < 50 else 1900
    if 1 <= month <= 12 and 1 <= day and _valid_day(year, month, day):
        yield m.start(), m.end(), "DATE", f"{year}-{month:02d}-{day:02d}"


def _year(m: re.Match, ctx: _Context) -> Iterator[Found]:
    yield m.start(), m.end(), "DATE", m["year"]


def _decade(m: re.Match, ctx: _Context) -> Iterator[Found]:
    if m["d2"] and not re.match(r"(?i)the\b|early|late|mid", m[0]):
        return  # "in his 80s" is an age
    if m["cent"]:
        value = m["cent"] + m["d"]
    else:
        digit = m["d1"] or m["d2"]
        value = ("20" if digit in "01" else "19") + digit
    yield m.start(), m.end(), "DATE", value


_STEPS = {"this": 0, "last": -1, "past": -1, "previous": -1, "this past": -1, "next": 1, "coming": 1, "this coming": 1}
_UNKNOWN = {"year": "XXXX", "month": "XXXX-XX", "week": "XXXX-WXX", "weekend": "XXXX-WXX-WE", "decade": "XXX", "century": "XX"}


def _relative_month(m: re.Match, ctx: _Context) -> Iterator[Found]:
    month, rel, a = FULL_MONTHS[m["mon"].lower()], re.sub(r"\s+", " ", m["rel"].lower()), ctx.anchor
    if a is None:
        year = "XXXX"
    elif rel in ("last", "this past"):
        year = str(a.year - (month >= a.month))
    elif rel in ("next", "this coming"):
        year = str(a.year + (month <= a.month))
    else:
        year = str(a.year)
    yield m.start(), m.end(), "DATE", f"{year}-{month:02d}"


def _relative(m: re.Match, ctx: _Context) -> Iterator[Found]:
    rel = re.sub(r"\s+", " ", (m["rel"] or "this").lower())
    if rel in ("last", "next", "past", "previous", "coming") and ctx.word_before(m.start()) == "the":
        return  # "the last week" is a duration
    unit = (m["unit"] or m["unit2"] or m["season"]).lower()  # "the summer": this summer
    step, a = _STEPS[rel], ctx.anchor
    if unit in SEASONS:
        code, start = SEASONS[unit]
        value = _season(code, start, step, a) if a else f"XXXX-{code}"
    elif a is None:
        value = _UNKNOWN[unit]
    elif unit == "year":
        value = str(a.year + step)
    elif unit == "month":
        value = "%d-%02d" % _add_months(a, step)
    elif unit in ("week", "weekend"):
        value = _week(a + dt.timedelta(weeks=step)) + ("-WE" if unit == "weekend" else "")
    elif unit == "decade":
        value = str(a.year // 10 + step)
    else:
        value = str(a.year // 100 + step)
    yield m.start(), m.end(), "DATE", value


_DAY_OFFSETS = {"today": 0, "tonight": 0, "this": 0, "yesterday": -1, "last": -1, "overnight": -1, "tomorrow": 1}


def _deictic_day(m: re.Match, ctx: _Context) -> Iterator[Found]:
    if ctx.in_name(m.start()):
        return  # "USA Today", "NBC's Today"
    word = (m["word"] or m["word2"]).lower()
    pod = PARTS_OF_DAY.get((m["pod"] or m["pod2"] or "").lower())
    if word in ("tonight", "overnight"):
        pod = "NI"
    day = (ctx.anchor + dt.timedelta(days=_DAY_OFFSETS[word])).isoformat() if ctx.anchor else "XXXX-XX-XX"
    yield m.start(), m.end(), ("TIME" if pod else "DATE"), day + (f"T{pod}" if pod else "")


def _reference(m: re.Match, ctx: _Context) -> Iterator[Found]:
    w = m[0].lower()
    if w.startswith(("recent", "the past", "lately")):
        value = "PAST_REF"
    elif "future" in w:
        value = "FUTURE_REF"
    else:
        value = "PRESENT_REF"
    yield m.start(), m.end(), "DATE", value


def _named_weekday(m: re.Match, ctx: _Context) -> Iterator[Found]:
    index = WEEKDAYS.index(m["wd"].lower())
    pod = PARTS_OF_DAY.get((m["pod"] or "").lower())
    if m["plural"]:  # "on Mondays"
        yield m.start(), m.end(), "SET", f"XXXX-WXX-{index + 1}"
        return
    rel = re.sub(r"\s+", " ", (m["rel"] or "").lower())
    day = _weekday(index, rel, ctx, m.start()).isoformat() if ctx.anchor else f"XXXX-WXX-{index + 1}"
    yield m.start(), m.end(), ("TIME" if pod else "DATE"), day + (f"T{pod}" if pod else "")


def _clock(m: re.Match, ctx: _Context) -> Iterator[Found]:
    if m["noon"]:
        hour, minute = (12, 0) if m["noon"].lower() == "noon" else (24, 0)
    elif m["H"]:
        hour, minute = int(m["H"]), int(m["M"])
    else:
        raw = m["h"] or m["hw"]
        hour = int(raw) if raw.isdigit() else NUMBER_WORDS[raw.lower()]
        minute = int(m["m"] or 0)
        if m["ap"] or m["opod"] or m["atnight"]:  # a 12-hour clock; a bare "twelve o'clock" stays 12
            later = m["ap"] and m["ap"][0].lower() == "p" or (m["opod"] or "").lower() in ("afternoon", "evening")
            hour = hour % 12 + (12 if later or (m["atnight"] and hour >= 6) else 0)
    # "a 3 a.m. call" is any night's 3 a.m., not the anchor's.
    generic = ctx.anchor is None or ctx.word_before(m.start()) in ("a", "an")
    day = "XXXX-XX-XX" if generic else ctx.anchor.isoformat()
    yield m.start(), m.end(), "TIME", f"{day}T{hour:02d}:{minute:02d}"


_AMOUNT_BEFORE = re.compile(r"(?:\d|hundred|thousand|[mb]illion|percent)\s*\Z", re.I)


def _quantity(m: re.Match, ctx: _Context) -> Iterator[Found]:
    if m["old"]:
        return  # ages: "a 63-year-old"
    unit, count = _unit(m["unit"]), _number(m["num"])
    if m["half"] and count != "X":
        count = f"{float(count) + 0.5:g}"
    if m["ago"]:
        yield m.start(), m.end(), "DATE", _ago(count, unit, ctx)
        return
    if m["num"].lower() in ("a", "an") and not m["approx"] and _AMOUNT_BEFORE.search(ctx.text, max(0, m.start() - 12), m.start()):
        yield m.start(), m.end(), "SET", _duration("1", unit)  # "$25,000 a year"
        return
    yield m.start(), m.end(), "DURATION", _duration(count, unit)


def _ago(count: str, unit: str, ctx: _Context) -> str:
    """The date ``count`` units before the anchor, at the unit's granularity."""
    if count == "X" or "." in count:
        return "PAST_REF"
    try:
        return _ago_exact(int(count), unit, ctx.anchor)
    except (OverflowError, ValueError):  # "a million years ago" falls before year 1
        return "PAST_REF"


def _ago_exact(n: int, unit: str, a: dt.date | None) -> str:
    if unit in ("year", "decade", "century"):
        years = n * {"year": 1, "decade": 10, "century": 100}[unit]
        if a and a.year <= years:
            raise ValueError("before year 1")
        return str(a.year - years) if a else "XXXX"
    if unit == "month":
        return "%d-%02d" % _add_months(a, -n) if a else "XXXX-XX"
    if unit == "week":
        return _week(a - dt.timedelta(weeks=n)) if a else "XXXX-WXX"
    if unit == "day":
        return (a - dt.timedelta(days=n)).isoformat() if a else "XXXX-XX-XX"
    return a.isoformat() if a else "XXXX-XX-XX"  # hours or minutes ago: today


def _span_duration(m: re.Match, ctx: _Context) -> Iterator[Found]:
    unit = _unit(m["unit"])
    count = _number(m["num"]) if m["num"] else ("1" if m["unit"].lower() in (unit, "century") else "X")
    yield m.start(), m.end(), "DURATION", _duration(count, unit)


def _bare_units(m: re.Match, ctx: _Context) -> Iterator[Found]:
    before, after = ctx.word_before(m.start()), ctx.word_after(m.end())
    unit = _unit(m["unit"])
    if m["ago"]:
        yield m.start(), m.end(), "DATE", "PAST_REF"
    elif before not in _BARE_VETO and (before in _BARE_BEFORE or after in _BARE_AFTER):
        yield m.start(), m.end(), "DURATION", _duration("X", unit)


def _set(m: re.Match, ctx: _Context) -> Iterator[Found]:
    what = m["what"].lower()
    if what in WEEKDAYS:
        value = f"XXXX-WXX-{WEEKDAYS.index(what) + 1}"
    elif what in PARTS_OF_DAY:
        value = f"XXXX-XX-XXT{PARTS_OF_DAY[what]}"
    else:
        count = _number(m["num"]) if m["num"] else "1"
        if m["other"] and count != "X":
            count = str(int(float(count)) * 2)
        value = _duration(count, _unit(what))
    yield m.start(), m.end(), "SET", value


_ADVERBS = {
    "hourly": "PT1H", "daily": "P1D", "nightly": "XXXX-XX-XXTNI", "weekly": "P1W", "biweekly": "P2W",
    "monthly": "P1M", "yearly": "P1Y", "annually": "P1Y",
}  # fmt: skip


def _frequency(m: re.Match, ctx: _Context) -> Iterator[Found]:
    w = m[0]
    if ctx.in_name(m.start()) or w.istitle() and ctx.word_after(m.end())[:1].isupper():
        return  # "NBC Nightly News", "The Daily Caller"
    yield m.start(), m.end(), "SET", _ADVERBS.get(w.lower()) or _duration("1", _unit(m["unit"]))


# ASCII matching: under Unicode case folding "ſ" matches "s" and "İ" matches "i", whose
# lower() then is no key of the lexicon. Unicode spaces are mapped to " " before matching.
_FLAGS = re.I | re.A
_SPACES = dict.fromkeys([0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000], " ")

_RANGE_END = re.compile(
    r"\s*(?:-|–|to|through)\s*(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
    r"(?![\d:%]|[.,]\d|\s*(?:percent|per\s+cent))",
    _FLAGS,
)
_NAMED_DAY = (
    r"(?<![\w/])(?:election\s+day|christmas(?:\s+day|\s+eve)?|new\s+year['’]s\s+(?:day|eve)|thanksgiving(?:\s+day)?"
    r"|labor\s+day|independence\s+day|fourth\s+of\s+july|veterans\s+day|halloween|9/11)(?![\w/])"
)
_MONTH_DATE = rf"{_L}(?P<pre>{_PREMOD})?(?P<mon>{_MONTH})(?:\s+(?P<day>{_DAYNUM}))?(?:,?\s+(?P<year>{_YEAR})(?!\d))?(?!\w)"
_DAY_MONTH = rf"{_L}(?P<day>{_DAYNUM})(?:\s+of)?\s+(?P<mon>{_MONTH})(?:,?\s+(?P<year>{_YEAR}))?(?!\w)"
_ISO_DATE = r"(?<![\w/.-])\d{4}-\d\d-\d\d(?![\w/-])"
_NUMERIC_DATE = r"(?<![\w/.-])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d\d)(?![\w/])"
_YEAR_ALONE = rf"(?<![\w$£€#.,/:])(?:{_PREMOD})?(?P<year>{_YEAR})(?![\w%/]|[.,:]\d|\s*(?:percent|per\s+cent))"
_DECADE = rf"{_L}(?:{_PREMOD}|the\s+)?(?:(?P<cent>1[89]|20)(?P<d>\d)0|['‘’](?P<d1>\d)0|(?P<d2>[2-9])0)['’]?s{_R}"
_RELATIVE = (
    rf"{_L}(?:(?:{_PREMOD})?(?P<rel>this\s+past|this\s+coming|this|last|next|coming|past|previous)"
    rf"\s+(?P<unit>year|month|weekend|week|decade|century|{'|'.join(SEASONS)})"
    rf"|{_MOD_OF}the\s+(?P<unit2>year|month|week)"
    rf"|the\s+(?P<season>spring|summer|autumn|winter)){_R}"  # not "the fall", which is often a noun
)
_RELATIVE_MONTH = rf"{_L}(?P<rel>this\s+past|this\s+coming|this|last|next)\s+(?P<mon>{_alternation(FULL_MONTHS)}){_R}"
_DEICTIC_DAY = (
    rf"{_L}(?:(?:early|late)\s+)?(?:(?P<word>today|tonight|yesterday|tomorrow|overnight)(?:\s+(?P<pod>{_POD}))?"
    rf"|(?P<word2>this|last)\s+(?P<pod2>{_POD})){_R}"
)
_REFERENCE = (
    r"(?<!\w)(?:now|currently|nowadays|these\s+days|recently|lately|the\s+(?:near\s+|distant\s+)?(?:past|future)"
    r"|recent\s+(?:days|weeks|months|years|decades))(?!\w)"
)
_WEEKDAY = (
    rf"{_L}(?:(?:early|late)\s+)?(?:(?P<rel>last|next|this\s+past|this\s+coming|this|coming)\s+)?"
    rf"(?P<wd>{_WD})(?P<plural>s)?(?:\s+(?P<pod>{_POD}))?{_R}"
)
_CLOCK = (
    r"(?<![\w:.])(?:(?P<h>1[0-2]|0?[1-9])(?:[:.](?P<m>[0-5]\d))?\s*(?P<ap>[ap]\.m\.|[ap]\.?m(?!\w))"
    r"|(?P<H>[01]\d|2[0-3]):(?P<M>[0-5]\d)(?![\d:])"
    r"|(?P<noon>noon|midnight)"
    rf"|(?P<hw>{'|'.join(_ONES[:12])}|1[0-2]|[1-9])\s+o['’]clock"
    r"(?:\s+in\s+the\s+(?P<opod>morning|afternoon|evening)|\s+(?P<atnight>at\s+night))?)"
    r"(?:\s+(?:[ECMP][SD]?T|GMT|BST|UTC|CES?T)(?!\w))?(?!\w)"
)
_QUANTITY = (
    rf"{_L}(?:(?P<approx>{_APPROX})\s+)?(?P<num>{_NUM})(?P<half>[- ]and[- ]a[- ]half)?[- ](?P<unit>{_UNIT})"
    rf"(?P<old>[- ]old)?(?P<ago>\s+ago)?{_R}"
)
_SPAN = rf"{_L}the\s+(?:last|past|next|previous|coming)\s+(?:(?P<num>{_NUM})\s+)?(?P<unit>{_UNIT}){_R}"
_BARE_UNITS = rf"{_L}(?P<unit>years|months|weeks|days|hours|minutes|decades|centuries)(?P<ago>\s+ago)?{_R}"
_EVERY = rf"{_L}(?:every|each)\s+(?:(?P<other>other)\s+)?(?:(?P<num>{_NUM})\s+)?(?P<what>{_UNIT}|{_WD}|{_POD}){_R}"
_FREQUENCY = (
    rf"{_L}(?:(?:once|twice|{_NUM}\s+times)\s+(?:a|an|per|every|each)\s+|per\s+)(?P<unit>year|month|week|day|hour){_R}"
    rf"|{_L}(?:hourly|daily|nightly|weekly|biweekly|monthly|yearly|annually){_R}"
)

Handler = Callable[[re.Match, _Context], Iterator[Found]]
RULES: list[tuple[re.Pattern[str], Handler]] = [
    (re.compile(pattern, _FLAGS), handler)
    for pattern, handler in (
        (_NAMED_DAY, _named_day),
        (_MONTH_DATE, _month_date),
        (_DAY_MONTH, _day_month),
        (_ISO_DATE, _iso_date),
        (_NUMERIC_DATE, _numeric_date),
        (_YEAR_ALONE, _year),
        (_DECADE, _decade),
        (_RELATIVE, _relative),
        (_RELATIVE_MONTH, _relative_month),
        (_DEICTIC_DAY, _deictic_day),
        (_REFERENCE, _reference),
        (_WEEKDAY, _named_weekday),
        (_CLOCK, _clock),
        (_QUANTITY, _quantity),
        (_SPAN, _span_duration),
        (_BARE_UNITS, _bare_units),
        (_EVERY, _set),
        (_FREQUENCY, _frequency),
    )
]


# --- entry point -----------------------------------------------------------------------------


def _candidates(ctx: _Context) -> Iterator[Found]:
    unanchored = replace(ctx, anchor=None)
    for pattern, handle in RULES:
        for m in pattern.finditer(ctx.text):
            try:
                found = list(handle(m, ctx))
            except (OverflowError, ValueError):  # "tomorrow" of 9999-12-31: past the calendar
                found = list(handle(m, unanchored))  # so unresolved ("XXXX-XX-XX"), not an error
            yield from found


def _longest_first(found: Iterable[Found]) -> list[Found]:
    """Non-overlapping expressions, longer ones first ("Jan. 1, 2015" beats "2015")."""
    taken: list[Found] = []  # kept sorted by start; neighbours tell whether a span is free
    for f in sorted(set(found), key=lambda f: (f[0] - f[1], f[0])):
        i = bisect.bisect(taken, f)
        if (i == 0 or taken[i - 1][1] <= f[0]) and (i == len(taken) or f[1] <= taken[i][0]):
            taken.insert(i, f)
    return taken


_DAY_VALUE = re.compile(r"(?:\d{4}|XXXX)-(?:\d\d|XX)-(?:\d\d|XX)|XXXX-WXX-\d")
_CLOCK_VALUE = re.compile(r".*(T\d\d:\d\d)")


def _clock_days(found: list[Found], text: str) -> list[Found]:
    """Give clock times the day named beside them, whatever the anchor.

    "9 a.m. Sunday" is one expression; "Monday at 7 p.m." and "7 p.m. on Monday" take
    Monday's date rather than the anchor's.
    """
    out: list[Found] = []
    i = 0
    while i < len(found):
        s, e, t, v = found[i]
        clock = _CLOCK_VALUE.fullmatch(v or "")
        after = found[i + 1] if i + 1 < len(found) else None
        if clock and after and _DAY_VALUE.fullmatch(after[3] or ""):
            if re.fullmatch(r"[ ,]*", text[e : after[0]]):
                out.append((s, after[1], "TIME", after[3] + clock[1]))
                i += 2
                continue
            if re.fullmatch(r"\s+on\s+", text[e : after[0]]):
                v = after[3] + clock[1]
        elif clock and out and _DAY_VALUE.fullmatch(out[-1][3] or "") and re.fullmatch(r"[\s,]*(?:at\s+)?", text[out[-1][1] : s]):
            v = out[-1][3] + clock[1]
        out.append((s, e, t, v))
        i += 1
    return out


def find_times(text: str, anchor: dt.date | None) -> list[TimeExpression]:
    """Every time expression in ``text``, resolved against ``anchor``; offsets into ``text``."""
    found = _clock_days(_longest_first(_candidates(_Context(text.translate(_SPACES), anchor))), text)
    return [TimeExpression(text[s:e], s, e, t, v) for s, e, t, v in found]
