"""The audit's sample of facts (bench/audit_sample.py): drawn the same way every time for a
seed, so that anyone can re-draw the sample an audit recorded and check its results."""

import csv
import io
import random
import sys

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
import audit_sample  # noqa: E402
from iomfacts.model import Fact  # noqa: E402

IDS = [f"ar-2018-{paragraph}-fact-{letter}" for paragraph in range(1, 301) for letter in "abc"]


def test_the_same_seed_draws_the_same_sample_whatever_the_order_of_the_facts():
    shuffled = IDS[:]
    random.Random(1).shuffle(shuffled)
    assert audit_sample.sample_ids(IDS, seed=20261206) == audit_sample.sample_ids(shuffled, seed=20261206)


def test_different_seeds_draw_different_samples():
    assert audit_sample.sample_ids(IDS, seed=1) != audit_sample.sample_ids(IDS, seed=2)


def test_the_sample_has_the_size_asked_for_with_no_fact_twice():
    sample = audit_sample.sample_ids(IDS, seed=7, size=100)
    assert len(sample) == 100
    assert len(set(sample)) == 100
    assert set(sample) <= set(IDS)
    assert sample == sorted(sample)  # in document order, to read the sources front to back


def test_a_sample_larger_than_the_facts_is_all_the_facts():
    assert audit_sample.sample_ids(IDS[:5], seed=7, size=100) == sorted(IDS[:5])


def test_adding_a_fact_changes_the_sample_by_at_most_that_fact():
    before = set(audit_sample.sample_ids(IDS, seed=3))
    for new_id in ("ar-2018-301-new-fact", "ar-2017-5-another", "mi-2019-p1-photo-new"):
        after = set(audit_sample.sample_ids([*IDS, new_id], seed=3))
        assert after - before <= {new_id}
        assert len(before - after) == len(after - before)


def test_the_results_sheet_lists_the_sample_of_the_real_content_with_empty_result_columns(tmp_path, capsys):
    sheet = tmp_path / "audits" / "sheet.csv"
    assert audit_sample.main(["42", "--size", "10", "--csv", str(sheet)]) == 0
    reader = csv.DictReader(io.StringIO(sheet.read_text(encoding="utf-8")))
    assert len(set(reader.fieldnames)) == len(reader.fieldnames), "two columns share a name"
    rows = list(reader)
    facts, _ = audit_sample.load_facts()
    assert [row["id"] for row in rows] == audit_sample.sample_ids(facts, 42, 10)
    for row in rows:
        assert row["file"] == facts[row["id"]].file
        assert all(row[column] == "" for column in audit_sample.RESULT_COLUMNS)
    printed = capsys.readouterr().out
    assert all(row["id"] in printed for row in rows)


def test_an_existing_results_sheet_is_never_overwritten(tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("an auditor's work\n", encoding="utf-8")
    assert audit_sample.main(["42", "--size", "1", "--csv", str(sheet)]) == 1
    assert sheet.read_text(encoding="utf-8") == "an auditor's work\n"


@pytest.mark.parametrize("statement", ["=HYPERLINK(\"http://x\")", "\x1b[2Jcleared the screen"])
def test_text_from_a_fact_leaves_through_its_channels_escaper(statement, capsys):
    fact = Fact(id="ar-2018-1-hostile", kind="result", statement=statement, countries=[], figures=[],
                source={"document": "ar-2018", "paragraph": 1}, quote="a quote")
    item = audit_sample.SampledFact(fact, "content/facts/2018/oe.yml", 3, "oe")
    cells = next(csv.DictReader(io.StringIO(audit_sample.csv_bytes(
        audit_sample.SHEET_COLUMNS, audit_sample.sheet_rows([item])).decode("utf-8"))))
    assert not cells["statement_text"].startswith("=")
    audit_sample.print_sample([item])
    assert "\x1b" not in capsys.readouterr().out
