"""The table datasets reconcile with the totals their annexes print, and say what they lost."""

from pathlib import Path

import pytest
import yaml

from conftest import REPO, SEEDS, run_cli, write
from iomfacts.datasets import cells_add_up, funding_reconciliation, region_vs_summary, staff_reconciliation, \
    staff_row_problems
from iomfacts.model import FundingDataset, StaffDataset

STAFF_FILES = sorted((REPO / "content/datasets/staff").glob("*.yml"))
FUNDING_FILE = REPO / "content/datasets/funding/mi-2019-funding-requirements.yml"


def load(path: Path, model):
    return model.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")), strict=True)


@pytest.mark.parametrize("path", STAFF_FILES, ids=[p.stem for p in STAFF_FILES])
def test_staff_rows_reconcile_with_the_printed_total_row(path):
    dataset = load(path, StaffDataset)
    for row in dataset.rows:
        assert not staff_row_problems(row), (row.printed_name, staff_row_problems(row))
    for check in staff_reconciliation(dataset):
        if check.complete:
            assert check.summed == check.printed, check
        else:  # rows are missing: the usable ones may fall short of the total, never exceed it
            assert check.summed <= check.printed, check
    if not dataset.unusable:
        assert sum(row.total for row in dataset.rows) == dataset.printed_total.total
    if not dataset.grades_ingested:
        assert dataset.grades_note and all(not row.grades for row in dataset.rows)


def test_the_2017_annexes_recover_every_grade_cell_exactly():
    for name, total in (("ar-2017-annex-iv", 9511), ("ar-2017-annex-v", 1467)):
        dataset = load(REPO / f"content/datasets/staff/{name}.yml", StaffDataset)
        assert dataset.grades_ingested and not dataset.unusable
        assert dataset.printed_total.total == total
        checks = {check.what: check for check in staff_reconciliation(dataset)}
        assert all(check.matches for check in checks.values())
        assert {f"grade {grade}" for grade in dataset.grades} <= set(checks)


def staff_dataset(name: str) -> StaffDataset:
    return load(REPO / f"content/datasets/staff/{name}.yml", StaffDataset)


@pytest.mark.parametrize("path", STAFF_FILES, ids=[p.stem for p in STAFF_FILES])
def test_every_annex_reaches_its_printed_totals_or_says_what_it_lost(path):
    """Total, women and men: exact, or the gap is held by rows listed as unreadable or without sex."""
    dataset = load(path, StaffDataset)
    total, *sexes = [check for check in staff_reconciliation(dataset) if not check.what.startswith("grade")]
    assert total.matches == (not dataset.unusable)
    if dataset.unusable:
        assert total.gap > 0 and all(lost.reason for lost in dataset.unusable)
    without_sex = [row for row in dataset.rows if row.women is None or row.men is None]
    for check in sexes:
        assert check.unknown == tuple(row.printed_name for row in without_sex)
    if not dataset.unusable:  # every staff member is either counted by sex or in a row without sex
        assert sum(check.gap for check in sexes) == sum(row.total for row in without_sex)
        assert all(row.note for row in without_sex), "a row without sex says why"


def test_the_2018_professional_annex_reads_every_row_of_its_damaged_pages_that_adds_up():
    dataset = staff_dataset("ar-2018-annex-iii")
    read = {row.printed_name for row in dataset.rows}
    assert {"Democratic Republic of the Congo", "Denmark", "France", "Italy", "Kenya", "Latvia", "Nepal",
            "Norway", "Pakistan", "Panama"} <= read
    lost = {row.printed_name: row.reason for row in dataset.unusable}
    assert {"Guyana", "Haiti", "India", "Philippines", "Republic of Moldova"} <= set(lost)
    assert not read & set(lost)
    assert all(reason.startswith(("Page 2 (", "Page 3 (")) and " line" in reason for reason in lost.values())
    checks = {check.what: check for check in staff_reconciliation(dataset)}
    assert (checks["total"].gap, checks["women"].gap, checks["men"].gap) == (238, 133, 105)
    assert all(check.summed <= check.printed for check in checks.values()), "no column overshoots"


@pytest.mark.skipif(not (SEEDS / "000_ad77728fd9785e18.txt").exists(), reason="source texts not at hand")
def test_rows_read_from_the_damaged_2018_pages_are_the_cells_of_their_printed_line():
    """Page 3 prints the name in the second column; a row taken from there is that line's cells."""
    lines = (SEEDS / "000_ad77728fd9785e18.txt").read_text(encoding="utf-8").split("\n")[1223:1268]
    by_name = {cells[1]: cells[2:15] for cells in (line.split("\t") for line in lines) if len(cells) == 15}
    dataset = staff_dataset("ar-2018-annex-iii")
    taken = [row for row in dataset.rows if row.printed_name in by_name and row.note is None]
    assert len(taken) == 33
    for row in taken:
        cells = [int(cell) if cell else 0 for cell in by_name[row.printed_name]]
        assert cells[:10] == [row.grades.get(grade, 0) for grade in dataset.grades], row.printed_name
        assert cells[10:] == [row.total, row.women, row.men], row.printed_name


