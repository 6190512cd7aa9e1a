"""The stages wired together: check, generate the docs tree, build and publish the site.

content/*.yml -> load -> validate -> knowledge -> page plans -> render -> docs tree
-> mkdocs build --strict (into a temporary folder) -> swap into site/.
Nothing is written before every earlier stage has succeeded, and site/ is replaced by one
atomic exchange (see `publish`), so a failed or interrupted build leaves the previous site
exactly as it was. Builds of one checkout take turns (build_lock.py).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import platform
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import processes, mkdocs_child

from .exports import export_files
from .knowledge import Knowledge
from .load import ParseCache, load_content
from .navigation import check_navigation
from .pages import plan_pages
from .pause_points import pause_at
from .problems import Problems
from .render import render_pages
from .template_cache import template_cache_folder
from .validate import read_source_texts, validate
from .version import content_version, source_date_epoch

PACKAGE_PARENT = Path(__file__).resolve().parent.parent  # where `iomfacts` is importable from


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
    def offline_docs(self) -> Path:
        """The offline bundle's docs tree (mkdocs.offline.yml): the same pages, with fact
        cards linking to .html files, since the bundle is built without directory URLs."""
        return self.root / "build" / "docs-offline"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def mkdocs_config(self) -> Path:
        return self.root / "mkdocs.yml"


class BuildFailed(Exception):
    """A stage after checking failed; the message says which and why."""


def check(layout: Layout, sources_dir: Path | None = None, skip_missing_texts: bool = False,
          cache: ParseCache | None = None, published: str | None = None) -> tuple[Knowledge | None, Problems]:
    """Read and validate all content. With `published` (a git revision), fact ids that existed
    there must still exist, as ids or aliases (published_ids.py)."""
    problems = Problems()
    loaded = load_content(layout.content, layout.root, problems, cache)
    if published:
        from .published_ids import check_published_ids

        check_published_ids(layout.root, published, loaded, problems)
    texts = None
    if sources_dir is not None:
        text_problems = Problems()
        texts = read_source_texts(sources_dir, loaded, text_problems)
        if not skip_missing_texts:  # otherwise the quotes of absent documents go unverified
            problems.extend(text_problems)
    knowledge = validate(loaded, problems, texts)
    if knowledge is not None and not problems:
        from .changes import version_changes

        knowledge.versions = version_changes(layout.root, knowledge)  # what each tagged version changed
        if texts is not None:  # source pages list the paragraphs no fact cites
            knowledge.source_texts = texts.texts
    if knowledge is not None:
        check_navigation(layout, plan_pages(knowledge), problems)
    return (None if problems else knowledge), problems


def generate(layout: Layout, knowledge: Knowledge, directory_urls: bool = True) -> dict[str, bytes]:
    """Every file of the docs tree, in memory: pages, data exports and static assets.

    `directory_urls` is the setting of the MkDocs configuration that will build the tree
    (mkdocs.yml: on; mkdocs.offline.yml: off): the HTML fact cards link to final URLs."""
    [files] = generate_trees(layout, knowledge, directory_urls)
    return files


def generate_trees(layout: Layout, knowledge: Knowledge, *directory_urls: bool) -> list[dict[str, bytes]]:
    """One docs tree per `directory_urls` setting (generate). Only the pages depend on it: the
    charts, data exports, chart specifications and assets are made once and shared."""
    from . import charts

    version = content_version(layout.root)
    charts.use_disk_cache(charts.cache_folder(layout.root))  # rendered SVGs, by spec hash
    planned = plan_pages(knowledge)
    charts.prerender(knowledge, planned, {page.path for page in planned})
    shared = export_files(knowledge, version.label)
    shared.update(charts.spec_files(knowledge, planned))  # data/charts/<id>.vl.json
    assets = layout.templates / "assets"
    for asset in sorted(assets.rglob("*")):
        if asset.is_file():
            shared[f"assets/{asset.relative_to(assets).as_posix()}"] = asset.read_bytes()
    return [{**render_pages(knowledge, planned, layout.templates, {"version": version}, directory_urls=setting),
             **shared} for setting in directory_urls]


def mkdocs_environment(layout: Layout) -> dict[str, str]:
    """MkDocs dates the sitemap with SOURCE_DATE_EPOCH when set: use the commit's time, so two
    builds of the same commit are byte-identical."""
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1",
                   # The child is `python -m iomfacts.mkdocs_child` (MkDocs' command line, keeping
                   # the theme's compiled templates), run from the checkout: find this package.
                   "PYTHONPATH": os.pathsep.join(filter(None, [str(PACKAGE_PARENT), os.environ.get("PYTHONPATH")])),
                   mkdocs_child.CACHE_VARIABLE: str(template_cache_folder(layout.templates))}
    epoch = source_date_epoch(layout.root)
    if epoch:
        environment["SOURCE_DATE_EPOCH"] = epoch
    return environment


def _shown(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def os_error_message(error: OSError, doing: str, path: Path | None, root: Path) -> str:
    """One line for an OSError: what we were doing, where, and what to do about it."""
    where = f" {_shown(Path(path), root)}" if path is not None else ""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"No space left on device while {doing}{where}; free some space and build again."
    reason = error.strerror or str(error)
    return f"{reason} while {doing}{where}."


def run_mkdocs(layout: Layout, output: Path, config: Path | None = None) -> None:
    """The real `mkdocs build --strict`, into `output` (with mkdocs.yml unless told otherwise)."""
    run_mkdocs_side_by_side(layout, [(output, config)])


def run_mkdocs_side_by_side(layout: Layout, builds: list[tuple[Path, Path | None]]) -> None:
    """One `mkdocs build --strict` per (output, config), all at once: the website's and the
    offline bundle's builds each take one core (MkDocs is single-threaded).

    Each MkDocs runs in its own process group and dies with us (see processes.py); if we are
    interrupted, or one of them cannot start, every group is stopped before the exception goes
    on. A failure of any of them is a BuildFailed naming its configuration."""
    # Not --quiet: MkDocs only counts the warnings it prints, and --strict fails on that count.
    configs = [config or layout.mkdocs_config for _, config in builds]
    commands = [[sys.executable, "-m", "iomfacts.mkdocs_child", "build", "--strict", "--config-file", str(config),
                 "--site-dir", str(output)] for (output, _), config in zip(builds, configs)]
    with contextlib.ExitStack() as running:
        # Forked from this (the main) thread, as processes.child requires.
        started = [running.enter_context(processes.child(command, cwd=layout.root, env=mkdocs_environment(layout),
                                                         text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
                   for command in commands]
        pause_at("mkdocs")
        outputs = _communicate_all(started)
    for process, config, (output, _), (stdout, stderr) in zip(started, configs, builds, outputs):
        if process.returncode != 0:
            lines = (stderr + stdout).splitlines()
            if any("No space left on device" in line for line in lines):
                raise BuildFailed(f"No space left on device while mkdocs wrote {_shown(output, layout.root)}; "
                                  "free some space and build again.")
            reasons = [line for line in lines if line.startswith(("WARNING", "ERROR", "Aborted"))]
            raise BuildFailed(f"mkdocs build --strict ({config.name}) failed:\n"
                              + "\n".join(reasons or lines[-20:]))


def _communicate_all(started: list[subprocess.Popen]) -> list[tuple[str, str]]:
    """(stdout, stderr) of each process, read at once so that no pipe fills up. The first is
    read in this thread, which is where a signal raises Interrupted; the others in helper
    threads, which only read (processes.child stops every group if this thread is interrupted)."""
    results: list[tuple[str, str] | BaseException | None] = [None] * len(started)

    def read(index: int) -> None:
        try:
            results[index] = started[index].communicate()
        except BaseException as error:  # pipes closed by a stop: the main thread reports it
            results[index] = error

    readers = [threading.Thread(target=read, args=(index,), daemon=True) for index in range(1, len(started))]
    for reader in readers:
        reader.start()
    results[0] = started[0].communicate()
    for reader in readers:
        reader.join()
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results  # type: ignore[return-value]


# renameat2(2) where the C library lacks the wrapper (glibc < 2.28, some musl builds).
_RENAMEAT2_SYSCALL = {"x86_64": 316, "amd64": 316, "aarch64": 276, "arm64": 276, "riscv64": 276,
                      "i386": 353, "i686": 353, "armv7l": 382, "armv6l": 382, "ppc64le": 357,
                      "ppc64": 357, "s390x": 347, "loongarch64": 276}
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _load_renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    except OSError:
        return None
    function = getattr(libc, "renameat2", None)
    if function is not None:
        function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        function.restype = ctypes.c_int
        return lambda a, b: function(_AT_FDCWD, a, _AT_FDCWD, b, _RENAME_EXCHANGE)
    number = _RENAMEAT2_SYSCALL.get(platform.machine().lower())
    syscall = getattr(libc, "syscall", None)
    if number is None or syscall is None:
        return None
    syscall.restype = ctypes.c_long
    return lambda a, b: syscall(ctypes.c_long(number), ctypes.c_int(_AT_FDCWD), ctypes.c_char_p(a),
                                ctypes.c_int(_AT_FDCWD), ctypes.c_char_p(b), ctypes.c_uint(_RENAME_EXCHANGE))


_renameat2 = _load_renameat2()


def exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths in one step (Linux renameat2 RENAME_EXCHANGE): at no moment is
    either name missing. False where the platform or file system cannot do it."""
    if _renameat2 is None:
        return False
    if _renameat2(os.fsencode(first), os.fsencode(second)) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def _aside(site: Path) -> Path:
    return site.with_name(site.name + ".old")


