"""Export of the offline site to a ZIM file, the format of the Kiwix offline reader.

Offline libraries in low-connectivity settings already use Kiwix; a ZIM file gives them the
site with Kiwix's own full-text search. Every file of the offline site becomes an entry at
the same path, so the site's relative links keep working inside the archive.
"""

from __future__ import annotations

import html
import mimetypes
import re
from pathlib import Path

from .version import ContentVersion

_TITLE = re.compile(r"<title>(.*?)</title>", re.S | re.I)


def _mimetype(path: Path) -> str:
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def write_zim(site: Path, target: Path, version: ContentVersion) -> Path:
    from libzim.writer import Creator, Hint, Item, StringProvider  # imported here: optional dependency

    class SiteFile(Item):
        def __init__(self, path: str, title: str, mimetype: str, content: bytes, front: bool):
            super().__init__()
            self._path, self._title, self._mimetype, self._content, self._front = path, title, mimetype, content, front

        def get_path(self):
            return self._path

        def get_title(self):
            return self._title

        def get_mimetype(self):
            return self._mimetype

        def get_contentprovider(self):
            return StringProvider(self._content)

        def get_hints(self):
            return {Hint.FRONT_ARTICLE: self._front, Hint.COMPRESS: not self._mimetype.startswith("image/")}

    temporary = target.with_name(target.name + ".tmp")
    temporary.unlink(missing_ok=True)
    creator = Creator(str(temporary)).config_indexing(True, "eng")
    with creator:
        creator.set_mainpath("index.html")
        for path in sorted(site.rglob("*")):
            if not path.is_file():
                continue
            relative = path.relative_to(site).as_posix()
            content = path.read_bytes()
            mimetype = _mimetype(path)
            title = relative
            is_page = mimetype == "text/html" and relative != "404.html"
            if is_page:
                match = _TITLE.search(content.decode("utf-8", "replace"))
                if match:
                    title = html.unescape(match.group(1)).strip()
            creator.add_item(SiteFile(relative, title, mimetype, content, is_page))
        for name, value in (("Name", "iom-annual-reports"), ("Title", "IOM annual reports: facts and figures"),
                            ("Description", "Facts and figures from IOM's annual reports, with sources"),
                            ("Language", "eng"), ("Creator", "IOM annual reports knowledge site"),
                            ("Publisher", "IOM annual reports knowledge site"),
                            ("Date", version.iso_date if version.date else "1970-01-01"),
                            ("Tags", "migration;IOM;reports"), ("Source", version.label)):
            creator.add_metadata(name, value)
    temporary.replace(target)
    return target
