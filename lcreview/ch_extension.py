"""Figures of the context-window extension chapter (notebooks/extension.ipynb).

Rows are chosen by their columns (theme, quantity, unit, qualifier); a paper
added to ``data/`` with matching rows appears in these figures by itself.
"""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from lcreview.text import QUAL_PREFIX
from lcreview import figures, select

WINDOW_QUANTITIES = ("context length", "effective context length")
COST_QUANTITIES = ("training data", "training time", "GPUs", "cost")
GAP_QUANTITIES = ("context length", "input length", "effective context length")
EFFECTIVE = "#D55E00"        # vermillion: lengths a benchmark found to be used well
EVALUATED = "#8c8c8c"        # grey: lengths a benchmark names or evaluates


def _sign(qualifier) -> str:
    return QUAL_PREFIX.get(qualifier, "").strip() if isinstance(qualifier, str) else ""


def _label(value: float, qualifier=None) -> str:
    return _sign(qualifier) + figures.fmt_tokens(value)


def _setting(row) -> str:
    """Model (unless it just repeats the paper's name) and task of a claim."""
    model, task, short = row.get("model"), row.get("task"), str(row.get("short", ""))
    parts = []
    if isinstance(model, str) and model and short.lower() not in model.lower():
        parts.append(model)
    if isinstance(task, str) and task:
        parts.append(task)
    return "; ".join(parts)


# --------------------------------------------------------------------------- windows

def windows(claims: pd.DataFrame) -> pd.DataFrame:
    """Claimed windows of extension papers (primary or secondary theme), in tokens.

    kind 'extension': a from->to context extension (value -> value_high);
    kind 'stated': a context length (or self-reported effective length) of a
    paper that reports no from->to extension.
    """
    ext = select.claims(quantity="context extension", unit="tokens", theme="extension", frame=claims)
    ext = ext.dropna(subset=["value", "value_high"]).drop_duplicates(["paper", "value", "value_high"])
    stated = select.claims(quantity=list(WINDOW_QUANTITIES), unit="tokens", theme="extension", frame=claims)
    stated = stated[~stated["paper"].isin(ext["paper"])].dropna(subset=["value"])
    stated = stated.drop_duplicates(["paper", "value"])
    out = pd.concat([ext.assign(kind="extension"), stated.assign(kind="stated")], ignore_index=True)
    out["to"] = out["value_high"].where(out["kind"].eq("extension"), out["value"])
    return out


def plot_windows(rows: pd.DataFrame):
    """One row per paper (and per extension, if a paper reports several): arrows and points on a token axis."""
    rows = rows.copy()
    n_ext = rows[rows["kind"].eq("extension")].groupby("paper").size()
    rows["row"] = rows["short"]
    multi = rows["kind"].eq("extension") & rows["paper"].map(n_ext).fillna(0).gt(1)
    rows.loc[multi, "row"] = rows.loc[multi, "short"] + " \u00b7 " + rows.loc[multi, "model"].fillna("")
    order = rows.groupby("row")["to"].max().sort_values(kind="stable").index.tolist()
    y = {r: i for i, r in enumerate(order)}
    fig, ax = plt.subplots(figsize=(7.2, 0.5 * len(order) + 1.1))
    for _, r in rows.iterrows():
        yy, color = y[r["row"]], figures.theme_color(r["theme"])
        if r["kind"] == "extension":
            ax.annotate("", xy=(r["value_high"], yy), xytext=(r["value"], yy),
                        arrowprops=dict(arrowstyle="-|>", color=color, lw=1.8, mutation_scale=11,
                                        shrinkA=0, shrinkB=0))
            ax.plot(r["value"], yy, "o", ms=4, color=color, mfc="white", mew=1.4)
            ax.text(r["value"] / 1.12, yy, figures.fmt_tokens(r["value"]), ha="right", va="center", fontsize=7.2)
            ax.text(r["value_high"] * 1.12, yy, _label(r["value_high"], r["qualifier"] if r["qualifier"] != "from-to" else None),
                    ha="left", va="center", fontsize=7.2, fontweight="bold", color=color)
        else:
            filled = r["quantity"] == "context length"
            ax.plot(r["value"], yy, "D" if not filled else "o", ms=5.5, color=color,
                    mfc=color if filled else "white", mew=1.4)
            ax.annotate(_label(r["value"], r["qualifier"]), (r["value"], yy), xytext=(0, 6), textcoords="offset points",
                        ha="center", va="bottom", fontsize=7.0, color=color)
            if isinstance(r["task"], str) and r["task"]:
                ax.annotate(textwrap.shorten(r["task"], 34, placeholder="\u2026"), (r["value"], yy), xytext=(0, -6),
                            textcoords="offset points", ha="center", va="top", fontsize=6.2, color="#666666")
    ax.set_xscale("log")
    lo = np.nanmin(rows[["value"]].to_numpy()) if len(rows) else 1e3
    hi = np.nanmax(rows["to"].to_numpy()) if len(rows) else 1e6
    ax.set_xlim(lo / 2.5, hi * 3.2)
    figures.token_axis(ax.xaxis)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels(order)
    for lab, r in zip(ax.get_yticklabels(), order):
        theme = rows.loc[rows["row"].eq(r), "theme"].iloc[0]
        lab.set_color(figures.theme_color(theme))
    ax.set_ylim(-0.6, len(order) - 0.2)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("context window (tokens, log scale)")
    return fig, rows[["paper", "short", "kind", "quantity", "value", "value_high", "qualifier", "model", "task", "id"]]


