"""Obtaining the source texts for quote verification where they are not at hand (CI).

The extracted texts are not in the repository. `build_site.py fetch-sources DIR` downloads
each document's official PDF (the `url` in content/sources.yml), extracts its text with
`pdftotext` (poppler-utils) and saves it under the source's `text_file` name, so that
`check --sources DIR` can verify every quote. Files already in DIR are kept: the workflow
caches the folder between runs. Quotes are compared on letters and digits only, so the small
differences between two text extractions of the same PDF do not matter.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import urllib.request
from pathlib import Path

from .model import Source

TIMEOUT_SECONDS = 120


def fetch_source_texts(sources: list[Source], folder: Path) -> tuple[list[str], list[str]]:
    """Fill `folder` with every source's text; return (ready, unavailable) messages."""
    folder.mkdir(parents=True, exist_ok=True)
    ready, unavailable = [], []
    if shutil.which("pdftotext") is None:
        return ready, ["pdftotext is not installed (apt-get install poppler-utils)"]
    for source in sources:
        target = folder / source.text_file
        if target.exists() and target.stat().st_size > 0:
            ready.append(f"{source.id}: {target.name} (cached)")
            continue
        if not source.url:
            unavailable.append(f"{source.id}: no official URL in content/sources.yml")
            continue
        with tempfile.TemporaryDirectory() as scratch:
            pdf = Path(scratch) / "source.pdf"
            try:
                with urllib.request.urlopen(source.url, timeout=TIMEOUT_SECONDS) as response:
                    pdf.write_bytes(response.read())
            except (OSError, ValueError) as error:
                unavailable.append(f"{source.id}: could not download {source.url} ({error})")
                continue
            result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), str(target)],
                                    capture_output=True, text=True)
            if result.returncode != 0:
                target.unlink(missing_ok=True)
                unavailable.append(f"{source.id}: pdftotext failed ({result.stderr.strip()})")
                continue
        ready.append(f"{source.id}: {target.name}")
    return ready, unavailable
