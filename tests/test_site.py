"""The built site: a page per TOC entry, figures with caption, alt text, data link; links resolve."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from sitecheck import check_links, figures, pages

from lcreview.build import toc_files

CHAPTERS = [f for f in toc_files(ROOT) if f.startswith("notebooks/")]


def test_page_per_toc_entry(site):
    for rel in toc_files(ROOT):
        html = site / Path(rel).with_suffix(".html")
        assert html.exists(), f"no page for {rel}"


@pytest.mark.parametrize("rel", CHAPTERS)
def test_chapter_figures_have_caption_alt_and_data(site, rel):
    page = site / Path(rel).with_suffix(".html")
    figs = figures(page)
    assert len(figs) >= 2, f"{rel}: {len(figs)} figure(s)"
    for f in figs:
        assert f["alt"] and "Figure size" not in f["alt"], f
        assert "Fig." in f["caption"] and "Sources:" in f["caption"], f
        assert f["csv"], f"{f['id']}: no CSV link under the figure"
        csv = (page.parent / f["csv"]).resolve()
        assert csv.exists() and csv.stat().st_size > 0
        png = (page.parent / f["src"]).resolve()
        assert png.stat().st_size <= 200_000, f"{png.name}: {png.stat().st_size} bytes"


def test_internal_links_and_anchors_resolve(site):
    broken, external = check_links(site)
    assert not broken, "\n".join(broken[:30])
    listing = site.parent / "external-links.txt"
    listing.write_text("\n".join(external) + "\n")
    assert any("arxiv.org/abs/" in u for u in external)


def test_data_page_offers_tables(site):
    text = (site / "book" / "data.html").read_text()
    for name in ("papers.csv", "claims.csv", "datapackage.json"):
        assert name in text


def test_every_page_has_a_title(site):
    for page in pages(site):
        if page.name in ("genindex.html", "search.html") or 'http-equiv="Refresh"' in page.read_text():
            continue
        assert "<title>" in page.read_text(), page


@pytest.mark.parametrize("rel", [f for f in toc_files(ROOT) if f.startswith(("notebooks/", "book/method"))])
def test_everything_a_chapter_published_is_on_its_page(site, rel):
    """Each figure or table a chapter wrote (its CSV in _generated/<page>/) is linked from the page: a cell that
    published a table but ended with another statement would show nothing."""
    page = Path(rel).stem
    html = (site / Path(rel).with_suffix(".html")).read_text(encoding="utf-8")
    written = sorted((site.parent / "site-src" / "_generated" / page).glob("*.csv"))
    missing = [p.name for p in written if f'/{p.name}"' not in html]  # Sphinx copies downloads to _downloads/
    assert written and not missing, f"{rel}: published but not on the page: {missing}"
