"""MkDocs' own command line, run as the build's child, with the theme's templates compiled once.

`python -m mkdocs build` compiles the theme's templates from source in every run: Material's
are about 0.3 s of CPU, a quarter of a small site's build and of each of the tests' many small
builds. `python -m iomfacts.mkdocs_child build --strict ...` is the same command line
(`mkdocs.__main__.cli`), reading the same mkdocs.yml and writing the same files; only the Jinja
environment MkDocs makes for the theme keeps its compiled templates in the folder named by
IOM_THEME_TEMPLATE_CACHE (the build sets it: build/template-cache/, or the tests' shared one).
mkdocs.yml gets no hook for this, so other MkDocs-compatible builders read it unchanged.

Jinja stores each template's source checksum in its entry and compiles again when the source
differs (an override in a theme's custom_dir, an upgraded theme). What else compiled code
depends on names the folder: the versions of Jinja, MkDocs and the theme's package, the
environment's extensions, and this file.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import sys
from pathlib import Path

import jinja2

from .template_cache import KeptTemplates

CACHE_VARIABLE = "IOM_THEME_TEMPLATE_CACHE"


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def _salt(env: jinja2.Environment) -> str:
    parts = [Path(__file__).read_bytes(), *(f"{name}={_version(name)}".encode()
                                            for name in ("jinja2", "mkdocs", "mkdocs-material")),
             ",".join(sorted(env.extensions)).encode()]
    return hashlib.sha256(b"\0".join(parts)).hexdigest()[:16]


def keep_theme_templates(folder: Path) -> None:
    """From now on, every Jinja environment MkDocs makes for a theme (`Theme.get_env`) keeps
    its compiled templates under `folder`."""
    from mkdocs.theme import Theme

    make_environment = Theme.get_env
    if getattr(make_environment, "keeps_compiled_templates", False):
        return

    def get_env(theme: Theme) -> jinja2.Environment:
        env = make_environment(theme)
        env.bytecode_cache = KeptTemplates(str(folder / f"theme-{_salt(env)}"))
        return env

    get_env.keeps_compiled_templates = True
    Theme.get_env = get_env


def main() -> None:
    folder = os.environ.get(CACHE_VARIABLE)
    if folder:
        keep_theme_templates(Path(folder))
    from mkdocs.__main__ import cli

    sys.argv[0] = "mkdocs"  # its messages and --help name the command as usual
    cli()


if __name__ == "__main__":
    main()
