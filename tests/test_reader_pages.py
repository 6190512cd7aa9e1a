"""Pages that answer a reader's question: a page per measure, and comparisons that link to it."""

from __future__ import annotations

import re

import pytest

from conftest import run_cli


@pytest.fixture(scope="module")
def site(built_fixture_site):
    """The fixture site as `build_site.py build` leaves it: the run's shared build, only read."""
    return built_fixture_site / "site"


def page(site, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_measure_page_gives_definition_values_by_year_and_source_and_its_facts(site):
    html = page(site, "measures/health-assessments")
    shown = text(html)
    assert "Pre-departure health assessments" in shown
    assert "Health assessments IOM carried out for migrants and refugees before departure." in shown
    by_year = html[html.index('id="by-year"'):html.index('id="facts"')]
    assert "nearly 345,000 assessments" in text(by_year) and "about 440,600 assessments" in text(by_year)
    assert "sources differ" in text(by_year), "two documents, two values for 2017"
    assert "The speech's figure is higher than the Annual Report's full-year figure." in shown, \
        "the editors' note explains the difference"
    facts = html[html.index('id="facts"'):]
    assert 'id="ar-2017-213-health-assessments"' in facts and 'id="dg-108-x-health-assessments"' in facts


def test_figures_on_fact_cards_and_the_comparison_link_to_the_measure_page(site):
    card = page(site, "years/2017/o3-safe-migration")
    assert 'href="../../../measures/health-assessments/"' in card
    compare = page(site, "compare")
    assert 'href="../measures/health-assessments/"' in compare
    assert "<dl" not in compare, "definitions live on the measure pages, not in a nested list"
    index = page(site, "measures")
    assert 'href="health-assessments/"' in index and 'href="avr-migrants/"' in index


def test_one_document_with_two_figures_is_not_called_a_disagreement_between_sources(site):
    html = page(site, "years/2017/o3-safe-migration")
    card = html[html.index('id="dg-108-x-health-assessments"'):]
    card = card[:card.index("</div>")]
    assert "Sources differ." in text(card), "the DG's report and the Annual Report are two documents"


def test_a_search_for_a_figure_opens_its_fact_scrolled_into_view(site):
    """A reader types a figure as printed, or its first digits, and lands on that fact."""
    import functools
    import http.server
    import threading
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(Path("/usr/bin/chromium")),
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync"])
            for query in ("440,600", "4406"):
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
                page.locator(".md-search__input").click()
                page.keyboard.type(query)
                group = page.locator(".md-search-result__item").first  # the best page, its best sections
                group.wait_for(timeout=20_000)
                fact = group.locator("a.md-search-result__link[href*='#']").first
                assert "#dg-108-x-health-assessments" in fact.get_attribute("href"), query
                fact.click()
                page.wait_for_url("**/years/2017/o3-safe-migration/**#dg-108-x-health-assessments")
                heading = page.locator("#dg-108-x-health-assessments")
                heading.wait_for()
                box = heading.bounding_box()
                assert box is not None and 0 <= box["y"] < 800, f"{query}: the fact is not on screen ({box})"
                page.close()
            # Typed with spaces for thousands, the figure is among the results too.
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
            page.locator(".md-search__input").click()
            page.keyboard.type("440 600")
            page.locator(".md-search-result__item").first.wait_for(timeout=20_000)
            hrefs = [link.get_attribute("href") for link in page.locator("a.md-search-result__link").all()]
            assert any("#dg-108-x-health-assessments" in href for href in hrefs), hrefs
            page.close()
            browser.close()
    finally:
        server.shutdown()


def test_a_country_page_shows_its_key_figures_table_in_a_browser(tmp_path):
    """Kenya in the fixture with datasets: its staff (3) and its 2019 plan (700) in one table."""
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    from checkouts import make_checkout

    layout = make_checkout(tmp_path / "repo")
    result = run_cli(layout.root, "build")
    assert result.returncode == 0, result.stderr

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(layout.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync"])
            page = browser.new_page(viewport={"width": 390, "height": 800})
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/countries/ken/")
            table = page.locator("#key-figures ~ table, #key-figures ~ div table").first
            rows = {line.split("\t")[0]: line.split("\t")[1:] for line in table.inner_text().splitlines()}
            header = next(cells for name, cells in rows.items() if name.strip() == "Figure")
            staff = next(cells for name, cells in rows.items() if name.startswith("IOM staff of Kenya"))
            plan = next(cells for name, cells in rows.items() if name.startswith("Funding requirement for 2019"))
            assert staff[header.index("2018")].strip() == "3"
            assert plan[header.index("2019")].strip() == "700"
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            browser.close()
    finally:
        server.shutdown()
