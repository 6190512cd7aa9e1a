"""Publishing site/: never missing, never half-written, whatever happens to the build.

Real `build_site.py` processes, killed or signalled at known points: the test-only hook
IOM_TEST_PAUSE_AT=<stage> (iomfacts/pause_points.py) makes a build print a marker line and
sleep there. After each fault site/ must be exactly the old site or exactly the new one, no
MkDocs process of that run may survive, and the next build must succeed and clear leftovers.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO, copy_built, make_fixture_checkout, run_cli, shared_tree, write

LINUX = sys.platform.startswith("linux")
linux_only = pytest.mark.skipif(not LINUX, reason="/proc, PR_SET_PDEATHSIG and renameat2 are Linux's")

# Runs the real command line with the atomic exchange reported unsupported: the fallback path.
WITHOUT_EXCHANGE = ("import sys; sys.path.insert(0, sys.argv.pop(1)); import iomfacts.pipeline as p; "
                    "p.exchange = lambda a, b: False; from iomfacts.cli import main; sys.exit(main(sys.argv[1:]))")


def digest_tree(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {path.relative_to(folder).as_posix(): (path.stat().st_size, path.stat().st_mtime_ns)
            for path in sorted(folder.rglob("*")) if path.is_file()}


def processes_of(root: Path) -> list[int]:
    """Live processes (zombies have no command line) whose command line names `root`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            with contextlib.suppress(OSError):
                if str(root).encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
    return found


