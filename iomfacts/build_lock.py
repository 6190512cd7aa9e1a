"""One build at a time per checkout: an flock on build/.lock.

`build` and `bundle` hold it from before they read the content until they have published, so
two of them started together never write build/docs or swap site/ at the same time. The
second one says once that it is waiting, then goes on when the first is done. The kernel
drops the lock when its holder exits, however it exits, so a killed build never leaves the
checkout locked. (The live preview does not take it: it would block every build.)
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
from collections.abc import Iterator
from pathlib import Path

_held: dict[Path, int] = {}  # lock file -> nesting depth in this process


def lock_path(root: Path) -> Path:
    return root / "build" / ".lock"


def _holder(fd: int) -> str:
    with contextlib.suppress(OSError, ValueError):
        return f" (pid {int(os.pread(fd, 32, 0).decode('ascii').strip())})"
    return ""


@contextlib.contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Hold the checkout's build lock; wait (saying so once) while another process holds it.
    Re-entrant within a process."""
    path = lock_path(root).resolve()
    if path in _held:
        _held[path] += 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"Waiting for another build of this checkout{_holder(fd)} to finish...",
                  file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        # Fixed width, written in place: a waiting process never reads a half-written pid.
        stamp = f"{os.getpid():>10}\n".encode("ascii")
        with contextlib.suppress(OSError):  # only informative (a full disk must not stop us)
            os.pwrite(fd, stamp, 0)
            os.ftruncate(fd, len(stamp))
        _held[path] = 1
        try:
            yield
        finally:
            del _held[path]
    finally:
        os.close(fd)  # releases the lock
