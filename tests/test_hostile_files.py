"""Hostile files on disk, hostile names and floods of problems: refused at once, with a fix.

A content file must be a regular file inside the repository. Whatever sits at its place instead
(a named pipe, a socket, a device, a directory, a dangling symlink, a symlink to /etc/passwd or
/dev/zero, a sparse 6 GB file, a file nobody may read) is reported as `path:1:1: what (fix)`,
with exit status 1, no traceback, nothing blocking and nothing read into memory beyond the
2 MB limit. Whatever the content or a file name holds, every problem prints as one visible line
(control, bidi and invisible characters escaped) and, on GitHub Actions, as one `::error`
command that no file name can end early or follow with a forged command. A file with 100,000
broken facts is checked in linear time, and files that fail to load are listed in
`LoadedContent.failed` with the fact ids they probably hold.
"""

from __future__ import annotations

import errno
import os
import re
import socket
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from conftest import REPO, write
from iomfacts import load
from iomfacts.load import ParseCache, load_content
from iomfacts.pipeline import Layout, check
from iomfacts.problems import Problem, Problems, terminal_safe
from iomfacts.strict_yaml import MAX_FILE_BYTES, MAX_VALUES

PROBLEM_LINE = re.compile(r"[^\s:][^:]*:\d+:\d+: .+ \(.+\)")
SUMMARY_LINE = re.compile(r"\d+ problems? found; nothing was built\.")
HANG = 60  # seconds: only a guard against a read that blocks or never ends, never a benchmark
FAST = 5  # seconds: every bad input is reported well within this


def check_cli(root: Path, annotations: bool = False) -> tuple[subprocess.CompletedProcess, float]:
    """`build_site.py check` as an editor (or CI) runs it, killed if it hangs; with its wall time."""
    environment = {key: value for key, value in os.environ.items() if key != "GITHUB_ACTIONS"}
    if annotations:
        environment["GITHUB_ACTIONS"] = "true"
    started = time.perf_counter()
    result = subprocess.run([sys.executable, str(REPO / "build_site.py"), "--root", str(root), "check"],
                            capture_output=True, text=True, cwd=root, env=environment, timeout=HANG)
    return result, time.perf_counter() - started


def assert_refused(result: subprocess.CompletedProcess, path: str, fragment: str) -> str:
    """The check failed cleanly and printed `path:1:1: ...fragment... (fix)`; return that line."""
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == 1, output
    lines = result.stderr.splitlines()
    assert SUMMARY_LINE.fullmatch(lines[-1]), output
    for line in lines[:-1]:
        assert PROBLEM_LINE.fullmatch(line), f"not `path:line:col: message (fix)`: {line!r}"
    found = [line for line in lines if line.startswith(f"{path}:1:1: ") and fragment in line]
    assert found, f"expected {path}:1:1: ...{fragment}... in:\n{result.stderr}"
    return found[0]


def refused_by_the_check(root: Path, path: str, fragment: str) -> str:
    result, elapsed = check_cli(root)
    line = assert_refused(result, path, fragment)
    assert elapsed < HANG
    return line


def library_problems(layout: Layout) -> list[str]:
    """The problems of `check`, called in-process, as printed; it must not take long."""
    started = time.perf_counter()
    _, problems = check(layout)
    assert time.perf_counter() - started < FAST
    return [str(problem) for problem in problems]


# Reading content files: only regular files inside the repository.

def test_a_named_pipe_is_refused_without_blocking(site_copy: Layout):
    fifo = site_copy.content / "facts/2018/oe.yml"
    os.mkfifo(fifo)  # nobody ever writes to it: opening it for reading would wait forever
    refused_by_the_check(site_copy.root, "content/facts/2018/oe.yml", "'oe.yml' is a named pipe (FIFO), not a regular file")


def test_a_socket_is_refused(site_copy: Layout, monkeypatch):
    monkeypatch.chdir(site_copy.content / "facts/2018")  # a short relative name: socket paths are limited
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listening:
        listening.bind("oe.yml")
        refused_by_the_check(site_copy.root, "content/facts/2018/oe.yml", "'oe.yml' is a socket, not a regular file")


def test_a_device_is_refused(site_copy: Layout):
    device = site_copy.content / "facts/2018/oe.yml"
    try:
        os.mknod(device, 0o600 | 0o020000, os.makedev(1, 5))  # a character device: /dev/zero's numbers
    except (PermissionError, AttributeError):
        pytest.skip("creating a device needs root")
    refused_by_the_check(site_copy.root, "content/facts/2018/oe.yml", "'oe.yml' is a device, not a regular file")


