"""Proposed facts from a source document's text: `build_site.py propose SOURCE`.

One proposal per statement that prints a figure: the sentence (or table row), where it is
(paragraph or section, and line of the text), the figures as printed, a verbatim quote of at
most 30 words around them, the countries it names, and the pillar of the heading it sits
under. Proposals are written outside content/ (proposals/<source>.yml, git-ignored), shaped
like facts plus `status: proposed`, so accepting one is: copy it into the fact file named
above it, write the statement in your own words, choose its id and kind, check the figures
and countries, and delete `status: proposed`. `check` refuses a fact that still has it, so
nothing is published by itself.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import model
from .country_names import CountryFinder
from .document_units import Document, Line, Unit, split_document
from .figures import PrintedFigure, parse_figures
from .quotes import SourceTexts, normalize

MAX_QUOTE_WORDS = model.MAX_QUOTE_WORDS
MAX_STATEMENT = 1200  # the model's limit
# A row of a wide table naming a country (staff by nationality, funding by country) is data
# for a dataset (content/datasets), not a fact: such rows are not proposed.
DATASET_ROW_FIGURES = 5
# A statement that names more countries than this is a roll-call (the donors of a fund, the
# members of a network) behind a total; recorded facts almost never list them (3 of 1,253
# facts with figures list eight or more). They are named in a comment for the editor instead.
MAX_COUNTRIES = 10

_ABBREVIATIONS = {"e.g", "i.e", "no", "nos", "mr", "ms", "mrs", "dr", "st", "vs", "approx", "corr", "para",
                  "paras", "fig", "art", "op", "cit", "jan", "feb", "aug", "sept", "oct", "nov", "dec", "al"}
_PLAN = re.compile(r"\b(?:will|plans?\s+to|aims?\s+to|intends?\s+to|is\s+expected|are\s+expected|requires?|"
                   r"required|requirements?|appeal)\b", re.IGNORECASE)
_ABOUT_IOM = re.compile(r"\bIOM\b|\bOrganization\b|\boffices?\b|\bstaff\b|\bMember States\b")


@dataclass
class Token:
    text: str
    line: int
    gap_before: bool = False  # other text of the page stood between this word and the one before


@dataclass
class Proposal:
    id: str
    kind: str
    statement: str
    countries: list[str]
    figures: list[PrintedFigure]
    paragraph: int | None
    section: str | None
    quote: str
    line: int
    pillar: str
    heading: str | None  # the nearest heading above, for the editor
    quote_found: bool | None = None  # None: not verified
    long_list: list[str] = field(default_factory=list)  # the countries of a list too long to propose
    unit: Unit | None = field(default=None, repr=False)

    @property
    def place(self) -> str:
        return f"paragraph {self.paragraph}" if self.paragraph is not None else f"section {self.section}"


# --- the pillar a heading suggests ------------------------------------------------------

# Headings that name a pillar in other words than its title ("STRONGER ORGANIZATION" is
# Migration Initiatives' organizational effectiveness part), by the pillar's framework.
_HEADING_ALIASES = {"strongerorganization": "effectiveness"}


class PillarGuide:
    """The pillar each part of a document belongs to, from the headings it prints.

    A heading suggests a pillar when it is the pillar's short name or title (before a colon:
    "PRINCIPLE 1: ADHERENCE ..." is "Principle 1"). The document's framework (MiGOF, or the
    2020 report's parts) is the one whose pillars its headings name most; headings of other
    frameworks are then ignored, so the 2020 report's "Foreword" is its introduction part while
    other reports' forewords are the general overview."""

    def __init__(self, pillars: Iterable[model.Pillar], document: Document):
        self.pillars = list(pillars)
        names: list[tuple[str, model.Pillar]] = []
        for pillar in self.pillars:
            after_colon = pillar.title.split(":", 1)[-1]
            for name in {pillar.short, pillar.title, after_colon, *after_colon.split(" and ")}:
                if len(normalize(name)) >= 6:
                    names.append((normalize(name), pillar))
        self._names = names
        votes: dict[str, int] = {}
        for heading in document.headings:
            for pillar in self._matches(heading.text):
                if pillar.framework not in ("general", "effectiveness"):
                    votes[pillar.framework] = votes.get(pillar.framework, 0) + 1
        self.framework = max(votes, key=votes.get) if votes else None
        general = [pillar for pillar in self.pillars if pillar.framework == "general"] or self.pillars
        self.default = general[0].id
        self._changes: list[tuple[int, str]] = []  # (line, pillar id) where a heading sets the pillar
        for heading in document.headings:
            pillar = self.pillar_of(heading.text)
            if pillar is not None:
                self._changes.append((heading.line, pillar.id))

    def _matches(self, heading: str) -> list[model.Pillar]:
        keys = {normalize(heading), normalize(heading.split(":", 1)[0])}
        found = [pillar for name, pillar in self._names if name in keys]
        for key in keys:
            if key in _HEADING_ALIASES:
                found += [pillar for pillar in self.pillars if pillar.framework == _HEADING_ALIASES[key]]
        return found

    def pillar_of(self, heading: str) -> model.Pillar | None:
        allowed = {"general", "effectiveness", self.framework} if self.framework else None
        matches = [pillar for pillar in self._matches(heading) if allowed is None or pillar.framework in allowed]
        matches.sort(key=lambda pillar: pillar.framework != self.framework)  # the document's own first
        return matches[0] if matches else None

    def at(self, line: int) -> str:
        current = self.default
        for changed_at, pillar in self._changes:
            if changed_at > line:
                break
            current = pillar
        return current


