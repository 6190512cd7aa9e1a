"""Regenerating only the pages an edit affects (for the live preview).

After a fact changes, the pages that show it (its year, pillars, countries and source), the
pages of facts that point at it ("Sources differ"), and the pages that count or tabulate
facts need rendering again; nothing else does. A change to anything else (reference files,
datasets, templates, or a page appearing or disappearing) regenerates everything, which is
always correct.
"""

from __future__ import annotations

from pathlib import Path

from .content_diff import compare, pages_of
from .docs_tree import write_files
from .exports import export_files
from .knowledge import Knowledge
from .pages import CHANGES_INDEX, DIFFERENCES_PATH, plan_pages
from .pipeline import Layout, generate
from .render import render_pages
from .version import content_version

# Pages that show counts, headline figures or tables over all facts.
AGGREGATE_PAGES = {"index.md", "years/index.md", "pillars/index.md", "countries/index.md",
                   "compare/index.md", "sources/index.md", "downloads.md", "measures/index.md"}
# Fields no aggregate page shows: a change to them alone (the commonest edit, a rewording)
# leaves those pages as they are. The full-build equality tests guard this list.
WORDING_FIELDS = {"statement", "quote", "note", "tags"}


def _same_reference_data(old: Knowledge, new: Knowledge) -> bool:
    return (old.sources == new.sources and old.pillars == new.pillars and old.crosswalk == new.crosswalk
            and old.regions == new.regions and old.countries == new.countries and old.metrics == new.metrics
            and old.glossary == new.glossary and old.staff_datasets == new.staff_datasets
            and old.funding_datasets == new.funding_datasets)


def affected_pages(old: Knowledge, new: Knowledge) -> set[str] | None:
    """The docs paths to render again, or None when everything must be."""
    if not _same_reference_data(old, new):
        return None
    if {page.path for page in plan_pages(old)} != {page.path for page in plan_pages(new)}:
        return None
    diff = compare(old, new)
    if diff.empty:
        return set()
    wording_only = not (diff.added or diff.removed) and all(
        name in WORDING_FIELDS for _, _, change in diff.changed for name, _, _ in change.fields)
    touched = set(diff.pages) | (set() if wording_only else AGGREGATE_PAGES)
    if new.versions:  # the changes not yet in a tagged version include this edit
        touched.add(CHANGES_INDEX)
    changed_ids = {record.id for record in diff.added + diff.removed} | {b.id for _, b, _ in diff.changed}
    for knowledge in (old, new):
        for fact_id in changed_ids:
            for other in knowledge.differs.get(fact_id, []):  # they show this fact's figures
                touched |= pages_of(knowledge.by_id[other], knowledge)
            if fact_id in knowledge.differs:  # the table of disagreements shows it too
                touched.add(DIFFERENCES_PATH)
    return touched


def regenerate(layout: Layout, old: Knowledge | None, new: Knowledge, templates_changed: bool) -> list[str]:
    """Write what changed into the docs tree; return the paths rewritten."""
    wanted = None if (old is None or templates_changed) else affected_pages(old, new)
    if wanted is None:
        from .docs_tree import write_tree

        _exports_written.pop(layout.docs, None)
        return write_tree(layout.docs, generate(layout, new))
    if not wanted:
        return []
    version = content_version(layout.root)
    return write_pages(layout, new, wanted, version) + write_exports(layout, new, version)


def write_pages(layout: Layout, new: Knowledge, wanted: set[str], version=None) -> list[str]:
    """The pages at the docs paths `wanted` (from `affected_pages`), without the data files
    (the live preview shows the pages first, then writes the data files)."""
    version = version or content_version(layout.root)
    files = render_pages(new, plan_pages(new), layout.templates, {"version": version}, only=wanted)
    return write_files(layout.docs, files)


# The data files this process last wrote into a docs tree: a save changes a few of the 10,000
# permanent-link pages and data files, so they are compared here in memory instead of read back
# from disk (10,000 reads and path checks took seconds per save at 10,000 facts).
_exports_written: dict[Path, dict[str, bytes]] = {}


def write_exports(layout: Layout, new: Knowledge, version=None) -> list[str]:
    """The data files alone (after `write_pages`); the paths rewritten."""
    from . import charts

    version = version or content_version(layout.root)
    files = export_files(new, version.label)
    files.update(charts.spec_files(new, plan_pages(new)))  # data/charts/<id>.vl.json, as a full build
    previous = _exports_written.get(layout.docs)
    changed = files if previous is None else {path: data for path, data in files.items() if previous.get(path) != data}
    # A data file that no longer exists (a fact removed) is left to the next full build, as before.
    rewritten = write_files(layout.docs, changed) if changed else []
    _exports_written[layout.docs] = files
    return rewritten