def test_a_symlink_to_etc_passwd_is_refused(site_copy: Layout):
    (site_copy.content / "facts/2018/oe.yml").symlink_to("/etc/passwd")
    line = refused_by_the_check(site_copy.root, "content/facts/2018/oe.yml", "leads out of the repository")
    assert "symlinks that lead out of the repository are refused" in line and "root:" not in line


def test_a_symlink_to_dev_zero_is_refused_without_reading(site_copy: Layout):
    (site_copy.content / "facts/2018/oe.yml").symlink_to("/dev/zero")
    refused_by_the_check(site_copy.root, "content/facts/2018/oe.yml", "leads out of the repository")


def test_a_dangling_symlink_is_refused(site_copy: Layout):
    glossary = site_copy.content / "glossary.yml"
    glossary.unlink()
    glossary.symlink_to("glossary-old.yml")
    refused_by_the_check(site_copy.root, "content/glossary.yml",
                         "'glossary.yml' is a symbolic link to 'glossary-old.yml', which does not exist")


def test_a_symlink_inside_the_repository_is_read(site_copy: Layout):
    facts = site_copy.content / "facts/2018/p1-standards.yml"
    kept = site_copy.root / "kept/p1-standards.yml"
    kept.parent.mkdir()
    facts.rename(kept)
    facts.symlink_to(kept)
    assert library_problems(site_copy) == []