def test_the_2020_general_service_annex_leaves_the_sex_of_15_rows_blank_and_says_how_many_staff():
    dataset = staff_dataset("ar-2020-annex-ii")
    women, men = (check for check in staff_reconciliation(dataset) if check.what in ("women", "men"))
    assert (women.summed, women.printed, men.summed, men.printed) == (6530, 6574, 7488, 7495)
    assert len(women.unknown) == 15
    assert "Jamaica" not in women.unknown, "settled by the printed totals: 9 exceeds the 7 men left"


@pytest.mark.parametrize("name", ["ar-2020-annex-ii", "ar-2020-annex-iii"])
def test_annexes_whose_grade_cells_are_not_read_keep_the_printed_grade_totals(name):
    dataset = staff_dataset(name)
    assert not dataset.grades_ingested and dataset.grades_note
    assert set(dataset.printed_total.grades) == set(dataset.grades)


def test_the_staff_page_lists_every_part_of_an_annex_that_could_not_be_read():
    from iomfacts.pages import plan_pages
    from iomfacts.pipeline import Layout, check
    from iomfacts.render import render_pages

    knowledge, problems = check(Layout(REPO))
    assert not problems
    page = render_pages(knowledge, plan_pages(knowledge), REPO / "templates", only={"compare/staff.md"})
    text = page["compare/staff.md"].decode()
    missing = text[text.index("{: #missing }"):text.index("## By nationality")]
    for dataset in knowledge.staff_datasets:
        section = f"### {dataset.source.section} of the {knowledge.sources[dataset.source.document].title}"
        has_gaps = dataset.unusable or not dataset.grades_ingested or any(
            row.women is None for row in dataset.rows)
        assert (section in missing) == bool(has_gaps), section
    assert missing.count("| <small>Page 2 \\(") + missing.count("| <small>Page 3 \\(") == 30
    assert "6,530 of the 6,574 women" in missing and missing.count("**Grades.**") == 2


def test_earlier_year_staff_columns_agree_between_the_reports_that_print_them():
    """Each annual report's staff annex repeats the previous years; the repeats must match."""
    from iomfacts.pipeline import Layout, check

    knowledge, _ = check(Layout(REPO))
    metrics = {"staff-total", "staff-general-service", "staff-professional", "professional-staff-women-share",
               "staff-women-senior-share", "professional-staff-nationalities", "member-states-represented-share"}
    annex_values: dict[tuple[str, int], set] = {}
    for record in knowledge.facts:
        if "Annex" not in (record.fact.source.section or ""):
            continue
        for figure in record.fact.figures:
            if figure.metric in metrics:
                annex_values.setdefault((figure.metric, record.year), set()).add(figure.value)
    assert {year for metric, year in annex_values if metric == "staff-total"} >= {2013, 2014, 2015, 2016}
    assert annex_values[("staff-total", 2013)] == {8464}
    assert {key: values for key, values in annex_values.items() if len(values) > 1} == {}


def test_funding_countries_add_up_to_regions_and_regions_to_the_grand_total():
    dataset = load(FUNDING_FILE, FundingDataset)
    for check in funding_reconciliation(dataset):
        assert check.matches, check
    assert dataset.summary_total.total == 2_964_410_000
    assert len(dataset.regions) == 9


def test_funding_corrections_are_recorded_with_their_reason():
    dataset = load(FUNDING_FILE, FundingDataset)
    corrected = {row.label: row for table in dataset.regions for row in table.rows if row.total_correction}
    assert set(corrected) == {"Central African Republic", "Afghanistan"}
    assert corrected["Central African Republic"].total == 56_000_000
    assert corrected["Central African Republic"].total_correction.printed == "26,000,000"
    assert corrected["Afghanistan"].total == 69_097_000
    assert all(row.total_correction.reason for row in corrected.values())


def test_the_european_economic_area_contradiction_is_kept_as_printed():
    dataset = load(FUNDING_FILE, FundingDataset)
    [(table, summary_row)] = region_vs_summary(dataset)
    assert table.region == "eea"
    assert (summary_row.total, table.printed_total.total) == (325_094_000, 375_013_000)
    assert table.note and summary_row.note


