"""Rules on the text editors write, which `check` applies to every content file.

- No unfilled placeholder: text made by a script (or copied from a template) that still holds
  `{r['total']}`, `{{ name }}`, `{% if %}` or `%s` would be published as such. The renderer
  prints such text literally (it never becomes template code), so this rule is about
  correctness, not safety; the escapers stay the defence against hostile text.
- Every number a fact's statement prints is in its quote or its figures: a statement says no
  more than its source, and the quote is the evidence a reader checks it against.
- A statement is written in our own words: not the quote, nor a long run of it word for word
  (what `propose` writes until an editor rewrites it).
- No word broken by a folded line: in a `>-` block YAML joins lines with a space, so a word
  hyphenated at the end of a line ("awareness-" / "raising") is published as "awareness- raising".
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Iterator

from pydantic import BaseModel

from . import model
from .load import Located
from .problems import Problems
from .quotes import normalize

# --- unfilled placeholders -------------------------------------------------------------

# What is left of a template or a format string, each with what it is called in the message.
PLACEHOLDERS = [
    # Jinja (and Django, Liquid, Handlebars) expression, statement and comment delimiters.
    (re.compile(r"\{\{|\}\}"), "template expression"),
    (re.compile(r"\{%|%\}"), "template statement"),
    (re.compile(r"\{#|#\}"), "template comment"),
    # A Python f-string or str.format field: braces around code ({r['total']}, {x}, {0}, {},
    # {name!r:>5}, {:,.1f}), the format spec as Python's grammar has it. Prose never puts a bare
    # name in braces, and Markdown's attribute lists ({: .class }, {: #id }) are not fields.
    (re.compile(r"\{\s*(?:[A-Za-z_][\w.]*(?:\[[^\]{}]*\]|\([^(){}]*\))*|\d*)\s*(?:![rsa])?"
                r"(?::(?:[^{}]?[<>=^])?[-+ ]?z?#?0?\d*[,_]?(?:\.\d+)?[bcdeEfFgGnosxX%]?)?\}"),
     "format field"),
    # A %-format conversion: %s, %d, %i, %f, %r, %(name)s. A percentage followed by a word
    # ("29%s" does not occur; "29% decrease" has a space) is not one.
    (re.compile(r"%(?:\([A-Za-z_]\w*\))?[-+#0]*\d*(?:\.\d+)?[sdifr](?![A-Za-z])"), "%-format conversion"),
    # A shell or JavaScript template variable: ${name}.
    (re.compile(r"\$\{[^{}]*\}"), "template variable"),
]


def find_placeholder(text: str) -> tuple[str, str] | None:
    """(the placeholder as typed, what it is) for the first one in `text`, or None."""
    found = [(match.start(), match.group(), what) for pattern, what in PLACEHOLDERS
             for match in [pattern.search(text)] if match]
    if not found:
        return None
    _, typed, what = min(found)
    return typed, what


def text_fields(value, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(path, text) for every string in a content model, at any depth; dictionary keys (grade
    names, pillar ids) are plain identifiers checked elsewhere."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from text_fields(getattr(value, name), path + (name,))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from text_fields(item, path + (index,))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from text_fields(item, path + (key,))


def _report_fields(located: Located, problems: Problems, find, message, fix: str, skip: str | None = None) -> None:
    """Report, at its place, each text field of a content file (but fields named `skip`) in which
    `find` finds something; `message(field name, found)` says what."""
    for path, text in text_fields(located.value):
        if skip is not None and skip in path:
            continue
        found = find(text)
        if found:
            line, column = located.mark(*path)
            field_name = next((part for part in reversed(path) if isinstance(part, str)), "text")
            problems.add(located.path, line, column, message(field_name, found), fix)


def check_placeholders(located: Located, problems: Problems) -> None:
    """Report every text field of a content file that holds an unfilled placeholder."""
    _report_fields(
        located, problems, find_placeholder,
        lambda field_name, found: f"'{field_name}' holds an unfilled placeholder ({found[1]} '{found[0]}')",
        "write the value itself, as the source prints it; a placeholder would be published as typed")


# --- numbers in a statement ------------------------------------------------------------

# A number as a reader sees it: digits with thousands separators ("1,116", "1 116", or with a
# narrow or no-break space), or plain digits, with decimals. A number touching a letter, or a
# hyphen after a letter, is part of a name or a code, not a figure (COVID-19, P-5, G20, 108th,
# A1), and so is one inside a code of slashes or dots (resolution 71/313, indicator 10.7.2,
# C/106/CRP/20, decision 10/CP.24).
_SEPARATOR = "[,\u00a0\u202f\u2009 ]"
NUMBER = re.compile(rf"(?<![\w.,/])(?<![A-Za-z]-)(\d{{1,3}}(?:{_SEPARATOR}\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"
                    rf"(?![\w/])(?!\.\d)")
# Any run of digits, to read a quote leniently: a table row "1 656 5 397" holds 1656 and 5397
# for one reader and 1, 656, 5 and 397 for another.
DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
SCALES = {None: 1, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}

# Numbers that are not figures, which the rule leaves alone (each kind was met in the base):
# - the number of a document, a part or a target: "resolution 1244", "Red Book No. 27",
#   "Annex I, Table 4", "SDG target 8.7", "paragraphs 45 and 46", "Objective 1";
# - the day of a date: "1 October 2015", "8 and 9 May", "26–27 March";
# - a year. The rule was first written to let a year through only when the quote holds it (or it
#   is the year the fact is about, or of the cited document). Run over the base, 91 facts named a
#   year their quote does not hold; in 89 the source prints that year within 1,500 characters
#   of the quote (the same paragraph, or the column headings of a quoted table row), and the
#   other two turn "the previous year" into its number. A quote is one passage of at most 30
#   words and often cannot reach the date; a year dates a fact, it is not a figure a reader
#   compares. Figures are what this rule protects, so years are left to the audit.
YEAR = re.compile(r"(?:19|20)\d\d")
_REFERENCE_WORD = re.compile(
    r"\b(?:No|Nos|resolutions?|Resolutions?|decisions?|Tables?|Figures?|Box|Annex|Objectives?|Principles?|"
    r"Goals?|[Tt]argets?|[Ii]ndicators?|[Pp]aragraphs?|SDG|Alliance|Articles?|Part|Chapter|Level|Session)"
    r"\.?\s+(?:[IVX]+,\s+\w+\s+)?$")  # "Annex I, Table 4"
_PAIR = re.compile(r"(\S+\s+)\d+(?:\.\d+)?\s*(?:and|,|–|-|to)\s*$")  # "paragraphs 45 and 46"
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DAY = re.compile(rf"(?:\s*(?:and|–|-|to)\s*\d{{1,2}})?\s+(?:{_MONTHS})\b")


def _amount(printed: str) -> Decimal | None:
    try:
        return Decimal(re.sub(_SEPARATOR, "", printed))
    except InvalidOperation:
        return None


def _is_reference(before: str) -> bool:
    """The number after `before` numbers a document, a part or a target ("resolution 1244"),
    or is the second of such a pair ("paragraphs 45 and 46")."""
    pair = _PAIR.search(before)
    return bool(_REFERENCE_WORD.search(before) or (pair and _REFERENCE_WORD.search(pair.group(1))))


def statement_numbers(statement: str) -> list[str]:
    """The figures a statement prints, as printed: references, days of dates and years left out."""
    found = []
    for match in NUMBER.finditer(statement):
        printed = match.group(1)
        if YEAR.fullmatch(printed) or _is_reference(statement[:match.start()]) or \
                (len(printed) <= 2 and _DAY.match(statement, match.end())):
            continue
        found.append(printed)
    return found


def quote_amounts(quote: str) -> set[Decimal]:
    """Every number a quote can be read to hold: as grouped numbers, and as each run of digits."""
    amounts = {_amount(match.group(1)) for match in NUMBER.finditer(quote)}
    for run in DIGITS.findall(quote):
        amounts.add(_amount(run.replace(",", "")))
        amounts.update(_amount(part) for part in run.split(","))
    return {amount for amount in amounts if amount is not None}


def figure_amounts(figures: list[model.Figure]) -> set[Decimal]:
    """A figure as the statement may print it: its value ("1.8" billion) or the whole amount."""
    amounts = set()
    for figure in figures:
        value = Decimal(str(figure.value))
        amounts |= {value, value * SCALES[figure.scale]}
    return amounts


def unsupported_numbers(fact: model.Fact) -> list[str]:
    """The figures in `fact`'s statement that neither its quote nor its figures hold."""
    known = quote_amounts(fact.quote) | figure_amounts(fact.figures)
    missing = []
    for printed in statement_numbers(fact.statement):
        if _amount(printed) not in known and printed not in missing:
            missing.append(printed)
    return missing


