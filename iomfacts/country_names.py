"""Finding the countries a sentence names, as IOM's documents spell them.

`content/countries.yml` holds each country's name as IOM writes it today; the documents also
use other spellings, older names and short forms ("Turkey" and "Türkiye", "the former Yugoslav
Republic of Macedonia", "Swaziland", "Federated States of Micronesia", "Venezuela"). Those
are listed below, from the documents' notes (../shared/notes) and the quotes of existing facts.

Matching is by whole name, longest first, so "South Sudan" is not also "Sudan", "Niger" is
not found in "Nigeria" and "Guinea" not in "Guinea-Bissau". Demonyms ("Syrian refugees") are
not countries: a fact lists the countries it is about, and a demonym rarely says that.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Other spellings of a country, by its code in content/countries.yml.
DOCUMENT_SPELLINGS: dict[str, tuple[str, ...]] = {
    "BOL": ("Plurinational State of Bolivia", "Bolivia"),
    "CIV": ("Cote d'Ivoire",),
    "COD": ("Democratic Republic of Congo",),
    "COG": ("Republic of the Congo",),
    "CPV": ("Cape Verde",),
    "CZE": ("Czech Republic",),
    "FSM": ("Federated States of Micronesia", "Micronesia"),
    "GBR": ("United Kingdom of Great Britain and Northern Ireland",),
    "HKG": ("Hong Kong SAR, China", "Hong Kong"),
    "IRN": ("Islamic Republic of Iran", "Iran"),
    "KOR": ("South Korea",),
    "LAO": ("Lao PDR",),
    "MDA": ("Moldova",),
    "MKD": ("the former Yugoslav Republic of Macedonia", "The former Yugoslav Republic of Macedonia"),
    "PRK": ("Democratic People's Republic of Korea",),
    "RUS": ("Russia",),
    "SWZ": ("Swaziland",),
    "SYR": ("Syria",),
    "TUR": ("Turkey", "Türkiye", "Turkiye"),
    "TZA": ("Tanzania",),
    "USA": ("United States",),
    "VEN": ("Bolivarian Republic of Venezuela", "Venezuela"),
    "VNM": ("Vietnam",),
}

# A name inside another proper name is not the country: "Lake Chad" is a lake, the "Qatar Red
# Crescent" a society, the "Panama Administrative Centre" an office of IOM.
_PART_OF_A_NAME_AFTER = re.compile(r" (?!And\b|In\b|The\b|IOM\b)[A-Z][a-z]")
_PART_OF_A_NAME_BEFORE = re.compile(r"\bLake\s+$")
# A place where something was held is not what a fact is about (CONTRIBUTING.md: list the
# countries the fact is about, not where an office or a meeting sits): "held in Kampala, Uganda".
_VENUE_BEFORE = re.compile(r"\b(?:held|hosted|took\s+place|convened|organi[sz]ed|located|based)\b[^.;:]{0,60}?\b(?:in|at)\s+"
                           r"(?:the\s+)?(?:[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*(?:,\s+|\s+and\s+))*$")


def _plain(text: str) -> str:
    """Curly apostrophes as straight ones, as names are listed (the length is kept, so that
    offsets found in the result are offsets in `text`)."""
    return text.replace("’", "'").replace("‘", "'")


class CountryFinder:
    def __init__(self, countries: Iterable[tuple[str, str]]):
        """`countries`: (code, name as in countries.yml)."""
        spellings: dict[str, str] = {}
        for code, name in countries:
            spellings[" ".join(_plain(name).split())] = code
            for other in DOCUMENT_SPELLINGS.get(code, ()):
                spellings.setdefault(" ".join(_plain(other).split()), code)
            # "Bolivia (Plurinational State of)" is also printed without its bracket.
            short = re.sub(r"\s*\(.*\)$", "", name)
            if short != name:
                spellings.setdefault(_plain(short), code)
        self._code = spellings
        names = sorted(spellings, key=len, reverse=True)
        # Any run of spaces or a line break may stand between the words of a name.
        self._pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in names)
                                   + r")(?![\w-])")

    def codes(self, text: str) -> list[str]:
        """The codes of the countries `text` names, in the order it first names them."""
        text = _plain(text)
        found: list[str] = []
        for match in self._pattern.finditer(text):
            before = text[max(0, match.start() - 80):match.start()]
            if (_PART_OF_A_NAME_AFTER.match(text, match.end()) or _PART_OF_A_NAME_BEFORE.search(before)
                    or _VENUE_BEFORE.search(before)):
                continue
            code = self._code[" ".join(match.group(1).split())]
            if code not in found:
                found.append(code)
        return found

    def starts(self, text: str) -> list[int]:
        """Where in `text` each country name begins (any spelling, every occurrence)."""
        return [match.start() for match in self._pattern.finditer(_plain(text))]
