"""`build_site.py check`: every problem at once, at file:line:col, with a fix; exit 1."""

from pathlib import Path

from conftest import run_cli, write

FACT = """\
year: {year}
pillar: {pillar}
facts:
  - id: {id}
    kind: result
    statement: IOM carried out nearly 345,000 health assessments before departure.
    countries: [{countries}]
    figures:
      - value: {value}
        unit: {unit}
        metric: health-assessments
    source:
      document: {document}
      paragraph: 213
    quote: "In 2017, IOM carried out nearly 345,000 pre-departure health assessments in over 80 countries"
"""


def fact_file(**overrides) -> str:
    values = dict(year=2017, pillar="o3-safe-migration", id="ar-2017-213-extra", countries="KEN",
                  value=345000, unit="assessments", document="ar-2017")
    values.update(overrides)
    return FACT.format(**values)


def check(root: Path, *extra: str, annotations: bool = False):
    return run_cli(root, "check", "--sources", str(root / "sources"), *extra, annotations=annotations)


def test_fixture_content_passes_with_every_quote_found(site_copy):
    result = check(site_copy.root)
    assert result.returncode == 0, result.stderr
    assert "4 facts" in result.stdout and "all quotes found" in result.stdout


def test_cross_reference_errors_are_all_reported_at_their_line_and_column(site_copy):
    write(site_copy.content / "facts/2017/o1-socioeconomic.yml",
          fact_file(pillar="o1-socioeconomic", countries="KEN, XYZ", unit="people", document="ar-2071"))
    result = check(site_copy.root)
    assert result.returncode == 1
    errors = result.stderr.splitlines()
    path = "content/facts/2017/o1-socioeconomic.yml"
    assert f"{path}:7:22: unknown country 'XYZ' (use an ISO3 code from content/countries.yml, or add the country there)" in errors
    assert f"{path}:10:15: unit 'people' disagrees with metric 'health-assessments', whose unit is 'assessments' (write `unit: assessments`, or use another metric)" in errors
    assert any(line.startswith(f"{path}:13:17: unknown source 'ar-2071' (") for line in errors)
    assert "Traceback" not in result.stderr
    assert errors[-1] == "3 problems found; nothing was built."


def test_year_and_pillar_must_agree_with_the_path(site_copy):
    write(site_copy.content / "facts/2018/o1-socioeconomic.yml", fact_file(pillar="o2-crises"))
    errors = check(site_copy.root).stderr.splitlines()
    path = "content/facts/2018/o1-socioeconomic.yml"
    assert any(line.startswith(f"{path}:1:7: year 2017 disagrees with the folder '2018'") for line in errors)
    assert any(line.startswith(f"{path}:2:9: pillar 'o2-crises' disagrees with the file name 'o1-socioeconomic.yml'")
               for line in errors)


def test_unknown_pillar_is_reported_with_a_suggestion(site_copy):
    write(site_copy.content / "facts/2017/o3-safe-migraton.yml", fact_file(pillar="o3-safe-migraton"))
    errors = check(site_copy.root).stderr
    assert "content/facts/2017/o3-safe-migraton.yml:2:9: unknown pillar 'o3-safe-migraton' (did you mean 'o3-safe-migration'?" in errors


def test_duplicate_fact_ids_across_files_name_both_places(site_copy):
    write(site_copy.content / "facts/2017/o1-socioeconomic.yml",
          fact_file(pillar="o1-socioeconomic", id="ar-2017-213-health-assessments"))
    errors = check(site_copy.root).stderr
    assert ("content/facts/2017/o3-safe-migration.yml:4:9: duplicate fact id 'ar-2017-213-health-assessments' "
            "(also in content/facts/2017/o1-socioeconomic.yml:4)") in errors


def test_unknown_metric_and_figure_missing_from_quote(site_copy):
    text = fact_file(pillar="o1-socioeconomic", value=346000).replace("health-assessments\n", "health-assesments\n")
    write(site_copy.content / "facts/2017/o1-socioeconomic.yml", text)
    errors = check(site_copy.root).stderr
    assert "o1-socioeconomic.yml:9:16: figure 346,000 does not appear in the quote" in errors
    assert "o1-socioeconomic.yml:11:17: unknown metric 'health-assesments' (did you mean 'health-assessments'?" in errors


def test_quote_not_found_says_how_far_it_matched(site_copy):
    text = fact_file(pillar="o1-socioeconomic").replace("pre-departure health assessments", "pre-departure medical checks")
    write(site_copy.content / "facts/2017/o1-socioeconomic.yml", text)
    errors = check(site_copy.root).stderr
    assert "o1-socioeconomic.yml:15:12: quote not found in ar-2017 (the first 8 words match, then it differs)" in errors