def wait_until(condition, timeout: float, step: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def environment(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("GITHUB_ACTIONS", "IOM_TEST_PAUSE_AT")}
    env.update(SOURCE_DATE_EPOCH="1700000000", PYTHONUNBUFFERED="1", **extra)
    return env


def start(root: Path, *args: str, pause: str | None = None, without_exchange: bool = False,
          **extra: str) -> subprocess.Popen:
    command = ([sys.executable, "-c", WITHOUT_EXCHANGE, str(REPO)] if without_exchange
               else [sys.executable, str(REPO / "build_site.py")])
    env = environment(**({"IOM_TEST_PAUSE_AT": pause} if pause else {}), **extra)
    return subprocess.Popen([*command, "--root", str(root), *args], cwd=root, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for_pause(process: subprocess.Popen, stage: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    for line in process.stdout:  # the build prints nothing else on stdout before it finishes
        if line.startswith(f"IOM_TEST_PAUSED {stage} "):
            return
        assert time.monotonic() < deadline
    pytest.fail(f"the build never paused at {stage}: {process.wait()} {process.stderr.read()}")


def kill_and_reap(process: subprocess.Popen, signum: int = signal.SIGKILL) -> int:
    process.send_signal(signum)
    try:
        process.wait(timeout=30)
    finally:
        process.stdout.close()
        process.stderr.close()
    return process.returncode


def build(root: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, str(REPO / "build_site.py"), "--root", str(root), "build", *args],
                            capture_output=True, text=True, cwd=root, env=environment())
    assert "Traceback" not in result.stderr, result.stderr
    return result


def assert_no_leftovers(root: Path) -> None:
    assert not list(root.glob("site.tmp-*")) and not (root / "site.old").exists(), sorted(os.listdir(root))


def edit_the_glossary_template(root: Path) -> None:
    glossary = root / "templates" / "glossary.md.j2"
    glossary.write_text(glossary.read_text() + "\nA changed page.\n")


@pytest.fixture(scope="session")
def builds_before_and_after_the_edit(tmp_path_factory) -> Path:
    """The fixture site built before the edit (`old/`) and, from a copy, after it (`new/`):
    built once per test run and shared (read-only) by every `checkout`."""
    def make(folder: Path) -> None:
        old = make_fixture_checkout(folder / "old").root
        assert build(old).returncode == 0
        reference = folder / "new"
        shutil.copytree(old, reference, ignore=shutil.ignore_patterns("site", "build"))
        edit_the_glossary_template(reference)
        assert build(reference).returncode == 0

    return shared_tree(tmp_path_factory, "publish-edit", make)


@pytest.fixture
def checkout(site_copy, builds_before_and_after_the_edit):
    """A checkout with a built site, and an edit pending: `old` and `new` are the digests of the
    site before and after the edit (the new one built from a copy elsewhere; builds are
    reproducible, so the same bytes are expected here). The checkout's site/ and build/ are a
    copy of the shared build before the edit: the bytes its own `build` would have written."""
    root = site_copy.root
    copy_built(builds_before_and_after_the_edit / "old", root)
    old = digest_tree(root / "site")
    edit_the_glossary_template(root)
    new = digest_tree(builds_before_and_after_the_edit / "new" / "site")
    assert new != old
    return root, old, new


# -- publishing, in process ---------------------------------------------------------------


def tree(folder: Path, **files: str) -> Path:
    for name, text in files.items():
        write(folder / name, text)
    return folder


@linux_only
def test_publish_swaps_the_new_tree_in_with_one_exchange(tmp_path, monkeypatch):
    from iomfacts import pipeline

    site, built = tree(tmp_path / "site", **{"a.html": "old"}), tree(tmp_path / "site.tmp-1", **{"b.html": "new"})
    inode = built.stat().st_ino
    renames = []
    monkeypatch.setattr(pipeline.os, "rename", lambda *a: renames.append(a))  # the fallback is not used
    pipeline.publish(built, site)
    assert site.stat().st_ino == inode and site.is_dir() and not site.is_symlink()
    assert digest_tree(site) == digest_tree(tree(tmp_path / "expected", **{"b.html": "new"}))
    assert renames == [] and sorted(p.name for p in tmp_path.iterdir()) == ["expected", "site"]


def test_publish_falls_back_to_two_renames_where_exchange_is_unsupported(tmp_path, monkeypatch):
    from iomfacts import pipeline

    def unsupported(first, second):
        ctypes.set_errno(errno.EINVAL)
        return -1

    monkeypatch.setattr(pipeline, "_renameat2", unsupported)
    site, built = tree(tmp_path / "site", **{"a.html": "old"}), tree(tmp_path / "site.tmp-1", **{"b.html": "new"})
    assert pipeline.exchange(built, site) is False
    pipeline.publish(built, site)
    assert (site / "b.html").read_text() == "new" and not (site / "a.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_publish_with_no_site_yet_is_one_rename(tmp_path):
    from iomfacts import pipeline

    built = tree(tmp_path / "site.tmp-1", **{"b.html": "new"})
    pipeline.publish(built, tmp_path / "site")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_site_moved_aside_is_put_back(tmp_path):
    from iomfacts import pipeline

    tree(tmp_path / "site.old", **{"a.html": "old"})
    pipeline.recover(tmp_path / "site")
    assert (tmp_path / "site" / "a.html").read_text() == "old" and not (tmp_path / "site.old").exists()


# -- a build killed at each stage ------------------------------------------------------------


@linux_only
@pytest.mark.parametrize("stage, expected", [("writing-docs", "old"), ("mkdocs", "old"),
                                             ("before-publish", "old"), ("after-exchange", "new")])
def test_a_build_killed_at_any_stage_leaves_a_complete_site(checkout, stage, expected):
    root, old, new = checkout
    process = start(root, "build", pause=stage)
    wait_for_pause(process, stage)
    kill_and_reap(process)  # at "mkdocs": MkDocs has just started, it needs a second to finish
    assert wait_until(lambda: not processes_of(root), 5), "a MkDocs process outlived its build"
    if stage == "mkdocs":
        assert not list(root.glob("site.tmp-*/search/search_index.json")), "MkDocs (which writes it last) was cut off"
    assert digest_tree(root / "site") == {"old": old, "new": new}[expected]
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert digest_tree(root / "site") == new
    assert_no_leftovers(root)


@linux_only
def test_a_build_killed_between_the_fallback_renames_is_undone_by_the_next_build(checkout):
    """Without an atomic exchange there is a moment with no site/: a build killed right there
    leaves site.old, and the next build puts it back first, even one that fails."""
    root, old, new = checkout
    process = start(root, "build", pause="between-renames", without_exchange=True)
    wait_for_pause(process, "between-renames")
    kill_and_reap(process)
    assert not (root / "site").exists() and digest_tree(root / "site.old") == old
    countries = root / "content" / "countries.yml"
    good = countries.read_text()
    countries.write_text(good + "\n  - this is: [not valid\n")
    failed = build(root)
    assert failed.returncode == 1 and "nothing was built" in failed.stderr
    assert digest_tree(root / "site") == old
    countries.write_text(good)
    result = subprocess.run([sys.executable, "-c", WITHOUT_EXCHANGE, str(REPO), "--root", str(root), "build"],
                            capture_output=True, text=True, env=environment())
    assert result.returncode == 0, result.stderr
    assert digest_tree(root / "site") == new
    assert_no_leftovers(root)


# A MkDocs hook for this test's checkout only: with SLOW_PAGES=<seconds> set, MkDocs waits that
# long before writing each page, so a build can be killed while MkDocs is writing the fixture
# site's pages (the real content takes some seconds to write; this makes the window certain).
SLOW_PAGES_HOOK = """import os, time

def on_post_page(output, page, config):
    time.sleep(float(os.environ.get("SLOW_PAGES", "0")))
    return output
"""


def slow_down_page_writing(root: Path, *configs: str) -> None:
    write(root / "slow_pages.py", SLOW_PAGES_HOOK)
    for name in configs or ("mkdocs.yml",):
        config = root / name
        config.write_text(config.read_text() + "\nhooks:\n  - slow_pages.py\n")


@linux_only
def test_a_build_killed_while_mkdocs_writes_pages_takes_mkdocs_with_it(checkout):
    """A parent-only `kill -9` while MkDocs writes pages must not leave MkDocs running: its
    half-written folder stops changing, site/ is untouched, and the next build removes it."""
    root, old, new = checkout
    slow_down_page_writing(root)
    process = start(root, "build", SLOW_PAGES="0.25")
    staging = lambda: next(iter(root.glob("site.tmp-*")), None)  # noqa: E731
    pages_written = lambda: len(list(staging().rglob("*.html"))) if staging() else 0  # noqa: E731
    assert wait_until(lambda: pages_written() >= 3 or process.poll() is not None, 120, 0.01)
    assert process.poll() is None, "the build finished before it could be interrupted"
    assert processes_of(staging()), "MkDocs is writing pages"
    kill_and_reap(process)
    assert wait_until(lambda: not processes_of(root), 5), "MkDocs outlived its parent"
    written = listing(staging())
    time.sleep(1.0)
    assert listing(staging()) == written, "nothing is still being written"
    assert len([name for name in written if name.endswith(".html")]) < len(
        [name for name in new if name.endswith(".html")]), "MkDocs was cut off before its last page"
    assert digest_tree(root / "site") == old
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert_no_leftovers(root)
    assert digest_tree(root / "site") == new


@linux_only
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=lambda s: s.name)
def test_a_build_with_bundle_stopped_while_both_mkdocs_run_stops_both(checkout, signum):
    """`build --bundle` runs the website's and the offline bundle's MkDocs side by side: a kill
    of the parent alone, or a SIGTERM, stops both, leaves site/ and dist/ as they were, and the
    next `build --bundle` clears what they left and publishes both."""
    root, old, new = checkout
    shutil.copy(REPO / "mkdocs.offline.yml", root / "mkdocs.offline.yml")
    slow_down_page_writing(root, "mkdocs.yml", "mkdocs.offline.yml")
    process = start(root, "build", "--bundle", pause="mkdocs", IOM_TEST_PAUSE_SECONDS="0", SLOW_PAGES="0.25")
    wait_for_pause(process, "mkdocs")
    assert processes_of(root / "site.tmp-"), "the website's MkDocs is running"
    assert processes_of(root / "build" / "offline-site.tmp-"), "and the offline bundle's beside it"
    if signum == signal.SIGKILL:
        kill_and_reap(process)
    else:
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=30)
        assert process.returncode == 128 + signum
        assert stderr == "Build stopped by SIGTERM; the previous site/ was left as it was.\n"
    assert wait_until(lambda: not processes_of(root), 5), "an MkDocs outlived its build"
    assert digest_tree(root / "site") == old
    assert not (root / "dist").exists() and not (root / "build" / "offline-site").exists()
    result = build(root, "--bundle")
    assert result.returncode == 0, result.stderr
    assert digest_tree(root / "site") == new
    assert_no_leftovers(root)
    assert not list((root / "build").glob("offline-site.tmp-*"))
    assert len(list((root / "dist").glob("*.zip"))) == 1


# -- SIGINT and SIGTERM ---------------------------------------------------------------------


@linux_only
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
@pytest.mark.parametrize("stage", ["writing-docs", "mkdocs", "before-publish"])
def test_a_signalled_build_stops_its_child_and_leaves_the_site(checkout, signum, stage):
    root, old, new = checkout
    process = start(root, "build", pause=stage)
    wait_for_pause(process, stage)
    if stage == "mkdocs":
        assert processes_of(root / "site.tmp-"), "MkDocs is running"
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=30)
    assert not processes_of(root), "the build stopped its child before exiting"
    assert process.returncode == 128 + signum
    name = signal.Signals(signum).name
    assert stderr == f"Build stopped by {name}; the previous site/ was left as it was.\n"
    assert digest_tree(root / "site") == old
    assert_no_leftovers(root)
    time.sleep(1.0)
    assert_no_leftovers(root)  # and no orphan writes one again


