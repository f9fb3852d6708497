"""The review site's pages as HTML strings. Every piece of text from a record, an article or the
index goes through :func:`html.escape`; CSS and JavaScript are inlined from ``static/``.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from functools import cache
from html import escape
from importlib import resources
from typing import Any

from pipeline.io.reading import InputError
from pipeline.io.summary import figures, speaker_label
from pipeline.review.highlight import Highlight, highlight
from pipeline.review.loading import ReviewData, ViewRecord
from pipeline.review.wording import mark_differences

HOW_TO_INDEX = "quotewise index RECORDS.jsonl -o INDEX/"
PAGES = (("index.html", "Articles"), ("speakers.html", "Speakers"), ("claims.html", "Claims"))
ROLE_LEGEND = (("source", "who"), ("cue", "the reporting words"), ("content", "what was said"))


@cache
def _static(name: str) -> str:
    return resources.files("pipeline.review").joinpath("static", name).read_text(encoding="utf-8")


def slug(value: str) -> str:
    """A file-name and id-safe form of ``value``; a hash keeps altered ones apart."""
    clean = re.sub(r"[^A-Za-z0-9_-]+", "-", value).strip("-")[:80]
    if clean != value or not clean:
        clean = f"{clean}-{hashlib.sha1(value.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}".lstrip("-")
    return clean


def page(title: str, body: str, current: str, depth: int = 0, script: bool = False) -> str:
    """A whole page: skip link, site navigation, ``<main>``; ``depth`` is how far below the site root."""
    up = "../" * depth
    here = ' aria-current="page"'
    nav = "".join(f'<li><a href="{up}{href}"{here if href == current else ""}>{label}</a></li>' for href, label in PAGES)
    js = f"<script>\n{_static('review.js')}</script>\n" if script else ""
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} — quotewise review</title>\n<style>\n{_static('review.css')}</style>\n</head>\n<body>\n"
        '<a class="skip" href="#main">Skip to content</a>\n'
        f'<header class="site"><span class="brand">quotewise review</span>'
        f'<nav aria-label="Site"><ul>{nav}</ul></nav></header>\n'
        f'<main id="main" tabindex="-1">\n{body}\n</main>\n{js}</body>\n</html>\n'
    )


class Site:
    """Where each article's page and each record's place are, so any page can link to them."""

    def __init__(self, data: ReviewData):
        self.data = data
        ids = list(data.articles or {}) + [d for d in data.records if d not in (data.articles or {})]
        self.files = {doc_id: f"articles/{slug(doc_id)}.html" for doc_id in ids}
        self.href: dict[str, str] = {}  # record id → link from the site root to its place
        anchor = "t" if data.articles is not None else "r"  # its highlight, or its card when no text
        for doc_id, records in data.records.items():
            for n, record in enumerate(records, start=1):
                self.href[record.id] = f"{self.files[doc_id]}#{anchor}{n}"
        self.claim_of: dict[str, dict[str, Any]] = {
            m["record_id"]: claim
            for claim in data.claims or []
            for m in claim["members"]
            if isinstance(m, dict) and isinstance(m.get("record_id"), str)
        }

    def title(self, doc_id: str) -> str:
        article = (self.data.articles or {}).get(doc_id)
        return (article.title if article and article.title else None) or doc_id

    def record_link(self, record_id: str, label: str, up: str = "") -> str:
        href = self.href.get(record_id)
        return f'<a href="{up}{escape(href)}">{escape(label)}</a>' if href else escape(label)


def _list(items: Iterable[str]) -> str:
    items = list(items)
    return f"<ul>{''.join(f'<li>{i}</li>' for i in items)}</ul>" if items else "—"


def _typed(obj: Any, types: dict[str, type | tuple[type, ...]]) -> dict[str, Any]:
    """The keys of ``obj`` (if a dict) whose values have the expected type."""
    return {k: obj[k] for k, t in types.items() if isinstance(obj, dict) and isinstance(obj.get(k), t)}


_NUMBER = (int, float)
_SPEAKER = {"name": str, "role": str, "type": str, "mention": str}
_QUANTITY = {"text": str, "value": _NUMBER, "low": _NUMBER, "high": _NUMBER, "approximate": bool, "unit": str, "kind": str}
_DATE = {"text": str, "value": str, "type": str}


def _cleaned(data: dict[str, Any]) -> dict[str, Any]:
    """The record with optional fields of the wrong type dropped (any key beyond the checked ones
    may be missing or odd), so the summary helpers can read it."""
    def items(key: str, types: dict[str, Any]) -> list[dict[str, Any]]:
        return [_typed(x, types) for x in data[key] if isinstance(x, dict)] if isinstance(data.get(key), list) else []

    speaker = _typed(data.get("speaker"), _SPEAKER) if isinstance(data.get("speaker"), dict) else None
    return data | {"speaker": speaker, "quantities": items("quantities", _QUANTITY), "dates": items("dates", _DATE)}


def card(site: Site, record: ViewRecord, n: int) -> str:
    """Everything known about one record: what the details panel shows and the list under the text."""
    data = _cleaned(record.data)
    speaker = data["speaker"] or {}
    confidence = data.get("confidence")
    rows = [
        ("Speaker", escape(str(speaker.get("name") or "—"))),
        ("Role", escape(str(speaker.get("role") or "—"))),
        ("Type", escape(str(speaker.get("type") or "—"))),
        ("Source", escape(str((data.get("source") or {}).get("text") or "(none)"))),
        ("Cue", escape(str((data.get("cue") or {}).get("text") or "(none)"))),
        ("Kind", escape(str(data.get("kind") or "—"))),
        ("Confidence", f"{confidence:.2f}" if isinstance(confidence, (int, float)) else "—"),
        ("Quantities", _list(escape(f) for f in figures({"quantities": data["quantities"]}))),
        ("Dates", _list(escape(f) for f in figures({"dates": data["dates"]}))),
    ]
    if claim := site.claim_of.get(record.id):
        others = [m for m in claim["members"] if isinstance(m, dict) and m.get("record_id") != record.id]
        # An article that carries the statement twice is named twice: "(2)" tells the links apart.
        seen: Counter[str] = Counter()
        links = []
        for m in others:
            label = "this article" if m.get("doc_id") == record.doc_id else str(m.get("outlet") or m.get("doc_id"))
            seen[label] += 1
            links.append(site.record_link(str(m.get("record_id")), label + (f" ({seen[label]})" if seen[label] > 1 else ""), "../"))
        also = ", ".join(links)
        rows.append(("Claim", f'<a href="../claims.html#{slug("claim-" + str(claim.get("claim_id")))}">'
                              f'{escape(str(claim.get("claim_id")))}</a>' + (f": also in {also}" if also else ": this article only")))  # fmt: skip
    if data.get("model") is not None:
        rows.append(("Model", escape(str(data["model"]))))
    where = f'<a href="#t{n}">Show in the text</a> · ' if site.data.articles is not None else ""
    content = str((data.get("content") or {}).get("text") or "")
    return (
        f'<article class="card" id="r{n}"><h3>{n}. {escape(speaker_label(data))}</h3>'
        f"<blockquote>{escape(content)}</blockquote>"
        f"<dl>{''.join(f'<dt>{k}</dt><dd>{v}</dd>' for k, v in rows)}</dl>"
        f'<p class="meta">{where}<code>{escape(record.id)}</code></p></article>'
    )


def _highlights(records: list[ViewRecord]) -> list[Highlight]:
    spans = []
    for n, record in enumerate(records, start=1):
        for role, ranges in record.roles.items():
            for k, (start, end) in enumerate(ranges):
                anchor = f"t{n}" if role == "content" and k == 0 else None
                spans.append(Highlight(start, end, role, n, anchor))
    return spans


def article_page(site: Site, doc_id: str) -> str:
    """One article: its text with every record's roles highlighted, the details panel, the cards."""
    records = site.data.records.get(doc_id, [])
    article = (site.data.articles or {}).get(doc_id)
    models = sorted({str(r.data.get("model")) for r in records if r.data.get("model") is not None})
    meta = [f"<code>{escape(doc_id)}</code>"]
    if article is not None:
        meta += [escape(str(x)) for x in (article.outlet, article.date) if x]
    meta += [f"model {escape(', '.join(models))}" if models else "", f"{len(records)} attribution{'s' * (len(records) != 1)}"]
    legend = "".join(f'<li><mark class="{role}">{role}</mark> {what}</li>' for role, what in ROLE_LEGEND)
    if article is not None:
        reader = (
            f'<ul class="legend" aria-label="Legend">{legend}</ul>\n<div class="reader">\n'
            '<section aria-labelledby="text-h"><h2 id="text-h">Article text</h2>\n'
            f'<div class="article-text">{highlight(article.text, _highlights(records))}</div></section>\n'
            '<aside id="details" class="details" aria-labelledby="details-h">'
            '<button id="details-close" type="button" aria-label="Close the details">×</button>'
            '<h2 id="details-h">Selected attribution</h2><div id="details-body" aria-live="polite">'
            '<p class="note">Hover, focus (Tab) or click a highlight to see who said it, how sure the '
            "model is, the kind of quote, and its quantities and dates.</p></div></aside>\n</div>\n"
        )
    else:
        reader = '<p class="note">The article text was not given (pass <code>--articles</code> with the inputs extract read), so the attributions are listed without it.</p>\n'
    cards = "\n".join(card(site, r, n) for n, r in enumerate(records, start=1))
    body = (
        f"<h1>{escape(site.title(doc_id))}</h1>\n<p class=\"meta\">{' · '.join(m for m in meta if m)}</p>\n{reader}"
        f'<section aria-labelledby="list-h"><h2 id="list-h">Attributions ({len(records)})</h2>\n'
        f'<div class="cards">\n{cards or "<p>No attributions in this article.</p>"}\n</div></section>'
    )
    return page(site.title(doc_id), body, current="", depth=1, script=article is not None)


