"""View models: what the measure and country pages show, computed and tested in Python.

Templates only lay these out. Every decision a reader relies on (which values count as the
country's own, whether two values are a disagreement between documents or one document giving
two figures, which facts are about a country alone) is made here, where tests can reach it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from . import model
from .knowledge import FactRecord, Knowledge


@dataclass(frozen=True)
class Value:
    """One printed value of a measure: the figure, the fact that carries it, its document."""

    record: FactRecord
    figure: model.Figure

    @property
    def document(self) -> str:
        return self.record.fact.source.document

    @property
    def is_plan(self) -> bool:
        """A plan, projection or target (a fact of kind `plan`): shown apart from the results,
        never compared with them as a disagreement, never a point on their line."""
        return self.record.fact.kind == "plan"


def results(values: list[Value]) -> list[Value]:
    return [value for value in values if not value.is_plan]


def plans(values: list[Value]) -> list[Value]:
    return [value for value in values if value.is_plan]


def distinct(values: list[Value]) -> list[Value]:
    """One entry per (document, figure as printed): a report repeating itself counts once."""
    seen, kept = set(), []
    for value in values:
        key = (value.document, value.figure.value, value.figure.scale, value.figure.qualifier)
        if key not in seen:
            seen.add(key)
            kept.append(value)
    return kept


def disagreement(values: list[Value]) -> str | None:
    """None when the values agree; 'documents' when two documents print different values (no
    value in common); 'one document' otherwise, when a document prints two values for the same
    thing: the Annual Report for 2018 gives 12,000 staff in its foreword and 12,673 in its
    annex, and the Annual Report for 2020 agrees with the annex, so the reports do not differ."""
    shown = distinct(values)
    if len({(v.figure.value, v.figure.scale) for v in shown}) < 2:
        return None
    printed: dict[str, set] = {}
    for value in shown:
        printed.setdefault(value.document, set()).add((value.figure.value, value.figure.scale))
    documents = list(printed.values())
    if any(first.isdisjoint(second) for index, first in enumerate(documents) for second in documents[index + 1:]):
        return "documents"
    return "one document"


DISAGREEMENT_MARKS = {"documents": "sources differ", "one document": "two figures in one report"}


@dataclass
class Cell:
    """The values of one measure in one year (and, on a country page, for one country)."""

    year: int
    values: list[Value]

    @property
    def shown(self) -> list[Value]:
        """The results (and context figures) of the year, each printed value once; plans are
        in `plans`."""
        return distinct(results(self.values))

    @property
    def plans(self) -> list[Value]:
        return distinct(plans(self.values))

    @property
    def groups(self) -> list[list[Value]]:
        """`shown`, the documents that print the same value together (first seen first): a
        table cell prints "169 States AR-2017, AR-2018, AR-2020" once, not three times."""
        grouped: dict[tuple, list[Value]] = {}
        for value in self.shown:
            figure = value.figure
            grouped.setdefault((figure.value, figure.scale, figure.qualifier), []).append(value)
        return list(grouped.values())

    @property
    def disagreement(self) -> str | None:
        """Between results only: a projection that differs from the outcome is not a
        disagreement between documents."""
        return disagreement(results(self.values))

    @property
    def mark(self) -> str:
        """The short mark a table shows beside disagreeing values ('' when they agree)."""
        return DISAGREEMENT_MARKS.get(self.disagreement, "")

    @property
    def notes(self) -> list[str]:
        """The editors' notes of the facts behind a disagreement: why the values differ."""
        if not self.disagreement:
            return []
        return list(dict.fromkeys(v.record.fact.note for v in results(self.values) if v.record.fact.note))


@dataclass
class MeasureView:
    metric: model.Metric
    by_year: list[Cell]  # global measures: the results of each year
    by_country: list[tuple[model.Country, list[Cell]]]  # per-country measures: each country's years
    records: list[FactRecord]  # every fact that carries the measure, in reading order
    plans: list[Cell] = field(default_factory=list)  # plans, projections and targets, by year

    @property
    def years(self) -> list[int]:
        return sorted({cell.year for cell in self.by_year} | {cell.year for _, cells in self.by_country for cell in cells})


