"""Where some words are in the source documents: `build_site.py locate "some words"`.

An editor writing a fact by hand has the words from the PDF and needs the citation: which
document, which paragraph or section, which line of the text. Words are compared the way the
quote check compares them (letters and digits only, `quotes.normalize`), so line breaks,
hyphenation and curly quotes do not matter. Every place the words occur is listed; when they
occur nowhere, the longest run of their first words that does occur is shown, with the text
that follows it there, so the editor sees where the copy went wrong.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from .document_units import Document
from .quotes import normalize


@dataclass
class SourceDocument:
    id: str
    text_name: str
    text: str
    document: Document  # the text split into paragraphs and sections


@dataclass
class Hit:
    source: SourceDocument
    line: int
    place: str  # "paragraph 3", "Box 4", or "front matter" when no unit holds the line
    heading: str | None


@dataclass
class NearMiss:
    hit: Hit
    matched_words: int
    total_words: int
    goes_on: str  # the document's next words after the part that matched


class NormalizedText:
    """A text reduced to letters and digits, remembering where each kept character was, so a
    match in the reduced text can be traced back to its line."""

    def __init__(self, text: str):
        self.text = text
        kept, origin = [], []
        for offset, character in enumerate(text):
            for reduced in normalize(character):
                kept.append(reduced)
                origin.append(offset)
        self.normalized = "".join(kept)
        self.origin = origin
        self.line_starts = [0] + [offset + 1 for offset, character in enumerate(text) if character == "\n"]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset)

    def find_all(self, words: str) -> list[tuple[int, int]]:
        """(start, end) offsets in the original text of every occurrence of `words`."""
        needle = normalize(words)
        found, start = [], self.normalized.find(needle) if needle else -1
        while start >= 0:
            end = start + len(needle) - 1
            found.append((self.origin[start], self.origin[end] + 1))
            start = self.normalized.find(needle, start + 1)
        return found

    def longest_start(self, words: str) -> tuple[int, tuple[int, int] | None]:
        """How many of the first words occur, and where (the first occurrence)."""
        parts = words.split()
        low, high = 0, len(parts)
        while low < high:  # a prefix that occurs implies every shorter one does
            middle = (low + high + 1) // 2
            if normalize(" ".join(parts[:middle])) in self.normalized:
                low = middle
            else:
                high = middle - 1
        if low == 0:
            return 0, None
        return low, self.find_all(" ".join(parts[:low]))[0]


def _hit(source: SourceDocument, line: int) -> Hit:
    unit = source.document.unit_at(line)
    headings = source.document.headings_before(line)
    return Hit(source, line, unit.place if unit else "a heading, caption or front matter",
               headings[-1].text if headings else None)


def locate(words: str, sources: list[tuple[SourceDocument, NormalizedText]]) -> list[Hit]:
    """Every place `words` occurs, document by document, in the order of the text."""
    hits = []
    for source, normalized in sources:
        for start, _ in normalized.find_all(words):
            hits.append(_hit(source, normalized.line_of(start)))
    return hits


def near_miss(words: str, sources: list[tuple[SourceDocument, NormalizedText]]) -> NearMiss | None:
    """The document holding the longest run of the words' beginning, and what follows it there."""
    best: NearMiss | None = None
    total = len(words.split())
    for source, normalized in sources:
        count, span = normalized.longest_start(words)
        if span is None or (best is not None and count <= best.matched_words):
            continue
        after = normalized.text[span[1]:span[1] + 200].split()
        best = NearMiss(_hit(source, normalized.line_of(span[0])), count, total, " ".join(after[:12]))
    return best
