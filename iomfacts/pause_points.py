"""Test-only hook: stop a build at a named point so a test can kill it there.

With IOM_TEST_PAUSE_AT=<stage> in the environment, `pause_at(stage)` prints
`IOM_TEST_PAUSED <stage> <pid>` on stdout and sleeps (IOM_TEST_PAUSE_SECONDS, default 600).
Stages: writing-docs (one file of build/docs written), mkdocs (the MkDocs child started),
before-publish (the new site complete in site.tmp-<pid>), after-exchange (new and old site
swapped, the old not yet deleted), between-renames (fallback publish: site/ moved aside, the
new one not yet in place). Without the variable this does nothing; nothing else uses it.
"""

from __future__ import annotations

import os
import time


def pause_at(stage: str) -> None:
    if os.environ.get("IOM_TEST_PAUSE_AT") == stage:
        print(f"IOM_TEST_PAUSED {stage} {os.getpid()}", flush=True)
        time.sleep(float(os.environ.get("IOM_TEST_PAUSE_SECONDS", "600")))