def _report_statements(located: Located, problems: Problems, find, message, fix: str) -> None:
    """Report, at its statement, each fact of a fact file for which `find` finds something."""
    fact_file: model.FactFile = located.value
    for index, fact in enumerate(fact_file.facts):
        found = find(fact)
        if found:
            line, column = located.mark("facts", index, "statement")
            problems.add(located.path, line, column, message(found), fix)


def check_statement_numbers(located: Located, problems: Problems) -> None:
    """Report each fact whose statement prints a figure its quote and figures do not hold."""
    _report_statements(
        located, problems, unsupported_numbers,
        lambda missing: f"the statement prints {', '.join(missing)}, which is not in the quote or the figures",
        "quote the words that hold the number, add it as a figure, or write the statement "
        "with the numbers the quote prints")


# --- a statement in our own words -------------------------------------------------------

# `propose` writes the source's own sentence as a proposal's statement; an editor accepting it
# writes the statement anew. A statement that is still the quote, or the quote with a word or
# two changed, was not rewritten: the site would publish IOM's sentence as ours, and the quote
# beside it would say the same thing twice.
#
# The rule is narrower than "no run of 12 words in common", on purpose. Run over the base, that
# flagged 245 facts, and most were written in other words around what a statement has to repeat:
# a programme's or a conference's title ("Towards a Holistic Approach to Labour Migration
# Governance and Labour Mobility in North Africa"), a list of countries or partners, or a
# figure with its unit ("2.7 million people in more than 920 camps and camp-like settings in 21
# countries"). What tells a copy apart is how much of the statement the common run is, so a
# statement is refused when
# - it is the quote (compared as the quote check compares: letters and digits), at any length
#   (a short sentence or a table row is proposed with its quote equal to its statement);
# - one run of VERBATIM_WORDS words or more shared with the quote makes up COPIED_SHARE of the
#   statement or more: the quote with a word or two changed, or cut short;
# - it repeats LONG_RUN words of the quote in a row, whatever it adds: the proposal of a
#   sentence longer than a quote, whose statement is the whole sentence around its 30-word
#   quote. The longest run a written statement of the base repeats is 25 words.
VERBATIM_WORDS = 12
COPIED_SHARE = 0.8
LONG_RUN = 26


