"""The knowledge index: validated content arranged the ways pages need it.

Built once from the loaded models; every page family reads from here (facts by country,
pillar, year, source and metric), so no template ever opens a file or re-derives a grouping.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from . import model


@dataclass(frozen=True)
class FactRecord:
    fact: model.Fact
    year: int
    pillar: str  # the pillar of the file the fact is in
    mapped_pillar: str  # the MiGOF-side pillar: the same, or the crosswalk's for 2020 parts
    crosswalk: model.CrosswalkEntry | None
    path: str  # the content file, relative to the repository

    @property
    def id(self) -> str:
        return self.fact.id

    @property
    def is_mapped(self) -> bool:
        return self.crosswalk is not None


def crosswalk_entry(crosswalk: list[model.CrosswalkEntry], part: str,
                    source: model.SourceRef) -> model.CrosswalkEntry | None:
    """The crosswalk section of a 2020-part fact, by paragraph number or by section name."""
    for entry in crosswalk:
        if entry.part != part:
            continue
        if source.paragraph is not None and entry.paragraphs is not None:
            first, last = entry.paragraphs
            if first <= source.paragraph <= last:
                return entry
        if source.paragraph is None and source.section is not None:
            for section in entry.sections:
                if source.section == section or source.section.startswith(section + ","):
                    return entry
    return None


@dataclass
class Knowledge:
    sources: dict[str, model.Source]
    pillars: dict[str, model.Pillar]
    crosswalk: list[model.CrosswalkEntry]
    regions: dict[str, model.Region]
    countries: dict[str, model.Country]
    metrics: dict[str, model.Metric]
    glossary: list[model.GlossaryTerm]
    facts: list[FactRecord]
    staff_datasets: list[model.StaffDataset] = field(default_factory=list)
    funding_datasets: list[model.FundingDataset] = field(default_factory=list)
    by_id: dict[str, FactRecord] = field(default_factory=dict)
    by_alias: dict[str, FactRecord] = field(default_factory=dict)  # a former id -> the fact it became
    differs: dict[str, list[str]] = field(default_factory=dict)
    named_countries: set[str] = field(default_factory=set)
    dataset_countries: set[str] = field(default_factory=set)
    versions: list = field(default_factory=list)  # changes.VersionChanges, newest first (set by pipeline.check)
    # The source documents' texts by source id, when the check was given them (--sources; set
    # by pipeline.check), else None: source pages list what no fact cites only from the text.
    source_texts: dict[str, str] | None = None
    _coverage: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.by_id = {record.id: record for record in self.facts}
        self.by_alias = {alias: record for record in self.facts for alias in record.fact.aliases}
        # Groupings built once: templates ask for them per country, pillar and year many times.
        self._by_year: dict[int, list[FactRecord]] = defaultdict(list)
        self._by_pillar: dict[str, list[FactRecord]] = defaultdict(list)
        self._by_country: dict[str, list[FactRecord]] = defaultdict(list)
        self._by_source: dict[str, list[FactRecord]] = defaultdict(list)
        self._by_year_pillar: dict[tuple[int, str], list[FactRecord]] = defaultdict(list)
        self._by_metric: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
        for record in self.facts:
            self._by_year[record.year].append(record)
            self._by_year_pillar[record.year, record.pillar].append(record)
            for pillar in dict.fromkeys((record.pillar, record.mapped_pillar)):
                self._by_pillar[pillar].append(record)
            for code in dict.fromkeys(record.fact.countries):
                self._by_country[code].append(record)
            self._by_source[record.fact.source.document].append(record)
            for figure in record.fact.figures:
                if figure.metric:
                    self._by_metric[figure.metric][record.year].append((record, figure))
        self.named_countries = {code for record in self.facts for code in record.fact.countries}
        self.dataset_countries = {row.nationality for dataset in self.staff_datasets for row in dataset.rows
                                  if row.nationality and row.total} | {
            code for dataset in self.funding_datasets for table in dataset.regions
            for row in table.rows for code in row.countries}
        # A disagreement is shown on both facts, whichever of the two names the other.
        links: dict[str, set[str]] = defaultdict(set)
        for record in self.facts:
            for other in record.fact.differs_from:
                if other in self.by_id and other != record.id:
                    links[record.id].add(other)
                    links[other].add(record.id)
        self.differs = {key: sorted(value) for key, value in links.items()}

    # --- groupings used by the page families ---

    @property
    def years(self) -> list[int]:
        return sorted(self._by_year)

    def facts_for_year(self, year: int) -> list[FactRecord]:
        return self._by_year.get(year, [])

    def differing_pairs(self) -> list[tuple[FactRecord, FactRecord]]:
        """Each disagreement once, as (earlier, later) by year, document and id."""
        pairs = set()
        for fact_id, others in self.differs.items():
            for other in others:
                a, b = sorted((self.by_id[fact_id], self.by_id[other]), key=sort_key)
                pairs.add((a.id, b.id))
        return sorted(((self.by_id[a], self.by_id[b]) for a, b in pairs),
                      key=lambda pair: (sort_key(pair[0]), sort_key(pair[1])))

    def pillars_of_year(self, year: int) -> list[str]:
        """The pillars (in their defined order) that have a fact file for the year."""
        return [pillar for pillar in self.pillars if (year, pillar) in self._by_year_pillar]

    def facts_for_year_pillar(self, year: int, pillar: str) -> list[FactRecord]:
        """The facts filed under the pillar for the year: one content file's facts."""
        return self._by_year_pillar.get((year, pillar), [])

    def facts_for_pillar(self, pillar: str) -> list[FactRecord]:
        """Facts filed under the pillar, or mapped onto it by the 2020 crosswalk."""
        return self._by_pillar.get(pillar, [])

    def facts_for_country(self, code: str) -> list[FactRecord]:
        return self._by_country.get(code, [])

    def facts_for_source(self, source_id: str) -> list[FactRecord]:
        return self._by_source.get(source_id, [])

    def not_covered(self, source_id: str):
        """coverage.SourceCoverage of a source (its paragraphs or sections no fact cites), or
        None when its text was not given; worked out once, when its page is rendered."""
        if self.source_texts is None or source_id not in self.source_texts:
            return None
        if source_id not in self._coverage:
            from .coverage import source_coverage

            self._coverage[source_id] = source_coverage(self, source_id, self.source_texts[source_id])
        return self._coverage[source_id]

    def metric_values(self, metric_id: str) -> dict[int, list[tuple[FactRecord, model.Figure]]]:
        return dict(self._by_metric.get(metric_id, {}))

    def countries_by_region(self) -> dict[str, list[model.Country]]:
        grouped: dict[str, list[model.Country]] = {region: [] for region in self.regions}
        for country in sorted(self.countries.values(), key=lambda c: c.name):
            grouped[country.region].append(country)
        return grouped

    @property
    def countries_with_facts(self) -> list[model.Country]:
        return [country for code, country in sorted(self.countries.items()) if code in self.named_countries]

    @property
    def countries_with_pages(self) -> list[model.Country]:
        """Countries that facts name, or that have staff (non-zero) or funding rows in a dataset."""
        with_content = self.named_countries | self.dataset_countries
        return [country for code, country in sorted(self.countries.items()) if code in with_content]

    def staff_rows(self, code: str) -> list[tuple[model.StaffDataset, model.StaffRow | None, model.UnusableRow | None]]:
        """The country's row in each staff dataset (or the reason it is unusable), by year."""
        found = []
        for dataset in self.staff_datasets:
            row = next((r for r in dataset.rows if r.nationality == code), None)
            lost = next((u for u in dataset.unusable if u.nationality == code), None)
            if row is not None or lost is not None:
                found.append((dataset, row, lost))
        return found

    def funding_rows(self, code: str) -> list[tuple[model.FundingDataset, model.RegionTable, model.FundingRow]]:
        return [(dataset, table, row) for dataset in self.funding_datasets for table in dataset.regions
                for row in table.rows if code in row.countries]


def sort_key(record: FactRecord) -> tuple:
    """Facts in reading order: by year, then source, then paragraph or section."""
    source = record.fact.source
    return (record.year, source.document, source.paragraph if source.paragraph is not None else -1,
            source.section or "", record.id)
