"""Published fact ids stay reachable: an id that existed at a git revision must still be a fact's
id or one of its `aliases`, or its permanent link (/facts/<id>/) would break.

`check` compares the content with the last commit (HEAD) by default, so an editor who renames
an id sees the problem before committing; CI compares a pull request with its base branch
(`check --published origin/main`). Outside a git checkout there is nothing to compare with.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from .load import LoadedContent
from .problems import Problems


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True)


def ids_at(root: Path, revision: str) -> dict[str, str] | None:
    """Every fact id and alias in content/facts at `revision`, with the file that held it; None
    where git cannot tell."""
    inside = _git(root, "rev-parse", "--show-toplevel")
    if inside.returncode != 0 or Path(inside.stdout.decode().strip()).resolve() != root.resolve():
        return None
    listing = _git(root, "ls-tree", "-r", "--name-only", revision, "--", "content/facts")
    if listing.returncode != 0:
        return None
    ids: dict[str, str] = {}
    for name in listing.stdout.decode().splitlines():
        if not name.endswith(".yml"):
            continue
        shown = _git(root, "show", f"{revision}:{name}")
        try:  # the committed files passed the strict check; the plain loader is enough here
            data = yaml.safe_load(shown.stdout) or {}
        except yaml.YAMLError:
            continue
        for fact in data.get("facts") or [] if isinstance(data, dict) else []:
            if isinstance(fact, dict) and isinstance(fact.get("id"), str):
                for known in [fact["id"], *(fact.get("aliases") or [])]:
                    if isinstance(known, str):
                        ids.setdefault(known, name)
    return ids


def check_published_ids(root: Path, revision: str, loaded: LoadedContent, problems: Problems) -> None:
    published = ids_at(root, revision)
    if not published or loaded.failed:  # a file that did not load would look like lost ids
        return
    current: set[str] = set()
    for located in loaded.fact_files:
        for fact in located.value.facts:
            current.add(fact.id)
            current.update(fact.aliases)
    for lost in sorted(set(published) - current):
        problems.add(published[lost], 1, 1,
                     f"fact id '{lost}' was published at {revision} and is gone: its permanent link facts/{lost}/ would break",
                     f"if the fact was renamed, add `aliases: [{lost}]` to it; if it was removed on purpose, "
                     "keep its id as an alias of the fact that replaces it")