def measure_view(knowledge: Knowledge, metric_id: str) -> MeasureView:
    metric = knowledge.metrics[metric_id]
    by_year = knowledge.metric_values(metric_id)
    every = {year: [Value(record, figure) for record, figure in pairs] for year, pairs in sorted(by_year.items())}
    records = list({value.record.id: value.record for year_values in every.values() for value in year_values}.values())
    # A plan is kept out of the results' cells (their table rows, their chart line, their
    # disagreements) and listed on its own.
    planned = [Cell(year, plans(found)) for year, found in every.items() if plans(found)]
    values = {year: results(found) for year, found in every.items() if results(found)}
    if metric.scope == "country":
        per_country: dict[str, dict[int, list[Value]]] = {}
        for year, year_values in values.items():
            for value in year_values:
                [code] = value.record.fact.countries  # validate.py guarantees exactly one
                per_country.setdefault(code, {}).setdefault(year, []).append(value)
        by_country = [(knowledge.countries[code], [Cell(year, found) for year, found in sorted(years.items())])
                      for code, years in sorted(per_country.items(), key=lambda item: knowledge.countries[item[0]].name)]
        return MeasureView(metric, [], by_country, records, planned)
    return MeasureView(metric, [Cell(year, found) for year, found in values.items()], [], records, planned)


def measures_with_values(knowledge: Knowledge) -> list[model.Metric]:
    return [metric for metric in knowledge.metrics.values() if knowledge.metric_values(metric.id)]


# --- a pillar's measures ------------------------------------------------------------------

@dataclass
class PillarMeasures:
    """The measures counted for IOM as a whole that a pillar's facts report: how much, and how
    it changed. Only the values of this pillar's facts (a measure's page has all of them)."""
    changing: list[tuple[model.Metric, dict[int, list[tuple[FactRecord, model.Figure]]]]]  # 2+ years
    single: list[tuple[model.Metric, dict[int, list[tuple[FactRecord, model.Figure]]]]]  # results in one year

    @property
    def all_years(self) -> list[int]:
        """The columns of the table of every row, `changing` and `single`."""
        return sorted({year for _, values in self.changing + self.single for year in values})


def pillar_measures(knowledge: Knowledge, pillar_id: str) -> PillarMeasures:
    values: dict[str, dict[int, list[tuple[FactRecord, model.Figure]]]] = {}
    for record in knowledge.facts_for_pillar(pillar_id):
        for figure in record.fact.figures:
            if figure.metric and knowledge.metrics[figure.metric].scope == "global":
                values.setdefault(figure.metric, {}).setdefault(record.year, []).append((record, figure))
    changing, single = [], []
    for metric in knowledge.metrics.values():  # the order of metrics.yml, as on the comparison page
        by_year = values.get(metric.id)
        if not by_year:
            continue
        # A year counts when it has a result: plans are shown in the cells, but a plan beside a
        # result is not a change over time.
        result_years = {year for year, pairs in by_year.items() if any(r.fact.kind != "plan" for r, _ in pairs)}
        if len(result_years) >= 2:
            changing.append((metric, dict(sorted(by_year.items()))))
        else:
            single.append((metric, dict(sorted(by_year.items()))))
    return PillarMeasures(changing, single)


# --- country profile -------------------------------------------------------------------

@dataclass
class StaffYear:
    year: int
    total: int | None  # None: the annex row could not be read
    women: int | None
    men: int | None
    document: str
    sections: list[str]


@dataclass
class KeyFigureRow:
    """One line of a country's key figures: a measure, or staff, or the 2019 funding plan."""

    label: str
    metric: model.Metric | None
    cells: dict[int, Cell] = field(default_factory=dict)
    is_plan: bool = False


@dataclass
class YearOfFacts:
    year: int
    about_country: list[tuple[model.Pillar, list[FactRecord]]]  # facts about this country alone, by pillar
    among_several: list[FactRecord]  # facts that list it among other countries


@dataclass
class CountryProfile:
    country: model.Country
    region: model.Region
    years: list[int]
    pillar_counts: list[tuple[model.Pillar, dict[int, int]]]  # facts per pillar and year
    key_figures: list[KeyFigureRow]
    staff: list[StaffYear]
    funding_total: tuple[model.FundingDataset, model.FundingRow] | None
    facts_by_year: list[YearOfFacts]
    alone: int  # facts about this country alone
    several: int  # facts that name it among several
    highlights: list[FactRecord]  # "In brief": a few results about it alone, the latest years first

    @property
    def table_years(self) -> list[int]:
        """The columns of the key-figures table: every year any of its rows has a value."""
        years = {year for row in self.key_figures for year in row.cells} | {staff.year for staff in self.staff}
        if self.funding_total:
            years.add(self.funding_total[0].year)
        return sorted(years)

    def staff_in(self, year: int) -> StaffYear | None:
        return next((staff for staff in self.staff if staff.year == year), None)


