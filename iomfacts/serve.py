"""Live preview: one rebuild per save, of the pages the save affects, and the open page reloaded.

No `mkdocs serve` child. This process checks the content (with a parse cache), rewrites the
affected Markdown files in build/docs (incremental.py), and has MkDocs, loaded once in this
process, convert and render only those pages into build/preview (preview_site.py); a small
threaded web server on 127.0.0.1 serves that folder and tells open pages to reload once their
new HTML is on disk (preview_server.py). The pages open in a browser are rebuilt first.

A save that fails the check prints its problems, shows them in a banner on the open pages,
and leaves the preview as it was; the save that fixes them removes the banner and reloads.
SIGINT (Ctrl-C) and SIGTERM stop the server, release the port and exit with status 0.
"""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

from . import processes
from .incremental import regenerate as write_changes
from .knowledge import Knowledge
from .load import ParseCache
from .pipeline import Layout, check

POLL_SECONDS = 0.1  # how often the sources are looked at
SETTLE_SECONDS = 0.03  # a save is complete when two looks this far apart agree


def _snapshot(paths: list[Path]) -> dict[Path, tuple[int, int]]:
    """Modification time and size of every entry, links included (a dangling link is a change
    the check reports, not a crash of the preview)."""
    times = {}
    for root in paths:
        entries = root.rglob("*") if root.is_dir() else [root]
        for path in entries:
            try:
                stat = path.lstat()
            except OSError:  # removed while we looked
                continue
            times[path] = (stat.st_mtime_ns, stat.st_size)
    return times


def update(layout: Layout, sources: Path | None, previous: Knowledge | None, templates_changed: bool,
           cache: ParseCache | None = None):
    """Check, then rewrite the affected Markdown files: (knowledge, docs paths rewritten, problems);
    knowledge is None (and nothing written) when the check failed."""
    knowledge, problems = check(layout, sources, cache=cache)
    if knowledge is None:
        return None, [], problems
    return knowledge, write_changes(layout, previous, knowledge, templates_changed), problems


def regenerate(layout: Layout, sources: Path | None, previous: Knowledge | None,
               templates_changed: bool, cache: ParseCache | None = None) -> Knowledge | None:
    """Check, then rewrite the affected pages; return the new knowledge (None if the check failed).

    The generator's part of a save, with its own report (bench/worker.py measures it)."""
    started = time.monotonic()
    knowledge, changed, problems = update(layout, sources, previous, templates_changed, cache)
    if knowledge is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        print("Preview not updated: fix the problems above.", file=sys.stderr)
        return None
    listed = ", ".join(changed[:8]) + (" ..." if len(changed) > 8 else "")
    print(f"Regenerated {len(changed)} file(s) in {time.monotonic() - started:.2f} s: {listed}")
    return knowledge


def _listed(items: list[str], most: int = 6) -> str:
    return ", ".join(items[:most]) + (f" and {len(items) - most} more" if len(items) > most else "")


def _assets(layout: Layout) -> dict[str, bytes] | None:
    """templates/assets as docs files; None if one in the docs tree no longer exists there."""
    assets = layout.templates / "assets"
    files = {f"assets/{asset.relative_to(assets).as_posix()}": asset.read_bytes()
             for asset in sorted(assets.rglob("*")) if asset.is_file()}
    published = layout.docs / "assets"
    if any(path.is_file() and f"assets/{path.relative_to(published).as_posix()}" not in files
           for path in published.rglob("*")):
        return None
    return files


def _pages_using(layout: Layout, planned: list, edited: set[Path]) -> set[str] | None:
    """The docs paths of the pages whose template is, imports or includes an edited template;
    None (every page) when that cannot be told (a dynamic import, a file that is not a template)."""
    import jinja2
    from jinja2 import meta

    names = set()
    for path in edited:
        if path.is_relative_to(layout.templates / "assets"):
            continue
        if path.suffix != ".j2":
            return None
        names.add(path.relative_to(layout.templates).as_posix())
    environment = jinja2.Environment()
    uses: dict[str, set[str]] = {}

    def closure(name: str) -> set[str] | None:
        if name not in uses:
            uses[name] = {name}
            try:
                source = (layout.templates / name).read_text(encoding="utf-8")
                referenced = list(meta.find_referenced_templates(environment.parse(source)))
            except (OSError, jinja2.TemplateError):
                return None
            for other in referenced:
                found = closure(other) if other is not None else None
                if found is None:
                    return None
                uses[name] |= found
        return uses[name]

    wanted = set()
    for page in planned:
        used = closure(page.template)
        if used is None:
            return None
        if used & names:
            wanted.add(page.path)
    return wanted


