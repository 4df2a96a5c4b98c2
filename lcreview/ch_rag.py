"""Helpers of the chapter 'Retrieval, memory and attribution versus long context'.

Rows are chosen by columns only (theme, quantity, unit, baseline kind, the ``relative``
flag of the vocabulary); nothing here names a paper. Numbers printed next to points are
the numbers as the papers wrote them (``value_text``) with their bound spelled out.
"""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
from matplotlib.ticker import LogLocator, MaxNLocator, NullFormatter, NullLocator
import pandas as pd

from lcreview import figures, select
from lcreview.text import QUAL_MARKER, RANGED, as_written as written  # noqa: F401
from lcreview.text import text_or_empty as _s

THEME = "rag-memory"
WINDOW_THEME = "extension"

# Marker by how a number is bounded; ranges and from-to extensions are drawn as segments.

# Quantities grouped into what they say something about; a panel never mixes families.
FAMILY = {"score gain": "quality", "score degradation": "quality",
          "prefill speedup": "speed", "decode speedup": "speed", "end-to-end speedup": "speed",
          "throughput gain": "speed", "training speedup": "speed", "time reduction": "speed",
          "memory reduction": "size", "parameter reduction": "size", "bandwidth reduction": "size",
          "relative training data": "size", "context ratio": "size"}
FAMILY_ORDER = ["quality", "size", "speed"]
FAMILY_WORD = {"quality": "quality gain", "size": "size or memory reduction", "speed": "speed-up"}
UNIT_WORD = {"x": "factor (×)", "%": "percent", "points": "points"}


def _empty(message: str):
    fig, ax = plt.subplots(figsize=(7.2, 1.2))
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", color=figures.NEUTRAL)
    return fig


def _end(rows: pd.DataFrame) -> pd.Series:
    """Upper end of a number: value_high for ranges and extensions, else value."""
    return rows["value_high"].where(rows["qualifier"].isin(RANGED)).fillna(rows["value"])


