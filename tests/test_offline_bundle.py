"""The offline bundle, as a field office uses it: unzipped, opened from disk, no network."""

import os
import re
import shutil
import time
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from iomfacts.bundle import network_references

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = REPO / "tests" / "screenshots"
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists() and os.environ.get("CI") != "true",
    reason="Debian's chromium is not installed (.ci/run installs it)")
# One worker builds the bundle (a module fixture) and runs these tests, one Chromium at a time.
pytestmark = pytest.mark.xdist_group("offline-bundle")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    """The real content's bundle, built and unzipped in a throwaway checkout."""
    root = tmp_path_factory.mktemp("bundle") / "repo"
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, root / name)
    for name in ("mkdocs.yml", "mkdocs.offline.yml"):
        shutil.copy(REPO / name, root / name)
    result = run_cli(root, "bundle", "--zim")
    assert result.returncode == 0, result.stderr
    [archive] = (root / "dist").glob("*.zip")
    unzipped = root / "unzipped"
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(unzipped)
    [folder] = unzipped.iterdir()
    return {"root": root, "zip": archive, "folder": folder, "zim": next((root / "dist").glob("*.zim"))}


def test_the_zip_has_instructions_a_date_stamp_and_no_network_references(bundle):
    folder = bundle["folder"]
    assert re.fullmatch(r"iom-annual-reports-offline-(\d{4}-\d{2}-\d{2}|undated)\.zip", bundle["zip"].name)
    instructions = (folder / "HOW-TO-OPEN.txt").read_text()
    assert "index.html" in instructions and "Data as of" in instructions
    pages = sorted(folder.rglob("*.html"))
    assert len(pages) > 100
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not network_references(text), page
        assert "unpkg.com" not in text and "fonts.googleapis" not in text
        if page.name != "404.html":
            assert "Data as of" in text, page
    home = (folder / "index.html").read_text()
    assert 'href="countries/index.html"' in home, "links point at .html files"
    assert (folder / "search" / "search_index.js").exists()
    assert 'class="chart"' in (folder / "countries" / "index.html").read_text(), "the world map is in the bundle"
    assert list((folder / "data" / "charts").glob("*.vl.json")), "with each chart's specification"
    redirect = (folder / "facts" / "ar-2020-81-avr-migrants" / "index.html").read_text()
    target = re.search(r'url=([^"]+)"', redirect).group(1)
    assert target.endswith(".html#ar-2020-81-avr-migrants"), "permanent links lead to .html files offline"
    assert ((folder / "facts" / "ar-2020-81-avr-migrants") / target.split("#")[0]).resolve().is_file()


def test_network_references_are_detected():
    assert network_references('<script src="https://unpkg.com/x"></script>')
    assert network_references('<link rel="stylesheet" href="//cdn.example/x.css">')
    assert network_references('<img srcset="a.png 1x, https://x/b.png 2x">')
    assert not network_references('<a href="https://www.iom.int/">external link</a>')
    assert not network_references('<script src="assets/x.js"></script>')


@needs_chromium
def test_browsing_and_searching_offline_in_chromium(bundle):
    from playwright.sync_api import sync_playwright

    folder = bundle["folder"]
    requests, errors = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

        page.goto((folder / "index.html").as_uri())
        page.get_by_role("link", name="Countries and territories").first.click()
        page.wait_for_url(re.compile(r"countries/index\.html$"))
        page.get_by_role("link", name="Kenya").first.click()
        page.wait_for_url(re.compile(r"countries/ken\.html$"))
        assert page.locator("h1").inner_text().startswith("Kenya")
        # A fact's first link opens it in full on its year-and-pillar page; from there, its pillar.
        page.locator(".fact-links a[href*='years/']").first.click()
        page.wait_for_url(re.compile(r"years/\d{4}/[a-z0-9-]+\.html#"))
        assert " · " in page.locator("h1").inner_text()
        targeted = page.locator(".fact:has(> .fact-statement:target)")
        assert targeted.count() == 1, "the linked fact is the one highlighted"
        pillar_link = targeted.locator(".fact-links a[href*='pillars/']").first
        pillar_page = pillar_link.get_attribute("href").split("#")[0]
        pillar_link.click()
        page.wait_for_url(re.compile(re.escape(pillar_page.rsplit("/", 1)[-1])))
        assert page.locator("li.fact-brief:target").count() == 1, "and the fact's line there"

        def search(text: str) -> int:
            box = page.locator("input.md-search__input")
            box.click()
            box.fill("")
            started = time.monotonic()
            box.type(text)
            results = page.locator(".md-search-result__item")
            results.first.wait_for(timeout=20_000)
            search.seconds = time.monotonic() - started
            return results.count()

        assert search("Kenya") > 0
        first_search = search.seconds
        assert search("376,800") > 0
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "offline-search.png"))
        page.locator(".md-search-result__item a").first.click()
        page.wait_for_load_state()
        assert page.url.startswith("file://")
        assert "376,800" in page.content()
        browser.close()

    outside = [url for url in requests if not url.startswith("file:")]
    assert outside == []
    assert errors == []
    print(f"first search took {first_search:.2f} s")


def test_the_zim_file_opens_and_finds_a_country_page_by_search(bundle):
    from libzim.reader import Archive
    from libzim.search import Query, Searcher

    archive = Archive(str(bundle["zim"]))
    assert archive.main_entry.get_item().path == "index.html"
    assert archive.has_fulltext_index
    results = list(Searcher(archive).search(Query().set_query("Kenya")).getResults(0, 20))
    assert "countries/ken.html" in results
    kenya = archive.get_entry_by_path("countries/ken.html").get_item()
    assert b"Kenya" in bytes(kenya.content)
    assert b'<svg' in bytes(kenya.content) and b'class="chart"' in bytes(kenya.content), "with its charts"
    world = archive.get_entry_by_path("countries/index.html").get_item()
    assert b'class="chart"' in bytes(world.content), "and the world map"


@needs_chromium
def test_a_country_page_prints_on_a4_without_navigation_but_with_facts_and_sources(bundle):
    from playwright.sync_api import sync_playwright

    page_file = bundle["folder"] / "countries" / "ken.html"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_context(offline=True).new_page()
        page.goto(page_file.as_uri())
        page.emulate_media(media="print")
        assert not page.locator(".md-sidebar--primary").is_visible()
        assert not page.locator(".md-search").is_visible()
        assert not page.locator(".md-header").is_visible()
        assert page.locator(".fact").first.is_visible()
        assert page.locator(".fact-quote").first.is_visible()
        assert page.locator("svg.chart").first.is_visible(), "the charts print"
        SCREENSHOTS.mkdir(exist_ok=True)
        pdf = page.pdf(path=str(SCREENSHOTS / "kenya-print.pdf"), format="A4", print_background=True)
        browser.close()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 2
