"""The view models behind country and measure pages, on the real content: what a reader is told."""

from __future__ import annotations

import pytest

from conftest import REPO
from iomfacts import views
from iomfacts.pipeline import Layout, check


@pytest.fixture(scope="module")
def knowledge():
    result, problems = check(Layout(REPO))
    assert result is not None, [str(problem) for problem in problems]
    return result


def test_yemen_profile_gives_its_own_figures_year_by_year(knowledge):
    profile = views.country_profile(knowledge, "YEM")
    [returns] = [row for row in profile.key_figures if row.metric.id == "avr-by-host-country"]
    assert {year: [v.figure.value for v in cell.shown] for year, cell in returns.cells.items()} == \
        {2016: [2594], 2017: [1942]}
    staff = {year.year: year.total for year in profile.staff}
    assert staff[2017] == 76 + 2 and staff[2020] == 150 + 4, "both staff categories, added up"
    dataset, row = profile.funding_total
    assert dataset.year == 2019 and row.total == 195_000_000
    assert profile.table_years == [2016, 2017, 2018, 2019, 2020]


def test_a_country_profile_separates_facts_about_it_alone_from_lists_of_countries(knowledge):
    profile = views.country_profile(knowledge, "YEM")
    alone = [r for year in profile.facts_by_year for _, records in year.about_country for r in records]
    several = [r for year in profile.facts_by_year for r in year.among_several]
    assert alone and all(r.fact.countries == ["YEM"] for r in alone)
    assert several and all(len(r.fact.countries) > 1 for r in several)
    assert len(alone) + len(several) == len(knowledge.facts_for_country("YEM")) == profile.alone + profile.several
    assert sum(sum(per_year.values()) for _, per_year in profile.pillar_counts) == len(alone) + len(several)


def test_a_figure_in_a_fact_about_several_countries_is_never_one_countrys_key_figure(knowledge):
    for code in knowledge.named_countries:
        for row in views.country_profile(knowledge, code).key_figures:
            for cell in row.cells.values():
                assert all(value.record.fact.countries == [code] for value in cell.values), (code, row.label)


def test_two_documents_differing_and_one_document_giving_two_figures_are_told_apart(knowledge):
    staff = {cell.year: cell for cell in views.measure_view(knowledge, "staff-total").by_year}
    assert staff[2017].disagreement == "documents", "AR 2017 and the DG's report"
    assert staff[2020].disagreement == "one document", "AR 2020 prints 16,254 and 16,524"
    assert staff[2016].disagreement is None
    assert staff[2018].notes, "the editors' notes explain a disagreement"


def test_a_report_repeating_a_value_counts_once(knowledge):
    staff = {cell.year: cell for cell in views.measure_view(knowledge, "staff-total").by_year}
    assert [v.figure.value for v in staff[2017].shown].count(10978) == 3, "AR 2017, AR 2018 and AR 2020 print it"
    assert len(staff[2017].values) >= len(staff[2017].shown)


def test_per_country_measures_are_tabulated_by_country(knowledge):
    view = views.measure_view(knowledge, "avr-by-country-of-origin")
    assert not view.by_year and view.by_country
    assert view.years == [2016, 2017]
    names = [country.name for country, _ in view.by_country]
    assert names == sorted(names)


def test_a_plan_is_listed_apart_and_never_among_the_results_of_its_year(knowledge):
    """The Director General's USD 1.8 billion projection for 2017 is not a second 2017 value
    beside the USD 1,605.4 million actually spent, nor a disagreement with it."""
    view = views.measure_view(knowledge, "expenditure-total")
    spent = {cell.year: cell for cell in view.by_year}[2017]
    assert [v.record.fact.kind for v in spent.shown] == ["result"] * len(spent.shown)
    assert {(v.figure.value, v.figure.scale) for v in spent.shown} == {(1605.4, "million")}
    assert spent.disagreement is None and spent.mark == ""
    [projected] = [cell for cell in view.plans if cell.year == 2017]
    assert [(v.document, v.figure.value, v.figure.scale) for v in projected.plans] == [("dg-108", 1.8, "billion")]


def test_no_measure_puts_a_plan_in_its_results_and_every_plan_is_listed(knowledge):
    for metric in views.measures_with_values(knowledge):
        view = views.measure_view(knowledge, metric.id)
        cells = view.by_year + [cell for _, cells in view.by_country for cell in cells]
        assert not any(value.is_plan for cell in cells for value in cell.shown), metric.id
        planned = {(r.id, f.value) for pairs in knowledge.metric_values(metric.id).values()
                   for r, f in pairs if r.fact.kind == "plan"}
        assert {(v.record.id, v.figure.value) for cell in view.plans for v in cell.plans} == planned, metric.id


def test_in_brief_opens_each_country_with_its_own_results_latest_year_first(knowledge):
    """The first screen of a country page: results about it alone (never a plan, background or a
    fact about several countries), at most six, spread over its years with the latest first,
    and within a year those with figures first."""
    profiled = 0
    for code in knowledge.countries:
        profile = views.country_profile(knowledge, code)
        results = [r for year in profile.facts_by_year for _, records in year.about_country for r in records
                   if r.fact.kind == "result"]
        brief = profile.highlights
        assert len(brief) == min(len(results), views.HIGHLIGHTS), code
        assert all(r.fact.countries == [code] and r.fact.kind == "result" for r in brief), code
        years = [r.year for r in brief]
        assert years == sorted(years, reverse=True), code
        for year in set(years):
            chosen = [r for r in brief if r.year == year]
            left_out = [r for r in results if r.year == year and r not in chosen]
            if any(views.is_aside(r) for r in chosen):
                assert all(views.is_aside(r) for r in left_out), f"{code} {year}: a caption before the report's text"
            if any(not r.fact.figures and not views.is_aside(r) for r in chosen):
                assert all(not r.fact.figures or views.is_aside(r) for r in left_out), \
                    f"{code} {year}: a figure was left out for none"
        if len({r.year for r in results}) > 1 and len(results) > views.HIGHLIGHTS:
            assert len(set(years)) > 1, f"{code}: one year crowds out the others"
        profiled += bool(brief)
    assert profiled > 50