def dedupe(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct number of a paper (titles and abstracts often repeat it)."""
    keys = ["paper", "quantity", "value", "value_high", "unit", "qualifier"]
    return rows.drop_duplicates(subset=keys).reset_index(drop=True)


# ------------------------------------------------------------------ figure: relative numbers

def relative_rows(theme: str = THEME) -> pd.DataFrame:
    """Relative claims (speed-ups, gains, reductions) of the theme's papers, primary or secondary."""
    rows = select.claims(theme=theme)
    rows = rows[rows["relative"].fillna(False).astype(bool) & rows["value"].notna()]
    rows = dedupe(rows)
    rows["family"] = rows["quantity"].map(FAMILY).fillna(rows["quantity"])
    return rows


def _panel_key(r) -> tuple:
    return (r["family"], _s(r["baseline_kind"]), r["unit"])


def _row_label(r, width: int = 46) -> str:
    """'Short: quantity' over 'vs baseline'; the task goes in the evidence table."""
    first = textwrap.shorten(f"{_s(r['short'])}: {r['quantity']}", width, placeholder="…")
    return first + "\n" + textwrap.shorten(f"vs {_s(r['baseline'])}", width, placeholder="…")


def relative_figure(rows: pd.DataFrame, kinds: dict[str, str]):
    """See :func:`_relative`; drawn small enough for the size limit."""
    return _relative(rows, kinds)


def _relative(rows: pd.DataFrame, kinds: dict[str, str], k: float = 1.0):
    """One panel per (family of quantity, baseline kind, unit): numbers that may share an axis.

    Factors (x) on a log axis starting at 1 (= no change); percent and points on a linear
    axis starting at 0. Every point is labelled with the number as written.
    """
    if rows.empty:
        return _empty("No relative numbers reported by papers of this theme."), rows
    kind_order = list(kinds)
    keys = sorted({_panel_key(r) for _, r in rows.iterrows()},
                  key=lambda k: (FAMILY_ORDER.index(k[0]) if k[0] in FAMILY_ORDER else 99,
                                 kind_order.index(k[1]) if k[1] in kind_order else 99, k[2]))
    sizes = [int(sum(_panel_key(r) == k for _, r in rows.iterrows())) for k in keys]
    # panels stacked with fixed inches per row and per gap (title and tick labels), so that
    # two-line row labels never collide however many rows a panel has
    heights = [k * (0.42 * n + 0.16) for n in sizes]
    gap = k * 0.62
    total = sum(heights) + gap * len(keys)
    fig = plt.figure(figsize=(4.6 * k, total))
    axes, top_edge = [], total - gap
    for h in heights:
        axes.append(fig.add_axes((0, (top_edge - h) / total, 1, h / total)))
        top_edge -= h + gap
    color = figures.theme_color(THEME)
    plotted = []
    for ax, key in zip(axes, keys):
        family, kind, unit = key
        g = rows[[_panel_key(r) == key for _, r in rows.iterrows()]].sort_values("value")
        ys = range(len(g))
        ref = 1.0 if unit == "x" else 0.0
        for y, (_, r) in zip(ys, g.iterrows()):
            c = figures.theme_color(r["theme"]) if r["theme"] != THEME else color
            ax.plot([ref, r["value"]], [y, y], color=c, lw=2.2 * k, alpha=0.55, solid_capstyle="butt")
            ax.plot([r["value"]], [y], ls="none", marker=QUAL_MARKER.get(r["qualifier"], "o"), ms=8 * k,
                    color=c, mec="white", mew=0.7 * k, zorder=3)
            ax.annotate(written(r), (r["value"], y), xytext=(6 * k, 0), textcoords="offset points",
                        va="center", fontsize=8 * k, fontweight="bold", color="#222222")
            plotted.append(r)
        top = g["value"].max()
        if unit == "x":
            ax.set_xscale("log")
            ax.set_xlim(0.8, top * 6)
            ax.xaxis.set_major_locator(LogLocator(base=10, numticks=4))
            ax.xaxis.set_minor_locator(NullLocator())
            ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:g}×"))
        else:
            # a reduction in percent cannot pass 100; gains and points can
            ax.set_xlim(0, 118 if unit == "%" and family != "quality" else top * 1.35)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
            ax.xaxis.set_major_formatter(plt.FuncFormatter(
                lambda v, _, u=unit: f"{v:g}%" if u == "%" else f"{v:g}"))
        ax.set_yticks(list(ys), [_row_label(r) for _, r in g.iterrows()], fontsize=7.5 * k)
        ax.tick_params(axis="x", labelsize=7.5 * k)
        ax.set_ylim(-0.6, len(g) - 0.4)
        ax.grid(axis="y", visible=False)
        ax.axvline(ref, color="#999999", lw=0.8 * k)
        base = f"against {kind.replace('-', ' ')}" if kind else "no baseline"
        ax.set_title(f"{FAMILY_WORD.get(family, family)} {base}, {UNIT_WORD.get(unit, unit)}"
                     + (", log scale" if unit == "x" else ""), fontsize=8.5 * k)
    return fig, pd.DataFrame(plotted)


def relative_alt(rows: pd.DataFrame) -> str:
    if rows.empty:
        return "Relative numbers of retrieval and memory methods: no data."
    groups = rows.groupby(["family", "baseline_kind", "unit"]).size()
    parts = [f"{r['short']} {r['quantity']} {written(r)}{' ' + r['unit'] if r['unit'] not in ('%', 'x') else ''} "
             f"against {r['baseline']}" for _, r in rows.iterrows()]
    return (f"Relative numbers reported by retrieval and memory papers, {len(rows)} values in "
            f"{len(groups)} panels by kind of quantity, baseline kind and unit: " + "; ".join(parts) + ".")


# ------------------------------------------------------------------ figure: lengths handled

def length_rows(theme: str = THEME, window_theme: str = WINDOW_THEME) -> pd.DataFrame:
    """Lengths of retrieval/memory papers and the largest window of each context-extension paper.

    A paper in both themes counts as retrieval/memory. The 'group' column says which.
    """
    mem = select.claims(quantity=["context length", "input length"], theme=theme)
    mem = mem.assign(group=theme)
    win = select.claims(quantity=["context length", "context extension"], theme=window_theme)
    win = win[~win["paper"].isin(set(mem["paper"])) & ~select.in_theme(win, theme)]
    win = win[win["value"].notna()].assign(group=window_theme)
    # per extension paper and unit, only its largest window (the claim the comparison is about)
    win = (win.assign(_end=_end(win)).sort_values("_end", ascending=False, kind="stable")
           .drop_duplicates(subset=["paper", "unit"]).drop(columns="_end"))
    rows = pd.concat([mem, win], ignore_index=True)
    rows = rows[rows["value"].notna()]
    return dedupe(rows)