def _staff_years(knowledge: Knowledge, code: str) -> list[StaffYear]:
    """The country's nationals on IOM staff per annex year: both categories added up when both
    rows can be read, otherwise not given (a partial sum would read as a total)."""
    by_year: dict[int, list] = {}
    for dataset, row, lost in knowledge.staff_rows(code):
        by_year.setdefault(dataset.year, []).append((dataset, row, lost))
    years = []
    for year, found in sorted(by_year.items()):
        rows = [row for _, row, _ in found]
        readable = all(row is not None for row in rows)
        total = sum(row.total for row in rows) if readable else None
        sexes_known = readable and all(row.women is not None and row.men is not None for row in rows)
        years.append(StaffYear(year, total, sum(r.women for r in rows) if sexes_known else None,
                               sum(r.men for r in rows) if sexes_known else None,
                               found[0][0].source.document, [dataset.source.section or "" for dataset, _, _ in found]))
    return years


def country_profile(knowledge: Knowledge, code: str) -> CountryProfile:
    country = knowledge.countries[code]
    records = knowledge.facts_for_country(code)
    years = sorted({record.year for record in records})
    counts: dict[str, dict[int, int]] = {}
    for record in records:
        per_year = counts.setdefault(record.pillar, {})
        per_year[record.year] = per_year.get(record.year, 0) + 1
    pillar_counts = [(pillar, counts[pillar.id]) for pillar in knowledge.pillars.values() if pillar.id in counts]

    key_figures = []
    for metric in knowledge.metrics.values():
        if metric.scope != "country":
            continue
        cells: dict[int, list[Value]] = {}
        for year, pairs in knowledge.metric_values(metric.id).items():
            for record, figure in pairs:
                # Results only: a key-figures row is the country's line over the years (the
                # one plan a country page shows, the 2019 appeal, has its own row).
                if record.fact.countries == [code] and record.fact.kind != "plan":
                    cells.setdefault(year, []).append(Value(record, figure))
        if cells:
            key_figures.append(KeyFigureRow(metric.label, metric, {y: Cell(y, v) for y, v in sorted(cells.items())}))

    funding = [(dataset, row) for dataset, table, row in knowledge.funding_rows(code) if row.countries == [code]]
    facts_by_year = []
    for year in years:
        in_year = [record for record in records if record.year == year]
        alone = [record for record in in_year if record.fact.countries == [code]]
        by_pillar = [(pillar, [r for r in alone if r.pillar == pillar.id]) for pillar in knowledge.pillars.values()]
        facts_by_year.append(YearOfFacts(year, [(p, found) for p, found in by_pillar if found],
                                         [record for record in in_year if record.fact.countries != [code]]))
    alone_count = sum(1 for record in records if record.fact.countries == [code])
    return CountryProfile(country, knowledge.regions[country.region], years, pillar_counts, key_figures,
                          _staff_years(knowledge, code), funding[0] if funding else None, facts_by_year,
                          alone_count, len(records) - alone_count, _highlights(facts_by_year))


HIGHLIGHTS = 6  # lines in a country's "In brief": what fits on the first screen with the intro
ASIDES = ("caption", "story", "testimonial")  # sections of a document that illustrate rather than report


def is_aside(record: FactRecord) -> bool:
    """A fact from a photo caption, a story box or a testimonial: true, but an anecdote, so a
    reader's first screen shows the report's own account first."""
    section = (record.fact.source.section or "").lower()
    return any(word in section for word in ASIDES)