def test_quotes_match_across_line_breaks_case_and_punctuation(site_copy):
    # The source text breaks this sentence after "around"; curly quotes and case differ.
    text = fact_file(pillar="o1-socioeconomic").replace(
        '"In 2017, IOM carried out nearly 345,000 pre-departure health assessments in over 80 countries"',
        "'IN 2017 IOM carried out nearly 345 000 pre‑departure health assessments in over 80 countries around the world'")
    write(site_copy.content / "facts/2018/o3-safe-migration.yml",
          text.replace("year: 2017", "year: 2018").replace("o1-socioeconomic", "o3-safe-migration"))
    result = check(site_copy.root)
    assert result.returncode == 0, result.stderr


def test_model_errors_unknown_field_wrong_type_missing_field(site_copy):
    text = fact_file(pillar="o1-socioeconomic").replace("    kind: result\n", "    kind: results\n    figure: 3\n")
    text = text.replace("value: 345000", 'value: "345,000"').replace("    quote:", "    quot:")
    write(site_copy.content / "facts/2017/o1-socioeconomic.yml", text)
    errors = check(site_copy.root).stderr
    path = "content/facts/2017/o1-socioeconomic.yml"
    assert f"{path}:5:11: 'kind' has an invalid value 'results' (use one of: 'result', 'plan' or 'context')" in errors
    assert f"{path}:6:5: unknown field 'figure' (did you mean 'figures'? valid fields: id, kind," in errors
    assert f"{path}:10:16: 'value' must be a number, not '345,000'" in errors
    assert f"{path}:16:5: unknown field 'quot' (did you mean 'quote'?" in errors
    assert f"{path}:4:5: missing required field 'quote' (add `quote:`)" in errors


def test_quote_longer_than_thirty_words_is_refused(site_copy):
    long_quote = " ".join(["word"] * 31)
    text = fact_file(pillar="o1-socioeconomic").replace(
        '"In 2017, IOM carried out nearly 345,000 pre-departure health assessments in over 80 countries"',
        f'"{long_quote} 345000"')
    write(site_copy.content / "facts/2017/o1-socioeconomic.yml", text)
    errors = check(site_copy.root).stderr
    assert "o1-socioeconomic.yml:15:12: 'quote' has 32 words; a quote is at most 30" in errors


def test_unsafe_url_in_sources_is_refused(site_copy):
    sources = site_copy.content / "sources.yml"
    sources.write_text(sources.read_text().replace("https://example.org/ar-2018.pdf", '"javascript:alert(1)"'))
    errors = check(site_copy.root).stderr
    assert "content/sources.yml:27:10: 'url' must be a plain http:// or https:// address" in errors


def test_nav_must_list_every_generated_year_and_pillar_page(site_copy):
    write(site_copy.content / "facts/2017/o1-socioeconomic.yml", fact_file(pillar="o1-socioeconomic"))
    errors = check(site_copy.root).stderr
    assert "mkdocs.yml:" in errors and "page 'pillars/o1-socioeconomic.md' is generated but missing from nav" in errors


def test_github_actions_get_inline_annotations(site_copy):
    write(site_copy.content / "facts/2017/o1-socioeconomic.yml",
          fact_file(pillar="o1-socioeconomic", countries="XYZ"))
    errors = check(site_copy.root, annotations=True).stderr
    assert "::error file=content/facts/2017/o1-socioeconomic.yml,line=7,col=17::unknown country 'XYZ'" in errors


def test_broken_yaml_in_one_file_does_not_hide_problems_in_another(site_copy):
    write(site_copy.content / "facts/2017/o1-socioeconomic.yml", "year: 2017\npillar: o1-socioeconomic\nyear: 2018\n")
    write(site_copy.content / "facts/2017/o2-crises.yml", fact_file(pillar="o2-crises", countries="XYZ"))
    errors = check(site_copy.root).stderr
    assert "content/facts/2017/o1-socioeconomic.yml:3:1: duplicate key 'year'" in errors
    assert "content/facts/2017/o2-crises.yml:7:17: unknown country 'XYZ'" in errors


def test_a_reference_into_a_file_that_failed_to_load_is_not_called_unknown(site_copy):
    """One broken file must not make every fact that points into it look wrong."""
    from iomfacts.pipeline import check as check_content

    other = site_copy.content / "facts/2018/p1-standards.yml"
    other.write_text(other.read_text().replace("    tags: [policy]",
                                               "    tags: [policy]\n    differs_from: [ar-2017-213-health-assessments]"))
    broken = site_copy.content / "facts/2017/o3-safe-migration.yml"
    # A misspelt field (the file parses, its model fails); then a YAML syntax error.
    for old, new in (("    kind: result\n", "    knd: result\n"), ("    kind: result\n", "   kind: result\n")):
        original = broken.read_text()
        broken.write_text(original.replace(old, new, 1))
        knowledge, problems = check_content(site_copy)
        messages = [str(problem) for problem in problems]
        assert knowledge is None
        assert not any("unknown fact" in message for message in messages), messages
        assert any(message.startswith("content/facts/2018/p1-standards.yml:") and
                   "cannot be checked while content/facts/2017/o3-safe-migration.yml has errors" in message
                   for message in messages), messages
        broken.write_text(original)


