"""Screenshot the seeds' review page (``make review-screenshot``, after ``make run``): seed b at
1280×1200 in Debian's chromium, with Greenwood's "I can confirm…" selected, as a reader clicks it."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

QUOTE = "I can confirm that there are discussions ongoing"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--site", default="out/review", help="folder written by quotewise view")
    parser.add_argument("--out", default="eval/review-seeds.png")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("Debian's chromium is needed: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium)
        page = browser.new_page(viewport={"width": 1280, "height": 1200})
        page.goto((Path(args.site) / "articles" / "uk-france-returns-b.html").resolve().as_uri())
        page.locator(".article-text mark.content", has_text=QUOTE).first.click()
        page.mouse.move(1, 1)  # off the text, or the highlight under the pointer would show instead
        page.evaluate("window.scrollTo(0, 0)")  # the title, the legend and the selected quote in one view
        page.screenshot(path=args.out)
        browser.close()
    print(args.out)


if __name__ == "__main__":
    main()
