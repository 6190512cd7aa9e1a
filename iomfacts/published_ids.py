"""Published fact ids stay reachable: an id that existed at a git revision must still be a fact's
id or one of its `aliases`, or its permanent link (/facts/<id>/) would break.

`check` compares the content with the last commit (HEAD) by default, so an editor who renames
an id sees the problem before committing; CI compares a pull request with its base branch
(`check --published origin/main`). Outside a git checkout there is nothing to compare with.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

from .load import LoadedContent
from .problems import Problems
from .strict_yaml import read_yaml
from .version import is_checkout


def ids_at(root: Path, revision: str) -> dict[str, str] | None:
    """Every fact id and alias in content/facts at `revision`, with the file that held it; None
    where git cannot tell. One `git archive` for all files, read with the content reader."""
    if not is_checkout(root):
        return None
    archive = subprocess.run(["git", "-C", str(root), "archive", "--format=tar", revision, "--", "content/facts"],
                             capture_output=True)
    if archive.returncode != 0:
        return None
    ids: dict[str, str] = {}
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as files:
        for member in sorted(files.getmembers(), key=lambda member: member.name):
            if not (member.isfile() and member.name.endswith(".yml")):
                continue
            document = read_yaml(files.extractfile(member).read(), member.name, Problems())
            data = document.data if document is not None else None
            for fact in (data.get("facts") or []) if isinstance(data, dict) else []:
                if isinstance(fact, dict) and isinstance(fact.get("id"), str):
                    for known in [fact["id"], *(fact.get("aliases") or [])]:
                        if isinstance(known, str):
                            ids.setdefault(known, member.name)
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