def _template_changes(layout: Layout, knowledge: Knowledge, edited: set[Path]) -> list[str] | None:
    """After a template or asset edit with the content unchanged: the assets copied and the
    pages made from the edited templates rendered again, but not the data files (no template
    makes them); the paths rewritten (pipeline.generate without the exports, for fewer pages).
    None when an asset was removed (then the whole tree is regenerated)."""
    from .docs_tree import write_files
    from .pages import plan_pages
    from .render import render_pages
    from .version import content_version

    files = _assets(layout)
    if files is None:
        return None
    planned = plan_pages(knowledge)
    only = _pages_using(layout, planned, edited)
    if only is None or only:
        files.update(render_pages(knowledge, planned, layout.templates, {"version": content_version(layout.root)},
                                  only=only))
    return write_files(layout.docs, files)


def _problem_of(error: Exception, layout: Layout) -> str:
    """One line for an error while generating (a template that does not compile...)."""
    import jinja2

    if isinstance(error, jinja2.TemplateSyntaxError):
        where = error.filename or error.name or "template"
        with contextlib.suppress(ValueError):
            where = Path(where).resolve().relative_to(layout.root).as_posix()
        return f"{where}:{error.lineno}: {error.message} (fix the template)"
    return f"generating the pages failed: {type(error).__name__}: {error}"


class Preview:
    """The state of a running preview: knowledge, MkDocs' site, the server's live state."""

    def __init__(self, layout: Layout, sources: Path | None, output: Path):
        from .preview_server import LiveState
        from .preview_site import PreviewSite

        self.layout = layout
        self.sources = sources
        self.cache = ParseCache()
        self.knowledge: Knowledge | None = None
        self.site = PreviewSite(layout, output)
        self.state = LiveState()
        self.failing = False
        self.pending: set[Path] = set()  # edited in saves that failed: still to regenerate

    def start(self) -> tuple[list, float]:
        """The first full build: (problems, seconds); problems means nothing was built."""
        started = time.monotonic()
        try:
            knowledge, _, problems = update(self.layout, self.sources, None, True, self.cache)
        except Exception as error:  # noqa: BLE001 - e.g. a template that does not compile
            return [_problem_of(error, self.layout)], time.monotonic() - started
        if knowledge is None:
            return list(problems), time.monotonic() - started
        self.knowledge = knowledge
        result = self.site.build_all("first build")
        for message in result.messages:
            print(message, file=sys.stderr)
        return [], time.monotonic() - started

    def _write(self, knowledge: Knowledge, edited: set[Path]) -> tuple[list[str], bool]:
        """Rewrite the docs tree for this save: (paths rewritten, data files still to write)."""
        from .incremental import affected_pages, write_pages

        layout, old = self.layout, self.knowledge
        config_changed = layout.mkdocs_config in edited
        templates = {path for path in edited if path.is_relative_to(layout.templates)}
        unchanged = old is not None and not config_changed
        wanted = affected_pages(old, knowledge) if unchanged else None
        if templates and wanted == set():  # a template or the CSS, and no content
            changed = _template_changes(layout, knowledge, templates)
            if changed is not None:
                return changed, False
        if templates or wanted is None:
            return write_changes(layout, old if unchanged else None, knowledge, True), False
        if not wanted:
            return [], False
        return write_pages(layout, knowledge, wanted), True

    def saved(self, edited: set[Path]) -> str:
        """One save: check, regenerate, rebuild, tell the pages. Returns the console line."""
        from .incremental import write_exports

        started = time.monotonic()
        edited = self.pending = self.pending | edited
        knowledge, problems = check(self.layout, self.sources, cache=self.cache)
        if knowledge is None:
            lines = [str(problem) for problem in problems]
            for line in lines:
                print(line, file=sys.stderr)
            self.failing = True
            self.state.set_problems(lines)
            return (f"Preview not updated: {problems.unique_count()} problem(s) above "
                    f"(checked in {time.monotonic() - started:.2f} s).")
        try:
            changed, exports_pending = self._write(knowledge, edited)
        except Exception as error:  # noqa: BLE001 - e.g. a template that does not compile
            line = _problem_of(error, self.layout)
            print(line, file=sys.stderr)
            self.failing = True
            self.state.set_problems([line])
            return f"Preview not updated: {line}"
        self.knowledge = knowledge
        self.pending = set()
        generated = time.monotonic()
        early: list[str] = []

        def written(url: str) -> None:  # an open page is on disk: reload it now
            early.append(url)
            self.state.published([url])

        try:
            if self.layout.mkdocs_config in edited:
                result = self.site.build_all("mkdocs.yml changed")
            else:
                result = self.site.update(changed, first=self.state.open_pages(),
                                          written=None if self.failing else written)
        except Exception as error:  # noqa: BLE001 - the preview goes on; the next save builds all
            self.site.config = None
            message = f"mkdocs failed: {type(error).__name__}: {error}"
            self.state.set_problems([message])
            self.failing = True
            return f"Preview not updated: {message}"
        for message in result.messages:
            print(message, file=sys.stderr)
        if self.failing:
            self.state.published(None, problems=[])  # banner gone, every open page reloads
        elif result.reload_all:
            self.state.published(None)
        elif result.kind != "none":
            self.state.published([url for url in result.urls if url not in early])
        self.failing = False
        shown_seconds = time.monotonic() - started
        data = ""
        if exports_pending:  # the data files, once the pages are on screen
            exported = time.monotonic()
            rewritten = write_exports(self.layout, knowledge)
            if rewritten:
                self.site.update(rewritten)
            data = f"; data files {len(rewritten)} in {time.monotonic() - exported:.2f} s"
        parts = f"generate {generated - started:.2f} s, MkDocs {result.seconds:.2f} s{data}"
        if result.kind == "none" and not data:
            return f"No page changed ({shown_seconds:.2f} s)."
        if result.kind == "full":
            return f"Rebuilt every page ({result.pages}) in {shown_seconds:.2f} s ({parts}): {result.reason}."
        if result.kind == "layout":
            return (f"Rebuilt {result.pages} page(s) and every page's navigation ({result.rendered}) in "
                    f"{shown_seconds:.2f} s ({parts}): {result.reason}.")
        if not result.pages:
            return f"Copied {_listed(result.static)} in {shown_seconds:.2f} s ({parts}); open pages reload."
        shown = (result.urls or []) + result.static
        return (f"Rebuilt {result.pages} page(s) in {shown_seconds:.2f} s ({parts}): "
                f"{_listed(shown) or 'no page'}.")


