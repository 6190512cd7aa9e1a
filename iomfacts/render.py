"""Rendering page plans through the Jinja templates in `templates/` into Markdown.

Safety by default: every value a template prints is Markdown-escaped by `finalize`, unless
it is `Markup` made by the helpers below (links, formatted figures). Forgetting a filter can
therefore never let an editor's text become markup.
"""

from __future__ import annotations

import functools
import hashlib
import os
import posixpath
import urllib.parse
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import pages as paths
from .datasets import (cells_add_up, cells_sum, funding_reconciliation, region_vs_summary,
                       staff_reconciliation)
from .knowledge import FactRecord, Knowledge
from . import citations, escapes, fact_cards, views
from .escapes import attribute as escape_attribute
from .markdown_text import escape_markdown, format_figure, format_number
from .pages import Page
from .template_cache import KeptTemplates, template_cache_folder


def _finalize(value: Any) -> Any:
    """Every printed value becomes Markup: ours pass through, everything else is escaped."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    return escape_markdown(str(value))  # numbers print plainly (years); use |number for 12,673


class CompiledTemplates(KeptTemplates):
    """Compiled templates kept between builds: compiling the 17 templates is about 0.4 s of every
    build, which the tests' many small builds and the preview's start pay again and again.

    An entry is named by the template's name only, not its path, so every checkout (the tests'
    throwaway ones too) shares it; Jinja stores the source's checksum in the entry and compiles
    again when the source differs, so an edited template is never served stale. The folder is
    named by this module's source and Jinja's version: compiled code depends on the environment's
    options (autoescape, trim_blocks) set here, which Jinja's own key does not cover."""

    def __init__(self, base: Path):
        salt = hashlib.sha256(Path(__file__).read_bytes() + jinja2.__version__.encode()).hexdigest()[:16]
        super().__init__(str(base / salt))

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha1(name.encode("utf-8")).hexdigest()