@linux_only
def test_a_signal_during_the_swap_waits_until_the_site_is_settled(checkout):
    root, old, new = checkout
    process = start(root, "build", pause="after-exchange", IOM_TEST_PAUSE_SECONDS="1")
    wait_for_pause(process, "after-exchange")
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 128 + signal.SIGTERM
    assert stderr == "Build stopped by SIGTERM; site/ already holds the new build.\n"
    assert digest_tree(root / "site") == new
    assert_no_leftovers(root)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@linux_only
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=lambda s: s.name)
def test_stopping_the_preview_stops_mkdocs_serve(site_copy, signum):
    root, port = site_copy.root, free_port()
    process = start(root, "serve", "--address", f"127.0.0.1:{port}")
    try:
        assert wait_until(lambda: answers(f"http://127.0.0.1:{port}/") or process.poll() is not None, 120, 0.2)
        assert process.poll() is None, process.stderr.read()
        assert processes_of(root), "mkdocs serve is running"
        code = kill_and_reap(process, signum)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert code == (0 if signum != signal.SIGKILL else -signal.SIGKILL)
    assert wait_until(lambda: not processes_of(root), 10), "mkdocs serve outlived the preview"
    assert wait_until(lambda: port_is_free(port), 10), "the port was released"


# -- two builds at once ---------------------------------------------------------------------


