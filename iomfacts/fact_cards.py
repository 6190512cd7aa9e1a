"""A fact in full (statement, figures, quote, differences, note, citation, links) as finished HTML.

Why HTML and not Markdown: the generator already knows every page, anchor and escaper, so
handing MkDocs a `<div markdown>` block with attribute lists only made Python-Markdown parse
each card a second time (md_in_html and attr_list were most of the MkDocs build), and made
an editor's text one escaping mistake away from markup. MkDocs passes a raw HTML block
through untouched; it still collects the ids in it for its anchor validation, and the search
plugin indexes the statement heading as before. It no longer checks the card's links, so
every link here is built from the page plan (a page that does not exist is never linked) and
the tests run LinkChecker, anchors included, over the built site and the offline bundle.

Links are written from the site root (`../` once per folder the page's URL is deep, then the
target's URL), so a card is the same text on every page at the same depth: a fact shown on
its year-and-pillar page and on several country pages is rendered once per depth, not once
per page.
"""

from __future__ import annotations

import html

from markupsafe import Markup

from . import pages as paths
from .knowledge import FactRecord
from .markdown_text import format_figure

KIND_LABELS = {"result": "Result", "plan": "Plan", "context": "Context"}


def page_url(doc_path: str, directory_urls: bool) -> str:
    """The URL (from the site root) MkDocs gives a docs file: 'years/2018/p1.md' is
    'years/2018/p1/' with directory URLs and 'years/2018/p1.html' without; other files
    (facts/<id>/index.html) keep their path, their folder named when directory URLs are on."""
    if doc_path.endswith(".md"):
        stem = doc_path[:-3]
        if stem == "index" or stem.endswith("/index"):
            folder = stem[: -len("index")]
            return folder if directory_urls else folder + "index.html"
        return stem + "/" if directory_urls else stem + ".html"
    if directory_urls and (doc_path == "index.html" or doc_path.endswith("/index.html")):
        return doc_path[: -len("index.html")]
    return doc_path


def root_prefix(doc_path: str, directory_urls: bool) -> str:
    """'../' once per folder of the page's URL: from there, a root URL is a relative link."""
    return "../" * page_url(doc_path, directory_urls).count("/")


class CardLinks:
    """What a card needs from the page it is on: URLs, which pages exist, the edit link."""

    def __init__(self, knowledge, page_path: str, page_paths: set[str], directory_urls: bool,
                 edit_link, version_label: str | None):
        self.k = knowledge
        self.page_path = page_path
        self.page_paths = page_paths
        self.directory_urls = directory_urls
        self.prefix = root_prefix(page_path, directory_urls)
        self.edit_link = edit_link  # record -> Markup (' · edit' or '')
        self.version_label = version_label

    def href(self, target: str, anchor: str | None = None) -> str:
        url = self.prefix + page_url(target, self.directory_urls)
        if anchor:
            url += "#" + anchor
        return _escape(url or "./")

    def a(self, label: str, target: str, anchor: str | None = None) -> str:
        """A link; `label` is plain text."""
        return f'<a href="{self.href(target, anchor)}">{_escape(label)}</a>'

    def pillar(self, pillar_id: str, anchor: str | None, label: str) -> str:
        target = paths.pillar_path(pillar_id)
        return self.a(label, target, anchor) if target in self.page_paths else _escape(label)

    def country(self, code: str) -> str:
        target = paths.country_path(code)
        name = self.k.countries[code].name
        return self.a(name, target) if target in self.page_paths else _escape(name)

    def fact(self, record: FactRecord, label: str, on_home_page: bool = False) -> str:
        """A link to the fact on its year-and-pillar page; from a card on that very page (its
        home, rendered for that page alone) just the anchor, so the browser only scrolls."""
        target = paths.fact_page_path(record)
        if on_home_page and target == self.page_path:
            return f'<a href="#{_escape(record.id)}">{_escape(label)}</a>'
        return self.a(label, target, record.id)


