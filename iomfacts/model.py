"""The content model: what editors write in `content/`, as typed, strict pydantic models.

Models reject unknown fields and coerce nothing (a quoted "12" is not a number, a number is
not a string), so a typo is an error rather than a silently missing value. Cross-file rules
(a fact's country exists, a metric's unit matches) live in `validate.py`.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Annotated, Literal

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator,
                      model_validator)
from pydantic_core import InitErrorDetails, PydanticCustomError

from .escapes import is_safe_url

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
MAX_QUOTE_WORDS = 30


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def code_point(character: str) -> str:
    """'U+200B ZERO WIDTH SPACE': a character an editor may not see, named so it can be found."""
    return f"U+{ord(character):04X} {unicodedata.name(character, 'unnamed character')}"


def _plain_ascii(value):
    """Ids, codes and references are typed, not pasted: a zero-width space, a bidi control or a
    Cyrillic look-alike would make two different ids look the same. Name the culprit."""
    if isinstance(value, str):
        for character in value:
            if not (character.isascii() and character.isprintable()):
                raise ValueError(f"contains {code_point(character)}; ids, codes and references are "
                                 "plain ASCII (retype it rather than copying it)")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("is blank; write the text or remove the field")
    return value


# Identifiers name files, pages and anchors; references name an identifier or a code.
Identifier = Annotated[str, BeforeValidator(_plain_ascii), Field(
    pattern=ID_PATTERN, min_length=2, max_length=80, description="Lower-case letters, digits and single hyphens.")]
Reference = Annotated[str, BeforeValidator(_plain_ascii), Field(min_length=1, max_length=80)]
# Text printed in page titles, the navigation, headings and table cells has a length limit, so
# that one value cannot make every page that shows it enormous; prose gets a longer one.
Name = Annotated[str, Field(min_length=1, max_length=120), AfterValidator(_not_blank)]
Title = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_not_blank)]
Prose = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_not_blank)]


def _safe_url(url: str | None) -> str | None:
    if url is not None and not is_safe_url(url):
        raise ValueError("must be a plain http:// or https:// address: no spaces, quotes, brackets, "
                         "parentheses or control characters (percent-encode them)")
    return url


def _real_date(text: str | None) -> str | None:
    """An ISO date or a year, and a date that exists (no 30 February)."""
    if text is None or re.fullmatch(r"[0-9]{4}", text):
        return text
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        raise ValueError(f"'{text}' is not an ISO date (YYYY-MM-DD) or a year")
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date") from None
    return text


# --- sources.yml -------------------------------------------------------------------------

class LostFigure(Strict):
    """A chart, map or infographic of the document whose content the extracted text lost."""

    caption: Annotated[str, AfterValidator(_not_blank)] = Field(
        min_length=3, max_length=400,
        description="The caption as printed, verbatim: `check --sources` finds it in the document's text.")
    place: Name = Field(description='Where it sits: "after paragraph 22", "Box 1", "Annex I".')
    what_survives: Prose | None = Field(default=None, description=(
        "What the text still gives of it, if anything (a call-out, the paragraph that prints the same "
        "numbers, a garbled table); leave out when only the caption is left."))


class Source(Strict):
    id: Identifier
    title: Title
    symbol: Name | None = Field(description="Official document symbol, e.g. C/109/4, if printed.")
    covers: Name = Field(description="The period the document reports on.")
    year: int = Field(ge=1990, le=2100, description="The main year the document is about.")
    council_session: Name | None
    date: str | None = Field(description="Issue date as printed (ISO date or year), if any.")
    url: str | None = Field(max_length=2000, description="Official address of the PDF, if known.")
    text_file: str = Field(pattern=r"^[A-Za-z0-9_.-]+\.txt$", max_length=120,
                           description="Name of the extracted text in the seeds folder.")
    notes: Prose | None = None
    lost_figures: list[LostFigure] = Field(default_factory=list, description=(
        "Charts, maps and figures the extracted text lost (only their captions survive), listed on the "
        "source page under \"Figures not in the extracted text\"."))

    @field_validator("url")
    @classmethod
    def _check_url(cls, url: str | None) -> str | None:
        return _safe_url(url)

    @field_validator("date")
    @classmethod
    def _check_date(cls, date: str | None) -> str | None:
        return _real_date(date)


class SourcesFile(Strict):
    sources: list[Source] = Field(min_length=1)


# --- pillars.yml -------------------------------------------------------------------------

Framework = Literal["general", "migof", "effectiveness", "ar2020"]


class Pillar(Strict):
    id: Identifier
    framework: Framework = Field(description=(
        "general: overview and context; migof: a MiGOF principle or objective; "
        "effectiveness: organizational effectiveness; ar2020: a part of the 2020 report."))
    short: str = Field(min_length=1, max_length=40, description="Short name for tables.")
    title: Title
    description: Prose


class CrosswalkEntry(Strict):
    id: Identifier
    part: Reference = Field(description="The 2020 part (a pillar with framework ar2020).")
    title: Title
    paragraphs: list[int] | None = Field(
        default=None, min_length=2, max_length=2,
        description="First and last paragraph of the section, inclusive: [first, last].")
    sections: list[Name] = Field(default_factory=list,
                                 description='Boxes or other unnumbered sections, e.g. "Box 3".')
    maps_to: Reference = Field(description="The nearest MiGOF (or overview/effectiveness) pillar.")
    secondary: Reference | None = None
    reason: Prose

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
    id: Identifier
    name: Name


class Country(Strict):
    code: Annotated[str, BeforeValidator(_plain_ascii)] = Field(
        pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3 code (XKX for Kosovo).")
    name: Name = Field(description="The name as IOM writes it.")
    region: Reference
    region_basis: Literal["mi-2019", "geography"] = Field(description=(
        "mi-2019: listed in that region's funding table of Migration Initiatives 2019; "
        "geography: not listed there, placed in the nearest region."))
    footnote: Prose | None = Field(default=None, description="A designation footnote, shown on the page.")


class CountriesFile(Strict):
    regions: list[Region] = Field(min_length=1)
    countries: list[Country] = Field(min_length=1)


# --- metrics.yml -------------------------------------------------------------------------

class Metric(Strict):
    id: Identifier
    label: Title
    unit: str = Field(min_length=1, max_length=40)
    definition: Prose
    caveats: Prose | None = None
    headline: bool = Field(default=False, description="Shown among the home page's headline figures.")
    scope: Literal["global", "country"] = Field(default="global", description=(
        "global: one value per year for IOM as a whole; country: a value per country and year, "
        "carried by facts about exactly one country (shown on country pages, not in the yearly table)."))


class MetricsFile(Strict):
    metrics: list[Metric] = Field(min_length=1)


# --- glossary.yml ------------------------------------------------------------------------

class GlossaryTerm(Strict):
    term: str = Field(min_length=1, max_length=40)
    expansion: Title
    sources: list[Reference] = Field(min_length=1)
    note: Prose | None = None


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
    metric: Reference | None = None
    label: str | None = Field(default=None, min_length=1, max_length=80)


class SourceRef(Strict):
    document: Reference
    paragraph: int | None = Field(default=None, ge=1, le=10000)
    section: Annotated[str, AfterValidator(_not_blank)] | None = Field(default=None, min_length=1, max_length=80)

    @model_validator(mode="after")
    def _has_place(self) -> "SourceRef":
        if self.paragraph is None and self.section is None:
            raise ValueError("give `paragraph:` (a number) or `section:` (e.g. Foreword, Box 3)")
        return self


class Fact(Strict):
    id: Identifier
    kind: Kind = Field(description="result: done or measured; plan: intended or required; context: background.")
    statement: str = Field(min_length=10, max_length=1200)
    countries: list[Reference]
    figures: list[Figure]
    source: SourceRef
    quote: str = Field(min_length=3, max_length=400)
    tags: list[Reference] = Field(default_factory=list)
    differs_from: list[Reference] = Field(default_factory=list)
    note: str | None = Field(default=None, max_length=600)
    aliases: list[Identifier] = Field(default_factory=list, description=(
        "Former ids of this fact: their permanent links (facts/<id>/) keep leading to it. "
        "Renaming a published id without keeping the old one here breaks links readers have saved."))

    @model_validator(mode="wrap")
    @classmethod
    def _not_a_proposal(cls, data, handler):
        """`build_site.py propose` writes candidate facts with `status: proposed`; one copied
        into content/ unchanged is refused, at its `status:` line, saying what accepting it takes."""
        if isinstance(data, dict) and data.get("status") == "proposed":
            raise ValidationError.from_exception_data(cls.__name__, [InitErrorDetails(
                type=PydanticCustomError("proposal", "this fact is still a proposal: write the statement in "
                                                     "your own words, check it, then remove `status: proposed`"),
                loc=("status",), input="proposed")])
        return handler(data)

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
    pillar: Reference
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
    nationality: Reference | None = Field(description="ISO3 code; null for the annex's 'Other' row.")
    printed_name: Name = Field(description="The nationality as the annex prints it.")
    member_state: bool = Field(description="In the annex's Member States block (false: observer/non-member/other).")
    note: Prose | None = Field(default=None, description="How a damaged cell was recovered, if it was.")


class UnusableRow(Strict):
    printed_name: Name
    nationality: Reference | None = None
    reason: Prose


class StaffDataset(Strict):
    id: Identifier
    title: Title
    category: Literal["general-service", "professional"]
    year: int = Field(ge=1990, le=2100)
    source: SourceRef
    grades: list[Annotated[str, BeforeValidator(_plain_ascii), Field(min_length=1, max_length=20)]] = Field(
        description="The grade columns in printed order.")
    grades_ingested: bool = Field(description="false when the per-nationality grade cells are unreliable.")
    grades_note: Prose | None = Field(default=None, description="Why grade cells were not ingested.")
    method: Prose = Field(description="How the cells were recovered from the extracted text.")
    total_row_quote: str = Field(min_length=3, max_length=400,
                                 description="The printed Total row, verbatim, for verification.")
    printed_total: StaffCounts
    rows: list[StaffRow] = Field(min_length=1)
    unusable: list[UnusableRow] = Field(default_factory=list,
                                        description="Rows the extraction lost or garbled beyond recovery.")


# --- datasets/funding/<id>.yml: funding requirements by pillar (Migration Initiatives) ---

class FundingCells(Strict):
    cells: dict[str, int | None] = Field(description="Requirement per MiGOF pillar id; null for an empty cell.")
    total: int = Field(ge=0, description="The row total as printed (after any recorded correction).")


class Correction(Strict):
    printed: Name = Field(description="The value exactly as printed.")
    reason: Prose


class FundingRow(FundingCells):
    label: Name = Field(description="The row as printed.")
    countries: list[Reference] = Field(default_factory=list, description="ISO3 codes; several for a group row.")
    upside_down: list[Reference] = Field(default_factory=list,
                                   description="Cells printed upside down and decoded by the rule in `decoding`.")
    total_correction: Correction | None = None
    note: Prose | None = None


class SummaryRow(FundingCells):
    label: Name
    region: Reference | None = Field(description="Region id; null for global initiatives.")
    note: Prose | None = None


class RegionTable(Strict):
    region: Reference
    label: Name
    rows: list[FundingRow] = Field(min_length=1)
    printed_total: FundingCells
    note: Prose | None = None


class FundingDataset(Strict):
    id: Identifier
    title: Title
    year: int = Field(ge=1990, le=2100)
    source: SourceRef
    unit: str = Field(min_length=1, max_length=40)
    pillars: list[Reference] = Field(min_length=1)
    decoding: Prose = Field(description="How OCR damage (empty cells, upside-down numbers) was read.")
    total_row_quote: str = Field(min_length=3, max_length=400)
    summary: list[SummaryRow] = Field(min_length=1)
    summary_total: FundingCells
    regions: list[RegionTable] = Field(min_length=1)


FILE_MODELS["staff-dataset"] = StaffDataset
FILE_MODELS["funding-dataset"] = FundingDataset