def recover(site: Path) -> None:
    """Undo what a build killed in the middle of a fallback publish left: if `site` is missing
    but `site.old` exists, put it back; drop a `site.old` that is no longer needed."""
    old = _aside(site)
    if not old.exists():
        return
    if not site.exists():
        os.rename(old, site)
    else:
        shutil.rmtree(old, ignore_errors=True)


def publish(built: Path, site: Path) -> None:
    """Replace `site` with the complete tree `built`; `site` is never missing or half-written.

    One atomic exchange where the system allows (the old tree then sits at `built` and is
    deleted); otherwise two renames, and a build killed between them (SIGKILL, power loss) is
    undone by `recover` at the next build. SIGINT and SIGTERM wait until this is done, so an
    interrupted build has either published completely or not at all."""
    with processes.signals_held():
        recover(site)
        if not site.exists():
            os.rename(built, site)
        elif exchange(built, site):
            pause_at("after-exchange")
            shutil.rmtree(built, ignore_errors=True)  # the old site
        else:
            old = _aside(site)
            os.rename(site, old)
            try:
                pause_at("between-renames")
                os.rename(built, site)
            except BaseException:
                os.rename(old, site)
                raise
            shutil.rmtree(old, ignore_errors=True)


def staging_folder(site: Path) -> Path:
    """Where this process builds what it will publish over `site`: <site>.tmp-<pid>."""
    return site.with_name(f"{site.name}.tmp-{os.getpid()}")