# --- statements: sentences and table rows -----------------------------------------------

def _tokens(lines: list[Line]) -> list[Token]:
    """The words of consecutive lines; a word hyphenated across a line break is joined
    ("Crisis-" + "related" is "Crisis-related", as the quote check reads it)."""
    tokens: list[Token] = []
    for line in lines:
        words = line.text.split()
        if not words:
            continue
        if tokens and tokens[-1].text.endswith("-") and tokens[-1].text[-2:-1].isalpha() and words[0][:1].islower():
            tokens[-1].text += words[0]
            words = words[1:]
        for position, word in enumerate(words):
            tokens.append(Token(word, line.number, line.after_gap and position == 0))
    return tokens


def _ends_sentence(token: str, following: str) -> bool:
    core = token.rstrip("\"”’')]*¹²³⁴⁵⁶⁷⁸⁹⁰")
    if not core.endswith((".", "!", "?")) or not following:
        return False
    if not (following[0].isupper() or following[0].isdigit() or following[0] in "\"“‘('[*"):
        return False
    word = core[:-1].lstrip("(\"“‘").casefold()
    return word not in _ABBREVIATIONS and not (len(word) == 1 and word.isalpha())


def statements(unit: Unit) -> list[tuple[list[Token], bool]]:
    """(tokens, is_table_row) for every sentence and table row of a unit, in order."""
    found: list[tuple[list[Token], bool]] = []
    run: list[Line] = []

    def flush() -> None:
        tokens = _tokens(run)
        start = 0
        for index in range(len(tokens)):
            following = tokens[index + 1].text if index + 1 < len(tokens) else ""
            if index == len(tokens) - 1 or _ends_sentence(tokens[index].text, following):
                found.append((tokens[start:index + 1], False))
                start = index + 1
        run.clear()

    for line in unit.lines:
        if line.row:
            flush()
            found.append(([Token(line.text, line.number)], True))
            continue
        if re.match(r"^(?:-|•|\([a-z]\))\s", line.text):  # a list item is a statement of its own
            flush()
        run.append(line)
    flush()
    return found


# --- proposals ------------------------------------------------------------------------------

def _slug(text: str, limit: int = 40) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.casefold()).strip("-")
    return slug[:limit].rstrip("-") or "x"


def _kind(sentence: str) -> str:
    if _PLAN.search(sentence):
        return "plan"
    return "result" if _ABOUT_IOM.search(sentence) else "context"


def _clusters(spans: list[tuple[int, int]]) -> list[list[int]]:
    """Figures (by their token spans) grouped so that each group fits in one quote."""
    groups: list[list[int]] = []
    for index, (start, end) in enumerate(spans):
        if groups and end - spans[groups[-1][0]][0] < MAX_QUOTE_WORDS - 4:
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


def _window(tokens: list[Token], first: int, last: int) -> tuple[int, int]:
    """The tokens of a quote holding tokens first..last: the sentence when it is short enough,
    else a few words before the figure and the rest after; never across a gap in the text."""
    count = len(tokens)
    if last < MAX_QUOTE_WORDS:
        start = 0
    else:
        start = max(0, min(first - 4, count - MAX_QUOTE_WORDS))
    end = min(count, start + MAX_QUOTE_WORDS)
    for index in range(start + 1, end):
        if tokens[index].gap_before:
            if index <= first:
                start = index
            elif index > last:
                end = index
                break
    return start, end


