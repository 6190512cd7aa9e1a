"""Charts drawn at build time as static SVG, inlined in the pages: no script, no request.

Each chart is a Vega-Lite specification (a plain dict, published as `data/charts/<id>.vl.json`)
rendered to SVG by vl-convert (Vega in an embedded runtime, no browser, no Node), then
finished here:

- The SVG is inlined in the page (a raw HTML block), not referenced by <img> (which cannot
  carry links or hover titles) or <object> (a separate document: its links would open inside
  the frame). Inline, it prints, works from file:// and in Kiwix, and costs no request.
- Its links point only at anchors on the same page (`#fact-id`, a row of the chart's data
  table, a section). MkDocs rewrites and checks links in Markdown but not in raw HTML, and the
  site (`countries/yem/`) and the offline bundle (`countries/yem.html`) spell page addresses
  differently, so a link to another page written into raw HTML would be right in one of them
  only. Same-page anchors are right in both; the data table next to every chart carries the
  links to other pages as Markdown, which MkDocs rewrites for each build and validates.
- The chart's message (computed from the data) is its figure's caption, which names the
  <figure> for assistive technology; the data table beside it holds the values and the links.
  The SVG itself is aria-hidden, with the message as its <title>, a <title> on every mark (its
  value, shown on hover), width 100% with its viewBox (no horizontal scroll on a phone), and
  without Vega's own ARIA attributes. Its marks link to their line or row on the page (the
  fact's line, the country's row), out of the tab order (tabindex="-1"): a pointer's shortcut
  that keyboard and screen-reader users get from the table instead. (As role="img" the SVG
  could not hold links at all: axe's nested-interactive rule.)
- Text from content reaches the SVG only as data values; Vega writes it XML-escaped and the
  SVG is parsed and serialized again with an XML library (`_finish`), which escapes it again
  if needed and fails on anything that is not well-formed. Links are checked to be same-page
  fragments of our own making.

Rendering costs about 0.05-0.1 s a chart (Vega measures every text item), so SVGs are cached
by the hash of their specification: in the process (the live preview re-renders only changed
charts) and on disk under build/chart-cache (a rebuild of unchanged content renders nothing).
The same specification always gives the same bytes (tests/test_charts.py builds twice).
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import os
import re
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from markupsafe import Markup

from . import views
from .knowledge import FactRecord, Knowledge
from .markdown_text import escape_markdown, format_figure, format_number

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

VEGA_LITE_VERSION = "5.20"  # passed to vl-convert, so an upgrade of its default changes nothing
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.20.json"  # in the published .vl.json only
# vl-convert resolves a relative href against this default base; it is taken off again.
VEGA_DEFAULT_BASE = "https://vega.github.io/vega-datasets/"

WORLD_ATLAS = Path(__file__).resolve().parent.parent / "vendor" / "world-atlas" / "countries-110m.json"

# Categorical colours: Okabe-Ito and Paul Tol's colour-blind-safe sets, each at 3:1 contrast
# or more against the white page (tests/test_charts.py checks). Documents also get a shape.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#332288", "#997700",
           "#882255", "#5D5D5D", "#117733", "#AA4499", "#007C91", "#A6761D"]
SHAPES = [("circle", "●"), ("square", "■"), ("triangle-up", "▲"), ("diamond", "◆"), ("cross", "✚")]
# Facts per country on the map: five classes of blue, the lightest at 3:1 against white.
MAP_CLASSES = [(1, "1 or 2"), (3, "3 to 9"), (10, "10 to 29"), (30, "30 to 99"), (100, "100 or more")]
MAP_COLOURS = ["#5B8FC7", "#3A73B5", "#1F5A99", "#123F73", "#0B2447"]
NO_DATA = "#E4E4E4"  # countries without facts: background, not a mark
INK = "#1F1F1F"
FONT = "Helvetica, Arial, sans-serif"
SCALES = {None: 1, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}

# Plot widths in SVG units. The page scales an SVG to its column (a phone: about 350 px), so
# a plot of about 330 units plus its axis keeps 12-unit labels at 11 px or more there.
WIDTH = 330
SMALL_WIDTH = 250

CONFIG = {
    "background": None,
    "font": FONT,
    "padding": 4,
    "view": {"stroke": None},
    "axis": {"labelFontSize": 13, "titleFontSize": 13, "labelColor": INK, "titleColor": INK,
             "domainColor": "#767676", "tickColor": "#767676", "gridColor": "#E0E0E0",
             "titleFontWeight": "normal", "labelLimit": 150},
    "legend": {"disable": True},  # keys are HTML beside the chart: they wrap on a phone
    "line": {"strokeWidth": 2},
    "point": {"size": 70, "filled": True, "opacity": 1},
    "bar": {"stroke": "#FFFFFF", "strokeWidth": 1},
}


# --- text ------------------------------------------------------------------------------

def spec_text(value: Any) -> str:
    """Content text for a specification: a plain str, whitespace folded to single spaces.

    It goes in as a data value only (never a field name, expression or format string, which
    Vega would interpret); Vega escapes it when it writes the SVG, and `_finish` re-serializes
    the SVG with an XML library. Nothing here may be XML-escaped, or it would show as '&lt;'."""
    return " ".join(str(value).split())


def html_text(value: Any) -> str:
    """Content text for the raw HTML around a chart (caption, key): HTML-escaped, quotes too.
    Markdown leaves raw HTML blocks alone, so no Markdown escaping is needed there."""
    return html.escape(spec_text(value), quote=True)


def number(value: float) -> str:
    return format_number(int(value) if float(value).is_integer() else value)


def figure_amount(figure) -> float:
    """The figure's value as a plain number: 1.8 billion is 1,800,000,000."""
    return float(figure.value) * SCALES[figure.scale]


