"""Problems found in content files, reported as `path:line:col: message (fix)`.

Every stage collects problems instead of raising, so that an editor sees all of them in one
run; the command line prints them and exits non-zero.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    message: str
    fix: str = ""

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}:{self.column}: {self.message}"
        return f"{text} ({self.fix})" if self.fix else text

    def github_annotation(self) -> str:
        """The same problem as a GitHub Actions workflow command (an inline PR annotation)."""
        message = str(self.message) + (f" ({self.fix})" if self.fix else "")
        # Workflow commands end at a newline and treat % specially; escape both.
        message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::error file={self.path},line={self.line},col={self.column}::{message}"


@dataclass
class Problems:
    """An ordered collection of problems with a convenience `add`."""

    items: list[Problem] = field(default_factory=list)

    def add(self, path: str, line: int, column: int, message: str, fix: str = "") -> None:
        self.items.append(Problem(path, line, column, message, fix))

    def extend(self, other: "Problems | list[Problem]") -> None:
        self.items.extend(other.items if isinstance(other, Problems) else other)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(sorted(set(self.items)))


def display_path(path: os.PathLike | str, root: os.PathLike | str | None = None) -> str:
    """A path as an editor would type it: relative to the repository when possible."""
    path = os.fspath(path)
    if root is not None:
        try:
            return os.path.relpath(path, os.fspath(root))
        except ValueError:  # a different drive on Windows
            return path
    return path
