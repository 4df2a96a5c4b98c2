"""The shared core on small frames made here: derived numbers, house style, legibility checks."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lcreview import derive, figures, plots


def claim(**kw) -> dict:
    base = {
        "id": "p-2024.1",
        "paper": "p-2024",
        "short": "P",
        "quantity": "count",
        "value": 1.0,
        "value_text": "1",
        "value_high": np.nan,
        "value_high_text": None,
        "unit": "x",
        "qualifier": "exact",
        "model": None,
        "hardware": None,
        "task": None,
    }
    return {**base, **kw}


def test_fmt_si_and_tokens():
    assert derive.fmt_si(300) == "300"
    assert derive.fmt_si(2e4) == "20K"
    assert derive.fmt_si(1.2e6) == "1.2M"
    assert derive.fmt_si(534700, "$") == "$535K"
    assert derive.fmt_tokens(131072) == "128K"
    assert derive.fmt_tokens(400000) == "400K"
    assert derive.fmt_tokens(1048576) == "1M"
    assert derive.fmt_tokens(1500) == "1.5K"


def test_pct():
    assert derive.pct(1, 3) == "33%"
    assert derive.pct(0, 0) == "0%"


def test_spread():
    assert derive.spread([8, 12000, np.nan, 0]) == 1500
    assert math.isnan(derive.spread([5]))


def test_as_factor():
    assert derive.as_factor(2.5, "x") == 2.5
    assert derive.as_factor(60, "%") == pytest.approx(2.5)
    assert derive.as_factor(100, "%") == math.inf
    assert math.isnan(derive.as_factor(3, "tokens"))


def test_quantity_checks_vocabulary():
    assert derive.quantity("context length") == ["context length"]
    with pytest.raises(KeyError, match="not in data/datapackage.json"):
        derive.quantity("context lenght")


def test_once_drops_repeats_and_declared_duplicates():
    rows = pd.DataFrame([claim(id="a.1"), claim(id="a.2"), claim(id="a.3", value=2.0, value_text="2")])
    assert list(derive.once(rows)["id"]) == ["a.1", "a.3"]
    rows = rows.assign(duplicate_of=[None, None, "a.1"])
    assert list(derive.once(rows)["id"]) == ["a.1"]


def test_combine_bounds():
    assert derive.combine_bounds("exact", "exact") == "exact"
    assert derive.combine_bounds("less than", "exact") == "less than"
    assert derive.combine_bounds("up to", "more than") == "about"


def test_training_runs_pairs_gpus_time_and_cost():
    rows = pd.DataFrame(
        [
            claim(id="a.1", paper="a", quantity="GPUs", value=512, value_text="512", unit="GPUs", hardware="512xH800"),
            claim(
                id="a.2",
                paper="a",
                quantity="training time",
                value=3,
                value_text="three",
                unit="weeks",
                hardware="512xH800",
            ),
            claim(
                id="a.3",
                paper="a",
                quantity="cost",
                value=534700,
                value_text="$534,700",
                unit="USD",
                hardware="512xH800",
            ),
            claim(
                id="b.1",
                paper="b",
                quantity="training time",
                value=9,
                value_text="9",
                unit="hours",
                qualifier="less than",
                hardware="8xA800",
            ),
            claim(id="c.1", paper="c", quantity="training time", value=2200, value_text="2.2K", unit="GPU-hours"),
            claim(id="d.1", paper="d", quantity="training time", value=5, value_text="5", unit="days"),
        ]
    )
    runs = derive.training_runs(rows).set_index("time_id")
    assert runs.loc["a.2", "gpu_hours"] == 512 * 3 * 7 * 24
    assert runs.loc["a.2", "gpus_id"] == "a.1" and runs.loc["a.2", "cost_id"] == "a.3"
    assert runs.loc["a.2", "usd_per_gpu_hour"] == pytest.approx(534700 / (512 * 504))
    assert runs.loc["b.1", "gpu_hours"] == 72 and runs.loc["b.1", "qualifier"] == "less than"  # count from '8xA800'
    assert runs.loc["c.1", "gpu_hours"] == 2200 and runs.loc["c.1", "assumption"] == "reported in GPU-hours"
    assert math.isnan(runs.loc["d.1", "gpu_hours"]) and runs.loc["d.1", "assumption"] == "number of GPUs not reported"
    assert list(runs.index[:2]) == ["a.2", "c.1"]  # largest compute first


def test_encoding_never_uses_theme_colours():
    styles = plots.encoding(["a", "b", "c"])
    assert not {s["color"] for s in styles.values()} & set(plots.THEME_COLORS.values())
    with pytest.raises(ValueError):
        plots.encoding(range(9))


def test_legibility_accepts_a_house_figure_and_names_each_fault():
    fig, axes = plots.new(2.0)
    axes[0, 0].plot([1, 2], [1, 2])
    axes[0, 0].set_xlabel("tokens")
    assert figures.legibility(fig) == []
    ax = axes[0, 0]
    ax.text(1.5, 1.5, "small", fontsize=6)
    ax.text(1.5, 1.5, "on top")
    ax.text(2.6, 1.0, "far outside the right edge of the figure")
    problems = "\n".join(figures.legibility(fig))
    assert "'small' is 6.0 pt" in problems
    assert "'small' and 'on top' overlap" in problems
    assert "cut by the figure's edge" in problems
    fig2, _ = plots.new(2.0)
    fig2.set_size_inches(9, 2)
    assert "9.00 in wide" in figures.legibility(fig2)[0]


def test_legibility_ignores_spare_ticks_and_sees_drawn_ones():
    fig, axes = plots.new(2.0)
    ax = axes[0, 0]
    ax.set_xlim(0, 100)
    fig.canvas.draw()
    ax.set_xlim(0, 1)  # the 0..100 tick objects remain as spares, not drawn
    assert figures.legibility(fig) == []
    ax.set_xticks([0.5, 0.5001], ["same place", "same place too"])
    assert any("overlap" in p for p in figures.legibility(fig))


def test_log2_trend_recovers_a_doubling_per_year_and_brackets_noise():
    dates = pd.to_datetime(["2023-01-01", "2024-01-01", "2025-01-01", "2026-01-01"])
    exact = derive.log2_trend(dates, [4096, 8192, 16384, 32768])
    assert exact["factor"] == pytest.approx(2.0, rel=1e-3)
    assert exact["low"] == pytest.approx(2.0, rel=1e-2) and exact["high"] == pytest.approx(2.0, rel=1e-2)  # leap days
    noisy = derive.log2_trend(
        dates.repeat(3), [3000, 4096, 6000, 6000, 8192, 12000, 12000, 16384, 24000, 24000, 32768, 48000]
    )
    assert noisy["low"] < noisy["factor"] < noisy["high"] and noisy["n"] == 12
    with pytest.raises(ValueError, match="at least three"):
        derive.log2_trend(dates[:2], [1, 2])
    with pytest.raises(ValueError):
        derive.log2_trend(dates[:1].repeat(3), [1, 2, 3])


def test_wrap_label_keeps_whole_words_and_cuts_only_beyond_its_lines():
    text = "ProLong · Stage 1 continued training at max sequence length 64K"
    wrapped = plots.wrap_label(text, 30, 3)
    assert "…" not in wrapped and wrapped.replace("\n", " ") == text and wrapped.count("\n") == 2
    assert plots.wrap_label(text, 30, 1).endswith("…")
    assert plots.row_height(3) > plots.row_height(1) == plots.ROW_IN


def test_setting_label_and_row_color():
    row = claim(short="MiniMax-M1", model="MiniMax-M1-80K", task="RL training", theme="extension")
    assert plots.setting_label(row) == "MiniMax-M1 · MiniMax-M1-80K · RL training"
    assert plots.setting_label(claim(short="LongGen", model="longgen")) == "LongGen"
    assert plots.row_color({"theme": "training"}) == plots.THEME_COLORS["training"]
    assert plots.row_color({"theme": None}) == plots.NEUTRAL
    assert "rag & memory" in plots.short_theme_names().values()


def test_by_id_keeps_order_and_counts_once():
    from lcreview import select

    rows = pd.DataFrame([claim(id="a.1"), claim(id="a.2"), claim(id="a.3")])
    assert list(select.by_id(rows, ["a.3", "a.1", "a.3"])["id"]) == ["a.3", "a.1"]


def test_page_download_takes_a_file_name_once_and_neutralises(tmp_path, monkeypatch):
    from lcreview import figures

    monkeypatch.setenv("LCREVIEW_SITE_SRC", str(tmp_path))
    page = figures.Page("downloads")
    link = page.download("model_configs", pd.DataFrame({"a": ["=1+1", "x"]}), "model_configs.csv")
    assert link == "{download}`model_configs.csv </_generated/downloads/model_configs.csv>`"
    assert (tmp_path / "_generated" / "downloads" / "model_configs.csv").read_text().splitlines()[1] == "'=1+1"
    for bad in ("model_configs", "../up", ""):
        with pytest.raises(ValueError):
            page.download(bad, pd.DataFrame({"a": [1]}), "x")


def test_as_written_keeps_every_cell_as_text():
    from lcreview import load

    frame = load.as_written("model_configs.csv")
    assert len(frame) and all(isinstance(v, str) for v in frame.iloc[0])
