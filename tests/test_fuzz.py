"""Randomly damaged content files never crash the checks: each is accepted, or its problems are
located at a real line and column with a fix.

Hypothesis takes real content files and applies a few random edits of the kinds editors and
tools make (delete, duplicate or swap lines, re-indent, insert characters, tabs or YAML syntax,
replace a value, truncate, insert raw bytes). The library is called directly, so hundreds of
examples run in seconds; the examples are derandomized, so every run checks the same ones.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURE, REPO
from iomfacts import model
from iomfacts.load import parse_model
from iomfacts.pipeline import Layout, check
from iomfacts.problems import Problems
from iomfacts.strict_yaml import read_yaml

REAL_FILES = [
    ("content/facts/2018/o3-safe-migration.yml", model.FactFile),
    ("content/metrics.yml", model.MetricsFile),
    ("content/sources.yml", model.SourcesFile),
    ("content/datasets/staff/ar-2017-annex-v.yml", model.StaffDataset),
]
ORIGINALS = {name: (REPO / name).read_bytes() for name, _ in REAL_FILES}
FIXTURE_FACTS = "content/facts/2017/o3-safe-migration.yml"

# Text that means something to YAML, or that YAML 1.1 would read as another type.
YAML_TOKENS = ["NO", "yes", "on", "~", "null", "Null", "010", "1:30", "2017-05-01", "0x1F", ".inf", "1_000",
               "&a", "*a", "!!str", "!tag", "{", "}", "[", "]", "'", '"', "- ", "? ", ": ", "|", ">-", "#",
               "%YAML 1.1", "---", "...", ",", "@", "`", "\\", "\t", "\r", "\ufeff", "\u2028", "\x00",
               "1e999", "1.5e999", "9" * 30, "-1", "1.5", '"\\0"', "<<: ", "\u00e9"]
VALUES = st.one_of(
    st.sampled_from(YAML_TOKENS),
    st.text(max_size=12),
    st.integers(min_value=-10**20, max_value=10**20).map(str),
    st.integers(min_value=1, max_value=6000).map(lambda digits: "9" * digits),  # Python converts up to 4,300
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
POSITION = st.integers(min_value=0, max_value=10**6)  # taken modulo the current length
MUTATION = st.one_of(
    st.tuples(st.just("delete line"), POSITION),
    st.tuples(st.just("duplicate line"), POSITION),
    st.tuples(st.just("swap lines"), POSITION, POSITION),
    st.tuples(st.just("indent"), POSITION, st.integers(min_value=-6, max_value=6)),
    st.tuples(st.just("insert text"), POSITION, VALUES),
    st.tuples(st.just("replace value"), POSITION, VALUES),
    st.tuples(st.just("insert tab"), POSITION),
    st.tuples(st.just("truncate"), POSITION),
    st.tuples(st.just("insert bytes"), POSITION, st.binary(min_size=1, max_size=4)),
)


def mutate(raw: bytes, mutations) -> bytes:
    for kind, position, *more in mutations:
        lines = raw.splitlines(keepends=True) or [b""]
        index = position % len(lines)
        if kind == "delete line":
            del lines[index]
        elif kind == "duplicate line":
            lines.insert(index, lines[index])
        elif kind == "swap lines":
            other = more[0] % len(lines)
            lines[index], lines[other] = lines[other], lines[index]
        elif kind == "indent":
            change = more[0]
            line = lines[index]
            lines[index] = b" " * change + line if change > 0 else re.sub(rb"^ {0,%d}" % -change, b"", line)
        elif kind == "replace value":  # the value of the first `key: value` at or after the line
            for line_number in list(range(index, len(lines))) + list(range(index)):
                key, colon, _ = lines[line_number].partition(b": ")
                if colon:
                    lines[line_number] = key + colon + more[0].encode("utf-8", "surrogatepass") + b"\n"
                    break
        elif kind == "insert tab":
            lines[index] = b"\t" + lines[index]
        raw = b"".join(lines)
        at = position % (len(raw) + 1)
        if kind == "insert text":
            raw = raw[:at] + more[0].encode("utf-8", "surrogatepass") + raw[at:]
        elif kind == "insert bytes":
            raw = raw[:at] + more[0] + raw[at:]
        elif kind == "truncate":
            raw = raw[:at]
    return raw


def assert_located(problems: Problems, raw: bytes, path: str) -> None:
    """Every problem has a line, a column and a fix; those in the damaged file point inside it."""
    lines = re.split(rb"\r\n|\r|\n", raw)
    for problem in problems:
        assert problem.line >= 1 and problem.column >= 1, problem
        assert problem.message and problem.fix, problem
        assert "\n" not in str(problem), problem
        if problem.path == path:  # at most just past the end of the file
            assert problem.line <= len(lines) + 1, problem
            assert problem.column <= max(len(line) for line in lines) + 2, problem


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(file=st.sampled_from(REAL_FILES), mutations=st.lists(MUTATION, min_size=1, max_size=4))
def test_damaged_real_files_are_accepted_or_located(file, mutations):
    name, model_class = file
    raw = mutate(ORIGINALS[name], mutations)
    problems = Problems()
    document = read_yaml(raw, "damaged.yml", problems)
    if document is not None:
        assert not problems
        parse_model(document, model_class, "damaged.yml", problems)
    else:
        assert problems, "a file that was not read must say why"
    assert_located(problems, raw, "damaged.yml")


@pytest.fixture(scope="module")
def fixture_layout(tmp_path_factory) -> Layout:
    root = tmp_path_factory.mktemp("fuzz") / "repo"
    shutil.copytree(FIXTURE, root)
    return Layout(root)


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(mutations=st.lists(MUTATION, min_size=1, max_size=3))
def test_damaged_fact_file_in_a_site_is_checked_across_files_without_crashing(fixture_layout, mutations):
    """The whole check (reading, model, cross-file rules, navigation) on the fixture site."""
    raw = mutate((FIXTURE / FIXTURE_FACTS).read_bytes(), mutations)
    (fixture_layout.root / FIXTURE_FACTS).write_bytes(raw)
    knowledge, problems = check(fixture_layout)
    assert (knowledge is None) == bool(problems)
    assert_located(problems, raw, FIXTURE_FACTS)
