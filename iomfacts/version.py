"""Which version of the content a build shows: the commit, its date, and local changes.

Pages carry a "data as of" stamp so that a field office can tell how old its offline copy
is. The date is the last commit's, not the clock's, so two builds of the same commit are
identical (SOURCE_DATE_EPOCH overrides it, as reproducible-build tools expect).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ContentVersion:
    commit: str | None  # short hash, None outside a git checkout
    date: dt.date | None
    dirty: bool

    @property
    def label(self) -> str:
        date = self.date.strftime("%-d %B %Y") if self.date else "an unrecorded date"
        if self.commit is None:
            return f"Data as of {date} (content not under version control)"
        changes = ", with local changes" if self.dirty else ""
        return f"Data as of {date} (content version {self.commit}{changes})"

    @property
    def iso_date(self) -> str:
        return self.date.isoformat() if self.date else "undated"


def git(root: Path, *args: str) -> str | None:
    """A git command's output in the checkout at `root`, or None where git cannot answer."""
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def is_checkout(root: Path) -> bool:
    """Whether `root` is the top of a git checkout (a copy of the content elsewhere is not)."""
    top = git(root, "rev-parse", "--show-toplevel")
    return top is not None and Path(top).resolve() == root.resolve()


def content_version(root: Path) -> ContentVersion:
    commit = date = None
    dirty = False
    if is_checkout(root):
        commit = git(root, "log", "-1", "--format=%h")
        stamp = git(root, "log", "-1", "--format=%ct")
        if stamp:
            date = dt.datetime.fromtimestamp(int(stamp), dt.timezone.utc).date()
        dirty = bool(git(root, "status", "--porcelain", "--", "content", "templates"))
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        date = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return ContentVersion(commit or None, date, dirty)


def source_date_epoch(root: Path) -> str | None:
    """SOURCE_DATE_EPOCH for MkDocs: the caller's, or the last commit's time (reproducible dates)."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    if is_checkout(root):
        return git(root, "log", "-1", "--format=%ct") or None
    return None
