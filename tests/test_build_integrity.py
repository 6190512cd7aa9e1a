"""Builds that can be trusted: reproducible, with no broken link (never half-published: test_publish.py)."""

import functools
import hashlib
import http.server
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, run_cli

LINKCHECKER = Path(sys.executable).with_name("linkchecker")


def digest_tree(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_two_builds_of_the_same_content_are_byte_identical(site_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    other = tmp_path / "elsewhere" / "repo"
    shutil.copytree(site_copy.root, other)
    assert run_cli(site_copy.root, "build").returncode == 0
    time.sleep(1.1)  # a different clock second must not matter
    assert run_cli(other, "build").returncode == 0
    first, second = digest_tree(site_copy.site), digest_tree(other / "site")
    assert first == second
    assert "search/search_index.json" in first and "sitemap.xml" in first


def test_two_bundles_of_the_same_content_are_byte_identical_whichever_command_made_them(site_copy, monkeypatch):
    """`bundle`, and `build --bundle` (the offline MkDocs run beside the website's), write the
    same zip; `build --bundle` writes the same site/ as `build`."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    shutil.copy(REPO / "mkdocs.offline.yml", site_copy.root / "mkdocs.offline.yml")
    assert run_cli(site_copy.root, "bundle").returncode == 0
    [archive] = (site_copy.root / "dist").glob("*.zip")
    first = archive.read_bytes()
    assert archive.name == "iom-annual-reports-offline-2023-11-14.zip"
    both = run_cli(site_copy.root, "build", "--bundle")
    assert both.returncode == 0, both.stderr
    assert both.stdout.splitlines()[1].startswith(f"Wrote dist/{archive.name} (")
    assert archive.read_bytes() == first
    website = digest_tree(site_copy.site)
    assert run_cli(site_copy.root, "build").returncode == 0
    assert digest_tree(site_copy.site) == website


def test_zim_without_bundle_is_refused_before_building(site_copy):
    result = run_cli(site_copy.root, "build", "--zim")
    assert result.returncode == 2
    assert result.stderr == "--zim needs --bundle (or use the bundle command).\n"
    assert not site_copy.site.exists()


def linkcheck(url: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINKCHECKER), "--config", str(REPO / "tests" / "linkcheckerrc"),
                           "--no-status", "-o", "text", url], capture_output=True, text=True, timeout=600)


class LocalHandler(http.server.SimpleHTTPRequestHandler):
    """Quiet, and with the `LinkChecker` header by which a server lets LinkChecker go faster
    than 10 requests a second (tests/linkcheckerrc): without it, a few hundred links take a minute."""

    def log_message(self, *args) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("LinkChecker", "tests")
        super().end_headers()


@pytest.fixture
def serve():
    """Serve a folder on the loopback interface, on a port of its own. (LinkChecker run as root
    drops its privileges and could not read the test's private temporary folder through file://
    URLs.)"""
    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(LocalHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()


def test_the_site_has_no_broken_internal_link_or_anchor(built_fixture_site, serve):
    """The fixture site as `build_site.py build` leaves it (the run's shared build, only read)."""
    result = linkcheck(serve(built_fixture_site / "site"))
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 errors found" in result.stdout


def test_the_unzipped_bundle_has_no_broken_internal_link_or_anchor(site_copy, tmp_path, serve):
    shutil.copy(REPO / "mkdocs.offline.yml", site_copy.root / "mkdocs.offline.yml")
    assert run_cli(site_copy.root, "bundle").returncode == 0
    [archive] = (site_copy.root / "dist").glob("*.zip")
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(tmp_path / "unzipped")
    [folder] = (tmp_path / "unzipped").iterdir()
    result = linkcheck(serve(folder) + "index.html")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 errors found" in result.stdout


@pytest.mark.parametrize("relative", ["../outside.md", "countries/../../outside.md", "/etc/passwd",
                                      "countries\\..\\..\\x.md", "", "a/../../b.md"])
def test_no_generated_path_can_leave_the_docs_tree(tmp_path, relative):
    from iomfacts.docs_tree import UnsafePath, write_tree

    docs = tmp_path / "docs"
    with pytest.raises(UnsafePath):
        write_tree(docs, {"index.md": b"ok", relative: b"escaped"})
    assert not (tmp_path / "outside.md").exists() and not (docs / "index.md").exists(), \
        "nothing is written when any path is unsafe"