def _length_label(r, width: int = 46) -> str:
    """'Short · model · task [quantity]', the setting shortened so that short name and tag stay."""
    short = _s(r["short"])
    tag = f" [{r['quantity']}]" if r["quantity"] not in ("context length", "context extension") else ""
    detail = " · ".join(dict.fromkeys(_s(r.get(c)) for c in ("model", "task")
                                      if _s(r.get(c)) and _s(r.get(c)) != short))
    room = width - len(short) - len(tag) - 3
    if detail and room >= 8:
        detail = detail if len(detail) <= room else detail[: room - 1].rstrip(" ·,") + "…"
        return f"{short} · {detail}{tag}"
    return short + tag


GROUP_WORD = {THEME: "retrieval and memory papers: memory, document or input lengths",
              WINDOW_THEME: "context-extension papers: largest window of each"}


def _draw_length(ax, y, r, color, k: float = 1.0):
    v, hi = r["value"], r.get("value_high")
    if r["qualifier"] in RANGED and pd.notna(hi):
        if r["qualifier"] == "from-to":
            ax.annotate("", xy=(hi, y), xytext=(v, y),
                        arrowprops=dict(arrowstyle="-|>", color=color, lw=1.8 * k, mutation_scale=11 * k))
            ax.plot([v], [y], ls="none", marker="o", ms=4.5 * k, color=color, mfc="white", mew=1.2 * k)
        else:
            ax.plot([v, hi], [y, y], color=color, lw=4 * k, solid_capstyle="butt")
            ax.plot([v, hi], [y, y], ls="none", marker="|", ms=10 * k, mew=1.6 * k, color=color)
        end = hi
    else:
        ax.plot([v], [y], ls="none", marker=QUAL_MARKER.get(r["qualifier"], "o"), ms=7.5 * k, color=color,
                mec="white", mew=0.6 * k, zorder=3)
        end = v
    ax.annotate(written(r), (end, y), xytext=(6 * k, 0), textcoords="offset points", va="center",
                fontsize=7.5 * k, color="#222222")


def lengths_figure(rows: pd.DataFrame):
    """See :func:`_lengths`; drawn small enough for the size limit."""
    return _lengths(rows)


def _lengths(rows: pd.DataFrame, k: float = 1.0):
    """A strip per group on a log axis, one panel per unit (tokens first, then steps, ...)."""
    if rows.empty:
        return _empty("No lengths reported by papers of these themes."), rows
    units = sorted(rows["unit"].unique(), key=lambda u: (u != "tokens", u))
    order = [THEME, WINDOW_THEME]
    blocks = {u: [(grp, rows[(rows["unit"] == u) & (rows["group"] == grp)]
                   .assign(_end=lambda d: d["value_high"].fillna(d["value"]))
                   .sort_values(["_end", "value"], ascending=False))
                  for grp in order if ((rows["unit"] == u) & (rows["group"] == grp)).any()]
              for u in units}
    heights = [sum(len(g) + 1.0 for _, g in blocks[u]) for u in units]
    fig, axes = plt.subplots(len(units), 1, figsize=(7.2 * k, k * (0.27 * sum(heights) + 1.0 * len(units) + 0.3)),
                             gridspec_kw={"height_ratios": heights, "hspace": 0.38}, squeeze=False)
    plotted = []
    for ax, unit in zip(axes[:, 0], units):
        y, ticks, labels, colors = 0.0, [], [], []
        hi_all = rows.loc[rows["unit"] == unit, ["value", "value_high"]].max().max()
        lo_all = rows.loc[rows["unit"] == unit, "value"].min()
        for grp, g in reversed(blocks[unit]):
            color = figures.theme_color(grp)
            for _, r in g.iloc[::-1].iterrows():
                _draw_length(ax, y, r, color, k)
                ticks.append(y)
                labels.append(_length_label(r))
                colors.append(color)
                plotted.append(r)
                y += 1
            title = GROUP_WORD.get(grp, grp) if unit == "tokens" else GROUP_WORD.get(grp, grp).split(":")[0]
            ax.text(0.005, y - 0.35, title, transform=ax.get_yaxis_transform(),
                    fontsize=8 * k, fontweight="bold", color=color, va="center")
            y += 1.0
        own = rows[(rows["unit"] == unit) & (rows["group"] == THEME)]
        if len(own) and (rows["unit"] == unit).sum() > len(own):
            ax.axvspan(own["value"].min(), own["value_high"].fillna(own["value"]).max(),
                       color=figures.theme_color(THEME), alpha=0.09, lw=0, zorder=0)
        ax.set_xscale("log")
        ax.set_xlim(lo_all / 2.5, hi_all * 4)
        span = ax.get_xlim()[1] / ax.get_xlim()[0]
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0,) if span > 300 else (1.0, 2.0, 5.0)))
        ax.xaxis.set_minor_formatter(NullFormatter())
        figures.token_axis(ax.xaxis)
        ax.set_yticks(ticks, labels, fontsize=7.5 * k)
        ax.tick_params(axis="x", labelsize=9 * k)
        for t, c in zip(ax.get_yticklabels(), colors):
            t.set_color(c)
        ax.set_ylim(-0.7, y - 0.6)
        ax.grid(axis="y", visible=False)
        what = "length in tokens" if unit == "tokens" else f"length in {unit} (not tokens)"
        ax.set_xlabel(f"{what}, log scale", fontsize=9.5 * k)
    return fig, pd.DataFrame(plotted).drop(columns=["_end"], errors="ignore")


