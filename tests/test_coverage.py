"""`build_site.py coverage SOURCE`: the paragraphs of a document that no fact cites yet."""

from __future__ import annotations

from conftest import run_cli
from iomfacts.coverage import numbered_paragraphs


def test_numbered_paragraphs_skip_lists_that_restart_inside_a_paragraph():
    text = "\n".join(["Foreword", "- 1. First paragraph.", "- 2. Second, with a list:", "1. an item",
                      "2. another item", "- 3. Third paragraph.", "7. A page number or a stray figure",
                      "- 4. Fourth."])
    assert [number for number, _, _ in numbered_paragraphs(text)] == [1, 2, 3, 4]
    assert numbered_paragraphs(text)[2][1] == 6, "the line in the text file, for an editor to open"


def test_coverage_lists_the_paragraphs_no_fact_cites_with_their_first_words(site_copy):
    sources = site_copy.root / "sources"
    text = (sources / "ar-2018.txt").read_text()
    (sources / "ar-2018.txt").write_text(
        text + "\n- 4. A paragraph no fact cites yet, with a control character \x1b[31m in it.\n")
    result = run_cli(site_copy.root, "coverage", "ar-2018", "--sources", str(sources))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Annual Report for 2018 (ar-2018, ar-2018.txt)"
    uncovered = [line for line in lines if "paragraph 4:" in line]
    assert len(uncovered) == 1 and "A paragraph no fact cites yet" in uncovered[0]
    assert uncovered[0].lstrip().startswith("ar-2018.txt:"), "file:line, as editors' tools read it"
    assert "\x1b" not in result.stdout and "\\x1b" in result.stdout, "the document's text is shown, never obeyed"
    assert not any("paragraph 3:" in line for line in lines), "paragraph 3 has a fact"
    covered = run_cli(site_copy.root, "coverage", "ar-2018", "--sources", str(sources), "--all").stdout
    assert "paragraph 3: 1 fact(s): ar-2018-3-legislation-advice" in covered


def test_coverage_of_an_unknown_source_or_a_missing_text_says_what_to_do(site_copy):
    unknown = run_cli(site_copy.root, "coverage", "ar-1999", "--sources", str(site_copy.root / "sources"))
    assert unknown.returncode == 1 and "unknown source 'ar-1999'" in unknown.stderr
    missing = run_cli(site_copy.root, "coverage", "ar-2018", "--sources", str(site_copy.root / "nowhere"))
    assert missing.returncode == 1 and "pass --sources DIR" in missing.stderr
