"""Broken and hostile content (tests/bad_input/): refused at its line and column, or built safely.

Each file in tests/bad_input/ is one case: a small content file with a header saying where it
goes and what must happen (the format is in tests/bad_input/README.md). The fixture site is
built once (shared by the whole test run); for every case a copy of it gets the file in place,
and the command line's `build` runs again:

- a broken file makes the build fail with `path:line:col: message (fix)` for each expectation,
  every problem line has a fix, nothing crashes, and site/ is byte-for-byte what it was. These
  call the command line's `main()` in this process (the same arguments, output and exit status
  as `build_site.py build`; a process per case would spend a second each starting Python, and
  test_site.py runs a failing `build_site.py build` as a process);
- a hostile but valid file (`# expect: safe`) builds (`build_site.py build`, as a process), and
  the pages show its text as typed:
  no new script, image or frame, no `javascript:` link, template syntax printed literally.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import io
import re
import subprocess
import time
import traceback
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import run_cli
from hostile import live_markup as find_live_markup
from iomfacts.pipeline import Layout, check
from iomfacts.problems import Problems
from iomfacts.strict_yaml import read_yaml

CORPUS = Path(__file__).resolve().parent / "bad_input"
HEADER_LINE = re.compile(r"# (case|target|expect|shows|sources|pad-to-bytes|strip-header): (.*)")
EXPECTATION = re.compile(r"(?:(?P<path>[^\s:]+):)?(?P<line>\d+):(?P<column>\d+) (?P<fragment>.+)")
PROBLEM_LINE = re.compile(r"[^\s:][^:]*:\d+:\d+: .+ \(.+\)")
BOM = b"\xef\xbb\xbf"


@dataclass
class Case:
    name: str
    file: Path
    description: str = ""
    target: str = ""
    expects: list[tuple[str, int, int, str]] = field(default_factory=list)
    safe: bool = False
    shows: list[str] = field(default_factory=list)
    sources: bool = False
    pad_to_bytes: int = 0
    strip_header: bool = False
    header_bytes: int = 0

    def content(self) -> bytes:
        """The bytes to put at `target`: the file as committed, except where the header says."""
        raw = self.file.read_bytes()
        if self.strip_header:
            raw = raw[self.header_bytes:]
        if self.pad_to_bytes:
            filler = b"# " + b"x" * 97 + b"\n"
            raw += filler * (self.pad_to_bytes // len(filler) + 1)
        return raw


def load_case(file: Path) -> Case:
    case = Case(file.stem, file)
    raw = file.read_bytes()
    offset = len(BOM) if raw.startswith(BOM) else 0
    for line in raw[offset:].splitlines(keepends=True):
        match = HEADER_LINE.fullmatch(line.decode("utf-8", errors="replace").rstrip("\r\n"))
        if not match:
            break
        offset += len(line)
        key, value = match.groups()
        if key == "case":
            case.description = value
        elif key == "target":
            case.target = value
        elif key == "expect" and value == "safe":
            case.safe = True
        elif key == "expect":
            expected = EXPECTATION.fullmatch(value)
            assert expected, f"{file.name}: cannot read `# expect: {value}`"
            case.expects.append((expected["path"] or "", int(expected["line"]), int(expected["column"]),
                                 expected["fragment"]))
        elif key == "shows":
            case.shows.append(value)
        elif key == "sources":
            case.sources = value == "yes"
        elif key == "pad-to-bytes":
            case.pad_to_bytes = int(value)
        elif key == "strip-header":
            case.strip_header = value == "yes"
    case.header_bytes = offset
    case.expects = [(path or case.target, line, column, fragment) for path, line, column, fragment in case.expects]
    return case


CASES = [load_case(file) for file in sorted(CORPUS.glob("*.yml"))]
FAILING = [case for case in CASES if not case.safe]
SAFE = [case for case in CASES if case.safe]


def site_hash(site: Path) -> str:
    digest = hashlib.sha256()
    for file in sorted(site.rglob("*")):
        if file.is_file():
            digest.update(file.relative_to(site).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def pages(site: Path) -> dict[str, str]:
    return {file.relative_to(site).as_posix(): file.read_text(encoding="utf-8") for file in sorted(site.rglob("*.html"))}


@functools.lru_cache(maxsize=None)
def live_markup(page: str) -> tuple[str, ...]:
    """hostile.live_markup of a whole page, parsed once per distinct page in this process: the
    baseline's pages, and a case's pages its file did not change, are the same text every time."""
    return tuple(find_live_markup(page))


def visible_text(page: str) -> str:
    """What a reader sees: tags removed, entities decoded, white space collapsed."""
    text = re.sub(r"<script\b.*?</script>|<style\b.*?</style>", " ", page, flags=re.DOTALL | re.IGNORECASE)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


@pytest.fixture(autouse=True)
def plain_problem_lines(monkeypatch):
    """On GitHub Actions the CLI prints annotations instead of `path:line:col:`; test the plain form."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture
def built_site(built_fixture_site: Path) -> Path:
    """The fixture site right after a successful `build` (shared: read it, never change it);
    each case starts from a copy of it (`built_copy`, tests/conftest.py)."""
    return built_fixture_site


def put_in_place(layout: Layout, case: Case) -> Path:
    target = layout.root / case.target
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(case.content())
    return target


