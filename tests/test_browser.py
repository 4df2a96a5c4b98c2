"""The site in a real browser: Debian's chromium, headless, driven by Playwright (no browser download)."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest
from browse import ARGS, CHROMIUM, visit
from conftest import ROOT
from sitecheck import pages

from lcreview.build import toc_files
from lcreview.paperpages import included

ARTIFACTS = ROOT / "_build" / "test-artifacts"


@pytest.fixture(scope="module")
def server(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (make setup-test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.errors, pg.external = [], []

    def offline(route):  # the site must work without the internet: record and refuse outside requests
        pg.external.append(route.request.url)
        route.abort()

    context.route(lambda url: not url.startswith("http://127.0.0.1"), offline)
    pg.on("pageerror", lambda exc: pg.errors.append(f"pageerror: {exc}"))
    pg.on("console", lambda msg: msg.type == "error" and pg.errors.append(f"console: {msg.text}"))
    yield pg
    if getattr(getattr(request.node, "rep_call", None), "failed", False):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def test_every_page_opens_without_errors_or_broken_images(site, server):
    """Every page, except that the generated paper pages (one template, one page per paper; tests/test_site.py
    reads each of them offline) are represented by the first and the last, so the test does not grow with the
    corpus."""
    problems = []
    rels = [html.relative_to(site).as_posix() for html in pages(site)]
    papers = sorted(rel for rel in rels if rel.startswith("book/papers/"))
    rels = [rel for rel in rels if rel not in papers[1:-1]]
    for rel, seen in visit(server, rels, 1280).items():
        if seen["broken"]:
            problems.append(f"{rel}: broken images {seen['broken']}")
        if seen["errors"]:
            problems.append(f"{rel}: {seen['errors']}")
        if seen["external"]:
            problems.append(f"{rel}: requests outside the site {seen['external']}")
    expected = len(included(site.parent.parent))  # one page per included paper of the built project
    assert len(papers) == expected and len(rels) > len(toc_files(ROOT)) and not problems, "\n".join(problems)


def test_search_finds_a_paper_by_name(server, page):
    page.goto(f"{server}/search.html?q=LongBench", wait_until="load")
    page.wait_for_selector("#search-results ul.search li", timeout=20_000)
    hits = page.locator("#search-results ul.search li a").all_inner_texts()
    assert hits, "no search results"
    assert any("enchmark" in h for h in hits), hits


def test_one_search_field_and_it_searches(server, page):
    """One search field on a desktop page (the theme once stacked a top bar's above the sidebar's); typing in it
    and pressing Enter lists results."""
    page.goto(f"{server}/notebooks/rag.html", wait_until="load")
    fields = [f for f in page.locator(".search-button-field").all() if f.is_visible()]
    assert len(fields) == 1, f"{len(fields)} search fields visible"
    fields[0].click()
    page.keyboard.type("LongBench")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results ul.search li", timeout=20_000)
    assert page.locator("#search-results ul.search li a").count() > 0


def test_citation_link_leads_to_bibliography_entry(server, page):
    page.goto(f"{server}/notebooks/extension.html", wait_until="load")
    link = page.locator(".bibtex-citation a").first
    href = link.get_attribute("href")
    assert "bibliography.html#" in href
    link.click()
    page.wait_for_load_state("load")
    assert "bibliography.html" in page.url
    anchor = page.url.split("#", 1)[1]
    entry = page.locator(f"[id='{anchor}']")
    assert entry.count() == 1
    assert entry.is_visible()


def test_figure_is_readable_in_dark_mode(server, page):
    page.goto(f"{server}/notebooks/landscape.html", wait_until="load")
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    img = page.locator("figure img").first
    img.scroll_into_view_if_needed()
    assert img.evaluate("e => getComputedStyle(e).filter") == "none", "figure is dimmed in dark mode"
    # figures are drawn on an opaque white background: its margin stays white in the dark theme
    from io import BytesIO

    import matplotlib.image as mpimg

    pixels = mpimg.imread(BytesIO(img.screenshot()), format="png")
    assert pixels[2, 2][:3].min() > 0.95 and pixels[20, 20][:3].min() > 0.95
    page.evaluate("document.documentElement.dataset.theme = 'light'")


def test_evidence_table_is_collapsed_and_escaped(server, page):
    page.goto(f"{server}/notebooks/inference.html", wait_until="load")
    details = page.locator("details.lcr-evidence").first
    assert details.get_attribute("open") is None
    details.locator("summary").click()
    assert details.locator("td q").first.is_visible()
