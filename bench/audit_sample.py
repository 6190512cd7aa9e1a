#!/usr/bin/env python3
"""A seeded random sample of facts, for the audit described in CONTRIBUTING.md.

    .venv/bin/python bench/audit_sample.py SEED [--size 100] [--csv audits/DATE.csv]

Prints the sample, one fact per block (id, file:line, source, pillar, kind, countries,
statement, figures, quote), in the order of the fact ids, which is the order of the documents.
With --csv, also writes the results sheet: one row per sampled fact, with the columns an
auditor fills in (see CONTRIBUTING.md, "Auditing the facts").

The sample depends only on the seed and the set of fact ids: each id gets a rank, the SHA-256
of "seed:id", and the sample is the `size` ids of lowest rank. Moving a fact to another file
does not change it; adding a fact changes it by at most that one fact; and it does not depend on
Python's random number generator, which may change between versions.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from iomfacts.exports import csv_bytes  # noqa: E402  (every text cell through escapes.csv_cell)
from iomfacts.load import load_content  # noqa: E402
from iomfacts.model import Fact, Figure  # noqa: E402
from iomfacts.problems import Problems, terminal_safe  # noqa: E402

DEFAULT_SIZE = 100

# What the auditor records for each fact: "ok" (or "none" for a fact without figures) or what
# is wrong, per check; then the verdict, "OK" or "error", and the finding in words.
CHECKS = ["statement", "figures", "countries", "pillar", "kind"]
RESULT_COLUMNS = [*(f"check_{check}" for check in CHECKS), "verdict", "finding"]
SHEET_COLUMNS = ["n", "id", "file", "line", "source", "pillar", "kind", "countries",
                 "statement_text", "quote_text", *RESULT_COLUMNS]


def rank(seed: int, fact_id: str) -> str:
    """A fact's place in the shuffled order for this seed."""
    return hashlib.sha256(f"{seed}:{fact_id}".encode("utf-8")).hexdigest()


def sample_ids(fact_ids: Iterable[str], seed: int, size: int = DEFAULT_SIZE) -> list[str]:
    """The `size` ids of lowest rank for `seed` (all of them if there are fewer), sorted by id."""
    ranked = sorted(set(fact_ids), key=lambda fact_id: rank(seed, fact_id))
    return sorted(ranked[:size])


@dataclass(frozen=True)
class SampledFact:
    fact: Fact
    file: str   # content/facts/<year>/<pillar>.yml
    line: int
    pillar: str


def load_facts(repo: Path = REPO) -> tuple[dict[str, SampledFact], Problems]:
    """Every fact by id, with where it lives; the problems if the content cannot be read."""
    problems = Problems()
    loaded = load_content(repo / "content", repo, problems)
    facts = {}
    for located in loaded.fact_files:
        for index, fact in enumerate(located.value.facts):
            line, _column = located.mark("facts", index, "id")
            facts[fact.id] = SampledFact(fact, located.path, line, located.value.pillar)
    return facts, problems


def figure_text(figure: Figure) -> str:
    """A figure as an auditor compares it with the print: qualifier, value, scale, unit."""
    value = f"{figure.value:,}" if isinstance(figure.value, int) else str(figure.value)
    return " ".join(part for part in (figure.qualifier, value, figure.scale, figure.unit) if part)


def source_text(fact: Fact) -> str:
    place = f"para. {fact.source.paragraph}" if fact.source.paragraph is not None else fact.source.section
    return f"{fact.source.document} {place}"


def sheet_rows(sample: list[SampledFact]) -> list[dict]:
    """The results sheet: what was sampled, and empty cells for the auditor's findings."""
    return [{"n": n, "id": item.fact.id, "file": item.file, "line": item.line,
             "source": source_text(item.fact), "pillar": item.pillar, "kind": item.fact.kind,
             "countries": " ".join(item.fact.countries), "statement_text": item.fact.statement.strip(),
             "quote_text": item.fact.quote, **{column: None for column in RESULT_COLUMNS}}
            for n, item in enumerate(sample, start=1)]


def print_sample(sample: list[SampledFact], out=None) -> None:
    out = out or sys.stdout  # looked up when called, so that a redirected stdout is honoured
    for n, item in enumerate(sample, start=1):
        fact = item.fact
        lines = [f"{n}. {fact.id}  ({item.file}:{item.line})",
                 f"   source: {source_text(fact)}   pillar: {item.pillar}   kind: {fact.kind}",
                 f"   countries: {', '.join(fact.countries) or '-'}",
                 f"   statement: {' '.join(fact.statement.split())}",
                 f"   figures: {'; '.join(figure_text(figure) for figure in fact.figures) or '-'}",
                 f"   quote: {fact.quote}"]
        print("\n".join(terminal_safe(line) for line in lines) + "\n", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("seed", type=int, help="the seed recorded with the audit's results")
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE, help="how many facts (default 100)")
    parser.add_argument("--csv", type=Path, help="also write the results sheet to this file")
    args = parser.parse_args(argv)
    facts, problems = load_facts()
    if problems:  # a sample of content that does not pass `check` would audit the wrong thing
        for problem in problems:
            print(problem, file=sys.stderr)
        print("the content has problems: run build_site.py check first", file=sys.stderr)
        return 1
    sample = [facts[fact_id] for fact_id in sample_ids(facts, args.seed, args.size)]
    print_sample(sample)
    if args.csv:
        if args.csv.exists():  # the sheet holds an auditor's work: never overwrite it
            print(terminal_safe(f"{args.csv} exists; choose another name"), file=sys.stderr)
            return 1
        args.csv.parent.mkdir(parents=True, exist_ok=True)
        args.csv.write_bytes(csv_bytes(SHEET_COLUMNS, sheet_rows(sample)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
