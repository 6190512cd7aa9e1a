"""Page generation and the real `mkdocs build --strict`, on the small fixture site."""

import csv
import io
import json
import re

import pytest

from conftest import run_cli, write
from iomfacts.pipeline import check, generate


@pytest.fixture
def built(built_copy):
    """A fixture checkout right after `build_site.py build`: a copy of the run's shared build
    (tests/conftest.py), so each test may change it."""
    return built_copy


def html(layout, page: str) -> str:
    return (layout.site / page / "index.html").read_text(encoding="utf-8")


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))


def test_every_page_family_is_generated(site_copy):
    knowledge, problems = check(site_copy)
    assert not problems
    files = generate(site_copy, knowledge)
    for path in ["index.md", "years/index.md", "years/2017.md", "years/2018.md", "years/2020.md",
                 "pillars/index.md", "pillars/o3-safe-migration.md", "pillars/ar2020-mobility.md",
                 "countries/index.md", "countries/ken.md", "countries/ner.md", "compare/index.md",
                 "sources/index.md", "sources/ar-2017.md", "glossary.md", "downloads.md",
                 "data/facts.json", "data/facts.csv", "data/sources.json", "assets/site.css"]:
        assert path in files, path
    assert "countries/xkx.md" not in files, "a country no fact names gets no empty page"


def test_a_fact_shows_its_figures_source_quote_and_links_everywhere(built):
    page = html(built, "years/2018/p1-standards")
    fact = page[page.index('id="ar-2018-3-legislation-advice"'):]
    fact = fact[: fact.index("</div>")]
    assert "Result" in fact
    assert "72%" in text_of(fact)
    assert "Seventy-two per cent of IOM offices provided governments" in fact
    assert 'href="../../../sources/ar-2018/"' in fact and "paragraph 3" in fact
    assert 'href="../../../pillars/p1-standards/#ar-2018-3-legislation-advice"' in fact
    assert "Principle 1, all years" in text_of(fact)
    assert 'href="../../../countries/alb/"' in fact and 'href="../../../countries/egy/"' in fact
    assert "fact-tag" not in fact and "policy" not in text_of(fact), "tag slugs are for search, not readers"


def test_a_country_page_shows_facts_about_it_alone_first_and_the_others_folded(built):
    """The fixture's only Kenya fact lists three countries: it is folded, in a line, linking to
    the fact in full on its year-and-pillar page."""
    page = html(built, "countries/ken")
    folded = page[page.index("<details"):page.index("</details>")]
    assert "Named in 1 fact about several countries in 2018" in text_of(folded)
    assert 'href="../../years/2018/p1-standards/#ar-2018-3-legislation-advice"' in folded
    assert "Facts by theme and year" in page and 'id="glance"' in page
    niger = html(built, "countries/ner")
    assert "<details" not in niger, "Niger's fact is about Niger alone: shown in full"
    assert 'id="ar-2020-81-avr-migrants"' in niger and "1 about Niger alone" in text_of(niger)


def test_a_country_page_opens_with_its_own_results_in_brief_linking_down_to_each_fact(built):
    niger = html(built, "countries/ner")
    start = niger.index('id="in-brief"')
    brief = niger[start:niger.index("</ul>", start)]
    assert '<li class="fact-brief"><span class="brief-year">2020</span> ' in brief
    assert 'href="#ar-2020-81-avr-migrants"' in brief and 'id="ar-2020-81-avr-migrants"' not in brief
    assert niger.index('id="ar-2020-81-avr-migrants"') > niger.index('id="glance"'), "the fact in full is below"
    assert "data-search-exclude" in brief[:brief.index("<li")], "a repeat of the page's own cards"
    assert 'id="in-brief"' not in html(built, "countries/ken"), "Kenya is only named among several countries"


def test_a_region_page_gathers_its_countries_and_opens_with_their_own_results(built):
    region = html(built, "regions/west-central-africa")
    assert "<h1" in region and "West and Central Africa" in text_of(region[:region.index("</h1>")])
    start = region.index('id="in-brief"')
    brief = region[start:region.index("</ul>", start)]
    assert '<span class="brief-year">2020</span> <a href="../../countries/ner/">Niger</a>: ' in brief
    assert 'href="../../years/2020/ar2020-mobility/#ar-2020-81-avr-migrants"' in brief, "to the fact in full"
    countries = region[region.index('id="countries"'):region.index('id="by-year"')]
    assert 'href="../../countries/ner/"' in countries and "Kenya" not in countries
    assert 'href="../../regions/west-central-africa/"' in html(built, "countries/ner"), "the country's region"
    assert 'href="../regions/west-central-africa/"' in html(built, "countries")
    east = html(built, "regions/east-horn-africa")
    assert 'id="in-brief"' not in east, "Kenya is only named among several countries"
    assert "named in 1 fact" in text_of(east)


