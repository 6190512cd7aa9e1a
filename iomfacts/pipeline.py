"""The stages wired together: check, generate the docs tree, build and publish the site.

content/*.yml -> load -> validate -> knowledge -> page plans -> render -> docs tree
-> mkdocs build --strict (into a temporary folder) -> swap into site/.
Nothing is written before every earlier stage has succeeded, and site/ is replaced in one
rename, so a failed or interrupted build leaves the previous site exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .exports import export_files
from .knowledge import Knowledge
from .load import ParseCache, load_content
from .navigation import check_navigation
from .pages import plan_pages
from .problems import Problems
from .render import render_pages
from .validate import read_source_texts, validate
from .version import content_version, source_date_epoch


@dataclass(frozen=True)
class Layout:
    """Where things are in a checkout. Tests point this at a temporary copy."""

    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def docs(self) -> Path:
        return self.root / "build" / "docs"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def mkdocs_config(self) -> Path:
        return self.root / "mkdocs.yml"


class BuildFailed(Exception):
    """A stage after checking failed; the message says which and why."""


def check(layout: Layout, sources_dir: Path | None = None, skip_missing_texts: bool = False,
          cache: ParseCache | None = None) -> tuple[Knowledge | None, Problems]:
    problems = Problems()
    loaded = load_content(layout.content, layout.root, problems, cache)
    texts = None
    if sources_dir is not None:
        text_problems = Problems()
        texts = read_source_texts(sources_dir, loaded, text_problems)
        if not skip_missing_texts:  # otherwise the quotes of absent documents go unverified
            problems.extend(text_problems)
    knowledge = validate(loaded, problems, texts)
    if knowledge is not None:
        check_navigation(layout, plan_pages(knowledge), problems)
    return (None if problems else knowledge), problems


def generate(layout: Layout, knowledge: Knowledge) -> dict[str, bytes]:
    """Every file of the docs tree, in memory: pages, data exports and static assets."""
    version = content_version(layout.root)
    files = render_pages(knowledge, plan_pages(knowledge), layout.templates, {"version": version})
    files.update(export_files(knowledge))
    assets = layout.templates / "assets"
    for asset in sorted(assets.rglob("*")):
        if asset.is_file():
            files[f"assets/{asset.relative_to(assets).as_posix()}"] = asset.read_bytes()
    return files


def mkdocs_environment(layout: Layout) -> dict[str, str]:
    """MkDocs dates the sitemap with SOURCE_DATE_EPOCH when set: use the commit's time, so two
    builds of the same commit are byte-identical."""
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    epoch = source_date_epoch(layout.root)
    if epoch:
        environment["SOURCE_DATE_EPOCH"] = epoch
    return environment


def run_mkdocs(layout: Layout, output: Path, config: Path | None = None) -> None:
    """The real `mkdocs build --strict`, into `output` (with mkdocs.yml unless told otherwise)."""
    # Not --quiet: MkDocs only counts the warnings it prints, and --strict fails on that count.
    command = [sys.executable, "-m", "mkdocs", "build", "--strict",
               "--config-file", str(config or layout.mkdocs_config), "--site-dir", str(output)]
    result = subprocess.run(command, cwd=layout.root, capture_output=True, text=True, env=mkdocs_environment(layout))
    if result.returncode != 0:
        lines = (result.stderr + result.stdout).splitlines()
        reasons = [line for line in lines if line.startswith(("WARNING", "ERROR", "Aborted"))]
        raise BuildFailed(f"mkdocs build --strict ({(config or layout.mkdocs_config).name}) failed:\n"
                          + "\n".join(reasons or lines[-20:]))


def publish(built: Path, site: Path) -> None:
    """Replace `site` with `built` by renames, so readers never see a half-written site."""
    old = site.with_name(site.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if site.exists():
        os.replace(site, old)
    os.replace(built, site)
    shutil.rmtree(old, ignore_errors=True)


def build(layout: Layout, knowledge: Knowledge) -> None:
    from .docs_tree import write_tree

    write_tree(layout.docs, generate(layout, knowledge))
    for stale in layout.site.parent.glob(f"{layout.site.name}.tmp-*"):  # left by a killed build
        shutil.rmtree(stale, ignore_errors=True)
    staging = layout.site.with_name(f"{layout.site.name}.tmp-{os.getpid()}")
    try:
        run_mkdocs(layout, staging)
        publish(staging, layout.site)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