def test_a_country_name_of_a_megabyte_and_a_half_is_refused_with_a_message(site_copy):
    countries = site_copy.content / "countries.yml"
    countries.write_text(countries.read_text().replace("name: Albania", "name: " + "Albania " * 190_000 + "x"))
    result = run_cli(site_copy.root, "build")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "countries.yml:12:11: 'name': string should have at most 120 characters" in result.stderr
    assert not (site_copy.root / "site").exists()


# --- text rules (iomfacts/text_rules.py) -----------------------------------------------

def test_unfilled_placeholders_are_refused_in_any_text_field_at_their_place(site_copy):
    text = fact_file(pillar="o1-socioeconomic").replace(
        "    statement: IOM carried out nearly 345,000 health assessments before departure.\n",
        "    statement: IOM carried out nearly 345,000 health assessments before departure.\n"
        "    note: \"Total {r['total']} is the cell before F and M\"\n")
    write(site_copy.content / "facts/2017/o1-socioeconomic.yml", text)
    metrics = site_copy.content / "metrics.yml"
    metrics.write_text(metrics.read_text().replace(
        "definition: Migrants who received assisted voluntary return support.",
        "definition: Migrants who received %s support, {{ label }}."))
    errors = check(site_copy.root).stderr.splitlines()
    assert ("content/facts/2017/o1-socioeconomic.yml:7:11: 'note' holds an unfilled placeholder "
            "(format field '{r['total']}') (write the value itself, as the source prints it; "
            "a placeholder would be published as typed)") in errors
    # The first placeholder of a field is named; the field is reported once.
    assert [line for line in errors if line.startswith("content/metrics.yml:")] == [
        "content/metrics.yml:10:17: 'definition' holds an unfilled placeholder (%-format conversion '%s') "
        "(write the value itself, as the source prints it; a placeholder would be published as typed)"]


def test_placeholders_are_told_apart_from_prose():
    from iomfacts.text_rules import find_placeholder

    for text, typed in [("Total {r['total']} is the cell", "{r['total']}"), ("row {x} of", "{x}"),
                        ("{} staff", "{}"), ("{0:,} staff", "{0:,}"), ("{name!r}", "{name!r}"),
                        ("{{ 7*7 }}", "{{"), ("{% if x %}", "{%"), ("{# c #}", "{#"),
                        ("%s staff", "%s"), ("%d offices", "%d"), ("%(total)s", "%(total)s"),
                        ("${total} staff", "${total}")]:
        assert find_placeholder(text)[0] == typed, text
    for prose in ["29 per cent (29%) of staff", "a 16% increase", "50%, 30% and 20%", "100%s"[:4],
                  "{: .class } is Markdown", "Kyiv {Київ}", "braces { like this }", "a set {1, 2}"]:
        assert find_placeholder(prose) is None, prose


def test_a_word_broken_by_a_folded_line_is_refused_at_its_field(site_copy):
    # What an editor's wrapped '>-' block published as "gender- related" (found by an audit).
    errors = _errors_with_statement(site_copy, ">-\n      IOM carried out nearly 345,000 health assessments "
                                               "before departure, gender-\n      related ones included.")
    assert ("content/facts/2017/o1-socioeconomic.yml:6:16: 'statement' has a word broken by a folded line "
            "('gender- related') (join the word on one line (YAML joins a '>-' block's lines with a space))") in errors


def test_suspended_hyphens_and_quotes_are_not_broken_words():
    from iomfacts.text_rules import find_broken_word

    assert find_broken_word("awareness- raising (63 offices)") == "awareness- raising"
    for prose in ["medium- and long-term", "pre- and post-arrival", "short- or long-term",
                  "return- to reintegration", "well-being", "a list - with a dash", "COVID-19 - related"]:
        assert find_broken_word(prose) is None, prose


def _errors_with_statement(site_copy, statement: str) -> list[str]:
    """What `check` prints for the fixture's fact with another statement."""
    text = fact_file(pillar="o1-socioeconomic").replace(
        "statement: IOM carried out nearly 345,000 health assessments before departure.", f"statement: {statement}")
    write(site_copy.content / "facts/2017/o1-socioeconomic.yml", text)
    return check(site_copy.root).stderr.splitlines()


