"""Keeping mkdocs.yml's `nav` in step with the pages the content produces.

The sidebar is written by hand in mkdocs.yml (so that any MkDocs-compatible builder reads the
same file), but which year and pillar pages exist depends on the content. A page without a nav
entry, or a nav entry without a page, is reported like any content problem, with its place.
"""

from __future__ import annotations

from .pages import Page, nav_pages
from .problems import Problems, display_path
from .strict_yaml import read_yaml


def _nav_entries(node, path=("nav",)):
    """(docs path, YAML path) for every page named in a nav tree."""
    if isinstance(node, str):
        yield node, path
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _nav_entries(item, path + (index,))
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _nav_entries(value, path + (key,))


def check_navigation(layout, planned: list[Page], problems: Problems) -> None:
    display = display_path(layout.mkdocs_config, layout.root)
    doc = read_yaml(layout.mkdocs_config.read_bytes(), display, problems)
    if doc is None:
        return
    entries = dict(_nav_entries(doc.data.get("nav", [])))
    wanted = nav_pages(planned)
    for path, yaml_path in entries.items():
        if path not in {page.path for page in planned}:
            line, column = doc.mark(yaml_path)
            problems.add(display, line, column, f"nav names '{path}', but no content produces that page",
                         "remove the entry, or add the facts that make the page")
    end_line, _ = doc.mark(("nav",), key=True)
    for path in wanted:
        if path not in entries:
            problems.add(display, end_line, 1, f"page '{path}' is generated but missing from nav",
                         f"add `- {path}` to the nav section it belongs in")
