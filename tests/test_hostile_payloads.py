"""Hostile text in every string field of every model never becomes live on the site.

The fixture site (with small staff and funding datasets, so that every model is present) is
built with a payload planted in every text field. Over the variants each field receives every
payload in `hostile.PAYLOADS` (HTML, event attributes, `javascript:` and Markdown-in-URL,
Jinja, MkDocs and pymdownx syntax, spreadsheet formulas, bidi and zero-width characters).
Each build is inspected as a browser and a spreadsheet would read it: the parsed HTML of every
page, the search index (whose titles and texts Material inserts as HTML), the CSV files.
Fields that only take identifiers refuse hostile text with a located message, and control
characters are refused and printed escaped. `check` refuses text that holds a template or
format placeholder (`{{ 7*7 }}`) at its file:line:col; the builds run with that rule off, so
that the pages are shown to stay safe without it.
"""

from __future__ import annotations

import contextlib
import copy
import html
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hostile
from checkouts import DATASETS, make_checkout
from conftest import FIXTURE, REPO, run_cli, shared_tree
from iomfacts import model
from iomfacts.escapes import page_title
from iomfacts.pipeline import Layout, check, generate
from iomfacts.problems import Problems

FILES = {
    "content/sources.yml": model.SourcesFile,
    "content/pillars.yml": model.PillarsFile,
    "content/countries.yml": model.CountriesFile,
    "content/metrics.yml": model.MetricsFile,
    "content/glossary.yml": model.GlossaryFile,
    "content/facts/2017/o3-safe-migration.yml": model.FactFile,
    "content/facts/2018/p1-standards.yml": model.FactFile,
    "content/facts/2020/ar2020-mobility.yml": model.FactFile,
    "content/datasets/staff/fx-annex-ii.yml": model.StaffDataset,
    "content/datasets/funding/fx-funding.yml": model.FundingDataset,
}
VARIANTS = range(len(hostile.PAYLOADS))


ORIGINAL = {name: yaml.safe_load((FIXTURE / name if (FIXTURE / name).exists() else DATASETS / name).read_text())
            for name in FILES}


def planted(variant: int) -> tuple[dict, dict[tuple, str]]:
    """The content with a payload in every text field; and which payload went where.

    Payloads rotate over the places, so variant v puts payload (place + v) in each place: over
    all variants every field gets every payload. A few values must agree across files to pass
    the checks, and keep that agreement: a quote keeps the words that hold its figures, a figure
    with a metric takes the metric's unit, and 2020 facts keep the section the crosswalk knows.
    """
    data = copy.deepcopy(ORIGINAL)
    where: dict[tuple, str] = {}
    place = 0
    for name, model_class in FILES.items():
        for field, path in list(hostile.string_places(data[name], model_class)):
            if field.kind != "text" or (field.owner is model.SourceRef and "/2020/" in name):
                continue
            payload = hostile.PAYLOADS[(place + variant) % len(hostile.PAYLOADS)]
            place += 1
            if field.owner is model.Fact and field.name == "statement":
                value = f"{payload} (statement {place})"
            elif field.owner is model.Fact and field.name == "quote":
                value = f"{payload} {hostile.get(data[name], path)}"
            else:
                value = payload
            hostile.put(data[name], path, value)
            where[(field.owner, field.name, name, path)] = payload
    units = {metric["id"]: metric["unit"] for metric in data["content/metrics.yml"]["metrics"]}
    for name in FILES:
        for fact in data[name].get("facts", []) if "facts/" in name else []:
            for figure in fact["figures"]:
                if figure.get("metric"):
                    figure["unit"] = units[figure["metric"]]
    return data, where


def write_content(layout: Layout, data: dict) -> None:
    for name, value in data.items():  # JSON is YAML: any text survives without quoting rules
        (layout.root / name).write_text(json.dumps(value, ensure_ascii=False, indent=1), encoding="utf-8")


def test_every_string_field_of_the_model_is_planted():
    """The matrix covers the model by construction: a new field is planted without a new test."""
    covered = set()
    for name, model_class in FILES.items():
        covered |= {(field.owner, field.name) for field, _ in hostile.string_places(ORIGINAL[name], model_class)}
    assert covered == hostile.all_string_fields()