@linux_only
def test_a_second_build_waits_for_the_first(checkout):
    root, old, new = checkout
    first = start(root, "build", pause="before-publish", IOM_TEST_PAUSE_SECONDS="2")
    wait_for_pause(first, "before-publish")
    second = start(root, "build")
    outputs = [first.communicate(timeout=120), second.communicate(timeout=120)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    assert not any("Traceback" in stderr for _, stderr in outputs)
    assert outputs[1][1].count(f"Waiting for another build of this checkout (pid {first.pid}) to finish...\n") == 1
    assert digest_tree(root / "site") == new
    assert_no_leftovers(root)


def test_two_builds_started_together_both_succeed(checkout):
    root, old, new = checkout
    for _ in range(2):
        builds = [start(root, "build"), start(root, "build")]
        outputs = [process.communicate(timeout=180) for process in builds]
        assert [process.returncode for process in builds] == [0, 0], outputs
        assert not any("Traceback" in stderr for _, stderr in outputs)
        assert digest_tree(root / "site") == new
        assert_no_leftovers(root)


# -- file-system errors ----------------------------------------------------------------------


def run_in_process(root: Path, capsys, *args: str) -> tuple[int, str]:
    from iomfacts.cli import main

    code = main(["--root", str(root), *args])
    return code, capsys.readouterr().err


def test_a_full_disk_while_writing_the_docs_is_one_clear_message(checkout, capsys, monkeypatch):
    root, old, new = checkout
    docs = root / "build" / "docs"
    write_bytes = Path.write_bytes

    def full(path, data):
        if path.is_relative_to(docs):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return write_bytes(path, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    code, stderr = run_in_process(root, capsys, "build")
    assert code == 1 and "Traceback" not in stderr
    first = stderr.splitlines()[0]
    assert first.startswith("No space left on device while writing build/docs/")
    assert first.endswith("; free some space and build again.")
    assert digest_tree(root / "site") == old
    assert not list(docs.rglob("*.tmp"))


@pytest.mark.parametrize("code", [errno.EACCES, errno.EIO, errno.EROFS])
def test_any_other_error_while_publishing_is_a_message(checkout, capsys, monkeypatch, code):
    from iomfacts import pipeline

    def fails(first, second):
        raise OSError(code, os.strerror(code), str(first), None, str(second))

    monkeypatch.setattr(pipeline, "exchange", fails)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    exit_code, stderr = run_in_process(root := checkout[0], capsys, "build")
    assert exit_code == 1 and "Traceback" not in stderr
    assert stderr == f"{os.strerror(code)} while publishing site.\nThe previous site/ was left as it was.\n"
    assert digest_tree(root / "site") == checkout[1]
    assert_no_leftovers(root)


def test_a_read_only_docs_folder_is_a_message(checkout, capsys, monkeypatch):
    root = checkout[0]
    replace = os.replace

    def refuses(source, target):
        if Path(target).is_relative_to(root / "build" / "docs"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(source))
        return replace(source, target)

    monkeypatch.setattr("iomfacts.docs_tree.os.replace", refuses)
    code, stderr = run_in_process(root, capsys, "build")
    assert code == 1 and "Traceback" not in stderr
    assert stderr.startswith("Permission denied while writing build/docs/")
    assert digest_tree(root / "site") == checkout[1]


@pytest.fixture
def small_disk(tmp_path):
    """A 12 MB tmpfs (needs root, or CAP_SYS_ADMIN); skipped where it cannot be mounted."""
    mountpoint = tmp_path / "disk"
    mountpoint.mkdir()
    if not LINUX or shutil.which("mount") is None:
        pytest.skip("no mount here")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(mountpoint)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr.strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True)


def fill(disk: Path, leave: int = 0) -> Path:
    """Fill the file system up to `leave` bytes free."""
    filler = disk / "filler"
    with open(filler, "ab") as out:
        while True:
            free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
            if free <= leave:
                break
            try:
                out.write(b"\0" * min(free - leave, 1 << 20))
                out.flush()
            except OSError as error:
                assert error.errno == errno.ENOSPC
                break
    return filler


def test_a_really_full_disk_leaves_the_site_and_says_so(site_copy, small_disk):
    root = small_disk / "repo"
    shutil.copytree(site_copy.root, root)
    assert build(root).returncode == 0
    old = digest_tree(root / "site")
    glossary = root / "templates" / "glossary.md.j2"
    glossary.write_text(glossary.read_text() + "\nA changed page.\n")

    filler = fill(small_disk)  # nothing left: writing build/docs fails
    result = build(root)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("No space left on device while writing build/docs/")
    assert "; free some space and build again.\n" in result.stderr
    assert digest_tree(root / "site") == old

    filler.unlink()
    filler = fill(small_disk, leave=512 * 1024)  # room for the docs, not for a new site
    result = build(root)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("No space left on device while mkdocs wrote site.tmp-")
    assert digest_tree(root / "site") == old
    assert_no_leftovers(root)

    filler.unlink()
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert "A changed page." in (root / "site" / "glossary" / "index.html").read_text()
    assert_no_leftovers(root)
