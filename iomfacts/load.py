"""Reading every content file into typed models, with problems located at file:line:col.

This stage only reads and type-checks each file on its own; rules that relate files to each
other are in `validate.py`. A file that cannot be read is reported and left out, so the
remaining files are still checked and the editor sees every problem in one run.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import os
import stat
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from . import model
from .problems import Problems, display_path
from .strict_yaml import MAX_FILE_BYTES, Document, read_yaml

REFERENCE_FILES = {
    "sources": ("sources.yml", model.SourcesFile),
    "pillars": ("pillars.yml", model.PillarsFile),
    "countries": ("countries.yml", model.CountriesFile),
    "metrics": ("metrics.yml", model.MetricsFile),
    "glossary": ("glossary.yml", model.GlossaryFile),
}


@dataclass
class Located:
    """A parsed model together with where it came from, for error messages."""

    value: BaseModel
    path: str  # as displayed to the editor, relative to the repository
    file: Path
    doc: Document

    def mark(self, *subpath, key: bool = False) -> tuple[int, int]:
        return self.doc.mark(tuple(subpath), key=key)


@dataclass
class LoadedContent:
    root: Path
    reference: dict[str, Located] = field(default_factory=dict)
    fact_files: list[Located] = field(default_factory=list)
    staff_datasets: list[Located] = field(default_factory=list)
    funding_datasets: list[Located] = field(default_factory=list)
    # Every content file that could not be loaded, by display path, with the ids of the facts
    # it probably holds (`facts[i].id`, when its YAML could be read at all; otherwise none),
    # so that later checks can blame that file instead of reporting "unknown fact".
    failed: dict[str, set[str]] = field(default_factory=dict)


class Unreadable(Exception):
    """A content file that cannot be read as a regular file of the repository."""

    def __init__(self, message: str, fix: str):
        super().__init__(message)
        self.message, self.fix = message, fix


def _open_for_reading(path: str) -> int:
    """The one place a content file is opened. Never blocks (O_NONBLOCK: a FIFO that slipped
    past the checks returns at once) and never follows a symbolic link swapped in meanwhile."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    return os.open(path, flags)


def _not_regular(name: str, mode: int) -> Unreadable:
    fix = "replace it with an ordinary .yml file, or remove it"
    if stat.S_ISDIR(mode):
        return Unreadable(f"'{name}' is a directory, not a file",
                          "a content file must be an ordinary .yml file; remove or rename the directory")
    if stat.S_ISFIFO(mode):
        return Unreadable(f"'{name}' is a named pipe (FIFO), not a regular file", fix)
    if stat.S_ISSOCK(mode):
        return Unreadable(f"'{name}' is a socket, not a regular file", fix)
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return Unreadable(f"'{name}' is a device, not a regular file", fix)
    return Unreadable(f"'{name}' is not a regular file", fix)


