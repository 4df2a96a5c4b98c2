"""House style and the chart kinds that two or more chapters draw.

Every figure is drawn for the content column it is shown in: :data:`WIDTH`
inches wide, which is the column's 672 CSS px at a 1280-px window, so 1 pt of
text is 1.33 CSS px there; no text is smaller than :data:`MIN_PT` (11.3 px).
On a phone the figure keeps at least 540 px and scrolls sideways in its frame
(``book/_static/review.css``), so text stays at 9 px or more.

Colour language: :data:`THEME_COLORS` mean themes, everywhere. Any other
encoding (phase, input kind, baseline kind, bound) uses :func:`encoding`
(greys and marker shapes) and carries a legend on the figure.
"""

from __future__ import annotations

import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator  # noqa: E402

from lcreview.derive import fmt_si, fmt_tokens  # noqa: E402
from lcreview.text import QUAL_MARKER, RANGED, as_written, text_or_empty  # noqa: E402

WIDTH = 7.0  # inches: the content column (672 CSS px) at a 1280-px window
MIN_PT = 8.5  # smallest text: 11.3 CSS px at 1280, >= 9 px on a phone (min-width 540 px)
FONT_PT = 9.5  # body text of figures
ROW_IN = 0.26  # inches per labelled row
TOP = 12  # at most this many labelled rows (papers) a panel; the rest stay in the CSV and the evidence table

# Okabe-Ito, safe for colour-blind readers; one fixed colour per theme.
THEME_COLORS = {
    "extension": "#0072B2",
    "benchmark": "#E69F00",
    "inference": "#009E73",
    "training": "#D55E00",
    "alignment": "#CC79A7",
    "rag-memory": "#56B4E9",
    "survey": "#7F7F7F",
}
NEUTRAL = "#333333"
MUTED = "#767676"  # 4.5:1 on white: the lightest grey used for text
# Non-theme encodings: greys and marker shapes, never a theme colour.
_ENC_COLORS = ["#1a1a1a", "#6e6e6e", "#a8a8a8", "#1a1a1a", "#6e6e6e"]
_ENC_MARKERS = ["o", "s", "^", "D", "v"]
_ENC_FILLED = [True, True, True, False, False]

STYLE = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.figsize": (WIDTH, 4.0),
    "figure.dpi": 96,
    "font.size": FONT_PT,
    "font.family": "DejaVu Sans",
    "axes.labelsize": FONT_PT,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e6e6e6",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "legend.frameon": False,
    "svg.fonttype": "none",
    "svg.hashsalt": "lcreview",
    "text.parse_math": False,
    "axes.unicode_minus": False,
}


def style() -> None:
    plt.rcParams.update(STYLE)


def theme_color(theme) -> str:
    return THEME_COLORS.get(theme, NEUTRAL)


def row_color(row) -> str:
    """The colour of a claim's row: its paper's primary theme."""
    return theme_color(row["theme"])


def short_theme_names() -> dict[str, str]:
    """Theme names for legends: the vocabulary's theme ids ('rag & memory'), short enough for one legend row."""
    from lcreview import load

    return {k: k.replace("-", " & ") for k in load.vocabulary()["themes"]}


def setting_label(row) -> str:
    """'Paper · model · task' of a claim, each part once; a model that just repeats the paper's name is left out."""
    short = text_or_empty(row.get("short"))
    parts = [text_or_empty(row.get(c)) for c in ("model", "task")]
    parts = [p for p in parts if p and p.lower() != short.lower()]
    return " · ".join(dict.fromkeys([short] + parts))


def encoding(levels) -> dict:
    """Style per level of a non-theme encoding: {level: dict(color=, marker=, filled=)}."""
    levels = list(dict.fromkeys(levels))
    if len(levels) > len(_ENC_COLORS):
        raise ValueError(f"{len(levels)} levels: an encoding holds at most {len(_ENC_COLORS)}")
    return {
        lv: {"color": c, "marker": m, "filled": f}
        for lv, c, m, f in zip(levels, _ENC_COLORS, _ENC_MARKERS, _ENC_FILLED)
    }


def new(height: float, ncols: int = 1, nrows: int = 1, **kw):
    """A figure WIDTH wide and ``height`` inches high, constrained layout."""
    style()
    return plt.subplots(nrows, ncols, figsize=(WIDTH, height), layout="constrained", squeeze=False, **kw)


def shorten(text, width: int = 36) -> str:
    return textwrap.shorten(text_or_empty(text) or str(text), width, placeholder="…")


def wrap_label(text, width: int = 34, lines: int = 1) -> str:
    """A row label on at most ``lines`` lines of ``width`` characters ('…' only when it needs more)."""
    return "\n".join(
        textwrap.wrap(text_or_empty(text) or str(text), width, max_lines=lines, placeholder="…", break_on_hyphens=False)
    )


def row_height(lines: int = 1) -> float:
    """Inches per labelled row whose label has ``lines`` lines."""
    return max(ROW_IN, 0.16 * lines + 0.06)