def make_environment(templates_dir: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        bytecode_cache=CompiledTemplates(template_cache_folder(templates_dir)),
        finalize=_finalize,
        # Autoescape makes macro output Markup (so it is not escaped twice when printed), and
        # escapes HTML in anything that bypasses finalize; _finalize escapes Markdown.
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a typo in a template fails the build
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["figure"] = lambda figure: escape_markdown(format_figure(figure))
    env.filters["number"] = lambda value: escape_markdown(format_number(value))
    env.filters["attr"] = escapes.attribute
    env.filters["url"] = escapes.url
    env.filters["page_title"] = escapes.page_title
    env.filters["code"] = escapes.code_span
    env.filters["kind_label"] = fact_cards.KIND_LABELS.__getitem__
    return env


@functools.lru_cache(maxsize=8)
def _environment(templates_dir: Path) -> jinja2.Environment:
    """One environment per templates folder and process, so templates compile once: the live
    preview renders a few pages per save. Jinja's auto_reload recompiles a template whose file
    changed, so edited templates are never served stale."""
    return make_environment(templates_dir)


@functools.lru_cache(maxsize=65536)
def _relative(target: str, here: str) -> str:
    """posixpath.relpath is slow (two abspath calls); pages share a few folders, so cache it."""
    return posixpath.relpath(target, here)


class PageHelpers:
    """Link and lookup helpers bound to the page being rendered (links are relative)."""

    def __init__(self, knowledge: Knowledge, page: Page, page_paths: set[str], edit_base: str | None = None,
                 version=None, directory_urls: bool = True, card_cache: dict | None = None):
        self.k = knowledge
        self.page = page
        self.page_paths = page_paths  # pillars and countries without facts have no page
        self.edit_base = edit_base  # e.g. https://github.com/owner/repo/edit/main/ ; None: no edit links
        self.version = version  # the content version (version.ContentVersion), for cite lines
        self.directory_urls = directory_urls  # how MkDocs will name pages (cards link to URLs)
        self.card_cache = card_cache if card_cache is not None else {}  # shared by the pages of one render
        self._card_links = None

    def edit_link(self, record: FactRecord) -> Markup:
        """' · edit' linking to the YAML file that holds the fact, on GitHub."""
        if not self.edit_base:
            return Markup("")
        return Markup(f' · <a class="edit-link" href="{self._edit_href(record.path)}" '
                      f'title="Edit this fact: {escape_attribute(record.path)}">edit</a>')

    def _edit_href(self, path: str) -> Markup:
        return escapes.url(self.edit_base + urllib.parse.quote(path))

    def edit_files(self, records: list[FactRecord]) -> Markup:
        """Links to every content file the page's facts come from."""
        if not self.edit_base or not records:
            return Markup("")
        files = sorted({record.path for record in records})
        links = ", ".join(f'<a class="edit-link" href="{self._edit_href(path)}">'
                          f"{escape_markdown(path)}</a>" for path in files)
        return Markup(f"Edit the facts of this page: {links}\n{{: .edit-files }}\n")

    def href(self, target: str, anchor: str | None = None) -> str:
        relative = _relative(target, posixpath.dirname(self.page.path) or ".")
        return relative + (f"#{anchor}" if anchor else "")

    def link(self, label: Any, target: str, anchor: str | None = None) -> Markup:
        text = label if isinstance(label, Markup) else escape_markdown(str(label))
        return Markup(f"[{text}]({self.href(target, anchor)})")

    def year_link(self, year: int, anchor: str | None = None) -> Markup:
        return self.link(str(year), paths.year_path(year), anchor)

    def year_links(self) -> Markup:
        return Markup(" · ").join(self.year_link(year) for year in self.k.years)

    def pillar_link(self, pillar_id: str, anchor: str | None = None, short: bool = True, label: Any = None) -> Markup:
        pillar = self.k.pillars[pillar_id]
        label = label if label is not None else (pillar.short if short else pillar.title)
        if paths.pillar_path(pillar_id) not in self.page_paths:
            return escape_markdown(label)
        return self.link(label, paths.pillar_path(pillar_id), anchor)

    def measure_link(self, metric_id: str, label: Any = None, anchor: str | None = None) -> Markup:
        """A link to a measure's page (every measure with a value has one)."""
        metric = self.k.metrics[metric_id]
        return self.link(label if label is not None else metric.label, paths.measure_path(metric_id), anchor)

    def measure(self, metric_id: str) -> views.MeasureView:
        return views.measure_view(self.k, metric_id)

    def measures(self) -> list:
        return views.measures_with_values(self.k)

    def measures_over_time(self) -> set[str]:
        """Ids of the measures with values in two or more years (a per-country measure counts
        any two years, whichever countries they are for)."""
        return {m.id for m in self.measures() if len(set(self.k.metric_values(m.id))) >= 2}

    @staticmethod
    def cell(values: list) -> views.Cell:
        """The (record, figure) pairs of a measure in one year, as a table cell."""
        return views.Cell(0, [views.Value(record, figure) for record, figure in values])

    def _links(self) -> fact_cards.CardLinks:
        if self._card_links is None:
            self._card_links = fact_cards.CardLinks(
                self.k, self.page.path, self.page_paths, self.directory_urls, self.edit_link,
                self.version.label if self.version else None)
        return self._card_links

    def fact_card(self, record: FactRecord) -> Markup:
        """The fact in full, as HTML (fact_cards.py); rendered once per page depth and reused."""
        links = self._links()
        is_home = self.is_home_of(record)
        key = ("card", record.id, links.prefix, is_home)
        card = self.card_cache.get(key)
        if card is None:
            card = fact_cards.fact_card(record, links, is_home, self.cite(record) if is_home else "")
            self.card_cache[key] = card
        return card

    def fact_list(self, records: list[FactRecord]) -> Markup:
        """Facts one per line, as an HTML list (fact_cards.fact_line), each line rendered once
        per page depth. A raw HTML block: blank lines around it in the template."""
        links = self._links()
        lines = []
        for record in records:
            key = ("line", record.id, links.prefix)
            line = self.card_cache.get(key)
            if line is None:
                line = self.card_cache[key] = fact_cards.fact_line(record, links)
            lines.append(line)
        return Markup('<ul class="fact-list">\n' + "".join(lines) + "</ul>") if lines else Markup("")

    def in_brief(self, records: list[FactRecord], with_country: bool = False) -> Markup:
        """A country's or (with_country) a region's "In brief" (fact_cards.brief_line), out of
        search: each line repeats a fact shown in full elsewhere. A raw HTML block: blank lines
        around it in the template."""
        links = self._links()
        lines = "".join(fact_cards.brief_line(record, links, with_country) for record in records)
        return Markup(f'<ul class="fact-list in-brief" data-search-exclude="">\n{lines}</ul>') if lines else Markup("")

    def region(self, region_id: str) -> views.RegionProfile:
        return views.region_profile(self.k, region_id)

    def region_link(self, region_id: str) -> Markup:
        """The region's page, or its section of the countries index when it has none."""
        name = self.k.regions[region_id].name
        if paths.region_path(region_id) in self.page_paths:
            return self.link(name, paths.region_path(region_id))
        return self.link(name, "countries/index.md", region_id)

    def data_tables(self) -> list:
        """The tables of the data package, with their schemas (the Downloads page prints them)."""
        from .data_package import tables

        return tables(self.k)

    def permalink_if_current(self, fact_id: str) -> Markup:
        """The permanent link of a fact that exists now (under its id or as an alias), or the
        id as text for a fact that was removed."""
        if fact_id not in self.k.by_id and fact_id not in self.k.by_alias:
            return escape_markdown(f"{fact_id}, removed")
        return self.link(paths.fact_permalink(fact_id), paths.fact_permalink(fact_id) + "index.html")

    def cite(self, record: FactRecord) -> str:
        return citations.fact_citation(record, self.k)

    def source_reference(self, source_id: str) -> str:
        return citations.reference(self.k.sources[source_id])

    def parts(self, records: list[FactRecord]) -> list[views.PagePart]:
        return views.page_parts(self.k, records)

    def pillar_measures(self, pillar_id: str) -> views.PillarMeasures:
        return views.pillar_measures(self.k, pillar_id)

    def by_requirement(self, rows: list, pillar_id: str) -> list:
        """Funding rows, the largest requirement under the pillar first; rows without one last."""
        return sorted(rows, key=lambda row: (row.cells[pillar_id] is None, -(row.cells[pillar_id] or 0)))

    def profile(self, code: str) -> views.CountryProfile:
        return views.country_profile(self.k, code)

    def country_link(self, code: str) -> Markup:
        country = self.k.countries[code]
        if paths.country_path(code) in self.page_paths:
            return self.link(country.name, paths.country_path(code))
        return escape_markdown(country.name)

    def source_link(self, source_id: str, anchor: str | None = None) -> Markup:
        return self.link(self.k.sources[source_id].title, paths.source_path(source_id), anchor)

    def fact_link(self, record: FactRecord, label: Any = None) -> Markup:
        """A link to the fact's canonical place: its anchor on its year-and-pillar page."""
        return self.link(label if label is not None else record.id, paths.fact_page_path(record), record.id)

    def is_home_of(self, record: FactRecord) -> bool:
        """Whether this page is the fact's canonical page."""
        return self.page.path == paths.fact_page_path(record)

    def year_pillar_link(self, year: int, pillar_id: str, label: Any = None) -> Markup:
        """The page of the facts filed under a pillar for a year, or plain text if it has none."""
        text = label if label is not None else self.k.pillars[pillar_id].title
        if paths.year_pillar_path(year, pillar_id) not in self.page_paths:
            return escape_markdown(str(text)) if not isinstance(text, Markup) else text
        return self.link(text, paths.year_pillar_path(year, pillar_id))

    def countries_named(self, records: list[FactRecord]) -> list[tuple[str, int]]:
        """(code, facts naming it), most named first, then by name: a stable order for ties."""
        counts: dict[str, int] = {}
        for record in records:
            for code in dict.fromkeys(record.fact.countries):
                counts[code] = counts.get(code, 0) + 1
        return sorted(counts.items(), key=lambda item: (-item[1], self.k.countries[item[0]].name))

    @staticmethod
    def document_order(records: list[FactRecord]) -> list[FactRecord]:
        """Facts by paragraph number; those cited by section follow, by section name."""
        def key(record: FactRecord) -> tuple:
            source = record.fact.source
            return (source.paragraph is None, source.paragraph or 0, source.section or "", record.year, record.id)
        return sorted(records, key=key)

    def citation(self, record: FactRecord) -> str:
        return fact_cards.short_citation(record)

    funding_reconciliation = staticmethod(funding_reconciliation)
    region_vs_summary = staticmethod(region_vs_summary)
    staff_reconciliation = staticmethod(staff_reconciliation)

    @staticmethod
    def percent(part: int, whole: int) -> str:
        return f"{100 * part / whole:.1f}%" if whole else ""

    @staticmethod
    def country_rows(dataset) -> list:
        """Country and group rows of every regional table, largest requirement first."""
        rows = [(table, row) for table in dataset.regions for row in table.rows if row.countries]
        return sorted(rows, key=lambda pair: (-pair[1].total, pair[1].label))

    def staff_matrix(self) -> list[tuple[str | None, list[str]]]:
        """One line per nationality: its total in each staff dataset ('lost' when unusable)."""
        datasets = self.k.staff_datasets
        codes = sorted({row.nationality for d in datasets for row in d.rows if row.nationality},
                       key=lambda code: self.k.countries[code].name if code in self.k.countries else code)
        matrix = []
        for code in codes + [None]:
            cells = []
            for dataset in datasets:
                row = next((r for r in dataset.rows if r.nationality == code), None)
                lost = any(u.nationality == code for u in dataset.unusable) if code else False
                cells.append("lost" if lost else (format_number(row.total) if row else ""))
            matrix.append((code, cells))
        return matrix

    def cells_add_up(self, row) -> bool:
        return cells_add_up(row)

    def cells_sum(self, row) -> int:
        return cells_sum(row)

    def figure_text(self, figure, with_unit: bool = True) -> str:
        return format_figure(figure, with_unit)

    def differing_pair(self, first: FactRecord, second: FactRecord) -> tuple[str, str, str, str]:
        """(what, first's figures, second's figures, notes) for the table of disagreements.

        Where both facts carry the same metric, that is what they disagree on: its name and only
        its figures are shown; otherwise the first fact's statement and all figures.
        """
        theirs = {figure.metric for figure in second.fact.figures if figure.metric}
        shared = next((figure.metric for figure in first.fact.figures if figure.metric in theirs), None)

        def figures(record: FactRecord) -> str:
            chosen = [f for f in record.fact.figures if shared is None or f.metric == shared]
            return "; ".join(format_figure(figure) for figure in chosen) or "no figure"

        what = self.k.metrics[shared].label if shared else first.fact.statement
        notes = " ".join(dict.fromkeys(note for note in (first.fact.note, second.fact.note) if note))
        return what, figures(first), figures(second), notes

    # --- charts (iomfacts/charts.py): static SVG inlined, with its data table ---

    def chart(self, name: str) -> Markup:
        """The page's charts of that name (see charts.page_charts), each with its data table."""
        from . import charts

        if not hasattr(self, "_charts"):
            self._charts = charts.page_charts(self.k, self.page, self.page_paths)
        return charts.blocks(name, self._charts.get(name, []), self._chart_link)

    def _chart_link(self, link) -> Markup:
        if link.kind == "fact":
            return self.fact_link(link.target, link.label)
        if link.kind == "country":
            return self.country_link(link.target)
        if link.kind == "anchor":  # a section of this page
            return Markup(f"[{escape_markdown(link.label)}](#{escape_attribute(link.target)})")
        if link.kind == "row":  # where the chart's marks link to
            return Markup(f'<span id="{escape_attribute(link.target)}"></span>')
        raise ValueError(f"unknown chart link {link.kind!r}")

    def place(self, record: FactRecord) -> Markup:
        return escape_markdown(fact_cards.place(record))


def edit_base_url() -> str | None:
    """Where "edit" links point: IOM_EDIT_URL, or the repository a GitHub Actions run builds."""
    explicit = os.environ.get("IOM_EDIT_URL")
    base = None
    if explicit:
        base = explicit if explicit.endswith("/") else explicit + "/"
    elif os.environ.get("GITHUB_REPOSITORY"):
        server = os.environ.get("GITHUB_SERVER_URL", "https://github.com")
        base = f"{server}/{os.environ['GITHUB_REPOSITORY']}/edit/main/"
    # An address that is not a plain http(s) URL gets no links rather than a broken attribute.
    return base if base and escapes.is_safe_url(base) else None


def render_pages(knowledge: Knowledge, planned: list[Page], templates_dir: Path,
                 extra: dict[str, Any] | None = None, only: set[str] | None = None,
                 directory_urls: bool = True) -> dict[str, bytes]:
    """Planned pages as Markdown bytes, keyed by docs-relative path: all, or those in `only`.

    Links are decided against the whole plan either way (a page links to a country only if
    that country has a page), so rendering a subset gives the same bytes as rendering all.
    """
    env = _environment(templates_dir)
    page_paths = {page.path for page in planned}
    edit_base = edit_base_url()
    card_cache: dict = {}
    output: dict[str, bytes] = {}
    for page in planned:
        if only is not None and page.path not in only:
            continue
        template = env.get_template(page.template)
        helpers = PageHelpers(knowledge, page, page_paths, edit_base, (extra or {}).get("version"),
                              directory_urls, card_cache)
        text = template.render(k=knowledge, page=page, h=helpers, paths=paths,
                               **(extra or {}), **page.context)
        if extra and "version" in extra:  # every page says how old its data is
            # The stamp is on every page: not indexed, or search would find it 250 times.
            text = (text.rstrip("\n") + f"\n\n{escape_markdown(extra['version'].label)}\n"
                    + '{: .data-as-of data-search-exclude="" }\n')
        output[page.path] = text.encode("utf-8")
    return output