# --------------------------------------------------------------------------- costs

HOURS = {"hours": 1, "days": 24, "weeks": 168}
GPU_COUNT = r"^\s*(\d[\d,]*)\s*[x\u00d7]"      # "8xA800", "512xH800" -> 8, 512


def fmt_count(v: float) -> str:
    """1e9 -> '1B', 2.5e5 -> '250K' (decimal: tokens of data, GPU-hours, dollars)."""
    for unit, base in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if abs(v) >= base:
            return f"{v / base:.3g}{unit}"
    return f"{v:.3g}"


def costs(claims: pd.DataFrame) -> pd.DataFrame:
    """What extension papers report it took: training data, training time, GPUs, cost.

    A number stated both without a setting (abstract) and with one (body) is
    kept once, with its setting. A wall-clock training time whose hardware
    names a GPU count ("8xA800") also yields a derived GPU-hours row, so that
    compute can be compared on one axis; it is an upper bound when the time is.
    """
    df = select.claims(quantity=list(COST_QUANTITIES), theme="extension", frame=claims).dropna(subset=["value"])
    df = df.assign(has_task=df["task"].notna())
    specific = df.groupby(["paper", "quantity", "unit", "value"])["has_task"].transform("any")
    df = df[df["has_task"] | ~specific].drop(columns="has_task")
    df = df.assign(derived=False, as_written=df["qualifier"].map(_sign) + df["value_text"].astype(str))
    df["shown"] = df["as_written"]
    wall = df[df["quantity"].eq("training time") & df["unit"].isin(list(HOURS))].copy()
    n_gpus = pd.to_numeric(wall["hardware"].fillna("").str.extract(GPU_COUNT)[0].str.replace(",", ""),
                           errors="coerce")
    wall, n_gpus = wall[n_gpus.notna()], n_gpus.dropna()
    if len(wall):
        gpu_hours = wall["value"] * wall["unit"].map(HOURS) * n_gpus
        wall = wall.assign(value=gpu_hours, derived=True,
                           shown=wall["qualifier"].map(_sign) + gpu_hours.map(fmt_count) + " (" + wall["as_written"]
                           + " " + wall["unit"] + " on " + wall["hardware"] + ")",
                           unit="GPU-hours")
        df = pd.concat([df, wall], ignore_index=True)
    df["panel"] = df["quantity"] + " (" + df["unit"].where(df["unit"].ne(df["quantity"]), "count") + ")"
    df.loc[df["derived"] | (df["quantity"].eq("training time") & df["unit"].eq("GPU-hours")), "panel"] = \
        "compute (GPU-hours, reported or derived as GPUs \u00d7 wall-clock time)"
    return df.reset_index(drop=True)