def test_2020_facts_appear_on_the_migof_pillar_they_are_mapped_to(built):
    page = html(built, "pillars/o3-safe-migration")
    assert 'id="ar-2020-81-avr-migrants"' in page
    assert "Assisted voluntary return and reintegration" in page, "the crosswalk section is named"
    assert "mapped" in text_of(page)
    own_part = html(built, "pillars/ar2020-mobility")
    assert 'id="ar-2020-81-avr-migrants"' in own_part


def test_disagreeing_sources_are_shown_on_both_facts_and_in_the_comparison(built):
    year = html(built, "years/2017/o3-safe-migration")
    for fact_id, other in (("ar-2017-213-health-assessments", "dg-108-x-health-assessments"),
                           ("dg-108-x-health-assessments", "ar-2017-213-health-assessments")):
        fact = year[year.index(f'id="{fact_id}"'):]
        fact = fact[: fact.index("</div>")]
        assert "Sources differ" in fact and f'href="#{other}"' in fact, "a link that scrolls to the other fact"
    compare = html(built, "compare")
    row = compare[compare.index('id="metric-health-assessments"'):]
    row = row[: row.index("</tr>")]
    assert "nearly 345,000</a>" in row and "about 440,600</a>" in row
    assert "sources differ" in row


def test_country_pages_are_not_in_the_sidebar(built):
    page = html(built, "glossary")  # a page whose content links to no country
    assert 'href="../countries/"' in page, "the countries index is in the sidebar"
    assert "countries/ken" not in page and "countries/ner" not in page


def test_exports_have_every_field_and_a_working_url(built):
    facts = json.loads((built.site / "data/facts.json").read_text())
    assert len(facts) == 4
    by_id = {fact["id"]: fact for fact in facts}
    avr = by_id["ar-2020-81-avr-migrants"]
    assert set(avr) == {"id", "year", "pillar", "mapped_pillar", "kind", "statement", "countries", "figures",
                        "source", "quote", "tags", "differs_from", "note", "url", "permalink"}
    assert avr["pillar"] == "ar2020-mobility" and avr["mapped_pillar"] == "o3-safe-migration"
    assert avr["figures"][0] == {"value": 42000, "unit": "migrants", "scale": None, "qualifier": "over",
                                 "metric": "avr-migrants", "label": None}
    assert avr["source"] == {"document": "ar-2020", "paragraph": 81, "section": None}
    assert avr["url"] == "years/2020/ar2020-mobility/#ar-2020-81-avr-migrants"
    assert avr["permalink"] == "facts/ar-2020-81-avr-migrants/"
    assert by_id["ar-2017-213-health-assessments"]["differs_from"] == ["dg-108-x-health-assessments"]
    page, anchor = avr["url"].split("#")
    assert f'id="{anchor}"' in (built.site / page / "index.html").read_text()

    rows = list(csv.DictReader(io.StringIO((built.site / "data/facts.csv").read_text())))
    assert len(rows) == 4
    legislation = next(row for row in rows if row["id"] == "ar-2018-3-legislation-advice")
    assert legislation["countries"] == "ALB;EGY;KEN"
    assert legislation["source_paragraph"] == "3" and legislation["source_section"] == ""
    assert json.loads(legislation["figures"])[0]["unit"] == "per cent"

    sources = json.loads((built.site / "data/sources.json").read_text())
    assert {source["id"]: source["facts"] for source in sources} == {"ar-2017": 1, "dg-108": 1, "ar-2018": 1, "ar-2020": 1}


def test_external_source_links_are_marked(built):
    page = html(built, "sources/ar-2018")
    assert '<a class="external" href="https://example.org/ar-2018.pdf" rel="noopener">' in page \
        or 'href="https://example.org/ar-2018.pdf" class="external"' in page


def test_failed_check_leaves_the_previous_site_untouched(built):
    before = {path: path.read_bytes() for path in built.site.rglob("*") if path.is_file()}
    write(built.content / "facts/2017/o3-safe-migration.yml", "year: 2017\nyear: 2017\n")
    result = run_cli(built.root, "build")
    assert result.returncode == 1 and "duplicate key 'year'" in result.stderr
    after = {path: path.read_bytes() for path in built.site.rglob("*") if path.is_file()}
    assert after == before


def test_failed_mkdocs_build_leaves_the_previous_site_untouched(built):
    before = {path: path.read_bytes() for path in built.site.rglob("*") if path.is_file()}
    # A template linking to a page that does not exist: only MkDocs --strict can catch it.
    template = built.templates / "glossary.md.j2"
    template.write_text(template.read_text() + "\n[broken](no-such-page.md)\n")
    result = run_cli(built.root, "build")
    assert result.returncode == 1
    assert "no-such-page.md" in result.stderr and "previous site/ was left as it was" in result.stderr
    after = {path: path.read_bytes() for path in built.site.rglob("*") if path.is_file()}
    assert after == before


