"""The measured work, run in a fresh interpreter per measurement (see run.py).

    python bench/worker.py generate ROOT CODE [--edit-file F --edit-id ID --edit-old S]
    python bench/worker.py floor ROOT OUT MANIFEST

`generate` runs the generator's own stages on the checkout at ROOT (importing `iomfacts` from
CODE) exactly as `build_site.py build` does before MkDocs: load_content -> validate (+ the nav
check) -> plan_pages -> render_pages/exports -> write_tree into an empty build/docs. With
--edit-* it then changes one fact's statement and re-runs check + generate + write_tree in
the same process, as the live preview does, counting the files rewritten. `floor` parses the
same YAML files with PyYAML's C loader and writes as many files of the same sizes as the
generator wrote. Each prints one JSON object; peak RSS comes from resource.getrusage.
"""

from __future__ import annotations

import contextlib
import gc
import inspect
import io
import json
import os
import resource
import sys
import time
from pathlib import Path


def clock() -> float:
    """CPU seconds of this process: the stages are single-threaded, and other jobs on a shared
    machine inflate wall time but not this. Wall time is reported beside it (`*_wall_s`)."""
    return time.process_time()


def _preview_regenerate():
    """iomfacts.serve.regenerate(layout, sources, previous, templates_changed[, cache]), if present,
    and a parse cache warmed the way a running preview's is (None if this code has none)."""
    try:
        from iomfacts.serve import regenerate
    except ImportError:
        return None, None
    if len(inspect.signature(regenerate).parameters) < 4:
        return None, None
    try:
        from iomfacts.load import ParseCache
    except ImportError:
        return regenerate, None
    return regenerate, ParseCache()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def generate(root: Path, code: Path, edit: dict | None) -> dict:
    sys.path.insert(0, str(code))
    from iomfacts.docs_tree import write_tree
    from iomfacts.knowledge import Knowledge
    from iomfacts.load import load_content
    from iomfacts.navigation import check_navigation
    from iomfacts.pages import plan_pages
    from iomfacts.pipeline import Layout, check, generate as generate_files
    from iomfacts.problems import Problems
    from iomfacts.validate import validate

    layout = Layout(root)
    result: dict = {}
    gc_mode = os.environ.get("BENCH_GC", "")  # "", "off" or "freeze": the garbage collector's share
    if gc_mode == "off":
        gc.disable()
    w0 = time.perf_counter()
    t0 = clock()
    problems = Problems()
    loaded = load_content(layout.content, layout.root, problems)
    t1 = clock()
    knowledge = validate(loaded, problems, None)
    t2 = clock()
    if knowledge is None:
        return {"error": "check failed", "problems": [str(p) for p in list(problems)[:20]]}
    check_navigation(layout, plan_pages(knowledge), problems)
    t3 = clock()
    if problems:
        return {"error": "check failed", "problems": [str(p) for p in list(problems)[:20]]}
    if gc_mode == "freeze":
        gc.freeze()  # the loaded content lives to the end: stop the collector re-scanning it
    # The index on its own: the Knowledge object (built at the end of validate) and the page
    # plan, rebuilt from the same validated parts. Part of load_validate_s, reported apart.
    i0 = clock()
    fields = {name: getattr(knowledge, name) for name in (
        "sources", "pillars", "crosswalk", "regions", "countries", "metrics", "glossary", "facts",
        "staff_datasets", "funding_datasets")}
    Knowledge(**fields)
    planned = plan_pages(knowledge)
    i1 = clock()
    # Charts as a stage of their own (issue 17): every chart rendered cold (a fresh checkout
    # has no build/chart-cache), on every core; generate then finds them in memory.
    charts_rendered = charts_wall = None
    charts_cpu = 0.0
    try:
        from iomfacts import charts
    except ImportError:  # code from before the charts
        charts = None
    if charts is not None and hasattr(charts, "prerender"):
        charts.use_disk_cache(charts.cache_folder(layout.root))
        c0, cw0 = clock(), time.perf_counter()
        charts.prerender(knowledge, planned, {page.path for page in planned})
        charts_cpu, charts_wall = clock() - c0, time.perf_counter() - cw0
        charts_rendered = charts.RENDERED["count"]
    files = generate_files(layout, knowledge)
    t4 = clock()
    changed = write_tree(layout.docs, files)
    t5 = clock()
    w5 = time.perf_counter()
    result.update(
        generate_wall_s=round(w5 - w0, 3),  # wall time of the same stages (includes the index rebuild)
        facts=len(knowledge.facts),
        load_s=round(t1 - t0, 3),
        validate_s=round(t2 - t1, 3),
        nav_check_s=round(t3 - t2, 3),
        load_validate_s=round(t3 - t0, 3),
        index_s=round(i1 - i0, 3),
        render_s=round(t4 - i1 - charts_cpu, 3),  # charts apart, in charts_s
        charts_s=round(charts_cpu, 3) if charts_wall is not None else None,  # CPU, all threads
        charts_wall_s=round(charts_wall, 3) if charts_wall is not None else None,
        charts_rendered=charts_rendered,
        write_s=round(t5 - t4, 3),
        generate_s=round(t5 - t0 - (i1 - i0), 3),
        pages=sum(1 for p in planned),
        docs_files=len(files),
        docs_bytes=sum(len(data) for data in files.values()),
        files_written=len(changed),
        country_pages=sum(1 for p in planned if p.path.startswith("countries/") and p.path != "countries/index.md"),
        manifest=sorted((path, len(data)) for path, data in files.items()),
    )
    result["peak_mb"] = round(_peak_mb(), 1)
    if edit:
        # (1) The brief's measure: after a full generate, change one fact's statement and run
        # check + generate + write_tree again (write_tree rewrites only changed files).
        file = Path(edit["file"])
        old = json.dumps(edit["old"], ensure_ascii=False)
        first = json.dumps(edit["old"].rstrip(".") + " (edited for the benchmark).", ensure_ascii=False)
        second = json.dumps(edit["old"].rstrip(".") + " (edited twice for the benchmark).", ensure_ascii=False)
        text = file.read_text(encoding="utf-8")
        assert text.count(old) == 1, "edit target not found once"
        file.write_text(text.replace(old, first), encoding="utf-8")
        w0 = time.perf_counter()
        e0 = clock()
        knowledge, problems = check(layout, None)
        e1 = clock()
        if knowledge is None:
            return {**result, "error": "edit check failed", "problems": [str(p) for p in list(problems)[:20]]}
        files = generate_files(layout, knowledge)
        e2 = clock()
        changed = write_tree(layout.docs, files)
        e3 = clock()
        result.update(edit_full_s=round(e3 - e0, 3), edit_full_wall_s=round(time.perf_counter() - w0, 3),
                      edit_check_s=round(e1 - e0, 3), edit_generate_s=round(e2 - e1, 3),
                      edit_write_s=round(e3 - e2, 3), edit_full_files_rewritten=len(changed),
                      edit_rewritten=changed)
        # (2) What the live preview does for the same kind of edit, if this code has a preview
        # path that takes the previous knowledge (serve.regenerate -> incremental rendering).
        preview, cache = _preview_regenerate()
        if preview is not None:
            if cache is not None:  # a running preview has read every file already (untimed)
                check(layout, None, cache=cache)
            file.write_text(file.read_text(encoding="utf-8").replace(first, second), encoding="utf-8")
            w0 = time.perf_counter()
            e0 = clock()
            with contextlib.redirect_stdout(io.StringIO()) as said:
                preview(layout, None, knowledge, False, *([cache] if cache is not None else []))
            e1 = clock()
            words = said.getvalue().split()
            rewritten = int(words[1]) if len(words) > 1 and words[0] == "Regenerated" else None
            result.update(edit_preview_s=round(e1 - e0, 3), edit_preview_wall_s=round(time.perf_counter() - w0, 3),
                          edit_preview_files_rewritten=rewritten, edit_preview_said=said.getvalue().strip()[:300])
        result["edit_s"] = result.get("edit_preview_s", result["edit_full_s"])
        result["edit_files_rewritten"] = result.get("edit_preview_files_rewritten", result["edit_full_files_rewritten"])
    return result


