"""`build_site.py propose SOURCE`: candidate facts from a document's text, which never pass
`check` until an editor has rewritten and accepted them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import run_cli
from iomfacts.country_names import CountryFinder
from iomfacts.document_units import split_document
from iomfacts.figures import parse_figures
from iomfacts.model import Country, Pillar, Region, Source
from iomfacts.propose import Proposer, to_yaml

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "propose"
REPORT = (FIXTURES / "numbered-report.txt").read_text(encoding="utf-8")


def _line_of(text: str, words: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if words in line)


# --- splitting -------------------------------------------------------------------------------

def test_a_report_is_split_by_its_own_numbers_boxes_and_annex_tables():
    document = split_document(REPORT)
    assert [unit.place for unit in document.units] == [
        "Foreword", "paragraph 1", "paragraph 2", "paragraph 3", "Box 1", "paragraph 4", "paragraph 5",
        "paragraph 6", "Annex I, Table 1"]
    table = document.units[-1]
    assert all(line.row for line in table.lines), "each line of an annex table is a row of its own"


def test_the_rest_of_a_sentence_after_a_page_break_and_a_list_inside_a_paragraph_stay_in_it():
    document = split_document(REPORT)
    assert document.unit_at(_line_of(REPORT, "half of the year")).place == "paragraph 2"
    assert document.unit_at(_line_of(REPORT, "2. a second item")).place == "paragraph 2", \
        "a list numbered from 1 inside a paragraph is not paragraph 2 again"


def test_a_paragraph_that_lost_its_number_takes_the_number_its_neighbours_leave_free():
    document = split_document(REPORT)
    assert document.unit_at(_line_of(REPORT, "More than 42,000 migrants")).paragraph == 3


def test_a_document_without_numbered_paragraphs_is_cited_by_part_and_heading():
    text = "\n\n".join([
        "FOREWORD", "In 2019, IOM counted 173 Member States.",
        "PRINCIPLE 1: ADHERING TO INTERNATIONAL STANDARDS", "IOM advised 40 States.",
        "International migration law", "IOM trained 120 officials in 2018.",
        "Left side photo:\nA young boy\nin a camp hosting 250\ninhabitants.",
        "The training reached 12 countries."])
    document = split_document(text)
    assert not document.numbered
    assert [unit.place for unit in document.units] == [
        "Foreword", "Principle 1", "Principle 1 - International migration law", "Principle 1 - Photo caption"]
    assert document.unit_at(_line_of(text, "reached 12 countries")).place == "Principle 1 - International migration law", \
        "after a photo caption the text goes on in its section"


# --- figures -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value, scale, unit, qualifier", [
    ("USD 1.87 billion", 1.87, "billion", "USD", None),
    ("reaching over 30 million people", 30, "million", "people", "over"),
    ("a total of 2 964 410 000", 2964410000, None, None, None),
    ("45 per cent of offices", 45, None, "per cent", None),
    ("72,176 migrants", 72176, None, "migrants", None),
    ("about 63,500 people", 63500, None, "people", "about"),
    ("more than 42,000 returns", 42000, None, "returns", "over"),
    ("USD 131,866,000", 131866000, None, "USD", None),
    ("Seventy-two per cent of IOM offices", 72, None, "per cent", None),
    ("One hundred and forty-four offices reported", 144, None, "offices", None),
    ("almost 5,000 staff", 5000, None, "staff", "nearly"),
    ("a 27-per cent decrease", 27, None, "per cent", None),
])
def test_a_figure_is_read_as_printed(text, value, scale, unit, qualifier):
    [figure] = parse_figures(text)
    assert (figure.value, figure.scale, figure.qualifier) == (value, scale, qualifier)
    assert type(figure.value) is type(value), "1.87 stays a decimal, 72,176 a whole number"
    if unit:
        assert figure.unit == unit


@pytest.mark.parametrize("text", [
    "In 2018, IOM", "the Strategic Vision 2019–2023", "held on 10–11 December", "the 108th Session",
    "COVID-19 response", "SDG target 8.7 and indicator 10.7.2", "Box 4 and Level 3 emergencies",
    "document C/106/CRP/20", "among donors1) and", "a 12-month programme", "one of the offices",
    "several hundred resources",
])
def test_years_dates_names_and_codes_are_not_figures(text):
    assert parse_figures(text) == []


def test_a_prior_year_in_brackets_keeps_its_figure_and_the_unit_of_the_sentence():
    figures = parse_figures("45,411 officials (2017: 31,300) were trained")
    assert [(figure.value, figure.unit) for figure in figures] == [(45411, "officials"), (31300, "officials")]


def test_a_table_row_is_read_cell_by_cell():
    assert [f.value for f in parse_figures("Total 936 1 062 1 193", table_row=True)] == [936, 1062, 1193]
    assert [f.value for f in parse_figures("Men 526 606 662", table_row=True)] == [526, 606, 662]


# --- countries ---------------------------------------------------------------------------------

def test_countries_are_found_by_their_listed_name_and_the_documents_own_spellings():
    finder = CountryFinder([("TUR", "Türkiye"), ("MKD", "North Macedonia"), ("CIV", "Côte d'Ivoire"),
                            ("VEN", "Venezuela (Bolivarian Republic of)")])
    text = ("In Turkey, the former Yugoslav Republic of Macedonia, Côte d’Ivoire and the Bolivarian Republic "
            "of Venezuela; later in Türkiye again.")
    assert finder.codes(text) == ["TUR", "MKD", "CIV", "VEN"]


def test_a_country_is_not_found_inside_another_name_or_where_a_meeting_was_held():
    finder = CountryFinder([("NER", "Niger"), ("NGA", "Nigeria"), ("TCD", "Chad"), ("UGA", "Uganda"),
                            ("KEN", "Kenya"), ("SSD", "South Sudan"), ("SDN", "Sudan"), ("QAT", "Qatar")])
    assert finder.codes("in Nigeria and South Sudan") == ["NGA", "SSD"]
    assert finder.codes("the Lake Chad Basin, with the Qatar Red Crescent") == []
    assert finder.codes("a training held in Kampala, Uganda, for officials from Kenya and the Niger") == ["KEN", "NER"]


# --- proposals ------------------------------------------------------------------------------------

def _proposer() -> Proposer:
    source = Source(id="ar-2031", title="Annual Report for 2031", symbol=None, covers="2031", year=2031,
                    council_session=None, date=None, url=None, text_file="numbered-report.txt")
    countries = [Country(code=code, name=name, region="asia", region_basis="geography") for code, name in (
        ("ALB", "Albania"), ("NER", "Niger"), ("NGA", "Nigeria"), ("TUR", "Turkey"), ("UGA", "Uganda"),
        ("KEN", "Kenya"), ("TCD", "Chad"))]
    pillars = [Pillar(id="overview", framework="general", short="Overview", title="Overview", description="x"),
               Pillar(id="p1-standards", framework="migof", short="Principle 1", title="Principle 1: Standards",
                      description="x"),
               Pillar(id="o3-safe-migration", framework="migof", short="Objective 3", title="Objective 3: Safe",
                      description="x")]
    return Proposer(source, countries, [Region(id="asia", name="Asia")], pillars)


def test_each_statement_with_a_figure_is_proposed_where_it_is_with_its_countries_and_pillar():
    _, proposals = _proposer().propose(REPORT)
    by_value = {figure.value: proposal for proposal in proposals for figure in proposal.figures}
    assert (by_value[1.87].section, by_value[1.87].pillar) == ("Foreword", "overview")
    officials = by_value[45411]
    assert (officials.paragraph, officials.countries, officials.pillar) == (2, ["TUR"], "p1-standards")
    assert [figure.value for figure in officials.figures] == [45411, 31300, 63500], \
        "one proposal per sentence, across the page break"
    assert by_value[72].countries == ["ALB", "NER"]
    assert (by_value[42000].paragraph, by_value[42000].countries) == (3, []), "Lake Chad is not Chad"
    assert by_value[150].countries == ["KEN"], "Uganda is where the training was held"
    assert (by_value[376800].paragraph, by_value[376800].pillar) == (6, "o3-safe-migration")
    assert by_value[1193].section == "Annex I, Table 1"
    assert 2964410000 in by_value and 14 not in by_value, "a date is not a figure"
    assert all(proposal.quote_found for proposal in proposals)


def test_a_long_sentence_is_quoted_in_at_most_30_words_around_its_figure():
    sentence = ("In a year marked by many crises and by the adoption of several new policies on " * 3
                + "IOM assisted 4,200 migrants stranded abroad, and " + "it also worked with partners " * 6 + "today.")
    _, proposals = _proposer().propose(f"FOREWORD\n\n{sentence}\n")
    [proposal] = proposals
    assert len(proposal.quote.split()) <= 30 and "4,200 migrants" in proposal.quote
    assert proposal.quote in sentence, "the quote is verbatim"


def test_the_proposals_file_reads_as_yaml_with_one_commented_entry_per_proposal():
    proposer = _proposer()
    _, proposals = proposer.propose(REPORT)
    text = to_yaml(proposals, proposer.source, "numbered-report.txt")
    data = yaml.safe_load(text)
    assert data["source"] == "ar-2031" and len(data["proposals"]) == len(proposals)
    assert all(entry["status"] == "proposed" for entry in data["proposals"])
    assert "# numbered-report.txt:18, paragraph 2, under \"Supporting States' adherence to international standards\" " \
           "-> content/facts/2031/p1-standards.yml" in text


# --- from a proposal to a fact ------------------------------------------------------------------

def _proposal_block(proposals_file: Path, value: int) -> list[str]:
    """The lines of the proposal that prints `value`, as an editor copies them."""
    lines = proposals_file.read_text(encoding="utf-8").splitlines()
    starts = [index for index, line in enumerate(lines) if line.startswith("  - id: ")] + [len(lines)]
    for start, end in zip(starts, starts[1:]):
        block = [line for line in lines[start:end] if not line.startswith("  #")]
        if any(re.match(rf"\s+- value: {value}\b", line) for line in block):
            return block
    raise AssertionError(f"no proposal prints {value}")


def _propose_fixture_site(root: Path) -> Path:
    result = run_cli(root, "propose", "ar-2018", "--sources", str(root / "sources"))
    assert result.returncode == 0, result.stderr
    assert "Wrote" in result.stdout
    return root / "proposals" / "ar-2018.yml"


def test_an_accepted_proposal_becomes_a_fact_that_passes_check(site_copy):
    block = _proposal_block(_propose_fixture_site(site_copy.root), 376800)
    accepted = []
    for line in block:
        if line.strip() == "status: proposed":
            continue  # the editor deletes it
        if line.startswith("  - id: "):
            line = "  - id: ar-2018-220-health-assessments"
        elif line.startswith("    statement: "):
            line = "    statement: IOM carried out over 376,800 health assessments before departure, in over 60 countries."
        accepted.append(line)
    facts = site_copy.content / "facts" / "2018" / "p1-standards.yml"
    facts.write_text(facts.read_text() + "\n".join(accepted) + "\n")
    result = run_cli(site_copy.root, "check", "--sources", str(site_copy.root / "sources"))
    assert result.returncode == 0, result.stderr
    assert "all quotes found in the source texts" in result.stdout


def _check_with_appended(root: Path, lines: list[str], marker: str):
    """`check --sources` after appending `lines` to a fact file; and the line in that file of
    the first appended line holding `marker`."""
    facts = root / "content" / "facts" / "2018" / "p1-standards.yml"
    before = facts.read_text()
    facts.write_text(before + "\n".join(lines) + "\n")
    line = len(before.splitlines()) + 1 + next(i for i, text in enumerate(lines) if marker in text)
    return line, run_cli(root, "check", "--sources", str(root / "sources"))


def test_an_accepted_proposal_whose_statement_was_not_rewritten_is_refused_at_the_statement(site_copy):
    block = _proposal_block(_propose_fixture_site(site_copy.root), 376800)
    accepted = [("  - id: ar-2018-220-health-assessments" if line.startswith("  - id: ") else line)
                for line in block if line.strip() != "status: proposed"]  # accepted, the source's sentence kept
    statement_line, result = _check_with_appended(site_copy.root, accepted, "statement:")
    assert result.returncode == 1
    assert re.search(rf"content/facts/2018/p1-standards\.yml:{statement_line}:\d+: the statement (is the quote itself|"
                     r"repeats \d+ words of the quote in a row): it was not rewritten \(write the statement in your "
                     r"own words", result.stderr), result.stderr


def test_a_proposal_copied_unchanged_is_refused_at_its_status_line(site_copy):
    block = _proposal_block(_propose_fixture_site(site_copy.root), 376800)
    status_line, result = _check_with_appended(site_copy.root, block, "status: proposed")
    assert result.returncode == 1
    assert re.search(rf"content/facts/2018/p1-standards\.yml:{status_line}:\d+: .*still a proposal: write the "
                     r"statement in your own words.*remove `status: proposed`", result.stderr), result.stderr


def test_proposals_are_never_written_into_content(site_copy):
    result = run_cli(site_copy.root, "propose", "ar-2018", "--sources", str(site_copy.root / "sources"),
                     "--out", str(site_copy.content / "facts"))
    assert result.returncode == 1 and "never written into content/" in result.stderr
    assert not (site_copy.content / "facts" / "ar-2018.yml").exists()