def build_arguments(layout: Layout, case: Case) -> list[str]:
    return ["build"] + (["--sources", str(layout.root / "sources")] if case.sources else [])


def build(layout: Layout, case: Case):
    return run_cli(layout.root, *build_arguments(layout, case))


def build_in_process(layout: Layout, case: Case) -> subprocess.CompletedProcess:
    """`build_site.py build` through the command line's `main()`, in this process: its exit
    status and what it printed; an exception that escapes is printed as the process would."""
    from iomfacts.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    arguments = ["--root", str(layout.root), *build_arguments(layout, case)]
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = main(arguments)
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
        except Exception:  # reported as the interpreter would, then asserted on
            traceback.print_exc()
            code = 1
    return subprocess.CompletedProcess(arguments, code, stdout.getvalue(), stderr.getvalue())


def test_the_corpus_is_well_formed():
    assert len(CASES) >= 45
    for case in CASES:
        assert case.description and case.target.startswith("content/"), case.name
        assert case.safe != bool(case.expects), f"{case.name}: either `# expect: safe` or expectations"
        assert not case.safe or case.shows, f"{case.name}: a safe case says what the pages must show"


@pytest.mark.parametrize("case", FAILING, ids=[case.name for case in FAILING])
def test_broken_file_is_refused_at_its_place_with_a_fix(built_copy: Layout, case: Case):
    before = site_hash(built_copy.site)
    put_in_place(built_copy, case)
    result = build_in_process(built_copy, case)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode != 0, output
    lines = result.stderr.splitlines()
    assert re.fullmatch(r"\d+ problems? found; nothing was built\.", lines[-1]), output
    for line in lines[:-1]:
        assert PROBLEM_LINE.fullmatch(line), f"not `path:line:col: message (fix)`: {line!r}"
    for path, line, column, fragment in case.expects:
        where = f"{path}:{line}:{column}: "
        assert any(problem.startswith(where) and fragment in problem for problem in lines), \
            f"expected {where}...{fragment}... in:\n{result.stderr}"
    assert site_hash(built_copy.site) == before, "a failed build changed site/"


@pytest.mark.parametrize("case", SAFE, ids=[case.name for case in SAFE])
def test_hostile_text_builds_and_is_shown_literally(built_copy: Layout, built_site: Path, case: Case):
    baseline = pages(built_site / "site")
    put_in_place(built_copy, case)
    result = build(built_copy, case)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == 0, output
    built = pages(built_copy.site)
    assert set(built) == set(baseline)
    for name, page in built.items():  # parsed as a browser would: text inside attributes is text
        active = sorted(live_markup(page))
        expected = sorted(live_markup(baseline[name]))
        assert active == expected, f"{name}: markup from content: {set(active) - set(expected)}"
    text = "\n".join(visible_text(page) for page in built.values())
    for shown in case.shows:
        assert " ".join(shown.split()) in text, f"{shown!r} is not shown as typed"
        if "{{" in shown:
            assert "{{" in "".join(built.values()), "template syntax was not printed literally"


def test_template_syntax_that_gets_past_the_placeholder_rule_is_still_printed_literally(
        built_copy: Layout, built_site: Path, monkeypatch):
    """Defence in depth: `check` refuses template syntax in text (text_rules.py), but the pages
    must not depend on it. With the text rules switched off, the same file builds, and every
    page shows the Jinja as typed, with no new live markup."""
    from iomfacts import text_rules

    monkeypatch.setattr(text_rules, "check_placeholders", lambda located, problems: None)
    monkeypatch.setattr(text_rules, "check_statement_numbers", lambda located, problems: None)
    [case] = [case for case in CASES if case.name == "jinja-syntax-in-text"]
    baseline = pages(built_site / "site")
    put_in_place(built_copy, case)
    result = build_in_process(built_copy, case)
    assert result.returncode == 0, result.stdout + result.stderr
    built = pages(built_copy.site)
    for name, page in built.items():
        assert sorted(live_markup(page)) == sorted(live_markup(baseline[name])), name
    text = "\n".join(visible_text(page) for page in built.values())
    for shown in case.shows:
        assert " ".join(shown.split()) in text, f"{shown!r} is not shown as typed (was it evaluated?)"


def test_billion_laughs_is_refused_at_once_with_little_memory():
    [case] = [case for case in CASES if case.name == "billion-laughs"]
    raw = case.content()
    problems = Problems()
    tracemalloc.start()
    started = time.perf_counter()
    document = read_yaml(raw, case.target, problems)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert document is None and "anchors and aliases" in str(next(iter(problems)))
    assert elapsed < 0.05, f"took {elapsed:.3f} s"
    assert peak < 1_000_000, f"used {peak:,} bytes"


def test_a_crosswalk_range_of_a_billion_paragraphs_is_checked_at_once(site_copy: Layout):
    [case] = [case for case in CASES if case.name == "crosswalk-huge-range"]
    put_in_place(site_copy, case)
    started = time.perf_counter()
    knowledge, problems = check(site_copy)
    elapsed = time.perf_counter() - started
    assert knowledge is None and any("is also in crosswalk entry 'mobility'" in p.message for p in problems)
    assert elapsed < 1, f"took {elapsed:.2f} s"