def offline_bundle(root: Path, code: Path) -> dict:
    """The project's own offline bundle (build_site.py bundle), from the docs tree at ROOT."""
    sys.path.insert(0, str(code))
    from iomfacts.bundle import build_bundle
    from iomfacts.pipeline import Layout, check
    from iomfacts.version import content_version

    layout = Layout(root)
    w0 = time.perf_counter()
    try:
        from iomfacts.bundle import write_offline_docs  # its own docs tree, since HTML fact cards
    except ImportError:  # older code built the bundle from the website's tree
        pass
    else:
        knowledge, _ = check(layout)
        write_offline_docs(layout, knowledge)
    archive, site = build_bundle(layout, content_version(root), root / "dist")
    wall = time.perf_counter() - w0
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the offline mkdocs build
    return {"offline_bundle_s": round(wall, 3),
            "offline_bundle_cpu_s": round(own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime, 3),
            "offline_bundle_mb": round(archive.stat().st_size / 2**20, 1)}


def floor(root: Path, out: Path, manifest: list) -> dict:
    import yaml

    if os.environ.get("BENCH_GC") == "off":
        gc.disable()
    content = root / "content"
    files = sorted(p for p in content.rglob("*.yml") if p.is_file())
    w0 = time.perf_counter()
    t0 = clock()
    parsed = [yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader) for p in files]
    t1 = clock()
    out.mkdir(parents=True, exist_ok=True)
    filler = b"# Facts\n\n" + b"Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n" * 64
    for relative, size in manifest:
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        data = (filler * (size // len(filler) + 1))[:size]
        target.write_bytes(data)
    t2 = clock()
    return {"floor_wall_s": round(time.perf_counter() - w0, 3), "floor_parse_s": round(t1 - t0, 3), "floor_write_s": round(t2 - t1, 3),
            "floor_s": round(t2 - t0, 3), "floor_yaml_files": len(parsed),
            "floor_bytes": sum(size for _, size in manifest), "floor_files": len(manifest),
            "floor_peak_mb": round(_peak_mb(), 1)}


def main(argv: list[str]) -> int:
    mode = argv[0]
    if mode == "generate":
        root, code = Path(argv[1]), Path(argv[2])
        edit = None
        if "--edit-file" in argv:
            edit = {"file": argv[argv.index("--edit-file") + 1], "old": argv[argv.index("--edit-old") + 1]}
        result = generate(root, code, edit)
    elif mode == "bundle":
        result = offline_bundle(Path(argv[1]), Path(argv[2]))
    elif mode == "floor":
        root, out, manifest = Path(argv[1]), Path(argv[2]), json.loads(Path(argv[3]).read_text())
        result = floor(root, out, manifest)
    else:
        raise SystemExit(f"unknown mode {mode}")
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    os._exit(0)  # skip freeing a large heap at exit: it is not part of the measured work


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
