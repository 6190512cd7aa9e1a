"""The live preview rewrites only what an edit affects, and ends exactly where a full build would."""

import pytest

from iomfacts import load
from iomfacts.docs_tree import write_tree
from iomfacts.incremental import affected_pages, regenerate
from iomfacts.load import ParseCache
from iomfacts.pipeline import check, generate


def tree(layout) -> dict[str, bytes]:
    return {path.relative_to(layout.docs).as_posix(): path.read_bytes()
            for path in sorted(layout.docs.rglob("*")) if path.is_file()}


def edit(layout, old: str, new: str, file: str = "facts/2018/p1-standards.yml"):
    path = layout.content / file
    path.write_text(path.read_text().replace(old, new))


def test_a_statement_edit_rewrites_only_the_pages_that_show_the_fact(site_copy):
    before, problems = check(site_copy)
    write_tree(site_copy.docs, generate(site_copy, before))
    edit(site_copy, "offices advised governments", "offices counselled governments")
    after, problems = check(site_copy)
    assert not problems
    changed = regenerate(site_copy, before, after, templates_changed=False)
    # The year page only counts facts, so a new wording leaves it as it was.
    assert set(changed) == {"years/2018/p1-standards.md", "pillars/p1-standards.md", "sources/ar-2018.md",
                            "countries/alb.md", "countries/egy.md", "countries/ken.md",
                            "data/facts.json", "data/facts.csv", "data/iom-facts.sqlite"}
    incremental = tree(site_copy)
    write_tree(site_copy.docs, generate(site_copy, after))
    assert tree(site_copy) == incremental, "the same docs tree as a full regeneration"


def test_a_figure_edit_also_updates_the_facts_that_differ_from_it(site_copy):
    before, _ = check(site_copy)
    write_tree(site_copy.docs, generate(site_copy, before))
    # The Annual Report's fact shows the DG report's figure ("Sources differ: ... about 440,600").
    edit(site_copy, "        qualifier: about\n", "        qualifier: nearly\n", "facts/2017/o3-safe-migration.yml")
    after, problems = check(site_copy)
    assert not problems
    changed = regenerate(site_copy, before, after, templates_changed=False)
    assert "years/2017/o3-safe-migration.md" in changed
    page = (site_copy.docs / "years/2017/o3-safe-migration.md").read_text()
    card = page[page.index('id="ar-2017-213-health-assessments"'):]
    assert "nearly 440,600" in card[: card.index("</div>")], "the other fact's card shows the new figure"
    incremental = tree(site_copy)
    write_tree(site_copy.docs, generate(site_copy, after))
    assert tree(site_copy) == incremental


def test_a_change_that_adds_a_page_or_a_template_edit_regenerates_everything(site_copy):
    before, _ = check(site_copy)
    write_tree(site_copy.docs, generate(site_copy, before))
    template = site_copy.templates / "glossary.md.j2"
    template.write_text(template.read_text() + "\nOne more line.\n")
    changed = regenerate(site_copy, before, before, templates_changed=True)
    assert changed == ["glossary.md"]
    edit(site_copy, "countries: [ALB, EGY, KEN]", "countries: [ALB, EGY, KEN, NER]")
    after, _ = check(site_copy)
    incremental_changed = regenerate(site_copy, before, after, templates_changed=False)
    assert "countries/ner.md" in incremental_changed and "compare/index.md" in incremental_changed
    incremental = tree(site_copy)
    write_tree(site_copy.docs, generate(site_copy, after))
    assert tree(site_copy) == incremental


def test_the_preview_parses_again_only_the_file_that_changed(site_copy, monkeypatch):
    cache = ParseCache()
    check(site_copy, cache=cache)
    parsed = []
    real_parse = load._parse
    monkeypatch.setattr(load, "_parse", lambda file, *rest: parsed.append(file.name) or real_parse(file, *rest))
    edit(site_copy, "offices advised governments", "offices counselled governments")
    knowledge, problems = check(site_copy, cache=cache)
    assert not problems
    assert parsed == ["p1-standards.yml"]
    assert "counselled" in knowledge.by_id["ar-2018-3-legislation-advice"].fact.statement


