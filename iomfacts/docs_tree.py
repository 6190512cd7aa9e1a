"""Writing the generated docs tree: only files whose bytes changed, stale files removed.

Leaving unchanged files untouched keeps their modification times, so a live preview (and
MkDocs' own dirty reload) only sees what an edit really changed.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path, PurePosixPath

from .pause_points import pause_at


class UnsafePath(ValueError):
    """A generated path that would land outside the docs tree."""


class WriteFailed(Exception):
    """Writing (or removing) `path` failed with `error` (a full disk, a read-only folder...)."""

    def __init__(self, path: Path, error: OSError):
        super().__init__(f"{path}: {error.strerror or error}")
        self.path = path
        self.error = error


def safe_target(root: Path, relative: str) -> Path:
    """`root / relative`, refusing absolute paths, `..` and anything that escapes `root`."""
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in relative:
        raise UnsafePath(f"refusing to write generated file outside the docs tree: {relative!r}")
    target = root.joinpath(*pure.parts)
    if not target.resolve().is_relative_to(root.resolve()):
        raise UnsafePath(f"refusing to write generated file outside the docs tree: {relative!r}")
    return target


def write_files(root: Path, files: dict[str, bytes]) -> list[str]:
    """Write `files` under `root` where their bytes differ; return the paths written."""
    targets = {relative: safe_target(root, relative) for relative in files}  # check all first
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WriteFailed(root, error) from error
    changed = []
    for relative, data in sorted(files.items()):
        target = targets[relative]
        temporary = target.with_name(target.name + ".tmp")
        try:
            if target.exists() and target.read_bytes() == data:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(data)
            os.replace(temporary, target)  # atomic: a reader never sees half a file
        except OSError as error:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            raise WriteFailed(target, error) from error
        changed.append(relative)
        if len(changed) == 1:
            pause_at("writing-docs")
    return changed


def write_tree(root: Path, files: dict[str, bytes]) -> list[str]:
    """Make `root` hold exactly `files`; return the paths whose content changed."""
    changed = write_files(root, files)
    targets = {relative: safe_target(root, relative) for relative in files}
    wanted = {target.resolve() for target in targets.values()}
    for existing in sorted(root.rglob("*"), reverse=True):  # children before their folders
        try:
            if existing.is_file() and existing.resolve() not in wanted:
                existing.unlink()
                changed.append(existing.relative_to(root).as_posix())
            elif existing.is_dir() and not any(existing.iterdir()):
                existing.rmdir()
        except OSError as error:
            raise WriteFailed(existing, error) from error
    return changed
