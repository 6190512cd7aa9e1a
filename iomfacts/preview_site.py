"""The live preview's site: MkDocs run in this process, rebuilding only the pages that changed.

`mkdocs serve` rebuilds the whole site (twice) for every save. Here MkDocs' configuration, its
Files, Navigation and the theme's Jinja environment are loaded once; a full build writes every
page into the preview folder (build/preview, never site/), and after a save only the pages whose
Markdown the generator rewrote are converted and rendered again, and their entries in the
search index replaced. What a full build does differently is done again in full:

- a page added or removed, a static file added, mkdocs.yml changed: a full build (new config,
  Files and Navigation);
- the title of a page in the navigation changed: every page is rendered again with the
  theme's templates (every page shows the navigation), without converting Markdown again.

Files are written atomically (temporary file, then rename), so the preview server never sends
half a page. MkDocs' messages go through a handler of our own: its info lines (the list of
pages not in the navigation) are dropped, warnings and errors are returned to the caller.
This uses MkDocs' build internals (`mkdocs.commands.build`), pinned at 1.6.1.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .mkdocs_child import keep_theme_templates
from .pipeline import Layout
from .template_cache import template_cache_folder

# Generated files that are not pages: a change to them needs no page reloaded.
DATA_PREFIX = "data/"


@dataclass
class Result:
    """What one (re)build did."""

    kind: str  # "full", "pages" (incremental), "layout" (every page's template again), "none"
    urls: list[str] | None  # page URLs rewritten (e.g. "countries/ken/"); None: every page
    seconds: float
    pages: int = 0  # pages converted from Markdown
    rendered: int = 0  # pages rendered with the theme's templates
    static: list[str] = field(default_factory=list)  # static files copied
    messages: list[str] = field(default_factory=list)  # MkDocs' warnings and errors
    reason: str = ""  # why a full build or a re-layout was needed

    @property
    def reload_all(self) -> bool:
        return self.urls is None or any(not path.startswith(DATA_PREFIX) for path in self.static)


class _Collect(logging.Handler):
    """MkDocs' warnings and errors, collected per build (info and debug are dropped)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            self.messages.append(f"mkdocs {record.levelname.lower()}: {record.getMessage()}")


