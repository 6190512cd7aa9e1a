"""Quote verification where the source texts are not at hand: fetch the PDF, extract, check."""

import functools
import http.server
import os
import shutil
import threading

import pytest

from conftest import run_cli

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None and os.environ.get("CI") != "true",
                                     reason="poppler-utils is not installed (.ci/run installs it)")


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with the given lines of text in Helvetica, written by hand."""
    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = "BT /F1 10 Tf 40 760 Td 13 TL " + " ".join(f"({escape(line)}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out, offsets = "%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out.encode("latin-1")))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out.encode("latin-1"))
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")


@pytest.fixture
def publisher(tmp_path):
    """A web server on the loopback interface standing in for the official document site."""
    folder = tmp_path / "official"
    folder.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def point_ar_2017_at(site_copy, publisher, pdf_lines: list[str]):
    folder, address = publisher
    (folder / "C-109-4.pdf").write_bytes(make_pdf(pdf_lines))
    sources = site_copy.content / "sources.yml"
    text = sources.read_text()
    first_url = text.index("    url: null")  # ar-2017 is the first source
    sources.write_text(text[:first_url] + f"    url: {address}/C-109-4.pdf" + text[first_url + len("    url: null"):])


@needs_pdftotext
def test_quotes_are_verified_against_text_extracted_from_the_official_pdf(site_copy, publisher):
    point_ar_2017_at(site_copy, publisher, ["212. Health assessment and travel health assistance",
                                 "213. In 2017, IOM carried out nearly 345,000 pre-departure health",
                                 "assessments in over 80 countries around the world for refugees."])
    folder = site_copy.root / "texts"
    fetched = run_cli(site_copy.root, "fetch-sources", str(folder), "--allow-missing")
    assert fetched.returncode == 0, fetched.stderr
    assert "ready: ar-2017: ar-2017.txt" in fetched.stdout
    assert "unavailable: dg-108: no official URL" in fetched.stderr
    checked = run_cli(site_copy.root, "check", "--sources", str(folder), "--skip-missing-texts")
    assert checked.returncode == 0, checked.stderr
    assert "quotes verified for ar-2017" in checked.stdout
    again = run_cli(site_copy.root, "fetch-sources", str(folder), "--allow-missing")
    assert "ready: ar-2017: ar-2017.txt (cached)" in again.stdout


@needs_pdftotext
def test_a_quote_missing_from_the_official_pdf_fails_the_check(site_copy, publisher):
    point_ar_2017_at(site_copy, publisher, ["213. In 2017, IOM carried out some pre-departure health assessments."])
    folder = site_copy.root / "texts"
    assert run_cli(site_copy.root, "fetch-sources", str(folder), "--allow-missing").returncode == 0
    checked = run_cli(site_copy.root, "check", "--sources", str(folder), "--skip-missing-texts")
    assert checked.returncode == 1
    assert "quote not found in ar-2017" in checked.stderr


def test_without_allow_missing_an_unavailable_document_fails(site_copy):
    result = run_cli(site_copy.root, "fetch-sources", str(site_copy.root / "texts"))
    assert result.returncode == 1 and "no official URL" in result.stderr