def test_a_statement_number_missing_from_quote_and_figures_is_reported_at_the_statement(site_copy):
    errors = _errors_with_statement(site_copy, "IOM carried out nearly 345,000 health assessments in 81 countries, "
                                               "12.5 per cent more.")
    assert errors[0] == ("content/facts/2017/o1-socioeconomic.yml:6:16: the statement prints 81, 12.5, which is not "
                         "in the quote or the figures (quote the words that hold the number, add it as a figure, "
                         "or write the statement with the numbers the quote prints)")
    assert errors[-1] == "1 problem found; nothing was built."


def _fact(statement: str, quote: str, figures=()):
    from iomfacts import model

    return model.Fact.model_validate({
        "id": "ar-2020-184-x", "kind": "result", "statement": statement, "countries": [],
        "figures": [dict(figure) for figure in figures], "source": {"document": "ar-2020", "paragraph": 184},
        "quote": quote})


def test_statement_numbers_are_compared_as_printed_whatever_the_separators():
    from iomfacts.text_rules import unsupported_numbers

    quote = "1,116 staff operated in hardship locations, representing 29 per cent of the 2 185 staff"
    assert unsupported_numbers(_fact("1,116 staff (29%) of 2,185 worked in hardship duty stations.", quote)) == []
    assert unsupported_numbers(_fact("1116 staff of 2 185 worked in hardship duty stations.", quote)) == []
    assert unsupported_numbers(_fact("1,161 staff worked in hardship duty stations.", quote)) == ["1,161"]
    assert unsupported_numbers(_fact("51 per cent of 2,185 staff worked there.", quote)) == ["51"]


def test_figures_vouch_for_statement_numbers_as_value_or_whole_amount():
    from iomfacts.text_rules import unsupported_numbers

    billion = [{"value": 1.8, "scale": "billion", "unit": "USD"}]
    quote = "expenditures are projected to reach USD 1.8 billion"
    assert unsupported_numbers(_fact("Spending was projected at USD 1.8 billion.", quote, billion)) == []
    assert unsupported_numbers(_fact("Spending was projected at USD 1,800,000,000.", quote, billion)) == []
    assert unsupported_numbers(_fact("Spending was projected at USD 1.9 billion.", quote, billion)) == ["1.9"]


def test_years_references_dates_codes_and_spelled_numbers_are_not_figures():
    from iomfacts.text_rules import statement_numbers

    assert statement_numbers(
        "In 2020, under resolution 71/313 and Council Resolution No. 1266 of 26 November 2013, Annex I, "
        "Table 4 and paragraphs 45 and 46, SDG Target 8.7, indicator 10.7.2, COVID-19, P-5 staff, "
        "the 108th Session, sessions on 8 and 9 May and 26–27 March, and the 2030 Agenda: "
        "forty-five offices and 12 countries") == ["12"]


def test_a_statement_that_is_its_quote_or_the_quote_barely_changed_is_refused_at_the_statement(site_copy):
    errors = _errors_with_statement(site_copy, "IOM carried out nearly 345,000 pre-departure health assessments "
                                               "in over 80 countries in 2017.")
    assert errors[0] == ("content/facts/2017/o1-socioeconomic.yml:6:16: the statement repeats 12 words of the quote "
                         "in a row: it was not rewritten (write the statement in your own words, saying no more "
                         "than the quote, which already gives the source's wording)"), errors
    assert errors[-1] == "1 problem found; nothing was built."


def test_a_statement_keeping_a_title_or_a_list_in_its_own_words_is_not_a_copy():
    from iomfacts.text_rules import copied_statement

    quote = "Programmes supporting durable solutions for displaced persons were present in 18 countries"
    assert copied_statement(_fact(quote + ".", quote)) == "is the quote itself"
    assert copied_statement(_fact("In Paraguay, IOM monitored outbreaks.", "in Paraguay IOM monitored outbreaks")) \
        == "is the quote itself", "at any length, whatever the case and punctuation"
    assert copied_statement(_fact("IOM programmes supporting durable solutions for displaced persons were present "
                                  "in 18 countries.", quote)) == "repeats 12 words of the quote in a row"
    assert copied_statement(_fact("Durable solutions programmes for displaced people were under way in 18 "
                                  "countries.", quote)) is None
    title = ("Poverty Reduction through Skills Development for Safe and Regular Migration in Cambodia, the Lao "
             "People's Democratic Republic, Myanmar and Thailand")
    assert copied_statement(_fact(f"In 2020 IOM ran the regional project {title}, one of several on labour "
                                  "mobility in a pandemic.", title)) is None, "a title repeated inside our words"
    sentence = " ".join(f"word{number}" for number in range(40))
    assert copied_statement(_fact(f"{sentence}.", " ".join(sentence.split()[5:35]))) == \
        "repeats 30 words of the quote in a row", "a proposal's statement: the whole sentence around its quote"
