"""Child processes (MkDocs) that never outlive the build, and stopping cleanly on a signal.

Every MkDocs run is started in its own process group and, on Linux, with
PR_SET_PDEATHSIG(SIGKILL), so the kernel kills it when this process dies, even by `kill -9`.
Because the child is in its own group, the terminal's Ctrl-C reaches only this process: on
SIGINT or SIGTERM `install_stop_handlers` raises `Interrupted`, and the code that started the
child forwards the signal to the child's whole group, waits a short grace, then SIGKILLs it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
GRACE_SECONDS = 5.0
_PR_SET_PDEATHSIG = 1


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived. A BaseException, like KeyboardInterrupt, so that no
    `except Exception` swallows it on the way out."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum
        self.published = False  # set by pipeline.build when it came just after publishing

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def signal_number(error: BaseException) -> int:
    """The signal an exception stands for: the one received, SIGINT for KeyboardInterrupt,
    otherwise SIGTERM (an error of our own: stop the child politely first)."""
    if isinstance(error, Interrupted):
        return error.signum
    return signal.SIGINT if isinstance(error, KeyboardInterrupt) else signal.SIGTERM


@contextlib.contextmanager
def stop_handlers() -> Iterator[None]:
    """Turn the first SIGINT/SIGTERM into `Interrupted`; later ones are ignored while the
    cleanup (bounded by GRACE_SECONDS) runs. The previous handlers come back on exit."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def handler(signum, frame):
        if received:
            return
        received.append(signum)
        raise Interrupted(signum)

    previous = {number: signal.signal(number, handler) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for a short critical section; one that arrived meanwhile
    is delivered (and raises `Interrupted`) when the block ends. Nests."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _load_prctl():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return prctl


_PRCTL = _load_prctl()  # looked up before any fork: the child only calls it


def _child_setup(parent: int):
    """Runs in the child between fork and exec (the group is set by Popen's process_group)."""

    def setup() -> None:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # blocked around the fork
        if _PRCTL is not None:
            _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            if os.getppid() != parent:  # the parent died before prctl took effect
                os.kill(os.getpid(), signal.SIGKILL)

    return setup


def stop(process: subprocess.Popen, signum: int = signal.SIGTERM, grace: float = GRACE_SECONDS) -> None:
    """Stop the child's whole process group: `signum`, then SIGKILL after `grace` seconds."""
    group = process.pid  # the child leads its own group
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signum)
            os.killpg(group, signal.SIGCONT)  # a stopped process would hold the signal pending
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)  # anything left in the group, leader included
    process.wait()
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


@contextlib.contextmanager
def child(command: list[str], **options) -> Iterator[subprocess.Popen]:
    """Start `command` in its own process group, dying with this process; if the block exits
    with an exception (an error, Ctrl-C, SIGTERM), stop the child's group before going on.

    Fork from the main thread: PR_SET_PDEATHSIG fires when the *thread* that forked exits.
    """
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)  # no signal mid-fork
    try:
        process = subprocess.Popen(command, process_group=0, preexec_fn=_child_setup(os.getpid()),
                                   stdin=subprocess.DEVNULL, **options)
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        raise
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)  # a pending signal is raised here
        yield process
    except BaseException as error:
        stop(process, signal_number(error))
        raise

