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
