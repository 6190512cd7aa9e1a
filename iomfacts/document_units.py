"""Splitting a source document's text the way the document numbers itself.

Facts cite a numbered paragraph ("paragraph 220") or, where the text has no number, a section:
the foreword, a box ("Box 4"), an annex table ("Annex I, Table 1"), or the heading the text
sits under (Migration Initiatives 2019 has no numbered paragraphs: "Principle 1 - IN FOCUS").
`coverage`, `propose` and `locate` all need the same answer to "where is this line?", so it
is worked out here once.

The texts were extracted from PDFs and carry no markup (see ../shared/notes): headings are
short lines standing alone, in capitals for the document's parts; numbered paragraphs start
"12." or "- 12."; page breaks cut sentences in two (the rest starts in lower case, sometimes
after the page's footnotes); tables are lines of numbers, split by tabs or spaces. The rules
below read those signs and nothing else, so they work for a report of another year.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .quotes import normalize

# "- 233. Throughout 2018, ..." or "233. Throughout ...": a numbered paragraph's first line.
_PARAGRAPH = re.compile(r"^\s*-?\s*(\d{1,3})\.\s+(\S.*)$")
PREVIEW = 80

_BOX = re.compile(r"^\s*Box\s+(\d+)\s*[.:]", re.IGNORECASE)
_ANNEX = re.compile(r"^\s*Annex\s+([IVXL]+)\b(?!\s*\(English only\))", re.IGNORECASE)
_TABLE = re.compile(r"^\s*Table\s+(\d+)\s*[.:]")
_FURNITURE = re.compile(r"^\s*(?:C/\d+/\S*|Page \d+|Annex [IVXL]+ \(English only\)|<?https?://\S+>?|www\.\S+)\s*$")
_FOOTNOTE = re.compile(r"^\s*(?:[¹²³⁴⁵⁶⁷⁸⁹⁰]+\s*\S|\^\{\*\}|\*\s+[A-Z]|\d{1,2}\s{2,}[A-Z])")
_CAPTION = re.compile(r"^\s*(?:(?:left|right|top|bottom)(?:\s+side)?\s+)?photo\s*:|^\s*©", re.IGNORECASE)
_LOST_NUMBER = re.compile(r"^\s*-\s+[A-Z]")  # "- Over 100 IOM field offices...": a paragraph that lost its number
_BULLET = re.compile(r"^\s*(?:-|•|\([a-z]\))\s+")
_NUMERIC_CELL = re.compile(r"^[(+\-]?[\d.,]+%?\)?$|^[–\-_]$")
_SKIP_ZONES = ("tableofcontents", "contents", "acronyms", "listofacronyms", "abbreviations")
_BODY_STARTS = ("foreword", "introduction")
_KEEP_CAPITALS = {"IOM", "UN", "EU", "DTM", "SDG", "SDGS", "COVID-19", "MIGOF", "IDM", "GFMD", "AVR"}
MAX_SECTION = 80  # the model's limit on `source.section`


def numbered_paragraphs(text: str) -> list[tuple[int, int, str]]:
    """(number, line, first words) of the document's numbered paragraphs, in order.

    Numbered lists inside a paragraph restart at 1; a paragraph number only ever grows by a
    little, so a number is taken when it follows the last one taken by 1 to 3. A number printed
    as a list item ("- 220.") only ever starts a paragraph, so it is taken whatever it follows
    (an excerpt may skip paragraphs), unless it was taken already."""
    found: list[tuple[int, int, str]] = []
    last = 0
    taken: set[int] = set()
    for index, line in enumerate(text.splitlines(), start=1):
        match = _PARAGRAPH.match(line)
        if not match:
            continue
        number = int(match.group(1))
        if (last < number <= last + 3 or line.lstrip().startswith("-")) and number not in taken:
            taken.add(number)
            words = " ".join(match.group(2).split())
            found.append((number, index, words if len(words) <= PREVIEW else words[:PREVIEW - 1] + "…"))
            last = number
    return found


@dataclass
class Line:
    number: int  # in the text file, from 1
    text: str  # without the paragraph number it may start with
    row: bool = False  # a row of a table: read as one statement of its own
    after_gap: bool = False  # other text (footnotes, a caption, page furniture) came between this and the line before


@dataclass
class Unit:
    """A numbered paragraph, or a section without a number, with its lines."""

    paragraph: int | None
    section: str | None
    lines: list[Line] = field(default_factory=list)

    @property
    def first_line(self) -> int:
        return self.lines[0].number if self.lines else 0

    @property
    def last_line(self) -> int:
        return self.lines[-1].number if self.lines else 0

    @property
    def place(self) -> str:
        return f"paragraph {self.paragraph}" if self.paragraph is not None else self.section or "?"


@dataclass
class Heading:
    line: int
    text: str
    is_part: bool  # a part of the document (printed in capitals), not a heading inside one


@dataclass
class Document:
    units: list[Unit]
    headings: list[Heading]
    numbered: bool  # cites by paragraph number (otherwise by section)

    def unit_at(self, line: int) -> Unit | None:
        """The unit a line of the text belongs to (None for front matter, headings, footnotes)."""
        for unit in self.units:
            if any(item.number == line for item in unit.lines):
                return unit
        return None

    def headings_before(self, line: int) -> list[Heading]:
        return [heading for heading in self.headings if heading.line <= line]


def is_table_row(text: str) -> bool:
    """A line of a table: mostly numbers, and ending with one ("Total 936 1 062 1 193")."""
    tokens = text.replace("\t", " ").split()
    numeric = [token for token in tokens if _NUMERIC_CELL.match(token)]
    return (len(numeric) >= 2 and len(numeric) >= 0.4 * len(tokens) and _NUMERIC_CELL.match(tokens[-1]) is not None
            and not tokens[-1].endswith("."))  # "... on 14 November 2031." is a sentence


def _is_capitals(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return len(letters) >= 4 and sum(char.isupper() for char in letters) >= 0.8 * len(letters)


def display_heading(text: str) -> str:
    """A heading printed in capitals, as a section name: 'PRINCIPLE 1: ADHERING TO ...' is
    'Principle 1', 'FUNDING REQUIREMENTS' is 'Funding requirements'."""
    migof = re.match(r"^\s*(PRINCIPLE|OBJECTIVE)\s+(\d+)", text, re.IGNORECASE)
    if migof:
        return f"{migof.group(1).capitalize()} {migof.group(2)}"
    if not _is_capitals(text):
        return text
    words = [word if word in _KEEP_CAPITALS else word.lower() for word in text.split()]
    words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)


def _section_name(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= MAX_SECTION:
        return text
    return text[:MAX_SECTION - 1].rsplit(" ", 1)[0] + "…"


def _heading_block(lines: list[str]) -> str | None:
    """The text of a block that is a heading: one or two short lines standing alone, starting
    with a capital or a digit, not ending like a sentence."""
    if len(lines) > 2:
        return None
    text = _BULLET.sub("", " ".join(line.strip() for line in lines), count=1)
    words = text.split()
    if not words or len(words) > 20 or len(text) > 200 or not (text[0].isupper() or text[0].isdigit()):
        return None
    if len(words) > 1 and all(_NUMERIC_CELL.match(word) for word in words[:2]):
        return None  # "2017 2016 % of total": a table's column headers
    if text.rstrip("¹²³⁴⁵⁶⁷⁸⁹⁰*").endswith((".", ";", ",", ":", "!", "?")) or ". " in text:
        return None
    if _PARAGRAPH.match(lines[0]) or _FOOTNOTE.match(lines[0]) or _CAPTION.match(lines[0]):
        return None
    if any(is_table_row(line) for line in lines) or (len(lines) > 1 and any(
            pattern.match(line) for line in lines for pattern in (_BOX, _ANNEX, _TABLE))):
        return None
    return text


def split_document(text: str, subheadings: Iterable[str] = ()) -> Document:
    """The document's units in order. `subheadings`: names that are headings inside a part
    even when printed in capitals (the regions of a funding table), as they are written."""
    return _Splitter(text.splitlines(), subheadings).run()


class _Splitter:
    def __init__(self, lines: list[str], subheadings: Iterable[str]):
        self.lines = lines
        self.subheadings = {normalize(name): name for name in subheadings}
        printed = numbered_paragraphs("\n".join(lines))
        # A heading in capitals printed again and again ("IN FOCUS", 23 times) labels boxes; the
        # parts' headings are printed once, or repeated on a few pages.
        capitals = Counter(normalize(line) for line in lines if _is_capitals(line) and len(line.split()) <= 20)
        self.box_labels = {key for key, count in capitals.items() if count > 3}
        self.numbered = len(printed) >= 2
        self.paragraph_at = {line - 1: number for number, line, _ in printed} if self.numbered else {}
        self.printed_lines = sorted(self.paragraph_at)
        self.units: list[Unit] = []
        self.headings: list[Heading] = []
        self.current: Unit | None = None
        # A box, a table or an annex runs on, through the captions and row labels that look like
        # headings, until a numbered paragraph, another box or annex, or a part.
        self.sticky = False
        self.last_paragraph = 0
        self.part: str | None = None
        self.subheading: str | None = None
        self.annex: str | None = None
        self.started = False
        self.skipping = False
        self.gap = False

    # --- the document's blocks: runs of non-blank lines ---------------------------------

    def blocks(self) -> list[list[int]]:
        """Runs of non-blank lines; page furniture (running heads, bare URLs) and footnotes are
        left out."""
        found, block = [], []
        for index, line in enumerate(self.lines):
            if not line.strip() or _FURNITURE.match(line) or _FOOTNOTE.match(line):
                if block:
                    found.append(block)
                    block = []
                continue
            block.append(index)
        if block:
            found.append(block)
        return found

    def run(self) -> Document:
        blocks = self.blocks()
        self.started = not any(self._starts_body(block) for block in blocks)  # an unknown layout: from the top
        previous_end = -1
        for position, block in enumerate(blocks):
            if any(self.lines[index].strip() for index in range(previous_end + 1, block[0])):
                self.gap = True  # page furniture stood between this block and the one before
            previous_end = block[-1]
            if not self.started and self._starts_body(block):
                self.started = True
            if not self.started:
                continue
            heading = _heading_block([self.lines[index] for index in block])
            if heading is not None and not self._title(block[0]):
                self._heading(block[0], heading, blocks[position + 1:])
                self.gap = True  # a sentence that goes on after a heading is not contiguous with it
            else:
                self._content(block)
        return Document([unit for unit in self.units if unit.lines], self.headings, self.numbered)

    def _starts_body(self, block: list[int]) -> bool:
        first = block[0]
        heading = _heading_block([self.lines[index] for index in block])
        return (heading is not None and normalize(heading) in _BODY_STARTS) or self.paragraph_at.get(first) == 1

    # --- headings --------------------------------------------------------------------------

    def _heading(self, index: int, text: str, following: list[list[int]]) -> None:
        # In the annexes (the end matter) capitals are column headers, not parts.
        key = normalize(text)
        is_part = _is_capitals(text) and not self.annex and key not in self.subheadings and key not in self.box_labels
        self.headings.append(Heading(index + 1, text, is_part))
        if is_part:
            self.skipping = any(key.startswith(zone) for zone in _SKIP_ZONES)
            self.part, self.subheading = display_heading(text), None
            self._close()
            return
        if self.skipping:
            return
        self.subheading = self.subheadings.get(key) or (text if key in self.box_labels else display_heading(text))
        if not self.numbered:
            self._close()
        elif self.sticky:
            pass  # a caption, a column header or a row label inside a box, table or annex
        elif self._table_follows(following):
            self._open(None, _section_name(self.subheading))
            self.sticky = True
        elif self.current is None or self.current.paragraph is None:
            self._close()  # the text that follows is a section of its own

    def _table_follows(self, following: list[list[int]]) -> bool:
        """Whether the text under a heading is a table (two rows or more before the next
        heading or numbered paragraph): then it is cited by the heading, not the paragraph."""
        rows = 0
        for block in following[:8]:  # column headers may come first, looking like headings
            for index in block:
                if index in self.paragraph_at:
                    return rows >= 2
                rows += is_table_row(self.lines[index])
        return rows >= 2

    def _title(self, index: int) -> bool:
        """Box, annex and table titles, which open a section wherever they stand."""
        line = self.lines[index]
        box, annex, table = _BOX.match(line), _ANNEX.match(line), _TABLE.match(line)
        if not (box or annex or table) or self.skipping:
            return False
        if box:
            self._open(None, f"Box {box.group(1)}")
        elif annex:
            self.annex = f"Annex {annex.group(1).upper()}"
            self._open(None, self.annex)
        else:
            self._open(None, f"{self.annex}, Table {table.group(1)}" if self.annex else f"Table {table.group(1)}")
        self.sticky = True
        self.headings.append(Heading(index + 1, " ".join(line.split()), False))
        return True

    # --- text ------------------------------------------------------------------------------

    def _content(self, block: list[int]) -> None:
        if self.skipping:
            return
        if _CAPTION.match(self.lines[block[0]]):  # a photo caption: a section of its own, then back
            outer, outer_sticky = self.current, self.sticky
            caption = f"{self.part} - Photo caption" if self.part else "Photo caption"
            self._open(None, _section_name(caption))
            for index in block:
                self._append(index, self.lines[index].strip())
            self.current, self.sticky, self.gap = outer, outer_sticky, True
            return
        for index in block:
            line = self.lines[index]
            if self._title(index):
                continue
            if _FOOTNOTE.match(line):
                self.gap = True
                continue
            number = self.paragraph_at.get(index)
            if number is None and self._lost_number(index):
                number = self.last_paragraph + 1
            if number is not None:
                self.last_paragraph = number
                self._open(number, None)
                match = _PARAGRAPH.match(line)
                self._append(index, match.group(2) if match else _BULLET.sub("", line.strip(), count=1))
                continue
            stripped = line.strip()
            if self.current is None and not stripped[:1].islower():
                self._open(None, self._section_here())
            self._append(index, stripped)

    def _lost_number(self, index: int) -> bool:
        """A "- Capitalised sentence" line between two printed numbers that leave a gap for it
        (the Annual Report for 2018 lost six paragraph numbers this way)."""
        if not (self.numbered and self.last_paragraph and _LOST_NUMBER.match(self.lines[index])):
            return False
        following = bisect.bisect_right(self.printed_lines, index)
        if following == len(self.printed_lines):
            return False
        return self.paragraph_at[self.printed_lines[following]] > self.last_paragraph + 1

    def _section_here(self) -> str:
        """The name of a section opened by text without a number: in a numbered document the
        heading it sits under ("Foreword"); otherwise the part and the heading."""
        if self.numbered or not (self.part and self.subheading):
            return _section_name(self.subheading or self.part or "Text")
        return _section_name(f"{self.part} - {self.subheading}")

    def _open(self, paragraph: int | None, section: str | None) -> None:
        self.current = Unit(paragraph, section)
        self.units.append(self.current)
        self.sticky = False
        self.gap = False

    def _close(self) -> None:
        self.current = None
        self.sticky = False

    def _append(self, index: int, text: str) -> None:
        if self.current is None:  # a page break's rest of a sentence, with nothing open: keep it
            self._open(None, self._section_here())
        self.current.lines.append(Line(index + 1, text, is_table_row(text), self.gap and bool(self.current.lines)))
        self.gap = False
