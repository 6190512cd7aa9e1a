"""The build's MkDocs child (`python -m iomfacts.mkdocs_child`): MkDocs' own command line, whose
theme keeps its compiled templates between runs, and whose output is what `mkdocs build` makes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO, REPRODUCIBLE_EPOCH

from iomfacts.mkdocs_child import CACHE_VARIABLE
from iomfacts.pipeline import Layout


def run_mkdocs(root: Path, module: str, output: Path, cache: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": REPRODUCIBLE_EPOCH,
                   "PYTHONPATH": str(REPO), CACHE_VARIABLE: str(cache)}
    result = subprocess.run([sys.executable, "-m", module, "build", "--strict", "--site-dir", str(output)],
                            cwd=root, env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_the_child_writes_what_mkdocs_writes_and_keeps_the_compiled_theme(built_copy: Layout, tmp_path: Path):
    cache = tmp_path / "cache"
    plain = run_mkdocs(built_copy.root, "mkdocs", tmp_path / "plain", cache)
    assert not cache.exists(), "plain MkDocs knows nothing of the cache"
    first = run_mkdocs(built_copy.root, "iomfacts.mkdocs_child", tmp_path / "first", cache)
    compiled = sorted(cache.glob("theme-*/__jinja2_*.cache"))
    assert len(compiled) >= 10, "Material's templates were not kept"
    second = run_mkdocs(built_copy.root, "iomfacts.mkdocs_child", tmp_path / "second", cache)
    assert files_of(tmp_path / "first") == files_of(tmp_path / "plain")
    assert files_of(tmp_path / "second") == files_of(tmp_path / "plain"), "the compiled templates changed the output"
    assert all("Documentation built in" in result.stderr for result in (plain, first, second))


def test_an_edited_theme_template_is_compiled_again(built_copy: Layout, tmp_path: Path):
    """A theme override (custom_dir) edited between two builds shows the edit: the kept entry
    holds its source's checksum, and a different source is compiled again."""
    root = built_copy.root
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "theme:\n  name: material\n", "theme:\n  name: material\n  custom_dir: overrides\n", 1), encoding="utf-8")
    override = root / "overrides" / "main.html"
    override.parent.mkdir()
    cache = tmp_path / "cache"
    for marker in ("first-edition", "second-edition"):
        override.write_text('{% extends "base.html" %}\n{% block announce %}' + marker + "{% endblock %}\n",
                            encoding="utf-8")
        run_mkdocs(root, "iomfacts.mkdocs_child", tmp_path / marker, cache)
        page = (tmp_path / marker / "index.html").read_text(encoding="utf-8")
        assert marker in page and page.count("-edition") == 1, f"the build shows a stale template: {marker}"