def lengths_alt(rows: pd.DataFrame) -> str:
    if rows.empty:
        return "Lengths handled: no data."
    out = []
    for (unit, grp), g in rows.groupby(["unit", "group"], sort=False):
        end = g["value_high"].fillna(g["value"])
        hi, lo = g.loc[end.idxmax()], g.loc[g["value"].idxmin()]
        if len(g) == 1:
            out.append(f"{GROUP_WORD.get(grp, grp)} in {unit}: one value, {hi['short']} ({written(hi)})")
        else:
            out.append(f"{GROUP_WORD.get(grp, grp)} in {unit}: {len(g)} values, largest {hi['short']} "
                       f"({written(hi)}), smallest {lo['short']} ({written(lo)})")
    return "Lengths handled on a log axis, one panel per unit. " + "; ".join(out) + "."


# ------------------------------------------------------------------ table: benchmark papers

def benchmark_table(theme: str = THEME, other: str = "benchmark") -> pd.DataFrame:
    """Papers that carry both themes (either as primary), with their one-line summaries."""
    p = select.papers(theme=theme)
    p = p[select.in_theme(p, other)]
    return pd.DataFrame({
        "paper": p["short"], "url": p["url"], "key": p["key"],
        "primary theme": p["theme_label"],
        "listed": p["published"].dt.strftime("%Y-%m").fillna(""),
        "what it evaluates and finds (our summary)": p["summary"],
    }).reset_index(drop=True)


# ------------------------------------------------------------------ numbers for the prose

def length_glue(rows: pd.DataFrame) -> dict[str, str]:
    """Glue the token lengths of the retrieval/memory group and how many windows lie beyond them."""
    from lcreview.text import count_glue, listing, said
    tok = rows[rows["unit"] == "tokens"]
    mem, win = tok[tok["group"] == THEME], tok[tok["group"] == WINDOW_THEME]
    out = {}
    if len(mem):
        lo = mem.loc[mem["value"].idxmin()]
        hi = mem.loc[_end(mem).idxmax()]
        out["mem_min"] = said(lo)
        out["mem_max"] = said(hi, high=hi["qualifier"] in RANGED)
        out["mem_max_paper"] = hi["short"]
    if len(win):
        top = win.loc[_end(win).idxmax()]
        out["win_max"] = said(top, high=top["qualifier"] in RANGED)
        ends = _end(win)
        out["win_max_paper"] = listing(win[ends == ends.max()])
        out["n_windows"] = len(win)
        out["n_beyond"] = int((_end(win) > (_end(mem).max() if len(mem) else 0)).sum())
    for k, v in out.items():
        count_glue(k, v)
    return out