# ----------------------------------------------------------------------------- axes


def token_axis(axis) -> None:
    """A log axis labelled 1K, 4K, 128K, 1M ... (binary when exact)."""
    axis.set_major_locator(LogLocator(base=2, numticks=30))
    axis.set_minor_locator(NullLocator())
    axis.set_major_formatter(FuncFormatter(lambda v, _: fmt_tokens(v)))


def thin_ticks(ax, axis: str = "x", every: int = 2) -> None:
    """Keep every ``every``-th major tick label of a log token axis (readable spacing)."""
    a = ax.xaxis if axis == "x" else ax.yaxis
    a.set_major_locator(LogLocator(base=2**every, numticks=30))


def si_axis(axis, prefix: str = "") -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _: fmt_si(v, prefix)))


def log_span(ax, values, pad: float = 2.5, axis: str = "x") -> None:
    """A log axis with ``pad``-fold room on both sides of ``values``."""
    v = pd.Series(values, dtype=float).dropna()
    v = v[v > 0]
    lo, hi = (v.min(), v.max()) if len(v) else (1, 10)
    (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
    (ax.set_xlim if axis == "x" else ax.set_ylim)(lo / pad, hi * pad)


def spans_orders(values, factor: float = 30) -> bool:
    v = pd.Series(values, dtype=float).dropna()
    return len(v) > 1 and (v > 0).all() and v.max() / v.min() >= factor


def panel_title(ax, text: str, width: int = 78) -> None:
    """A panel title starting at the figure's left edge (over the row labels), so long titles fit."""
    from matplotlib.transforms import blended_transform_factory

    ax.set_title(" ")  # reserves the title's height in the constrained layout
    ax.text(
        0.005,
        1.0,
        shorten(text, width),
        transform=blended_transform_factory(ax.figure.transFigure, ax.transAxes),
        ha="left",
        va="bottom",
        fontsize=plt.rcParams["axes.titlesize"],
        fontweight="bold",
    )


# ----------------------------------------------------------------------------- legends


def theme_handles(themes: dict[str, str], present) -> list:
    """Legend entries for the themes that occur, in vocabulary order."""
    present = set(present)
    return [
        Line2D([], [], ls="none", marker="o", ms=7, color=THEME_COLORS.get(k, NEUTRAL), label=v)
        for k, v in themes.items()
        if k in present
    ]


QUAL_WORD = {
    "exact": "exact",
    "about": "about",
    "average": "average",
    "more than": "more than / at least",
    "at least": "more than / at least",
    "up to": "up to / less than",
    "less than": "up to / less than",
    "range": "range (low to high)",
    "from-to": "from → to",
}


def qualifier_handles(qualifiers, color: str = NEUTRAL) -> list:
    """Legend entries for the marker shapes (bounds) that occur."""
    seen, out = set(), []
    for q in qualifiers:
        word = QUAL_WORD.get(q, q)
        if word in seen or not isinstance(q, str):
            continue
        seen.add(word)
        if q in RANGED:
            out.append(Line2D([], [], color=color, lw=4, label=word))
        else:
            out.append(Line2D([], [], ls="none", marker=QUAL_MARKER.get(q, "o"), ms=7, color=color, label=word))
    return out


def legend_above(fig, handles, ncol: int | None = None, **kw):
    """A one-row legend above the axes, inside the figure."""
    if not handles:
        return None
    return fig.legend(
        handles=handles,
        loc="outside upper left",
        ncol=ncol or min(len(handles), 4),
        handletextpad=0.6,
        columnspacing=1.2,
        borderaxespad=0.2,
        **kw,
    )


# ----------------------------------------------------------------------------- chart kind: labelled values


def right_end(row) -> float:
    hi = row.get("value_high")
    return hi if row.get("qualifier") in RANGED and pd.notna(hi) else row["value"]


def draw_value(ax, y, row, color, size: float = 7.0, filled: bool = True) -> None:
    """A marker by qualifier, or for a range a bar with end caps, at height ``y``."""
    v, hi = row["value"], row.get("value_high")
    if row.get("qualifier") in RANGED and pd.notna(hi):
        ax.plot([v, hi], [y, y], color=color, lw=4, solid_capstyle="butt", zorder=3)
        ax.plot([v, hi], [y, y], ls="none", marker="|", ms=size + 4, mew=1.6, color=color, zorder=3)
    else:
        ax.plot(
            [v],
            [y],
            ls="none",
            marker=QUAL_MARKER.get(row.get("qualifier"), "o"),
            ms=size,
            color=color,
            mfc=color if filled else "white",
            mec=color if not filled else "white",
            mew=1.2 if not filled else 0.6,
            zorder=4,
        )


def value_rows(
    ax,
    rows: pd.DataFrame,
    label_of,
    color_of=lambda r: NEUTRAL,
    text_of=as_written,
    log: bool | None = None,
    xlabel: str = "",
    label_width: int = 34,
    label_lines: int = 1,
) -> None:
    """One labelled row per claim: marker (or range bar) and the number as written after it.

    Rows are drawn top to bottom in the order given. ``log`` None picks a log
    axis when the values span 30-fold or more.
    """
    ys = np.arange(len(rows))[::-1]
    for y, (_, r) in zip(ys, rows.iterrows()):
        draw_value(ax, y, r, color_of(r))
        ax.annotate(
            text_of(r),
            (right_end(r), y),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
            color=NEUTRAL,
        )
    values = pd.concat([rows["value"], rows["value_high"]]).dropna()
    if log if log is not None else spans_orders(values):
        log_span(ax, values, pad=3.0)
        ax.xaxis.set_major_locator(LogLocator(base=10, numticks=8))
        ax.xaxis.set_minor_locator(NullLocator())
        si_axis(ax.xaxis)
    else:
        lo, hi = min(values.min(), 0), max(values.max(), 0)
        ax.set_xlim(lo, hi * 1.45 if hi > 0 else 1)
        ax.xaxis.set_major_locator(MaxNLocator(5))
        if hi >= 1e4:
            si_axis(ax.xaxis)
    ax.set_yticks(ys, [wrap_label(label_of(r), label_width, label_lines) for _, r in rows.iterrows()])
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.grid(axis="y", visible=False)
    if xlabel:
        ax.set_xlabel(xlabel)


def facets(
    groups: list[tuple[str, pd.DataFrame]],
    label_of,
    color_of=lambda r: NEUTRAL,
    text_of=as_written,
    xlabel_of=lambda g: "",
    log_of=lambda g: None,
    legend: list | None = None,
    label_width: int = 34,
    label_lines: int = 1,
):
    """Stacked panels, one per (title, rows) group; numbers are compared only inside a panel."""
    lines = [
        max((wrap_label(label_of(r), label_width, label_lines).count("\n") + 1 for _, r in g.iterrows()), default=1)
        for _, g in groups
    ]
    heights = [row_height(n) * len(g) + 0.75 for n, (_, g) in zip(lines, groups)]
    extra = 0.35 if legend else 0.0
    fig, axes = new(sum(heights) + extra, nrows=len(groups), gridspec_kw={"height_ratios": heights})
    for ax, (title, g) in zip(axes[:, 0], groups):
        value_rows(
            ax,
            g,
            label_of,
            color_of,
            text_of,
            log=log_of(g),
            xlabel=xlabel_of(g),
            label_width=label_width,
            label_lines=label_lines,
        )
        panel_title(ax, title)
    if legend:
        legend_above(fig, legend)
    return fig


# ----------------------------------------------------------------------------- chart kind: factors by baseline


def baseline_title(kind: str) -> str:
    """'Baseline: unoptimized framework (e.g. Hugging Face transformers)' from the vocabulary."""
    import re

    from lcreview import load

    desc = load.vocabulary()["baseline-kinds"].get(kind, "")
    m = re.search(r"\(for example ([^)]*)\)", desc)
    return "Baseline: " + kind.replace("-", " ") + (f" (e.g. {m.group(1)})" if m else "")


def factor_text(r) -> str:
    """The number as written, plus the factor when it was a percentage: '60% = 2.5x'."""
    text = as_written(r)
    if r.get("converted"):
        return f"{text} = {r['factor']:.2g}x"
    return text if text.endswith("x") else text + "x"


def baseline_panels(
    rows: pd.DataFrame,
    label_of,
    color_of=lambda r: NEUTRAL,
    xlabel: str = "factor over the panel's baseline (log scale)",
    legend: list | None = None,
    top: int = TOP,
):
    """Factors from :func:`lcreview.derive.relative`, one panel per baseline kind on a shared log axis.

    A panel shows its ``top`` largest factors (the rest stay in the figure's CSV
    and evidence table). Returns (figure, plotted rows).
    """
    groups, kept = [], []
    for kind, g in rows.groupby("baseline_kind", sort=False):
        g = g.nlargest(top, "factor")
        kept.append(g)
        groups.append((baseline_title(kind), g.assign(value=g["factor"], value_high=g["factor_high"])))
    heights = [ROW_IN * len(g) + 0.55 for _, g in groups]
    fig, axes = new(
        sum(heights) + 0.55 + (0.35 if legend else 0),
        nrows=len(groups),
        sharex=True,
        gridspec_kw={"height_ratios": heights},
    )
    hi = np.nanmax(np.r_[rows["factor"], rows["factor_high"].fillna(0)]) if len(rows) else 10
    for ax, (title, g) in zip(axes[:, 0], groups):
        value_rows(ax, g, label_of, color_of, text_of=factor_text, log=True)
        panel_title(ax, title)
    ax = axes[-1, 0]
    ax.set_xlim(0.8, hi * 6)
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1, 3)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}x"))
    ax.set_xlabel(xlabel)
    for a in axes[:, 0]:
        a.axvline(1, color=MUTED, lw=0.8)
    if legend:
        legend_above(fig, legend)
    plotted = pd.concat(kept) if kept else rows.iloc[:0]
    return fig, plotted