def plot_costs(df: pd.DataFrame, panels: list[str], wrap: int = 62):
    """Stacked panels (those of ``panels`` that have rows, largest first), one labelled dot per number.

    Each row is labelled with the paper and, below it in grey, the setting
    (model; task). The text after a dot is the number as written (derived
    GPU-hours: the computed value and the time and hardware it comes from);
    derived values are open dots.
    """
    panels = sorted([p for p in panels if df["panel"].eq(p).any()], key=lambda p: -int(df["panel"].eq(p).sum()))
    sizes = [int(df["panel"].eq(p).sum()) for p in panels]
    fig, axes = plt.subplots(len(panels), 1, figsize=(7.0, 0.36 * sum(sizes) + 0.62 * len(panels) + 0.1),
                             gridspec_kw={"height_ratios": [s + 0.8 for s in sizes], "hspace": 0.65},
                             squeeze=False)
    plotted = []
    for ax, p in zip(axes[:, 0], panels):
        sub = df[df["panel"].eq(p)].sort_values("value").reset_index(drop=True)
        lo, hi = sub["value"].min(), sub["value"].max()
        log = hi / lo > 20
        left = ax.get_yaxis_transform()
        for i, r in sub.iterrows():
            color = figures.theme_color(r["theme"])
            ax.hlines(i, lo / 3 if log else 0, r["value"], color=color, lw=1, alpha=0.4)
            ax.plot(r["value"], i, "o", ms=5, color=color, mfc="white" if r["derived"] else color, mew=1.3, zorder=3)
            ax.annotate(r["shown"], (r["value"], i), xytext=(5, 0), textcoords="offset points",
                        va="center", fontsize=7, fontweight="bold")
            setting = textwrap.shorten(_setting(r), wrap, placeholder="\u2026")
            ax.text(-0.015, i + 0.12, r["short"], transform=left, ha="right", va="bottom", fontsize=7.5)
            if setting:
                ax.text(-0.015, i + 0.1, setting, transform=left, ha="right", va="top", fontsize=6.2, color="#666666")
        if log:
            ax.set_xscale("log")
            ax.set_xlim(lo / 3, hi * 10)
        else:
            ax.set_xlim(0, hi * 1.6)
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: fmt_count(v)))
        ax.set_yticks(range(len(sub)))
        ax.set_yticklabels([])
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(-0.7, len(sub) - 0.3)
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        ax.set_title(p, fontsize=8.5, loc="left")
        ax.tick_params(axis="x", labelsize=7)
        plotted.append(sub)
    data = pd.concat(plotted, ignore_index=True) if plotted else df.iloc[:0]
    return fig, data[["paper", "short", "panel", "quantity", "unit", "value", "value_text", "qualifier", "derived",
                      "model", "hardware", "task", "location", "id"]]


# --------------------------------------------------------------------------- claimed vs effective

def claimed_maxima(claims: pd.DataFrame) -> pd.DataFrame:
    """Largest window each extension paper claims (extension target or stated window), in tokens."""
    w = windows(claims)
    if w.empty:
        return w.assign(claimed=[])
    idx = w.groupby("paper")["to"].idxmax()
    return w.loc[idx].assign(claimed=lambda d: d["to"]).reset_index(drop=True)


def gap_rows(claims: pd.DataFrame) -> pd.DataFrame:
    """Token lengths benchmark papers name, evaluate or find effective (theme benchmark, primary or secondary)."""
    df = select.claims(quantity=list(GAP_QUANTITIES), unit="tokens", theme="benchmark", frame=claims)
    return df.dropna(subset=["value"]).reset_index(drop=True)


def plot_gap(bench: pd.DataFrame, claimed: pd.DataFrame):
    """Benchmark lengths per paper (rows) under the windows extension papers claim (vertical lines)."""
    order = bench.groupby("short")["value"].max().sort_values(kind="stable").index.tolist()
    y = {s: i for i, s in enumerate(order)}
    fig, ax = plt.subplots(figsize=(7.2, 0.33 * len(order) + 2.0))
    for _, r in bench.iterrows():
        yy, sign = y[r["short"]], _sign(r["qualifier"])
        marker = {"<": "<", "\u2264": "<", ">": ">", "\u2265": ">"}.get(sign, "o")
        if r["quantity"] == "input length":
            if r["qualifier"] == "range" and pd.notna(r["value_high"]):
                ax.hlines(yy, r["value"], r["value_high"], color=EVALUATED, lw=5, alpha=0.45)
            else:
                ax.plot(r["value"], yy, "D" if marker == "o" else marker, ms=5.5, color=EVALUATED, mfc="white", mew=1.3)
        elif r["quantity"] == "context length":
            ax.plot(r["value"], yy, marker, ms=5, color=EVALUATED, alpha=0.9)
        else:       # effective context length
            ax.plot(r["value"], yy, "*", ms=11, color=EFFECTIVE, zorder=4)
            ax.annotate(f"effective {sign}{figures.fmt_tokens(r['value'])}", (r["value"], yy), xytext=(0, 7),
                        textcoords="offset points", ha="center", fontsize=7.2, color=EFFECTIVE, fontweight="bold")
    ax.set_xscale("log")
    values = pd.concat([bench["value"], bench["value_high"].dropna(), claimed.get("claimed", pd.Series(dtype=float))])
    ax.set_xlim(values.min() / 2, values.max() * 2.5)
    figures.token_axis(ax.xaxis)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels(order, fontsize=8)
    ax.set_ylim(-0.7, len(order) + 1.6)
    ax.grid(axis="y", visible=False)
    # claimed windows of extension papers: dashed vertical lines, labels packed into levels above the rows
    color = figures.theme_color("extension")
    groups = claimed.groupby("claimed")["short"].apply(lambda s: ", ".join(sorted(s)))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ends: list[float] = []            # right edge (display units) of the last label on each level
    for value, names in groups.items():
        ax.axvline(value, color=color, lw=1, ls=(0, (4, 3)), alpha=0.8, zorder=1)
        t = ax.text(value, 0, f"{figures.fmt_tokens(value)}: {names}", ha="center", va="bottom", fontsize=6.8,
                    color=color, bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.95))
        box = t.get_window_extent(renderer)
        level = next((i for i, e in enumerate(ends) if box.x0 > e + 4), len(ends))
        if level == len(ends):
            ends.append(box.x1)
        ends[level] = box.x1
        t.set_y(len(order) - 0.1 + 0.75 * level)
    ax.set_ylim(-0.7, len(order) + 0.75 * max(len(ends), 1) + 0.1)
    from matplotlib.lines import Line2D
    handles = [Line2D([], [], marker="o", ls="", color=EVALUATED, label="length named or evaluated"),
               Line2D([], [], marker="D", ls="", color=EVALUATED, mfc="white", label="input length (average, or bound)"),
               Line2D([], [], lw=5, alpha=0.45, color=EVALUATED, label="input length range"),
               Line2D([], [], marker=">", ls="", color=EVALUATED, label="a bound: \u25c0 less than, \u25b6 more than"),
               Line2D([], [], marker="*", ms=10, ls="", color=EFFECTIVE, label="effective length found"),
               Line2D([], [], ls=(0, (4, 3)), color=color, label="largest window claimed by an extension paper")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.45, -0.12), ncol=3, fontsize=7, handlelength=1.6,
              columnspacing=1.2)
    ax.set_xlabel("length (tokens, log scale)")
    data = pd.concat([bench.assign(role=bench["quantity"]),
                      claimed.assign(role="claimed window (extension paper)", value=claimed["claimed"])],
                     ignore_index=True)
    return fig, data[["paper", "short", "role", "value", "value_high", "qualifier", "model", "task", "id"]]


