"""Problems found in content files, reported as `path:line:col: message (fix)`.

Every stage collects problems instead of raising, so that an editor sees all of them in one
run; the command line prints them and exits non-zero.
"""

from __future__ import annotations

import operator
import os
import re
from dataclasses import dataclass, field

# Characters that must never reach a terminal or a CI log as they are, because messages quote
# keys, values and file names from the content: C0 controls, DEL and C1 controls (ESC starts
# cursor-moving sequences, a newline forges a second problem line), bidirectional controls
# (U+202E reverses the text after it), zero-width and other invisible format characters,
# line and paragraph separators, and lone surrogates (undecodable bytes in a file name).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u2028-\u202e"
                     "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff"
                     "\U000e0000-\U000e007f]")
_SHORT_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match) -> str:
    character = match.group()
    if character in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[character]
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def terminal_safe(text: str) -> str:
    """`text` with every control, bidi and invisible character written as an escape (`\\x1b`,
    `\\n`, `\\u202e`), so that it prints as one visible line and cannot move the cursor."""
    return _UNSAFE.sub(_escape, text)


def _workflow_data(text: str) -> str:
    """Escaped for the message part of a GitHub workflow command."""
    return terminal_safe(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _workflow_property(text: str) -> str:
    """Escaped for a property value (file=...) of a GitHub workflow command."""
    return _workflow_data(text).replace(":", "%3A").replace(",", "%2C")


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    message: str
    fix: str = ""

    def __str__(self) -> str:
        """`path:line:col: message (fix)` on one line, safe to print (see `terminal_safe`)."""
        text = f"{self.path}:{self.line}:{self.column}: {self.message}"
        return terminal_safe(f"{text} ({self.fix})" if self.fix else text)

    def github_annotation(self) -> str:
        """The same problem as a GitHub Actions workflow command (an inline PR annotation).

        A workflow command ends at a line break and treats `%` specially, and in property values
        also `:` and `,`; all are escaped as GitHub documents, so a file name or a quoted key can
        neither end the command early nor start a forged one (`::add-mask::...`).
        """
        message = str(self.message) + (f" ({self.fix})" if self.fix else "")
        return (f"::error file={_workflow_property(self.path)},line={self.line},col={self.column}"
                f"::{_workflow_data(message)}")


# The order of `Problem` (file, line, column, message, fix) as one tuple per problem: compared
# in C, this sorts 700,000 problems about five times faster than the dataclass's own `<`.
_ORDER = operator.attrgetter("path", "line", "column", "message", "fix")


@dataclass
class Problems:
    """An ordered collection of problems with a convenience `add`."""

    items: list[Problem] = field(default_factory=list)
    # The sorted, de-duplicated problems, kept until `items` changes: iterating again (the
    # CLI iterates to print, then counts) must not sort a hundred thousand problems again.
    _sorted: tuple[int, int, list[Problem]] | None = field(default=None, repr=False, compare=False)

    def add(self, path: str, line: int, column: int, message: str, fix: str = "") -> None:
        self.items.append(Problem(path, line, column, message, fix))

    def extend(self, other: "Problems | list[Problem]") -> None:
        self.items.extend(other.items if isinstance(other, Problems) else other)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        key = (id(self.items), len(self.items))
        if self._sorted is None or self._sorted[:2] != key:
            self._sorted = (*key, sorted(set(self.items), key=_ORDER))
        return iter(self._sorted[2])

    def unique_count(self) -> int:
        """How many different problems there are (the same problem found twice counts once)."""
        return sum(1 for _ in self)


def display_path(path: os.PathLike | str, root: os.PathLike | str | None = None) -> str:
    """A path as an editor would type it: relative to the repository when possible."""
    path = os.fspath(path)
    if root is not None:
        try:
            return os.path.relpath(path, os.fspath(root))
        except ValueError:  # a different drive on Windows
            return path
    return path
