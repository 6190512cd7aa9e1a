"""The public data files: data/facts.json, data/facts.csv and data/sources.json.

Their fields are documented on the Downloads page (templates/downloads.md.j2); keep the two
in step. Output is deterministic (sorted, fixed separators) so builds are reproducible.
"""

from __future__ import annotations

import csv
import io
import json

from . import model
from . import pages as paths
from .escapes import csv_cell
from .knowledge import FactRecord, Knowledge

CSV_COLUMNS = ["id", "year", "pillar", "mapped_pillar", "kind", "statement", "countries", "figures",
               "source_document", "source_paragraph", "source_section", "quote", "tags",
               "differs_from", "note", "url", "permalink"]


def fact_url(record: FactRecord) -> str:
    """The fact's canonical place, relative to the site root (directory URLs)."""
    return paths.fact_page_path(record).removesuffix(".md") + f"/#{record.id}"


def fact_as_dict(record: FactRecord, knowledge: Knowledge) -> dict:
    fact = record.fact
    return {
        "id": fact.id,
        "year": record.year,
        "pillar": record.pillar,
        "mapped_pillar": record.mapped_pillar,
        "kind": fact.kind,
        "statement": fact.statement,
        "countries": list(fact.countries),
        "figures": [figure.model_dump(mode="json") for figure in fact.figures],
        "source": fact.source.model_dump(mode="json"),
        "quote": fact.quote,
        "tags": list(fact.tags),
        "differs_from": knowledge.differs.get(fact.id, []),
        "note": fact.note,
        "url": fact_url(record),
        "permalink": paths.fact_permalink(record.id),
    }


def facts_json(facts: list[dict]) -> bytes:
    """A JSON array with one fact per line: readable in a diff, and encoded by json's C encoder
    (an `indent` would switch to the pure-Python one, ten times slower)."""
    lines = ",\n".join(json.dumps(fact, ensure_ascii=False, sort_keys=True) for fact in facts)
    return f"[\n{lines}\n]\n".encode("utf-8")


def fact_row(fact: dict) -> dict:
    """A fact of facts.json as one row of the facts table (CSV and SQLite): lists joined by
    `;`, figures as JSON, the source in three columns; None where a value is absent."""
    row = dict(fact)
    source = row.pop("source")
    row.update(countries=";".join(row["countries"]),
               figures=json.dumps(row["figures"], ensure_ascii=False, sort_keys=True),
               tags=";".join(row["tags"]), differs_from=";".join(row["differs_from"]),
               source_document=source["document"], source_paragraph=source["paragraph"],
               source_section=source["section"])
    return row


def facts_csv(rows: list[dict]) -> bytes:
    """The facts table (rows from `fact_row`) as CSV."""
    return csv_bytes(CSV_COLUMNS, rows)


def sources_json(knowledge: Knowledge) -> bytes:
    data = [{**source.model_dump(mode="json"), "facts": len(knowledge.facts_for_source(source.id))}
            for source in knowledge.sources.values()]
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


STAFF_COLUMNS = ["dataset", "year", "category", "source_document", "source_section", "nationality",
                 "printed_name", "member_state", "status", "total", "women", "men", "grades", "note"]
FUNDING_PILLAR_COLUMNS = ["p1-standards", "p2-evidence", "p3-partnerships", "o1-socioeconomic", "o2-crises",
                          "o3-safe-migration"]
FUNDING_COLUMNS = ["dataset", "year", "row_type", "region", "row", "countries", "shared"] + FUNDING_PILLAR_COLUMNS + [
    "total", "cells_add_up", "cells_sum", "upside_down", "total_as_printed", "correction_reason", "note"]


