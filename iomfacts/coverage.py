"""Which parts of a source document the facts cover: `build_site.py coverage SOURCE`.

An editor adding next year's report, or checking this year's, wants to see at a glance what is
left: every numbered paragraph of the document with the facts that cite it, and those that no
fact cites, with the first words of each. Documents without numbered paragraphs (Migration
Initiatives 2019) are listed by the sections the facts cite.
"""

from __future__ import annotations

from dataclasses import dataclass

from .document_units import PREVIEW, numbered_paragraphs, split_document  # the one reading (propose, locate)
from .knowledge import Knowledge
from .locate import NormalizedText


@dataclass
class Paragraph:
    number: int
    line: int  # in the text file, from 1
    preview: str
    facts: list[str]


def coverage(knowledge: Knowledge, source_id: str, text: str) -> tuple[list[Paragraph], dict[str, list[str]]]:
    """The document's paragraphs with the ids of the facts citing each; and, for facts cited by
    section, the sections with their facts."""
    by_paragraph: dict[int, list[str]] = {}
    by_section: dict[str, list[str]] = {}
    for record in knowledge.facts_for_source(source_id):
        place = record.fact.source
        if place.paragraph is not None:
            by_paragraph.setdefault(place.paragraph, []).append(record.id)
        elif place.section:
            by_section.setdefault(place.section, []).append(record.id)
    paragraphs = [Paragraph(number, line, preview, by_paragraph.get(number, []))
                  for number, line, preview in numbered_paragraphs(text)]
    return paragraphs, by_section


def report(knowledge: Knowledge, source_id: str, text: str, text_name: str, show_covered: bool = False) -> str:
    paragraphs, sections = coverage(knowledge, source_id, text)
    source = knowledge.sources[source_id]
    lines = [f"{source.title} ({source_id}, {text_name})"]
    if paragraphs:
        covered = [p for p in paragraphs if p.facts]
        share = 100 * len(covered) / len(paragraphs)
        lines.append(f"{len(paragraphs)} numbered paragraphs; {len(covered)} cited by at least one fact ({share:.0f}%), "
                     f"{len(paragraphs) - len(covered)} not yet covered:")
        for paragraph in paragraphs:
            if not paragraph.facts:
                lines.append(f"  {text_name}:{paragraph.line}: paragraph {paragraph.number}: {paragraph.preview}")
            elif show_covered:
                lines.append(f"  paragraph {paragraph.number}: {len(paragraph.facts)} fact(s): "
                             f"{', '.join(paragraph.facts)}")
    else:
        lines.append("no numbered paragraphs: facts cite this document by section")
    if sections:
        lines.append(f"{len(sections)} sections cited by facts:")
        for name, ids in sorted(sections.items()):
            lines.append(f"  {name}: {len(ids)} fact(s)")
    return "\n".join(lines) + "\n"


# --- "Not yet covered", on each source page -----------------------------------------------

@dataclass(frozen=True)
class Gap:
    """A part of the document that no fact cites."""

    place: str  # "Paragraph 12", or the section's name
    line: int  # in the text file, from 1
    preview: str  # its first words, as the text has them (escaped where printed)


@dataclass(frozen=True)
class SourceCoverage:
    """What a source page says is not yet covered: by numbered paragraph, or, in a document
    without numbered paragraphs (Migration Initiatives 2019), by section."""

    by_paragraph: bool
    total: int  # numbered paragraphs, or sections
    gaps: list[Gap]

    @property
    def covered(self) -> int:
        return self.total - len(self.gaps)


def _preview(words: str) -> str:
    words = " ".join(words.split())
    return words if len(words) <= PREVIEW else words[:PREVIEW - 1].rstrip() + "…"


def _sections(knowledge: Knowledge, source_id: str, text: str) -> SourceCoverage:
    """The sections of a document cited by section: a section is covered when a fact's quote is
    in it (editors name sections freely, so the quote says where a fact is), or when a dataset
    cites it or the part it belongs to (the funding tables: "Funding requirements")."""
    document = split_document(text, [region.name for region in knowledge.regions.values()])
    unit_of_line = {line.number: index for index, unit in enumerate(document.units) for line in unit.lines}
    located = NormalizedText(text)
    covered: set[int] = set()
    for record in knowledge.facts_for_source(source_id):
        for start, end in located.find_all(record.fact.quote):
            for line in range(located.line_of(start), located.line_of(max(start, end - 1)) + 1):
                if line in unit_of_line:
                    covered.add(unit_of_line[line])
    datasets = [dataset.source.section for dataset in [*knowledge.staff_datasets, *knowledge.funding_datasets]
                if dataset.source.document == source_id and dataset.source.section]
    gaps = []
    for index, unit in enumerate(document.units):
        name = unit.section or unit.place
        if index in covered or any(name == part or name.startswith(part + " - ") for part in datasets):
            continue
        gaps.append(Gap(name, unit.first_line, _preview(" ".join(line.text for line in unit.lines))))
    return SourceCoverage(False, len(document.units), gaps)


def source_coverage(knowledge: Knowledge, source_id: str, text: str) -> SourceCoverage:
    """The numbered paragraphs (or, without them, the sections) of a document that no fact
    cites, for its source page."""
    paragraphs, _ = coverage(knowledge, source_id, text)
    if not paragraphs:
        return _sections(knowledge, source_id, text)
    gaps = [Gap(f"Paragraph {paragraph.number}", paragraph.line, paragraph.preview.replace(" …", "…"))
            for paragraph in paragraphs if not paragraph.facts]
    return SourceCoverage(True, len(paragraphs), gaps)


def sources_coverage(knowledge: Knowledge, texts: dict[str, str]) -> dict[str, SourceCoverage]:
    """Each source page's "not yet covered", for the sources whose text was given."""
    return {source_id: source_coverage(knowledge, source_id, texts[source_id])
            for source_id in knowledge.sources if source_id in texts}