def _cannot_read(name: str, error: OSError) -> Unreadable:
    if isinstance(error, PermissionError):
        return Unreadable(f"'{name}' cannot be read: permission denied",
                          "check its permissions: the user running the check must be able to read it")
    reason = (error.strerror or type(error).__name__).lower()
    return Unreadable(f"'{name}' cannot be read: {reason}", "check the file and the folders above it")


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def read_content_file(file: Path, root: Path) -> bytes:
    """The bytes of one content file, read safely, or `Unreadable` saying why not.

    A content file must be a regular file inside the repository: symbolic links are followed
    only when they stay inside it, and a directory, FIFO, socket or device is refused before
    anything is opened. The size is checked on the open file before reading, and at most one
    byte more than the limit is read, so `/dev/zero` or a sparse 6 GB file cost nothing.
    """
    name = file.name
    try:
        link = os.lstat(file)
    except OSError as error:
        raise _cannot_read(name, error) from None
    real = os.path.realpath(file)
    if stat.S_ISLNK(link.st_mode):
        try:
            os.stat(file)
        except FileNotFoundError:
            raise Unreadable(f"'{name}' is a symbolic link to '{os.readlink(file)}', which does not exist",
                             "replace the link with the file itself, or remove it") from None
        except OSError as error:
            raise _cannot_read(name, error) from None
    if not _inside(real, os.path.realpath(root)):
        how = "a symbolic link that leads" if stat.S_ISLNK(link.st_mode) else "reached through a symbolic link that leads"
        raise Unreadable(f"'{name}' is {how} out of the repository (to '{real}'); "
                         "symlinks that lead out of the repository are refused",
                         "put the file itself in the repository instead of a link")
    try:
        target = os.stat(real)
    except OSError as error:
        raise _cannot_read(name, error) from None
    if not stat.S_ISREG(target.st_mode):
        raise _not_regular(name, target.st_mode)
    try:
        descriptor = _open_for_reading(real)
    except OSError as error:
        raise _cannot_read(name, error) from None
    try:
        opened = os.fstat(descriptor)
        if not stat.S_ISREG(opened.st_mode):  # replaced between the checks and the open
            raise _not_regular(name, opened.st_mode)
        if opened.st_size > MAX_FILE_BYTES:
            raise Unreadable(f"file is {opened.st_size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit",
                             "split it into smaller files")
        chunks, remaining = [], MAX_FILE_BYTES + 1  # one byte over: read_yaml reports a file that grew
        while remaining > 0:
            chunk = os.read(descriptor, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    except OSError as error:
        raise _cannot_read(name, error) from None
    finally:
        os.close(descriptor)


def _model_at(model_class: type, loc: tuple) -> type | None:
    """The model class that owns the last element of `loc`, to list its valid fields."""
    current: typing.Any = model_class
    for part in loc[:-1]:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            current = current.model_fields[part].annotation
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: typing.Any) -> typing.Any:
    """`X | None` -> X, so that optional sub-models are walked like required ones."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return options[0] if len(options) == 1 else annotation
    return annotation


@functools.lru_cache(maxsize=1024)
def _unknown_field(model_class: type, shape: tuple, name: str) -> tuple[str, str]:
    """The message for an unknown field, by the shape of its place (list indexes as 0): a file
    with the same misspelt key in 100,000 facts looks up the valid fields once."""
    owner = _model_at(model_class, shape)
    valid = list(owner.model_fields) if owner else []
    close = difflib.get_close_matches(name, valid, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown field '{name}'", f"{hint}valid fields: {', '.join(valid)}"


def _describe(error: dict, model_class: type) -> tuple[str, str]:
    """A pydantic error as (what is wrong, how to fix it) in an editor's words.

    `error["loc"]` is the place in the file (see `_place`)."""
    loc = error["loc"]
    name = str(loc[-1]) if loc else "file"
    if len(loc) >= 2 and isinstance(loc[-1], int) and isinstance(loc[-2], str):
        name = f"{loc[-2]}[{loc[-1] + 1}]"  # 'countries[2]': the second item of the list
    kind = error["type"]
    if kind == "missing":
        return f"missing required field '{name}'", f"add `{name}:`"
    if kind == "extra_forbidden":
        shape = tuple(0 if isinstance(part, int) else part for part in loc)
        return _unknown_field(model_class, shape, name)
    if kind in ("int_type", "float_type", "string_type", "bool_type", "list_type", "model_type",
                "dict_type"):
        wanted = {"int_type": "a whole number", "float_type": "a number",
                  "string_type": "text", "bool_type": "true or false", "list_type": "a list",
                  "model_type": "a mapping of fields", "dict_type": "a mapping of fields"}[kind]
        got = type(error.get("input")).__name__
        got = {"str": "text", "int": "a number", "float": "a number", "bool": "true/false",
               "NoneType": "nothing", "list": "a list", "dict": "a mapping"}.get(got, got)
        return f"'{name}' must be {wanted}, not {got}", f"write '{name}' as {wanted}"
    if kind in ("literal_error", "enum"):
        expected = error.get("ctx", {}).get("expected", "")
        return f"'{name}' has an invalid value {error.get('input')!r}", f"use one of: {expected}"
    if kind == "string_pattern_mismatch":
        return (f"'{name}' value {error.get('input')!r} has the wrong form",
                "ids are lower-case letters, digits and single hyphens; codes are 3 capital letters")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"'{name}' is out of range: {error['msg'].lower()}", "check the number"
    if kind in ("too_short", "too_long", "string_too_short", "string_too_long"):
        return f"'{name}': {error['msg'].lower()}", "shorten or complete the value"
    if kind == "number_type" or kind.startswith("int_") or kind.startswith("float_"):
        return f"'{name}' must be a number, not {error.get('input')!r}", \
            "write the figure as digits without separators or units, e.g. 12500"
    if kind == "value_error":
        message = error["msg"].removeprefix("Value error, ")
        return f"'{name}' {message}" if loc else message, "see CONTRIBUTING.md for the format"
    return f"'{name}': {error['msg']}", "see CONTRIBUTING.md for the format"


_BRANCHES = frozenset({"int", "float", "str", "list[int]"})
# Problems listed for one file. Real mistakes give a few, a systematic one a few hundred; only
# a generated or damaged file gives more (a 2 MB file of `{}` facts gives millions), and then
# listing them all would take minutes and gigabytes while helping nobody.
MAX_PROBLEMS_PER_FILE = 5_000


def _place(loc: tuple) -> tuple:
    """Pydantic's error location without the names of union branches and validators: the keys
    and list indexes of the place in the file."""
    return tuple(part for part in loc if part.__class__ is int
                 or not (part in _BRANCHES or part.startswith("function-")))


def _first_entries(data: typing.Any, limit: int) -> typing.Any:
    """`data` with every list and mapping cut to its first `limit` entries (places unchanged)."""
    if isinstance(data, list):
        return [_first_entries(value, limit) for value in data[:limit]]
    if isinstance(data, dict):
        return {key: _first_entries(value, limit) for key, value in itertools.islice(data.items(), limit)}
    return data


def parse_model(doc: Document, model_class: type, display: str, problems: Problems) -> BaseModel | None:
    """Validate `doc` against `model_class`, turning every error into a located problem.

    Linear in the number of errors, and at most `MAX_PROBLEMS_PER_FILE` are listed: beyond that,
    only the beginning of the file is validated again for the list (pydantic would otherwise
    describe millions of errors), and one more problem says that there are more.
    """
    try:
        return model_class.model_validate(doc.data, strict=True)
    except ValidationError as error:
        total = error.error_count()
        if total > MAX_PROBLEMS_PER_FILE:
            try:
                model_class.model_validate(_first_entries(doc.data, MAX_PROBLEMS_PER_FILE), strict=True)
            except ValidationError as beginning:
                error = beginning
        seen: set[tuple] = set()  # places already reported
        for item in error.errors(include_url=False):
            if item["loc"] and item["loc"][-1] in ("int", "float"):
                item = {**item, "type": "number_type"}  # one branch of `int | float`
            loc = _place(item["loc"])
            # A `X | None` union reports each branch; one message per place is enough.
            if loc in seen:
                continue
            line, column = doc.mark(loc, key=item["type"] == "extra_forbidden")
            if len(seen) == MAX_PROBLEMS_PER_FILE:
                problems.add(display, line, column,
                             f"too many problems: the first {MAX_PROBLEMS_PER_FILE:,} are listed, of up to {total:,}",
                             "fix the problems listed and check again; so many usually means a damaged or generated file")
                break
            seen.add(loc)
            item["loc"] = loc
            message, fix = _describe(item, model_class)
            problems.add(display, line, column, message, fix)
        return None


# A file's model, or None with the ids of the facts the failed file probably holds.
Parsed = tuple["Located | None", set[str]]


class ParseCache:
    """Files already read, by path and exact bytes, with what reading them found.

    The live preview checks all content after every save, but an edit changes one file: the
    others are taken from here instead of being parsed and type-checked again. Models are
    never changed after loading, so sharing them between checks is safe.
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[str, type], tuple[bytes, Located | None, list, set[str]]] = {}

    def read(self, file: Path, root: Path, model_class: type, problems: Problems) -> Parsed:
        display = display_path(file, root)
        try:
            data = read_content_file(file, root)
        except Unreadable as unreadable:
            problems.add(display, 1, 1, unreadable.message, unreadable.fix)
            return None, set()
        cached = self._entries.get((display, model_class))
        if cached is not None and cached[0] == data:
            problems.extend(cached[2])
            return cached[1], cached[3]
        found = Problems()
        located, fact_ids = _parse(file, display, data, model_class, found)
        self._entries[display, model_class] = (data, located, list(found.items), fact_ids)
        problems.extend(found)
        return located, fact_ids