# --------------------------------------------------------------------------- numbers for prose

def facts(claims: pd.DataFrame, windows_rows: pd.DataFrame, cost_rows: pd.DataFrame,
          bench: pd.DataFrame, claimed: pd.DataFrame) -> dict:
    """Counts and extremes the chapter's prose quotes, computed from the plotted frames."""
    out: dict = {}
    ext_papers = select.papers(theme="extension")
    out["n_ext_papers"] = len(ext_papers)
    out["n_ext_primary"] = int(ext_papers["theme"].eq("extension").sum())
    out["n_window_papers"] = int(windows_rows["paper"].nunique())
    out["n_arrows"] = int(windows_rows["kind"].eq("extension").sum())
    missing = ext_papers[~ext_papers["key"].isin(windows_rows["paper"])]
    out["n_no_window"] = len(missing)
    names = sorted(missing["short"])
    out["no_window_list"] = (", ".join(names[:-1]) + " and " + names[-1]) if len(names) > 1 else "".join(names) or "none"
    compute = cost_rows[cost_rows["panel"].str.startswith("compute")]
    if len(compute):
        lo, hi = compute.loc[compute["value"].idxmin()], compute.loc[compute["value"].idxmax()]
        out["compute_min"], out["compute_min_paper"] = fmt_count(lo["value"]), lo["short"]
        out["compute_max"], out["compute_max_paper"] = fmt_count(hi["value"]), hi["short"]
        out["compute_span"] = f"{hi['value'] / lo['value']:,.0f}"
    out["n_cost_papers"] = int(cost_rows["paper"].nunique())
    out["n_derived"] = int(cost_rows["derived"].sum())
    if len(claimed):
        med = float(np.median(claimed["claimed"]))
        out["median_claimed"] = figures.fmt_tokens(med)
        lengths = bench["value"]
        out["n_bench_lengths"] = int(bench["value"].notna().sum())
        out["n_bench_papers"] = int(bench["paper"].nunique())
        out["share_below_median_claim"] = f"{100 * (lengths < med).mean():.0f}%"
        eff = bench[bench["quantity"].eq("effective context length")]
        if len(eff):
            out["claim_over_effective"] = f"{claimed['claimed'].max() / eff['value'].max():,.0f}"
    return out


COLOUR_NAMES = {"#0072B2": "blue", "#E69F00": "orange", "#009E73": "green", "#D55E00": "vermillion",
                "#CC79A7": "pink", "#56B4E9": "sky blue", "#7F7F7F": "grey"}


def colour_key(theme_keys) -> str:
    """'blue: Context-window extension; pink: Alignment, ...' for the themes present."""
    labels = load_themes()
    return "; ".join(f"{COLOUR_NAMES.get(figures.theme_color(t), 'dark grey')}: {labels.get(t, t)}"
                     for t in dict.fromkeys(theme_keys))


def load_themes() -> dict:
    from lcreview import load
    return load.vocabulary()["themes"]
