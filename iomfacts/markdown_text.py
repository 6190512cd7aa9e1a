"""Turning content text and numbers into safe Markdown.

Text from YAML is data, never markup: an editor's `<script>`, `[link](javascript:...)` or
`**bold**` must reach the reader as those very characters. Every value a template prints goes
through `escape_markdown` (see `render.py`), unless it is `Markup` built by our own helpers.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal

from markupsafe import Markup

# Python-Markdown's backslash-escapable characters, plus `|` which the tables extension adds.
# Escaping others would print the backslash; the extensions in mkdocs.yml give no other
# character a meaning inside a line (no emoji, tilde, caret or magic-link extensions).
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


@functools.lru_cache(maxsize=1 << 16)
def escape_markdown(text: str) -> Markup:
    """Plain text as Markdown that renders exactly that text, on one line."""
    text = " ".join(str(text).split())  # a newline could start a Markdown block
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # `&gt;` etc. already contain no specials; escape the rest (but not our own entities' `;`).
    return Markup(_MARKDOWN_SPECIALS.sub(r"\\\1", text))


def format_number(value: int | float) -> str:
    """12673 -> '12,673'; 1605.4 -> '1,605.4'; 3.0 -> '3'; 0.0000004 -> '0.0000004'.

    A decimal keeps every digit written in the YAML: Python's repr of a float is the shortest
    text that reads back as the same number, which is what the editor typed (less trailing
    zeros), and Decimal prints it in positional notation, never as 4e-07 and never rounded.
    """
    if isinstance(value, float) and not value.is_integer():
        return f"{Decimal(repr(value)):,f}"
    return f"{int(value):,}"


def format_figure(figure, with_unit: bool = True) -> str:
    """A figure as a reader expects it: 'over 376,800 assessments', 'USD 1.8 billion', '47%'.

    Without the unit (for table cells whose row names it), currency and percentages keep theirs.
    """
    number = format_number(figure.value)
    if figure.scale:
        number = f"{number} {figure.scale}"
    if figure.unit == "USD":
        text = f"USD {number}"
    elif figure.unit == "per cent":
        text = f"{number}%" if not figure.scale else f"{number} per cent"
    elif with_unit:
        text = f"{number} {figure.unit}"
    else:
        text = number
    return f"{figure.qualifier} {text}" if figure.qualifier else text
