"""Charts (iomfacts/charts.py): static SVG inlined in the pages, with their data beside them.

The fixture site gets a second year for one measure (so it has a line chart in which two
documents disagree) and is built with the real `mkdocs build --strict`; every chart SVG is
then parsed as XML and checked: accessible name, links, no external address, and its data.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import hostile
from conftest import REPO, run_cli
from iomfacts import charts, views
from iomfacts.markdown_text import format_figure
from iomfacts.pages import plan_pages
from iomfacts.pipeline import Layout, check, generate

SVG = "{http://www.w3.org/2000/svg}"
CHART = re.compile(r'<svg xmlns="http://www.w3.org/2000/svg"[^>]* class="chart".*?</svg>', re.S)

# A second year for the health assessments (2017: two documents, two values), on the 2020 fact
# (test data: a number its quote contains).
EXTRA_FIGURE = """        metric: avr-migrants
      - value: 64958
        unit: assessments
        metric: health-assessments
"""


def with_second_year(layout: Layout) -> Layout:
    path = layout.content / "facts" / "2020" / "ar2020-mobility.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("        metric: avr-migrants\n", EXTRA_FIGURE, 1), encoding="utf-8")
    return layout


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Layout:
    from conftest import FIXTURE

    root = tmp_path_factory.mktemp("charts") / "repo"
    shutil.copytree(FIXTURE, root)
    shutil.copytree(REPO / "templates", root / "templates")
    layout = with_second_year(Layout(root))
    result = run_cli(root, "build")
    assert result.returncode == 0, result.stderr + result.stdout
    return layout


def chart_svgs(html_text: str) -> list[ET.Element]:
    return [ET.fromstring(match) for match in CHART.findall(html_text)]


def pages_with_charts(layout: Layout) -> dict[str, tuple[str, list[ET.Element]]]:
    found = {}
    for page in sorted(layout.site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        svgs = chart_svgs(text)
        if svgs:
            found[page.relative_to(layout.site).as_posix()] = (text, svgs)
    return found


def test_the_fixture_site_has_a_map_and_a_measure_chart(built):
    found = pages_with_charts(built)
    assert "countries/index.html" in found
    assert "measures/health-assessments/index.html" in found
    assert (built.docs / "data" / "charts" / "measure-health-assessments.vl.json").is_file()
    assert (built.docs / "data" / "charts" / "countries-map.vl.json").is_file()


def figures_with_charts(built) -> dict[str, list]:
    """Each page's chart figures, parsed as HTML (the <figure>, its caption and the SVG)."""
    return {name: BeautifulSoup(text, "html.parser").find_all("figure", class_="chart-figure")
            for name, (text, _) in pages_with_charts(built).items()}


def test_every_chart_has_an_accessible_name_that_states_its_message(built):
    """The figure is named by its caption, which states the message with its figures; the SVG
    repeats it as its <title> (a hover tip) and is hidden from assistive technology, for which
    the caption and the data table speak."""
    for name, figures in figures_with_charts(built).items():
        for figure in figures:
            caption = figure.find("figcaption").get_text()
            svg = figure.find("svg")
            assert svg.get("aria-hidden") == "true" and svg.get("role") is None, name
            assert svg.find("title").get_text() == caption, "the <title> repeats the caption"
            assert re.search(r"[0-9]", caption), f"{name}: the caption states figures: {caption!r}"
            assert "100%" in svg.get("style") and svg.get("viewbox"), "scales to the column"
    [figure] = figures_with_charts(built)["measures/health-assessments/index.html"]
    caption = figure.find("figcaption").get_text()
    assert caption.startswith("Pre-departure health assessments fell from nearly 345,000 in 2017 to "
                              "64,958 in 2020"), caption
    assert "different values for 2017" in caption


def test_chart_marks_link_to_their_line_on_the_page_out_of_the_tab_order(built):
    """A mark is a pointer's shortcut to the fact's line (or the country's row) on the same
    page; keyboard and screen-reader users have the data table, which links each value."""
    linked = 0
    for name, (text, svgs) in pages_with_charts(built).items():
        ids = set(re.findall(r'\bid="([^"]+)"', text))
        for svg in svgs:
            for a in svg.iter(f"{SVG}a"):
                assert a.get("tabindex") == "-1", name
                assert a.get("href").startswith("#") and a.get("href")[1:] in ids, (name, a.get("href"))
                linked += 1
    assert linked, "marks link somewhere"


