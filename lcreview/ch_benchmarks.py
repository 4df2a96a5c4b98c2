"""Plotting helpers of the chapters 'Benchmarks and evaluation' and 'Alignment, test-time learning
and long output'.

Every function takes claim rows chosen by columns (quantity, unit, theme, baseline kind) and
draws what is in them; nothing here names a paper. Numbers shown next to points are the
numbers as the papers wrote them (``value_text``), with the qualifier spelled out.
"""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from lcreview import figures
from lcreview.text import QUAL_MARKER, QUAL_PREFIX, RANGED, as_written as written  # noqa: F401
from lcreview.text import text_or_empty as _str

# How a number is bounded -> marker. A range is drawn as a bar with end caps.
QUAL_WORD = {"exact": "exact", "about": "about", "average": "average", "more than": "more than / at least",
             "at least": "more than / at least", "up to": "up to / less than", "less than": "up to / less than",
             "range": "range (min to max)", "from-to": "from → to"}
ROW_IN, PANEL_IN = 0.22, 0.62      # facet figures: inches per row and per panel


def setting_label(row, width: int = 46) -> str:
    """'Short · model · task', shortened to ``width`` characters."""
    parts = [_str(row.get("short"))] + [_str(row.get(c)) for c in ("model", "task") if _str(row.get(c))]
    return textwrap.shorten(" · ".join(dict.fromkeys(p for p in parts if p)), width, placeholder="…")


def draw_value(ax, y, row, color, size: float = 6.5, lw: float = 4.0, zorder: int = 3) -> None:
    """A point (marker by qualifier) or, for a range, a bar with caps, at height ``y``."""
    v, hi = row["value"], row.get("value_high")
    if row.get("qualifier") in RANGED and pd.notna(hi):
        ax.plot([v, hi], [y, y], color=color, lw=lw, solid_capstyle="butt", zorder=zorder)
        ax.plot([v, hi], [y, y], ls="none", marker="|", ms=size + 3, mew=1.6, color=color, zorder=zorder)
    else:
        ax.plot([v], [y], ls="none", marker=QUAL_MARKER.get(row.get("qualifier"), "o"), ms=size,
                color=color, mec="white", mew=0.6, zorder=zorder + 1)


def right_end(row) -> float:
    hi = row.get("value_high")
    return hi if row.get("qualifier") in RANGED and pd.notna(hi) else row["value"]


def qualifier_handles(qualifiers, color=figures.NEUTRAL) -> list:
    """Legend entries explaining the marker shapes that occur."""
    seen, out = set(), []
    for q in qualifiers:
        word = QUAL_WORD.get(q, q)
        if word in seen:
            continue
        seen.add(word)
        if q in RANGED:
            out.append(Line2D([], [], color=color, lw=4, label=word))
        else:
            out.append(Line2D([], [], ls="none", marker=QUAL_MARKER.get(q, "o"), color=color, label=word))
    return out


def short_number(v: float) -> str:
    """Tick label for a log axis: 16, 1K, 10K, 1M, 1B, 1T (decimal)."""
    for div, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(v) >= div:
            return f"{v / div:g}{suffix}"
    return f"{v:g}"


def log_limits(ax, lo: float, hi: float, pad: float = 2.0) -> None:
    ax.set_xscale("log")
    ax.set_xlim(lo / pad, hi * pad)


def spans_orders(values, factor: float = 30) -> bool:
    v = pd.Series(values, dtype=float).dropna()
    return len(v) > 1 and (v > 0).all() and v.max() / v.min() >= factor


# ---------------------------------------------------------------- chapter 1: lengths

LENGTH_STYLE = {   # quantity -> (colour, lane offset within a paper's band, legend text)
    "input length": ("#E69F00", 0.27, "input length of the benchmark"),
    "context length": ("#7F7F7F", 0.09, "context length named (evaluation length or model window)"),
    "effective context length": ("#D55E00", -0.09, "effective context length found"),
    "output length": ("#0072B2", -0.27, "output length asked for or produced"),
}