def serve(layout: Layout, sources: Path | None, address: str) -> int:
    from .preview_server import PreviewServer, parse_address

    try:
        host, port = parse_address(address)
    except ValueError:
        print(f"Not an address: {address!r} (expected HOST:PORT, e.g. 127.0.0.1:8000).", file=sys.stderr)
        return 2
    preview = Preview(layout, sources, layout.root / "build" / "preview")
    server = None
    try:
        try:  # take the port first: a busy port is reported at once, not after the first build
            server = PreviewServer((host, port), preview.site.output, preview.state)
        except OSError as error:
            print(f"Cannot serve the preview at {host}:{port}: {error.strerror or error}.", file=sys.stderr)
            return 1
        problems, seconds = preview.start()
        if problems:
            for problem in problems:
                print(problem, file=sys.stderr)
            print("Preview not started: fix the problems above.", file=sys.stderr)
            return 1
        server.start()
        print(f"Preview at http://{host}:{port}/ (built in {seconds:.1f} s); rebuilding when content/, "
              "templates/ or mkdocs.yml change. Ctrl-C stops it.", flush=True)
        watched = [layout.content, layout.templates, layout.mkdocs_config]
        seen = _snapshot(watched)
        while True:
            time.sleep(POLL_SECONDS)
            current = _snapshot(watched)
            if current == seen:
                continue
            while True:  # let the save finish (editors write, rename, touch)
                time.sleep(SETTLE_SECONDS)
                again = _snapshot(watched)
                if again == current:
                    break
                current = again
            edited = {path for path, _ in set(current.items()) ^ set(seen.items())}
            seen = current
            print(preview.saved(edited), flush=True)
    except (processes.Interrupted, KeyboardInterrupt):
        pass
    finally:
        if server is not None:
            server.stop()
    print("Preview stopped.", file=sys.stderr)
    return 0