def _highlights(facts_by_year: list[YearOfFacts], limit: int = HIGHLIGHTS,
                one_per: Callable[[FactRecord], str] | None = None) -> list[FactRecord]:
    """What IOM did there, for the first screen of a country (or region) page: results (not
    plans or background) about one country alone, taken a year at a time, the latest first, so
    that every year gets one before any gets two; within a year the report's own account before
    photo captions, stories and testimonials, those with figures first, then in the order of
    the documents. `one_per` (a region's country) lets no key appear twice. Every one is shown
    in full elsewhere (on the same country page, or on its year-and-pillar page)."""
    queues = []
    for year_facts in reversed(facts_by_year):
        results = [record for _, records in year_facts.about_country for record in records
                   if record.fact.kind == "result"]
        if results:
            queues.append(sorted(results, key=lambda record: (is_aside(record), not record.fact.figures)))
    rank = {id(record): (number, position) for number, queue in enumerate(queues)
            for position, record in enumerate(queue)}
    chosen, used = [], set()
    while len(chosen) < limit and any(queues):
        for queue in queues:
            while queue and len(chosen) < limit:
                record = queue.pop(0)
                key = one_per(record) if one_per else None
                if key is None or key not in used:
                    used.add(key)
                    chosen.append(record)
                    break
    return sorted(chosen, key=lambda record: rank[id(record)])


# --- region profile --------------------------------------------------------------------

@dataclass
class RegionProfile:
    region: model.Region
    countries: list[tuple[model.Country, int]]  # its countries with facts, most facts first
    records: list[FactRecord]  # facts naming at least one of its countries, each once, in reading order
    by_year: dict[int, int]  # those facts per year
    highlights: list[FactRecord]  # "In brief": results about one of its countries alone
    funding: list[tuple[model.FundingDataset, model.SummaryRow]]  # the appeals' rows for the region


REGION_HIGHLIGHTS = 8


def region_profile(knowledge: Knowledge, region_id: str) -> RegionProfile:
    members = [country for country in knowledge.countries_by_region()[region_id]
               if knowledge.facts_for_country(country.code)]
    counted = sorted(((country, len(knowledge.facts_for_country(country.code))) for country in members),
                     key=lambda item: (-item[1], item[0].name))
    codes = {country.code for country in members}
    records = [record for record in knowledge.facts if codes & set(record.fact.countries)]
    by_year: dict[int, int] = {}
    for record in records:
        by_year[record.year] = by_year.get(record.year, 0) + 1
    own = [YearOfFacts(year, [(None, [r for r in records if r.year == year and len(r.fact.countries) == 1])], [])
           for year in sorted(by_year)]
    funding = [(dataset, row) for dataset in knowledge.funding_datasets for row in dataset.summary
               if row.region == region_id]
    return RegionProfile(knowledge.regions[region_id], counted, records, dict(sorted(by_year.items())),
                         _highlights(own, REGION_HIGHLIGHTS, one_per=lambda record: record.fact.countries[0]),
                         funding)


# --- long pages ------------------------------------------------------------------------

SECTION_SIZE = 12  # facts per part of a long page: a few screens


@dataclass
class PagePart:
    anchor: str
    title: str
    records: list[FactRecord]
    document: str = ""  # the document's title, on the first part of each document


def _paragraph_span(records: list[FactRecord]) -> str:
    numbers = [r.fact.source.paragraph for r in records if r.fact.source.paragraph is not None]
    sections = list(dict.fromkeys(r.fact.source.section for r in records
                                  if r.fact.source.paragraph is None and r.fact.source.section))
    parts = []
    if numbers:
        first, last = min(numbers), max(numbers)
        parts.append(f"paragraph {first}" if first == last else f"paragraphs {first} to {last}")
    if sections:
        shown = sections[:2]
        parts.append(", ".join(shown) + (f" and {len(sections) - 2} more" if len(sections) > 2 else ""))
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def page_parts(knowledge: Knowledge, records: list[FactRecord]) -> list[PagePart]:
    """A long list of facts (in reading order) cut into parts of a few screens each, by document
    and then by paragraph range, so a page's contents lead straight to what a reader wants.
    A short list is one part without a title."""
    if len(records) <= SECTION_SIZE:
        return [PagePart("", "", records)]
    parts: list[PagePart] = []
    by_document: dict[str, list[FactRecord]] = {}
    for record in records:
        by_document.setdefault(record.fact.source.document, []).append(record)
    for document, found in by_document.items():
        title = knowledge.sources[document].title
        count = -(-len(found) // SECTION_SIZE)
        size = -(-len(found) // count)  # even parts
        for start in range(0, len(found), size):
            chunk = found[start:start + size]
            parts.append(PagePart(f"s{len(parts) + 1}", _paragraph_span(chunk), chunk, title if start == 0 else ""))
    return parts
