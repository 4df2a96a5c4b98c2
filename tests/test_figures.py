"""Figure publishing on tiny frames: files, caption, alt text, escaping, size."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from lcreview import figures, plots


@pytest.fixture
def page(tmp_path, monkeypatch):
    monkeypatch.setenv("LCREVIEW_SITE_SRC", str(tmp_path))
    return figures.Page("unit")


def tiny():
    return pd.DataFrame({"paper": ["a-2024", "b-2025"], "short": ["A", "B"], "value": [1.0, 10.0]})


def house(height=2.0):
    fig, axes = plots.new(height)
    axes[0, 0].plot([1, 2], [1, 10])
    return fig


def test_publish_writes_svg_with_text_csv_and_figure_block(page, tmp_path):
    fig = house()
    fig.axes[0].set_xlabel("a label that must stay text")
    out = page.publish(fig, "toy", tiny(), caption="Toy values.", alt="Two values; highest B (10).")
    md = out._repr_markdown_()
    svg = (tmp_path / "_generated" / "unit" / "toy.svg").read_text()
    assert len(svg.encode()) < figures.MAX_BYTES
    assert ">a label that must stay text<" in svg  # svg.fonttype none: real text, not paths
    assert 'width="504pt"' in svg  # 7 in: drawn for the 672-px column
    assert pd.read_csv(tmp_path / "_generated" / "unit" / "toy.csv").equals(tiny())
    assert "```{figure} /_generated/unit/toy.svg" in md and ":name: fig-unit-toy" in md
    assert ":figclass: lcr-fig" in md
    assert "{cite:p}`a-2024,b-2025`" in md and ":alt: Two values; highest B (10)." in md
    assert "{download}`Data behind this figure (CSV, 2 rows) </_generated/unit/toy.csv>`" in md


def test_publish_refuses_default_alt_text(page):
    fig = house()
    with pytest.raises(ValueError, match="alt text"):
        page.publish(fig, "noalt", tiny(), caption="x", alt="<Figure size 640x480 with 1 Axes>")


def test_names_are_unique_per_page(page):
    page.publish(house(), "once", tiny(), caption="x", alt="one figure")
    fig = house()
    with pytest.raises(ValueError, match="used twice"):
        page.publish(fig, "once", tiny(), caption="x", alt="one figure")


def test_data_is_escaped_in_tables_and_evidence():
    hostile = pd.DataFrame(
        {
            "short": ["<img src=x onerror=alert(1)>"],
            "url": ["https://arxiv.org/abs/1"],
            "quantity": ["score"],
            "value_text": ["<b>9</b>"],
            "quote": ["<script>x</script>"],
        }
    )
    html = figures.evidence_html(hostile, "Evidence")
    for text in (html,):
        assert "<script>" not in text and "<img" not in text and "<b>" not in text
        assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert figures.md_escape("*a* {cite}`x` <b>") == r"\*a\* \{cite\}\`x\` \<b\>"


def test_publish_refuses_an_illegible_figure(page, tmp_path):
    fig = house()
    fig.axes[0].text(1.5, 5, "tiny", fontsize=5)
    with pytest.raises(ValueError, match="'tiny' is 5.0 pt"):
        page.publish(fig, "small", tiny(), caption="x", alt="a figure with tiny text")
    assert not (tmp_path / "_generated" / "unit" / "small.svg").exists()
    fig, _ = plt.subplots(figsize=(12, 3))  # not drawn for the column
    with pytest.raises(ValueError, match="12.00 in wide"):
        page.publish(fig, "wide", tiny(), caption="x", alt="a wide figure")


def test_opaque_white_background(page, tmp_path):
    import re

    page.publish(house(), "bg", tiny(), caption="x", alt="a line")
    svg = (tmp_path / "_generated" / "unit" / "bg.svg").read_text()
    first_patch = re.search(r'<g id="patch_1">\s*<path d="[^"]*" style="([^"]*)"', svg)
    assert first_patch and "fill: #ffffff" in first_patch.group(1)  # no transparency in dark mode
