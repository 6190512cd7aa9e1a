"""The facts as data: a Frictionless Data Package (data/datapackage.json) of CSV tables.

Each table has a Table Schema: field types, enums, primary and foreign keys, and a description
of every field. The schemas of the reference tables are generated from the content model
('model.py'), so a new field reaches the data package, the SQLite file and the Downloads page
without anyone editing three lists. The Downloads page prints these same schemas.
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import dataclass, field

from pydantic import BaseModel

from . import model
from .datasets import FUNDING_ROW_TYPES
from .exports import FUNDING_PILLAR_COLUMNS, csv_bytes
from .knowledge import Knowledge

LICENSE_NOTE = ("Facts and figures extracted from IOM's published reports; each row cites its "
                "document and paragraph. Statements are the editors' own words.")


@dataclass
class Table:
    """One resource of the package: its rows, and the Table Schema that describes them."""

    name: str
    path: str
    title: str
    description: str
    fields: list[dict]
    rows: list[dict] = field(default_factory=list)
    primary_key: list[str] = field(default_factory=list)
    foreign_keys: list[dict] = field(default_factory=list)
    write_csv: bool = True  # false where exports.py already writes the file

    def schema(self) -> dict:
        schema: dict = {"fields": self.fields}
        if self.primary_key:
            schema["primaryKey"] = self.primary_key
        if self.foreign_keys:
            schema["foreignKeys"] = self.foreign_keys
        return schema

    def resource(self) -> dict:
        return {"name": self.name, "path": self.path, "title": self.title, "description": self.description,
                "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
                "encoding": "utf-8", "schema": self.schema()}


def _foreign(fields: str | list[str], resource: str, target: str | list[str]) -> dict:
    as_list = [fields] if isinstance(fields, str) else fields
    targets = [target] if isinstance(target, str) else target
    return {"fields": as_list, "reference": {"resource": resource, "fields": targets}}


# --- schemas from the content model -------------------------------------------------------

def _unwrap(annotation):
    optional = False
    while True:
        if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
            options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            optional = optional or len(options) < len(typing.get_args(annotation))
            if len(options) > 1:  # 'int | float': a number
                return float, optional
            annotation = options[0]
        elif typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation, optional


def field_from_model(model_class: type[BaseModel], name: str, description: str | None = None) -> dict:
    """A Table Schema field for one field of a content model: type, enum, required."""
    info = model_class.model_fields[name]
    base, optional = _unwrap(info.annotation)
    spec: dict = {"name": name}
    if typing.get_origin(base) is typing.Literal:
        spec["type"] = "string"
        spec["constraints"] = {"enum": list(typing.get_args(base))}
    elif base is bool:
        spec["type"] = "boolean"
    elif base is int:
        spec["type"] = "integer"
    elif base is float:
        spec["type"] = "number"
    elif typing.get_origin(base) is list:
        spec["type"] = "string"
        description = (description or info.description or "") + " (several values separated by ';')"
    else:
        spec["type"] = "string"
    spec["description"] = (description or info.description or name.replace("_", " ").capitalize()).strip()
    if info.is_required() and not optional:
        spec.setdefault("constraints", {})["required"] = True
    return spec


def _model_table(model_class, names, descriptions=None, **kwargs) -> Table:
    descriptions = descriptions or {}
    return Table(fields=[field_from_model(model_class, name, descriptions.get(name)) for name in names], **kwargs)


def _row(item: BaseModel, names) -> dict:
    row = {}
    for name in names:
        value = getattr(item, name)
        row[name] = ";".join(value) if isinstance(value, list) else value
    return row


# --- the tables ---------------------------------------------------------------------------

FACT_FIELDS = [
    ("id", "string", "Stable identifier; also the fact's anchor on the page that shows it in full", True),
    ("year", "integer", "The year the fact is about", True),
    ("pillar", "string", "The pillar of the file the fact is recorded in", True),
    ("mapped_pillar", "string", "The Migration Governance Framework pillar (for 2020 facts by the crosswalk; "
                                "otherwise the same as 'pillar')", True),
    ("kind", "string", "'result' (done or measured), 'plan' (intended or required) or 'context' (background)", True),
    ("statement", "string", "The fact in the editors' own words", True),
    ("countries", "string", "ISO 3166-1 alpha-3 codes (XKX for Kosovo), separated by ';' "
                            "(one row each in fact-countries.csv)", False),
    ("figures", "string", "The figures as a JSON list (one row each in figures.csv)", False),
    ("source_document", "string", "The source document's id (sources.csv)", True),
    ("source_paragraph", "integer", "The paragraph number as printed, or empty", False),
    ("source_section", "string", "Where there is no paragraph number: the section, box or annex", False),
    ("quote", "string", "Verbatim words from the source (at most 30), containing every figure", True),
    ("tags", "string", "Keywords, separated by ';'", False),
    ("differs_from", "string", "Ids of facts that give a different figure for the same thing, separated by ';'", False),
    ("note", "string", "Editor's note, or empty", False),
    ("url", "string", "The fact's place on this site, relative to the site root: the page of its year and "
                      "pillar, and its anchor", True),
    ("permalink", "string", "The fact's permanent link, relative to the site root (facts/<id>/): it keeps "
                            "working when the fact moves to another page or its id is renamed", True),
]


def _plain_fields(spec) -> list[dict]:
    fields = []
    for name, kind, description, required in spec:
        entry = {"name": name, "type": kind, "description": description}
        if required:
            entry["constraints"] = {"required": True}
        fields.append(entry)
    return fields


def tables(knowledge: Knowledge) -> list[Table]:
    """Every table of the data package, with its rows, in a fixed order."""
    kinds = list(typing.get_args(model.Kind))
    fact_fields = _plain_fields(FACT_FIELDS)
    next(f for f in fact_fields if f["name"] == "kind")["constraints"]["enum"] = kinds
    result = [
        Table("facts", "facts.csv", "Facts",
              "Every fact: one thing IOM reported, with its figures, source, paragraph and quote.",
              fact_fields, primary_key=["id"], write_csv=False,
              foreign_keys=[_foreign("source_document", "sources", "id"), _foreign("pillar", "pillars", "id"),
                            _foreign("mapped_pillar", "pillars", "id")]),
        Table("figures", "figures.csv", "Figures", "One row per figure of a fact, as printed.",
              [{"name": "fact_id", "type": "string", "description": "The fact (facts.csv)",
                "constraints": {"required": True}},
               {"name": "position", "type": "integer", "description": "Order of the figure within its fact, from 1",
                "constraints": {"required": True}},
               *[field_from_model(model.Figure, name) for name in ("value", "unit", "scale", "qualifier")],
               field_from_model(model.Figure, "metric", "The measure the figure counts (measures.csv), or empty"),
               field_from_model(model.Figure, "label", "What the figure counts, where the unit alone does not say")],
              primary_key=["fact_id", "position"],
              foreign_keys=[_foreign("fact_id", "facts", "id"), _foreign("metric", "measures", "id")]),
        Table("fact_countries", "fact-countries.csv", "Countries of each fact",
              "One row per country a fact is about (facts.csv 'countries', one per line).",
              [{"name": "fact_id", "type": "string", "description": "The fact (facts.csv)",
                "constraints": {"required": True}},
               {"name": "country", "type": "string", "description": "ISO 3166-1 alpha-3 code (countries.csv)",
                "constraints": {"required": True}}],
              primary_key=["fact_id", "country"],
              foreign_keys=[_foreign("fact_id", "facts", "id"), _foreign("country", "countries", "code")]),
        _model_table(model.Country, ["code", "name", "region", "region_basis", "footnote"],
                     {"region": "The IOM region (regions.csv)"},
                     name="countries", path="countries.csv", title="Countries and territories",
                     description="ISO 3166-1 alpha-3 code, the name as IOM writes it, and its IOM region.",
                     primary_key=["code"], foreign_keys=[_foreign("region", "regions", "id")]),
        _model_table(model.Region, ["id", "name"], name="regions", path="regions.csv", title="Regions",
                     description="IOM's regions, as Migration Initiatives 2019 groups its funding tables.",
                     primary_key=["id"]),
        _model_table(model.Source, ["id", "title", "symbol", "covers", "year", "council_session", "date", "url"],
                     name="sources", path="sources.csv", title="Source documents",
                     description="The documents the facts come from.", primary_key=["id"]),
        _model_table(model.Pillar, ["id", "framework", "short", "title", "description"],
                     name="pillars", path="pillars.csv", title="Pillars",
                     description="The themes facts are filed under: MiGOF principles and objectives, "
                                 "organizational effectiveness, and the 2020 report's parts.",
                     primary_key=["id"]),
        _model_table(model.Metric, ["id", "label", "unit", "scope", "definition", "caveats"],
                     name="measures", path="measures.csv", title="Measures",
                     description="Comparable measures: figures counted the same way in several years "
                                 "or for several countries.", primary_key=["id"]),
        Table("staff", "staff-by-nationality.csv", "Staff by nationality",
              "One row per nationality row of every staff annex; unreadable rows say so.",
              _plain_fields([
                  ("dataset", "string", "The staff annex (its content file)", True),
                  ("year", "integer", "The year the annex counts", True),
                  ("category", "string", "general-service or professional", True),
                  ("source_document", "string", "The source document (sources.csv)", True),
                  ("source_section", "string", "The annex", False),
                  ("nationality", "string", "ISO3 code (countries.csv); empty for 'Other' or an unidentifiable row", False),
                  ("printed_name", "string", "The nationality as the annex prints it", True),
                  ("member_state", "string", "true for the annex's Member States block; empty for unreadable rows", False),
                  ("status", "string", "'read', or 'unreadable' when the extracted text garbled the row", True),
                  ("total", "integer", "Staff of this nationality (empty when unreadable)", False),
                  ("women", "integer", "Women (empty when not readable)", False),
                  ("men", "integer", "Men (empty when not readable)", False),
                  ("grades", "string", "Staff by grade as JSON, where the grade cells were reliable", False),
                  ("note", "string", "How a damaged cell was recovered, or why a row is unreadable", False)]),
              foreign_keys=[_foreign("source_document", "sources", "id"),
                            _foreign("nationality", "countries", "code")], write_csv=False),
        Table("funding", "funding-requirements.csv", "Funding requirements",
              "Every row the funding tables print (the summary table and each region's own table), with "
              "its kind ('row_type') and its consistency flag; add up rows of one kind only.",
              _plain_fields([
                  ("dataset", "string", "The funding dataset (its content file)", True),
                  ("year", "integer", "The year of the requirements", True),
                  ("row_type", "string", "What the row is: " + "; ".join(
                      f"'{kind}', {meaning}" for kind, meaning in FUNDING_ROW_TYPES.items()), True),
                  ("region", "string", "The region (regions.csv); empty for the global initiatives and the grand "
                                       "total", False),
                  ("row", "string", "The row as printed ('Total' for a total row)", True),
                  ("countries", "string", "ISO3 codes, separated by ';' (a group row lists all its members)", False),
                  ("shared", "boolean", "true for a row shared by a group of countries", True)]
                  + [(pillar, "integer", f"Requirement under {pillar} (USD; empty for an empty cell)", False)
                     for pillar in FUNDING_PILLAR_COLUMNS]
                  + [("total", "integer", "The row total as printed, or corrected", True),
                     ("cells_add_up", "boolean", "false when the pillar cells do not add up to the total", True),
                     ("cells_sum", "integer", "The sum of the pillar cells", True),
                     ("upside_down", "string", "Cells printed upside down and decoded, separated by ';'", False),
                     ("total_as_printed", "string", "For a corrected total: the value as printed", False),
                     ("correction_reason", "string", "For a corrected total: why", False),
                     ("note", "string", "Editor's note; on a total, why it differs from another printed total",
                      False)]),
              foreign_keys=[_foreign("region", "regions", "id")], write_csv=False),
    ]
    by_name = {table.name: table for table in result}
    row_type = next(f for f in by_name["funding"].fields if f["name"] == "row_type")
    row_type["constraints"]["enum"] = list(FUNDING_ROW_TYPES)
    for record in knowledge.facts:
        for position, figure in enumerate(record.fact.figures, start=1):
            by_name["figures"].rows.append({"fact_id": record.id, "position": position, "value": figure.value,
                                            "unit": figure.unit, "scale": figure.scale,
                                            "qualifier": figure.qualifier, "metric": figure.metric,
                                            "label": figure.label})
        for code in dict.fromkeys(record.fact.countries):
            by_name["fact_countries"].rows.append({"fact_id": record.id, "country": code})
    by_name["countries"].rows = [_row(c, [f["name"] for f in by_name["countries"].fields])
                                 for c in sorted(knowledge.countries.values(), key=lambda c: c.code)]
    by_name["regions"].rows = [_row(r, ["id", "name"]) for r in knowledge.regions.values()]
    by_name["sources"].rows = [_row(s, [f["name"] for f in by_name["sources"].fields]) for s in knowledge.sources.values()]
    by_name["pillars"].rows = [_row(p, [f["name"] for f in by_name["pillars"].fields]) for p in knowledge.pillars.values()]
    by_name["measures"].rows = [_row(m, [f["name"] for f in by_name["measures"].fields])
                                for m in knowledge.metrics.values()]
    if not knowledge.staff_datasets:
        result.remove(by_name["staff"])
    if not knowledge.funding_datasets:
        result.remove(by_name["funding"])
    return result


def package_descriptor(knowledge: Knowledge, version_label: str, all_tables: list[Table]) -> dict:
    return {
        "profile": "tabular-data-package",
        "name": "iom-annual-reports-facts",
        "title": "IOM annual reports: facts and figures",
        "description": "Facts and figures from IOM's Annual Reports for 2017, 2018 and 2020, Migration "
                       "Initiatives 2019 and the Director General's report to the 108th Council, each with "
                       "its source, paragraph and a short verbatim quote. " + LICENSE_NOTE,
        "version": version_label,
        "sources": [{"title": source.title, **({"path": source.url} if source.url else {})}
                    for source in knowledge.sources.values()],
        "resources": [table.resource() for table in all_tables],
    }


def data_package_files(knowledge: Knowledge, version_label: str, all_tables: list[Table]) -> dict[str, bytes]:
    """data/datapackage.json and the CSV tables (from `tables`) that exports.py does not already write."""
    files = {f"data/{table.path}": csv_bytes([f["name"] for f in table.fields], table.rows)
             for table in all_tables if table.write_csv}
    descriptor = package_descriptor(knowledge, version_label, all_tables)
    files["data/datapackage.json"] = (json.dumps(descriptor, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    return files


def facts_csv_columns() -> list[str]:
    """The facts table's columns, as the data package declares them (kept equal to exports.py)."""
    return [name for name, *_ in FACT_FIELDS]