def csv_bytes(columns: list[str], rows: list[dict]) -> bytes:
    """Rows as CSV: empty cells for None, every text cell through the CSV escaper."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: "" if value is None else csv_cell(value) for key, value in row.items()})
    return buffer.getvalue().encode("utf-8")


def staff_csv(knowledge: Knowledge) -> bytes:
    """One line per nationality row of every staff annex; unreadable rows say so."""
    return csv_bytes(STAFF_COLUMNS, staff_rows(knowledge))


def staff_rows(knowledge: Knowledge) -> list[dict]:
    lines = []
    for dataset in knowledge.staff_datasets:
        common = dict(dataset=dataset.id, year=dataset.year, category=dataset.category,
                      source_document=dataset.source.document, source_section=dataset.source.section)
        for row in dataset.rows:
            lines.append({**common, "nationality": row.nationality, "printed_name": row.printed_name,
                          "member_state": str(row.member_state).lower(), "status": "read",
                          "total": row.total, "women": row.women, "men": row.men,
                          "grades": json.dumps(row.grades, sort_keys=True) if row.grades else "",
                          "note": row.note})
        for lost in dataset.unusable:
            lines.append({**common, "nationality": lost.nationality, "printed_name": lost.printed_name,
                          "member_state": "", "status": "unreadable", "total": None, "women": None,
                          "men": None, "grades": "", "note": lost.reason})
    return lines


def funding_csv(knowledge: Knowledge) -> bytes:
    """One line per printed row of every funding table (summary and regional), with its kind
    (`row_type`) and its consistency flag."""
    return csv_bytes(FUNDING_COLUMNS, funding_rows(knowledge))


def funding_rows(knowledge: Knowledge) -> list[dict]:
    from .datasets import cells_add_up, cells_sum, funding_printed_rows

    lines = []
    for dataset in knowledge.funding_datasets:
        for printed in funding_printed_rows(dataset):
            row = printed.row
            # Only the rows of a regional table (not its Total row) name countries or record corrections.
            detail = row if isinstance(row, model.FundingRow) else None
            countries = detail.countries if detail else []
            correction = detail.total_correction if detail else None
            lines.append({"dataset": dataset.id, "year": dataset.year, "row_type": printed.row_type,
                          "region": printed.region, "row": printed.label, "countries": ";".join(countries),
                          "shared": str(len(countries) > 1).lower(), **row.cells, "total": row.total,
                          "cells_add_up": str(cells_add_up(row)).lower(), "cells_sum": cells_sum(row),
                          "upside_down": ";".join(detail.upside_down if detail else []),
                          "total_as_printed": correction.printed if correction else None,
                          "correction_reason": correction.reason if correction else None, "note": printed.note})
    return lines


def export_files(knowledge: Knowledge, version_label: str = "") -> dict[str, bytes]:
    """Every public data file: JSON, the CSV tables of the data package, the SQLite database,
    and the permanent fact links."""
    from .citations import citation_files
    from .data_package import data_package_files, tables
    from .permalinks import permalink_files
    from .sqlite_export import sqlite_bytes

    facts = [fact_as_dict(record, knowledge) for record in knowledge.facts]  # once for every file
    rows = {"facts": [fact_row(fact) for fact in facts], "staff": staff_rows(knowledge),
            "funding": funding_rows(knowledge)}
    files = {
        "data/facts.json": facts_json(facts),
        "data/facts.csv": facts_csv(rows["facts"]),
        "data/sources.json": sources_json(knowledge),
    }
    staff, funding = rows["staff"], rows["funding"]
    if knowledge.staff_datasets:
        files["data/staff-by-nationality.csv"] = csv_bytes(STAFF_COLUMNS, staff)
    if knowledge.funding_datasets:
        files["data/funding-requirements.csv"] = csv_bytes(FUNDING_COLUMNS, funding)
    all_tables = tables(knowledge)  # the data package's tables, for its files and the database
    files.update(data_package_files(knowledge, version_label, all_tables))
    files["data/iom-facts.sqlite"] = sqlite_bytes(all_tables, rows)
    files.update(permalink_files(knowledge, version_label))
    files.update(citation_files(knowledge))
    return files