def _clauses_with(quote: str, figures: list[PrintedFigure]) -> str:
    """The clauses of a quote that hold its figures: "In Pakistan, IOM provided over 40,000
    health assessments ..., while, in Turkey, it provided ..." is about Pakistan for 40,000."""
    clauses = re.split(r";|\bwhile\b|\bwhereas\b", quote)
    holding = [clause for clause in clauses if any(figure.printed in " ".join(clause.split()) for figure in figures)]
    return " ".join(holding) if holding else quote


def _quote(tokens: list[Token]) -> str:
    text = " ".join(token.text for token in tokens).strip(" ,;:(–—-")
    while len(text) > 400 and " " in text:  # the model's limit on a quote's characters
        text = text.rsplit(" ", 1)[0]
    return text


class Proposer:
    """Everything `propose` needs to know besides the text: the document and the reference
    content (countries, pillars)."""

    def __init__(self, source: model.Source, countries: Iterable[model.Country], regions: Iterable[model.Region],
                 pillars: Iterable[model.Pillar]):
        self.source = source
        self.countries = CountryFinder((country.code, country.name) for country in countries)
        self.regions = [region.name for region in regions]
        self.pillars = list(pillars)

    def split(self, text: str) -> Document:
        return split_document(text, self.regions)

    def propose(self, text: str) -> tuple[Document, list[Proposal]]:
        document = self.split(text)
        guide = PillarGuide(self.pillars, document)
        texts = SourceTexts({self.source.id: text})
        proposals: list[Proposal] = []
        taken: set[str] = set()
        for unit in document.units:
            for tokens, is_row in statements(unit):
                for proposal in self._from_statement(unit, tokens, is_row, guide, document):
                    proposal.id = self._unique(proposal.id, taken)
                    proposal.quote_found = texts.contains(self.source.id, proposal.quote)
                    proposals.append(proposal)
        return document, proposals

    def _unique(self, wanted: str, taken: set[str]) -> str:
        candidate, number = wanted, 2
        while candidate in taken:
            candidate = f"{wanted}-{number}"
            number += 1
        taken.add(candidate)
        return candidate

    def _from_statement(self, unit: Unit, tokens: list[Token], is_row: bool, guide: PillarGuide,
                        document: Document) -> list[Proposal]:
        if is_row:
            return [proposal for row in self._side_by_side(tokens[0].text)
                    for proposal in self._from_row(unit, row, tokens[0].line, guide, document)]
        sentence = " ".join(token.text for token in tokens)
        figures = parse_figures(sentence)
        if not figures:
            return []
        starts, position = [], 0
        for token in tokens:
            starts.append(position)
            position += len(token.text) + 1

        def token_at(offset: int) -> int:
            return bisect.bisect_right(starts, offset) - 1

        spans = [(token_at(figure.start), token_at(max(figure.end - 1, figure.start))) for figure in figures]
        found = []
        for group in _clusters(spans):
            first, last = spans[group[0]][0], spans[group[-1]][1]
            start, end = _window(tokens, first, last)
            members = [figures[index] for index in group if start <= spans[index][0] and spans[index][1] < end]
            quote = _quote(tokens[start:end])
            found.append(self._proposal(unit, sentence, quote, members or [figures[group[0]]],
                                        tokens[first].line, guide, document))
        return found

    def _side_by_side(self, row: str) -> list[str]:
        """A row that names several countries, each followed by its numbers, is several tables'
        rows printed side by side ("Germany 29 522 54 006 Albania 7 256 17 976"): one each."""
        starts = [start for start in self.countries.starts(row) if start > 0 and re.search(r"\d", row[:start])]
        bounds = [0, *starts, len(row)]
        return [row[begin:end].strip() for begin, end in zip(bounds, bounds[1:]) if row[begin:end].strip()]

    def _from_row(self, unit: Unit, row: str, line: int, guide: PillarGuide, document: Document) -> list[Proposal]:
        figures = parse_figures(row, table_row=True)
        label = re.split(r"[\t\d]", row, maxsplit=1)[0]
        if not figures or (len(figures) >= DATASET_ROW_FIGURES and self.countries.codes(label)):
            return []
        words = list(re.finditer(r"\S+", row))
        quote = _quote([Token(word.group(), line) for word in words[:MAX_QUOTE_WORDS]])
        quoted_up_to = words[min(len(words), MAX_QUOTE_WORDS) - 1].end()  # a long row is quoted from its start
        kept = [figure for figure in figures if figure.end <= quoted_up_to]
        return [self._proposal(unit, " ".join(row.split()), quote, kept, line, guide, document)] if kept else []

    def _proposal(self, unit: Unit, statement: str, quote: str, figures: list[PrintedFigure], line: int,
                  guide: PillarGuide, document: Document) -> Proposal:
        place = str(unit.paragraph) if unit.paragraph is not None else _slug(unit.section or "text", 30)
        headings = document.headings_before(line)
        if len(statement) > MAX_STATEMENT:
            statement = statement[:MAX_STATEMENT - 1].rsplit(" ", 1)[0] + "…"
        if len(statement) < 10:
            statement = f"{unit.place}: {statement}"
        named = self.countries.codes(_clauses_with(quote, figures))
        return Proposal(
            id=f"{self.source.id}-{place}-{_slug(figures[0].unit, 20)}", kind=_kind(statement), statement=statement,
            countries=named if len(named) <= MAX_COUNTRIES else [], long_list=named if len(named) > MAX_COUNTRIES else [], figures=figures, paragraph=unit.paragraph,
            section=None if unit.paragraph is not None else unit.section, quote=quote, line=line,
            pillar=guide.at(line), heading=headings[-1].text if headings else None, unit=unit)


