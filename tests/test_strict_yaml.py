"""The YAML reader refuses what PyYAML would silently accept, and says where."""

import pytest

from iomfacts.problems import Problems
from iomfacts.strict_yaml import read_yaml


def problems_for(raw: bytes) -> list[str]:
    problems = Problems()
    assert read_yaml(raw, "facts.yml", problems) is None
    return [str(problem) for problem in problems]


@pytest.mark.parametrize("raw, where, words", [
    (b"year: 2018\npillar: oe\nyear: 2019\n", "facts.yml:3:1:", "duplicate key 'year' (first given on line 1)"),
    (b"quote: NO\n", "facts.yml:1:8:", "unquoted 'NO' would be read as a boolean"),
    (b"a:\n  b: on\n", "facts.yml:2:6:", "unquoted 'on' would be read as a boolean"),
    (b"value: 010\n", "facts.yml:1:8:", "leading zero"),
    (b"date: 2017-05-01\n", "facts.yml:1:7:", "unquoted date '2017-05-01'"),
    (b"a: &x 1\nb: *x\n", "facts.yml:1:4:", "anchors and aliases"),
    (b"facts:\n\t- id: x\n", "facts.yml:2:1:", "tab character used for indentation"),
    (b"facts: [1, 2\nyear: 3\n", "facts.yml:2:5:", "YAML syntax error"),
    (b"\xef\xbb\xbfyear: 2018\n", "facts.yml:1:1:", "byte-order mark"),
    (b"statement: caf\xe9\n", "facts.yml:1:15:", "invalid UTF-8 byte 0xe9"),
    (b"\n   \n", "facts.yml:1:1:", "file is empty"),
    (b"a: !!python/object/apply:os.system [ls]\n", "facts.yml:1:4:", "YAML tags"),
    (b"a: " + b"[" * 40 + b"]" * 40 + b"\n", "facts.yml:1:", "nesting deeper than 32 levels"),
    (b"---\na: 1\n---\nb: 2\n", "facts.yml:3:1:", "a second YAML document"),
    (b"a: 1:30\n", "facts.yml:1:4:", "would be read as a number by YAML 1.1"),
])
def test_each_refusal_names_line_column_and_fix(raw, where, words):
    [message] = problems_for(raw)
    assert message.startswith(where)
    assert words in message
    assert message.endswith(")"), "every message ends with how to fix it"


def test_billion_laughs_is_refused_at_the_first_anchor_without_expanding():
    bomb = b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for name, previous in zip("bcdefghi", "abcdefgh"):
        bomb += f"{name}: &{name} [*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous}]\n".encode()
    [message] = problems_for(bomb)
    assert "facts.yml:1:4:" in message and "anchors and aliases" in message


def test_oversized_file_is_refused_before_parsing():
    [message] = problems_for(b"a: x\n" * 600_000)
    assert "over the" in message and "byte limit" in message


def test_plain_values_get_strict_json_like_types_and_marks():
    problems = Problems()
    doc = read_yaml(b"year: 2018\nshare: 2.5\nquoted: 'NO'\nnothing: null\nflag: true\nlist:\n  - a\n  - 7\n",
                    "f.yml", problems)
    assert not problems
    assert doc.data == {"year": 2018, "share": 2.5, "quoted": "NO", "nothing": None, "flag": True,
                        "list": ["a", 7]}
    assert doc.mark(("list", 1)) == (8, 5)
    assert doc.mark(("share",), key=True) == (2, 1)
    assert doc.mark(("list", 9, "missing")) == (7, 3), "an absent path falls back to its nearest parent"
