"""Throwaway checkouts for tests that need every kind of content: the fixture site plus the
small staff and funding datasets of tests/fixtures/datasets, with their pages in the nav."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import FIXTURE, REPO
from iomfacts.pipeline import Layout

DATASETS = Path(__file__).resolve().parent / "fixtures" / "datasets"


def make_checkout(root: Path) -> Layout:
    shutil.copytree(FIXTURE, root)
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(DATASETS / "content", root / "content", dirs_exist_ok=True)
    config = (root / "mkdocs.yml").read_text()
    config = config.replace('      - "Where the sources differ"',
                            '      - compare/staff.md\n      - compare/funding.md\n      - "Where the sources differ"')
    (root / "mkdocs.yml").write_text(config)
    return Layout(root)
