#!/usr/bin/env python3
"""Check the content and build the IOM annual reports knowledge site.

    python build_site.py check [--sources ../shared/seeds]
    python build_site.py build [--sources ../shared/seeds]
    python build_site.py serve
    python build_site.py schema

All the logic lives in the `iomfacts` package; this file only hands over to its command line.
"""

import sys

from iomfacts.cli import main

if __name__ == "__main__":
    sys.exit(main())
