"""`build_site.py locate "some words"`: where words copied from a PDF are in the source texts."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli, write
from iomfacts.document_units import split_document
from iomfacts.locate import NormalizedText, SourceDocument, locate, near_miss

REPORT = (Path(__file__).resolve().parent / "fixtures" / "propose" / "numbered-report.txt").read_text(encoding="utf-8")


def _searched(*texts: tuple[str, str]) -> list[tuple[SourceDocument, NormalizedText]]:
    return [(SourceDocument(name, f"{name}.txt", text, split_document(text)), NormalizedText(text))
            for name, text in texts]


def test_words_are_found_across_a_line_break_a_page_break_and_a_hyphenation():
    # In the text: "...anti-trafficking\nmeasures across the first\n\nhalf of the year".
    [hit] = locate("anti-trafficking measures across the first half of the year", _searched(("report", REPORT)))
    assert (hit.source.id, hit.line, hit.place) == ("report", 18, "paragraph 2")
    assert hit.heading == "Supporting States' adherence to international standards"
    crisis = "In 2031 the combined revenue, crisis related programming"
    assert locate(crisis, _searched(("report", REPORT.replace("crisis-related", "crisis-\nrelated")))) == []
    [hit] = locate("crisis-related programming reached", _searched(("report", REPORT.replace("crisis-related", "crisis-\nrelated"))))
    assert hit.place == "Foreword"


def test_every_place_the_words_occur_is_listed_in_every_document():
    other = "FOREWORD\n\nIOM assisted 72,176 stranded migrants in 2030 too.\n"
    hits = locate("IOM assisted 72,176 stranded migrants", _searched(("report", REPORT), ("other", other)))
    assert [(hit.source.id, hit.place) for hit in hits] == [("report", "Box 1"), ("other", "Foreword")]


def test_words_found_nowhere_show_how_far_they_match_and_what_the_text_says_there():
    searched = _searched(("report", REPORT))
    words = "IOM carried out more than 376,800 post-arrival health assessments"
    assert locate(words, searched) == []
    miss = near_miss(words, searched)
    assert (miss.hit.place, miss.matched_words, miss.total_words) == ("paragraph 6", 6, 9)
    assert miss.goes_on.startswith("health assessments in over 60 countries")


def test_locate_prints_file_line_document_and_paragraph(site_copy):
    sources = site_copy.root / "sources"
    result = run_cli(site_copy.root, "locate", "pre-departure health", "assessments in over 60 countries",
                     "--sources", str(sources))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["ar-2018.txt:2: ar-2018, paragraph 220"]


def test_locate_says_when_nothing_is_found_and_never_obeys_the_text(site_copy):
    sources = site_copy.root / "sources"
    text = write(sources / "ar-2018.txt", (sources / "ar-2018.txt").read_text()
                 + "- 221. IOM vaccinated 5,000 people\x1b[31m against measles.\n").read_text()
    line = text.splitlines().index("- 221. IOM vaccinated 5,000 people\x1b[31m against measles.") + 1
    result = run_cli(site_copy.root, "locate", "IOM vaccinated 5,000 children", "--sources", str(sources))
    assert result.returncode == 1
    assert "not found" in result.stderr
    assert f"the first 3 of 4 words are at ar-2018.txt:{line}: ar-2018, paragraph 221" in result.stderr
    assert "\x1b" not in result.stderr and "\\x1b" in result.stderr
