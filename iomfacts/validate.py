"""Rules that relate content files to each other, and to the source texts.

Each rule reports a problem at the exact place an editor has to change, and checking goes on
after a problem so that all of them are reported at once.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from pathlib import Path

import pycountry

from . import model
from .datasets import funding_reconciliation, staff_reconciliation, staff_row_problems
from .knowledge import FactRecord, Knowledge, crosswalk_entry, sort_key
from .load import LoadedContent, Located
from .pages import anchor_taken, generated_anchors
from .markdown_text import format_number
from .problems import Problems
from .quotes import SourceTexts, figure_in_quote

# ISO 3166-1 reserves XA..XZ for user-assigned codes; IOM uses XKX for Kosovo.
USER_ASSIGNED_PREFIX = "X"


def _suggest(value: str, options) -> str:
    close = difflib.get_close_matches(value, list(options), n=1)
    return f"did you mean '{close[0]}'? " if close else ""


def _index_unique(located: Located, items: list, key: str, collection: str, problems: Problems) -> dict:
    result = {}
    for index, item in enumerate(items):
        value = getattr(item, key)
        if value in result:
            line, column = located.mark(collection, index, key)
            problems.add(located.path, line, column, f"duplicate {key} '{value}'",
                         "each entry needs its own; remove or rename one")
        else:
            result[value] = item
    return result


def _check_countries(located: Located, regions: dict, problems: Problems) -> dict[str, model.Country]:
    countries = _index_unique(located, located.value.countries, "code", "countries", problems)
    for index, country in enumerate(located.value.countries):
        if country.region not in regions:
            line, column = located.mark("countries", index, "region")
            problems.add(located.path, line, column, f"unknown region '{country.region}'",
                         f"{_suggest(country.region, regions)}regions: {', '.join(regions)}")
        if country.code.startswith(USER_ASSIGNED_PREFIX):
            if not country.footnote:
                line, column = located.mark("countries", index, "code")
                problems.add(located.path, line, column,
                             f"'{country.code}' is a user-assigned code and needs a designation footnote",
                             "add `footnote:` with the designation as IOM prints it")
        elif pycountry.countries.get(alpha_3=country.code) is None:
            line, column = located.mark("countries", index, "code")
            problems.add(located.path, line, column, f"'{country.code}' is not an ISO 3166-1 alpha-3 code",
                         "look the code up in ISO 3166-1 (e.g. KEN for Kenya)")
    return countries


def _check_crosswalk(located: Located, pillars: dict, problems: Problems) -> None:
    covered: list[tuple[str, int, int, str]] = []  # (part, first, last, entry id)
    for index, entry in enumerate(located.value.crosswalk):
        part = pillars.get(entry.part)
        if part is None or part.framework != "ar2020":
            line, column = located.mark("crosswalk", index, "part")
            problems.add(located.path, line, column, f"'{entry.part}' is not a 2020 part",
                         "use a pillar id whose framework is ar2020")
        for field_name in ("maps_to", "secondary"):
            target = getattr(entry, field_name)
            if target is not None and (target not in pillars or pillars[target].framework == "ar2020"):
                line, column = located.mark("crosswalk", index, field_name)
                problems.add(located.path, line, column, f"'{target}' is not a MiGOF-side pillar",
                             "map to p1..p3, o1..o3, oe or overview")
        if entry.paragraphs:
            # Compare ranges, not each paragraph: [1, 1000000000] must not take minutes.
            first, last = entry.paragraphs
            overlaps = [(max(first, other_first), other_id) for other_part, other_first, other_last, other_id in covered
                        if other_part == entry.part and other_first <= last and first <= other_last]
            if overlaps:
                paragraph, other_id = min(overlaps, key=lambda overlap: overlap[0])  # the earliest entry
                line, column = located.mark("crosswalk", index, "paragraphs")
                problems.add(located.path, line, column,
                             f"paragraph {paragraph} is also in crosswalk entry '{other_id}'",
                             "make the paragraph ranges not overlap")
            covered.append((entry.part, first, last, entry.id))


def _check_fact_file(located: Located, pillars: dict, problems: Problems) -> None:
    """The folder says the year and the file name the pillar; the file must agree."""
    fact_file: model.FactFile = located.value
    folder, stem = located.file.parent.name, located.file.stem
    if folder != str(fact_file.year):
        line, column = located.mark("year")
        problems.add(located.path, line, column,
                     f"year {fact_file.year} disagrees with the folder '{folder}'",
                     f"move the file to content/facts/{fact_file.year}/ or change `year:` to {folder}")
    if fact_file.pillar not in pillars:
        line, column = located.mark("pillar")
        problems.add(located.path, line, column, f"unknown pillar '{fact_file.pillar}'",
                     f"{_suggest(fact_file.pillar, pillars)}pillars: {', '.join(pillars)}")
    elif stem != fact_file.pillar:
        line, column = located.mark("pillar")
        problems.add(located.path, line, column,
                     f"pillar '{fact_file.pillar}' disagrees with the file name '{stem}.yml'",
                     f"rename the file to {fact_file.pillar}.yml or change `pillar:` to {stem}")


def _check_fact(located: Located, index: int, fact: model.Fact, ref: dict, texts: SourceTexts | None,
                problems: Problems) -> None:
    def report(path: tuple, message: str, fix: str) -> None:
        line, column = located.mark("facts", index, *path)
        problems.add(located.path, line, column, message, fix)

    seen_codes = set()
    for position, code in enumerate(fact.countries):
        if code not in ref["countries"]:
            report(("countries", position), f"unknown country '{code}'",
                   f"{_suggest(code, ref['countries'])}use an ISO3 code from content/countries.yml, or add the country there")
        if code in seen_codes:
            report(("countries", position), f"country '{code}' is listed twice", "remove the repeat")
        seen_codes.add(code)
    document = fact.source.document
    if document not in ref["sources"]:
        report(("source", "document"), f"unknown source '{document}'",
               f"{_suggest(document, ref['sources'])}sources: {', '.join(ref['sources'])}")
    for position, figure in enumerate(fact.figures):
        if figure.metric is not None:
            metric = ref["metrics"].get(figure.metric)
            if metric is None:
                report(("figures", position, "metric"), f"unknown metric '{figure.metric}'",
                       f"{_suggest(figure.metric, ref['metrics'])}use an id from content/metrics.yml, or add the metric there")
            elif metric.scope == "country" and len(fact.countries) != 1:
                report(("figures", position, "metric"),
                       f"metric '{metric.id}' is per country, but the fact names {len(fact.countries)} countries",
                       "a per-country measure goes on a fact about exactly one country; split the fact, or drop the metric")
            elif metric.unit != figure.unit:
                report(("figures", position, "unit"),
                       f"unit '{figure.unit}' disagrees with metric '{metric.id}', whose unit is '{metric.unit}'",
                       f"write `unit: {metric.unit}`, or use another metric")
        if not figure_in_quote(figure.value, fact.quote):
            report(("figures", position, "value"), f"figure {format_number(figure.value)} does not appear in the quote",
                   "quote the sentence that contains the number, or correct the value")
    for position, other in enumerate(fact.differs_from):
        if other == fact.id:
            report(("differs_from", position), "a fact cannot differ from itself", "name another fact's id")
        elif other not in ref["fact_ids"]:
            blocked = _file_with_errors(other, ref["failed"])
            if blocked:  # the fact may well exist; its file could not be read
                report(("differs_from", position), f"'{other}' cannot be checked while {blocked} has errors",
                       f"fix the problems reported in {blocked} first")
            else:
                report(("differs_from", position), f"unknown fact '{other}'",
                       f"{_suggest(other, ref['fact_ids'])}name the id of an existing fact")
    taken = anchor_taken(fact.id, ref["anchors"])
    if taken:
        report(("id",), f"fact id '{fact.id}' is also {taken}",
               "choose another id (a link to the fact would land on the other anchor)")
    # A missing source text is reported once, in sources.yml, not once per fact.
    if texts is not None and document in texts:
        if not texts.contains(document, fact.quote):
            start = texts.longest_matching_start(document, fact.quote)
            where = f"the first {len(start.split())} words match, then it differs" if start else \
                "not even the first word matches"
            report(("quote",), f"quote not found in {document} ({where})",
                   "copy the words exactly from the source text; only case, spacing and punctuation may differ")


def _file_with_errors(fact_id: str, failed: dict[str, set[str]]) -> str | None:
    """The file that could not be loaded and holds `fact_id`, or, when a file's facts could not
    even be listed (its YAML does not parse), that file: the id may be in it."""
    holding = sorted(path for path, ids in failed.items() if fact_id in ids)
    unlisted = sorted(path for path, ids in failed.items() if not ids and "/facts/" in f"/{path}")
    found = holding or unlisted
    return found[0] if found else None


def _check_dataset_common(located: Located, ref: dict, texts: SourceTexts | None, problems: Problems) -> None:
    dataset = located.value
    if located.file.stem != dataset.id:
        line, column = located.mark("id")
        problems.add(located.path, line, column, f"id '{dataset.id}' disagrees with the file name",
                     f"rename the file to {dataset.id}.yml or change `id:`")
    document = dataset.source.document
    if document not in ref["sources"]:
        line, column = located.mark("source", "document")
        problems.add(located.path, line, column, f"unknown source '{document}'",
                     f"sources: {', '.join(ref['sources'])}")
    elif texts is not None and document in texts and not texts.contains(document, dataset.total_row_quote):
        line, column = located.mark("total_row_quote")
        problems.add(located.path, line, column, f"total_row_quote not found in {document}",
                     "copy the printed Total row exactly from the source text")


def _check_staff_dataset(located: Located, ref: dict, texts: SourceTexts | None, problems: Problems) -> None:
    dataset: model.StaffDataset = located.value
    _check_dataset_common(located, ref, texts, problems)
    seen = set()
    for index, row in enumerate(dataset.rows):
        def report(path: tuple, message: str, fix: str) -> None:
            line, column = located.mark("rows", index, *path)
            problems.add(located.path, line, column, message, fix)

        if row.nationality is not None:
            if row.nationality not in ref["countries"]:
                report(("nationality",), f"unknown country '{row.nationality}'",
                       f"{_suggest(row.nationality, ref['countries'])}use a code from content/countries.yml")
            if row.nationality in seen:
                report(("nationality",), f"nationality '{row.nationality}' has two rows", "merge or remove one")
            seen.add(row.nationality)
        if row.grades and not dataset.grades_ingested:
            report(("grades",), "grade cells given although grades_ingested is false",
                   "remove the grades, or set grades_ingested: true")
        for grade in row.grades:
            if grade not in dataset.grades:
                line, column = located.mark("rows", index, "grades", grade, key=True)  # the grade, not its count
                problems.add(located.path, line, column, f"unknown grade column '{grade}'",
                             f"grades: {', '.join(dataset.grades)}")
        for message in staff_row_problems(row):
            report(("total",), f"{row.printed_name}: {message}",
                   "check the cells against the source; a row that cannot be made consistent belongs in `unusable`")
    for check in staff_reconciliation(dataset):
        if not check.acceptable:
            line, column = located.mark("printed_total")
            relation = "do not add up to" if check.complete else "exceed"
            problems.add(located.path, line, column,
                         f"rows {relation} the printed {check.what}: {check.summed} vs {check.printed}",
                         "find the row whose cells were misread; the printed Total row is the reference")


def _check_funding_dataset(located: Located, ref: dict, texts: SourceTexts | None, problems: Problems) -> None:
    dataset: model.FundingDataset = located.value
    _check_dataset_common(located, ref, texts, problems)
    for position, pillar in enumerate(dataset.pillars):
        if pillar not in ref["pillars"]:
            line, column = located.mark("pillars", position)
            problems.add(located.path, line, column, f"unknown pillar '{pillar}'", "use pillar ids from pillars.yml")
    columns = set(dataset.pillars)

    def check_cells(path: tuple, row) -> None:
        if set(row.cells) != columns:
            line, column = located.mark(*path, "cells")
            problems.add(located.path, line, column, "cells must name each pillar column once",
                         f"columns: {', '.join(dataset.pillars)}")

    for index, row in enumerate(dataset.summary):
        check_cells(("summary", index), row)
        if row.region is not None and row.region not in ref["regions"]:
            line, column = located.mark("summary", index, "region")
            problems.add(located.path, line, column, f"unknown region '{row.region}'", "use a region id from countries.yml")
    check_cells(("summary_total",), dataset.summary_total)
    for table_index, table in enumerate(dataset.regions):
        if table.region not in ref["regions"]:
            line, column = located.mark("regions", table_index, "region")
            problems.add(located.path, line, column, f"unknown region '{table.region}'", "use a region id from countries.yml")
        check_cells(("regions", table_index, "printed_total"), table.printed_total)
        for row_index, row in enumerate(table.rows):
            path = ("regions", table_index, "rows", row_index)
            check_cells(path, row)
            for position, code in enumerate(row.countries):
                if code not in ref["countries"]:
                    line, column = located.mark(*path, "countries", position)
                    problems.add(located.path, line, column, f"unknown country '{code}'", "use a code from countries.yml")
            for position, cell in enumerate(row.upside_down):
                if cell not in columns | {"total"}:
                    line, column = located.mark(*path, "upside_down", position)
                    problems.add(located.path, line, column, f"'{cell}' is not a column", "name a pillar id or total")
    for check in funding_reconciliation(dataset):
        if not check.matches:
            line, column = located.mark("regions")
            problems.add(located.path, line, column, f"{check.what}: {check.summed:,} vs {check.printed:,}",
                         "a row total was misread, or needs a recorded total_correction")


def validate(loaded: LoadedContent, problems: Problems, texts: SourceTexts | None = None) -> Knowledge | None:
    """Check all cross-file rules; return the knowledge index if nothing is wrong."""
    reference = loaded.reference
    if len(reference) < 5:
        return None  # a reference file is unreadable; its problems are already reported
    sources = _index_unique(reference["sources"], reference["sources"].value.sources, "id", "sources", problems)
    pillars = _index_unique(reference["pillars"], reference["pillars"].value.pillars, "id", "pillars", problems)
    regions = _index_unique(reference["countries"], reference["countries"].value.regions, "id", "regions", problems)
    countries = _check_countries(reference["countries"], regions, problems)
    metrics = _index_unique(reference["metrics"], reference["metrics"].value.metrics, "id", "metrics", problems)
    glossary = reference["glossary"]
    _index_unique(glossary, glossary.value.terms, "term", "terms", problems)
    for index, term in enumerate(glossary.value.terms):
        for position, source in enumerate(term.sources):
            if source not in sources:
                line, column = glossary.mark("terms", index, "sources", position)
                problems.add(glossary.path, line, column, f"unknown source '{source}'",
                             f"sources: {', '.join(sources)}")
    _check_crosswalk(reference["pillars"], pillars, problems)
    if texts is not None:
        check_lost_figure_captions(reference["sources"], texts, problems)
    crosswalk = reference["pillars"].value.crosswalk

    first_place: dict[str, tuple[str, int]] = {}
    aliases: dict[str, tuple[str, int]] = {}
    for located in loaded.fact_files:
        for index, fact in enumerate(located.value.facts):
            if fact.id in first_place:
                where, line = first_place[fact.id]
                row, column = located.mark("facts", index, "id")
                problems.add(located.path, row, column, f"duplicate fact id '{fact.id}' (also in {where}:{line})",
                             "fact ids are unique across all files; rename one")
            else:
                first_place[fact.id] = (located.path, located.mark("facts", index, "id")[0])
    for located in loaded.fact_files:  # an alias keeps an old permanent link: it must name no other fact
        for index, fact in enumerate(located.value.facts):
            for position, alias in enumerate(fact.aliases):
                if alias in first_place or alias in aliases:
                    other = first_place.get(alias, aliases.get(alias))
                    row, column = located.mark("facts", index, "aliases", position)
                    problems.add(located.path, row, column, f"alias '{alias}' is already used by {other[0]}:{other[1]}",
                                 "an alias is a former id of this fact only; remove it")
                else:
                    aliases[alias] = (located.path, located.mark("facts", index, "aliases", position)[0])
    ref = {"countries": countries, "sources": sources, "metrics": metrics, "fact_ids": first_place,
           "failed": loaded.failed, "anchors": generated_anchors(pillars, countries, sources, regions)}

    ref["pillars"], ref["regions"] = pillars, regions
    for located in loaded.staff_datasets:
        _check_staff_dataset(located, ref, texts, problems)
    for located in loaded.funding_datasets:
        _check_funding_dataset(located, ref, texts, problems)

    records: list[FactRecord] = []
    for located in loaded.fact_files:
        _check_fact_file(located, pillars, problems)
        pillar_id = located.value.pillar
        pillar = pillars.get(pillar_id)
        for index, fact in enumerate(located.value.facts):
            _check_fact(located, index, fact, ref, texts, problems)
            entry = None
            if pillar is not None and pillar.framework == "ar2020":
                entry = crosswalk_entry(crosswalk, pillar_id, fact.source)
                if entry is None:
                    line, column = located.mark("facts", index, "source")
                    place = f"paragraph {fact.source.paragraph}" if fact.source.paragraph is not None \
                        else f"section '{fact.source.section}'"
                    problems.add(located.path, line, column,
                                 f"{place} is not in the crosswalk for '{pillar_id}'",
                                 "check the paragraph number, or write the section as in pillars.yml (e.g. \"Box 3\")")
            records.append(FactRecord(fact, located.value.year, pillar_id,
                                      entry.maps_to if entry else pillar_id, entry, located.path))
    if problems:
        return None
    return Knowledge(sources=sources, pillars=pillars, crosswalk=crosswalk, regions=regions,
                     countries=countries, metrics=metrics,
                     glossary=sorted(glossary.value.terms, key=lambda t: t.term.casefold()),
                     facts=sorted(records, key=sort_key),
                     staff_datasets=sorted((d.value for d in loaded.staff_datasets), key=lambda d: (d.year, d.category)),
                     funding_datasets=[d.value for d in loaded.funding_datasets])


def check_lost_figure_captions(located: Located, texts: SourceTexts, problems: Problems) -> None:
    """A lost figure's caption is what the text still holds of it: it must be found there."""
    for index, source in enumerate(located.value.sources):
        if source.id not in texts:
            continue  # reported once, as a missing text
        for position, lost in enumerate(source.lost_figures):
            if not texts.contains(source.id, lost.caption):
                line, column = located.mark("sources", index, "lost_figures", position, "caption")
                problems.add(located.path, line, column, f"caption not found in {source.id}",
                             "copy the caption exactly from the source text")


def read_source_texts(sources_dir: Path, loaded: LoadedContent, problems: Problems) -> SourceTexts:
    """The text of every source named in sources.yml, from the given folder."""
    texts = {}
    located = loaded.reference.get("sources")
    for index, source in enumerate(located.value.sources if located else []):
        file = sources_dir / source.text_file
        if file.exists():
            texts[source.id] = file.read_text(encoding="utf-8", errors="replace")
        else:
            line, column = located.mark("sources", index, "text_file")
            problems.add(located.path, line, column, f"source text '{file}' not found",
                         "pass the folder that holds the extracted texts with --sources")
    return SourceTexts(texts)