def _words(text: str) -> list[str]:
    """The words of `text` as the quote check compares them: letters and digits only, so case,
    punctuation and hyphenation do not matter ("376,800" is "376800")."""
    return [word for word in (normalize(part) for part in text.split()) if word]


def verbatim_run(statement: str, quote: str) -> int:
    """How many words the longest run the statement shares with the quote word for word has."""
    said, quoted = _words(statement), _words(quote)
    best = 0
    previous = [0] * (len(quoted) + 1)
    for word in said:
        current = [0] * (len(quoted) + 1)
        for j, other in enumerate(quoted, start=1):
            if word == other:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def copied_statement(fact: model.Fact) -> str | None:
    """How `fact`'s statement copies its quote, or None when it is written in other words."""
    if normalize(fact.statement) == normalize(fact.quote):
        return "is the quote itself"
    run = verbatim_run(fact.statement, fact.quote)
    if run >= LONG_RUN or (run >= VERBATIM_WORDS and run >= COPIED_SHARE * len(_words(fact.statement))):
        return f"repeats {run} words of the quote in a row"
    return None


def check_statement_rewritten(located: Located, problems: Problems) -> None:
    """Report each fact whose statement is its quote, or the quote barely changed."""
    _report_statements(
        located, problems, copied_statement, lambda how: f"the statement {how}: it was not rewritten",
        "write the statement in your own words, saying no more than the quote, which "
        "already gives the source's wording")


# --- a word broken by a folded line ----------------------------------------------------

# A hyphen after a letter, then a space and a lower-case letter: "gender- related". A suspended
# hyphen is followed by "and", "or" or "to" ("medium- and long-term", "pre- and post-arrival")
# and is left alone. Quotes are exempt: they are the source's text as printed, which the quote
# check compares without regard to hyphens and spaces.
BROKEN_WORD = re.compile(r"(?<=[A-Za-z])- (?!(?:and|or|to|nor)\b)(?=[a-z])")


def find_broken_word(text: str) -> str | None:
    """The first word of `text` broken by a folded line ("gender- related"), or None."""
    match = BROKEN_WORD.search(text)
    if not match:
        return None
    start = text.rfind(" ", 0, match.start()) + 1
    end = text.find(" ", match.end())
    return text[start:end if end != -1 else len(text)]


def check_broken_words(located: Located, problems: Problems) -> None:
    """Report every text field (quotes apart) with a word split by a folded line."""
    _report_fields(
        located, problems, find_broken_word,
        lambda field_name, broken: f"'{field_name}' has a word broken by a folded line ('{broken}')",
        "join the word on one line (YAML joins a '>-' block's lines with a space)", skip="quote")


def check_file(located: Located, problems: Problems) -> None:
    """Every text rule that applies to one content file (load.py runs them when the file is
    read, so the live preview's parse cache keeps their findings with the file's)."""
    check_placeholders(located, problems)
    check_broken_words(located, problems)
    if isinstance(located.value, model.FactFile):
        check_statement_numbers(located, problems)
        check_statement_rewritten(located, problems)
