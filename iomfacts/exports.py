"""The public data files: data/facts.json, data/facts.csv and data/sources.json.

Their fields are documented on the Downloads page (templates/downloads.md.j2); keep the two
in step. Output is deterministic (sorted, fixed separators) so builds are reproducible.
"""

from __future__ import annotations

import csv
import io
import json

from . import pages as paths
from .knowledge import FactRecord, Knowledge

CSV_COLUMNS = ["id", "year", "pillar", "mapped_pillar", "kind", "statement", "countries", "figures",
               "source_document", "source_paragraph", "source_section", "quote", "tags",
               "differs_from", "note", "url"]


def fact_url(record: FactRecord) -> str:
    """The fact's canonical place, relative to the site root (directory URLs)."""
    return paths.year_path(record.year).removesuffix(".md") + f"/#{record.id}"


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
    }


def facts_json(knowledge: Knowledge) -> bytes:
    data = [fact_as_dict(record, knowledge) for record in knowledge.facts]
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def facts_csv(knowledge: Knowledge) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for record in knowledge.facts:
        row = fact_as_dict(record, knowledge)
        source = row.pop("source")
        row.update(
            countries=";".join(row["countries"]),
            figures=json.dumps(row["figures"], ensure_ascii=False, sort_keys=True),
            tags=";".join(row["tags"]),
            differs_from=";".join(row["differs_from"]),
            note=row["note"] or "",
            source_document=source["document"],
            source_paragraph="" if source["paragraph"] is None else source["paragraph"],
            source_section=source["section"] or "",
        )
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def sources_json(knowledge: Knowledge) -> bytes:
    data = [{**source.model_dump(mode="json"), "facts": len(knowledge.facts_for_source(source.id))}
            for source in knowledge.sources.values()]
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def export_files(knowledge: Knowledge) -> dict[str, bytes]:
    return {
        "data/facts.json": facts_json(knowledge),
        "data/facts.csv": facts_csv(knowledge),
        "data/sources.json": sources_json(knowledge),
    }