def test_over_all_variants_every_text_field_gets_every_payload():
    received: dict[tuple, set[str]] = {}
    for variant in VARIANTS:
        for (owner, field_name, _, _), payload in planted(variant)[1].items():
            received.setdefault((owner, field_name), set()).add(payload)
    text_fields = {(owner, name) for owner, name in hostile.all_string_fields()
                   if any(f.kind == "text" for n, m in FILES.items() for f, _ in hostile.string_places(ORIGINAL[n], m)
                          if (f.owner, f.name) == (owner, name))}
    assert set(received) == text_fields
    for field, payloads in received.items():
        assert payloads == set(hostile.PAYLOADS), f"{field[0].__name__}.{field[1]} misses payloads"


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> BuiltSite:
    """The same checkout without payloads: what Material itself puts on each page. (Built once
    per test run and shared by the xdist workers; each parses it once.)"""
    def make(folder: Path) -> None:
        layout = make_checkout(folder / "repo")
        result = run_cli(layout.root, "build")
        assert result.returncode == 0, result.stderr

    return BuiltSite(shared_tree(tmp_path_factory, "hostile-payloads-baseline", make) / "repo" / "site")


class BuiltSite:
    """A built site, each page parsed once: its live markup, its titles and its visible text."""

    def __init__(self, site: Path):
        self.site = site
        self.live: dict[str, list[str]] = {}
        self.titles: dict[str, list[str]] = {}
        texts = []
        for page in sorted(site.rglob("*.html")):
            name = page.relative_to(site).as_posix()
            soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
            self.live[name] = sorted(hostile.live_markup(soup))
            # The page's own title; charts' SVG <title> elements (their accessible names) aside.
            self.titles[name] = [title.get_text() for title in soup.find_all("title") if title.find_parent("svg") is None]
            for element in soup(["script", "style"]):
                element.decompose()
            texts.append(soup.get_text(" "))
        self.text = " ".join(" ".join(texts).split())


def assert_inert(built: BuiltSite, baseline: BuiltSite) -> None:
    """Nothing runs or loads that Material does not put there itself; the search index and the
    CSV files hold nothing live either."""
    assert set(built.live) == set(baseline.live)
    for name, live in built.live.items():
        assert live == baseline.live[name], f"{name}: live markup from content: {set(live) - set(baseline.live[name])}"
        assert len(built.titles[name]) == 1, f"{name}: the <title> was broken out of"
    for entry in hostile.search_entries(built.site):
        for key in ("title", "text"):
            assert not hostile.live_markup(entry[key]), f"search index {entry['location']}: {entry[key][:120]!r}"
    for table in sorted((built.site / "data").glob("*.csv")):
        assert not hostile.csv_formula_cells(table.read_text(encoding="utf-8")), table.name
    for reference in sorted((built.site / "data" / "citations").glob("*.bib")):
        entry = reference.read_text(encoding="utf-8")
        assert hostile.bibtex_fields_closed(entry), f"{reference.name}: text ended a BibTeX field: {entry!r}"


def without_text_rules(monkeypatch) -> None:
    """Switch off check's rules on text (text_rules.py): unfilled placeholders and numbers a
    statement's quote lacks. They refuse some payloads (`{{ 7*7 }}`, `alert(1)` in a statement);
    the pages must stay safe without them, so the build is also tested with them off."""
    from iomfacts import text_rules

    monkeypatch.setattr(text_rules, "check_placeholders", lambda located, problems: None)
    monkeypatch.setattr(text_rules, "check_statement_numbers", lambda located, problems: None)


def build_in_process(layout: Layout) -> subprocess.CompletedProcess:
    """`build_site.py build` through the command line's `main()` in this process (MkDocs still
    runs as its child), so that a monkeypatched rule stays off."""
    from iomfacts.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["--root", str(layout.root), "build"])
    return subprocess.CompletedProcess(["build"], code, stdout.getvalue(), stderr.getvalue())


