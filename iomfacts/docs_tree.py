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


def _checked_relative(relative: str) -> PurePosixPath:
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in relative:
        raise UnsafePath(f"refusing to write generated file outside the docs tree: {relative!r}")
    return pure


def safe_targets(root: Path, relatives) -> dict[str, Path]:
    """`root / relative` for each path, refusing absolute paths, `..` and anything that escapes
    `root`. Each distinct folder is checked once (a symbolic link among them could lead outside
    `root`), not every file."""
    root_resolved = root.resolve()
    folders: dict[PurePosixPath, bool] = {PurePosixPath("."): True}

    def inside(folder: PurePosixPath) -> bool:
        """Whether the folder stays inside root: its parent does, and it is not a symbolic link
        (or one that leads inside). One lstat per folder (facts/<id>/ are 10,000 folders)."""
        known = folders.get(folder)
        if known is None:
            path = root.joinpath(*folder.parts)
            known = inside(folder.parent) and (not path.is_symlink()
                                               or path.resolve().is_relative_to(root_resolved))
            folders[folder] = known
        return known

    targets = {}
    for relative in relatives:
        pure = _checked_relative(relative)
        folder = pure.parent
        target = root.joinpath(*pure.parts)
        # The file itself is replaced, never followed (os.replace); a link there must not point out
        # either, since write_files reads it to compare.
        if not inside(folder) or (target.is_symlink() and not target.resolve().is_relative_to(root_resolved)):
            raise UnsafePath(f"refusing to write generated file outside the docs tree: {relative!r}")
        targets[relative] = target
    return targets


def write_files(root: Path, files: dict[str, bytes], targets: dict[str, Path] | None = None) -> list[str]:
    """Write `files` under `root` where their bytes differ; return the paths written."""
    targets = targets or safe_targets(root, files)  # check all first
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WriteFailed(root, error) from error
    changed = []
    made: set[Path] = set()
    for relative, data in sorted(files.items()):
        target = targets[relative]
        temporary = target.with_name(target.name + ".tmp")
        try:
            if target.exists() and target.read_bytes() == data:
                continue
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
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
    targets = safe_targets(root, files)
    changed = write_files(root, files, targets)
    for existing in sorted(root.rglob("*"), reverse=True):  # children before their folders
        try:
            if existing.is_symlink() or existing.is_file():
                relative = existing.relative_to(root).as_posix()
                if relative not in files:
                    existing.unlink()
                    changed.append(relative)
            elif existing.is_dir() and not any(existing.iterdir()):
                existing.rmdir()
        except OSError as error:
            raise WriteFailed(existing, error) from error
    return changed
