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
        all_known = complete and len(known) == len(rows)
        checks.append(Reconciliation(sex, printed, sum(known), all_known))
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


def region_vs_summary(dataset: model.FundingDataset) -> list[tuple[model.RegionTable, model.SummaryRow]]:
    """Regional tables whose printed total differs from the summary's row for the region."""
    by_region = {row.region: row for row in dataset.summary if row.region}
    return [(table, by_region[table.region]) for table in dataset.regions
            if table.region in by_region and by_region[table.region].total != table.printed_total.total]
