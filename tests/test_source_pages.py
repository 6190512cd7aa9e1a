"""Source pages and measure pages tell a reader what the extracted text lost and what was only
planned: the charts whose captions alone survive, and plans listed apart from results."""

from __future__ import annotations

import re

import pytest

from conftest import REPO, run_cli, write
from iomfacts.pages import measure_path, plan_pages, source_path
from iomfacts.pipeline import Layout, check
from iomfacts.render import render_pages


@pytest.fixture(scope="module")
def real():
    layout = Layout(REPO)
    knowledge, problems = check(layout, REPO.parent / "shared" / "seeds", skip_missing_texts=True)
    assert knowledge is not None, [str(problem) for problem in problems]
    return layout, knowledge, plan_pages(knowledge)


def rendered(real, path: str) -> str:
    layout, knowledge, planned = real
    return render_pages(knowledge, planned, layout.templates, only={path})[path].decode("utf-8")


def section(markdown: str, anchor: str) -> str:
    """The Markdown of the section whose heading carries `{: #anchor }`, up to the next heading."""
    start = markdown.index(f"{{: #{anchor} }}")
    end = markdown.find("\n## ", start)
    return markdown[start:end if end >= 0 else None]


def test_each_source_page_lists_the_figures_its_text_lost_with_their_captions(real):
    _, knowledge, _ = real
    for source in knowledge.sources.values():
        page = rendered(real, source_path(source.id))
        if not source.lost_figures:
            assert "Figures not in the extracted text" not in page, source.id
            continue
        lost = section(page, "lost-figures")
        rows = [line for line in lost.splitlines() if line.startswith("| ") and not line.startswith("| Caption")]
        assert len(rows) == len(source.lost_figures), source.id
    ar2020 = section(rendered(real, source_path("ar-2020")), "lost-figures")
    assert "| Key figures: IOM's global COVID\\-19 response | Box 1 |" in ar2020, "the Box 1 key-figures map"
    ar2018 = section(rendered(real, source_path("ar-2018")), "lost-figures")
    for caption in ("Number of beneficiaries receiving IOM visa\\-related support",
                    "Snapshot of gender balance within the Organization"):
        assert f"| {caption} |" in ar2018
    mi2019 = section(rendered(real, source_path("mi-2019")), "lost-figures")
    assert [number for number in re.findall(r"\| Figure (\d):", mi2019)] == ["1", "2", "3", "4", "5", "6"]
    assert "| The caption only\\. |" in mi2019, "a figure of which nothing else survives says so"


def test_a_lost_figures_caption_must_be_found_in_the_source_text(site_copy):
    sources = site_copy.content / "sources.yml"
    text = sources.read_text(encoding="utf-8")
    write(sources, text.replace("Number of beneficiaries receiving IOM visa-related support",
                                "Number of beneficiaries receiving IOM visa support"))
    result = run_cli(site_copy.root, "check", "--sources", str(site_copy.root / "sources"))
    assert result.returncode == 1
    [problem] = [line for line in result.stderr.splitlines() if "caption" in line]
    assert re.fullmatch(r"content/sources\.yml:\d+:\d+: caption not found in ar-2018 \(copy the caption exactly "
                        r"from the source text\)", problem), problem


def test_a_measure_page_lists_plans_apart_from_the_values_by_year(real):
    page = rendered(real, measure_path("expenditure-total"))
    by_year, plans = section(page, "by-year"), section(page, "plans")
    table = by_year[by_year.index("| Year | Value | Reported in |"):]  # below the chart
    assert "USD 1,605\\.4 million" in table and "1\\.8 billion" not in table
    assert "sources differ" not in table, "a projection is not a disagreement"
    assert "| 2017 | " in plans and "USD 1\\.8 billion" in plans


# --- "Not yet covered": what no fact cites, from the document's text ---------------------------

def test_each_source_page_says_which_numbered_paragraphs_or_sections_no_fact_cites(real):
    _, knowledge, _ = real
    for source in knowledge.sources.values():
        page = section(rendered(real, source_path(source.id)), "not-covered")
        cover = knowledge.not_covered(source.id)
        assert cover is not None, f"{source.id}: the real build has every text"
        unit = "numbered paragraphs" if cover.by_paragraph else "sections"
        assert f"{cover.covered:,} of {cover.total:,} {unit} have at least one fact" in " ".join(page.split())
        items = [line for line in page.splitlines() if line.startswith("- ")]
        assert len(items) == len(cover.gaps), source.id
        assert ("<details" in page) == (len(cover.gaps) > 10), "a long list is collapsed"
    assert knowledge.not_covered("ar-2018").by_paragraph and not knowledge.not_covered("mi-2019").by_paragraph
    mi2019 = section(rendered(real, source_path("mi-2019")), "not-covered")
    assert "does not number its paragraphs, so it is counted by section" in " ".join(mi2019.split())


def _fixture_source_page(layout, sources) -> str:
    knowledge, problems = check(layout, sources, skip_missing_texts=True, published=None)
    assert knowledge is not None, [str(problem) for problem in problems]
    path = source_path("ar-2018")
    return section(render_pages(knowledge, plan_pages(knowledge), layout.templates, only={path})[path].decode(),
                   "not-covered")


def test_a_paragraph_no_fact_cites_is_listed_with_its_first_words_escaped(site_copy):
    text = site_copy.root / "sources" / "ar-2018.txt"
    write(text, text.read_text(encoding="utf-8")
          + "\n- 221. In addition to the <script>alert(1)</script> checks, **over 50** [offices](x) helped.\n")
    page = _fixture_source_page(site_copy, site_copy.root / "sources")
    assert "1 of 3 numbered paragraphs have at least one fact;\nthese 2 have none" in page
    [item] = [line for line in page.splitlines() if line.startswith("- Paragraph 221")]
    assert item.startswith("- Paragraph 221: “In addition to the &lt;script&gt;alert\\(1\\)&lt;/script&gt; checks, "
                           "\\*\\*over 50\\*\\* \\[offices\\]\\(x\\)"), item
    assert "<details" not in page


def test_a_long_list_of_uncovered_paragraphs_is_collapsed(site_copy):
    text = site_copy.root / "sources" / "ar-2018.txt"
    extra = "".join(f"\n- {number}. Paragraph {number} says nothing any fact cites.\n" for number in range(221, 233))
    write(text, text.read_text(encoding="utf-8") + extra)
    page = _fixture_source_page(site_copy, site_copy.root / "sources")
    assert "these 13 have none" in page, "paragraph 220 and the twelve added"
    assert '<details class="not-covered" markdown="1">\n<summary>Show the 13 numbered paragraphs</summary>' in page
    assert page.count("\n- Paragraph 2") == 13


def test_without_the_source_texts_the_page_says_so_instead_of_an_empty_list(site_copy):
    page = _fixture_source_page(site_copy, None)
    assert "built without the document's text" in " ".join(page.split())
    assert not [line for line in page.splitlines() if line.startswith("- ")]
