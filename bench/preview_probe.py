"""Save to screen: how long the live preview takes to show an edit on the open page.

    python bench/preview_probe.py ROOT [--code DIR] [--edits 3]   # ROOT: a checkout (content, templates, mkdocs.yml)

Used by bench/run.py (`--preview` for the synthetic sizes, `--preview-real` for a copy of the
repository's own content). Starts `build_site.py --root ROOT serve` as a real process on a free
port, opens a fact's year-and-pillar page in headless Chromium (Playwright) and then, one after
another, waiting each time for the server's console line (the rebuild finished, data files
included) before the next:

- `edits` one-fact statement edits, each in a different fact file: a word is added at the
  start of the statement, and the clock runs from the file's write to the open page showing
  that word (after the server's pushed reload);
- a template edit: a line added at the end of templates/year_pillar.md.j2, which makes every
  year-and-pillar page (the open one included) change; clocked to the open page showing it,
  and to the console line (all pages made from that template rebuilt);
- a CSS edit: a custom property added to templates/assets/site.css, clocked to the open page's
  computed style having it.

Prints one JSON object. Wall-clock seconds; no timing is asserted.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`build_site.py serve` as a real process; its console lines in a queue."""

    def __init__(self, root: Path, code: Path, port: int):
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("GITHUB_ACTIONS", None)
        self.process = subprocess.Popen(
            [sys.executable, str(code / "build_site.py"), "--root", str(root), "serve",
             "--address", f"127.0.0.1:{port}"],
            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.all: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            line = line.rstrip("\n")
            self.all.append(line)
            self.lines.put(line)

    def wait_for(self, pattern: str, timeout: float) -> tuple[str, float]:
        """The next console line matching `pattern`, and when it came (time.perf_counter)."""
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no line matching {pattern!r} within {timeout:.0f} s; "
                                   f"last lines: {self.all[-8:]}")
            try:
                line = self.lines.get(timeout=min(left, 1.0))
            except queue.Empty:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the server exited ({self.process.returncode}): {self.all[-12:]}")
                continue
            if re.search(pattern, line):
                return line, time.perf_counter()

    def drain(self) -> list[str]:
        got = []
        while True:
            try:
                got.append(self.lines.get_nowait())
            except queue.Empty:
                return got

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return self.process.returncode


def fact_files(root: Path, count: int) -> list[Path]:
    """`count` fact files spread over the content (first, middle, last by name), each with a fact."""
    files = sorted((root / "content" / "facts").glob("*/*.yml"))
    files = [path for path in files if "\n  - id:" in path.read_text(encoding="utf-8")]
    if len(files) <= count:
        return files
    step = (len(files) - 1) / (count - 1) if count > 1 else 0
    return [files[round(i * step)] for i in range(count)]


def statement_edit(path: Path, marker: str) -> str:
    """The file's text with `marker` added at the start of its first fact's statement."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for number, line in enumerate(lines):
        match = re.match(r"^(\s+)statement:\s*(.*)$", line)
        if not match:
            continue
        value = match.group(2)
        if value.startswith((">", "|")):  # a block scalar: the next line holds the text
            following = lines[number + 1]
            indent = len(following) - len(following.lstrip())
            lines[number + 1] = following[:indent] + marker + " " + following[indent:]
        elif value.startswith(('"', "'")):
            lines[number] = line.replace(value, value[0] + marker + " " + value[1:], 1)
        else:
            lines[number] = line.replace(value, marker + " " + value, 1)
        return "\n".join(lines)
    raise ValueError(f"no statement in {path}")


def page_of(root: Path, path: Path) -> str:
    relative = path.relative_to(root / "content" / "facts")
    return f"years/{relative.parent.name}/{relative.stem}/"


def _wait_text(page, marker: str, timeout_ms: float) -> None:
    page.wait_for_function("m => document.body && document.body.innerText.includes(m)", arg=marker,
                           polling=10, timeout=timeout_ms)


def probe(root: Path, code: Path = REPO, edits: int = 3, start_timeout: float = 1800,
          rebuild_timeout: float = 600) -> dict:
    from playwright.sync_api import sync_playwright

    port = free_port()
    result: dict = {"root": str(root)}
    started = time.perf_counter()
    server = Server(root, code, port)
    try:
        server.wait_for(r"^Preview at ", start_timeout)
        result["preview_start_s"] = round(time.perf_counter() - started, 2)
        files = fact_files(root, edits)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            base = f"http://127.0.0.1:{port}/"
            timings, lines = [], []
            for number, path in enumerate(files, 1):
                page.goto(base + page_of(root, path))
                page.wait_for_function("() => window.performance && document.readyState === 'complete'")
                time.sleep(0.5)  # the event stream is open
                server.drain()
                marker = f"Probe{number}x{os.getpid()}"
                text = statement_edit(path, marker)
                saved = time.perf_counter()
                path.write_text(text, encoding="utf-8")
                _wait_text(page, marker, rebuild_timeout * 1000)
                timings.append(round(time.perf_counter() - saved, 3))
                line, at = server.wait_for(r"^(Rebuilt|Copied|No page|Preview not)", rebuild_timeout)
                lines.append(line)
            result.update(preview_edit_s=timings, preview_edit_median_s=statistics.median(timings),
                          preview_edit_pages=[page_of(root, path) for path in files], preview_edit_lines=lines)

            # A template edit: the open page (a year-and-pillar page) and every page of its template.
            template = root / "templates" / "year_pillar.md.j2"
            original = template.read_text(encoding="utf-8")
            marker = f"TemplateProbe{os.getpid()}"
            server.drain()
            saved = time.perf_counter()
            template.write_text(original.rstrip("\n") + f"\n\n{marker}\n", encoding="utf-8")
            _wait_text(page, marker, rebuild_timeout * 1000)
            result["preview_template_s"] = round(time.perf_counter() - saved, 3)
            line, at = server.wait_for(r"^(Rebuilt|Copied|No page|Preview not)", rebuild_timeout)
            result["preview_template_all_s"] = round(at - saved, 3)
            result["preview_template_line"] = line
            found = re.match(r"Rebuilt (\d+) page", line)
            result["preview_template_pages"] = int(found.group(1)) if found else None

            # A CSS edit: a custom property on the body.
            css = root / "templates" / "assets" / "site.css"
            value = f"probe{os.getpid()}"
            server.drain()
            saved = time.perf_counter()
            css.write_text(css.read_text(encoding="utf-8") + f"\nbody {{ --preview-probe: {value}; }}\n",
                           encoding="utf-8")
            page.wait_for_function(
                "v => document.body && getComputedStyle(document.body).getPropertyValue('--preview-probe').trim() === v",
                arg=value, polling=10, timeout=rebuild_timeout * 1000)
            result["preview_css_s"] = round(time.perf_counter() - saved, 3)
            line, _ = server.wait_for(r"^(Rebuilt|Copied|No page|Preview not)", rebuild_timeout)
            result["preview_css_line"] = line
            result["preview_page_errors"] = errors[:5]
            browser.close()
    finally:
        result["preview_stop_rc"] = server.stop()
        result["preview_console_lines"] = len(server.all)
    return result


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--code", type=Path, default=REPO)
    parser.add_argument("--edits", type=int, default=3)
    args = parser.parse_args(argv)
    print(json.dumps(probe(args.root.resolve(), args.code.resolve(), args.edits)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
