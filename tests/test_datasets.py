"""The table datasets reconcile with the totals their annexes print, and say what they lost."""

from pathlib import Path

import pytest
import yaml

from conftest import REPO, run_cli, write
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
