"""The content model's own promises: schemas in step, a complete crosswalk, the real content valid."""

import json
import re

import pytest
import yaml

from conftest import REPO, SEEDS
from iomfacts.markdown_text import format_figure
from iomfacts.model import Figure
from iomfacts.pipeline import Layout, check
from iomfacts.schemas import schema_documents


def test_committed_json_schemas_match_the_model():
    for filename, text in schema_documents().items():
        committed = (REPO / "schemas" / filename).read_text(encoding="utf-8")
        assert committed == text, f"schemas/{filename} is stale: run `python build_site.py schema`"


def test_every_content_file_points_editors_at_its_schema():
    for path in sorted((REPO / "content").rglob("*.yml")):
        first_line = path.read_text(encoding="utf-8").splitlines()[0]
        assert first_line.startswith("# yaml-language-server: $schema="), path
        schema = (path.parent / first_line.split("=", 1)[1]).resolve()
        assert schema.exists(), f"{path}: {schema} does not exist"


def test_the_2020_crosswalk_covers_paragraphs_1_to_214_once_each():
    crosswalk = yaml.safe_load((REPO / "content/pillars.yml").read_text())["crosswalk"]
    covered = []
    for entry in crosswalk:
        if "paragraphs" in entry:
            first, last = entry["paragraphs"]
            covered.extend(range(first, last + 1))
    assert sorted(covered) == list(range(1, 215))
    boxes = {section for entry in crosswalk for section in entry.get("sections", []) if section.startswith("Box")}
    assert boxes == {f"Box {number}" for number in range(1, 16)}


@pytest.mark.parametrize("figure, text", [
    (dict(value=376800, unit="assessments", qualifier="over"), "over 376,800 assessments"),
    (dict(value=1.8, unit="USD", scale="billion"), "USD 1.8 billion"),
    (dict(value=1605.4, unit="USD", scale="million"), "USD 1,605.4 million"),
    (dict(value=47, unit="per cent"), "47%"),
    (dict(value=12673, unit="staff"), "12,673 staff"),
])
def test_figures_print_as_a_reader_expects(figure, text):
    assert format_figure(Figure(**figure)) == text


@pytest.mark.skipif(not SEEDS.exists(), reason="the source texts (../shared/seeds) are not beside the repository")
def test_real_content_passes_check_with_every_quote_found_in_the_sources():
    knowledge, problems = check(Layout(REPO), SEEDS)
    assert not problems, "\n".join(str(problem) for problem in list(problems)[:20])
    by_source = {}
    for record in knowledge.facts:
        by_source[record.fact.source.document] = by_source.get(record.fact.source.document, 0) + 1
    assert by_source["ar-2017"] >= 40 and by_source["ar-2018"] >= 40
    pillars_2017 = {r.pillar for r in knowledge.facts if r.fact.source.document == "ar-2017"}
    pillars_2018 = {r.pillar for r in knowledge.facts if r.fact.source.document == "ar-2018"}
    migof = {"p1-standards", "p2-evidence", "p3-partnerships", "o1-socioeconomic", "o2-crises",
             "o3-safe-migration", "oe"}
    assert migof <= pillars_2017 and migof <= pillars_2018
    in_both = [m for m in knowledge.metrics
               if {2017, 2018} <= set(knowledge.metric_values(m))]
    assert len(in_both) >= 10, in_both


def test_real_content_builds_with_mkdocs_strict(built_real_site):
    """The whole real site, through the real `mkdocs build --strict` (`build_site.py build`,
    run once for the whole test run in tests/conftest.py; this test only reads its output)."""
    layout = Layout(built_real_site)
    knowledge, problems = check(layout)
    assert not problems
    facts = json.loads((layout.site / "data/facts.json").read_text())
    assert len(facts) == len(knowledge.facts)
    assert (layout.site / "countries/ken/index.html").exists()
    assert (layout.site / "pillars/o2-crises/index.html").exists()
    assert (layout.site / "compare/index.html").exists()
    for fact_file in sorted((layout.content / "facts").glob("*/*.yml")):
        year, pillar = fact_file.parent.name, fact_file.stem
        page = layout.site / "years" / year / pillar / "index.html"
        assert page.exists(), f"{fact_file.name} of {year} has its own page"
    pages = {}
    for fact in facts:  # every exported URL leads to the fact's anchor
        page, anchor = fact["url"].split("#")
        if page not in pages:
            pages[page] = (layout.site / page / "index.html").read_text(encoding="utf-8")
        assert f'id="{anchor}"' in pages[page], fact["url"]


def test_no_content_text_holds_an_unfilled_placeholder():
    """A note written by a script once kept "Total {r['total']} is the cell..." for six rows."""
    import re

    placeholder = re.compile(r"\{\w+(\[[^\]]*\])*\}")
    found = [f"{path.relative_to(REPO)}:{number}: {line.strip()[:80]}"
             for path in sorted((REPO / "content").rglob("*.yml"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if placeholder.search(line)]
    assert not found, "\n".join(found)


def test_a_pillar_page_opens_with_its_key_figures_and_lists_what_it_asks_for_largest_first(built_real_site):
    page = (built_real_site / "site" / "pillars" / "o2-crises" / "index.html").read_text(encoding="utf-8")
    order = [page.index(f'id="{anchor}"') for anchor in ("key-figures", "funding", "facts-by-year", "y2017")]
    assert order == sorted(order), "key figures, then the 2019 appeal, then the facts year by year"
    key_figures = page[order[0]:order[1]]
    assert "People reached by crisis-related programming" in key_figures and "over 28.9 million" in key_figures
    funding = page[order[1]:order[2]]
    table = funding[funding.index("<tbody>"):funding.index("</tbody>")]
    amounts = [int(cell.replace(",", "")) for cell in re.findall(r"<td>([\d,]+)</td>", table)]
    assert len(amounts) >= 9 and amounts == sorted(amounts, reverse=True), amounts


def test_a_year_page_opens_with_its_key_figures_beside_the_year_before(built_real_site):
    page = (built_real_site / "site" / "years" / "2018" / "index.html").read_text(encoding="utf-8")
    key_figures, by_pillar = page.index('id="key-figures"'), page.index('id="by-pillar"')
    assert key_figures < by_pillar, "what IOM reported first, how the facts are filed after"
    table = page[key_figures:by_pillar]
    assert re.search(r"<th>Figure</th>\s*<th>2018</th>\s*<th>2017</th>", table), table[:600]
    staff = table[table.index(">IOM staff<"):]
    staff = staff[:staff.index("</tr>")]
    assert staff.index("12,673 staff") < staff.index("10,978 staff"), "2018, then 2017"
    members = table[table.index(">IOM Member States<"):]
    members = members[:members.index("</tr>")]
    assert members.count("169 States") == 1, "a value three reports print is shown once"
    assert re.search(r"169 States</a>\s*<small>AR-2017, <a [^>]*>AR-2018</a>, <a [^>]*>AR-2020</a></small>", members), members
    assert table.index(">IOM Member States<") < table.index(">Migrants assisted to return voluntarily<") \
        < table.index(">Nationalities among staff<"), "the headline measures first"
    first = (built_real_site / "site" / "years" / "2013" / "index.html").read_text(encoding="utf-8")
    assert "<th>2012</th>" not in first, "no column for a year no document gives"
