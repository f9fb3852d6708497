"""The seeds' review site in headless Chromium (Debian's ``chromium``, driven by Playwright, which
downloads no browser): what a person sees, by mouse, keyboard and on a phone."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_review import GREENWOOD_QUOTE, seed_site  # noqa: F401 (fixtures)

from pipeline.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium; .ci/run installs it where it can)"
)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_playwright = pytest.importorskip("playwright.sync_api", reason="playwright (the test extra) is not installed").sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    page = browser.new_page(viewport=DESKTOP)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: dialogs.append(f"script error: {e}"))
    yield page
    assert not dialogs, dialogs  # no alert from hostile text, no script error
    page.close()


def open_page(page: Any, site: Path, name: str) -> None:
    page.goto((site / name).as_uri())


def test_highlights_are_visible_in_three_colours_and_a_click_shows_greenwood(page: Any, seed_site: Path) -> None:
    open_page(page, seed_site, "articles/uk-france-returns-b.html")
    quote = page.locator(".article-text mark.content", has_text=GREENWOOD_QUOTE).first
    assert quote.is_visible() and GREENWOOD_QUOTE in quote.inner_text()
    colours = page.evaluate(
        "['source', 'cue', 'content'].map(r => getComputedStyle(document.querySelector('.article-text mark.' + r)).backgroundColor)"
    )
    assert len(set(colours)) == 3 and "rgba(0, 0, 0, 0)" not in colours, colours
    details = page.locator("#details-body")
    assert "Hover, focus (Tab) or click a highlight" in details.inner_text()
    quote.click()
    shown = details.inner_text()
    for expected in ("Lilian Greenwood", "transport minister", "person", "Ms Greenwood", "direct", "Confidence", "said:"):
        assert expected in shown
    page.locator(".article-text mark.source", has_text="A Home Office spokesman").hover()
    assert "A Home Office spokesman" in details.inner_text() and "Lilian Greenwood" not in details.inner_text()
    page.mouse.move(1, 1)  # leaving the text shows the clicked one again
    assert "Lilian Greenwood" in details.inner_text()


def test_keyboard_skip_link_then_tab_to_a_highlight(page: Any, seed_site: Path) -> None:
    open_page(page, seed_site, "articles/uk-france-returns-a.html")
    page.keyboard.press("Tab")
    skip = page.evaluate("[document.activeElement.textContent, document.activeElement.getBoundingClientRect().left]")
    assert skip[0] == "Skip to content" and skip[1] >= 0  # on screen once focused
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "(() => { const e = document.activeElement, s = getComputedStyle(e);"
        " return [e.tagName, e.className, e.textContent, s.outlineStyle, s.outlineWidth]; })()"
    )
    assert focused[0] == "MARK" and focused[3] == "solid" and focused[4] != "0px", focused  # a visible focus ring
    assert focused[2] in page.locator("#details-body").inner_text()
    for _ in range(40):  # on to Greenwood's first statement
        page.keyboard.press("Tab")
        if "Greenwood" in page.evaluate("document.activeElement.textContent"):
            break
    assert "Lilian Greenwood" in page.locator("#details-body").inner_text()
    page.keyboard.press("Escape")
    assert "Hover, focus (Tab) or click" in page.locator("#details-body").inner_text()


def test_claims_page_puts_both_outlets_wordings_side_by_side(page: Any, seed_site: Path) -> None:
    open_page(page, seed_site, "claims.html")
    claim = page.locator("section.entry", has_text=GREENWOOD_QUOTE).first
    members = claim.locator(".member")
    assert members.count() == 2
    boxes = [members.nth(i).bounding_box() for i in range(2)]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] + boxes[0]["width"] <= boxes[1]["x"]  # side by side
    texts = [members.nth(i).inner_text() for i in range(2)]
    assert all(GREENWOOD_QUOTE in t for t in texts)
    assert "The Telegraph" in texts[0] and "The Independent" in texts[1]
    home_office = page.locator("section.entry", has_text="credited differently").first
    assert "A UK Home Office spokesperson" in home_office.inner_text() and "A Home Office spokesman" in home_office.inner_text()
    members.nth(0).get_by_role("link", name="In the article").click()  # to the quote in its article
    page.wait_for_url("**/uk-france-returns-a.html#t*")
    assert GREENWOOD_QUOTE in page.evaluate("document.activeElement.textContent")
    assert "Lilian Greenwood" in page.locator("#details-body").inner_text()


@pytest.mark.parametrize(
    "name", ["index.html", "speakers.html", "claims.html", "articles/uk-france-returns-a.html", "articles/uk-france-returns-b.html"]
)
def test_no_horizontal_scrolling_on_a_phone(browser: Any, seed_site: Path, name: str) -> None:
    page = browser.new_page(viewport=PHONE)
    open_page(page, seed_site, name)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    if name.startswith("articles/"):
        assert not page.locator("#details").is_visible()  # the panel waits for a tap
        page.locator(".article-text mark.source").first.click()
        panel = page.locator("#details").bounding_box()
        assert page.locator("#details").is_visible() and panel["width"] <= PHONE["width"]
        page.locator("#details-close").click()
        assert not page.locator("#details").is_visible()
    page.close()


def test_hostile_text_shows_as_text_and_runs_nothing(page: Any, tmp_path: Path) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    text = f"The minister said {evil} today."
    articles = tmp_path / "news.jsonl"
    articles.write_text(json.dumps({"id": evil, "text": text}) + "\n", encoding="utf-8")
    start = text.index(evil)
    record = {"doc_id": evil, "id": evil, "source": {"text": "The minister", "spans": [[0, 12]]}, "cue": None,
              "content": {"text": evil, "spans": [[start, start + len(evil)]]}, "speaker": {"name": evil}}  # fmt: skip
    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert main(["view", str(records), "--articles", str(articles), "-o", str(tmp_path / "out")]) == 0
    open_page(page, tmp_path / "out", "index.html")
    page.get_by_role("link", name=evil).click()
    page.locator(".article-text mark.content").click()
    assert evil in page.locator(".article-text").inner_text() and evil in page.locator("#details-body").inner_text()
