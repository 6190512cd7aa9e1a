#!/usr/bin/env python3
"""How well `build_site.py propose` finds the facts editors have already recorded.

    .venv/bin/python bench/propose_accuracy.py [--sources DIR] [--misses N] [--source ID]

Runs `propose` on each source document and compares its proposals with the recorded facts of
that document that carry figures (content/facts). Prints a Markdown table (BENCHMARKS.md,
"Proposals: accuracy on our five documents"):

- recall: the share of recorded facts with figures that have a proposal in the same place
  with one of the fact's values. "Same place": the same paragraph number; for a fact cited by
  section, a section of the same name, or the section that holds the fact's quote in the text
  (editors name sections freely: "Principle 1 - Story box: Aisha (Cox's Bazar)").
- all values: the same, but every value of the fact is among the proposals of that place.
- proposals matched: the share of proposals that match at least one recorded fact.
- country precision: of the countries the matched proposals name, the share that the facts
  they match also list. Country recall is given for information.
- pillar: the share of matched proposals whose suggested fact file has the fact's pillar.

`--misses N` lists N recorded facts per document that no proposal found, with the reason:
what to look at when improving the splitter or the figure parser.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from iomfacts.knowledge import FactRecord, Knowledge  # noqa: E402
from iomfacts.locate import NormalizedText  # noqa: E402
from iomfacts.pipeline import Layout, check  # noqa: E402
from iomfacts.propose import Proposal, Proposer  # noqa: E402
from iomfacts.quotes import normalize  # noqa: E402


@dataclass
class Comparison:
    source: str
    facts: int = 0
    found: int = 0
    found_all: int = 0
    proposals: int = 0
    matched_proposals: int = 0
    countries_proposed: int = 0
    countries_right: int = 0
    countries_recorded: int = 0
    pillar_right: int = 0
    misses: list[str] = field(default_factory=list)


def _same_value(a: float, b: float) -> bool:
    return abs(float(a) - float(b)) < 1e-9


def _shared_words(first: str, second: str) -> int:
    return len({normalize(word) for word in first.split()} & {normalize(word) for word in second.split()})


def _at_place(record: FactRecord, proposals: list[Proposal], quote_line: int | None, document) -> list[Proposal]:
    place = record.fact.source
    if place.paragraph is not None:
        return [proposal for proposal in proposals if proposal.paragraph == place.paragraph]
    unit = document.unit_at(quote_line) if quote_line else None
    return [proposal for proposal in proposals if proposal.paragraph is None and (
        normalize(proposal.section or "") == normalize(place.section) or (unit is not None and proposal.unit is unit))]


def compare(knowledge: Knowledge, source_id: str, text: str) -> Comparison:
    source = knowledge.sources[source_id]
    proposer = Proposer(source, knowledge.countries.values(), knowledge.regions.values(), knowledge.pillars.values())
    document, proposals = proposer.propose(text)
    normalized = NormalizedText(text)
    result = Comparison(source_id, proposals=len(proposals))
    matches: dict[int, list[FactRecord]] = {}  # proposal index -> the facts it matches
    index_of = {id(proposal): index for index, proposal in enumerate(proposals)}
    for record in knowledge.facts_for_source(source_id):
        fact = record.fact
        if not fact.figures:
            continue
        result.facts += 1
        located = normalized.find_all(fact.quote)
        quote_line = normalized.line_of(located[0][0]) if located else None
        here = _at_place(record, proposals, quote_line, document)
        values = [figure.value for figure in fact.figures]
        matching = [proposal for proposal in here
                    if any(_same_value(f.value, v) for f in proposal.figures for v in values)]
        if matching:
            result.found += 1
            proposed_values = [f.value for proposal in here for f in proposal.figures]
            result.found_all += all(any(_same_value(v, p) for p in proposed_values) for v in values)
            # A paragraph may hold several proposals with the same small value ("three"): the
            # fact's proposal is the one whose quote shares most words with the fact's quote.
            best = max(matching, key=lambda proposal: _shared_words(proposal.quote, fact.quote))
            matches.setdefault(index_of[id(best)], []).append(record)
        else:
            place = f"paragraph {fact.source.paragraph}" if fact.source.paragraph else fact.source.section
            reason = (f"no proposal there (quote at line {quote_line})" if not here
                      else f"values there: {sorted({f.value for p in here for f in p.figures})[:8]}")
            result.misses.append(f"{record.id} [{place}] {values}: {reason}")
    result.matched_proposals = len(matches)
    for index, records in matches.items():
        proposed = set(proposals[index].countries)
        recorded = {code for record in records for code in record.fact.countries}
        result.countries_proposed += len(proposed)
        result.countries_right += len(proposed & recorded)
        result.countries_recorded += len(recorded)
        result.pillar_right += any(record.pillar == proposals[index].pillar for record in records)
    return result


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}% ({part}/{whole})" if whole else "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=Path,
                        default=Path(os.environ.get("IOM_SOURCES", REPO.parent / "shared" / "seeds")))
    parser.add_argument("--source", action="append", help="only this source id (repeatable)")
    parser.add_argument("--misses", type=int, default=0, metavar="N", help="list N missed facts per document")
    args = parser.parse_args()
    knowledge, problems = check(Layout(REPO), None, published=None)
    if knowledge is None:
        print("content/ has problems; run build_site.py check", file=sys.stderr)
        return 1
    results = []
    for source_id, source in knowledge.sources.items():
        if args.source and source_id not in args.source:
            continue
        text = (args.sources / source.text_file).read_text(encoding="utf-8", errors="replace")
        results.append(compare(knowledge, source_id, text))
    total = Comparison("all")
    for result in results:
        for name in ("facts", "found", "found_all", "proposals", "matched_proposals", "countries_proposed",
                     "countries_right", "countries_recorded", "pillar_right"):
            setattr(total, name, getattr(total, name) + getattr(result, name))
    print("| document | recorded facts with figures | recall (same place and value) | all values | proposals "
          "| proposals matching a fact | country precision | country recall | pillar |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for result in [*results, total]:
        print(f"| {result.source} | {result.facts} | {_share(result.found, result.facts)} "
              f"| {_share(result.found_all, result.facts)} | {result.proposals} "
              f"| {_share(result.matched_proposals, result.proposals)} "
              f"| {_share(result.countries_right, result.countries_proposed)} "
              f"| {_share(result.countries_right, result.countries_recorded)} "
              f"| {_share(result.pillar_right, result.matched_proposals)} |")
    for result in results:
        for miss in result.misses[:args.misses]:
            print(f"miss {result.source}: {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
