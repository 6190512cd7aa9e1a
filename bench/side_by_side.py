"""The website and the offline bundle: `build` then `bundle`, against `build --bundle`.

    python bench/side_by_side.py --facts 10000 [--runs 2]   # synthetic content (bench/synth.py)
    python bench/side_by_side.py --real [--runs 2]          # a copy of the repository's content

`build --bundle` checks and generates once and runs the two MkDocs builds side by side (one per
core). Both ways are timed in the same checkout, alternately, after one warm-up run, so the
chart and template caches are warm for each (as on a rebuild or in CI, which keeps the chart
cache). Prints one JSON line: per run, the wall and CPU seconds (the command and its children)
of `build`, of `bundle`, their sum, and of `build --bundle`. No timing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

from run import prepare, run_measured  # noqa: E402  (bench/run.py: synthetic checkouts, timed runs)

TIMEOUT = 1800


def timed(root: Path, environment: dict[str, str], *args: str) -> dict[str, float]:
    run = run_measured([sys.executable, str(REPO / "build_site.py"), "--root", str(root), *args], root,
                       TIMEOUT, environment)
    if run["rc"] != 0:
        raise SystemExit(f"{' '.join(args)} failed (timed out: {run['timed_out']}):\n{run['stderr'][-3000:]}")
    return {"wall_s": round(run["wall_s"], 1), "cpu_s": round(run["cpu_s"], 1)}


def checkout(work: Path, facts: int | None) -> Path:
    root = work / "repo"
    if facts is None:
        root.mkdir()
        for name in ("content", "templates"):
            shutil.copytree(REPO / name, root / name)
        shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    else:
        prepare(root, REPO, facts)  # synthetic content, templates and a mkdocs.yml with its nav
    shutil.copyfile(REPO / "mkdocs.offline.yml", root / "mkdocs.offline.yml")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--facts", type=int, help="synthetic facts")
    size.add_argument("--real", action="store_true", help="the repository's own content")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="iomfacts-side-by-side-") as folder:
        work = Path(folder)
        root = checkout(work, None if args.real else args.facts)
        environment = {**os.environ, "IOM_CHART_CACHE": str(work / "chart-cache"),
                       "IOM_TEMPLATE_CACHE": str(work / "template-cache")}
        timed(root, environment, "build", "--bundle")  # warm-up: fills both caches
        runs = []
        for _ in range(args.runs):
            build, bundle = timed(root, environment, "build"), timed(root, environment, "bundle")
            both = timed(root, environment, "build", "--bundle")
            runs.append({"build": build, "bundle": bundle,
                         "one_after_the_other_wall_s": round(build["wall_s"] + bundle["wall_s"], 1),
                         "build_bundle": both})
            print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
    print(json.dumps({"content": "real" if args.real else f"{args.facts} synthetic facts",
                      "nproc": os.cpu_count(), "runs": runs}))


if __name__ == "__main__":
    main()