def test_rows_whose_cells_do_not_add_up_are_flagged_not_fixed():
    dataset = load(FUNDING_FILE, FundingDataset)
    flagged = [row.label for table in dataset.regions for row in table.rows if not cells_add_up(row)]
    assert 30 <= len(flagged) <= 40
    assert "Cyprus" in flagged and "Kenya" not in flagged


def test_a_misread_staff_cell_is_reported_at_its_row(site_copy):
    dataset = site_copy.content / "datasets/staff/ar-2017-annex-x.yml"
    write(dataset, """\
id: ar-2017-annex-x
title: Test annex
category: professional
year: 2017
source: {document: ar-2017, section: Annex X}
grades: [P-1, P-2]
grades_ingested: true
method: typed by hand
total_row_quote: "In 2017, IOM carried out"
printed_total: {total: 5, women: 2, men: 3, grades: {P-1: 2, P-2: 3}}
rows:
  - {nationality: KEN, printed_name: Kenya, member_state: true, total: 3, women: 1, men: 1, grades: {P-1: 1, P-2: 2}}
  - {nationality: NER, printed_name: Niger, member_state: true, total: 2, women: 1, men: 1, grades: {P-1: 1, P-2: 1}}
""")
    result = run_cli(site_copy.root, "check")
    assert result.returncode == 1
    assert "ar-2017-annex-x.yml:12:72: Kenya: women 1 + men 1 != total 3" in result.stderr
    assert "ar-2017-annex-x.yml:10:16: rows do not add up to the printed men: 2 vs 3" in result.stderr


def test_dataset_exports_flag_inconsistent_rows_and_unreadable_rows():
    import csv
    import io

    from iomfacts.exports import funding_csv, staff_csv
    from iomfacts.pipeline import Layout, check

    knowledge, problems = check(Layout(REPO))
    assert not problems
    funding = list(csv.DictReader(io.StringIO(funding_csv(knowledge).decode())))
    cyprus = next(row for row in funding if row["row"] == "Cyprus")
    assert cyprus["cells_add_up"] == "false" and cyprus["cells_sum"] != cyprus["total"]
    car = next(row for row in funding if row["countries"] == "CAF")
    assert (car["total"], car["total_as_printed"]) == ("56000000", "26,000,000")
    group = next(row for row in funding if row["countries"].count(";") == 2 and "MDG" in row["countries"])
    assert group["shared"] == "true"
    staff = list(csv.DictReader(io.StringIO(staff_csv(knowledge).decode())))
    unreadable = [row for row in staff if row["status"] == "unreadable"]
    assert unreadable and all(row["total"] == "" and row["note"] for row in unreadable)
    assert {row["dataset"] for row in staff} >= {"ar-2017-annex-iv", "ar-2018-annex-iii", "ar-2020-annex-ii"}


# --- the funding export: every printed row, with its kind, reconciling to the printed totals ---

@pytest.fixture(scope="module")
def funding_export():
    """The real content's funding-requirements.csv, read back as a consumer reads it."""
    import csv
    import io

    from iomfacts.exports import funding_csv
    from iomfacts.pipeline import Layout, check

    knowledge, problems = check(Layout(REPO))
    assert not problems
    return knowledge, list(csv.DictReader(io.StringIO(funding_csv(knowledge).decode())))


def _printed_table_lines(text: str) -> list[list[str]]:
    """The rows of the funding tables in the extracted text: a label, then six pillar cells and
    a total, tab-separated. Header lines have no label or no figure in their last cell."""
    lines = text.split("\n")
    start = lines.index("FUNDING REQUIREMENTS")
    end = next(i for i, line in enumerate(lines) if i > start and line.startswith("PRINCIPLE 1:"))
    cells = [line.split("\t") for line in lines[start:end]]
    return [row for row in cells if len(row) == 8 and row[0].strip() and any(c.isdigit() for c in row[-1])]


@pytest.mark.skipif(not SEEDS.exists(), reason="the source texts (../shared/seeds) are not beside the repository")
def test_the_funding_export_carries_every_row_the_tables_print_in_order(funding_export):
    knowledge, rows = funding_export
    text = (SEEDS / knowledge.sources["mi-2019"].text_file).read_text(encoding="utf-8")
    printed = _printed_table_lines(text)
    assert [row["row"] for row in rows] == [line[0] for line in printed]
    for row, line in zip(rows, printed):
        total_cell = line[-1]
        if row["total_as_printed"]:  # a misprinted total, corrected and kept as printed
            assert row["total_as_printed"] == total_cell and row["correction_reason"], row["row"]
        elif "total" in row["upside_down"].split(";"):
            assert "'" in total_cell, row["row"]
        else:
            assert int(total_cell.replace(",", "")) == int(row["total"]), row["row"]