def assert_placeholders_refused_at_their_fields(layout: Layout, data: dict, where: dict) -> None:
    """`check` refuses each planted value that holds a template or format placeholder, naming
    the field's file:line:col, and refuses nothing else but statements whose quote lacks their
    numbers (a payload such as `alert(1)` puts a number in a statement)."""
    from iomfacts.strict_yaml import read_yaml
    from iomfacts.text_rules import find_placeholder

    _, problems = check(layout)
    documents = {name: read_yaml((layout.root / name).read_bytes(), name, Problems()) for name in FILES}
    expected = set()
    for (owner, field_name, name, path) in where:
        if find_placeholder(hostile.get(data[name], path)):
            expected.add((name, *documents[name].mark(path)))
    assert expected, "every variant plants the Jinja payload in some field"
    refused = {(p.path, p.line, p.column) for p in problems if "unfilled placeholder" in p.message}
    assert refused == expected
    others = [p for p in problems if "unfilled placeholder" not in p.message]
    assert all(p.message.startswith("the statement prints ") for p in others), [str(p) for p in others]


@pytest.mark.parametrize("variant", VARIANTS)
def test_planted_payloads_build_and_stay_text(tmp_path, baseline, variant, monkeypatch):
    layout = make_checkout(tmp_path / "repo")
    data, where = planted(variant)
    write_content(layout, data)
    assert_placeholders_refused_at_their_fields(layout, data, where)
    without_text_rules(monkeypatch)
    result = build_in_process(layout)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "\x1b" not in output and "Traceback" not in output
    built = BuiltSite(layout.site)
    assert_inert(built, baseline)
    for (owner, field_name, _, path), payload in where.items():
        if owner is model.Fact and field_name == "statement":
            assert " ".join(payload.split()) in built.text, f"statement {payload!r} is not shown as typed"
    for name, planted_title in (("countries/ken/index.html", data["content/countries.yml"]["countries"][2]["name"]),
                                ("sources/ar-2018/index.html", data["content/sources.yml"]["sources"][2]["title"]),
                                ("pillars/p1-standards/index.html", data["content/pillars.yml"]["pillars"][1]["title"])):
        [title] = built.titles[name]
        assert title.startswith(" ".join(planted_title.split()) + " - "), \
            f"{name}: the page title is not the planted text as typed: {title!r}"
    facts = json.loads((layout.site / "data" / "facts.json").read_text(encoding="utf-8"))
    statements = {fact["statement"] for fact in facts}
    assert statements == {hostile.get(data[name], path) for (owner, field_name, name, path) in where
                          if owner is model.Fact and field_name == "statement"}, "JSON keeps the exact text"


def test_identifier_fields_refuse_hostile_text_with_a_located_escaped_message(tmp_path):
    layout = make_checkout(tmp_path / "repo")
    seen = set()
    for name, model_class in FILES.items():
        for field, path in hostile.string_places(ORIGINAL[name], model_class):
            if field.kind == "text" or (field.owner, field.name) in seen:
                continue
            seen.add((field.owner, field.name))
            data = copy.deepcopy(ORIGINAL)
            hostile.put(data[name], path, hostile.IDENTIFIER_PAYLOAD)
            write_content(layout, data)
            knowledge, problems = check(layout)
            label = f"{field.owner.__name__}.{field.name}"
            assert knowledge is None and problems, f"{label} accepted {hostile.IDENTIFIER_PAYLOAD!r}"
            for problem in problems:
                line = str(problem)
                assert "\n" not in line and "\u202e" not in line and "\u200b" not in line, (label, line)
                assert problem.line >= 1 and problem.column >= 1 and problem.fix, (label, line)
            assert any(problem.path == name for problem in problems), \
                f"{label}: the problem is reported elsewhere: {[str(p) for p in problems]}"
    assert len(seen) == len({(f.owner, f.name) for n, m in FILES.items()
                             for f, _ in hostile.string_places(ORIGINAL[n], m) if f.kind != "text"})


@pytest.mark.parametrize("payload", hostile.REFUSED_PAYLOADS, ids=range(len(hostile.REFUSED_PAYLOADS)))
def test_control_characters_are_refused_and_printed_escaped(tmp_path, payload):
    layout = make_checkout(tmp_path / "repo")
    data = copy.deepcopy(ORIGINAL)
    fact = data["content/facts/2018/p1-standards.yml"]["facts"][0]
    fact["statement"] = payload + " statement"  # text: refused if it holds a control character
    fact["countries"][0] = payload  # a code: refused, and its message quotes it
    write_content(layout, data)
    result = run_cli(layout.root, "check")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert all(re.fullmatch(r"[^\s:][^:]*:\d+:\d+: .+ \(.+\)", line) for line in lines[:-1]), lines
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", result.stderr), repr(result.stderr)
    assert re.fullmatch(r"\d+ problems? found; nothing was built\.", lines[-1])


