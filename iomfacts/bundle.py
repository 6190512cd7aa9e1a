"""The offline bundle for field offices: one zip of the site that works opened from disk.

Built from the same generated docs tree as the website, with mkdocs.offline.yml (Material's
offline plugin, links to .html files, our own local Web Worker shim for search). Before the
zip is written, every page is checked: no script, stylesheet, image or frame may point at
the network. The zip is deterministic (sorted entries, fixed timestamps).
"""

from __future__ import annotations

import html.parser
import os
import shutil
import zipfile
from pathlib import Path

from .permalinks import for_offline_bundle
from .pipeline import (BuildFailed, Layout, OfflineBuild, publish, remove_staging_folders, run_mkdocs,
                       staging_folder)
from .version import ContentVersion

BUNDLE_NAME = "iom-annual-reports"
HOW_TO_OPEN = """\
IOM annual reports: facts and figures (offline copy)
=====================================================

{label}.

How to open it
--------------
1. Unzip this file into a folder (on Windows: right-click, "Extract All").
2. Open the folder and double-click "index.html". It opens in your web browser.
3. Everything works without an internet connection, including the search box at the top.

Links to the official documents (marked with an arrow) need an internet connection; all
other links stay inside this copy.

To print a country page, open it and use the browser's Print command: the menus and the
search box are left out of the printout.

A newer copy may exist: check the date above against the one on the website.
"""

# Elements whose URL attribute the browser fetches by itself when the page loads.
_FETCHED = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src",
            "video": "src", "audio": "src", "embed": "src", "object": "data"}


class _NetworkReferences(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attribute = _FETCHED.get(tag)
        for name, value in attrs:
            if not value or name not in (attribute, "srcset"):
                continue
            candidates = [part.split()[0] for part in value.split(",") if part.strip()] if name == "srcset" else [value]
            if any(url.strip().lower().startswith(("http:", "https:", "//")) for url in candidates):
                self.found.append(f"<{tag} {name}={value!r}>")


def network_references(html_text: str) -> list[str]:
    """Elements that would make the browser fetch something from the network."""
    parser = _NetworkReferences()
    parser.feed(html_text)
    return parser.found


def check_offline_site(site: Path) -> None:
    problems = []
    for page in sorted(site.rglob("*.html")):
        for reference in network_references(page.read_text(encoding="utf-8")):
            problems.append(f"{page.relative_to(site)}: {reference}")
    if problems:
        raise BuildFailed("the offline site would fetch from the network:\n" + "\n".join(problems[:20]))


def write_zip(site: Path, target: Path, readme: str) -> None:
    """A reproducible zip: sorted entries under one folder, fixed timestamps and permissions."""
    folder = target.stem
    temporary = target.with_name(target.name + ".tmp")
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        def add(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)

        add("HOW-TO-OPEN.txt", readme.encode("utf-8"))
        for path in sorted(site.rglob("*")):
            # Pages opened from disk read the index from search_index.js; browsers refuse to
            # fetch the JSON copy over file://, so it would only double the download.
            if path.is_file() and path.relative_to(site).as_posix() != "search/search_index.json":
                add(path.relative_to(site).as_posix(), path.read_bytes())
    os.replace(temporary, target)


def write_offline_docs(layout: Layout, knowledge) -> None:
    """The bundle's docs tree: the website's pages, with fact cards linking to .html files."""
    from .pipeline import generate, write_docs

    write_docs(layout, generate(layout, knowledge, directory_urls=False), layout.offline_docs)


def offline_site_folder(layout: Layout) -> Path:
    return layout.root / "build" / "offline-site"


def offline_build(layout: Layout) -> OfflineBuild:
    """The offline site as `pipeline.build` makes it beside the website (`build --bundle`)."""
    return OfflineBuild(layout.root / "mkdocs.offline.yml", offline_site_folder(layout), finish_offline_site)


def finish_offline_site(staging: Path) -> None:
    for_offline_bundle(staging)  # permanent fact links point at .html files here
    check_offline_site(staging)


def build_bundle(layout: Layout, version: ContentVersion, dist: Path) -> tuple[Path, Path]:
    """Build the offline site from its docs tree (write_offline_docs) and zip it; return (zip,
    site folder).

    Call it with the build lock held (build_lock.py): stale staging folders of killed runs
    are removed here, and the folder is swapped in like site/ (pipeline.publish)."""
    site = offline_site_folder(layout)
    remove_staging_folders(site)  # left by a killed bundle
    staging = staging_folder(site)
    try:
        run_mkdocs(layout, staging, layout.root / "mkdocs.offline.yml")
        finish_offline_site(staging)
        publish(staging, site)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return zip_bundle(site, version, dist), site


def zip_bundle(site: Path, version: ContentVersion, dist: Path) -> Path:
    """dist/<name>-offline-<date>.zip from the finished offline site."""
    dist.mkdir(parents=True, exist_ok=True)
    target = dist / f"{BUNDLE_NAME}-offline-{version.iso_date}.zip"
    try:
        write_zip(site, target, HOW_TO_OPEN.format(label=version.label))
    finally:
        target.with_name(target.name + ".tmp").unlink(missing_ok=True)  # after an error or a signal
    return target