def test_the_funding_export_reconciles_to_every_printed_total(funding_export):
    knowledge, rows = funding_export
    [dataset] = knowledge.funding_datasets

    def total(found):
        return sum(int(row["total"]) for row in found)

    def of_type(*kinds):
        return [row for row in rows if row["row_type"] in kinds]

    # Each region's own table: its country and regional-initiative rows reach its Total row.
    # Where the source itself does not add up, the Total row's note must say so: listed, not failed.
    printed_mismatches = []
    for region_total in of_type("regional-total"):
        parts = [row for row in of_type("country", "regional-initiatives") if row["region"] == region_total["region"]]
        assert parts, region_total["region"]
        if total(parts) != int(region_total["total"]):
            printed_mismatches.append((region_total["region"], total(parts), int(region_total["total"])))
            assert region_total["note"], f"{region_total['region']} does not add up and no note says why"
    assert len(of_type("regional-total")) == len(dataset.regions)

    # The summary table: the global initiatives and the regions reach the grand total, column by column too.
    [grand_total] = of_type("grand-total")
    summary = of_type("global-initiatives", "region-summary")
    assert total(summary) == int(grand_total["total"]) == 2_964_410_000
    for pillar in dataset.pillars:
        assert sum(int(row[pillar] or 0) for row in summary) == int(grand_total[pillar]), pillar
    [fact] = [record for record in knowledge.facts if record.id == "mi-2019-funding-requirements-total"]
    assert fact.fact.figures[0].value == int(grand_total["total"]), "the fact and the export give one grand total"

    # A region printed differently in the summary and in its own table: both rows kept as printed, with notes.
    summary_by_region = {row["region"]: row for row in of_type("region-summary")}
    disagreements = {}
    for region_total in of_type("regional-total"):
        in_summary = summary_by_region[region_total["region"]]
        if in_summary["total"] != region_total["total"]:
            assert in_summary["note"] and region_total["note"], region_total["region"]
            disagreements[region_total["region"]] = (int(in_summary["total"]), int(region_total["total"]))
    assert disagreements == {"eea": (325_094_000, 375_013_000)}
    print("printed totals that the rows do not reach:", printed_mismatches or "none")


def test_each_row_type_is_what_the_tables_print(funding_export):
    _, rows = funding_export
    kinds = {}
    for row in rows:
        kinds.setdefault(row["row_type"], []).append(row)
    assert all(row["countries"] for row in kinds["country"])
    assert all(not row["countries"] and row["row"] == "Regional initiatives" for row in kinds["regional-initiatives"])
    assert all(row["row"] == "Total" for row in kinds["regional-total"] + kinds["grand-total"])
    assert [row["region"] for row in kinds["global-initiatives"] + kinds["grand-total"]] == ["", ""]
    assert len(kinds["region-summary"]) == len(kinds["regional-total"]) == len(kinds["regional-initiatives"])
    shared = [row for row in rows if row["shared"] == "true"]
    assert shared and all(row["row_type"] == "country" for row in shared)


def test_every_printed_pillar_and_region_total_is_a_fact_with_its_measure(funding_export):
    knowledge, _ = funding_export
    [dataset] = knowledge.funding_datasets

    def values(metric_id):
        return sorted(figure.value for _, pairs in knowledge.metric_values(metric_id).items() for _, figure in pairs)

    assert values("funding-requirements-total") == [dataset.summary_total.total]
    for pillar, amount in dataset.summary_total.cells.items():
        assert values(f"funding-requirements-{pillar}") == [amount], pillar
    for row in dataset.summary:
        metric = f"funding-requirements-{row.region or 'global-initiatives'}"
        expected = {row.total} | {table.printed_total.total for table in dataset.regions if table.region == row.region}
        assert values(metric) == sorted(expected), metric
        assert knowledge.metrics[metric].unit == dataset.unit


def test_the_european_economic_area_totals_are_two_facts_that_point_at_each_other(funding_export):
    knowledge, _ = funding_export
    summary_fact, table_fact = "mi-2019-funding-requirements-eea", "mi-2019-funding-requirements-eea-regional-table"
    assert knowledge.differs[summary_fact] == [table_fact] and knowledge.differs[table_fact] == [summary_fact]
    records = {record.id: record for record in knowledge.facts if record.id in (summary_fact, table_fact)}
    assert records[summary_fact].fact.figures[0].value == 325_094_000
    assert records[table_fact].fact.figures[0].value == 375_013_000
    assert "Summary table" in records[summary_fact].fact.source.section
    assert "European Economic Area" in records[table_fact].fact.source.section