# --- the proposals file ---------------------------------------------------------------------

def yaml_string(text: str) -> str:
    """A YAML double-quoted scalar of exactly `text` (JSON's escapes are YAML's), with line and
    paragraph separators and invisible characters escaped too, so nothing in a document's text
    can end the value or the line, or hide in it."""
    quoted = json.dumps(text, ensure_ascii=False)
    return "".join(f"\\u{ord(char):04x}" if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char
                   for char in quoted)


def _number(value: int | float) -> str:
    return str(value) if isinstance(value, int) else repr(value)


def to_yaml(proposals: list[Proposal], source: model.Source, text_name: str) -> str:
    """The proposals file: a comment saying how to accept a proposal, then the proposals in
    the document's order, each preceded by a comment naming its line, heading and fact file."""
    lines = [
        f"# Proposed facts from {source.id} ({yaml_string(source.title)}), read from {yaml_string(text_name)}",
        f"# by `build_site.py propose {source.id}`: {len(proposals)} statements that print a figure.",
        "# Nothing here is published. To accept a proposal, copy it under `facts:` in the file named",
        "# above it, then: write the statement in your own words (it is the source's sentence now),",
        "# choose the id and kind, check the figures (value, unit, scale, qualifier) and countries,",
        "# and delete `status: proposed`. `build_site.py check` refuses a fact that still has it.",
        f"source: {source.id}",
        "proposals:",
    ]
    for proposal in proposals:
        where = f"{text_name}:{proposal.line}, {proposal.place}"
        if proposal.heading:
            where += f", under {yaml_string(proposal.heading)}"
        lines.append(f"  # {where} -> content/facts/{source.year}/{proposal.pillar}.yml")
        if proposal.long_list:
            lines.append(f"  # the quote names {len(proposal.long_list)} countries ({', '.join(proposal.long_list)}): "
                         "list those the fact is about")
        if proposal.quote_found is False:
            lines.append("  # the quote crosses text the page puts between its words: shorten it to one side")
        lines += [
            f"  - id: {proposal.id}",
            "    status: proposed",
            f"    kind: {proposal.kind}",
            f"    statement: {yaml_string(proposal.statement)}",
            f"    countries: [{', '.join(proposal.countries)}]",
            "    figures:",
        ]
        for figure in proposal.figures:
            lines.append(f"      - value: {_number(figure.value)}  # printed {yaml_string(figure.printed)}")
            lines.append(f"        unit: {yaml_string(figure.unit)}")
            if figure.scale:
                lines.append(f"        scale: {figure.scale}")
            if figure.qualifier:
                lines.append(f"        qualifier: {figure.qualifier}")
        lines += ["    source:", f"      document: {source.id}"]
        if proposal.paragraph is not None:
            lines.append(f"      paragraph: {proposal.paragraph}")
        else:
            lines.append(f"      section: {yaml_string(proposal.section or '')}")
        lines.append(f"    quote: {yaml_string(proposal.quote)}")
    return "\n".join(lines) + "\n"
