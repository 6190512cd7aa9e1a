"""Shared test fixtures: a small copy of the site (real templates, fixture content)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "site"
# The source texts sit beside the repository (../shared/seeds); CI passes them explicitly.
SEEDS = Path(os.environ.get("IOM_SOURCES", REPO.parent / "shared" / "seeds"))

sys.path.insert(0, str(REPO))

from iomfacts.pipeline import Layout  # noqa: E402


@pytest.fixture
def site_copy(tmp_path: Path) -> Layout:
    """A throwaway checkout: the fixture content and mkdocs.yml, with the real templates."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    shutil.copytree(REPO / "templates", root / "templates")
    return Layout(root)


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