def test_files_in_a_linked_folder_that_leads_out_are_refused(site_copy: Layout, tmp_path: Path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (site_copy.content / "facts/2018/p1-standards.yml").rename(outside / "p1-standards.yml")
    (site_copy.content / "facts/2018").rmdir()
    (site_copy.content / "facts/2018").symlink_to(outside)
    refused_by_the_check(site_copy.root, "content/facts/2018", "unexpected linked folder in content/facts")
    (site_copy.content / "facts/2018").unlink()
    (site_copy.content / "datasets").mkdir()
    (site_copy.content / "datasets/staff").symlink_to(outside)
    refused_by_the_check(site_copy.root, "content/datasets/staff/p1-standards.yml", "reached through a symbolic link "
                         "that leads out of the repository")


def test_a_directory_named_like_a_fact_file_is_a_directory_not_a_year_problem(site_copy: Layout):
    folder = site_copy.content / "facts/2018/oe.yml"
    folder.mkdir()
    write(folder / "facts.yml", "year: 2018\npillar: oe\nfacts: []\n")
    result, _ = check_cli(site_copy.root)
    assert_refused(result, "content/facts/2018/oe.yml", "'oe.yml' is a directory, not a file")
    assert "year" not in result.stderr, result.stderr


def test_a_directory_in_place_of_the_glossary_is_refused(site_copy: Layout):
    glossary = site_copy.content / "glossary.yml"
    glossary.unlink()
    glossary.mkdir()
    refused_by_the_check(site_copy.root, "content/glossary.yml", "'glossary.yml' is a directory, not a file")


def test_a_directory_named_like_a_dataset_is_refused(site_copy: Layout):
    (site_copy.content / "datasets/staff/2018.yml").mkdir(parents=True)
    refused_by_the_check(site_copy.root, "content/datasets/staff/2018.yml", "'2018.yml' is a directory, not a file")


def test_a_sparse_6_gb_file_is_refused_by_its_size_before_reading(site_copy: Layout):
    huge = site_copy.content / "facts/2018/oe.yml"
    with open(huge, "wb") as file:
        file.truncate(6 * 1024**3)  # 6 GB of zeros that take no disk space
    refused_by_the_check(site_copy.root, "content/facts/2018/oe.yml",
                         f"file is {6 * 1024**3:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit")
    tracemalloc.start()
    library_problems(site_copy)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 50_000_000, f"used {peak:,} bytes"


def test_at_most_one_byte_over_the_limit_is_ever_read(site_copy: Layout, monkeypatch):
    """A file that grows after its size was checked (or lies about it) is still read in bounds."""
    grown = site_copy.content / "facts/2018/oe.yml"
    grown.write_bytes(b"# " + b"x" * (3 * MAX_FILE_BYTES) + b"\n")
    real_fstat = os.fstat
    monkeypatch.setattr(load.os, "fstat", lambda fd: os.stat_result((*real_fstat(fd)[:6], 10, *real_fstat(fd)[7:])))
    assert len(load.read_content_file(grown, site_copy.root)) == MAX_FILE_BYTES + 1
    monkeypatch.undo()
    assert any(line.startswith("content/facts/2018/oe.yml:1:1: file is") for line in library_problems(site_copy))


def test_an_unreadable_file_says_permission_denied(site_copy: Layout, monkeypatch):
    """Tests run as root, where `chmod 000` stops nobody: the refusal of the open is simulated."""
    def refuse(path):
        raise PermissionError(errno.EACCES, "Permission denied", path)
    monkeypatch.setattr(load, "_open_for_reading", refuse)
    problems = library_problems(site_copy)
    assert "content/glossary.yml:1:1: 'glossary.yml' cannot be read: permission denied " \
           "(check its permissions: the user running the check must be able to read it)" in problems
    cache = ParseCache()
    _, problems = check(site_copy, cache=cache)
    assert any("cannot be read: permission denied" in str(problem) for problem in problems)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can read a file with mode 000")
def test_a_file_with_mode_000_says_permission_denied(site_copy: Layout):
    glossary = site_copy.content / "glossary.yml"
    glossary.chmod(0)
    try:
        refused_by_the_check(site_copy.root, "content/glossary.yml", "cannot be read: permission denied")
    finally:
        glossary.chmod(0o644)


def test_any_other_read_error_is_reported_with_its_reason(site_copy: Layout, monkeypatch):
    def fail(path):
        raise OSError(errno.EIO, "Input/output error", path)
    monkeypatch.setattr(load, "_open_for_reading", fail)
    assert any(line.startswith("content/glossary.yml:1:1: 'glossary.yml' cannot be read: input/output error (")
               for line in library_problems(site_copy))


# What reaches the terminal and the CI log.

def test_a_problem_about_a_key_with_escape_newline_and_bidi_prints_as_one_escaped_line():
    problem = Problem("content/facts/2018/oe.yml", 9, 5, "unknown field 'stat\x1b[2J\nement\u202e'",
                      "did you mean 'statement'?\r\x9b")
    printed = str(problem)
    assert printed == ("content/facts/2018/oe.yml:9:5: unknown field 'stat\\x1b[2J\\nement\\u202e' "
                       "(did you mean 'statement'?\\r\\x9b)")
    assert printed.isprintable() and len(printed.splitlines()) == 1


def test_invisible_and_bidi_characters_are_made_visible():
    hidden = "a\u200bb\u200dc\u2060d\ufeffe\u00adf\u202ag\u2066h\u200ei\u061cj\x7fk\x85l\u2028m"
    assert terminal_safe(hidden) == ("a\\u200bb\\u200dc\\u2060d\\ufeffe\\xadf\\u202ag\\u2066h\\u200ei\\u061cj"
                                     "\\x7fk\\x85l\\u2028m")
    assert terminal_safe("Côte d'Ivoire, 中国, Ελλάδα") == "Côte d'Ivoire, 中国, Ελλάδα"


def test_a_github_annotation_escapes_its_data_and_its_file_property():
    problem = Problem("content/a,b:c%.yml\n::add-mask::z", 3, 1, "100% wrong\n::notice::x\x1b", "fix it")
    annotation = problem.github_annotation()
    assert annotation == ("::error file=content/a%2Cb%3Ac%25.yml\\n%3A%3Aadd-mask%3A%3Az,line=3,col=1"
                          "::100%25 wrong\\n::notice::x\\x1b (fix it)")
    assert len(annotation.splitlines()) == 1


def test_a_file_name_cannot_forge_a_workflow_command_or_a_problem_line(site_copy: Layout):
    facts = site_copy.content / "facts/2018"
    write(facts / "notes\n::notice title=x::y", "not a fact file\n")
    write(facts / "oe\n::add-mask::z\n.yml", "year: [\n")
    write(facts / "\x1b[2Kfake.yml\rcontent/facts/2018/oe.yml:1:1: all good (nothing).yml", "year: [\n")
    for annotations in (True, False):
        result, _ = check_cli(site_copy.root, annotations=annotations)
        output = result.stdout + result.stderr
        assert "Traceback" not in output and result.returncode == 1, output
        assert "\x1b" not in output and "\r" not in output
        lines = output.splitlines()
        problems = lines[:-1]
        assert len(problems) == 3 and SUMMARY_LINE.fullmatch(lines[-1]), output
        for line in problems:
            if annotations:
                assert line.startswith("::error file=content/facts/2018/"), line
            else:
                assert re.fullmatch(r"content/facts/2018/.+:\d+:\d+: .+ \(.+\)", line), line
        commands = [line for line in lines if line.startswith("::")]
        assert all(line.startswith("::error file=") for line in commands), commands
        assert not any(line.startswith(("::notice", "::add-mask", "content/facts/2018/oe.yml:1:1")) for line in lines)


# Text-level tricks, through the whole check.

@pytest.mark.parametrize("key, column, named", [
    ("stat\u0435ment", 9, "U+0435 CYRILLIC SMALL LETTER IE"),
    ("state\u200bment", 10, "U+200B ZERO WIDTH SPACE"),
    ("\u202estatement", 5, "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("statement\u00ad", 14, "U+00AD SOFT HYPHEN"),
])
def test_a_key_with_a_look_alike_or_invisible_character_is_named(site_copy: Layout, key, column, named):
    facts = site_copy.content / "facts/2018/p1-standards.yml"
    text = facts.read_text(encoding="utf-8")
    line = text.splitlines().index(next(row for row in text.splitlines() if row.startswith("    statement:"))) + 1
    facts.write_text(text.replace("    statement:", f"    {key}:", 1), encoding="utf-8")
    [problem] = library_problems(site_copy)
    shown = key.encode("ascii", "backslashreplace").decode()
    assert problem == (f"content/facts/2018/p1-standards.yml:{line}:{column}: key '{shown}' contains {named}; "
                       "keys are plain ASCII names (retype the key by hand: the character may be invisible "
                       "or only look like a Latin letter)")


def test_a_byte_order_mark_in_the_middle_is_reported_where_it_is(site_copy: Layout):
    facts = site_copy.content / "facts/2018/p1-standards.yml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("pillar:", "\ufeffpillar:"), encoding="utf-8")
    [problem] = library_problems(site_copy)
    assert problem.startswith("content/facts/2018/p1-standards.yml:2:1: byte-order mark (U+FEFF) in the middle "
                              "of the file (delete it")


# Floods: linear time, bounded output.

def test_100000_empty_facts_are_checked_in_linear_time(site_copy: Layout):
    write(site_copy.content / "facts/2018/oe.yml", "year: 2018\npillar: oe\nfacts:\n" + "  - {}\n" * 100_000)
    result, elapsed = check_cli(site_copy.root)
    assert "Traceback" not in result.stderr and result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[-1] == "5001 problems found; nothing was built."
    assert all(PROBLEM_LINE.fullmatch(line) for line in lines[:-1])
    assert "content/facts/2018/oe.yml:4:5: missing required field 'countries' (add `countries:`)" in lines
    assert any(": too many problems: the first 5,000 are listed, of up to 700,000 (" in line for line in lines)
    assert elapsed < HANG


def test_every_problem_of_a_large_flood_is_listed_in_linear_time(monkeypatch):
    """Without the cap, 14,000 and 112,000 problems: the second takes about 8 times as long, not
    64 (the old de-duplication compared each problem with all earlier ones: 5,000 facts, 120 s)."""
    from iomfacts import model
    from iomfacts.strict_yaml import read_yaml

    monkeypatch.setattr(load, "MAX_PROBLEMS_PER_FILE", 10**9)
    took = {}
    for count in (2_000, 16_000):
        problems = Problems()
        doc = read_yaml(("year: 2018\npillar: oe\nfacts:\n" + "  - {}\n" * count).encode(), "oe.yml", problems)
        started = time.perf_counter()
        assert load.parse_model(doc, model.FactFile, "oe.yml", problems) is None
        printed = [str(problem) for problem in problems]
        took[count] = time.perf_counter() - started
        assert len(printed) == 7 * count
    assert took[16_000] < 32 * took[2_000] + 1, took  # quadratic would be 64 times


def test_a_2_mb_file_of_empty_facts_stops_at_the_value_limit(site_copy: Layout):
    head = "year: 2018\npillar: oe\nfacts: ["
    write(site_copy.content / "facts/2018/oe.yml", head + "{}," * ((MAX_FILE_BYTES - len(head)) // 3 - 2) + "{}]\n")
    result, elapsed = check_cli(site_copy.root)
    assert "Traceback" not in result.stderr and result.returncode == 1
    assert re.search(rf"^content/facts/2018/oe\.yml:3:\d+: more than {MAX_VALUES:,} values in one file \(",
                     result.stderr, re.MULTILINE), result.stderr
    assert elapsed < HANG


# Files that failed to load, for the checks that relate files to each other.

def test_files_that_failed_to_load_are_listed_with_the_fact_ids_they_hold(site_copy: Layout):
    facts = site_copy.content / "facts/2018/p1-standards.yml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("    kind:", "    kinds:", 1), encoding="utf-8")
    write(site_copy.content / "facts/2017/oe.yml", "year: [\n")
    os.mkfifo(site_copy.content / "facts/2020/oe.yml")
    (site_copy.content / "glossary.yml").unlink()
    cache = ParseCache()
    for _ in range(2):  # the second time, every file comes from the cache
        for with_cache in (None, cache):
            loaded = load_content(site_copy.content, site_copy.root, Problems(), with_cache)
            assert loaded.failed == {
                "content/facts/2018/p1-standards.yml": {"ar-2018-3-legislation-advice"},
                "content/facts/2017/oe.yml": set(),
                "content/facts/2020/oe.yml": set(),
                "content/glossary.yml": set(),
            }
    assert [located.path for located in loaded.fact_files] == ["content/facts/2017/o3-safe-migration.yml",
                                                               "content/facts/2020/ar2020-mobility.yml"]
