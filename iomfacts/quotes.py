"""Finding a quote in a source text, and a figure in a quote.

The extracted texts break lines mid-sentence, hyphenate words across lines, and use curly
quotes; editors copy from the PDF. Both sides are therefore reduced to their letters and
digits before comparing, so only the words and numbers themselves have to match.
"""

from __future__ import annotations

import functools
import unicodedata
from decimal import Decimal

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


@functools.lru_cache(maxsize=65536)  # every check normalizes every quote again; the preview checks often
def normalize(text: str) -> str:
    """Lower-case letters and digits only: what two copies of the same words have in common."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(char for char in text.casefold() if char.isalnum())


def _words_below_thousand(number: int) -> str:
    hundreds, rest = divmod(number, 100)
    parts = []
    if hundreds:
        parts.append(f"{_ONES[hundreds]} hundred")
    if rest:
        if hundreds:
            parts.append("and")
        if rest < 20:
            parts.append(_ONES[rest])
        else:
            tens, ones = divmod(rest, 10)
            parts.append(_TENS[tens] + (f"-{_ONES[ones]}" if ones else ""))
    return " ".join(parts) or "zero"


def number_in_words(number: int) -> str | None:
    """English words for 0..999,999 ("one hundred and sixteen"), as reports spell small counts."""
    if not 0 <= number < 1_000_000:
        return None
    thousands, rest = divmod(number, 1000)
    if not thousands:
        return _words_below_thousand(rest)
    words = f"{_words_below_thousand(thousands)} thousand"
    if rest:
        words += (" and " if rest < 100 else " ") + _words_below_thousand(rest)
    return words


def figure_spellings(value: int | float) -> list[str]:
    """The normalized forms a printed figure can take: digits, and words for whole numbers."""
    if isinstance(value, float) and not value.is_integer():
        digits = f"{Decimal(repr(value)):f}"  # every digit written, never rounded (0.0000004)
    else:
        digits = str(int(value))
    spellings = [digits.replace(".", "").lstrip("-")]
    if float(value).is_integer():
        words = number_in_words(int(abs(value)))
        if words:
            spellings.append(normalize(words))
    return spellings


def figure_in_quote(value: int | float, quote: str) -> bool:
    normalized = normalize(quote)
    return any(spelling in normalized for spelling in figure_spellings(value))


class SourceTexts:
    """The normalized text of each source document, read once."""

    def __init__(self, texts: dict[str, str]):
        self.texts = dict(texts)  # as read: source pages list what no fact cites (coverage.py)
        self._normalized = {source_id: normalize(text) for source_id, text in texts.items()}

    def __contains__(self, source_id: str) -> bool:
        return source_id in self._normalized

    def contains(self, source_id: str, quote: str) -> bool:
        return normalize(quote) in self._normalized[source_id]

    def longest_matching_start(self, source_id: str, quote: str) -> str:
        """The longest run of the quote's first words that the source contains: where to look."""
        words = quote.split()
        low, high = 0, len(words)
        text = self._normalized[source_id]
        while low < high:  # binary search: a prefix that matches implies all shorter ones do
            middle = (low + high + 1) // 2
            if normalize(" ".join(words[:middle])) in text:
                low = middle
            else:
                high = middle - 1
        return " ".join(words[:low])

