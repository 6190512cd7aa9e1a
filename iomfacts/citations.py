"""How to cite a source document or a fact: a reference in words, BibTeX and CSL-JSON.

Source pages offer the reference and the two files (data/citations/<id>.bib and .json);
every fact's own page gives a cite line with the document, its symbol, the paragraph, the
fact's permanent link and the content version, so a citation says exactly what was read.
"""

from __future__ import annotations

import json

from . import model
from .knowledge import FactRecord, Knowledge

AUTHOR = "International Organization for Migration"


def _year(source: model.Source) -> str | None:
    """The year of issue where the document prints a date; never guessed from what it covers."""
    return source.date[:4] if source.date else None


def reference(source: model.Source) -> str:
    """'International Organization for Migration (2018). Annual Report for 2017. C/109/4.'"""
    parts = [f"{AUTHOR} ({_year(source) or 'n.d.'}). {source.title}. Covers {source.covers}."]
    if source.symbol:
        parts.append(f"{source.symbol}.")
    if source.council_session:
        parts.append(f"{source.council_session}.")
    if source.url:
        parts.append(source.url)
    return " ".join(parts)


def _bibtex_text(text: str) -> str:
    """Text inside BibTeX braces: braces and backslashes would change the entry's structure."""
    return "".join("\\" + c if c in "{}\\&%$#_^~" else c for c in " ".join(text.split()))


def bibtex(source: model.Source) -> str:
    fields = [("author", "{" + AUTHOR + "}"), ("title", source.title)]
    if _year(source):
        fields.append(("year", _year(source)))
    if source.symbol:
        fields.append(("number", source.symbol))
    if source.council_session:
        fields.append(("note", source.council_session))
    if source.url:
        fields.append(("url", source.url))
    body = ",\n".join(f"  {name} = {{{_bibtex_text(value) if name != 'author' else value}}}" for name, value in fields)
    return f"@techreport{{iom-{source.id},\n{body},\n  institution = {{{AUTHOR}}}\n}}\n"


def csl_json(source: model.Source) -> str:
    item = {"id": f"iom-{source.id}", "type": "report", "title": source.title,
            "author": [{"literal": AUTHOR}], "publisher": AUTHOR}
    if _year(source):
        item["issued"] = {"date-parts": [[int(_year(source))]]}
    if source.symbol:
        item["number"] = source.symbol
    if source.url:
        item["URL"] = source.url
    return json.dumps([item], ensure_ascii=False, indent=1) + "\n"


def citation_files(knowledge: Knowledge) -> dict[str, bytes]:
    files = {}
    for source in knowledge.sources.values():
        files[f"data/citations/{source.id}.bib"] = bibtex(source).encode("utf-8")
        files[f"data/citations/{source.id}.json"] = csl_json(source).encode("utf-8")
    return files


def fact_citation(record: FactRecord, knowledge: Knowledge) -> str:
    """'Annual Report for 2018 (C/109/4), paragraph 3': the document and place a fact cites."""
    source = knowledge.sources[record.fact.source.document]
    where = f"paragraph {record.fact.source.paragraph}" if record.fact.source.paragraph is not None \
        else record.fact.source.section
    symbol = f" ({source.symbol})" if source.symbol else ""
    return f"{AUTHOR}, {source.title}{symbol}, {where}"
