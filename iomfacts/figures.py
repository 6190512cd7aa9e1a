"""Reading the figures a sentence prints: "over 30 million people", "USD 1.87 billion",
"Seventy-two per cent", "2 964 410 000", "(2017: 31,300)".

Each figure is read as printed, the way a fact records it (CONTRIBUTING.md, "Fields of a
figure"): the value without separators, the scale word kept apart ("1.87" and "billion"), the
unit the number counts, and the hedge in front of it mapped to the model's qualifiers ("more
than" is `over`, "approximately" is `about`, "almost" is `nearly`). What is printed is kept
too, so an editor sees what was read.

Numbers that are not figures are left out: years ("in 2018", "2015–2019"), dates ("10–11
December"), ordinals ("108th"), names and codes ("Box 4", "Level 3", "COVID-19", "SDG target
8.7", "C/106/CRP/20") and footnote markers glued to a word ("donors1").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The hedge words in front of a figure, by the qualifier a fact records for them (the
# editors' usage in content/facts: "more than" is written `over`, "some" `about`...).
QUALIFIERS = {
    "over": ("more than", "just over", "in excess of", "exceeding", "upwards of", "over", "above"),
    "about": ("approximately", "an estimated", "estimated", "roughly", "around", "about", "some"),
    "nearly": ("almost", "close to", "just under", "nearly"),
    "under": ("less than", "fewer than", "under", "below"),
    "at least": ("at least",),
    "up to": ("up to",),
}
_QUALIFIER_OF = {words: qualifier for qualifier, spellings in QUALIFIERS.items() for words in spellings}
_QUALIFIER = re.compile(r"(?:^|(?<=[\s(]))(?P<words>" + "|".join(
    sorted((re.escape(words).replace(r"\ ", r"\s+") for words in _QUALIFIER_OF), key=len, reverse=True))
    + r")\s+$", re.IGNORECASE)

_CURRENCY = {"USD": "USD", "US$": "USD", "$": "USD", "EUR": "EUR", "€": "EUR", "CHF": "CHF"}
_SCALES = ("thousand", "million", "billion")

_ONES = {word: value for value, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
_TENS = {word: 10 * value for value, word in enumerate(
    "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if word != "_"}
_NUMBER_WORD = "|".join(sorted([*_ONES, *_TENS, "hundred", "thousand"], key=len, reverse=True))
_FIRST_WORD = "|".join(sorted([*_ONES, *_TENS], key=len, reverse=True))  # "several hundred" is no figure

_SPACE = "[ \u00a0\u202f]"  # thousands separated by a space, a no-break or a narrow no-break space
_DIGITS = (
    rf"\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?"  # 72,176 and 1,605.4
    rf"|\d{{1,3}}(?:{_SPACE}\d{{3}})+(?:\.\d+)?(?![\d,])"  # 2 964 410 000 (tables, some prose)
    r"|\d+(?:\.\d+)?"  # 45 and 1.87
)
# Inside a table row "Men 526 606 662 788" is five numbers, not one: there only a group of
# one or two digits can open a space-separated number ("1 062", "29 522").
_ROW_DIGITS = _DIGITS.replace(rf"\d{{1,3}}(?:{_SPACE}", rf"\d{{1,2}}(?:{_SPACE}")
# "and" joins number words only after "hundred" or "thousand": "between two and three" is two numbers.
_WORDS = rf"(?:{_FIRST_WORD})(?:(?:(?:(?<=hundred)|(?<=thousand))\s+and\s+|-\s?|\s+)(?:{_NUMBER_WORD}))*"

_AFTER = (
    r"(?P<scale>\s+(?:thousand|million|billion)\b)?"
    r"(?P<percent>\s?%|[\s-]per[\s-]?cent\b|\s?percent\b)?"
)


def _figure_pattern(digits: str) -> re.Pattern:
    return re.compile(
        r"(?P<currency>\b(?:USD|EUR|CHF)\s?|US\$\s?|\$|€\s?)?"
        # Not inside a word, a code or a decimal: "COVID-19", "P-5", "C/106", "donors1", "8.7".
        rf"(?<![\w.,/\-–])(?:(?P<digits>{digits})|(?P<words>\b{_WORDS}\b))"
        r"(?![\w/])(?!-[A-Za-z](?!er[\s-]?cent))(?!\.\d)" + _AFTER,
        re.IGNORECASE)


_FIGURE = _figure_pattern(_DIGITS)
_ROW_FIGURE = _figure_pattern(_ROW_DIGITS)

_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
           "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
_DATE_AFTER = re.compile(rf"^(?:\s*[–-]\s*\d{{1,2}})?\s+(?:{_MONTHS})\b")
_DATE_BEFORE = re.compile(rf"\b(?:{_MONTHS})\s+$")
# Words after which a number names something rather than counts it.
_NAMING = re.compile(
    r"\b(?:Box|Table|Annex|Figure|Chapter|Section|Article|Principle|Objective|Goal|Goals|SDG|target|"
    r"indicator|Level|Phase|Tier|Round|paragraphs?|paras?|No|Nos|Resolution|page|Session|Protocol|"
    r"Decision|Rule|number|Grade|Category|version|MIDAS|Class|ISO)\.?\s*$", re.IGNORECASE)

# Words that describe what a number counts without being the thing counted ("12,000 IOM
# staff", "60 new offices"): the unit is the word after them.
_UNIT_SKIP = {"iom", "new", "additional", "more", "other", "different", "separate", "individual",
              "unique", "active", "eligible", "registered", "vulnerable", "total", "such"}
_UNIT_STOP = {"of", "the", "in", "to", "for", "and", "or", "with", "from", "by", "at", "on", "were", "was", "who",
              "that", "which", "compared", "across", "per", "had", "have", "has", "are", "is", "as",
              "than", "between", "during", "since", "through", "into", "under", "within", "while",
              "whom", "whose", "including", "each", "a", "an", "this", "these", "those", "its", "their",
              "be", "been", "being", "will", "would", "could", "also", "around", "worldwide", "globally",
              "annually", "overall", "respectively", "alone", "now", "so", "far", "there", "then", "still"}
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")


@dataclass(frozen=True)
class PrintedFigure:
    """One figure as a sentence prints it, with where it is (character offsets)."""

    value: int | float
    unit: str
    scale: str | None
    qualifier: str | None
    printed: str  # the words read, hedge included: "more than 42,000"
    start: int
    end: int


def words_value(words: str) -> int | None:
    """'One hundred and forty-four' -> 144; 'Ninety- one' -> 91; None if it is not a number."""
    total, current = 0, 0
    for word in re.split(r"[\s-]+", words.casefold()):
        if word == "and" or not word:
            continue
        if word in _ONES:
            current += _ONES[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total += max(current, 1) * 1000
            current = 0
        else:
            return None
    return total + current


def _number(text: str) -> int | float:
    digits = re.sub(r"[,\s\u00a0\u202f]", "", text)
    return float(digits) if "." in digits else int(digits)


def _is_year(match: re.Match, value: int | float) -> bool:
    return (match.group("digits") is not None and isinstance(value, int) and 1900 <= value <= 2100
            and re.fullmatch(r"\d{4}", match.group("digits")) is not None
            and not (match.group("scale") or match.group("percent") or match.group("currency")))


def _unit_after(text: str) -> str | None:
    """The noun a figure counts: the last word of the run of words right after it, before a
    preposition or punctuation ("376,800 pre-departure health assessments in" -> assessments)."""
    run: list[str] = []
    position = 0
    while len(run) < 3:
        gap = re.match(r"[ \t]*", text[position:])
        position += gap.end()
        word = _WORD.match(text, position)
        if not word:
            break
        lowered = word.group().casefold()
        # A verb or participle after the noun ends it: "144 offices reported", "5 offices hosting".
        if lowered in _UNIT_STOP or (run and lowered.endswith(("ed", "ing"))):
            break
        position = word.end()
        if not run and (lowered in _UNIT_SKIP or lowered.endswith("ly")):  # "internally displaced persons"
            continue
        run.append(word.group().rstrip("-"))
    if not run:
        return None
    if all(word[:1].isupper() for word in run) and len(run) > 1:
        return " ".join(run)  # "Member States"
    last = run[-1]
    return last if last.isupper() else last.casefold()


def parse_figures(text: str, table_row: bool = False) -> list[PrintedFigure]:
    """Every figure `text` prints, in order. `table_row`: a row of a table, whose numbers are
    separated by spaces ("Total 936 1 062 1 193")."""
    figures: list[PrintedFigure] = []
    pattern = _ROW_FIGURE if table_row else _FIGURE
    for match in pattern.finditer(text):
        if match.group("digits") is not None:
            value: int | float = _number(match.group("digits"))
        else:
            words = match.group("words")
            value = words_value(words)
            # "one" alone is an article more often than a count ("one of the", "one-stop").
            if value is None or words.casefold() == "one" or re.match(r"-[A-Za-z]", text[match.end("words"):]):
                continue
        before, after = text[:match.start()], text[match.end():]
        is_date = isinstance(value, int) and value <= 31 and bool(_DATE_AFTER.match(after) or _DATE_BEFORE.search(before))
        if is_date or _is_year(match, value) or _NAMING.search(before):
            continue
        scale = match.group("scale").strip().casefold() if match.group("scale") else None
        currency = match.group("currency")
        if match.group("percent"):
            unit = "per cent"
        elif currency:
            unit = _CURRENCY[currency.strip().upper()]
        else:
            unit = _unit_after(after) or (figures[-1].unit if figures else "count")
        hedge = _QUALIFIER.search(before)
        start = hedge.start("words") if hedge else match.start()
        figures.append(PrintedFigure(
            value=value, unit=unit, scale=scale,
            qualifier=_QUALIFIER_OF[" ".join(hedge.group("words").casefold().split())] if hedge else None,
            printed=" ".join(text[start:match.end()].split()), start=start, end=match.end()))
    return figures
