"""A strict YAML reader that keeps the line and column of every value.

PyYAML's loaders are too forgiving for content written by many editors: they accept
duplicate keys (the last one silently wins), expand anchors and aliases (a "billion laughs"
file exhausts memory), and apply YAML 1.1's implicit types (`NO` becomes False, `010`
becomes 8, `2017-05-01` becomes a date). This module builds plain Python values from the
parser's *event stream* (PyYAML's C parser when available), so it can refuse all of that
before any value is built, and remember where each value came from.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import yaml

from .problems import Problems

try:  # PyYAML's C parser (libyaml) is much faster; fall back to pure Python without it.
    from yaml._yaml import CParser as _Parser  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32
# Values (scalars, lists and mappings) in one file. The largest content file has about 3,500;
# a 2 MB file of `{}` has 700,000, and type-checking that many empty facts would take seconds
# and gigabytes (millions of "missing field" errors) before a single problem is printed.
MAX_VALUES = 200_000
# Beyond 2**53 a number is no longer exact in JSON readers (facts.json), and far beyond it
# Python cannot even convert it to a float: no figure or count comes anywhere near it.
MAX_NUMBER = 2**53

Path = tuple  # a tuple of keys and list indexes, e.g. ("facts", 3, "quote")


@dataclass
class Document:
    """Plain values from one YAML file, with the 1-based position of every value and key."""

    data: Any
    value_marks: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def mark(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """The position of `path`, or of its nearest ancestor that has one."""
        marks = self.key_marks if key else self.value_marks
        path = tuple(path)
        while path:
            if path in marks:
                return marks[path]
            if not key and path in self.key_marks:
                return self.key_marks[path]
            path = path[:-1]
        return self.value_marks.get((), (1, 1))


_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(0|[1-9][0-9]*)\.[0-9]+([eE][-+]?[0-9]+)?\Z")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+\Z")
_NULLS = {"", "~", "null"}
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n", "true", "false"}
_DATE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?\Z")
_SEXAGESIMAL_OR_SEPARATED = re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?\Z|[-+]?[0-9][0-9_]*_[0-9_]*(\.[0-9_]*)?\Z")
_SPECIAL_FLOATS = re.compile(r"[-+]?\.(inf|Inf|INF)\Z|\.(nan|NaN|NAN)\Z")
# What YAML refuses (control characters, reported by PyYAML without a line), and the YAML 1.1
# line breaks NEL, LS and PS, which editors do not show as breaks: after one, every line
# number the parser gives would be one more than the editor shows.
_NOT_ALLOWED = re.compile("[^\x09\x0A\x0D\x20-\x7E\xA0-\u2027\u202A-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Keys in content files are plain ASCII names (`statement`, `G-4`, `o1-socioeconomic`): a key
# with any other character, such as a Cyrillic look-alike or a zero-width space, would only
# ever be reported as an unknown field that looks exactly like a known one. Other YAML files
# (mkdocs.yml, whose nav titles are keys) may have letters in any script, but never controls,
# invisible, zero-width or bidirectional characters.
_NOT_IN_ASCII_KEY = re.compile(r"[^\x20-\x7E]")
_NOT_IN_KEY = re.compile("[\x00-\x1f\x7f-\xa0\xad\u034f\u061c\u115f\u1160\u180e\u2000-\u200f"
                         "\u2028-\u202f\u205f-\u206f\u3000\u3164\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]")


class _Reject(Exception):
    """Raised inside the reader to stop at the first structural problem of a file."""

    def __init__(self, line: int, column: int, message: str, fix: str):
        super().__init__(message)
        self.line, self.column, self.message, self.fix = line, column, message, fix


def _pos(mark) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


def _line_column(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of `text[index]`, counting breaks as YAML does."""
    lines = _LINE_BREAK.split(text[:index])
    return len(lines), len(lines[-1]) + 1


def _character_name(character: str) -> str:
    """`U+0435 CYRILLIC SMALL LETTER IE`; control characters have no name, only a number."""
    code = ord(character)
    name = unicodedata.name(character, "")
    if not name:
        name = "(a control character)" if unicodedata.category(character) == "Cc" else "(an unnamed character)"
    return f"U+{code:04X} {name}"


def _check_key(key: str, event, ascii_only: bool) -> None:
    """Refuse a key with a character it must not have, naming the character."""
    found = (_NOT_IN_ASCII_KEY if ascii_only else _NOT_IN_KEY).search(key)
    if not found:
        return
    line, column = _pos(event.start_mark)
    if not event.style and event.start_mark.line == event.end_mark.line:
        column += found.start()  # a plain key on one line: point at the character itself
    shown = key.encode("ascii", "backslashreplace").decode("ascii")
    rule = "keys are plain ASCII names" if ascii_only else "keys cannot hold invisible characters"
    raise _Reject(line, column, f"key '{shown}' contains {_character_name(found.group())}; {rule}",
                  "retype the key by hand: the character may be invisible or only look like a Latin letter")


