"""Every figure of the built site, measured in Chromium as a reader sees it.

At a 1280x900 window the smallest text of every figure must render at >= 11 CSS px,
at a 390-px phone at >= 9 px (the figure may scroll sideways inside its frame, never
shrink to a thumbnail); figures are SVG with text as text; no two texts overlap and
none is cut by the figure's edge.
"""

from __future__ import annotations

import json

import pytest
from browse import ARGS, CHROMIUM, visit
from sitecheck import pages
from test_browser import ARTIFACTS, server  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

LIMITS = {1280: 11.0, 390: 9.0}
SHOWN = """() => [...document.querySelectorAll('figure img')].map(i => ({
    src: i.currentSrc, shown: i.getBoundingClientRect().width,
    frame: i.closest('figure').getBoundingClientRect().width}))"""
TEXTS = """() => {
    const svg = document.documentElement;
    const vb = svg.viewBox.baseVal, box = svg.getBoundingClientRect();
    const texts = [...document.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => {
        const r = t.getBoundingClientRect();
        return {text: t.textContent.trim().slice(0, 60), size: parseFloat(getComputedStyle(t).fontSize),
                x0: r.left, y0: r.top, x1: r.right, y1: r.bottom};
    });
    return {viewbox: vb.width, width: box.width, height: box.height, texts};
}"""


@pytest.fixture(scope="module")
def measured(site, server):  # noqa: F811
    """For every figure of every page: its SVG's texts, and the width it is shown at per window width."""
    from playwright.sync_api import sync_playwright

    shown: dict[str, dict] = {}
    rels = [html.relative_to(site).as_posix() for html in pages(site)]
    rels = [rel for rel in rels if not rel.startswith("book/papers/")]  # generated paper pages hold no figures
    for width in LIMITS:
        for rel, seen in visit(server, rels, width, SHOWN).items():
            for img in seen["value"]:
                entry = shown.setdefault(img["src"], {"page": rel, "widths": {}})
                entry["widths"][width] = img["shown"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ctx = browser.new_context(viewport={"width": 1400, "height": 900})
        page = ctx.new_page()
        for src, entry in shown.items():
            if src.endswith(".svg"):
                page.goto(src, wait_until="load")
                entry["svg"] = page.evaluate(TEXTS)
        browser.close()
    report = {}
    for e in shown.values():
        if e.get("svg", {}).get("texts"):
            size = min(t["size"] for t in e["svg"]["texts"])
            for w, px in e["widths"].items():
                key = f"{e['page']} @{w}"
                report[key] = round(min(report.get(key, 99), size * px / e["svg"]["viewbox"]), 1)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "figure-text-px.json").write_text(json.dumps(dict(sorted(report.items())), indent=1))
    return shown


def test_the_site_has_figures_on_every_chapter(measured):
    chapters = {e["page"] for e in measured.values() if e["page"].startswith("notebooks/")}
    assert len(measured) >= 14, f"only {len(measured)} figures on the site"
    assert len(chapters) >= 7, chapters


def test_every_figure_is_svg_with_text(measured):
    bad = [
        f"{e['page']}: {src.rsplit('/', 1)[-1]}"
        for src, e in measured.items()
        if not src.endswith(".svg") or not e.get("svg", {}).get("texts")
    ]
    assert not bad, "figures that are not SVG with text: " + ", ".join(bad)


@pytest.mark.parametrize("window", sorted(LIMITS))
def test_smallest_text_is_readable(measured, window):
    bad = []
    for src, e in measured.items():
        svg = e.get("svg")
        if not svg or window not in e["widths"]:
            continue
        smallest = min(svg["texts"], key=lambda t: t["size"])
        px = smallest["size"] * e["widths"][window] / svg["viewbox"]
        if px < LIMITS[window] - 0.05:
            bad.append(f"{e['page']}: {src.rsplit('/', 1)[-1]}: {smallest['text']!r} renders at {px:.1f} px")
    assert not bad, f"at {window} px wide, text below {LIMITS[window]} px:\n" + "\n".join(bad)


def test_no_text_overlaps_or_is_cut(measured):
    bad = []
    for src, e in measured.items():
        svg = e.get("svg")
        if not svg:
            continue
        name = f"{e['page']}: {src.rsplit('/', 1)[-1]}"
        texts = svg["texts"]
        for t in texts:
            if t["x0"] < -1 or t["y0"] < -1 or t["x1"] > svg["width"] + 1 or t["y1"] > svg["height"] + 1:
                bad.append(f"{name}: {t['text']!r} is cut by the edge")
        for i, a in enumerate(texts):
            for b in texts[i + 1 :]:
                w = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
                h = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
                if w > 1.5 and h > 1.5:
                    bad.append(f"{name}: {a['text']!r} overlaps {b['text']!r}")
    assert not bad, "\n".join(bad)
