"""Compiled Jinja templates kept on disk between runs: the generator's (render.CompiledTemplates)
and the MkDocs theme's (mkdocs_child). Imports only Jinja, so MkDocs' child starts fast."""

from __future__ import annotations

import os
from pathlib import Path

import jinja2


class KeptTemplates(jinja2.FileSystemBytecodeCache):
    """A bytecode cache whose folder is made when first written to, and whose failure to write
    only costs time, never a build. Jinja writes each entry aside and renames it into place, so
    processes side by side can share the folder."""

    def dump_bytecode(self, bucket) -> None:
        try:
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


def template_cache_folder(templates_dir: Path) -> Path:
    """build/template-cache beside the templates, or IOM_TEMPLATE_CACHE (the tests share one)."""
    shared = os.environ.get("IOM_TEMPLATE_CACHE")
    return Path(shared) if shared else templates_dir.parent / "build" / "template-cache"
