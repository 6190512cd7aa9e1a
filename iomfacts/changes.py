"""What changed: the facts added, corrected (field by field) and removed in each content version.

Content versions are the git tags `v*` (the offline bundle is released at each). For every tag,
its changes since the tag before it; and the changes made since the latest tag, not yet
released. The comparison is `content_diff.compare`, the one the `diff` command and pull
requests use. Outside a git checkout, or before the first tag, there are no versions to list.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from .content_diff import ContentDiff, DiffFailed, compare, knowledge_at
from .knowledge import Knowledge
from .version import git, is_checkout


@dataclass
class VersionChanges:
    version: str  # a tag, or "" for the changes not yet in a tagged version
    since: str  # the tag before, or "" for the first version
    diff: ContentDiff | None  # None for the first version (everything in it is new)
    facts: int  # facts in this version


def tagged_versions(root: Path) -> list[tuple[str, str]]:
    """(tag, commit) of every `v*` tag, oldest version first."""
    if not is_checkout(root):
        return []
    tags = (git(root, "tag", "--list", "v*", "--sort=version:refname") or "").splitlines()
    return [(tag, git(root, "rev-list", "-n", "1", tag) or "") for tag in tags if tag]


@functools.lru_cache(maxsize=32)
def _knowledge_at(root: Path, commit: str) -> Knowledge | None:
    """The content at a tagged commit, read once per process (tags do not move)."""
    try:
        return knowledge_at(root, commit)
    except DiffFailed:  # content that did not pass the checks of its day: nothing to compare
        return None


def version_changes(root: Path, current: Knowledge) -> list[VersionChanges]:
    """Newest first: the unreleased changes (if any), then each tagged version's."""
    versions = tagged_versions(root)
    listed: list[VersionChanges] = []
    previous_tag, previous = "", None
    for tag, commit in versions:
        knowledge = _knowledge_at(root, commit)
        if knowledge is None:
            continue
        listed.append(VersionChanges(tag, previous_tag, compare(previous, knowledge) if previous else None,
                                     len(knowledge.facts)))
        previous_tag, previous = tag, knowledge
    if previous is not None:
        unreleased = compare(previous, current)
        if not unreleased.empty:
            listed.append(VersionChanges("", previous_tag, unreleased, len(current.facts)))
    return list(reversed(listed))