def _escape(text) -> str:
    """HTML text or attribute value (quotes too). Plain str and html.escape rather than
    Markup.format: a card is built from a few dozen pieces, 10,000 times at 10,000 facts."""
    return html.escape(str(text), quote=True)


def search_digits(figures) -> str:
    """Figures of four digits or more as a reader may type them, for search only: the page
    prints '2,964,410,000'; '2964410000' (search completes '2964') and '2 964 410 000'."""
    spellings = []
    for figure in figures:
        if figure.value >= 1000 and float(figure.value).is_integer():
            digits = str(int(figure.value))
            spellings += [digits, f"{int(figure.value):,}".replace(",", " ")]
    return " ".join(spellings)


def place(record: FactRecord) -> str:
    """'paragraph 12, Box 3': where in its document the fact is printed."""
    source = record.fact.source
    parts = [f"paragraph {source.paragraph}"] if source.paragraph is not None else []
    if source.section:
        parts.append(source.section)
    return ", ".join(parts)


def differences(knowledge, record: FactRecord) -> tuple[list[FactRecord], list[FactRecord]]:
    """The facts that give another figure for the same thing: (from other documents, from the
    same document). Only the first is a disagreement between sources."""
    others = [knowledge.by_id[other] for other in knowledge.differs.get(record.id, [])]
    document = record.fact.source.document
    return ([o for o in others if o.fact.source.document != document],
            [o for o in others if o.fact.source.document == document])


def differs_label(knowledge, record: FactRecord) -> str:
    """'Annual Report for 2017 (2017): 23 evaluations', naming the other fact's figures."""
    figures = "; ".join(format_figure(figure) for figure in record.fact.figures) or record.id
    return f"{knowledge.sources[record.fact.source.document].title} ({record.year}): {figures}"


def _figures(record: FactRecord, links: CardLinks) -> str:
    shown = []
    for figure in record.fact.figures:
        text = _escape(format_figure(figure))
        if figure.label:
            text += f" <small>{_escape(figure.label)}</small>"
        if figure.metric:
            text += f" <small>({links.a(links.k.metrics[figure.metric].label, paths.measure_path(figure.metric))})</small>"
        shown.append(f'<span class="fact-figure">{text}</span>')
    line = " ".join(shown)
    digits = search_digits(record.fact.figures)
    if digits:
        line += f' <span class="search-terms" aria-hidden="true">{_escape(digits)}</span>'
    return f'<p class="fact-figures">{line}</p>\n'


def _others(title: str, others: list[FactRecord], links: CardLinks, is_home: bool) -> str:
    listed = " · ".join(links.fact(o, differs_label(links.k, o), is_home) for o in others)
    return f'<p class="fact-differs"><strong>{title}</strong> {listed}</p>\n'


def differs_mark(knowledge, record: FactRecord) -> str:
    """The short mark on a fact listed in a line: '' when nothing differs."""
    between, within = differences(knowledge, record)
    return "sources differ" if between else ("two figures in the report" if within else "")


def short_citation(record: FactRecord) -> str:
    """'AR-2018 ¶3' or 'MI-2019 Foreword': where in which document, in a few characters."""
    source = record.fact.source
    where = f"¶{source.paragraph}" if source.paragraph is not None else (source.section or "")
    return f"{source.document.upper()} {where}".strip()


def _figures_inline(fact) -> str:
    """The figures after a one-line statement, each in bold."""
    return "".join(f' <span class="fact-figure">{_escape(format_figure(f))}</span>' for f in fact.figures)


def fact_line(record: FactRecord, links: CardLinks) -> str:
    """A fact in one list item (pillar, source, measure pages, and a country's facts about
    several countries): kind, statement, figures, a mark if figures differ, and a link to the
    fact in full. Its id is the anchor the cards' "all years" links point at."""
    fact = record.fact
    kind = _escape(fact.kind)
    figures = _figures_inline(fact)
    mark = differs_mark(links.k, record)
    marked = f' <span class="differs-mark">{mark}</span>' if mark else ""
    return (f'<li class="fact-brief" id="{_escape(record.id)}"><span class="fact-kind fact-kind-{kind}">'
            f'{KIND_LABELS[fact.kind]}</span> {_escape(fact.statement)}{figures}{marked} '
            f'{links.fact(record, short_citation(record))}</li>\n')


