"""Which parts of a source document the facts cover: `build_site.py coverage SOURCE`.

An editor adding next year's report, or checking this year's, wants to see at a glance what is
left: every numbered paragraph of the document with the facts that cite it, and those that no
fact cites, with the first words of each. Documents without numbered paragraphs (Migration
Initiatives 2019) are listed by the sections the facts cite.
"""

from __future__ import annotations

from dataclasses import dataclass

from .document_units import numbered_paragraphs  # the one reading of paragraph numbers (propose, locate)
from .knowledge import Knowledge


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