def test_urls_that_could_become_markup_are_refused():
    for url in ["https://evil.example/[a](onmouseover=alert(document.domain)//)",
                'https://example.org/" onmouseover="alert(1)', "javascript:alert(1)", "https://a b",
                "https://example.org/\x1b", "//evil.example/x", "https://example.org/<x>", "https://ex`ample.org/",
                "ftp://example.org/x", "https://user@evil.example/"]:
        data = {**ORIGINAL["content/sources.yml"]["sources"][0], "url": url}
        with pytest.raises(ValueError):
            model.Source.model_validate(data, strict=True)
    ok = {**ORIGINAL["content/sources.yml"]["sources"][0],
          "url": "https://www.iom.int/sites/g/files/tmzbdl486/files/2018-07/C-109-4%20Annual%20Report.pdf?x=1&y=2"}
    assert model.Source.model_validate(ok, strict=True).url


# --- generated strings, on the generator's output (fast; no MkDocs) ------------------------

@pytest.fixture(scope="module")
def generator_checkout(tmp_path_factory) -> Layout:
    return make_checkout(tmp_path_factory.mktemp("generated") / "repo")


MARKDOWN_EXTENSIONS = [next(iter(item)) if isinstance(item, dict) else item
                       for item in yaml.safe_load((REPO / "mkdocs.yml").read_text())["markdown_extensions"]]


def assert_markdown_pages_inert(pages: dict[str, bytes], label: str) -> None:
    """Each generated Markdown page, converted as MkDocs would (the extensions of mkdocs.yml),
    and its front-matter title, printed as Material prints it, hold no live markup."""
    import markdown

    for page, raw in pages.items():
        if not page.endswith(".md"):
            continue
        text_md = raw.decode("utf-8")
        front, body = (text_md.split("---\n", 2)[1:] if text_md.startswith("---\n") else ("", text_md))
        title = yaml.safe_load(front).get("title") if front else None
        if title is not None:
            assert not hostile.live_markup(f"<title>{title}</title><h1>{title}</h1>"), (page, title)
        rendered = markdown.markdown(body, extensions=MARKDOWN_EXTENSIONS)
        assert not hostile.live_markup(rendered), (page, label)


@pytest.fixture(scope="module")
def generated_without_payloads(generator_checkout) -> dict[str, bytes]:
    """The generator's pages for the unplanted content, themselves inert. An example's page
    with the same bytes converts to the same HTML, so only the pages a payload changed are
    converted again."""
    write_content(generator_checkout, ORIGINAL)
    knowledge, problems = check(generator_checkout)
    assert knowledge is not None, [str(problem) for problem in problems]
    pages = generate(generator_checkout, knowledge)
    assert_markdown_pages_inert(pages, "no payload")
    return pages


TEXT_PLACES = [(name, field, path) for name, model_class in FILES.items()
               for field, path in hostile.string_places(ORIGINAL[name], model_class)
               if field.kind == "text" and not (field.owner is model.SourceRef and "/2020/" in name)
               and not (field.owner in (model.Fact, model.Figure, model.Metric) and field.name in ("quote", "unit"))]


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(place=st.sampled_from(TEXT_PLACES), text=hostile.hostile_text)
def test_generated_hostile_text_in_any_text_field_renders_inert(generator_checkout, generated_without_payloads,
                                                                 monkeypatch, place, text):
    without_text_rules(monkeypatch)  # template syntax must render inert even past the check
    name, field, path = place
    data = copy.deepcopy(ORIGINAL)
    value = f"{text} (statement)" if field.name == "statement" else text
    hostile.put(data[name], path, value)
    write_content(generator_checkout, data)
    knowledge, problems = check(generator_checkout)
    if knowledge is None:  # refused: then with a located message, one line each
        assert all("\n" not in str(problem) and problem.fix for problem in problems)
        return
    changed = {page: raw for page, raw in generate(generator_checkout, knowledge).items()
               if raw != generated_without_payloads.get(page)}
    assert_markdown_pages_inert(changed, text)


def test_page_titles_are_html_that_prints_exactly_the_text():
    for text in hostile.PAYLOADS:
        title = json.loads(page_title(text))
        assert html.unescape(title) == " ".join(text.split())
        assert "<" not in title and ">" not in title