def brief_line(record: FactRecord, links: CardLinks, with_country: bool) -> str:
    """A line of an "In brief": year, (with_country: the country,) statement, figures, and a
    link to the fact in full: down the same page on a country page, whose card has the anchor;
    on a region page, to its year-and-pillar page."""
    fact = record.fact
    label = short_citation(record)
    if with_country:
        [code] = fact.countries
        lead, link = f"{links.country(code)}: ", links.fact(record, label)
    else:
        lead, link = "", f'<a href="#{_escape(record.id)}">{_escape(label)}</a>'
    return (f'<li class="fact-brief"><span class="brief-year">{record.year}</span> {lead}{_escape(fact.statement)}'
            f'{_figures_inline(fact)} {link}</li>\n')


def fact_card(record: FactRecord, links: CardLinks, is_home: bool, citation: str) -> Markup:
    """The card of one fact; `is_home` on its canonical (year-and-pillar) page, where it is
    indexed by search and carries its cite line; elsewhere it is a repeat, kept out of search."""
    k, fact = links.k, record.fact
    kind, fact_id = _escape(fact.kind), _escape(record.id)
    excluded = "" if is_home else ' data-search-exclude=""'
    # The statement is a heading, so that search indexes each fact on its own and a result
    # opens the page scrolled to it; the pilcrow is the permanent link the toc extension adds
    # to Markdown headings.
    parts = [f'<div class="fact fact-{kind}"{excluded}>\n',
             f'<h4 class="fact-statement" id="{fact_id}"><span class="fact-kind fact-kind-{kind}" '
             f'data-search-exclude="">{KIND_LABELS[fact.kind]}</span> {_escape(fact.statement)}'
             f'<a class="headerlink" href="#{fact_id}" title="Permanent link">&para;</a></h4>\n']
    if fact.figures:
        parts.append(_figures(record, links))
    source = links.a(k.sources[fact.source.document].title, paths.source_path(fact.source.document))
    parts.append(f'<blockquote>\n<p class="fact-quote">“{_escape(fact.quote)}”<br>— {source}, '
                 f'{_escape(place(record))}</p>\n</blockquote>\n')
    if record.is_mapped:
        mapped = links.pillar(record.mapped_pillar, None, k.pillars[record.mapped_pillar].title)
        parts.append(f'<p class="fact-mapped">Reported in the 2020 section <em>{_escape(record.crosswalk.title)}'
                     f'</em>, mapped to {mapped}.</p>\n')
    between, within = differences(k, record)
    if between:
        parts.append(_others("Sources differ.", between, links, is_home))
    if within:
        parts.append(_others("The report gives another figure.", within, links, is_home))
    if fact.note:
        parts.append(f'<p class="fact-note"><em>Note:</em> {_escape(fact.note)}</p>\n')
    if is_home:
        permalink = paths.fact_permalink(record.id)
        version = f" · {_escape(links.version_label)}" if links.version_label else ""
        parts.append(f'<p class="fact-cite" data-search-exclude="">Cite: {_escape(citation)} · permanent link '
                     f'{links.a(permalink, permalink + "index.html")}{version}</p>\n')
    pillar_short = k.pillars[record.pillar].short
    trail = [links.fact(record, "Link to this fact" if is_home else f"{record.year} › {pillar_short}", is_home),
             links.pillar(record.pillar, record.id, pillar_short + ", all years")]
    if record.is_mapped:
        trail.append(links.pillar(record.mapped_pillar, record.id,
                                  k.pillars[record.mapped_pillar].short + ", all years") + " (mapped)")
    trail += [links.country(code) for code in fact.countries]
    parts.append(f'<p class="fact-links" data-search-exclude="">{" · ".join(trail)}{links.edit_link(record)}</p>\n</div>')
    return Markup("".join(parts))
