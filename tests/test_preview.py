"""The live preview (`build_site.py serve`): one rebuild per save, the first reload shows the
new page, problems in a banner on the open page, and no process or port left behind.

The server runs as a real process against the fixture site; pages are opened in headless
Chromium through Playwright. No timing is asserted.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
FACT_FILE = "facts/2018/p1-standards.yml"
PAGE = "years/2018/p1-standards/"
OLD = "offices advised governments"
REBUILD = re.compile(r"^(Rebuilt|Copied|No page changed|Preview not updated)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class Serve:
    """`build_site.py --root ROOT serve --address 127.0.0.1:PORT`, its output lines collected."""

    def __init__(self, root: Path):
        self.port = free_port()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("GITHUB_ACTIONS", None)
        self.process = subprocess.Popen(
            [sys.executable, str(REPO / "build_site.py"), "--root", str(root), "serve",
             "--address", f"127.0.0.1:{self.port}"],
            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True)
        self.out: queue.Queue[str] = queue.Queue()
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        threading.Thread(target=self._read, args=(self.process.stdout, self.stdout, True), daemon=True).start()
        threading.Thread(target=self._read, args=(self.process.stderr, self.stderr, False), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.port}/"

    def _read(self, stream, into: list[str], queued: bool) -> None:
        for line in stream:
            into.append(line.rstrip("\n"))
            if queued:
                self.out.put(line.rstrip("\n"))

    def next_line(self, pattern: re.Pattern | str, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.out.get(timeout=0.2)
            except queue.Empty:
                assert self.process.poll() is None, f"serve exited: {self.stdout + self.stderr}"
                continue
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching {pattern}: {self.stdout} {self.stderr}")

    def lines_for(self, seconds: float) -> list[str]:
        got, deadline = [], time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                got.append(self.out.get(timeout=0.1))
            except queue.Empty:
                pass
        return got

    def started(self) -> Serve:
        self.next_line(r"^Preview at http://127\.0\.0\.1:", timeout=180)
        return self


@pytest.fixture
def serve(site_copy):
    servers = []

    def start() -> Serve:
        server = Serve(site_copy.root).started()
        servers.append(server)
        return server

    yield start
    for server in servers:
        if server.process.poll() is None:
            server.process.kill()
        server.process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


RECORD_LOADS = """
window.addEventListener("load", () => {
  const loads = JSON.parse(sessionStorage.getItem("loads") || "[]");
  loads.push(document.body.innerText);
  sessionStorage.setItem("loads", JSON.stringify(loads));
});
"""


def open_page(browser, url: str):
    """The page, a function giving the text of each load since it was opened, and its errors."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(RECORD_LOADS)
    page.goto(url)
    page.wait_for_function("() => document.readyState === 'complete'")
    page.wait_for_timeout(300)  # the event stream is open
    page.evaluate("sessionStorage.removeItem('loads')")

    def loads() -> list[str]:
        page.wait_for_function("() => document.readyState === 'complete'")
        return page.evaluate("JSON.parse(sessionStorage.getItem('loads') || '[]')")

    return page, loads, errors


def edit(root: Path, old: str, new: str, file: str = FACT_FILE) -> None:
    path = root / "content" / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_statement_edit_is_one_rebuild_and_the_first_reload_shows_it(site_copy, serve, browser):
    server = serve()
    page, loads, errors = open_page(browser, server.url + PAGE)
    assert OLD in page.inner_text("body")
    assert not any("__preview__" in path.read_text(encoding="utf-8")
                   for path in (site_copy.root / "build" / "preview").rglob("*.html")), \
        "the reload script is added by the server, never written into the built files"

    edit(site_copy.root, OLD, "offices counselled governments")
    # (While the page reloads there is a moment without a body: wait through it.)
    page.wait_for_function("t => !!document.body && document.body.innerText.includes(t)",
                           arg="offices counselled governments", timeout=60_000)
    line = server.next_line(REBUILD)
    assert line.startswith("Rebuilt "), line
    assert PAGE in line
    assert server.lines_for(1.5) == [], "one console line per rebuild"
    assert len(loads()) == 1 and "offices counselled governments" in loads()[0], \
        "the first reload already shows the new text"
    assert not errors
    built = (site_copy.root / "build" / "preview" / PAGE / "index.html").read_text(encoding="utf-8")
    assert "offices counselled governments" in built and "__preview__" not in built
    assert not (site_copy.root / "site").exists(), "the preview never writes site/"