def test_a_chart_has_nothing_external(built):
    for name, (text, svgs) in pages_with_charts(built).items():
        for svg in svgs:
            for element in svg.iter():
                assert element.tag.split("}")[-1] not in ("script", "foreignObject", "image", "use", "style")
                for attribute, value in element.attrib.items():
                    assert not attribute.lower().startswith("on"), (name, attribute)
                    assert "://" not in value and not value.startswith("//"), (name, attribute, value[:80])
    text = (built.site / "measures/health-assessments/index.html").read_text(encoding="utf-8")
    table = BeautifulSoup(text, "html.parser").find("details")
    targets = {a["href"].split("#")[-1] for a in table.find_all("a", href=True)}
    assert {"ar-2017-213-health-assessments", "dg-108-x-health-assessments", "ar-2020-81-avr-migrants"} <= targets, \
        "each point's fact is linked from the chart's data table"


def test_the_maps_table_links_every_country_that_has_a_page(built):
    text = (built.site / "countries" / "index.html").read_text(encoding="utf-8")
    table = BeautifulSoup(text, "html.parser").find("details")
    for a in table.find_all("a", href=True):
        assert (built.site / "countries" / a["href"] / "index.html").resolve().is_file(), a["href"]
    assert table.find_all("a", href=True), "the map's table links the countries"


def test_two_disagreeing_documents_are_both_drawn_with_hover_titles(built):
    text, [svg] = pages_with_charts(built)["measures/health-assessments/index.html"]
    titles = [t.text for t in svg.iter(f"{SVG}title")][1:]
    assert any("nearly 345,000 assessments" in t for t in titles)
    assert any("about 440,600 assessments" in t for t in titles), "the other document's point is drawn"


def test_the_data_tables_hold_the_values_of_the_facts(built):
    knowledge, problems = check(built)
    assert not problems
    view = views.measure_view(knowledge, "health-assessments")
    expected = [(cell.year, format_figure(value.figure), value.record.id) for cell in view.by_year
                for value in cell.shown]
    text = (built.site / "measures" / "health-assessments" / "index.html").read_text(encoding="utf-8")
    details = BeautifulSoup(text, "html.parser").find("details", class_="chart-data")
    rows = [[td for td in tr.find_all("td")] for tr in details.find_all("tr")[1:]]
    seen = [(int(cells[0].get_text()), cells[1].get_text(), cells[1].find("a")["href"].split("#")[1]) for cells in rows]
    assert seen == expected
    for cells in rows:  # MkDocs rewrote the Markdown links: they open the fact's page
        href = cells[1].find("a")["href"].split("#")[0]
        assert (built.site / "measures" / "health-assessments" / href / "index.html").resolve().is_file()


def test_the_same_content_gives_byte_identical_charts(site_copy, monkeypatch):
    monkeypatch.delenv("IOM_CHART_CACHE", raising=False)  # this checkout's own cache, emptied below
    layout = with_second_year(site_copy)
    knowledge, problems = check(layout)
    assert not problems
    first = generate(layout, knowledge)
    charts._memory.clear()
    shutil.rmtree(layout.root / "build" / "chart-cache")  # render everything again
    knowledge, _ = check(layout)
    rendered_before = charts.RENDERED["count"]
    second = generate(layout, knowledge)
    assert charts.RENDERED["count"] > rendered_before, "the charts were rendered again"
    for path in ("countries/index.md", "measures/health-assessments.md", "data/charts/countries-map.vl.json"):
        assert first[path] == second[path], path


def test_the_palette_has_3_to_1_contrast_against_the_page():
    for colour in charts.PALETTE + charts.MAP_COLOURS:
        assert charts.contrast(colour) >= 3, colour


