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
        "    statement: <script>alert(1)</script> [x](javascript:alert(1)) {{ 7*7 }} **b** Seventy-two per cent of IOM offices")
    text = text.replace("    tags: [policy]", "    tags: [policy]\n    note: \"<b>note</b> {% raw %} $x$\"")
    path.write_text(text)
    result = run_cli(site_copy.root, "build")
    assert result.returncode == 0, result.stderr
    page = (site_copy.site / "countries/ken/index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page
    assert 'href="javascript:' not in page
    assert "[x](javascript:alert(1))" in page
    assert "{{ 7*7 }}" in page and "49" not in re.sub(r"<[^>]+>", "", page).split("Seventy-two")[0][-200:]
    assert "**b**" in page
    assert "&lt;b&gt;note&lt;/b&gt; {% raw %} $x$" in page
