"""The content model: what editors write in `content/`, as typed, strict pydantic models.

Models reject unknown fields and coerce nothing (a quoted "12" is not a number, a number is
not a string), so a typo is an error rather than a silently missing value. Cross-file rules
(a fact's country exists, a metric's unit matches) live in `validate.py`.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
MAX_QUOTE_WORDS = 30


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


Identifier = Field(pattern=ID_PATTERN, min_length=2, max_length=80,
                   description="Lower-case letters, digits and single hyphens.")


def _safe_url(url: str | None) -> str | None:
    if url is not None and not re.match(r"^https?://[^\s<>\"']+$", url):
        raise ValueError("must be an http:// or https:// address with no spaces or quotes")
    return url


# --- sources.yml -------------------------------------------------------------------------

class Source(Strict):
    id: str = Identifier
    title: str = Field(min_length=1)
    symbol: str | None = Field(description="Official document symbol, e.g. C/109/4, if printed.")
    covers: str = Field(min_length=1, description="The period the document reports on.")
    year: int = Field(ge=1990, le=2100, description="The main year the document is about.")
    council_session: str | None
    date: str | None = Field(description="Issue date as printed (ISO date or year), if any.")
    url: str | None = Field(description="Official address of the PDF, if known.")
    text_file: str = Field(pattern=r"^[A-Za-z0-9_.-]+\.txt$",
                           description="Name of the extracted text in the seeds folder.")
    notes: str | None = None

    @field_validator("url")
    @classmethod
    def _check_url(cls, url: str | None) -> str | None:
        return _safe_url(url)


class SourcesFile(Strict):
    sources: list[Source] = Field(min_length=1)


# --- pillars.yml -------------------------------------------------------------------------

Framework = Literal["general", "migof", "effectiveness", "ar2020"]


class Pillar(Strict):
    id: str = Identifier
    framework: Framework = Field(description=(
        "general: overview and context; migof: a MiGOF principle or objective; "
        "effectiveness: organizational effectiveness; ar2020: a part of the 2020 report."))
    short: str = Field(min_length=1, max_length=40, description="Short name for tables.")
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)


class CrosswalkEntry(Strict):
    id: str = Identifier
    part: str = Field(description="The 2020 part (a pillar with framework ar2020).")
    title: str
    paragraphs: list[int] | None = Field(
        default=None, min_length=2, max_length=2,
        description="First and last paragraph of the section, inclusive: [first, last].")
    sections: list[str] = Field(default_factory=list,
                                description='Boxes or other unnumbered sections, e.g. "Box 3".')
    maps_to: str = Field(description="The nearest MiGOF (or overview/effectiveness) pillar.")
    secondary: str | None = None
    reason: str = Field(min_length=1)

    @model_validator(mode="after")
    def _has_scope(self) -> "CrosswalkEntry":
        if self.paragraphs is None and not self.sections:
            raise ValueError("give `paragraphs: [first, last]` or `sections: [...]`")
        if self.paragraphs is not None and self.paragraphs[0] > self.paragraphs[1]:
            raise ValueError("paragraphs must be [first, last] with first <= last")
        return self


class PillarsFile(Strict):
    pillars: list[Pillar] = Field(min_length=1)
    crosswalk: list[CrosswalkEntry] = Field(default_factory=list)


# --- countries.yml -----------------------------------------------------------------------

class Region(Strict):
    id: str = Identifier
    name: str = Field(min_length=1)


class Country(Strict):
    code: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3 code (XKX for Kosovo).")
    name: str = Field(min_length=1, description="The name as IOM writes it.")
    region: str
    region_basis: Literal["mi-2019", "geography"] = Field(description=(
        "mi-2019: listed in that region's funding table of Migration Initiatives 2019; "
        "geography: not listed there, placed in the nearest region."))
    footnote: str | None = Field(default=None, description="A designation footnote, shown on the page.")


class CountriesFile(Strict):
    regions: list[Region] = Field(min_length=1)
    countries: list[Country] = Field(min_length=1)


# --- metrics.yml -------------------------------------------------------------------------

class Metric(Strict):
    id: str = Identifier
    label: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    definition: str = Field(min_length=1)
    caveats: str | None = None
    headline: bool = Field(default=False, description="Shown among the home page's headline figures.")


class MetricsFile(Strict):
    metrics: list[Metric] = Field(min_length=1)


# --- glossary.yml ------------------------------------------------------------------------

class GlossaryTerm(Strict):
    term: str = Field(min_length=1, max_length=40)
    expansion: str = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    note: str | None = None


class GlossaryFile(Strict):
    terms: list[GlossaryTerm]


# --- facts/<year>/<pillar>.yml -----------------------------------------------------------

Kind = Literal["result", "plan", "context"]
Qualifier = Literal["over", "about", "nearly", "under", "at least", "up to"]
Scale = Literal["thousand", "million", "billion"]


class Figure(Strict):
    value: int | float = Field(ge=0, description="The number as printed, without separators.")
    unit: str = Field(min_length=1, max_length=40)
    scale: Scale | None = None
    qualifier: Qualifier | None = None
    metric: str | None = None
    label: str | None = Field(default=None, max_length=80)


class SourceRef(Strict):
    document: str
    paragraph: int | None = Field(default=None, ge=0, le=10000)
    section: str | None = Field(default=None, min_length=1, max_length=80)

    @model_validator(mode="after")
    def _has_place(self) -> "SourceRef":
        if self.paragraph is None and self.section is None:
            raise ValueError("give `paragraph:` (a number) or `section:` (e.g. Foreword, Box 3)")
        return self


class Fact(Strict):
    id: str = Identifier
    kind: Kind = Field(description="result: done or measured; plan: intended or required; context: background.")
    statement: str = Field(min_length=10, max_length=1200)
    countries: list[str]
    figures: list[Figure]
    source: SourceRef
    quote: str = Field(min_length=3, max_length=400)
    tags: list[str] = Field(default_factory=list)
    differs_from: list[str] = Field(default_factory=list)
    note: str | None = Field(default=None, max_length=600)

    @field_validator("quote")
    @classmethod
    def _short_quote(cls, quote: str) -> str:
        words = len(quote.split())
        if words > MAX_QUOTE_WORDS:
            raise ValueError(f"has {words} words; a quote is at most {MAX_QUOTE_WORDS}")
        return quote

    @field_validator("tags")
    @classmethod
    def _tag_format(cls, tags: list[str]) -> list[str]:
        for tag in tags:
            if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", tag):
                raise ValueError(f"tag '{tag}' must be lower-case letters, digits and hyphens")
        return tags


class FactFile(Strict):
    year: int = Field(ge=1990, le=2100)
    pillar: str
    facts: list[Fact] = Field(min_length=1)


# The file models by the name of the JSON Schema generated for each.
FILE_MODELS: dict[str, type[Strict]] = {
    "sources": SourcesFile,
    "pillars": PillarsFile,
    "countries": CountriesFile,
    "metrics": MetricsFile,
    "glossary": GlossaryFile,
    "fact-file": FactFile,
}


# --- datasets/staff/<id>.yml: staff by nationality (annexes) ---------------------------

class StaffCounts(Strict):
    total: int = Field(ge=0)
    women: int | None = Field(default=None, ge=0)
    men: int | None = Field(default=None, ge=0)
    grades: dict[str, int] = Field(default_factory=dict,
                                   description="Non-empty grade cells, by grade as printed (e.g. G-4, P-3).")


class StaffRow(StaffCounts):
    nationality: str | None = Field(description="ISO3 code; null for the annex's 'Other' row.")
    printed_name: str = Field(min_length=1, description="The nationality as the annex prints it.")
    member_state: bool = Field(description="In the annex's Member States block (false: observer/non-member/other).")
    note: str | None = Field(default=None, description="How a damaged cell was recovered, if it was.")


class UnusableRow(Strict):
    printed_name: str = Field(min_length=1)
    nationality: str | None = None
    reason: str = Field(min_length=1)


class StaffDataset(Strict):
    id: str = Identifier
    title: str
    category: Literal["general-service", "professional"]
    year: int = Field(ge=1990, le=2100)
    source: SourceRef
    grades: list[str] = Field(description="The grade columns in printed order.")
    grades_ingested: bool = Field(description="false when the per-nationality grade cells are unreliable.")
    grades_note: str | None = Field(default=None, description="Why grade cells were not ingested.")
    method: str = Field(min_length=1, description="How the cells were recovered from the extracted text.")
    total_row_quote: str = Field(min_length=3, description="The printed Total row, verbatim, for verification.")
    printed_total: StaffCounts
    rows: list[StaffRow] = Field(min_length=1)
    unusable: list[UnusableRow] = Field(default_factory=list,
                                        description="Rows the extraction lost or garbled beyond recovery.")


# --- datasets/funding/<id>.yml: funding requirements by pillar (Migration Initiatives) ---

class FundingCells(Strict):
    cells: dict[str, int | None] = Field(description="Requirement per MiGOF pillar id; null for an empty cell.")
    total: int = Field(ge=0, description="The row total as printed (after any recorded correction).")


class Correction(Strict):
    printed: str = Field(min_length=1, description="The value exactly as printed.")
    reason: str = Field(min_length=1)


class FundingRow(FundingCells):
    label: str = Field(min_length=1, description="The row as printed.")
    countries: list[str] = Field(default_factory=list, description="ISO3 codes; several for a group row.")
    upside_down: list[str] = Field(default_factory=list,
                                   description="Cells printed upside down and decoded by the rule in `decoding`.")
    total_correction: Correction | None = None
    note: str | None = None


class SummaryRow(FundingCells):
    label: str
    region: str | None = Field(description="Region id; null for global initiatives.")
    note: str | None = None


class RegionTable(Strict):
    region: str
    label: str
    rows: list[FundingRow] = Field(min_length=1)
    printed_total: FundingCells
    note: str | None = None


class FundingDataset(Strict):
    id: str = Identifier
    title: str
    year: int = Field(ge=1990, le=2100)
    source: SourceRef
    unit: str
    pillars: list[str] = Field(min_length=1)
    decoding: str = Field(min_length=1, description="How OCR damage (empty cells, upside-down numbers) was read.")
    total_row_quote: str = Field(min_length=3)
    summary: list[SummaryRow] = Field(min_length=1)
    summary_total: FundingCells
    regions: list[RegionTable] = Field(min_length=1)


FILE_MODELS["staff-dataset"] = StaffDataset
FILE_MODELS["funding-dataset"] = FundingDataset