def test_yemen_in_brief_starts_with_its_latest_results(knowledge):
    profile = views.country_profile(knowledge, "YEM")
    latest = max(r.year for year in profile.facts_by_year for _, records in year.about_country for r in records
                 if r.fact.kind == "result")
    assert profile.highlights[0].year == latest
    assert len(profile.highlights) == views.HIGHLIGHTS


def test_photo_captions_and_stories_come_last_in_brief(knowledge):
    """Bangladesh's 2018 results include a story box (Aisha) and a photo caption: the report's
    own account of that year comes first."""
    brief = [r for r in views.country_profile(knowledge, "BGD").highlights if r.year == 2018]
    asides = [views.is_aside(r) for r in brief]
    assert asides == sorted(asides), [(r.id, r.fact.source.section) for r in brief]
    assert not asides[0]


def test_a_pillar_shows_how_its_measures_changed_from_its_own_facts(knowledge):
    measures = views.pillar_measures(knowledge, "o2-crises")
    changing = {metric.id: values for metric, values in measures.changing}
    reach = changing["crisis-programming-reach"]
    assert {year: [figure.value for _, figure in pairs] for year, pairs in reach.items()} == \
        {2017: [28.9], 2018: [30]}  # millions, as printed
    for pillar in knowledge.pillars:
        measures = views.pillar_measures(knowledge, pillar)
        mine = {record.id for record in knowledge.facts_for_pillar(pillar)}
        for metric, values in measures.changing:
            assert metric.scope == "global"
            assert all(record.id in mine for pairs in values.values() for record, _ in pairs), (pillar, metric.id)
            results = {year for year, pairs in values.items() if any(r.fact.kind != "plan" for r, _ in pairs)}
            assert len(results) >= 2, (pillar, metric.id)
            assert set(values) <= set(measures.all_years)
        shown = {metric.id for metric, _ in measures.changing} | {metric.id for metric, _ in measures.single}
        reported = {f.metric for record in knowledge.facts_for_pillar(pillar) for f in record.fact.figures
                    if f.metric and knowledge.metrics[f.metric].scope == "global"}
        assert shown == reported, f"{pillar}: every measure its facts report, once"


def test_a_region_profile_gathers_the_facts_of_its_countries(knowledge):
    regions = knowledge.countries_by_region()
    for region_id, members in regions.items():
        codes = {country.code for country in members}
        profile = views.region_profile(knowledge, region_id)
        counts = [n for _, n in profile.countries]
        assert counts == sorted(counts, reverse=True) and all(n > 0 for n in counts), region_id
        assert {country.code for country, _ in profile.countries} == {c for c in codes if knowledge.facts_for_country(c)}
        assert all(codes & set(record.fact.countries) for record in profile.records), region_id
        assert len({record.id for record in profile.records}) == len(profile.records) == sum(profile.by_year.values())
        for record in profile.highlights:
            assert record.fact.kind == "result" and len(record.fact.countries) == 1
            assert record.fact.countries[0] in codes, region_id
        years = [record.year for record in profile.highlights]
        assert years == sorted(years, reverse=True) and len(profile.highlights) <= views.REGION_HIGHLIGHTS
        named = [record.fact.countries[0] for record in profile.highlights]
        assert len(named) == len(set(named)), f"{region_id}: a country twice in brief"
        assert all(row.region == region_id for _, row in profile.funding)
    west = views.region_profile(knowledge, "west-central-africa")
    assert len(west.highlights) == views.REGION_HIGHLIGHTS and len({r.year for r in west.highlights}) >= 3
    [(dataset, row)] = west.funding
    assert dataset.year == 2019 and row.total == 433_861_000


def test_a_report_that_gives_two_figures_is_not_a_disagreement_between_reports(knowledge):
    """2018 staff: the Annual Report for 2018 prints 12,000 (foreword) and 12,673 (annex), the
    Annual Report for 2020 12,673. The reports agree; one of them gives two figures. In 2017
    the Director General's 'over 10,000' shares no value with the reports' 10,978."""
    staff = knowledge.metric_values("staff-total")
    cell = lambda year: views.Cell(year, [views.Value(record, figure) for record, figure in staff[year]])
    assert cell(2018).disagreement == "one document" and cell(2018).mark == "two figures in one report"
    assert cell(2017).disagreement == "documents" and cell(2017).mark == "sources differ"


def test_libya_and_yemen_show_the_evacuations_year_by_year(knowledge):
    """AR-2017 para 198 and AR-2018 para 205: the Humanitarian Evacuation Cell's evacuations from
    Libya and Yemen, a country measure, so the country pages' key figures show the change."""
    for code, expected in (("LBY", {2017: [19370], 2018: [16457]}), ("YEM", {2017: [2873], 2018: [3278]})):
        [row] = [row for row in views.country_profile(knowledge, code).key_figures if row.metric.id == "hec-evacuations"]
        assert {year: [v.figure.value for v in cell.shown] for year, cell in row.cells.items()} == expected
