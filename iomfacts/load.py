"""Reading every content file into typed models, with problems located at file:line:col.

This stage only reads and type-checks each file on its own; rules that relate files to each
other are in `validate.py`. A file that cannot be read is reported and left out, so the
remaining files are still checked and the editor sees every problem in one run.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from . import model
from .problems import Problems, display_path
from .strict_yaml import Document, read_yaml

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


def _describe(error: dict, model_class: type) -> tuple[str, str]:
    """A pydantic error as (what is wrong, how to fix it) in an editor's words."""
    loc = tuple(part for part in error["loc"] if not isinstance(part, str) or not part.startswith("function-"))
    name = str(loc[-1]) if loc else "file"
    kind = error["type"]
    if kind == "extra_forbidden":
        owner = _model_at(model_class, loc)
        valid = list(owner.model_fields) if owner else []
        close = difflib.get_close_matches(name, valid, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return f"unknown field '{name}'", f"{hint}valid fields: {', '.join(valid)}"
    if kind == "missing":
        return f"missing required field '{name}'", f"add `{name}:`"
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


def parse_model(doc: Document, model_class: type, display: str, problems: Problems) -> BaseModel | None:
    """Validate `doc` against `model_class`, turning every error into a located problem."""
    try:
        return model_class.model_validate(doc.data, strict=True)
    except ValidationError as error:
        seen = set()
        for item in error.errors(include_url=False):
            if item["loc"] and item["loc"][-1] in ("int", "float"):
                item = {**item, "type": "number_type"}  # one branch of `int | float`
            loc = tuple(part for part in item["loc"] if not (isinstance(part, str) and part in (
                "int", "float", "str", "list[int]", "function-after", "function-before")))
            # A `X | None` union reports each branch; one message per place is enough.
            if (loc, item["type"]) in seen or any(loc == s[0] for s in seen):
                continue
            seen.add((loc, item["type"]))
            message, fix = _describe({**item, "loc": loc}, model_class)
            line, column = doc.mark(loc, key=item["type"] in ("extra_forbidden",))
            problems.add(display, line, column, message, fix)
        return None


class ParseCache:
    """Files already read, by path and exact bytes, with what reading them found.

    The live preview checks all content after every save, but an edit changes one file: the
    others are taken from here instead of being parsed and type-checked again. Models are
    never changed after loading, so sharing them between checks is safe.
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[str, type], tuple[bytes, Located | None, list]] = {}

    def read(self, file: Path, root: Path, model_class: type, problems: Problems) -> Located | None:
        display = display_path(file, root)
        data = file.read_bytes()
        cached = self._entries.get((display, model_class))
        if cached is not None and cached[0] == data:
            problems.extend(cached[2])
            return cached[1]
        found = Problems()
        located = _parse(file, display, data, model_class, found)
        self._entries[display, model_class] = (data, located, list(found.items))
        problems.extend(found)
        return located


def _parse(file: Path, display: str, data: bytes, model_class: type, problems: Problems) -> Located | None:
    doc = read_yaml(data, display, problems)
    if doc is None:
        return None
    parsed = parse_model(doc, model_class, display, problems)
    return Located(parsed, display, file, doc) if parsed is not None else None


def _read(file: Path, root: Path, model_class: type, problems: Problems,
          cache: ParseCache | None = None) -> Located | None:
    if cache is not None:
        return cache.read(file, root, model_class, problems)
    return _parse(file, display_path(file, root), file.read_bytes(), model_class, problems)


def load_content(content_dir: Path, repo_root: Path, problems: Problems,
                 cache: ParseCache | None = None) -> LoadedContent:
    """Read every file under `content_dir`; problems are collected, never raised."""
    loaded = LoadedContent(root=content_dir)
    for name, (filename, model_class) in REFERENCE_FILES.items():
        file = content_dir / filename
        if not file.exists():
            problems.add(display_path(file, repo_root), 1, 1, f"{filename} is missing",
                         f"create content/{filename}; see CONTRIBUTING.md")
            continue
        located = _read(file, repo_root, model_class, problems, cache)
        if located is not None:
            loaded.reference[name] = located
    facts_dir = content_dir / "facts"
    for file in sorted(facts_dir.rglob("*")) if facts_dir.exists() else []:
        if file.is_dir():
            continue
        if file.suffix != ".yml":
            problems.add(display_path(file, repo_root), 1, 1, "unexpected file in content/facts",
                         "fact files are content/facts/<year>/<pillar>.yml; rename or remove it")
            continue
        located = _read(file, repo_root, model.FactFile, problems, cache)
        if located is not None:
            loaded.fact_files.append(located)
    for folder, model_class, bucket in (("staff", model.StaffDataset, loaded.staff_datasets),
                                        ("funding", model.FundingDataset, loaded.funding_datasets)):
        for file in sorted((content_dir / "datasets" / folder).glob("*")):
            if file.is_dir() or file.suffix != ".yml":
                problems.add(display_path(file, repo_root), 1, 1, f"unexpected file in content/datasets/{folder}",
                             "datasets are .yml files; rename or remove it")
                continue
            located = _read(file, repo_root, model_class, problems, cache)
            if located is not None:
                bucket.append(located)
    return loaded
