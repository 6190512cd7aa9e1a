"""The facts as data: a valid Frictionless data package, a SQLite file that agrees with the
JSON, citations, and permanent fact links that survive a rename."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import subprocess
from collections import Counter

import pytest
from frictionless import validate

from checkouts import make_checkout
from conftest import run_cli


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    layout = make_checkout(tmp_path_factory.mktemp("data") / "repo")
    result = run_cli(layout.root, "build")
    assert result.returncode == 0, result.stderr
    return layout


def test_the_data_package_is_valid_with_every_table_and_its_keys(built):
    report = validate(str(built.site / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = json.loads((built.site / "data" / "datapackage.json").read_text())
    names = {resource["name"] for resource in package["resources"]}
    assert names == {"facts", "figures", "fact_countries", "countries", "regions", "sources", "pillars",
                     "measures", "staff", "funding"}
    figures = next(r for r in package["resources"] if r["name"] == "figures")["schema"]
    assert figures["primaryKey"] == ["fact_id", "position"]
    assert {"fields": ["metric"], "reference": {"resource": "measures", "fields": ["id"]}} in figures["foreignKeys"]
    qualifier = next(f for f in figures["fields"] if f["name"] == "qualifier")
    assert "about" in qualifier["constraints"]["enum"], "enums come from the content model"
    funding = next(r for r in package["resources"] if r["name"] == "funding")["schema"]
    with open(built.site / "data" / "funding-requirements.csv", encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        assert reader.fieldnames == [f["name"] for f in funding["fields"]], "the schema documents every column"
        kinds = {row["row_type"] for row in reader}
    row_type = next(f for f in funding["fields"] if f["name"] == "row_type")
    assert {"country", "regional-total", "region-summary", "grand-total"} <= kinds <= set(row_type["constraints"]["enum"])
    downloads = re.sub(r"<[^>]+>", "", (built.site / "downloads/index.html").read_text())
    assert "How the rows add up" in downloads and "grand-total" in downloads, "the page says how to reconcile"


def test_the_sqlite_file_counts_what_the_json_counts(built):
    facts = json.loads((built.site / "data" / "facts.json").read_text())
    database = sqlite3.connect(built.site / "data" / "iom-facts.sqlite")
    per_country_year = Counter((code, fact["year"]) for fact in facts for code in fact["countries"])
    rows = database.execute("select country, year, count(*) from fact_countries join facts on facts.id = fact_id "
                            "group by country, year").fetchall()
    assert {(country, year): n for country, year, n in rows} == dict(per_country_year)
    per_measure = Counter(figure["metric"] for fact in facts for figure in fact["figures"] if figure["metric"])
    rows = database.execute("select metric, count(*) from figures where metric is not null group by metric").fetchall()
    assert dict(rows) == dict(per_measure)
    found = database.execute("select facts.id from facts join facts_fts on facts.rowid = facts_fts.rowid "
                             "where facts_fts match 'assessments'").fetchall()
    assert found, "statements and quotes have a full-text index"


def test_every_fact_has_a_permanent_link_that_leads_to_it(built):
    facts = json.loads((built.site / "data" / "facts.json").read_text())
    for fact in facts:
        redirect = (built.site / fact["permalink"] / "index.html").read_text()
        target = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', redirect).group(1)
        page, anchor = target.split("#")
        shown = (built.site / "facts" / fact["id"] / page / "index.html").resolve()
        assert f'id="{anchor}"' in shown.read_text(), fact["id"]
        assert anchor == fact["id"]


def test_a_fact_page_gives_a_cite_line_and_a_source_page_its_reference(built):
    page = (built.site / "years/2018/p1-standards/index.html").read_text()
    cite = re.sub(r"<[^>]+>", "", page[page.index('class="fact-cite'):])[:300]
    assert "Annual Report for 2018, paragraph 3" in cite and "facts/ar-2018-3-legislation-advice/" in cite
    assert "Data as of" in cite, "the content version the citation refers to"
    source = (built.site / "sources/ar-2020/index.html").read_text()
    assert "BibTeX" in source and (built.site / "data/citations/ar-2020.bib").read_text().startswith("@techreport{")
    item = json.loads((built.site / "data/citations/ar-2020.json").read_text())[0]
    assert item["number"] == "C/112/INF/1" and item["issued"] == {"date-parts": [[2021]]}


def _git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin"})


def test_a_renamed_id_needs_an_alias_and_its_old_link_still_leads_to_the_fact(tmp_path):
    layout = make_checkout(tmp_path / "repo")
    _git(layout.root, "init", "-q")
    _git(layout.root, "add", "-A")
    _git(layout.root, "commit", "-qm", "content")
    facts = layout.content / "facts/2018/p1-standards.yml"
    facts.write_text(facts.read_text().replace("id: ar-2018-3-legislation-advice", "id: ar-2018-3-advice-on-laws"))
    refused = run_cli(layout.root, "check")
    assert refused.returncode == 1
    assert "fact id 'ar-2018-3-legislation-advice' was published at HEAD and is gone" in refused.stderr
    assert "aliases: [ar-2018-3-legislation-advice]" in refused.stderr
    facts.write_text(facts.read_text().replace("    tags: [policy]",
                                               "    tags: [policy]\n    aliases: [ar-2018-3-legislation-advice]"))
    assert run_cli(layout.root, "check").returncode == 0
    assert run_cli(layout.root, "build").returncode == 0
    old = (layout.site / "facts/ar-2018-3-legislation-advice/index.html").read_text()
    target = re.search(r'url=([^"]+)"', old).group(1)
    assert target.endswith("#ar-2018-3-advice-on-laws")
    page = (layout.site / "facts/ar-2018-3-legislation-advice" / target.split("#")[0] / "index.html").resolve()
    assert 'id="ar-2018-3-advice-on-laws"' in page.read_text()


def test_each_tagged_version_lists_the_facts_added_corrected_and_removed(tmp_path):
    layout = make_checkout(tmp_path / "repo")
    _git(layout.root, "init", "-q")
    _git(layout.root, "add", "-A")
    _git(layout.root, "commit", "-qm", "first version")
    _git(layout.root, "tag", "v1")
    facts = layout.content / "facts/2017/o3-safe-migration.yml"
    facts.write_text(facts.read_text().replace("value: 440600", "value: 440700")
                     .replace("Some 440,600 health", "Some 440,700 health")
                     .replace("some 440,600 health", "some 440,700 health"))
    _git(layout.root, "commit", "-qam", "a corrected figure")
    _git(layout.root, "tag", "v2")
    result = run_cli(layout.root, "build")
    assert result.returncode == 0, result.stderr
    index = re.sub(r"<[^>]+>", " ", (layout.site / "changes/index.html").read_text())
    assert "v2" in index and "v1" in index and "The first tagged version" in index
    version = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (layout.site / "changes/v2/index.html").read_text()))
    assert "0 added, 1 corrected and 0 removed since v1" in version
    assert "figure 1 value 440600 440700" in version, "the correction, field by field"
    assert "facts/dg-108-x-health-assessments/" in version
