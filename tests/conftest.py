"""Shared test fixtures: a small copy of the site (real templates, fixture content)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "site"
# The source texts sit beside the repository (../shared/seeds); CI passes them explicitly.
SEEDS = Path(os.environ.get("IOM_SOURCES", REPO.parent / "shared" / "seeds"))

sys.path.insert(0, str(REPO))

from iomfacts.pipeline import Layout  # noqa: E402

try:
    import fcntl
except ImportError:  # not POSIX: each xdist worker makes its own shared trees
    fcntl = None

# Rendered charts are content-addressed (charts.cache_folder): every throwaway checkout of a run,
# in every worker and CLI child, shares one cache instead of rendering the same SVGs again.
os.environ.setdefault("IOM_CHART_CACHE", str(REPO / "build" / "test-chart-cache"))
# Compiled templates likewise (render.CompiledTemplates: an entry whose source differs is
# compiled again, so checkouts with edited or broken templates are safe to share it).
os.environ.setdefault("IOM_TEMPLATE_CACHE", str(REPO / "build" / "test-template-cache"))

# Throwaway checkouts on a RAM disk where there is one with room to spare. A run writes about
# 2 GB in some 250 checkouts and builds; on this project's 2-core machine the disk's write-back
# kept both cores waiting a fifth of the time (BENCHMARKS.md, "Test suite"). pytest.ini keeps
# only the folders of failed tests, so a passing run leaves nothing in memory.
RAM_DISK = Path("/dev/shm")
RAM_DISK_ROOM = 6 * 2**30


def pytest_configure(config):
    if os.environ.get("PYTEST_XDIST_WORKER") or config.option.basetemp or os.environ.get("IOM_TEST_TMP"):
        return  # workers take the controller's folder; an explicit choice wins
    try:
        roomy = RAM_DISK.is_dir() and os.access(RAM_DISK, os.W_OK) and shutil.disk_usage(RAM_DISK).free > RAM_DISK_ROOM
    except OSError:
        roomy = False
    if roomy:
        os.environ["TMPDIR"] = str(RAM_DISK)  # the workers and every child inherit it
        tempfile.tempdir = None  # tempfile reads TMPDIR again


# Reproducible builds (the same bytes from any checkout, at any time), as test_publish.py runs them.
REPRODUCIBLE_EPOCH = "1700000000"


@pytest.fixture
def site_copy(tmp_path: Path) -> Layout:
    """A throwaway checkout: the fixture content and mkdocs.yml, with the real templates."""
    return make_fixture_checkout(tmp_path / "repo")


def shared_tree(tmp_path_factory, name: str, make: Callable[[Path], None]) -> Path:
    """A folder made once per test run by `make(folder)` and shared by every test (and every
    pytest-xdist worker) that asks for `name`. Tests only read it, or copy it first.

    Workers share the run's base temporary folder; an flock makes one worker build while the
    others wait, and a marker file says the tree is complete (a failed build is tried again).
    """
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER") and fcntl is not None:
        base = base.parent  # pytest-of-<user>/pytest-N, shared by the workers of this run
    folder, done, failed = (base / f"shared-{name}{suffix}" for suffix in ("", ".done", ".failed"))
    with open(base / f"shared-{name}.lock", "w") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        if failed.exists():  # the same inputs fail the same way: say so at once, do not build again
            pytest.fail(f"making the shared tree {name!r} failed earlier in this run:\n{failed.read_text()}")
        if not done.exists():
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir()
            try:
                make(folder)
            except BaseException as error:
                failed.write_text(str(error) or type(error).__name__)
                raise
            done.touch()
    return folder


def copy_built(built: Path, root: Path) -> None:
    """Put the output of a build (site/ and build/) of `built` into the checkout at `root`."""
    for name in ("site", "build"):
        shutil.copytree(built / name, root / name, ignore=shutil.ignore_patterns(".lock"))


def reproducible_environment(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("GITHUB_ACTIONS", "IOM_TEST_PAUSE_AT")}
    env.update(SOURCE_DATE_EPOCH=REPRODUCIBLE_EPOCH, PYTHONUNBUFFERED="1", **extra)
    return env


def make_fixture_checkout(root: Path) -> Layout:
    shutil.copytree(FIXTURE, root)
    shutil.copytree(REPO / "templates", root / "templates")
    return Layout(root)


@pytest.fixture(scope="session")
def built_fixture_site(tmp_path_factory) -> Path:
    """The fixture site after `build_site.py build` (as `run_cli` runs it), built once per run.
    Read-only: a test that changes anything works on `built_copy`."""
    def make(folder: Path) -> None:
        root = make_fixture_checkout(folder / "repo").root
        result = run_cli(root, "build")
        assert result.returncode == 0, result.stderr

    return shared_tree(tmp_path_factory, "fixture-site", make) / "repo"


@pytest.fixture
def built_copy(site_copy: Layout, built_fixture_site: Path) -> Layout:
    """A fresh fixture checkout in the state right after a successful `build`."""
    copy_built(built_fixture_site, site_copy.root)
    return site_copy


@pytest.fixture(scope="session")
def built_real_site(tmp_path_factory) -> Path:
    """The real content/ and templates/ after a reproducible `build_site.py build`
    (SOURCE_DATE_EPOCH set), built once per run. Read-only: copy it to change anything."""
    def make(folder: Path) -> None:
        root = folder / "repo"
        for name in ("content", "templates"):
            shutil.copytree(REPO / name, root / name)
        shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
        result = subprocess.run([sys.executable, str(REPO / "build_site.py"), "--root", str(root), "build"],
                                capture_output=True, text=True, cwd=root, env=reproducible_environment())
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr

    return shared_tree(tmp_path_factory, "real-site", make) / "repo"


def run_cli(root: Path, *args: str, annotations: bool = False) -> subprocess.CompletedProcess:
    """`python build_site.py ...` as an editor runs it, against the checkout at `root`.

    On GitHub Actions the CLI prints workflow annotations instead of file:line:col lines;
    tests expect the editor's format unless they ask for annotations.
    """
    environment = dict(os.environ)
    if annotations:
        environment["GITHUB_ACTIONS"] = "true"
    else:
        environment.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, str(REPO / "build_site.py"), "--root", str(root), *args],
                          capture_output=True, text=True, cwd=root, env=environment)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