def contrast(colour: str, background: str = "#FFFFFF") -> float:
    """WCAG contrast ratio of two #RRGGBB colours."""
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(colour), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _change(first: float, last: float) -> str:
    return "rose" if last > first else "fell" if last < first else "stayed"


def trend_message(subject: str, points: list[tuple[int, str, float]]) -> str:
    """'IOM staff rose from 10,184 in 2016 to 16,254 in 2020' from (year, text, value) points
    in year order; one point: 'IOM staff: 10,184 in 2016'."""
    if not points:
        return f"{subject}: no value"
    (y0, t0, v0), (y1, t1, v1) = points[0], points[-1]
    if y0 == y1:
        return f"{subject}: {t0} in {y0}"
    verb = _change(v0, v1)
    if verb == "stayed":
        return f"{subject} stayed at {t1} from {y0} to {y1}"
    return f"{subject} {verb} from {t0} in {y0} to {t1} in {y1}"


def _list_words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --- the chart object ------------------------------------------------------------------

@dataclass(frozen=True)
class Link:
    """A table cell that links: rendered by the page's helpers, so MkDocs rewrites it."""

    kind: str  # "fact", "country", "measure", "anchor"
    target: Any
    label: str


@dataclass
class Chart:
    id: str  # file-safe: data/charts/<id>.vl.json, and the figure's id "chart-<id>"
    spec: dict
    label: str  # the message: the accessible name and the caption
    columns: list[str]
    rows: list[list[Any]]  # cells: str, int/float (formatted), or Link
    keys: list[tuple[str, str, str]] = field(default_factory=list)  # (colour, symbol, text)
    notes: list[Any] = field(default_factory=list)  # Markdown lines after the table (Links or str)
    max_width: int = 480  # CSS pixels the SVG may grow to on a wide screen

    def spec_json(self) -> bytes:
        return (json.dumps(self.spec, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _base_spec(width: int, height: int, description: str) -> dict:
    return {"$schema": SCHEMA, "description": spec_text(description), "width": width, "height": height,
            "config": CONFIG}


# --- rendering and caching -------------------------------------------------------------

_memory: dict[str, str] = {}
_disk: Path | None = None
RENDERED = {"count": 0, "seconds": 0.0}  # for the bench (seconds summed over threads)
_counting = threading.Lock()


def cache_folder(root: Path) -> Path:
    """Where rendered SVGs are kept: build/chart-cache, or IOM_CHART_CACHE (the tests share one
    folder between their many throwaway checkouts; a CI job can keep it between runs). Safe to
    share: an entry is named by the hash of its specification, vl-convert's version and this
    module's source."""
    shared = os.environ.get("IOM_CHART_CACHE")
    return Path(shared) if shared else root / "build" / "chart-cache"


def use_disk_cache(folder: Path | None) -> None:
    """Keep rendered SVGs under `folder` too (build/chart-cache), keyed by spec hash."""
    global _disk
    _disk = folder


def _spec_key(spec: dict) -> str:
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((VEGA_LITE_VERSION + _vl_convert_version() + text).encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=1)
def _vl_convert_version() -> str:
    """vl-convert's version and this module's source: either changing makes new SVGs."""
    from importlib.metadata import version

    return version("vl-convert-python") + hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def render_svg(spec: dict, finish: Callable[[str], str] = lambda svg: svg, salt: str = "") -> str:
    """Vega-Lite to SVG text, finished by `finish`, cached by the specification's hash (with
    `salt`: whatever else `finish` depends on)."""
    key = _spec_key({"spec": spec, "salt": salt})
    if key in _memory:
        return _memory[key]
    cached = _disk / f"{key}.svg" if _disk else None
    if cached is not None and cached.is_file():
        svg = cached.read_text(encoding="utf-8")
    else:
        import time

        import vl_convert

        started = time.perf_counter()
        svg = finish(vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE_VERSION))
        with _counting:
            RENDERED["count"] += 1
            RENDERED["seconds"] += time.perf_counter() - started
        if cached is not None:
            try:
                cached.parent.mkdir(parents=True, exist_ok=True)
                temporary = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
                temporary.write_text(svg, encoding="utf-8")
                os.replace(temporary, cached)
            except OSError:
                pass  # a cache that cannot be written only costs time
    _memory[key] = svg
    return svg


class UnsafeChart(ValueError):
    """A rendered chart holds something our charts never make (a foreign link, a script)."""


_FORBIDDEN = {"script", "foreignObject", "image", "use", "iframe", "style"}


def _finish(svg: str, label: str, max_width: int) -> str:
    """vl-convert's SVG made into the page's chart: see the module docstring."""
    root = ET.fromstring(svg)
    view_box = root.get("viewBox")
    for name in ("width", "height", "version"):
        root.attrib.pop(name, None)
    root.attrib.pop("class", None)
    root.set("class", "chart")
    root.set("viewBox", view_box)
    root.set("aria-hidden", "true")  # the figure's caption and data table speak for it
    root.set("focusable", "false")
    root.set("style", f"width:100%;height:auto;max-width:{max_width}px")
    title = ET.Element(f"{{{SVG_NS}}}title")
    title.text = label
    root.insert(0, title)
    for element in root.iter():
        tag = element.tag.split("}")[-1]
        if tag in _FORBIDDEN:
            raise UnsafeChart(f"a chart may not contain <{tag}>")
        for attribute in list(element.attrib):
            if attribute.lower().startswith("on"):
                raise UnsafeChart(f"a chart may not carry {attribute}")
        mark_label = element.attrib.pop("aria-label", None) if element is not root else None
        for attribute in ("role", "aria-roledescription", "aria-hidden"):
            if element is not root:
                element.attrib.pop(attribute, None)
        if mark_label and tag in ("path", "rect", "circle", "line") and len(element) == 0:
            hover = ET.SubElement(element, f"{{{SVG_NS}}}title")
            hover.text = mark_label
        if tag == "a":
            href = element.attrib.pop(f"{{{XLINK_NS}}}href", None) or element.attrib.pop("href", "")
            if href.startswith(VEGA_DEFAULT_BASE):
                href = href[len(VEGA_DEFAULT_BASE):]
            if href in ("", "null", "undefined"):  # a mark without a link (a country without a page)
                element.set("data-unlinked", "")
                continue
            if not re.fullmatch(r"#[A-Za-z0-9][A-Za-z0-9_.:-]*", href):
                raise UnsafeChart(f"a chart links only to an anchor on its page, not to {href[:60]!r}")
            # A mark links to its line or row on the page, which links on to the fact or page:
            # a pointer's shortcut, out of the tab order (the data table carries the same links
            # for the keyboard and assistive technology; the SVG is aria-hidden).
            element.set("href", href)
            element.set("tabindex", "-1")
    _unwrap_empty_links(root)
    # ElementTree writes attributes in the order they were set and escapes all text: the
    # same input gives the same bytes.
    return ET.tostring(root, encoding="unicode")


def _unwrap_empty_links(root: ET.Element) -> None:
    """Replace each <a> that links nowhere by its children."""
    for parent in list(root.iter()):
        index = 0
        while index < len(parent):
            child = parent[index]
            if child.tag == f"{{{SVG_NS}}}a" and "data-unlinked" in child.attrib:
                parent.remove(child)
                for offset, grandchild in enumerate(list(child)):
                    parent.insert(index + offset, grandchild)
                continue  # look at the same index again: it now holds the first grandchild
            index += 1


def chart_svg(chart: Chart) -> str:
    return render_svg(chart.spec, lambda svg: _finish(svg, chart.label, chart.max_width), _salt(chart))


def _salt(chart: Chart) -> str:
    return f"{chart.label}\n{chart.max_width}"


def prerender(knowledge: Knowledge, planned: list, page_paths: set[str]) -> None:
    """Render every chart of a full build before the pages ask for them, on every core:
    vl-convert releases the GIL, so threads shorten a cold build's chart time (on two cores
    about 1.3x for the 254 charts at 10,000 facts; BENCHMARKS.md). Pages then take their SVG
    from the memory cache."""
    from concurrent.futures import ThreadPoolExecutor

    todo: dict[str, Chart] = {}
    for page in planned:
        for made in page_charts(knowledge, page, page_paths).values():
            for chart in made:
                key = _spec_key({"spec": chart.spec, "salt": _salt(chart)})
                if key not in _memory:
                    todo.setdefault(key, chart)
    if not todo:
        return
    workers = min(len(todo), os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(chart_svg, todo.values()))  # in the cache now; errors surface here


def _cell(value: Any, render_link: Callable[[Link], Markup]) -> Markup:
    if isinstance(value, Link):
        return render_link(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return escape_markdown(number(value))
    return escape_markdown(spec_text(value))


def block(chart: Chart, render_link: Callable[[Link], Markup]) -> Markup:
    """The chart as page Markdown: the figure (raw HTML, the SVG inline, its key and caption),
    then its data in a collapsed table (Markdown, so MkDocs rewrites and checks the links)."""
    keys = ""
    if chart.keys:
        keys = '<ul class="chart-key">' + "".join(
            f'<li><span class="chart-key-mark" style="color:{colour}" aria-hidden="true">{symbol}</span> '
            f"{html_text(text)}</li>" for colour, symbol, text in chart.keys) + "</ul>"
    figure = (f'<figure class="chart-figure" id="chart-{chart.id}" data-search-exclude="">\n'
              f"{chart_svg(chart)}\n{keys}<figcaption>{html_text(chart.label)}</figcaption>\n</figure>\n")
    header = "| " + " | ".join(escape_markdown(c) for c in chart.columns) + " |\n"
    header += "|" + "---|" * len(chart.columns) + "\n"
    lines = "".join("| " + " | ".join(_cell(value, render_link) for value in row) + " |\n" for row in chart.rows)
    notes = "".join("\n" + "".join(_cell(v, render_link) for v in note) + "\n" for note in chart.notes)
    details = (f'<details class="chart-data" markdown="1" data-search-exclude="">\n'
               f"<summary>The data of this chart</summary>\n\n{header}{lines}{notes}\n</details>\n")
    return Markup(f"\n{figure}\n{details}\n")


GRID_NAMES = {"headline"}  # small multiples: side by side where the page is wide enough


def blocks(name: str, charts: list[Chart], render_link: Callable[[Link], Markup]) -> Markup:
    if charts and name in GRID_NAMES:
        # One grid cell per chart, holding its figure and its data table together (as direct
        # children of the grid they would land in separate cells, side by side).
        cells = "".join(f'\n<div class="chart-cell" markdown="1">\n{block(chart, render_link)}\n</div>\n'
                        for chart in charts)
        return Markup(f'\n<div class="chart-grid" markdown="1">\n{cells}\n</div>\n')
    return Markup("").join(block(chart, render_link) for chart in charts)


# --- the charts ------------------------------------------------------------------------

def _value_axis(unit: str) -> dict:
    """A y axis with few ticks, large numbers as 1.2M / 3B (Vega's 'G' for billion replaced)."""
    label = "replace(format(datum.value, '~s'), 'G', 'B')"
    if unit == "per cent":
        label = "format(datum.value, '~r') + '%'"
    return {"title": None, "tickCount": 4, "labelExpr": label, "grid": True}


def _documents(knowledge: Knowledge, values: list[views.Value]) -> dict[str, int]:
    """Documents in the order of the sources file: colour and shape index of each."""
    used = {value.document for value in values}
    return {doc: index for index, doc in enumerate(d for d in knowledge.sources if d in used)}


PLAN_COLOUR = "#5D5D5D"  # plans and projections: grey hollow diamonds, 6.5:1 against white
PLAN_KEY = "Plan or projection (not joined to the results)"


def measure_chart(knowledge: Knowledge, metric_id: str, cells: list[views.Cell], chart_id: str,
                  subject: str | None = None, links: bool = True, small: bool = False,
                  plans: list[views.Cell] = ()) -> Chart | None:
    """A measure's value by year, one series per source document; every distinct printed value
    is a point (two documents disagreeing in a year: two points), linking to its fact.

    Plans, projections and targets (`plans`) are hollow markers of their own, in a layer
    without a line: a projection is never a point on the line of what happened."""
    metric = knowledge.metrics[metric_id]
    shown = [value for cell in cells for value in cell.shown]
    if len({cell.year for cell in cells}) < 2:
        return None  # one year is a number, not a chart: the table says it
    documents = _documents(knowledge, shown)
    subject = subject or metric.label
    rows, data = [], []
    for cell in cells:
        for value in cell.shown:
            text = format_figure(value.figure)
            title = knowledge.sources[value.document].title
            data.append({"year": str(cell.year), "value": figure_amount(value.figure),
                         "document": spec_text(title), "series": documents[value.document],
                         "tip": spec_text(f"{cell.year}: {text} ({title})"),
                         **({"href": f"#{value.record.id}"} if links else {})})
            rows.append([str(cell.year), Link("fact", value.record, text), title,
                         {"documents": "sources differ", "one document": "two figures in one report"}
                         .get(cell.disagreement or "", "")])
    plan_data = []
    for cell in plans:
        for value in cell.plans:
            text = format_figure(value.figure)
            title = knowledge.sources[value.document].title
            plan_data.append({"year": str(cell.year), "value": figure_amount(value.figure),
                              "tip": spec_text(f"{cell.year}, planned or projected: {text} ({title})"),
                              **({"href": f"#{value.record.id}"} if links else {})})
            rows.append([str(cell.year), Link("fact", value.record, text), title, "plan or projection"])
    # The message runs from the first year to the last, each year's first value (the order of
    # the sources file); where documents disagree, the message says so.
    unit_kept = metric.unit in ("USD", "per cent")
    points = [(cell.year, format_figure(cell.shown[0].figure, with_unit=unit_kept),
               figure_amount(cell.shown[0].figure)) for cell in cells]
    label = trend_message(subject, points)
    differ = [str(cell.year) for cell in cells if cell.disagreement == "documents"]
    if differ:
        label += f"; the documents give different values for {_list_words(differ)}"
    if plan_data:
        planned = sorted({row["year"] for row in plan_data})
        label += f"; a plan or projection for {_list_words(planned)} is marked apart"
    width, height = (SMALL_WIDTH, 110) if small else (WIDTH, 170)
    colour = {"field": "series", "type": "ordinal", "legend": None,
              "scale": {"domain": list(range(len(documents))), "range": PALETTE[:len(documents)]}}
    shape = {"field": "series", "type": "ordinal", "legend": None,
             "scale": {"domain": list(range(len(documents))),
                       "range": [SHAPES[i % len(SHAPES)][0] for i in range(len(documents))]}}
    x = {"field": "year", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}}
    y = {"field": "value", "type": "quantitative", "axis": _value_axis(metric.unit),
         "scale": {"zero": False, "nice": True}}
    point_encoding = {"x": x, "y": y, "color": colour, "shape": shape, "description": {"field": "tip"}}
    if links:
        point_encoding["href"] = {"field": "href"}
    spec = _base_spec(width, height, label)
    layers = [
        {"mark": {"type": "line"}, "encoding": {"x": x, "y": y, "color": colour, "detail": {"field": "series"}}},
        {"mark": {"type": "point"}, "encoding": point_encoding}]
    if plan_data:
        plan_encoding = {"x": x, "y": y, "description": {"field": "tip"}}
        if links:
            plan_encoding["href"] = {"field": "href"}
        layers.append({"data": {"values": plan_data},
                       "mark": {"type": "point", "shape": "diamond", "filled": False, "strokeWidth": 2,
                                "color": PLAN_COLOUR},
                       "encoding": plan_encoding})
    spec.update({"data": {"values": data}, "layer": layers})
    keys = [(PALETTE[i], SHAPES[i % len(SHAPES)][1], knowledge.sources[doc].title)
            for doc, i in documents.items()] if len(documents) > 1 or not small else []
    if plan_data:
        keys.append((PLAN_COLOUR, "◇", PLAN_KEY))
    return Chart(chart_id, spec, label, ["Year", "Value", "Document", ""], rows, keys,
                 max_width=380 if small else 480)


def country_measure_charts(knowledge: Knowledge, profile: views.CountryProfile) -> list[Chart]:
    """One line per per-country measure with values in two years or more for the country."""
    charts = []
    for row in profile.key_figures:
        if row.metric is None or len(row.cells) < 2:
            continue
        chart = measure_chart(knowledge, row.metric.id, list(row.cells.values()),
                              f"{profile.country.code.lower()}-{row.metric.id}",
                              subject=f"{row.metric.label}, {profile.country.name},")
        if chart:
            charts.append(chart)
    return charts


def pillar_chart(knowledge: Knowledge, profile: views.CountryProfile) -> Chart | None:
    """Facts that name the country, per year, stacked by pillar; a bar opens the year."""
    years = profile.years
    if len(years) < 2 or not profile.pillar_counts:
        return None
    name = profile.country.name
    data, rows = [], []
    totals = {year: 0 for year in years}
    for order, (pillar, per_year) in enumerate(profile.pillar_counts):
        for year in years:
            count = per_year.get(year, 0)
            totals[year] += count
            if count:
                data.append({"year": str(year), "facts": count, "pillar": order, "href": f"#y{year}",
                             "tip": spec_text(f"{year}, {pillar.short}: {count} fact{'s' if count != 1 else ''}")})
        rows.append([pillar.title] + [per_year.get(year, 0) for year in years])
    rows.append(["All themes"] + [totals[year] for year in years])
    peak = max(years, key=lambda year: (totals[year], -year))
    top_pillar, top_counts = max(profile.pillar_counts, key=lambda item: sum(item[1].values()))
    total = sum(totals.values())
    label = (f"Facts that name {spec_text(name)} by year: most in {peak} ({totals[peak]} of {total}); "
             f"the largest theme is {spec_text(top_pillar.short)} ({sum(top_counts.values())})")
    count = len(profile.pillar_counts)
    spec = _base_spec(WIDTH, 170, label)
    spec.update({"data": {"values": data}, "mark": {"type": "bar"}, "encoding": {
        "x": {"field": "year", "type": "ordinal", "title": None, "axis": {"labelAngle": 0},
              "scale": {"domain": [str(y) for y in years]}},
        "y": {"field": "facts", "type": "quantitative", "stack": "zero",
              "axis": {"title": None, "tickCount": 4, "format": "d", "grid": True}},
        "color": {"field": "pillar", "type": "ordinal", "legend": None,
                  "scale": {"domain": list(range(count)), "range": [PALETTE[i % len(PALETTE)] for i in range(count)]}},
        "order": {"field": "pillar", "type": "quantitative"},
        "description": {"field": "tip"}, "href": {"field": "href"}}})
    keys = [(PALETTE[i % len(PALETTE)], "■", pillar.short) for i, (pillar, _) in enumerate(profile.pillar_counts)]
    return Chart(f"{profile.country.code.lower()}-facts-by-year", spec, label,
                 ["Theme"] + [str(y) for y in years], rows, keys)


def _numeric_codes(knowledge: Knowledge) -> dict[str, str]:
    """Our alpha-3 codes to the atlas' ISO 3166-1 numeric ids (pycountry), where they exist."""
    import pycountry

    found = {}
    for code in knowledge.countries:
        country = pycountry.countries.get(alpha_3=code)
        if country is not None:
            found[code] = country.numeric
    return found


_atlas: dict | None = None


def _world() -> dict:
    global _atlas
    if _atlas is None:
        _atlas = json.loads(WORLD_ATLAS.read_text(encoding="utf-8"))
    return _atlas


def world_shapes() -> set[str]:
    return {str(g["id"]) for g in _world()["objects"]["countries"]["geometries"] if "id" in g}


def facts_map(knowledge: Knowledge, with_page: set[str]) -> Chart:
    """Facts per country on a world map (Equal Earth); a shape opens the country's line in
    the table below, which links to its page. Codes without a shape are listed, not dropped."""
    numeric = _numeric_codes(knowledge)
    shapes = world_shapes()
    counted = sorted(((len(knowledge.facts_for_country(c.code)), c) for c in knowledge.countries_with_facts),
                     key=lambda item: (-item[0], item[1].name))
    data, rows, unmapped = [], [], []
    for count, country in counted:
        number_id = numeric.get(country.code)
        region = knowledge.regions[country.region].name
        on_map = number_id in shapes
        cell = Link("country", country.code, country.name)
        rows.append([Link("row", f"map-{country.code.lower()}", ""), cell, region, count,
                     "" if on_map else "not on the map"])
        if not on_map:
            unmapped.append((country, count))
            continue
        tip = f"{country.name}: {count} fact{'s' if count != 1 else ''}"
        data.append({"id": number_id, "facts": count, "tip": spec_text(tip),
                     **({"href": f"#map-{country.code.lower()}"} if country.code in with_page else {})})
    top = [f"{spec_text(c.name)} ({n})" for n, c in counted[:3]]
    label = (f"Facts per country: {len(counted)} countries and territories are named, most often "
             f"{_list_words(top)}")
    spec = _base_spec(420, 220, label)
    spec.update({
        "data": {"values": _world(), "format": {"type": "topojson", "feature": "countries"}},
        "transform": [{"filter": "datum.id != '010'"},  # Antarctica
                      {"lookup": "id", "from": {"data": {"values": data}, "key": "id",
                                                "fields": ["facts", "tip", "href"]}}],
        "projection": {"type": "equalEarth"},
        "mark": {"type": "geoshape", "stroke": "#FFFFFF", "strokeWidth": 0.5, "invalid": None},
        "encoding": {
            "color": {"condition": {"test": "!isValid(datum.facts)", "value": NO_DATA},
                      "field": "facts", "type": "quantitative", "legend": None,
                      "scale": {"type": "threshold", "domain": [t for t, _ in MAP_CLASSES[1:]],
                                "range": MAP_COLOURS}},
            "description": {"field": "tip"},
            "href": {"field": "href"}}})
    keys = [(colour, "■", f"{text} facts") for colour, (_, text) in zip(MAP_COLOURS, MAP_CLASSES)]
    keys.append((NO_DATA, "■", "no fact"))
    notes = []
    if unmapped:
        note: list[Any] = ["Not on the map (no shape at this scale): "]
        for index, (country, count) in enumerate(sorted(unmapped, key=lambda item: item[0].name)):
            note += [Link("country", country.code, country.name), f" ({count})",
                     ", " if index < len(unmapped) - 1 else "."]
        notes.append(note)
    return Chart("countries-map", spec, label, ["", "Country or territory", "Region", "Facts", ""], rows, keys,
                 notes=notes, max_width=760)


def _bars(chart_id: str, label: str, data: list[dict], category_title: str, unit: str,
          stacked_by: list[str] | None = None, link: bool = False, width: int = WIDTH) -> dict:
    """Horizontal bars, largest first (the data's order), optionally stacked by 'part'."""
    categories = list(dict.fromkeys(row["category"] for row in data))
    spec = _base_spec(width - 90, max(60, 24 * len(categories)), label)
    encoding: dict = {
        "y": {"field": "category", "type": "nominal", "title": None, "sort": categories,
              "axis": {"labelLimit": 130}},
        "x": {"field": "amount", "type": "quantitative", "stack": "zero",
              "axis": {**_value_axis(unit), "tickCount": 3}},
        "description": {"field": "tip"}}
    if stacked_by:
        encoding["color"] = {"field": "part", "type": "ordinal", "legend": None,
                             "scale": {"domain": list(range(len(stacked_by))),
                                       "range": [PALETTE[i % len(PALETTE)] for i in range(len(stacked_by))]}}
        encoding["order"] = {"field": "part", "type": "quantitative"}
    else:
        encoding["color"] = {"value": PALETTE[0]}
    if link:
        encoding["href"] = {"field": "href"}
    spec.update({"data": {"values": data}, "mark": {"type": "bar"}, "encoding": encoding})
    return spec


def funding_charts(knowledge: Knowledge, dataset) -> list[Chart]:
    """Requirements by region stacked by pillar; by pillar; the largest country requirements."""
    unit = dataset.unit
    pillars = dataset.pillars
    shorts = [knowledge.pillars[p].short for p in pillars]
    summary = sorted(dataset.summary, key=lambda row: (-row.total, row.label))
    grand = dataset.summary_total.total
    data, rows = [], []
    for row in summary:
        for index, pillar in enumerate(pillars):
            amount = row.cells.get(pillar)
            if amount:
                data.append({"category": spec_text(row.label), "amount": amount, "part": index,
                             "tip": spec_text(f"{row.label}, {shorts[index]}: {unit} {number(amount)}"),
                             **({"href": f"#{row.region}"} if row.region else {})})
        rows.append([Link("anchor", row.region, row.label) if row.region else row.label]
                    + [row.cells.get(p) if row.cells.get(p) is not None else "–" for p in pillars] + [row.total])
    first = summary[0]
    label = (f"{spec_text(first.label)} had the largest {dataset.year} requirement: {unit} {number(first.total)} "
             f"of {unit} {number(grand)} ({100 * first.total / grand:.0f}%)")
    for index, row in enumerate(data):  # regions without a section (global initiatives) do not link
        row.setdefault("href", "#by-region")
    regions = Chart(f"{dataset.id}-by-region", _bars("", label, data, "Region", unit, shorts, link=True),
                    label, ["Region"] + shorts + ["Total"], rows,
                    [(PALETTE[i % len(PALETTE)], "■", s) for i, s in enumerate(shorts)])

    totals = [(knowledge.pillars[p].short, dataset.summary_total.cells.get(p) or 0, p) for p in pillars]
    ranked = sorted(totals, key=lambda item: (-item[1], item[0]))
    label2 = (f"{spec_text(ranked[0][0])} had the largest share of the {dataset.year} requirements: "
              f"{unit} {number(ranked[0][1])} of {unit} {number(grand)} ({100 * ranked[0][1] / grand:.0f}%)")
    data2 = [{"category": spec_text(short), "amount": amount, "tip": spec_text(f"{short}: {unit} {number(amount)}")}
             for short, amount, _ in ranked]
    by_pillar = Chart(f"{dataset.id}-by-pillar", _bars("", label2, data2, "Pillar", unit),
                      label2, ["Pillar", "Requirement"],
                      [[knowledge.pillars[p].title, amount] for _, amount, p in ranked])

    countries = [(table, row) for table in dataset.regions for row in table.rows if len(row.countries) == 1]
    countries.sort(key=lambda pair: (-pair[1].total, pair[1].label))
    largest = countries[:12]
    data3 = [{"category": spec_text(knowledge.countries[row.countries[0]].name), "amount": row.total,
              "tip": spec_text(f"{knowledge.countries[row.countries[0]].name}: {unit} {number(row.total)}"),
              "href": f"#{table.region}"} for table, row in largest]
    top = largest[0][1]
    label3 = (f"{spec_text(knowledge.countries[top.countries[0]].name)} had the largest country requirement "
              f"for {dataset.year}: {unit} {number(top.total)}")
    by_country = Chart(f"{dataset.id}-largest-countries",
                       _bars("", label3, data3, "Country", unit, link=True),
                       label3, ["Country", "Region", "Requirement"],
                       [[Link("country", row.countries[0], knowledge.countries[row.countries[0]].name),
                         Link("anchor", table.region, table.label), row.total] for table, row in largest])
    return [regions, by_pillar, by_country]


CATEGORY_NAMES = {"general-service": "General Service and National Officers",
                  "professional": "Professional and higher"}


def staff_charts(knowledge: Knowledge) -> list[Chart]:
    """Staff by category over the years; women's share; the largest nationalities."""
    datasets = sorted(knowledge.staff_datasets, key=lambda d: (d.year, d.category))
    if not datasets:
        return []
    categories = [c for c in CATEGORY_NAMES if any(d.category == c for d in datasets)]
    years = sorted({d.year for d in datasets})
    data, by_year = [], {}
    for d in datasets:
        index = categories.index(d.category)
        data.append({"year": str(d.year), "staff": d.printed_total.total, "part": index,
                     "tip": spec_text(f"{d.year}, {CATEGORY_NAMES[d.category]}: {number(d.printed_total.total)}")})
        by_year.setdefault(d.year, {})[d.category] = d.printed_total
    totals = [(y, number(sum(c.total for c in by_year[y].values())), sum(c.total for c in by_year[y].values()))
              for y in years]
    label = trend_message("IOM staff in the staff annexes", totals)
    spec = _base_spec(WIDTH, 170, label)
    spec.update({"data": {"values": data}, "mark": {"type": "bar"}, "encoding": {
        "x": {"field": "year", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}},
        "y": {"field": "staff", "type": "quantitative", "stack": "zero", "axis": _value_axis("staff")},
        "color": {"field": "part", "type": "ordinal", "legend": None,
                  "scale": {"domain": list(range(len(categories))), "range": PALETTE[:len(categories)]}},
        "order": {"field": "part", "type": "quantitative"}, "description": {"field": "tip"}}})
    rows = [[str(y)] + [by_year[y][c].total if c in by_year[y] else "" for c in categories]
            + [sum(c.total for c in by_year[y].values())] for y in years]
    charts = [Chart("staff-by-category", spec, label, ["Year"] + [CATEGORY_NAMES[c] for c in categories] + ["Total"],
                    rows, [(PALETTE[i], "■", CATEGORY_NAMES[c]) for i, c in enumerate(categories)])]

    shares = []
    for y in years:
        counts = list(by_year[y].values())
        if all(c.women is not None for c in counts) and len(counts) == len(categories):
            women, total = sum(c.women for c in counts), sum(c.total for c in counts)
            shares.append((y, women, total))
    if len(shares) >= 2:
        points = [(y, f"{100 * w / t:.1f}%", round(100 * w / t, 1)) for y, w, t in shares]
        label2 = trend_message("The share of women among IOM staff", points)
        data2 = [{"year": str(y), "share": value, "tip": spec_text(f"{y}: {text} women")} for y, text, value in points]
        spec2 = _base_spec(WIDTH, 150, label2)
        x = {"field": "year", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}}
        yenc = {"field": "share", "type": "quantitative", "axis": _value_axis("per cent"),
                "scale": {"domain": [0, 100]}}
        spec2.update({"data": {"values": data2}, "layer": [
            {"mark": {"type": "line", "color": PALETTE[1]}, "encoding": {"x": x, "y": yenc}},
            {"mark": {"type": "point", "color": PALETTE[1]}, "encoding": {"x": x, "y": yenc,
                                                                          "description": {"field": "tip"}}}]})
        charts.append(Chart("staff-women-share", spec2, label2, ["Year", "Women", "All staff", "Share"],
                            [[str(y), w, t, f"{100 * w / t:.1f}%"] for y, w, t in shares]))

    latest = years[-1]
    totals_by_country: dict[str, int] = {}
    for d in datasets:
        if d.year == latest:
            for row in d.rows:
                if row.nationality:
                    totals_by_country[row.nationality] = totals_by_country.get(row.nationality, 0) + row.total
    ranked = sorted(totals_by_country.items(), key=lambda item: (-item[1], knowledge.countries[item[0]].name))[:12]
    if ranked:
        name = knowledge.countries[ranked[0][0]].name
        label3 = (f"{spec_text(name)} was the largest nationality among IOM staff in {latest}: "
                  f"{number(ranked[0][1])} staff")
        data3 = [{"category": spec_text(knowledge.countries[code].name), "amount": total,
                  "tip": spec_text(f"{knowledge.countries[code].name}: {number(total)} staff")}
                 for code, total in ranked]
        charts.append(Chart("staff-largest-nationalities",
                            _bars("staff-largest-nationalities", label3, data3, "Nationality", "staff"),
                            label3, ["Nationality", f"Staff in {latest}"],
                            [[Link("country", code, knowledge.countries[code].name), total] for code, total in ranked]))
    return charts


