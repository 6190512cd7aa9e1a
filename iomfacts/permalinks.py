"""Permanent fact links: /facts/<id>/ leads to wherever the fact is shown.

A fact's anchor on its year-and-pillar page moves when an editor moves the fact to another file;
its permanent link does not. Each is a small static HTML file (MkDocs copies it as it is) that
sends the browser on to the fact, with a plain link for browsers that do not follow refreshes.
An id renamed with `aliases:` keeps its old permanent link, leading to the same fact.

The website uses directory URLs (years/2018/oe/) and the offline bundle file names
(years/2018/oe.html); `for_offline_bundle` rewrites the targets once the bundle is built.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from . import pages as paths
from .escapes import attribute
from .knowledge import FactRecord, Knowledge

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={target}">
<link rel="canonical" href="{target}">
</head>
<body>
<p>This fact is now at <a href="{target}">{where}</a>.</p>
<p>{stamp}</p>
</body>
</html>
"""


def target_of(record: FactRecord) -> str:
    """The fact's place, relative to its permanent link's folder (facts/<id>/)."""
    page = paths.fact_page_path(record).removesuffix(".md")
    return f"../../{page}/#{record.id}"


def redirect_page(record: FactRecord, title: str, stamp: str = "") -> bytes:
    target = attribute(target_of(record))
    return _PAGE.format(title=html.escape(title, quote=False), target=target,
                        where=html.escape(f"{record.year}, {title}", quote=False),
                        stamp=html.escape(stamp, quote=False)).encode("utf-8")


def permalink_files(knowledge: Knowledge, stamp: str = "") -> dict[str, bytes]:
    """facts/<id>/index.html for every fact id and every alias of one; `stamp` says how old the
    data is, as every page of the site does."""
    files = {}
    for record in knowledge.facts:
        title = knowledge.pillars[record.pillar].title
        page = redirect_page(record, title, stamp)
        for fact_id in (record.id, *record.fact.aliases):
            files[f"{paths.fact_permalink(fact_id)}index.html"] = page
    return files


_TARGET = re.compile(r'(\.\./\.\./[^"#]+?)/#')


def for_offline_bundle(site: Path) -> None:
    """In a site built without directory URLs, point every permanent link at the page's file."""
    folder = site / "facts"
    for redirect in sorted(folder.glob("*/index.html")) if folder.is_dir() else []:
        text = redirect.read_text(encoding="utf-8")
        redirect.write_text(_TARGET.sub(r"\1.html#", text), encoding="utf-8")
