"""The reviewer's view of a content change: facts added, changed and removed, and pages touched.

`build_site.py diff BASE` loads the content as it is now and as it was at the git revision
BASE, matches facts by id, compares them field by field, and prints Markdown (the summary a
pull request shows). Both sides go through the same loader, so what is compared is what the
site would show, not lines of YAML.
"""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from . import pages as paths
from .knowledge import FactRecord, Knowledge
from .load import load_content
from .markdown_text import escape_markdown
from .problems import Problems
from .validate import validate


class DiffFailed(Exception):
    pass


@dataclass
class FactChange:
    id: str
    fields: list[tuple[str, object, object]]  # (field, before, after)


@dataclass
class ContentDiff:
    added: list[FactRecord] = field(default_factory=list)
    removed: list[FactRecord] = field(default_factory=list)
    changed: list[tuple[FactRecord, FactRecord, FactChange]] = field(default_factory=list)
    pages: set[str] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _snapshot(record: FactRecord) -> dict:
    """The fields a reader sees, flattened so that a change names the exact field."""
    fact = record.fact
    flat = {"year": record.year, "pillar": record.pillar, "kind": fact.kind, "statement": fact.statement,
            "countries": ", ".join(fact.countries), "source": fact.source.document,
            "paragraph": fact.source.paragraph, "section": fact.source.section, "quote": fact.quote,
            "tags": ", ".join(fact.tags), "differs_from": ", ".join(fact.differs_from), "note": fact.note}
    for index, figure in enumerate(fact.figures, start=1):
        for name, value in figure.model_dump().items():
            flat[f"figure {index} {name}"] = value
    return flat


def pages_of(record: FactRecord, knowledge: Knowledge) -> set[str]:
    """Every page that shows the fact, in the `knowledge` it belongs to."""
    touched = {paths.year_path(record.year), paths.fact_page_path(record), paths.pillar_path(record.pillar),
               paths.source_path(record.fact.source.document)}
    touched.add(paths.pillar_path(record.mapped_pillar))
    touched.update(paths.country_path(code) for code in record.fact.countries)
    touched.update(paths.region_path(knowledge.countries[code].region) for code in record.fact.countries)
    touched.update(paths.measure_path(figure.metric) for figure in record.fact.figures if figure.metric)
    if record.year + 1 in knowledge.years and any(figure.metric for figure in record.fact.figures):
        touched.add(paths.year_path(record.year + 1))  # its key figures show the year before's values
    return touched


def compare(before: Knowledge, after: Knowledge) -> ContentDiff:
    diff = ContentDiff()
    old, new = before.by_id, after.by_id
    for fact_id in sorted(new.keys() - old.keys()):
        diff.added.append(new[fact_id])
        diff.pages |= pages_of(new[fact_id], after)
    for fact_id in sorted(old.keys() - new.keys()):
        diff.removed.append(old[fact_id])
        diff.pages |= pages_of(old[fact_id], before)
    for fact_id in sorted(old.keys() & new.keys()):
        before_record, after_record = old[fact_id], new[fact_id]
        # The live preview's parse cache hands back the very same Fact for every file a save
        # did not touch: nothing to compare field by field (10,000 snapshots took 0.6 s a save).
        if (before_record.fact is after_record.fact and before_record.path == after_record.path
                and before_record.mapped_pillar == after_record.mapped_pillar
                and before_record.crosswalk == after_record.crosswalk):
            continue
        a, b = _snapshot(before_record), _snapshot(after_record)
        fields = [(name, a.get(name), b.get(name)) for name in list(dict.fromkeys([*a, *b]))
                  if a.get(name) != b.get(name)]
        if fields:
            diff.changed.append((old[fact_id], new[fact_id], FactChange(fact_id, fields)))
            diff.pages |= pages_of(old[fact_id], before) | pages_of(new[fact_id], after)
    return diff


def _show(value) -> str:
    return "*(none)*" if value in (None, "") else escape_markdown(str(value))


def to_markdown(diff: ContentDiff, base: str) -> str:
    lines = [f"## Content changes since `{base}`", ""]
    if diff.empty:
        lines.append("No fact was added, changed or removed.")
        return "\n".join(lines) + "\n"
    lines.append(f"**{len(diff.added)}** added, **{len(diff.changed)}** changed, "
                 f"**{len(diff.removed)}** removed; **{len(diff.pages)}** pages affected.")
    if diff.added:
        lines += ["", "### Added", ""]
        for record in diff.added:
            lines.append(f"- `{record.id}` ({record.year}, {record.pillar}, {record.fact.kind}): "
                         f"{escape_markdown(record.fact.statement)}")
    if diff.changed:
        lines += ["", "### Changed", ""]
        for _, record, change in diff.changed:
            lines += [f"#### `{record.id}`", "", "| Field | Before | After |", "|---|---|---|"]
            for name, before, after in change.fields:
                lines.append(f"| {name} | {_show(before)} | {_show(after)} |")
            lines.append("")
    if diff.removed:
        lines += ["", "### Removed", ""]
        for record in diff.removed:
            lines.append(f"- `{record.id}` ({record.year}, {record.pillar}): {escape_markdown(record.fact.statement)}")
    lines += ["", "### Pages affected", ""]
    lines += [f"- `{page.removesuffix('.md')}/`" for page in sorted(diff.pages)]
    return "\n".join(lines) + "\n"


def knowledge_at(repo: Path, revision: str) -> Knowledge:
    """The content as it was at a git revision (content/ only; no source texts needed)."""
    result = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", revision, "content"],
                            capture_output=True)
    if result.returncode != 0:
        raise DiffFailed(f"cannot read content/ at {revision!r}: {result.stderr.decode().strip()}")
    with tempfile.TemporaryDirectory() as folder:
        with tarfile.open(fileobj=BytesIO(result.stdout)) as archive:
            archive.extractall(folder, filter="data")
        return _load(Path(folder), f"content at {revision}")


def _load(root: Path, what: str) -> Knowledge:
    problems = Problems()
    knowledge = validate(load_content(root / "content", root, problems), problems)
    if knowledge is None:
        first = "; ".join(str(problem) for problem in list(problems)[:3])
        raise DiffFailed(f"the {what} does not pass the check: {first}")
    return knowledge


def diff_against(repo: Path, revision: str) -> ContentDiff:
    return compare(knowledge_at(repo, revision), _load(repo, "current content"))