def lengths_figure(rows: pd.DataFrame, order: list[str]):
    """One band per paper (in ``order`` of short names); token rows on a log axis, rows in
    words or characters as text in a separate column (never on the token axis)."""
    n = len(order)
    fig, (ax, side) = plt.subplots(1, 2, figsize=(7.6, 0.5 * n + 1.7), sharey=True,
                                   gridspec_kw={"width_ratios": [3.3, 1.35], "wspace": 0.03})
    ypos = {s: n - 1 - i for i, s in enumerate(order)}
    tok = rows[rows["unit"] == "tokens"]
    other = rows[rows["unit"] != "tokens"]
    for s, y in ypos.items():
        if y % 2 == 0:
            for a in (ax, side):
                a.axhspan(y - 0.5, y + 0.5, color="#f5f5f5", zorder=0, lw=0)
    for _, r in tok.iterrows():
        color, lane, _ = LENGTH_STYLE.get(r["quantity"], (figures.NEUTRAL, 0.0, r["quantity"]))
        draw_value(ax, ypos[r["short"]] + lane, r, color, size=6, lw=3.2)
    if len(tok):
        log_limits(ax, tok["value"].min(), tok[["value", "value_high"]].max().max(), pad=1.8)
    figures.token_axis(ax.xaxis)
    ax.set_xlabel("length (tokens, log scale)")
    ax.set_yticks(list(ypos.values()), list(ypos.keys()))
    ax.set_ylim(-0.6, n - 0.4)
    ax.grid(axis="y", visible=False)
    for short, g in other.groupby("short", sort=False):
        parts = [f"{q.replace(' length', '')}: " + ", ".join(written(r) for _, r in h.iterrows()) + f" {unit}"
                 for (q, unit), h in g.groupby(["quantity", "unit"], sort=False)]
        side.text(0.04, ypos[short], "\n".join(textwrap.fill(t, 30) for t in parts),
                  va="center", ha="left", fontsize=7, color="#333333", linespacing=1.15)
    side.set_xlim(0, 1)
    side.set_xticks([])
    side.tick_params(axis="y", left=False)
    side.grid(False)
    side.spines[["left", "bottom"]].set_visible(False)
    side.set_title("not in tokens (words, characters)", fontsize=8, fontweight="normal", color="#555555")
    present = [q for q in LENGTH_STYLE if q in set(tok["quantity"])]
    what = [Line2D([], [], color=LENGTH_STYLE[q][0], lw=5, label=LENGTH_STYLE[q][2]) for q in present]
    how = qualifier_handles(sorted(set(tok["qualifier"]), key=list(QUAL_WORD).index))
    top = fig.subplotpars.bottom - 0.55 / (0.5 * n + 1.7)      # half an inch below the axis
    fig.legend(handles=what, loc="upper left", bbox_to_anchor=(0.0, top), ncol=1, fontsize=7.5,
               title="colour: what is measured", title_fontsize=7.5, alignment="left")
    fig.legend(handles=how, loc="upper right", bbox_to_anchor=(0.98, top), ncol=1, fontsize=7.5,
               title="marker: how it is bounded", title_fontsize=7.5, alignment="left")
    return fig


# ---------------------------------------------------------------- chapter 1: abilities

SYNTH_COLOR = {"true": "#CC79A7", "mixed": "#E69F00", "false": "#009E73"}
SYNTH_WORD = {"true": "synthetic inputs", "mixed": "synthetic and natural", "false": "natural inputs"}


def ability_matrix(bm: pd.DataFrame, abilities: list[str]):
    """Benchmarks (rows, ``short``) x abilities (columns); cells coloured by whether the inputs are
    synthetic; languages and long output as text columns on the right."""
    n, m = len(bm), len(abilities)
    fig, ax = plt.subplots(figsize=(7.4, 0.36 * n + 2.3))
    ypos = np.arange(n)[::-1]
    for y, (_, r) in zip(ypos, bm.iterrows()):
        have = {a.strip() for a in _str(r["abilities"]).split(";") if a.strip()}
        if y % 2 == 0:
            ax.axhspan(y - 0.5, y + 0.5, color="#f5f5f5", zorder=0, lw=0)
        for x, a in enumerate(abilities):
            if a in have:
                ax.scatter(x, y, s=95, marker="s", color=SYNTH_COLOR.get(str(r["synthetic"]), figures.NEUTRAL),
                           edgecolor="white", zorder=3)
        ax.text(m + 0.1, y, _str(r["languages"]).replace(";", " ").upper(), va="center", fontsize=7.5)
        if bool(r["long_output"]):
            ax.scatter(m + 1.3, y, s=60, marker="*", color="#0072B2", zorder=3)
    counts = [sum(a in {t.strip() for t in _str(s).split(";")} for s in bm["abilities"]) for a in abilities]
    ax.set_xticks(list(range(m)) + [m + 0.35, m + 1.3],
                  [f"{a} ({c})" for a, c in zip(abilities, counts)] + ["languages", "long output"],
                  rotation=40, ha="left", rotation_mode="anchor", fontsize=8)
    ax.set_yticks(ypos, bm["short"])
    ax.set_xlim(-0.6, m + 1.8)
    ax.set_ylim(-0.6, n - 0.4)
    ax.grid(False)
    ax.axvline(m - 0.5, color="#bbbbbb", lw=0.8)
    ax.xaxis.tick_top()
    ax.spines[["bottom", "left"]].set_visible(False)
    ax.tick_params(length=0)
    present = [k for k in SYNTH_COLOR if k in set(bm["synthetic"].astype(str))]
    handles = [Line2D([], [], ls="none", marker="s", ms=8, color=SYNTH_COLOR[k], label=SYNTH_WORD[k]) for k in present]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.45, -0.01), ncol=len(handles), fontsize=8)
    return fig


# ---------------------------------------------------------------- both chapters: facets

BY_TASK = ("score", "score gain", "score degradation")   # scores compare only on the same task


