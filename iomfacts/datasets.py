"""Arithmetic on the tabular datasets: what adds up, what does not, and by how much.

The datasets record tables as printed; these functions derive their consistency (a row whose
cells do not add up, a column that does not reach its printed total) instead of storing it,
so a flag can never disagree with the numbers it is about.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import model


@dataclass(frozen=True)
class Reconciliation:
    """One printed total against the sum of the rows that should make it up."""

    what: str
    printed: int
    summed: int
    complete: bool  # false when some rows are unusable or unknown, so the sum can only fall short
    unknown: tuple[str, ...] = ()  # rows that are read but leave this value blank (e.g. sex not printed)

    @property
    def matches(self) -> bool:
        return self.summed == self.printed

    @property
    def acceptable(self) -> bool:
        """Exact when every row is known; otherwise no row may push the sum past the total."""
        return self.matches if self.complete else self.summed <= self.printed

    @property
    def gap(self) -> int:
        return self.printed - self.summed


# --- staff by nationality ---------------------------------------------------------------

def staff_row_problems(row: model.StaffRow) -> list[str]:
    problems = []
    if row.women is not None and row.men is not None and row.women + row.men != row.total:
        problems.append(f"women {row.women} + men {row.men} != total {row.total}")
    if row.grades and sum(row.grades.values()) != row.total:
        problems.append(f"grade cells sum to {sum(row.grades.values())}, not total {row.total}")
    return problems


def staff_reconciliation(dataset: model.StaffDataset) -> list[Reconciliation]:
    complete = not dataset.unusable
    rows = dataset.rows
    checks = [Reconciliation("total", dataset.printed_total.total, sum(r.total for r in rows), complete)]
    for sex in ("women", "men"):
        printed = getattr(dataset.printed_total, sex)
        if printed is None:
            continue
        known = [getattr(r, sex) for r in rows if getattr(r, sex) is not None]
        unknown = tuple(r.printed_name for r in rows if getattr(r, sex) is None)
        checks.append(Reconciliation(sex, printed, sum(known), complete and not unknown, unknown))
    if dataset.grades_ingested:
        for grade in dataset.grades:
            printed = dataset.printed_total.grades.get(grade)
            if printed is not None:
                checks.append(Reconciliation(f"grade {grade}", printed,
                                             sum(r.grades.get(grade, 0) for r in rows), complete))
    return checks


# --- funding requirements ---------------------------------------------------------------

def cells_sum(row: model.FundingCells) -> int:
    return sum(value for value in row.cells.values() if value is not None)


def cells_add_up(row: model.FundingCells) -> bool:
    return cells_sum(row) == row.total


def funding_reconciliation(dataset: model.FundingDataset) -> list[Reconciliation]:
    """Countries add up to each region's printed total; regions and global to the grand total."""
    checks = []
    for table in dataset.regions:
        checks.append(Reconciliation(f"{table.label}: rows vs printed total", table.printed_total.total,
                                     sum(row.total for row in table.rows), True))
    checks.append(Reconciliation("summary rows vs printed grand total", dataset.summary_total.total,
                                 sum(row.total for row in dataset.summary), True))
    return checks


# Every kind of row the funding tables print: the summary table's, then a region's own table's.
# A region's requirement is printed three times (its rows, its table's Total row, its summary
# row), so a reader can only add up rows of one kind: the export names the kind of every row.
FUNDING_ROW_TYPES = {
    "global-initiatives": "the summary table's Global initiatives row (no region)",
    "region-summary": "a region's row in the summary table",
    "grand-total": "the summary table's Total row: the whole appeal",
    "regional-initiatives": "the Regional initiatives row of a region's own table",
    "country": "a row of a region's own table for one country or a group of countries",
    "regional-total": "the Total row of a region's own table",
}


@dataclass(frozen=True)
class PrintedFundingRow:
    """One row as a funding table prints it, with what kind of row it is."""

    row_type: str  # a key of FUNDING_ROW_TYPES
    region: str | None  # None for the global initiatives and the grand total
    label: str
    row: model.FundingCells  # a FundingRow (with countries, corrections) for the regional tables' rows
    note: str | None


def funding_printed_rows(dataset: model.FundingDataset) -> list[PrintedFundingRow]:
    """Every printed row in reading order: the summary table, then each region's own table."""
    rows = [PrintedFundingRow("region-summary" if row.region else "global-initiatives", row.region, row.label,
                              row, row.note) for row in dataset.summary]
    rows.append(PrintedFundingRow("grand-total", None, "Total", dataset.summary_total, None))
    for table in dataset.regions:
        rows.extend(PrintedFundingRow("country" if row.countries else "regional-initiatives", table.region,
                                      row.label, row, row.note) for row in table.rows)
        rows.append(PrintedFundingRow("regional-total", table.region, "Total", table.printed_total, table.note))
    return rows


def region_vs_summary(dataset: model.FundingDataset) -> list[tuple[model.RegionTable, model.SummaryRow]]:
    """Regional tables whose printed total differs from the summary's row for the region."""
    by_region = {row.region: row for row in dataset.summary if row.region}
    return [(table, by_region[table.region]) for table in dataset.regions
            if table.region in by_region and by_region[table.region].total != table.printed_total.total]