def _problems_note(problems: list[InputError]) -> str:
    if not problems:
        return ""
    n = len(problems)
    return (
        f'<section class="problems" aria-labelledby="problems-h"><h2 id="problems-h">{n} input line{"s" * (n != 1)} '
        'left out</h2><p>Each is listed with its reason in <a href="errors.jsonl">errors.jsonl</a>; everything else is shown.</p>'
        f"{_list(f'<code>{escape(p.source)}</code>: {escape(p.reason)}' for p in problems[:20])}"
        + (f"<p>… and {n - 20} more.</p>" if n > 20 else "")
        + "</section>"
    )


def index_page(site: Site) -> str:
    """The articles, with their counts, and what was left out; outlet and date where any article has them."""
    articles = site.data.articles or {}
    extra = [(key, label) for key, label in (("outlet", "Outlet"), ("date", "Date")) if any(getattr(a, key) for a in articles.values())]
    rows = []
    for doc_id, file in site.files.items():
        records = site.data.records.get(doc_id, [])
        article = articles.get(doc_id)
        cells = "".join(f"<td>{escape(str(getattr(article, key, None) or '—'))}</td>" for key, _ in extra)
        rows.append(
            f'<tr><td><a href="{escape(file)}">{escape(site.title(doc_id))}</a></td>{cells}'
            f'<td class="num">{len(records)}</td><td class="num">{len({_speaker_key(r.data) for r in records})}</td></tr>'
        )
    n_records = sum(len(r) for r in site.data.records.values())
    head = "".join(f'<th scope="col">{label}</th>' for _, label in extra)
    body = (
        f"<h1>Who said what: {len(site.files)} article{'s' * (len(site.files) != 1)}, {n_records} attributions</h1>\n"
        f"{_problems_note(site.data.problems)}\n"
        '<p class="meta">Open an article to see its quotes highlighted in the text.</p>\n'
        f'<div class="table-wrap"><table><thead><tr><th scope="col">Article</th>{head}'
        '<th scope="col" class="num">Attributions</th><th scope="col" class="num">Speakers</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
    return page("Articles", body, current="index.html")


def _speaker_key(data: dict[str, Any]) -> str:
    """Who a record's speaker is within its article: the resolved name, else the mention."""
    speaker = data.get("speaker") if isinstance(data.get("speaker"), dict) else {}
    name = speaker.get("name") or speaker.get("role") or (data.get("source") or {}).get("text") or "(no source)"
    return str(name)


def speakers_page(site: Site) -> str:
    """Speakers across articles from the index, else each article's speakers from its records."""
    if site.data.speakers is None:
        sections = []
        for doc_id, records in site.data.records.items():
            groups: dict[str, list[ViewRecord]] = {}
            for r in records:
                groups.setdefault(_speaker_key(r.data), []).append(r)
            items = (
                f"<li><strong>{escape(name)}</strong> ({len(rs)}): "
                + ", ".join(site.record_link(r.id, r.id) for r in rs)
                + "</li>"
                for name, rs in sorted(groups.items(), key=lambda g: -len(g[1]))
            )
            sections.append(f'<h2><a href="{escape(site.files[doc_id])}">{escape(site.title(doc_id))}</a></h2><ul>{"".join(items)}</ul>')
        body = (
            "<h1>Speakers, article by article</h1>\n"
            f'<p class="note">Without the claim index each article\'s speakers are listed on their own. '
            f"To see one speaker across articles, make the index with <code>{HOW_TO_INDEX}</code> "
            "and pass <code>--index INDEX/</code> to <code>quotewise view</code>.</p>\n" + "\n".join(sections)
        )
        return page("Speakers", body, current="speakers.html")
    sections = [_speaker_section(site, s) for s in site.data.speakers]
    body = f"<h1>Speakers across articles ({len(sections)})</h1>\n" + "\n".join(sections)
    return page("Speakers", body, current="speakers.html")


def _speaker_name(speaker: dict[str, Any]) -> str:
    mentions = speaker.get("mentions") if isinstance(speaker.get("mentions"), list) else []
    return str(speaker.get("name") or (mentions[0] if mentions else None) or speaker.get("speaker_id") or "(unnamed)")


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _speaker_section(site: Site, speaker: dict[str, Any]) -> str:
    articles = _strings(speaker.get("articles"))
    rows = [
        ("Type", escape(str(speaker.get("type") or "—"))),
        ("Roles", escape(", ".join(_strings(speaker.get("roles"))) or "—")),
        ("Called", escape(", ".join(f"“{m}”" for m in dict.fromkeys(_strings(speaker.get("mentions")))) or "—")),
        ("Articles", ", ".join(
            f'<a href="{escape(site.files[a])}">{escape(site.title(a))}</a>' if a in site.files else escape(a)
            for a in articles) or "—"),  # fmt: skip
        ("Statements", ", ".join(site.record_link(r, r) for r in _strings(speaker.get("records"))) or "—"),
    ]
    count = speaker.get("count")
    return (
        f'<section class="entry" id="{slug("speaker-" + str(speaker.get("speaker_id")))}">'
        f"<h2>{escape(_speaker_name(speaker))}"
        + (f' <span class="meta">({escape(str(count))} statement{"s" * (count != 1)})</span>' if count is not None else "")
        + f"</h2><dl class=\"card\">{''.join(f'<dt>{k}</dt><dd>{v}</dd>' for k, v in rows)}</dl></section>"
    )


def claims_page(site: Site) -> str:
    """Each claim cluster's wordings side by side; claims made once are folded away."""
    if site.data.claims is None:
        body = (
            "<h1>Claims across articles</h1>\n<p>The claim index was not given, so claims cannot be compared "
            f"across articles. Make it with <code>{HOW_TO_INDEX}</code>, then run "
            "<code>quotewise view RECORDS.jsonl --index INDEX/ --articles ARTICLES/ -o review/</code>.</p>"
        )
        return page("Claims", body, current="claims.html")
    members = {id(c): [m for m in c["members"] if isinstance(m, dict)] for c in site.data.claims}
    shared = sorted((c for c in site.data.claims if len(members[id(c)]) > 1), key=lambda c: -len(members[id(c)]))
    single = [c for c in site.data.claims if len(members[id(c)]) <= 1]
    speakers = {str(s.get("speaker_id")): s for s in site.data.speakers or []}
    body = (
        f"<h1>Claims across articles</h1>\n<p class=\"meta\">{len(shared)} claim{'s' * (len(shared) != 1)} reported "
        f"in more than one article, {len(single)} in one. Words one wording has and another lacks are "
        '<span class="differs">marked</span>.</p>\n'
        + "<h2>Reported in more than one article</h2>\n"
        + ("\n".join(_claim_section(site, c, members[id(c)], speakers) for c in shared) or "<p>None.</p>")
        + (f"\n<h2>Reported once</h2>\n<details><summary>Show {'the claim' if len(single) == 1 else f'the {len(single)} claims'}</summary>\n"
           + "\n".join(_claim_section(site, c, members[id(c)], speakers) for c in single) + "\n</details>" if single else "")  # fmt: skip
        + _figures_section(site)
    )
    return page("Claims", body, current="claims.html")


def _claim_section(site: Site, claim: dict[str, Any], members: list[dict[str, Any]], speakers: dict[str, Any]) -> str:
    speaker_id = claim.get("speaker_id")
    speaker = speakers.get(str(speaker_id)) if speaker_id is not None else None
    who = next((str(m["speaker"]) for m in members if m.get("speaker")), None)
    if speaker is not None:
        who = f'<a href="speakers.html#{slug("speaker-" + str(speaker_id))}">{escape(_speaker_name(speaker))}</a>'
    else:
        who = escape(who or "unattributed")
    differences = claim.get("differences") if isinstance(claim.get("differences"), dict) else {}
    notes = []
    if differences.get("wording"):
        notes.append('<span class="badge">wording differs</span>')
    credited = _strings(differences.get("credited"))
    if len(credited) > 1:
        notes.append('<span class="badge">credited differently</span>: ' + " / ".join(f"“{escape(c)}”" for c in credited))
    texts = [str(m.get("text") or "") for m in members]
    marked = mark_differences(texts) if len(members) > 1 else [[(t, False)] for t in texts]
    cells = []
    for m, pieces in zip(members, marked):
        words = "".join(f'<span class="differs">{escape(p)}</span>' if d else escape(p) for p, d in pieces)
        doc_id = str(m.get("doc_id") or "")
        head = escape(str(m.get("outlet") or site.title(doc_id) or "(unknown article)"))
        record_id = str(m.get("record_id") or "")
        cells.append(
            f'<li class="member"><h4>{head}</h4>'
            f"<p class=\"meta\">credited to “{escape(str(m.get('credited') or '(no source)'))}” · {escape(str(m.get('kind') or '—'))}</p>"
            f"<blockquote>{words}</blockquote>"
            f"<p class=\"meta\">{site.record_link(record_id, 'In the article', '') if record_id else ''}"
            f" <code>{escape(record_id)}</code></p></li>"
        )
    n = len({m.get("doc_id") for m in members})
    return (
        f'<section class="entry" id="{slug("claim-" + str(claim.get("claim_id")))}" aria-label="Claim {escape(str(claim.get("claim_id")))}">'
        f"<h3>{who} <span class=\"meta\">· {n} article{'s' * (n != 1)} · claim {escape(str(claim.get('claim_id')))}</span></h3>"
        f"<p>{' '.join(notes)}</p><ul class=\"members\">{''.join(cells)}</ul></section>"
    )


def _figures_section(site: Site) -> str:
    """Quantities that measure the same thing across articles, each outlet's figure beside the others'."""
    groups = [g for g in site.data.figures or [] if any(isinstance(m, dict) for m in g["members"])]
    if not groups:
        return ""
    sections = []
    for group in groups:
        cells = "".join(
            f'<li class="member"><h4>{escape(str(m.get("outlet") or site.title(str(m.get("doc_id") or ""))))}</h4>'
            f"<p><strong>{escape(str(m.get('text') or '—'))}</strong></p>"
            f"<blockquote>{escape(str(m.get('sentence') or ''))}</blockquote></li>"
            for m in group["members"] if isinstance(m, dict)
        )  # fmt: skip
        relation = f' <span class="badge">{escape(str(group["relation"]))}</span>' if group.get("relation") else ""
        sections.append(
            f'<section class="entry"><h3>{escape(str(group.get("measure") or "(unnamed measure)"))}{relation}</h3>'
            f'<ul class="members">{cells}</ul></section>'
        )
    return "\n<h2>Figures across articles</h2>\n" + "\n".join(sections)