def test_a_broken_save_shows_a_banner_and_keeps_the_page_until_it_is_fixed(site_copy, serve, browser):
    server = serve()
    page, loads, errors = open_page(browser, server.url + PAGE)
    # An unknown kind, with markup in it: the banner must show it as text.
    edit(site_copy.root, "    kind: result\n", "    kind: <b>resulted</b>\n")
    banner = page.wait_for_selector("#preview-problems", timeout=60_000)
    text = banner.inner_text()
    assert re.search(r"content/facts/2018/p1-standards\.yml:5:\d+: ", text), text
    assert banner.query_selector("b") is None, "problems are text, never HTML"
    assert OLD in page.inner_text("body"), "the page keeps its last good content"
    assert server.next_line(REBUILD).startswith("Preview not updated")
    assert any(re.search(r"p1-standards\.yml:5:\d+: ", line) for line in server.stderr), "the terminal shows them too"
    assert loads() == []

    edit(site_copy.root, "    kind: <b>resulted</b>\n", "    kind: result\n")
    page.wait_for_function("() => !document.getElementById('preview-problems') && performance.now() > 0",
                           timeout=60_000)
    server.next_line(REBUILD)
    page.wait_for_function("() => document.readyState === 'complete'")
    assert page.query_selector("#preview-problems") is None
    assert loads(), "the fixing save reloads the page"
    assert OLD in page.inner_text("body")
    assert not errors


def test_a_template_that_does_not_compile_is_a_problem_not_a_crash(site_copy, serve, browser):
    server = serve()
    page, loads, errors = open_page(browser, server.url + PAGE)
    template = site_copy.templates / "year_pillar.md.j2"
    original = template.read_text(encoding="utf-8")
    template.write_text(original + "\n{% if %}\n", encoding="utf-8")
    banner = page.wait_for_selector("#preview-problems", timeout=60_000)
    assert "templates/year_pillar.md.j2:" in banner.inner_text()
    template.write_text(original + "\nA line from the template.\n", encoding="utf-8")
    page.wait_for_function("t => !!document.body && document.body.innerText.includes(t)"
                           " && !document.getElementById('preview-problems')",
                           arg="A line from the template.", timeout=60_000)
    assert server.process.poll() is None


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_stop_the_server_and_release_the_port(site_copy, serve, signum):
    server = serve()
    server.process.send_signal(signum)
    assert server.process.wait(timeout=20) == 0
    assert port_is_free(server.port)
    with pytest.raises(ProcessLookupError):
        os.killpg(server.process.pid, 0)  # nothing left in its process group
    deadline = time.monotonic() + 5
    while not server.stderr or server.stderr[-1] != "Preview stopped.":
        assert time.monotonic() < deadline, server.stderr
        time.sleep(0.05)


def test_after_sigkill_the_port_is_free(site_copy, serve):
    server = serve()
    server.process.kill()
    server.process.wait(timeout=10)
    assert port_is_free(server.port), "no child process holds the port"
    with pytest.raises(ProcessLookupError):
        os.killpg(server.process.pid, 0)


def test_the_incremental_preview_equals_a_full_build(site_copy, capsys):
    """Statement edit, template edit and CSS edit through the preview's own path, in-process,
    give the same files as building the preview folder from scratch."""
    from iomfacts.preview_site import PreviewSite
    from iomfacts.serve import Preview

    layout = site_copy
    preview = Preview(layout, None, layout.root / "build" / "preview")
    problems, _ = preview.start()
    assert not problems
    path = layout.content / FACT_FILE
    edit(layout.root, OLD, "offices counselled governments")
    line = preview.saved({path})
    assert line.startswith("Rebuilt ") and PAGE in line, line
    template = layout.templates / "year_pillar.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + "\nA line from the template.\n", encoding="utf-8")
    line = preview.saved({template})
    assert re.match(r"Rebuilt 3 page\(s\)", line), line  # the fixture's three year-and-pillar pages
    css = layout.templates / "assets" / "site.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nbody { color: black; }\n", encoding="utf-8")
    line = preview.saved({css})
    assert "assets/site.css" in line, line

    reference = PreviewSite(layout, layout.root / "build" / "reference").build_all()
    ours, theirs = layout.root / "build" / "preview", layout.root / "build" / "reference"
    files = {path.relative_to(ours) for path in ours.rglob("*") if path.is_file()}
    assert files == {path.relative_to(theirs) for path in theirs.rglob("*") if path.is_file()}
    different = [str(name) for name in sorted(files) if (ours / name).read_bytes() != (theirs / name).read_bytes()]
    assert different == []
    assert "A line from the template." in (ours / PAGE / "index.html").read_text(encoding="utf-8")