def _write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step: a reader sees the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.preview-tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _copy(source: Path, target: Path) -> bool:
    """Copy when the target differs in size or modification time; atomically. True if copied."""
    stat = source.stat()
    with contextlib.suppress(OSError):
        existing = target.stat()
        if existing.st_size == stat.st_size and existing.st_mtime_ns == stat.st_mtime_ns:
            return False
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.preview-tmp")
    shutil.copyfile(source, temporary)
    os.utime(temporary, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(temporary, target)
    return True


class PreviewSite:
    """MkDocs' state for the preview folder, kept between builds."""

    def __init__(self, layout: Layout, output: Path, config_file: Path | None = None):
        self.layout = layout
        self.output = output
        self.config_file = config_file or layout.mkdocs_config
        self.config = self.files = self.nav = self.env = None
        self.search = None  # Material's search plugin, whose index we keep per page
        self.entries: dict[str, list] = {}  # src_uri -> the page's search index entries
        self._collect = _Collect()
        logger = logging.getLogger("mkdocs")
        logger.setLevel(logging.WARNING)  # not the info lines (218 pages not in the nav...)
        logger.propagate = False
        if self._collect not in logger.handlers:
            logger.addHandler(self._collect)

    # --- MkDocs ------------------------------------------------------------------------------

    def _load(self) -> None:
        from mkdocs.config import load_config
        from mkdocs.structure.files import get_files, set_exclusions
        from mkdocs.structure.nav import get_navigation

        os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
        keep_theme_templates(template_cache_folder(self.layout.templates))  # as the build's MkDocs child does
        config = load_config(config_file=str(self.config_file), site_dir=str(self.output))
        config.plugins.on_startup(command="build", dirty=False)
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        files = get_files(config)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)
        self.config, self.files, self.nav, self.env = config, files, nav, env
        self.search = next((plugin for plugin in config.plugins.values()
                            if isinstance(getattr(getattr(plugin, "search_index", None), "entries", None), list)),
                           None)
        self.entries = {}

    def _populate(self, page) -> None:
        from mkdocs.commands.build import _populate_page

        _populate_page(page, self.config, self.files)

    def _render(self, page) -> None:
        """The page through the theme's template, written atomically (MkDocs' `_build_page`,
        writing through a temporary file), its search entries kept apart."""
        from mkdocs.commands.build import get_context

        config = self.config
        start = len(self.search.search_index.entries) if self.search else 0
        config._current_page = page
        try:
            page.active = True
            context = get_context(self.nav, self.doc_files, config, page)
            template = self.env.get_template(page.meta.get("template", "main.html"))
            context = config.plugins.on_page_context(context, page=page, config=config, nav=self.nav)
            output = template.render(context)
            output = config.plugins.on_post_page(output, page=page, config=config)
        finally:
            page.active = False
            config._current_page = None
        if self.search:
            self.entries[page.file.src_uri] = self.search.search_index.entries[start:]
            del self.search.search_index.entries[start:]
        if output.strip():
            _write(Path(page.file.abs_dest_path), output.encode("utf-8", errors="xmlcharrefreplace"))

    def _theme_templates(self) -> None:
        from mkdocs.commands.build import _build_template

        for name in self.config.theme.static_templates:
            if name.endswith(".gz"):
                continue
            with contextlib.suppress(Exception):
                template = self.env.get_template(name)
                output = _build_template(name, template, self.files, self.config, self.nav)
                if output.strip():
                    _write(self.output / name, output.encode("utf-8"))

    def _write_search_index(self) -> None:
        if not self.search:
            return
        index = self.search.search_index
        index.entries = [entry for file in self.doc_files for entry in self.entries.get(file.src_uri, [])]
        try:
            data = index.generate_search_index(None)
        finally:
            index.entries = []
        _write(self.output / "search" / "search_index.json", data.encode("utf-8"))

    def _post_build(self) -> None:
        """The other plugins' post_build events (the search plugin's index is written by us)."""
        for method in self.config.plugins.events["post_build"]:
            if getattr(method, "__self__", None) is not self.search:
                method(config=self.config)

    @property
    def doc_files(self):
        return self.files.documentation_pages()

    def _static_files(self):
        return [file for file in self.files if not file.is_documentation_page() and file.inclusion.is_included()]

    def _validate_anchors(self, pages: Iterable) -> None:
        level = self.config.validation.links.anchors
        for page in pages:
            page.validate_anchor_links(files=self.files, log_level=level)

    def _page_file(self, docs_path: str):
        return self.files.get_file_from_path(docs_path) if self.files is not None else None

    # --- builds ------------------------------------------------------------------------------

    def build_all(self, reason: str = "") -> Result:
        """Everything again: configuration, files, navigation, every page; stale files removed."""
        from mkdocs.structure.pages import Page

        started = time.monotonic()
        self._collect.messages = []
        self._load()
        for file in self.doc_files:
            if file.page is None:
                Page(None, file, self.config)
            self._populate(file.page)
        self.env = self.config.plugins.on_env(self.env, config=self.config, files=self.files)
        copied = [file.dest_uri for file in self._static_files()
                  if file.abs_src_path and _copy(Path(file.abs_src_path), Path(file.abs_dest_path))]
        self._theme_templates()
        for file in self.doc_files:
            self._render(file.page)
        self._validate_anchors(file.page for file in self.doc_files)
        self._write_search_index()
        self._post_build()
        self._remove_stale()
        pages = len(self.doc_files)
        return Result("full", None, time.monotonic() - started, pages, pages, copied,
                      list(self._collect.messages), reason)

    def _remove_stale(self) -> None:
        wanted = {Path(file.abs_dest_path) for file in self.files if file.inclusion.is_included()}
        wanted |= {self.output / name for name in self.config.theme.static_templates if not name.endswith(".gz")}
        wanted.add(self.output / "search" / "search_index.json")
        for path in sorted(self.output.rglob("*"), reverse=True):
            with contextlib.suppress(OSError):
                if path.is_dir():
                    if not any(path.iterdir()):
                        path.rmdir()
                elif path not in wanted:
                    path.unlink()

    def update(self, changed: Iterable[str], first: Iterable[str] = (),
               written: Callable[[str], None] | None = None) -> Result:
        """Rebuild after the generator rewrote the docs paths `changed` (removed ones included).

        Pages whose URL is in `first` (the pages open in a browser) are rebuilt first, and
        `written(url)` is called as soon as each page's HTML is on disk."""
        started = time.monotonic()
        changed = sorted(set(changed))
        if self.config is None:
            return self.build_all("first build")
        docs = self.layout.docs
        pages, static = [], []
        for path in changed:
            file = self._page_file(path)
            exists = (docs / path).is_file()
            if file is None or not exists or not file.inclusion.is_included():
                what = "added" if exists else "removed"
                return self.build_all(f"{path} {what}")
            (pages if file.is_documentation_page() else static).append(file)
        if not pages and not static:
            return Result("none", [], time.monotonic() - started)
        self._collect.messages = []
        open_urls = set(first)
        pages.sort(key=lambda file: file.url not in open_urls)  # open pages first (stable)
        copied = [file.dest_uri for file in static
                  if _copy(Path(file.abs_src_path), Path(file.abs_dest_path))]
        in_nav = {id(page) for page in self.nav.pages}
        titles_changed = []
        for file in pages:
            page = file.page
            before = page.title
            self._populate(page)
            if id(page) in in_nav and page.title != before:
                titles_changed.append(file.src_uri)
                continue  # rendered below with every other page
            if not titles_changed:
                self._render(page)
                if written:
                    written(file.url)
        if titles_changed:
            # The navigation (on every page) shows the new title: render every page again.
            for file in self.doc_files:
                self._render(file.page)
            self._theme_templates()
        self._validate_anchors(file.page for file in pages)
        self._write_search_index()
        self._post_build()
        seconds = time.monotonic() - started
        if titles_changed:
            return Result("layout", None, seconds, len(pages), len(self.doc_files), copied,
                          list(self._collect.messages), f"title of {', '.join(titles_changed)} changed")
        return Result("pages", [file.url for file in pages], seconds, len(pages), len(pages), copied,
                      list(self._collect.messages))