def _number(text: str, line: int, column: int, kind: type) -> int | float:
    """A plain integer or decimal, refused when too large to be a figure (or to convert)."""
    if kind is int and len(text) > 40:  # int() refuses over 4,300 digits; all this is too large
        value: int | float = math.inf
    else:
        value = kind(text)
    if not math.isfinite(value) or abs(value) > MAX_NUMBER:
        shown = text if len(text) <= 24 else f"{text[:12]}...{text[-6:]}, {len(text)} characters,"
        raise _Reject(line, column, f"number {shown} is too large: the limit is {MAX_NUMBER:,}",
                      "check the number; write large amounts with `scale: million` or `scale: billion`")
    return value


def _plain_scalar(text: str, line: int, column: int) -> Any:
    """Resolve an unquoted scalar with JSON-like rules, refusing YAML 1.1 surprises."""
    if text in _NULLS:
        return None
    if text in ("true", "false"):
        return text == "true"
    lowered = text.lower()
    if lowered in _YAML11_BOOLS:
        raise _Reject(line, column, f"unquoted '{text}' would be read as a boolean by YAML 1.1",
                      f"write \"{text}\" in quotes if you mean the text, or true/false")
    if lowered in ("null", "none") or text in ("Null", "NULL"):
        raise _Reject(line, column, f"unquoted '{text}' is ambiguous",
                      "write null for no value, or quote the text")
    if _LEADING_ZERO.match(text):
        raise _Reject(line, column, f"number '{text}' has a leading zero (YAML 1.1 reads it as octal)",
                      "remove the leading zero, or quote it if it is a code")
    if _INT.match(text):
        return _number(text, line, column, int)
    if _FLOAT.match(text):
        return _number(text, line, column, float)
    if _DATE.match(text):
        raise _Reject(line, column, f"unquoted date '{text}' would be read as a timestamp",
                      f"write it in quotes: \"{text}\"")
    if _SEXAGESIMAL_OR_SEPARATED.match(text) or _SPECIAL_FLOATS.match(text):
        raise _Reject(line, column, f"'{text}' would be read as a number by YAML 1.1",
                      "quote it if it is text, or write the number plainly (digits only)")
    if text.startswith(("0x", "0o", "0b", "-0x", "+0x")):
        raise _Reject(line, column, f"'{text}' would be read as a number in another base",
                      "quote it if it is text")
    return text


class _Builder:
    """Turns parser events into Python values, recording marks, refusing what we forbid."""

    def __init__(self, parser, ascii_keys: bool = False):
        self.parser = parser
        self.ascii_keys = ascii_keys
        self.doc = Document(None)
        self.last_event = None  # to explain a syntax error found just after it

    def next_event(self):
        event = self.parser.get_event()
        self.last_event = event
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent) or anchor is not None:
            # Refusing at the first anchor means a billion-laughs file costs nothing.
            line, column = _pos(event.start_mark)
            raise _Reject(line, column, "anchors and aliases (&name, *name) are not allowed",
                          "write the value out in full where it is needed")
        tag = getattr(event, "tag", None)
        if tag is not None:
            line, column = _pos(event.start_mark)
            raise _Reject(line, column, f"YAML tags such as '{tag}' are not allowed",
                          "remove the tag; write a plain value")
        return event

    def build(self) -> Document:
        event = self.next_event()  # StreamStart
        event = self.next_event()
        if isinstance(event, yaml.StreamEndEvent):
            self.doc.data = None
            return self.doc
        assert isinstance(event, yaml.DocumentStartEvent)
        self.doc.data = self.value(self.next_event(), (), 1)
        self.next_event()  # DocumentEnd
        event = self.next_event()
        if not isinstance(event, yaml.StreamEndEvent):
            line, column = _pos(event.start_mark)
            raise _Reject(line, column, "a second YAML document ('---') is not allowed",
                          "keep one document per file")
        return self.doc

    def value(self, event, path: Path, depth: int) -> Any:
        if depth > MAX_DEPTH:
            line, column = _pos(event.start_mark)
            raise _Reject(line, column, f"nesting deeper than {MAX_DEPTH} levels",
                          "flatten the structure; content files are at most a few levels deep")
        self.doc.value_marks[path] = _pos(event.start_mark)
        if len(self.doc.value_marks) > MAX_VALUES:
            line, column = _pos(event.start_mark)
            raise _Reject(line, column, f"more than {MAX_VALUES:,} values in one file",
                          "split it into smaller files; the largest content file has a few thousand")
        if isinstance(event, yaml.ScalarEvent):
            if not event.style:  # plain: unquoted and not a block scalar (C parser gives "")
                line, column = _pos(event.start_mark)
                return _plain_scalar(event.value, line, column)
            escaped = _NOT_ALLOWED.search(event.value)  # "\0", "\e", "\u2028" in double quotes
            if escaped:
                line, column = _pos(event.start_mark)
                code = ord(escaped.group())
                raise _Reject(line, column, f"escaped invisible character U+{code:04X} is not allowed",
                              "remove the escape, such as \\0, \\e or \\u2028, from the quoted text")
            return event.value
        if isinstance(event, yaml.SequenceStartEvent):
            items = []
            event = self.next_event()
            while not isinstance(event, yaml.SequenceEndEvent):
                items.append(self.value(event, path + (len(items),), depth + 1))
                event = self.next_event()
            return items
        if isinstance(event, yaml.MappingStartEvent):
            mapping: dict[str, Any] = {}
            event = self.next_event()
            while not isinstance(event, yaml.MappingEndEvent):
                line, column = _pos(event.start_mark)
                if not isinstance(event, yaml.ScalarEvent):
                    raise _Reject(line, column, "a key must be a plain name",
                                  "write keys as simple words such as `statement:`")
                key = event.value
                _check_key(key, event, self.ascii_keys)
                if key in mapping:
                    first_line, _ = self.doc.key_marks[path + (key,)]
                    raise _Reject(line, column, f"duplicate key '{key}' (first given on line {first_line})",
                                  "delete one of the two; YAML would silently keep only the last")
                self.doc.key_marks[path + (key,)] = (line, column)
                mapping[key] = self.value(self.next_event(), path + (key,), depth + 1)
                event = self.next_event()
            return mapping
        line, column = _pos(event.start_mark)  # pragma: no cover - parser guarantees the above
        raise _Reject(line, column, f"unexpected YAML event {type(event).__name__}", "")


