"""The GitHub workflow and pre-commit hook do what editors and readers rely on."""

import re

import yaml

from conftest import REPO
from iomfacts.cli import main


def load_workflow():
    data = yaml.safe_load((REPO / ".github/workflows/site.yml").read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(job):
    return [(step.get("name", ""), step.get("uses", ""), step.get("run", ""), step.get("with", {}))
            for step in job["steps"]]


def test_runs_on_pull_requests_main_and_release_tags():
    triggers = load_workflow()["on"]
    assert "pull_request" in triggers
    assert triggers["push"]["branches"] == ["main"] and triggers["push"]["tags"] == ["v*"]


def test_pull_requests_are_checked_tested_built_bundled_and_summarised():
    build = steps(load_workflow()["jobs"]["build"])
    runs = [run for _, _, run, _ in build]
    setup = next(w for _, uses, _, w in build if uses.startswith("actions/setup-python"))
    assert setup["cache"] == "pip" and setup["python-version"] == "3.11"
    order = ["python build_site.py check", "python build_site.py fetch-sources .source-texts",
             "python build_site.py check --sources .source-texts", "python -m pytest",
             "python build_site.py build --bundle --zim", "python build_site.py diff"]
    positions = [next(i for i, run in enumerate(runs) if run.startswith(command)) for command in order]
    assert positions == sorted(positions), "steps run in this order"
    assert not any(run.startswith("python build_site.py bundle") for run in runs), \
        "the bundle's MkDocs runs beside the website's, in the build step"
    assert any('>> "$GITHUB_STEP_SUMMARY"' in run for run in runs)
    uploads = [w["path"] for _, uses, _, w in build if uses.startswith("actions/upload-artifact")]
    assert uploads == ["site", "dist"]
    cache = next(w for _, uses, _, w in build if uses.startswith("actions/cache"))
    assert cache["path"] == ".source-texts" and "sources.yml" in cache["key"]


def test_main_deploys_to_pages_and_tags_release_the_bundle():
    jobs = load_workflow()["jobs"]
    deploy = jobs["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["concurrency"]["group"] == "pages"
    assert any(uses.startswith("actions/deploy-pages") for _, uses, _, _ in steps(deploy))
    assert "refs/heads/main" in deploy["if"]
    release = jobs["release"]
    assert "refs/tags/v" in release["if"] and release["permissions"] == {"contents": "write"}
    assert any("gh release create" in run and "dist/*" in run for _, _, run, _ in steps(release))


def test_every_build_site_command_the_workflow_uses_exists(capsys):
    commands = set()
    for job in load_workflow()["jobs"].values():
        for _, _, run, _ in steps(job):
            commands.update(re.findall(r"build_site\.py ([a-z-]+)", run))
    assert commands
    for command in commands:
        try:
            main([command, "--help"])
        except SystemExit as done:
            assert done.code == 0, command


def test_pre_commit_runs_check_on_content_changes():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    [hook] = config["repos"][0]["hooks"]
    assert hook["entry"] == "python build_site.py check"
    assert re.match(hook["files"], "content/facts/2018/oe.yml") and re.match(hook["files"], "templates/home.md.j2")
    assert not re.match(hook["files"], "README.md")
