"""Page plans: which pages the site has, at which path, from which template and data.

Pages are planned from the knowledge index alone; rendering them is `render.py`'s job. The
paths here are the site's public URLs (MkDocs turns `years/2018.md` into `years/2018/`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from markdown.extensions.toc import slugify

from .knowledge import Knowledge
from .views import measures_with_values


@dataclass
class Page:
    path: str  # relative to the docs folder, e.g. "countries/ken.md"
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    # Material embeds the whole sidebar in every page, so the many per-country and
    # per-year-and-pillar pages stay out of it; they are reached through links and search.
    in_nav: bool = True


# Every pair of differing facts side by side (figures, notes, statements).
DIFFERENCES_PATH = "compare/differences.md"


def year_path(year: int) -> str:
    return f"years/{year}.md"


def year_pillar_path(year: int, pillar_id: str) -> str:
    """The page of one fact file: the facts of one year filed under one pillar."""
    return f"years/{year}/{pillar_id}.md"


def fact_page_path(record) -> str:
    """A fact's canonical page (its file's page), where it is shown among its neighbours."""
    return year_pillar_path(record.year, record.pillar)


def pillar_path(pillar_id: str) -> str:
    return f"pillars/{pillar_id}.md"


def country_path(code: str) -> str:
    return f"countries/{code.lower()}.md"


def region_path(region_id: str) -> str:
    return f"regions/{region_id}.md"


def source_path(source_id: str) -> str:
    return f"sources/{source_id}.md"


def fact_permalink(fact_id: str) -> str:
    """A fact's permanent address, relative to the site root: a redirect to wherever it is shown."""
    return f"facts/{fact_id}/"


def measure_path(metric_id: str) -> str:
    return f"measures/{metric_id}.md"


MEASURES_INDEX = "measures/index.md"
CHANGES_INDEX = "changes/index.md"


def changes_path(version: str) -> str:
    """The page of one tagged content version ('v2.1' -> changes/v2.1.md)."""
    return f"changes/{re.sub(r'[^A-Za-z0-9.-]', '-', version)}.md"


def year_anchor(year: int) -> str:
    return f"y{year}"


# Anchors the templates write on pages that also carry fact anchors (a fact's id is its anchor).
FIXED_ANCHORS = frozenset({"staff", "funding", "countries", "missing", "between", "within", "glance",
                           "key-figures", "facts", "by-country", "by-year", "about-this-data", "plans",
                           "lost-figures", "not-covered", "in-brief", "facts-by-year"})
YEAR_ANCHOR = re.compile(r"y[0-9]{4}")


def heading_anchor(text: str) -> str:
    """The id Markdown's table of contents gives a heading with this text (MkDocs' default)."""
    return slugify(text, "-")


def generated_anchors(pillars, countries, sources, regions) -> dict[str, str]:
    """Every anchor the pages write other than fact ids, with what it belongs to. A fact whose
    id is also one of these would make one of the two unreachable by its link."""
    taken = {anchor: f"the section anchor '#{anchor}'" for anchor in FIXED_ANCHORS}
    for kind, items, text in (("country", countries, lambda c: c.name), ("pillar", pillars, lambda p: p.title),
                              ("source", sources, lambda s: s.title)):
        for key, item in items.items():
            taken.setdefault(heading_anchor(text(item)), f"the heading anchor of {kind} '{key}'")
    taken.update({pillar: f"pillar '{pillar}', whose section anchor it is on source pages" for pillar in pillars})
    taken.update({region: f"region '{region}', whose section anchor it is" for region in regions})
    return taken


def anchor_taken(fact_id: str, generated: dict[str, str]) -> str | None:
    """What else has `fact_id` as its anchor (see `generated_anchors`), or None."""
    if YEAR_ANCHOR.fullmatch(fact_id):
        return "the anchor of a year's section on country and pillar pages"
    if re.fullmatch(r"s[0-9]+", fact_id):
        return "the anchor of a part of a long page"
    if fact_id.startswith("metric-"):
        return "the anchors of measures on the comparison page"
    return generated.get(fact_id)


def plan_pages(knowledge: Knowledge) -> list[Page]:
    pages = [
        Page("index.md", "home.md.j2", "IOM annual reports: facts and figures"),
        Page("years/index.md", "years_index.md.j2", "Years"),
        Page("pillars/index.md", "pillars_index.md.j2", "Pillars"),
        Page("countries/index.md", "countries_index.md.j2", "Countries and territories"),
        Page("compare/index.md", "compare.md.j2", "Compare years"),
        Page("sources/index.md", "sources_index.md.j2", "Source documents"),
        Page("glossary.md", "glossary.md.j2", "Glossary"),
        Page("downloads.md", "downloads.md.j2", "Downloads and data"),
    ]
    if knowledge.staff_datasets:
        pages.append(Page("compare/staff.md", "staff.md.j2", "Staff by nationality"))
    if knowledge.funding_datasets:
        pages.append(Page("compare/funding.md", "funding.md.j2", "Funding requirements for 2019"))
    if knowledge.differs:
        pages.append(Page(DIFFERENCES_PATH, "differences.md.j2", "Where the sources differ"))
    for year in knowledge.years:
        pages.append(Page(year_path(year), "year.md.j2", f"{year}", {"year": year}))
        for pillar_id in knowledge.pillars_of_year(year):
            pillar = knowledge.pillars[pillar_id]
            pages.append(Page(year_pillar_path(year, pillar_id), "year_pillar.md.j2", f"{year} · {pillar.title}",
                              {"year": year, "pillar": pillar}, in_nav=False))
    for pillar in knowledge.pillars.values():
        if knowledge.facts_for_pillar(pillar.id):
            pages.append(Page(pillar_path(pillar.id), "pillar.md.j2", pillar.title, {"pillar": pillar}))
    measured = measures_with_values(knowledge)
    if measured:
        pages.append(Page(MEASURES_INDEX, "measures_index.md.j2", "Measures"))
    for metric in measured:
        pages.append(Page(measure_path(metric.id), "measure.md.j2", metric.label, {"metric": metric},
                          in_nav=False))
    if knowledge.versions:
        pages.append(Page(CHANGES_INDEX, "changes.md.j2", "What changed", {"shown": knowledge.versions},
                          in_nav=False))
        for version in knowledge.versions:
            if version.version:
                pages.append(Page(changes_path(version.version), "changes.md.j2",
                                  f"What changed in {version.version}", {"shown": [version]}, in_nav=False))
    for country in knowledge.countries_with_pages:
        pages.append(Page(country_path(country.code), "country.md.j2", country.name, {"country": country},
                          in_nav=False))
    for region_id, countries in knowledge.countries_by_region().items():
        if any(knowledge.facts_for_country(country.code) for country in countries):
            region = knowledge.regions[region_id]
            pages.append(Page(region_path(region_id), "region.md.j2", region.name, {"region": region}, in_nav=False))
    for source in knowledge.sources.values():
        pages.append(Page(source_path(source.id), "source.md.j2", source.title, {"source": source}))
    return pages


def nav_pages(pages: list[Page]) -> list[str]:
    """Pages that belong in the sidebar: all but the per-country and per-year-and-pillar pages."""
    return [page.path for page in pages if page.in_nav]