def read_yaml(raw: bytes, display: str, problems: Problems, *, ascii_keys: bool = False) -> Document | None:
    """Parse one file's bytes. On any problem, record it in `problems` and return None.

    With `ascii_keys` (content files), every mapping key must be printable ASCII; otherwise keys
    may have letters in any script but no control, invisible or bidirectional character.
    """
    if len(raw) > MAX_FILE_BYTES:
        problems.add(display, 1, 1, f"file is {len(raw):,} bytes, over the {MAX_FILE_BYTES:,}-byte limit",
                     "split it into smaller files")
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.add(display, 1, 1, "file starts with a byte-order mark",
                     "save the file as UTF-8 without BOM")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start].decode("utf-8", errors="replace")  # valid up to the error
        line, column = _line_column(before, len(before))
        problems.add(display, line, column, f"invalid UTF-8 byte 0x{raw[error.start]:02x}",
                     "save the file as UTF-8")
        return None
    if not text.strip():
        problems.add(display, 1, 1, "file is empty", "add the content, or delete the file")
        return None
    bom = text.find("\ufeff")
    if bom >= 0:  # left over from joining or pasting a file saved with a byte-order mark
        line, column = _line_column(text, bom)
        problems.add(display, line, column, "byte-order mark (U+FEFF) in the middle of the file",
                     "delete it: it is invisible in most editors; it comes from pasting or joining "
                     "a file saved with a BOM")
        return None
    character = _NOT_ALLOWED.search(text)
    if character:
        line, column = _line_column(text, character.start())
        code = ord(character.group())
        what = "line separator" if code in (0x85, 0x2028, 0x2029) else "control character"
        problems.add(display, line, column, f"invisible {what} U+{code:04X} is not allowed",
                     "delete it; most editors do not show it, and a space or a new line may be meant")
        return None
    tab = re.search(r"^( *)\t", text, re.MULTILINE)
    if tab:
        line, column = _line_column(text, tab.end() - 1)
        problems.add(display, line, column, "tab character used for indentation",
                     "indent with spaces only")
        return None
    builder = None
    try:
        builder = _Builder(_Parser(text), ascii_keys)
        return builder.build()
    except _Reject as reject:
        problems.add(display, reject.line, reject.column, reject.message, reject.fix)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(part for part in (error.context, error.problem) if part)
        fix = "check indentation, colons and quotes on this line and the one before"
        # A quote left open swallows the lines after it, and YAML only fails where the text
        # stops fitting, possibly many lines further on: point at the opening quote instead.
        last = builder.last_event if builder else None
        if error.context == "while scanning a quoted scalar" and error.context_mark:
            line, column = _pos(error.context_mark)
            what, fix = f"the quoted text starting here is not closed: {error.problem}", "add the closing quote"
        elif (isinstance(last, yaml.ScalarEvent) and last.style in ("'", '"') and mark
              and last.start_mark.line < last.end_mark.line == mark.line):
            what = f"the quoted text starting here runs on to line {line}, where YAML fails: {what}"
            line, column = _pos(last.start_mark)
            fix = "a closing quote is probably missing on this line"
        problems.add(display, line, column, f"YAML syntax error: {what}", fix)
    except yaml.YAMLError as error:  # pragma: no cover - reader errors without marks
        problems.add(display, 1, 1, f"YAML error: {error}", "check the file's syntax")
    return None