@pytest.mark.parametrize("payload", hostile.PAYLOADS)
def test_content_text_stays_text_in_a_chart(payload):
    data = [{"category": charts.spec_text(payload), "amount": 5, "tip": charts.spec_text(payload)}]
    chart = charts.Chart("hostile", charts._bars("", "a 5", data, "x", "staff"), f"{payload}: 5", ["x"], [])
    svg = ET.fromstring(charts.chart_svg(chart))
    texts = [t.text for t in svg.iter(f"{SVG}text")] + [t.text for t in svg.iter(f"{SVG}title")]
    shown = " ".join(charts.spec_text(payload).split())
    assert any(shown[:10] in (t or "") for t in texts), "the text is drawn as typed"
    assert svg.find(f"{SVG}title").text == f"{payload}: 5"
    soup = BeautifulSoup(charts.chart_svg(chart), "html.parser")
    assert hostile.is_our_chart(soup.find("svg")) and not hostile.live_markup(soup)


def test_hostile_inspection_accepts_only_our_charts():
    ours = '<svg class="chart" aria-hidden="true" viewBox="0 0 1 1"><a href="#x" tabindex="-1"><path d="M0,0"/></a></svg>'
    assert not hostile.live_markup(ours)
    for bad in ('<svg class="chart" aria-hidden="true"><script>alert(1)</script></svg>',
                '<svg class="chart" aria-hidden="true"><a href="https://evil.example/"><path/></a></svg>',
                '<svg class="chart" aria-hidden="true"><foreignObject><div>x</div></foreignObject></svg>',
                '<svg class="chart" aria-hidden="true"><path onclick="alert(1)"/></svg>',
                '<svg viewBox="0 0 1 1"><path/></svg>'):
        assert hostile.live_markup(bad), bad


def test_real_content_messages_and_the_map_lists_codes_without_a_shape():
    """The accessible names on the real content (no rendering: labels come from the data)."""
    layout = Layout(REPO)
    knowledge, problems = check(layout)
    if knowledge is None:
        pytest.skip(f"the real content does not check: {problems}")
    planned = plan_pages(knowledge)
    paths = {page.path for page in planned}
    page = next(p for p in planned if p.path == "measures/staff-total.md")
    [chart] = charts.page_charts(knowledge, page, paths)["by-year"]
    assert chart.label.startswith("IOM staff rose from 8,464 in 2013 to "), chart.label
    index = next(p for p in planned if p.template == "countries_index.md.j2")
    [world] = charts.page_charts(knowledge, index, paths)["map"]
    numeric = charts._numeric_codes(knowledge)
    shapes = charts.world_shapes()
    missing = {c.code for c in knowledge.countries_with_facts if numeric.get(c.code) not in shapes}
    listed = {link.target for note in world.notes for link in note if isinstance(link, charts.Link)}
    assert listed == missing
    if "XKX" in {c.code for c in knowledge.countries_with_facts}:
        assert "XKX" in listed, "Kosovo has no ISO numeric code: it is listed beside the map"


def test_a_projection_is_a_marker_of_its_own_never_on_the_line_of_results():
    """Expenditure: the DG's 2017 projection is drawn as a hollow marker in a layer with no line;
    the line joins only what was spent."""
    knowledge, problems = check(Layout(REPO))
    assert knowledge is not None, [str(problem) for problem in problems]
    planned = plan_pages(knowledge)
    page = next(p for p in planned if p.path == "measures/expenditure-total.md")
    [chart] = charts.page_charts(knowledge, page, {p.path for p in planned})["by-year"]
    line_layer, points_layer, plan_layer = chart.spec["layer"]
    assert line_layer["mark"]["type"] == "line" and "data" not in line_layer  # the results' data
    results = chart.spec["data"]["values"]
    assert 1.8e9 not in [row["value"] for row in results] and 1605.4e6 in [row["value"] for row in results]
    assert plan_layer["mark"]["type"] == "point" and plan_layer["mark"]["filled"] is False
    assert [(row["year"], row["value"]) for row in plan_layer["data"]["values"]] == [("2017", 1.8e9)]
    assert charts.PLAN_KEY in [text for _, _, text in chart.keys]
    assert "a plan or projection for 2017 is marked apart" in chart.label
    assert any(row[-1] == "plan or projection" for row in chart.rows), "the data table says which row is a plan"
    svg = ET.fromstring(charts.chart_svg(chart))
    assert svg.find(f"{SVG}title").text == chart.label