def test_a_cached_file_reports_its_problems_at_every_check(site_copy):
    cache = ParseCache()
    edit(site_copy, "kind: result", "kind: achievement")
    first = [str(problem) for problem in check(site_copy, cache=cache)[1]]
    second = [str(problem) for problem in check(site_copy, cache=cache)[1]]
    assert first and first == second, "an unchanged broken file is still reported, not forgotten"


def test_a_rewording_skips_the_pages_of_counts_and_headline_figures(site_copy):
    before, _ = check(site_copy)
    edit(site_copy, "offices advised governments", "offices counselled governments")
    reworded, _ = check(site_copy)
    pages = affected_pages(before, reworded)
    assert "years/2018/p1-standards.md" in pages and "index.md" not in pages and "compare/index.md" not in pages
    edit(site_copy, "        qualifier: about\n", "        qualifier: nearly\n", "facts/2017/o3-safe-migration.yml")
    refigured, _ = check(site_copy)
    assert {"index.md", "compare/index.md"} <= affected_pages(reworded, refigured), "a figure shows there"


def test_a_figure_edit_reaches_the_next_years_key_figures_which_show_it_beside_their_own(site_copy):
    """2018's summary shows each measure's 2017 values beside its 2018 ones: a 2017 figure edit
    rewrites it, as a full build would."""
    facts = site_copy.content / "facts/2018/p1-standards.yml"
    facts.write_text(facts.read_text() + """  - id: ar-2018-9-health-assessments
    kind: result
    statement: IOM carried out 376,800 health assessments before departure in 2018.
    countries: []
    figures:
      - value: 376800
        unit: assessments
        metric: health-assessments
    source:
      document: ar-2018
      paragraph: 9
    quote: "IOM conducted 376,800 health assessments"
""")
    before, problems = check(site_copy)
    assert not problems, [str(problem) for problem in problems]
    write_tree(site_copy.docs, generate(site_copy, before))
    assert "nearly 345,000" in (site_copy.docs / "years/2018.md").read_text(), "2017 beside 2018"
    edit(site_copy, "        qualifier: nearly\n", "        qualifier: about\n", O3)
    after, _ = check(site_copy)
    assert "years/2018.md" in regenerate(site_copy, before, after, templates_changed=False)
    incremental = tree(site_copy)
    write_tree(site_copy.docs, generate(site_copy, after))
    assert tree(site_copy) == incremental


P1 = "facts/2018/p1-standards.yml"
O3 = "facts/2017/o3-safe-migration.yml"


@pytest.mark.parametrize("old, new, file", [
    ("advised governments", "counselled governments", P1),  # statement
    ("tags: [policy]", "tags: [policy, legislation]", P1),  # tags
    ("figure is higher than", "figure is well above", O3),  # the note of a fact that differs
    ("        qualifier: about\n", "        qualifier: nearly\n", O3),  # a figure another fact shows
    ("        unit: countries\n", "        unit: countries and territories\n", O3),  # a figure's unit
    ("kind: result\n    statement: Seventy", "kind: context\n    statement: Seventy", P1),  # kind
    ("countries: [ALB, EGY, KEN]", "countries: [ALB, KEN]", P1),  # a country loses a fact
    ("paragraph: 3\n", "paragraph: 4\n", P1),  # where in the source
], ids=["statement", "tags", "differing-note", "differing-figure", "figure-unit", "kind", "countries", "paragraph"])
def test_every_kind_of_edit_ends_where_a_full_build_would(site_copy, old, new, file):
    before, _ = check(site_copy)
    write_tree(site_copy.docs, generate(site_copy, before))
    edit(site_copy, old, new, file)
    after, problems = check(site_copy)
    assert not problems, [str(problem) for problem in problems]
    regenerate(site_copy, before, after, templates_changed=False)
    incremental = tree(site_copy)
    write_tree(site_copy.docs, generate(site_copy, after))
    assert tree(site_copy) == incremental
