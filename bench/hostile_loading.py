"""Hostile input: how long checking a flood of broken facts takes (BENCHMARKS.md, "Hostile input").

    .venv/bin/python bench/hostile_loading.py

1. `build_site.py check` on the test fixture site plus one facts file of N `- {}` entries
   (7 problems each; 100,000 entries is a 700 KB file, under the 2 MB limit), wall time.
2. The library call (`read_yaml` + `parse_model` + printing every problem as text) on N `- {}`
   entries, with the per-file cap of listed problems, and without it (every problem listed).
3. `build_site.py check` on a 2 MB file of `facts: [{},{},...]` (699,000 entries).
Times are wall seconds, best of 3; nothing is asserted.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from iomfacts import load, model  # noqa: E402
from iomfacts.problems import Problems  # noqa: E402
from iomfacts.strict_yaml import MAX_FILE_BYTES, read_yaml  # noqa: E402


def best(function, runs: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return min(times), result


def cli_check(text: str) -> tuple[float, str]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "repo"
        shutil.copytree(REPO / "tests/fixtures/site", root)
        (root / "content/facts/2018/oe.yml").write_text(text, encoding="utf-8")
        command = [sys.executable, str(REPO / "build_site.py"), "--root", str(root), "check"]
        seconds, result = best(lambda: subprocess.run(command, capture_output=True, text=True))
        return seconds, result.stderr.splitlines()[-1]


def library(entries: int) -> tuple[float, int]:
    raw = ("year: 2018\npillar: oe\nfacts:\n" + "  - {}\n" * entries).encode()

    def run() -> int:
        problems = Problems()
        load.parse_model(read_yaml(raw, "oe.yml", problems), model.FactFile, "oe.yml", problems)
        return len([str(problem) for problem in problems])
    return best(run)


def main() -> None:
    for entries in (5_000, 100_000):
        text = "year: 2018\npillar: oe\nfacts:\n" + "  - {}\n" * entries
        seconds, last = cli_check(text)
        print(f"check, {entries:,} entries ({len(text):,} bytes): {seconds:.2f} s; {last}")
    for entries in (5_000, 20_000, 100_000):
        seconds, count = library(entries)
        print(f"library, {entries:,} entries, capped: {seconds:.2f} s, {count:,} problems")
    load.MAX_PROBLEMS_PER_FILE = 10**9
    for entries in (5_000, 20_000, 100_000):
        seconds, count = library(entries)
        print(f"library, {entries:,} entries, every problem: {seconds:.2f} s, {count:,} problems")
    head = "year: 2018\npillar: oe\nfacts: ["
    text = head + "{}," * ((MAX_FILE_BYTES - len(head)) // 3 - 2) + "{}]\n"
    seconds, last = cli_check(text)
    print(f"check, flow style ({len(text):,} bytes): {seconds:.2f} s; {last}")


if __name__ == "__main__":
    main()
