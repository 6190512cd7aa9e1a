"""`build_site.py diff BASE`: the reviewer's view of a content pull request."""

import subprocess

from conftest import run_cli


def git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin"})


def test_diff_lists_added_changed_and_removed_facts_and_the_pages_they_touch(site_copy):
    root = site_copy.root
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    facts_2017 = site_copy.content / "facts/2017/o3-safe-migration.yml"
    text = facts_2017.read_text()
    # Change a figure and a statement, and drop the DG's fact (and the link to it).
    text = text.replace("value: 345000", "value: 345").replace(
        "statement: IOM carried out nearly 345,000", "statement: IOM performed nearly 345,000")
    text = text[: text.index("  - id: dg-108-x-health-assessments")]
    facts_2017.write_text(text)
    added = site_copy.content / "facts/2018/p1-standards.yml"
    added.write_text(added.read_text() + added.read_text().split("facts:\n", 1)[1]
                     .replace("ar-2018-3-legislation-advice", "ar-2018-3-legislation-advice-kenya")
                     .replace("[ALB, EGY, KEN]", "[KEN]"))
    result = run_cli(root, "diff", "HEAD")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "**1** added, **1** changed, **1** removed" in out
    assert "- `ar-2018-3-legislation-advice-kenya` (2018, p1-standards, result):" in out
    assert "#### `ar-2017-213-health-assessments`" in out
    assert "| figure 1 value | 345000 | 345 |" in out
    assert "| statement | IOM carried out nearly 345,000" in out
    assert "- `dg-108-x-health-assessments` (2017, o3-safe-migration):" in out
    for page in ("years/2017/", "pillars/o3-safe-migration/", "sources/dg-108/", "countries/ken/",
                 "years/2018/", "pillars/p1-standards/", "regions/east-horn-africa/"):
        assert f"- `{page}`" in out, page


def test_diff_against_an_unknown_revision_is_a_clear_error(site_copy):
    git(site_copy.root, "init", "-q", "-b", "main")
    result = run_cli(site_copy.root, "diff", "no-such-branch")
    assert result.returncode == 1
    assert "cannot read content/ at 'no-such-branch'" in result.stderr and "Traceback" not in result.stderr