def facet_key(row) -> tuple:
    task = _str(row.get("task")) if row["quantity"] in BY_TASK else ""
    return (row["quantity"], row["unit"], _str(row.get("baseline_kind")), task)


def facet_title(key, kinds: dict[str, str]) -> str:
    quantity, unit, kind, task = key
    if quantity == "count":
        return f"number of {unit}"
    base = f"relative to: {kind}" if kind else "absolute"
    on = f" on {textwrap.shorten(task, 48, placeholder='…')}" if task else ""
    return f"{quantity} ({unit}){on}, {base}"


def facets(rows: pd.DataFrame, kinds: dict[str, str], color_of=lambda r: figures.NEUTRAL,
           label_of=setting_label, width: float = 7.2, order: list[str] | None = None):
    """One panel per (quantity, unit, baseline kind): numbers are compared only inside a panel.
    Panels follow the quantities in ``order`` (others after). Returns the figure and the plotted
    rows with their panel name."""
    rank = {q: i for i, q in enumerate(order or [])}
    rows = rows.assign(_rank=rows["quantity"].map(lambda q: rank.get(q, len(rank))))
    rows = rows.sort_values(["_rank", "quantity", "unit"], kind="stable").drop(columns="_rank")
    rows["panel"] = [facet_title(facet_key(r), kinds) for _, r in rows.iterrows()]
    groups = list(rows.groupby("panel", sort=False))
    heights = [len(g) + 0.6 for _, g in groups]
    fig, axes = plt.subplots(len(groups), 1, figsize=(width, ROW_IN * sum(heights) + PANEL_IN * len(groups)),
                             gridspec_kw={"height_ratios": heights}, squeeze=False, layout="constrained")
    fig.get_layout_engine().set(h_pad=0.08, hspace=0.04)
    for ax, (title, g) in zip(axes[:, 0], groups):
        g = g.sort_values(["value"], ascending=True)
        ys = np.arange(len(g))
        for y, (_, r) in zip(ys, g.iterrows()):
            draw_value(ax, y, r, color_of(r))
            ax.annotate(written(r), (right_end(r), y), xytext=(6, 0), textcoords="offset points",
                        va="center", fontsize=8)
        values = pd.concat([g["value"], g["value_high"]]).dropna()
        if spans_orders(values) and g["unit"].iloc[0] not in ("%", "points"):
            log_limits(ax, values.min(), values.max(), pad=2.5)
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: short_number(v)))
        else:
            hi = max(values.max(), 0)
            top = hi * 1.35 or 1
            if g["unit"].iloc[0] in ("%", "points") and hi <= 100:
                top = min(top, 105)
            ax.set_xlim(min(0, values.min()), top)
            if hi >= 1e4:
                ax.xaxis.set_major_locator(MaxNLocator(5))
                ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: short_number(v)))
        by_task = g["quantity"].iloc[0] in BY_TASK
        ax.set_yticks(ys, [label_of(r.drop(labels=["task"]) if by_task else r) for _, r in g.iterrows()], fontsize=8)
        if g["quantity"].iloc[0] == "count":
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(-0.7, len(g) - 0.3)
        ax.grid(axis="y", visible=False)
        ax.set_title(title, fontsize=9)
        what = g["unit"].iloc[0] if g["quantity"].iloc[0] == "count" else f"{g['quantity'].iloc[0]} ({g['unit'].iloc[0]})"
        ax.set_xlabel(what, fontsize=8, labelpad=1)
    return fig, rows


# ---------------------------------------------------------------- prose helpers

def extreme_said(rows: pd.DataFrame, largest: bool = True) -> str:
    """The largest (or smallest) number of ``rows`` as the paper wrote it, with its unit."""
    from lcreview.text import said
    if rows.empty:
        return "none"
    top = rows.assign(_end=[right_end(r) if largest else r["value"] for _, r in rows.iterrows()])
    r = top.loc[top["_end"].idxmax() if largest else top["_end"].idxmin()]
    return said(r, high=largest and r.get("qualifier") in RANGED and pd.notna(r.get("value_high")))


def extreme_short(rows: pd.DataFrame, largest: bool = True) -> str:
    if rows.empty:
        return "none"
    ends = pd.Series([right_end(r) if largest else r["value"] for _, r in rows.iterrows()], index=rows.index)
    return rows.loc[ends.idxmax() if largest else ends.idxmin(), "short"]


def count_table(counts: pd.DataFrame, order: list[str] | None = None) -> pd.DataFrame:
    """Counts a paper reports (one column per count unit), numbers as written."""
    c = counts.assign(n=[written(r) for _, r in counts.iterrows()])
    t = c.pivot_table(index=["short", "url"], columns="unit", values="n", aggfunc=lambda s: "; ".join(s))
    cols = [u for u in (order or []) if u in t.columns] + [u for u in t.columns if u not in (order or [])]
    return t[cols].reset_index().rename(columns={"short": "paper"}).rename_axis(columns=None)
