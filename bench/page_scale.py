#!/usr/bin/env python3
"""Does Python-Markdown's cost per megabyte grow with the size of one page?

    .venv/bin/python bench/page_scale.py DOCS/sources/ar-2020.md [1 2 4 8]

Converts the page's body, repeated k times, with the Markdown extensions of mkdocs.yml, and
prints CPU seconds per MB for each k. (Run `bench/run.py --facts 10000 --keep --work DIR` to
get a docs tree.) Result in BENCHMARKS.md: 1.1 s/MB at 4 MB, 13.7 s/MB at 32 MB.
"""

import json
import sys
import time

import markdown

EXTENSIONS = ["toc", "tables", "attr_list", "md_in_html", "def_list", "admonition"]


def main() -> None:
    body = open(sys.argv[1], encoding="utf-8").read().split("---", 2)[2]  # drop the front matter
    results = {}
    for k in [int(arg) for arg in sys.argv[2:]] or [1, 2, 4, 8]:
        converter = markdown.Markdown(extensions=EXTENSIONS, extension_configs={"toc": {"permalink": True}})
        source = body * k
        start = time.process_time()
        converter.convert(source)
        seconds = time.process_time() - start
        megabytes = len(source) / 2**20
        results[k] = {"md_mb": round(megabytes, 1), "cpu_s": round(seconds, 2), "s_per_mb": round(seconds / megabytes, 2)}
        print(json.dumps({k: results[k]}), flush=True)


if __name__ == "__main__":
    main()
