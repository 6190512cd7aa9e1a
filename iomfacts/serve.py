"""Live preview: regenerate the docs tree when content/ or templates/ change.

`mkdocs serve` watches the generated docs tree and reloads the browser; this loop watches the
sources of that tree. Only pages whose bytes change are rewritten (see docs_tree.py), so MkDocs
rebuilds just those. A change that fails the check is reported and the preview keeps the last
good pages.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from . import processes
from .incremental import regenerate as write_changes
from .knowledge import Knowledge
from .load import ParseCache
from .pipeline import Layout, check


def _snapshot(folders: list[Path]) -> dict[Path, int]:
    """Modification time of every entry, links included (a dangling link is a change the check
    reports, not a crash of the preview)."""
    times = {}
    for folder in folders:
        for path in folder.rglob("*"):
            try:
                times[path] = path.lstat().st_mtime_ns
            except OSError:  # removed while we looked
                continue
    return times


def regenerate(layout: Layout, sources: Path | None, previous: Knowledge | None,
               templates_changed: bool, cache: ParseCache | None = None) -> Knowledge | None:
    """Check, then rewrite the affected pages; return the new knowledge (None if the check failed).

    With a `cache` kept between calls, only the files that changed are parsed again.
    """
    started = time.monotonic()
    knowledge, problems = check(layout, sources, cache=cache)
    if knowledge is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        print("Preview not updated: fix the problems above.", file=sys.stderr)
        return None
    changed = write_changes(layout, previous, knowledge, templates_changed)
    listed = ", ".join(changed[:8]) + (" ..." if len(changed) > 8 else "")
    print(f"Regenerated {len(changed)} file(s) in {time.monotonic() - started:.2f} s: {listed}")
    return knowledge


def serve(layout: Layout, sources: Path | None, address: str) -> int:
    cache = ParseCache()
    knowledge = regenerate(layout, sources, None, True, cache)
    if knowledge is None:
        return 1
    command = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", address,
               "--config-file", str(layout.mkdocs_config)]
    watched = [layout.content, layout.templates]
    seen = _snapshot(watched)
    # MkDocs runs in its own process group and dies with us; Ctrl-C (which the terminal now
    # sends to this process only) and SIGTERM are forwarded to its whole group on the way out.
    try:
        with processes.child(command, cwd=layout.root, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}) as server:
            while server.poll() is None:
                time.sleep(0.5)
                current = _snapshot(watched)
                if current != seen:
                    edited = {path for path, _ in set(current.items()) ^ set(seen.items())}
                    templates_changed = any(path.is_relative_to(layout.templates) for path in edited)
                    seen = current
                    knowledge = regenerate(layout, sources, knowledge, templates_changed, cache) or knowledge
    except (processes.Interrupted, KeyboardInterrupt):
        print("Preview stopped.", file=sys.stderr)
        return 0
    print(f"mkdocs serve exited with status {server.returncode}; preview stopped.", file=sys.stderr)
    return 1