def _probable_fact_ids(data: typing.Any) -> set[str]:
    """The `facts[i].id` strings of a file's raw YAML data, however wrong the rest of it is."""
    facts = data.get("facts") if isinstance(data, dict) else None
    if not isinstance(facts, list):
        return set()
    return {fact["id"] for fact in facts if isinstance(fact, dict) and isinstance(fact.get("id"), str)}


def _parse(file: Path, display: str, data: bytes, model_class: type, problems: Problems) -> Parsed:
    doc = read_yaml(data, display, problems, ascii_keys=True)
    if doc is None:
        return None, set()
    parsed = parse_model(doc, model_class, display, problems)
    if parsed is None:
        return None, _probable_fact_ids(doc.data)
    located = Located(parsed, display, file, doc)
    from . import text_rules  # it reads Located from here

    text_rules.check_file(located, problems)  # rules on one file's text, cached with the file
    return located, set()


def _read(file: Path, root: Path, model_class: type, problems: Problems, loaded: LoadedContent,
          cache: ParseCache | None = None) -> Located | None:
    """One content file, read and type-checked; a file that fails is noted in `loaded.failed`."""
    display = display_path(file, root)
    if cache is not None:
        located, fact_ids = cache.read(file, root, model_class, problems)
    else:
        try:
            located, fact_ids = _parse(file, display, read_content_file(file, root), model_class, problems)
        except Unreadable as unreadable:
            problems.add(display, 1, 1, unreadable.message, unreadable.fix)
            located, fact_ids = None, set()
    if located is None:
        loaded.failed[display] = fact_ids
    return located


