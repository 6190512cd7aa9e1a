"""Accessibility of the built site: axe-core (WCAG 2.1 A and AA), a 390 px phone, keyboard focus.

One page of each family of the real site, built once from the real content (the build the
other real-content tests share) and served over HTTP on 127.0.0.1, checked in one headless Chromium:

- axe-core finds no violation of the WCAG 2.1 A and AA rules (a failure lists, per rule, the
  page and the elements);
- at a 390 px wide viewport nothing makes the page wider than the screen (wide tables scroll
  inside their own wrapper, long words and citations wrap);
- a keyboard user sees where the focus is.

axe-core's JavaScript comes with axe-playwright-python; nothing is fetched from the network.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest


CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists() and os.environ.get("CI") != "true",
                       reason="Debian's chromium is not installed (.ci/run installs it)"),
    # No xdist group: the pages spread over the workers (each starts its own Chromium; the
    # real site is the run's one shared build), so axe-core's ~100 s are not on one worker.
]

PAGES = [
    "/", "/years/", "/years/2018/", "/years/2018/o2-crises/", "/pillars/", "/pillars/o2-crises/",
    "/countries/", "/countries/yem/", "/regions/west-central-africa/", "/compare/", "/compare/staff/", "/compare/funding/",
    "/compare/differences/", "/sources/", "/sources/ar-2018/", "/glossary/", "/downloads/",
]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def site(built_real_site: Path) -> str:
    """The real site (built once per test run and shared, conftest.built_real_site), served
    read-only on a free local port."""
    root = built_real_site

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep the test output to the failures
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(root / "site")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run"])
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(scope="module")
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def open_page(page, url: str) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"


def describe(violations: list[dict], path: str) -> str:
    lines = [f"{path}: {sum(len(v['nodes']) for v in violations)} axe violation(s)"]
    for violation in violations:
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:10]:
            summary = node.get("failureSummary", "").replace("\n", " ")
            lines.append(f"    {' '.join(node['target'])}  {summary[:200]}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    ... and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


@pytest.mark.parametrize("path", PAGES)
def test_no_wcag_21_aa_violations(site, desktop, path):
    from axe_playwright_python.sync_playwright import Axe

    open_page(desktop, site + path)
    results = Axe().run(desktop, options={"runOnly": {"type": "tag", "values": WCAG_21_AA},
                                          "resultTypes": ["violations"]})
    violations = results.response["violations"]
    assert not violations, describe(violations, path)


@pytest.mark.parametrize("path", PAGES)
def test_the_page_fits_a_390_px_phone(site, phone, path):
    open_page(phone, site + path)
    width = phone.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        culprits = phone.evaluate("""limit => {
            const found = [];
            for (const element of document.querySelectorAll('.md-content *')) {
                if (element.getBoundingClientRect().right <= limit + 1) continue;
                let clipped = false;
                // (Material clips <html> sideways, so the overflow is cut off rather than
                // scrollable: the page is still too wide; look below <body> only.)
                for (let up = element.parentElement; up && up !== document.body && !clipped;
                     up = up.parentElement)
                    clipped = getComputedStyle(up).overflowX !== 'visible'
                        && up.getBoundingClientRect().right <= limit + 1;
                if (!clipped) found.push(element.tagName.toLowerCase()
                    + (element.className ? '.' + String(element.className).split(' ').join('.') : '')
                    + ': ' + (element.textContent || '').trim().slice(0, 60));
            }
            return found.slice(0, 10);
        }""", PHONE["width"])
        pytest.fail(f"{path} is {width} px wide at {PHONE['width']} px; widest content: {culprits}")


FOCUS_STYLE = """element => {
    const style = getComputedStyle(element);
    return {tag: element.tagName, text: element.textContent.trim().slice(0, 40),
            inContent: !!element.closest('.md-content'),
            outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
            outlineColor: style.outlineColor, boxShadow: style.boxShadow};
}"""


def focus_is_visible(style: dict) -> bool:
    transparent = style["outlineColor"] in ("transparent", "rgba(0, 0, 0, 0)")
    outline = style["outlineStyle"] != "none" and style["outlineWidth"] >= 1 and not transparent
    return outline or style["boxShadow"] not in ("none", "")


@pytest.mark.parametrize("path", ["/countries/yem/", "/years/2018/o2-crises/"])
def test_keyboard_focus_is_visible_on_the_skip_link_and_the_first_link_in_the_content(site, desktop, path):
    open_page(desktop, site + path)
    desktop.keyboard.press("Tab")
    skip = desktop.evaluate(f"({FOCUS_STYLE})(document.activeElement)")
    assert skip["tag"] == "A" and "skip" in skip["text"].lower(), skip
    assert focus_is_visible(skip), f"{path}: the skip link has no visible focus: {skip}"

    # Follow the skip link, then Tab on until the focus is on a link in the content.
    desktop.keyboard.press("Enter")
    for _ in range(100):
        desktop.keyboard.press("Tab")
        focused = desktop.evaluate(f"({FOCUS_STYLE})(document.activeElement)")
        if focused["tag"] == "A" and focused["inContent"]:
            break
    else:
        pytest.fail(f"{path}: no link in the content was reached with Tab")
    assert focus_is_visible(focused), f"{path}: the focused link {focused['text']!r} shows no focus: {focused}"
