"""Figure publishing on tiny frames: files, caption, alt text, escaping, size."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from lcreview import figures


@pytest.fixture
def page(tmp_path, monkeypatch):
    monkeypatch.setenv("LCREVIEW_SITE_SRC", str(tmp_path))
    return figures.Page("unit")


def tiny():
    return pd.DataFrame({"paper": ["a-2024", "b-2025"], "short": ["A", "B"], "value": [1.0, 10.0]})


def test_publish_writes_png_csv_and_figure_block(page, tmp_path):
    fig, ax = plt.subplots()
    ax.plot([1, 2], [1, 10])
    out = page.publish(fig, "toy", tiny(), caption="Toy values.", alt="Two values; highest B (10).")
    md = out._repr_markdown_()
    assert (tmp_path / "_generated" / "unit" / "toy.png").stat().st_size < figures.MAX_BYTES
    assert pd.read_csv(tmp_path / "_generated" / "unit" / "toy.csv").equals(tiny())
    assert "```{figure} /_generated/unit/toy.png" in md and ":name: fig-unit-toy" in md
    assert "{cite:p}`a-2024,b-2025`" in md and ":alt: Two values; highest B (10)." in md
    assert "{download}`Data behind this figure (CSV, 2 rows) </_generated/unit/toy.csv>`" in md


def test_publish_refuses_default_alt_text(page):
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="alt text"):
        page.publish(fig, "noalt", tiny(), caption="x", alt="<Figure size 640x480 with 1 Axes>")


def test_names_are_unique_per_page(page):
    fig, _ = plt.subplots()
    page.publish(fig, "once", tiny(), caption="x", alt="one figure")
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="used twice"):
        page.publish(fig, "once", tiny(), caption="x", alt="one figure")


def test_data_is_escaped_in_tables_and_evidence():
    hostile = pd.DataFrame({"short": ["<img src=x onerror=alert(1)>"], "url": ["https://arxiv.org/abs/1"],
                            "quantity": ["score"], "value_text": ["<b>9</b>"], "quote": ["<script>x</script>"]})
    html = figures.evidence_html(hostile, "Evidence")
    table = figures.html_table(hostile, links={"short": "url"})
    for text in (html, table):
        assert "<script>" not in text and "<img" not in text and "<b>" not in text
        assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert figures.md_escape("*a* {cite}`x` <b>") == r"\*a\* \{cite\}\`x\` \<b\>"


def test_token_format():
    assert [figures.fmt_tokens(v) for v in (4096, 400_000, 1_048_576, 2_000_000)] == ["4K", "400K", "1M", "2M"]


def test_opaque_white_background(page, tmp_path):
    import matplotlib.image as mpimg
    fig, ax = plt.subplots()
    ax.bar(["a"], [1])
    page.publish(fig, "bg", tiny(), caption="x", alt="a bar")
    pixels = mpimg.imread(tmp_path / "_generated" / "unit" / "bg.png")
    assert pixels.shape[2] == 3 or pixels[..., 3].min() == 1.0     # no transparency