def _entries(folder: Path, recursive: bool, root: Path, problems: Problems) -> list[Path]:
    """What is in `folder` (and below, if `recursive`), sorted, without following symbolic links
    to folders. A folder named like a file (`oe.yml/`) is listed, not entered: reading it then
    says it is a directory. A folder that cannot be listed is reported."""
    found: list[Path] = []

    def visit(current: Path) -> None:
        try:
            with os.scandir(current) as listing:
                entries = list(listing)
        except FileNotFoundError:
            return
        except OSError as error:
            unreadable = _cannot_read(current.name, error)
            problems.add(display_path(current, root), 1, 1, f"folder {unreadable.message}", unreadable.fix)
            return
        for entry in entries:
            path = Path(entry.path)
            if recursive and entry.is_dir(follow_symlinks=False) and path.suffix != ".yml":
                visit(path)
            else:
                found.append(path)

    visit(folder)
    return sorted(found)


def _is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def load_content(content_dir: Path, repo_root: Path, problems: Problems,
                 cache: ParseCache | None = None) -> LoadedContent:
    """Read every file under `content_dir`; problems are collected, never raised."""
    loaded = LoadedContent(root=content_dir)
    for name, (filename, model_class) in REFERENCE_FILES.items():
        file = content_dir / filename
        if not os.path.lexists(file):
            problems.add(display_path(file, repo_root), 1, 1, f"{filename} is missing",
                         f"create content/{filename}; see CONTRIBUTING.md")
            loaded.failed[display_path(file, repo_root)] = set()
            continue
        located = _read(file, repo_root, model_class, problems, loaded, cache)
        if located is not None:
            loaded.reference[name] = located
    for file in _entries(content_dir / "facts", True, repo_root, problems):
        if file.suffix != ".yml":
            what = "linked folder" if file.is_dir() else "file"
            problems.add(display_path(file, repo_root), 1, 1, f"unexpected {what} in content/facts",
                         "fact files are content/facts/<year>/<pillar>.yml; rename or remove it")
            continue
        located = _read(file, repo_root, model.FactFile, problems, loaded, cache)
        if located is not None:
            loaded.fact_files.append(located)
    for folder, model_class, bucket in (("staff", model.StaffDataset, loaded.staff_datasets),
                                        ("funding", model.FundingDataset, loaded.funding_datasets)):
        for file in _entries(content_dir / "datasets" / folder, False, repo_root, problems):
            if file.suffix != ".yml":
                what = "folder" if _is_folder(file) else "file"
                problems.add(display_path(file, repo_root), 1, 1, f"unexpected {what} in content/datasets/{folder}",
                             "datasets are .yml files; rename or remove it")
                continue
            located = _read(file, repo_root, model_class, problems, loaded, cache)
            if located is not None:
                bucket.append(located)
    return loaded