def headline_charts(knowledge: Knowledge, prefix: str) -> list[Chart]:
    """Small line charts of the headline measures (home page, comparison page)."""
    charts = []
    for metric in knowledge.metrics.values():
        if not metric.headline or metric.scope != "global":
            continue
        view = views.measure_view(knowledge, metric.id)
        chart = measure_chart(knowledge, metric.id, view.by_year, f"{prefix}-{metric.id}", links=False, small=True,
                              plans=view.plans)
        if chart:
            charts.append(chart)
    return charts


# --- which page has which charts -------------------------------------------------------

def page_charts(knowledge: Knowledge, page, page_paths: set[str]) -> dict[str, list[Chart]]:
    """The charts of a page, by the name its template asks for. The one place that decides,
    so the pages and the published specifications always agree."""
    if os.environ.get("IOM_CHARTS") == "off":  # to time a build without charts (bench)
        return {}
    made = knowledge.__dict__.setdefault("_charts_by_page", {})  # computed once per build
    if page.path not in made:
        made[page.path] = _page_charts(knowledge, page, page_paths)
    return made[page.path]


def _page_charts(knowledge: Knowledge, page, page_paths: set[str]) -> dict[str, list[Chart]]:
    template = page.template
    found: dict[str, list[Chart]] = {}
    if template == "measure.md.j2":
        metric = page.context["metric"]
        view = views.measure_view(knowledge, metric.id)
        if view.by_year:
            chart = measure_chart(knowledge, metric.id, view.by_year, f"measure-{metric.id}", plans=view.plans)
            if chart:
                found["by-year"] = [chart]
    elif template == "country.md.j2":
        profile = views.country_profile(knowledge, page.context["country"].code)
        chart = pillar_chart(knowledge, profile)
        found["glance"] = [chart] if chart else []
        found["key-figures"] = country_measure_charts(knowledge, profile)
    elif template == "countries_index.md.j2":
        with_page = {path.split("/")[-1][:-3].upper() for path in page_paths if path.startswith("countries/")}
        found["map"] = [facts_map(knowledge, with_page)] if knowledge.countries_with_facts else []
    elif template == "funding.md.j2":
        for dataset in knowledge.funding_datasets:
            regions, pillars, countries = funding_charts(knowledge, dataset)
            found[f"by-region-{dataset.id}"] = [regions]
            found[f"by-pillar-{dataset.id}"] = [pillars]
            found[f"countries-{dataset.id}"] = [countries]
    elif template == "staff.md.j2":
        made = staff_charts(knowledge)
        found["by-category"] = [c for c in made if c.id != "staff-largest-nationalities"]
        found["nationalities"] = [c for c in made if c.id == "staff-largest-nationalities"]
    elif template == "compare.md.j2":
        found["headline"] = headline_charts(knowledge, "compare")
    elif template == "home.md.j2":
        found["headline"] = headline_charts(knowledge, "home")
    return found


def spec_files(knowledge: Knowledge, planned: list) -> dict[str, bytes]:
    """Every chart's Vega-Lite specification, as data/charts/<id>.vl.json."""
    page_paths = {page.path for page in planned}
    files = {}
    for page in planned:
        for charts in page_charts(knowledge, page, page_paths).values():
            for chart in charts:
                files[f"data/charts/{chart.id}.vl.json"] = chart.spec_json()
    return files
