"""One escaper per output channel, applied where text from content leaves the program.

Text in the YAML is data. Each channel it can reach has its own rules, so each has its own
function here, and the code that writes to a channel calls that channel's function:

| channel | function | where it is applied |
|---|---|---|
| Markdown text (page bodies) | `markdown_text.escape_markdown` | every value a template prints (render.py `finalize`) |
| Markdown code span | `code_span` | `|code` in templates (field and file names) |
| HTML attribute inside Markdown | `attribute` | `|attr` in templates; links the generator writes |
| URL in an attribute | `url` | `|url` in templates (source PDFs) |
| page title (front matter, `<title>`, header, navigation, search index) | `page_title` | `|title` in templates |
| CSV cell | `csv_cell` | exports.py, every text cell |
| JSON | `json.dumps` (exact text, nothing to neutralise) | exports.py |
| terminal and GitHub workflow commands | `problems.terminal_safe`, `Problem.github_annotation` | every problem printed |
"""

from __future__ import annotations

import html
import json
import re

from markupsafe import Markup

# An address we link to: http(s), then only characters that need no quoting anywhere we write
# it. Brackets, parentheses, quotes, backticks, braces, angle brackets, backslashes, spaces and
# control characters are refused (percent-encode them): any of them could end an attribute or
# start Markdown syntax inside one.
SAFE_URL = re.compile(r"https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~:/?#@!$&*+,;=%\-]*)?")

# Characters that mean nothing to HTML attributes, Markdown inline syntax or table cells;
# every other ASCII character is written as a numeric character reference.
_ATTRIBUTE_SPECIAL = re.compile(r"[^A-Za-z0-9 /:.,;=?#%~@\-\x80-\U0010ffff]")


class UnsafeURL(ValueError):
    """A URL that validation should have refused reached the renderer."""


def is_safe_url(text: str) -> bool:
    return SAFE_URL.fullmatch(text) is not None


def attribute(text: str) -> Markup:
    """Text for a double-quoted HTML attribute that Markdown will also read.

    Python-Markdown matches links and emphasis before it sets raw HTML aside, so `[a](x)` or
    `_x_` inside an attribute would become markup there. Every ASCII character that is not
    plainly inert is written as a numeric character reference: the browser decodes it back
    to the same text, Markdown sees nothing to act on, and a quote cannot end the attribute.
    """
    return Markup(_ATTRIBUTE_SPECIAL.sub(lambda special: f"&#{ord(special.group())};", str(text)))


def url(text: str) -> Markup:
    """A link target: refused unless it is a plain http(s) address, then attribute-escaped."""
    if not is_safe_url(str(text)):
        raise UnsafeURL(f"refusing to write an address that is not a plain http(s) URL: {str(text)[:80]!r}")
    return attribute(text)


def page_title(text: str) -> Markup:
    """A page title for YAML front matter, as HTML that prints exactly the text.

    Material prints `page.meta.title` without escaping it (in `<title>`, the header, the
    navigation) and MkDocs copies it into the search index, whose titles Material inserts as
    HTML. So the title is HTML-escaped here, once, and then written as a JSON string, which
    is valid YAML whatever the text holds. White space is folded: a title is one line.
    """
    folded = " ".join(str(text).split())
    return Markup(json.dumps(html.escape(folded, quote=False), ensure_ascii=False))


def code_span(text: str) -> Markup:
    """Text as a Markdown code span: shown exactly (Markdown escapes HTML inside it), on one
    line; a backtick in the text gets a longer fence so it cannot end the span early."""
    folded = " ".join(str(text).split())
    return Markup(f"`` {folded} ``" if "`" in folded else f"`{folded}`")


# A spreadsheet reads a cell that starts with one of these as a formula (or, for tab and
# carriage return, strips them and then may). OWASP's advice: prefix such cells with '.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A text cell that a spreadsheet cannot run: a leading apostrophe before a formula
    character. Numbers (and None) are returned untouched, so numeric columns stay numeric."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