def test_unchanged_pages_are_not_rewritten(built):
    page = built.docs / "countries" / "ken.md"
    stamp = page.stat().st_mtime_ns
    assert run_cli(built.root, "build").returncode == 0
    assert page.stat().st_mtime_ns == stamp


def test_edit_links_open_the_yaml_file_that_holds_each_fact(site_copy, monkeypatch):
    monkeypatch.setenv("IOM_EDIT_URL", "https://github.com/example/iom-site/edit/main/")
    assert run_cli(site_copy.root, "build").returncode == 0
    page = html(site_copy, "countries/ken")
    fact = page[page.index('id="ar-2018-3-legislation-advice"'):]
    fact = fact[: fact.index("</div>")]
    link = 'href="https://github.com/example/iom-site/edit/main/content/facts/2018/p1-standards.yml"'
    assert link in fact
    footer = page[page.index("Edit the facts of this page"):]
    assert link in footer


def test_without_a_known_repository_there_are_no_edit_links(site_copy, monkeypatch):
    for variable in ("IOM_EDIT_URL", "GITHUB_REPOSITORY"):
        monkeypatch.delenv(variable, raising=False)
    assert run_cli(site_copy.root, "build").returncode == 0
    assert "edit-link" not in html(site_copy, "countries/ken")


def test_no_markdown_syntax_leaks_into_any_page(built):
    """Attribute lists and other Markdown must be consumed, never printed (a template slip)."""
    for page in built.site.rglob("*.html"):
        text = re.sub(r"<(script|style)\b.*?</\1>", "", page.read_text(encoding="utf-8"), flags=re.S)
        assert "{:" not in text and "{{" not in text and "{%" not in text, page


def test_each_fact_file_has_a_page_that_holds_its_facts_in_full(built):
    page = html(built, "years/2017/o3-safe-migration")
    for fact_id in ("ar-2017-213-health-assessments", "dg-108-x-health-assessments"):
        card = page[page.index(f'id="{fact_id}"'):]
        assert "fact-quote" in card[: card.index("</div>")], "the card carries the quote"
    assert 'href="../" ' in page or 'href="../"' in page, "a breadcrumb leads back to the year"
    assert "Link to this fact" in page, "on its own page, a fact links to itself rather than away"
    assert "years/2017/o3-safe-migration" not in html(built, "glossary"), "not in the sidebar"


def test_the_year_page_sums_up_and_links_each_pillar_page(built):
    page = html(built, "years/2017")
    assert 'href="o3-safe-migration/"' in page
    assert 'class="fact ' not in page, "the facts themselves are on the pillar pages of the year"
    row = page[page.index('href="o3-safe-migration/"'):]
    cells = re.findall(r"<td>([^<]*)</td>", row[: row.index("</tr>")])
    assert cells == ["2", "2", "0", "0", "0"], "facts, results, plans, context, countries named"


def test_pillar_and_source_pages_list_facts_a_line_each_linking_to_the_full_fact(built):
    page = html(built, "pillars/o3-safe-migration")
    line = page[page.index('<li class="fact-brief" id="ar-2020-81-avr-migrants"'):]
    line = line[: line.index("</li>")]
    assert "over 42,000 migrants" in text_of(line)
    assert 'href="../../years/2020/ar2020-mobility/#ar-2020-81-avr-migrants">AR-2020 ¶81</a>' in line
    assert "mapped here from the parts of the Annual Report for 2020" in text_of(page)
    source = html(built, "sources/dg-108")
    line = source[source.index('id="dg-108-x-health-assessments"'):]
    line = line[: line.index("</li>")]
    assert "sources differ" in line and "DG-108 Migration health</a>" in line


def test_one_page_lists_every_disagreement_with_both_figures(built):
    page = html(built, "compare/differences")
    assert "Here is the one such pair" in text_of(page)
    row = page[page.index("<td>Pre-departure health assessments"):]
    row = row[: row.index("</tr>")]
    assert 'href="../../years/2017/o3-safe-migration/#ar-2017-213-health-assessments">nearly 345,000 assessments</a>' in row
    assert 'href="../../years/2017/o3-safe-migration/#dg-108-x-health-assessments">about 440,600 assessments</a>' in row
    assert "The speech's figure is higher" in row, "the editors' note explains the difference"
    assert "over 80 countries" not in row, "only the figures of the measure they disagree on"
    assert 'href="../compare/differences/"' in html(built, "glossary"), "it is in the sidebar"