def remove_staging_folders(site: Path) -> None:
    """The staging folders of `site` that killed runs left. Call with the build lock held, so no
    other build is using them."""
    for stale in sorted(site.parent.glob(f"{site.name}.tmp-*")):
        shutil.rmtree(stale, ignore_errors=True)


def clear_leftovers(layout: Layout) -> None:
    """What killed builds left: a site moved aside (put back), staging folders (deleted).
    Call with the build lock held, so no other build is using them."""
    recover(layout.site)
    remove_staging_folders(layout.site)


def write_docs(layout: Layout, files: dict[str, bytes], docs: Path | None = None) -> None:
    """write_tree into build/docs (or `docs`), with a file-system error turned into a one-line
    BuildFailed."""
    from .docs_tree import WriteFailed, write_tree

    try:
        write_tree(docs or layout.docs, files)
    except WriteFailed as failure:
        raise BuildFailed(os_error_message(failure.error, "writing", failure.path, layout.root)) from failure


@dataclass(frozen=True)
class OfflineBuild:
    """The offline bundle's site, built beside the website by `build`: its MkDocs
    configuration, the folder it is published to, and what is done to it before (bundle.py)."""
    config: Path
    site: Path
    finish: Callable[[Path], None]


def build(layout: Layout, knowledge: Knowledge, offline: OfflineBuild | None = None) -> None:
    """Write build/docs, build the site into site.tmp-<pid> and publish it over site/.

    With `offline`, the offline bundle's docs tree is written too, its MkDocs build runs beside
    the website's (one core each), and the offline site is finished and published first; site/
    is replaced last, so a failure anywhere leaves it as it was.

    Raises BuildFailed (with a one-line reason for file-system errors such as a full disk);
    on any failure or interruption site/ is left exactly as it was."""
    from .build_lock import build_lock

    if offline:
        files, offline_files = generate_trees(layout, knowledge, True, False)
    else:
        files, offline_files = generate(layout, knowledge), None
    with build_lock(layout.root):
        try:
            clear_leftovers(layout)
            if offline:
                remove_staging_folders(offline.site)  # left by a killed build or bundle
        except OSError as error:
            raise BuildFailed(os_error_message(error, "restoring", layout.site, layout.root)) from error
        write_docs(layout, files)
        if offline_files is not None:
            write_docs(layout, offline_files, layout.offline_docs)
        staging = staging_folder(layout.site)
        offline_staging = staging_folder(offline.site) if offline else None
        try:
            builds = [(staging, None)] + ([(offline_staging, offline.config)] if offline else [])
            try:
                run_mkdocs_side_by_side(layout, builds)
            except OSError as error:  # MkDocs could not even start (out of memory, processes...)
                raise BuildFailed(os_error_message(error, "starting mkdocs for", staging, layout.root)) from error
            if offline:
                offline.finish(offline_staging)
                publish(offline_staging, offline.site)
            pause_at("before-publish")
            published = False
            try:
                with processes.signals_held():  # a signal now is delivered once site/ is settled
                    publish(staging, layout.site)
                    published = True
            except OSError as error:
                raise BuildFailed(os_error_message(error, "publishing", layout.site, layout.root)) from error
            except processes.Interrupted as stop:
                stop.published = published
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            if offline_staging is not None:
                shutil.rmtree(offline_staging, ignore_errors=True)
