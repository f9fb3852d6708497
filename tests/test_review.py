"""``quotewise view``: the review site from the seeds' real records, nested highlights, hostile
text, bad input lines. What a person sees in a browser is checked in test_review_browser.py."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.review.highlight import Highlight, highlight
from pipeline.review.wording import mark_differences

GREENWOOD_QUOTE = "I can confirm that there are discussions ongoing"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows), encoding="utf-8")
    return path


def _member(record: dict[str, Any], outlet: str) -> dict[str, Any]:
    return {"doc_id": record["doc_id"], "record_id": record["id"], "outlet": outlet, "kind": record["kind"],
            "text": record["content"]["text"], "credited": record["source"]["text"],
            "speaker": (record["speaker"] or {}).get("name")}  # fmt: skip


def make_seed_index(records: list[dict[str, Any]], folder: Path) -> Path:
    """A hand-made INDEX folder (the index engineer's contract) from the seeds' real records:
    Greenwood as one speaker, her "I can confirm" quote and the Home Office statement as
    two-outlet claims, one claim reported once, and the two outlets' crossing figures."""
    def find(doc: str, words: str) -> dict[str, Any]:
        return next(r for r in records if r["doc_id"] == f"uk-france-returns-{doc}" and words in r["content"]["text"])

    greenwood = [r for r in records if (r["speaker"] or {}).get("name") == "Lilian Greenwood"]
    confirm = [_member(find("a", GREENWOOD_QUOTE), "The Telegraph"), _member(find("b", GREENWOOD_QUOTE), "The Independent")]
    home_office = [_member(find("a", "intensifying"), "The Telegraph"), _member(find("b", "intensifying"), "The Independent")]
    once = _member(find("a", "I do think that there must be an agreement"), "The Telegraph")
    folder.mkdir(parents=True, exist_ok=True)
    write_jsonl(folder / "speakers.jsonl", [
        {"speaker_id": "s1", "name": "Lilian Greenwood", "type": "person", "roles": ["transport minister"],
         "mentions": sorted({r["source"]["text"] for r in greenwood}), "articles": sorted({r["doc_id"] for r in greenwood}),
         "records": [r["id"] for r in greenwood], "count": len(greenwood)},
        {"speaker_id": "s2", "name": None, "type": "unnamed", "roles": ["Home Office spokesperson"],
         "mentions": [m["credited"] for m in home_office], "articles": [m["doc_id"] for m in home_office],
         "records": [m["record_id"] for m in home_office], "count": 2},
    ])  # fmt: skip
    write_jsonl(folder / "claims.jsonl", [
        {"claim_id": "c1", "speaker_id": "s1", "size": 2, "members": confirm,
         "differences": {"wording": False, "credited": ["Ms Greenwood"]}},
        {"claim_id": "c2", "speaker_id": "s2", "size": 2, "members": home_office,
         "differences": {"wording": True, "credited": [m["credited"] for m in home_office]}},
        {"claim_id": "c3", "speaker_id": None, "size": 1, "members": [once], "differences": {"wording": False, "credited": []}},
    ])  # fmt: skip
    write_jsonl(folder / "figures.jsonl", [
        {"figure_id": "f1", "measure": "migrants crossed the Channel this year", "relation": "disagree", "members": [
            {"doc_id": "uk-france-returns-a", "outlet": "The Telegraph", "sentence": "Around 9,000 migrants have crossed…",
             "text": "Around 9,000", "value": 9000, "unit": "migrants", "approximate": True, "in_claim": None},
            {"doc_id": "uk-france-returns-b", "outlet": "The Independent", "sentence": "More than 8,180 people…",
             "text": "More than 8,180", "value": 8180, "unit": "people", "approximate": False, "in_claim": None}]},
    ])  # fmt: skip
    return folder


@pytest.fixture(scope="module")
def seed_site(seed_records_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    index = make_seed_index(read_jsonl(seed_records_file), root / "index")
    out = root / "review"
    assert main(["view", str(seed_records_file), "--articles", str(EXAMPLES), "--index", str(index), "-o", str(out)]) == 0
    return out


def text_of(html: str) -> str:
    """What a browser shows as text (tags dropped, entities decoded), scripts and styles aside."""
    parser = _Coverage()
    parser.feed(html)
    return "".join(t for t, _ in parser.pieces)


class _Coverage(HTMLParser):
    """Text pieces with the (record, role) of every ``<mark>`` open around them; checks nesting."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, tuple[str, str] | None]] = []
        self.pieces: list[tuple[str, frozenset[tuple[str, str]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("meta", "br", "img", "input", "link", "hr"):  # void: no end tag
            return
        a = dict(attrs)
        self.open.append((tag, (a.get("data-r") or "", a.get("class") or "") if tag == "mark" and "data-r" in a else None))

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1][0] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        if not any(tag in ("script", "style") for tag, _ in self.open):
            self.pieces.append((data, frozenset(m for _, m in self.open if m)))


# --- nested and crossing spans ------------------------------------------------------------------


spans_strategy = st.lists(
    st.tuples(st.integers(0, 40), st.integers(1, 12), st.sampled_from(["source", "cue", "content"]), st.integers(1, 4)),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet="ab <&>\"'\n“é😀", min_size=40, max_size=60), raw=spans_strategy)
def test_any_spans_nest_and_cover_exactly_their_characters(text: str, raw: list[tuple[int, int, str, int]]) -> None:
    spans = [Highlight(s, min(s + n, len(text)), role, r) for s, n, role, r in raw]
    parser = _Coverage()
    parser.feed(highlight(text, spans))
    parser.close()
    assert not parser.open
    assert "".join(t for t, _ in parser.pieces) == text  # every character once, in order, unescaped
    at = [c for t, cover in parser.pieces for c in [cover] * len(t)]
    for i in range(len(text)):
        assert at[i] == {(str(h.record), h.role) for h in spans if h.start <= i < h.end}


def test_crossing_spans_split_and_anchor_only_the_first_piece() -> None:
    out = highlight("abcdef", [Highlight(0, 4, "content", 1, "t1"), Highlight(2, 6, "source", 2)])
    assert out == (
        '<mark class="content" data-r="1" tabindex="0" id="t1">ab<mark class="source" data-r="2" tabindex="0">cd'
        '</mark></mark><mark class="source" data-r="2" tabindex="0">ef</mark>'
    )


def test_wording_differences_marked_word_by_word() -> None:
    a, b = mark_differences(["We are “intensifying” our collaboration", "the Government is “intensifying” its collaboration"])
    assert [p for p, d in a if d] == ["We", "are", "our"]
    assert [p for p, d in b if d] == ["the", "Government", "is", "its"]


# --- the seeds' site --------------------------------------------------------------------------------


def test_seed_article_pages_highlight_every_record(seed_site: Path, seed_records_file: Path, seed_b: str) -> None:
    records = [r for r in read_jsonl(seed_records_file) if r["doc_id"] == "uk-france-returns-b"]
    html = (seed_site / "articles" / "uk-france-returns-b.html").read_text(encoding="utf-8")
    parser = _Coverage()
    parser.feed(html.split('<div class="article-text">', 1)[1].split("</div>", 1)[0])
    assert "".join(t for t, _ in parser.pieces) == seed_b
    covered = {m for _, cover in parser.pieces for m in cover}
    expected = {(str(n), role) for n, r in enumerate(records, start=1) for role in ("source", "cue", "content") if r[role]}
    assert covered == expected
    assert html.count('<article class="card"') == len(records)
    assert "Lilian Greenwood" in html and "transport minister" in html
    assert "<script" not in html.split("</main>")[0] and "https://" not in html  # inlined, nothing fetched


def test_seed_claims_page_shows_both_outlets_wordings(seed_site: Path) -> None:
    html = (seed_site / "claims.html").read_text(encoding="utf-8")
    shown = text_of(html)
    assert shown.count(GREENWOOD_QUOTE) == 2
    assert "The Telegraph" in shown and "The Independent" in shown
    assert "credited differently" in shown and "A UK Home Office spokesperson" in shown and "A Home Office spokesman" in shown
    assert 'href="articles/uk-france-returns-a.html#t' in html
    assert "Reported once" in shown and "I do think that there must be an agreement" in shown
    figures = shown.split("Figures across articles")[1]
    assert "Around 9,000" in figures and "More than 8,180" in figures and "disagree" in figures


def test_seed_speakers_page_joins_greenwood_across_articles(seed_site: Path) -> None:
    shown = text_of((seed_site / "speakers.html").read_text(encoding="utf-8"))
    assert "Lilian Greenwood" in shown and "uk-france-returns-a:7" in shown and "uk-france-returns-b:8" in shown


def test_article_cards_link_to_the_same_claim_in_the_other_outlet(seed_site: Path) -> None:
    html = (seed_site / "articles" / "uk-france-returns-a.html").read_text(encoding="utf-8")
    assert 'also in <a href="../articles/uk-france-returns-b.html#t8">The Independent</a>' in html


def test_a_claim_card_tells_apart_the_members_it_links(seed_records_file: Path, tmp_path: Path) -> None:
    # The real index of the seeds: each carries some statements twice, and a card links every
    # other member; those of its own article read "this article", repeats are numbered.
    assert main(["index", str(seed_records_file), "-o", str(tmp_path / "index")]) == 0
    assert main(["view", str(seed_records_file), "--articles", str(EXAMPLES), "--index", str(tmp_path / "index"),
                 "-o", str(tmp_path / "review")]) == 0  # fmt: skip
    lists = [re.findall(r">([^<]+)</a>", found) for page in ("uk-france-returns-a", "uk-france-returns-b")
             for found in re.findall(r"also in ((?:<a [^>]+>[^<]+</a>(?:, )?)+)",
                                     (tmp_path / "review" / "articles" / f"{page}.html").read_text(encoding="utf-8"))]  # fmt: skip
    assert lists and all(len(set(labels)) == len(labels) for labels in lists)
    assert any("this article" in labels for labels in lists)
    assert any("uk-france-returns-b (2)" in labels for labels in lists)


def test_without_index_the_pages_say_how_to_make_it(seed_records_file: Path, tmp_path: Path) -> None:
    assert main(["view", str(seed_records_file), "--articles", str(EXAMPLES), "-o", str(tmp_path)]) == 0
    claims = text_of((tmp_path / "claims.html").read_text(encoding="utf-8"))
    assert "claim index was not given" in claims and "quotewise index RECORDS.jsonl -o INDEX/" in claims
    speakers = text_of((tmp_path / "speakers.html").read_text(encoding="utf-8"))
    assert "Speakers, article by article" in speakers and "Lilian Greenwood (" in speakers


def test_without_articles_records_are_listed_alone(seed_records_file: Path, tmp_path: Path) -> None:
    assert main(["view", str(seed_records_file), "-o", str(tmp_path)]) == 0
    html = (tmp_path / "articles" / "uk-france-returns-a.html").read_text(encoding="utf-8")
    assert "article text was not given" in html and "<mark class=\"source\" data-r" not in html
    assert GREENWOOD_QUOTE in html


# --- hostile text and bad input ---------------------------------------------------------------------


def test_hostile_text_is_escaped_everywhere(tmp_path: Path) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    text = f"{evil} said the minister. “{evil}”, she said."
    articles = write_jsonl(tmp_path / "news.jsonl", [{"id": f"../{evil}", "text": text, "title": evil, "outlet": evil}])
    content = (text.index("“"), text.index("”") + 1)
    record = {"doc_id": f"../{evil}", "id": evil, "model": evil, "kind": evil, "confidence": 0.5,
              "source": {"text": "she", "spans": [[text.index("she"), text.index("she") + 3]]},
              "cue": None, "content": {"text": text[content[0]:content[1]], "spans": [list(content)]},
              "speaker": {"name": evil, "role": evil, "mention": evil}, "quantities": [{"text": evil}], "dates": [{"text": evil}]}  # fmt: skip
    records = write_jsonl(tmp_path / "records.jsonl", [record])
    index = tmp_path / "index"
    index.mkdir()
    write_jsonl(index / "speakers.jsonl", [{"speaker_id": evil, "name": evil, "records": [evil], "articles": [evil]}])
    write_jsonl(index / "claims.jsonl", [{"claim_id": evil, "speaker_id": evil, "members": [
        {"doc_id": evil, "record_id": evil, "outlet": evil, "text": evil, "credited": evil}, {"text": evil}],
        "differences": {"wording": True, "credited": [evil, "x"]}}])  # fmt: skip
    write_jsonl(index / "figures.jsonl", [])
    out = tmp_path / "review"
    assert main(["view", str(records), "--articles", str(articles), "--index", str(index), "-o", str(out)]) == 0
    pages = list(out.rglob("*.html"))
    assert len(pages) == 4 and all(p.parent in (out, out / "articles") for p in pages)  # the id's ../ leaves no folder
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img" not in html and html.count("<script>") <= 1
        assert evil in text_of(html)  # shown as text


def test_bad_lines_are_reported_one_by_one_and_the_rest_renders(
    seed_records_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = read_jsonl(seed_records_file)
    a = [r for r in good if r["doc_id"] == "uk-france-returns-a"]
    shifted = a[1] | {"id": "x:1", "content": {"text": a[1]["content"]["text"], "spans": [[s + 1, e + 1] for s, e in a[1]["content"]["spans"]]}}  # fmt: skip
    bad = [
        "{not json",
        "[1, 2]",
        {k: v for k, v in a[0].items() if k != "content"} | {"id": "x:2"},
        {k: v for k, v in a[0].items() if k != "doc_id"},
        a[0] | {"id": "x:3", "doc_id": "no-such-article"},
        a[0] | {"id": "x:4", "model": "accurate"},
        a[0] | {"id": "x:5", "source": {"text": "x", "spans": [[5, 2]]}},
        a[0] | {"id": "x:6", "content": {"text": "x", "spans": [[0, 10**7]]}},
        shifted,
        a[0],  # the same record again
    ]
    reasons = [
        "malformed JSON line", "not an object", "missing 'content'", "missing 'doc_id'", "unknown doc id 'no-such-article'",
        "record from model 'accurate', but this article's records", "'source' span [5, 2] is empty or negative",
        "past the article's end", "is not what the article has at its offsets", "given twice",
    ]  # fmt: skip
    records = write_jsonl(tmp_path / "records.jsonl", good + bad)
    missing = tmp_path / "gone.jsonl"
    out = tmp_path / "review"
    assert main(["view", str(records), str(missing), "--articles", str(EXAMPLES), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    errors = read_jsonl(out / "errors.jsonl")
    assert len(errors) == len(bad) + 1
    for n, (line, reason) in enumerate(zip(errors, reasons), start=len(good) + 1):
        assert line["source"] == f"{records}:{n}" and reason in line["reason"]
        assert f"{records}:{n}: " in err
    assert errors[-1]["source"] == str(missing) and "cannot read" in errors[-1]["reason"]
    html = (out / "articles" / "uk-france-returns-a.html").read_text(encoding="utf-8")
    assert html.count('<article class="card"') == len(a)  # every good record still shown
    assert "11 input lines left out" in text_of((out / "index.html").read_text(encoding="utf-8"))
    # A clean run afterwards leaves no stale errors file.
    assert main(["view", str(seed_records_file), "--articles", str(EXAMPLES), "-o", str(out)]) == 0
    assert not (out / "errors.jsonl").exists()


def test_bad_index_lines_are_reported_and_the_rest_renders(seed_records_file: Path, tmp_path: Path) -> None:
    index = make_seed_index(read_jsonl(seed_records_file), tmp_path / "index")
    with (index / "claims.jsonl").open("a", encoding="utf-8") as f:
        f.write('{"claim_id": "c9"}\n{oops\n')
    (index / "figures.jsonl").unlink()
    out = tmp_path / "review"
    assert main(["view", str(seed_records_file), "--articles", str(EXAMPLES), "--index", str(index), "-o", str(out)]) == 1
    reasons = [e["reason"] for e in read_jsonl(out / "errors.jsonl")]
    assert reasons[0] == "no 'members' list" and reasons[1].startswith("malformed JSON line") and "cannot read" in reasons[2]
    assert text_of((out / "claims.html").read_text(encoding="utf-8")).count(GREENWOOD_QUOTE) == 2


def test_odd_optional_fields_are_left_out_of_the_card(seed_records_file: Path, tmp_path: Path) -> None:
    """Keys beyond doc_id, id and the roles are optional: a wrong type drops that field only."""
    record = read_jsonl(seed_records_file)[0]
    odd = record | {"speaker": {"name": 5, "role": ["x"], "mention": "the UK"}, "confidence": "high", "kind": None,
                    "quantities": [{"text": "9,000", "value": "many"}, "x"], "dates": "today", "model": "fast"}  # fmt: skip
    records = write_jsonl(tmp_path / "r.jsonl", [odd])
    assert main(["view", str(records), "--articles", str(EXAMPLES), "-o", str(tmp_path / "out")]) == 0
    shown = text_of((tmp_path / "out" / "articles" / "uk-france-returns-a.html").read_text(encoding="utf-8"))
    assert "1. the UK" in shown and "“9,000” → ?" in shown


def test_usage_errors(seed_records_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert main(["view", str(seed_records_file), "-o", str(a_file)]) == 2
    assert "-o takes the folder" in capsys.readouterr().err
    records = tmp_path / "errors.jsonl"
    records.write_bytes(seed_records_file.read_bytes())
    before = records.read_bytes()
    assert main(["view", str(records), "-o", str(tmp_path)]) == 2  # would overwrite its input
    assert "refusing to write" in capsys.readouterr().err and records.read_bytes() == before


def test_offsets_are_code_points(tmp_path: Path) -> None:
    text = "😀 “Hé said”, 𝒳 said."
    start = text.index("“")
    records = write_jsonl(tmp_path / "r.jsonl", [{"doc_id": "d", "source": {"text": "𝒳", "spans": [[text.index("𝒳"), text.index("𝒳") + 1]]},
                                                  "cue": None, "content": {"text": "“Hé said”", "spans": [[start, start + 9]]}}])  # fmt: skip
    articles = write_jsonl(tmp_path / "a.jsonl", [{"id": "d", "text": text}])
    assert main(["view", str(records), "--articles", str(articles), "-o", str(tmp_path / "out")]) == 0
    html = (tmp_path / "out" / "articles" / "d.html").read_text(encoding="utf-8")
    assert re.search(r'<mark class="content"[^>]*>“Hé said”</mark>', html)
    assert re.search(r'<mark class="source"[^>]*>𝒳</mark>', html)
