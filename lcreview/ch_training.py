"""Helpers of the chapter 'Training systems and cost' (notebooks/training.ipynb).

Rows are chosen by quantity, unit, theme and task, never by paper. GPU-hours
are computed where a paper gives both a number of GPUs and a wall-clock time
for the same hardware; the assumption (all GPUs busy for the whole time) is
stated with every derived number.
"""
from __future__ import annotations

import re

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from lcreview import figures, select
from lcreview.text import QUAL_PREFIX, as_written
from lcreview.ch_inference import HOURS, _norm, _short, relative_rows

COLOR = figures.theme_color("training")
PANELS = {"GPUs": "accelerators (GPUs)", "context": "context length (tokens)", "data": "training data (tokens)"}


def si(v: float, prefix: str = "") -> str:
    """Decimal SI-style tick label: 300 -> '300', 2e4 -> '20K', 1.2e6 -> '1.2M', 4e10 -> '40B'."""
    for div, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(v) >= div:
            return f"{prefix}{v / div:g}{unit}"
    return f"{prefix}{v:g}"


def _tag(r) -> str:
    """The claim's model when it names something other than the paper's own method or model."""
    m = r.get("model")
    if not isinstance(m, str) or _norm(r["short"]) in _norm(m):
        return ""
    return m


def scale_rows(claims: pd.DataFrame) -> pd.DataFrame:
    """GPUs, context lengths and training tokens of training runs, one row per reported number.

    GPUs: papers with a training theme or a training-time claim. Context: every 'training context
    length', plus 'context length' of papers with a training theme (drawn hollow). Data: 'training data'
    in tokens. The same number reported twice by a paper (title and abstract, abstract and body) is kept once.
    """
    timed = set(claims.loc[claims["quantity"] == "training time", "paper"])
    training = select.in_theme(claims, "training")
    pick = [
        ("GPUs", (claims["quantity"] == "GPUs") & (training | claims["paper"].isin(timed)), True),
        ("context", (claims["quantity"] == "training context length") & (claims["unit"] == "tokens"), True),
        ("context", (claims["quantity"] == "context length") & (claims["unit"] == "tokens") & training, False),
        ("data", (claims["quantity"] == "training data") & (claims["unit"] == "tokens"), True),
    ]
    parts = [claims[mask].assign(panel=panel, trained=trained) for panel, mask, trained in pick]
    rows = pd.concat(parts, ignore_index=True)
    rows = rows.drop_duplicates(["paper", "quantity", "value", "value_high"])
    # an exact number that is also the end of a range of the same paper and quantity is drawn once
    ranges = rows[rows["value_high"].notna()]
    covered = [bool(((ranges["paper"] == r["paper"]) & (ranges["quantity"] == r["quantity"]) &
                     ((ranges["value"] == r["value"]) | (ranges["value_high"] == r["value"]))).any())
               and pd.isna(r["value_high"]) for _, r in rows.iterrows()]
    rows = rows[~np.array(covered, dtype=bool)].copy()
    rows["tag"] = [_tag(r) for _, r in rows.iterrows()]
    rows["row"] = [r["short"] + (f"\n{_short(r['tag'], 32)}" if r["tag"] else "") for _, r in rows.iterrows()]
    rows["written"] = [as_written(r) for _, r in rows.iterrows()]
    return rows.reset_index(drop=True)


def scale_figure(rows: pd.DataFrame):
    """Dot chart: a line per paper (and model named in the claim), panels for GPUs, context and tokens.

    Several numbers of one line in one panel are joined by a thin line and labelled lowest-highest.
    """
    order = (rows.assign(g=np.where(rows["panel"] == "GPUs", rows["value"], 0),
                         c=np.where(rows["panel"] == "context", rows["value_high"].fillna(rows["value"]), 0),
                         d=np.where(rows["panel"] == "data", rows["value"], 0))
             .groupby("row", sort=False)[["g", "c", "d"]].max().sort_values(["g", "c", "d"], ascending=False)
             .index.tolist())
    y = {r: i for i, r in enumerate(order[::-1])}
    panels = [p for p in PANELS if p in set(rows["panel"])]
    fig, axes = plt.subplots(1, len(panels), sharey=True, figsize=(8.6, 0.9 + 0.4 * len(order)), squeeze=False)
    for ax, panel in zip(axes[0], panels):
        sub = rows[rows["panel"] == panel]
        for (row, trained), grp in sub.groupby(["row", "trained"], sort=False):
            yi = y[row]
            face = COLOR if trained else "white"
            lo = grp.loc[grp["value"].idxmin()]
            hi_vals = grp["value_high"].fillna(grp["value"])
            hi = grp.loc[hi_vals.idxmax()]
            top = hi_vals.max()
            if top > lo["value"]:
                ax.plot([lo["value"], top], [yi, yi], color=COLOR, lw=1.6, alpha=0.55)
            pts = pd.concat([grp["value"], grp["value_high"].dropna()])
            ax.plot(pts, [yi] * len(pts), "o", mfc=face, mec=COLOR, ms=6, ls="")
            if top > lo["value"]:
                text = (QUAL_PREFIX.get(lo["qualifier"], "") if lo["qualifier"] != "range" else "") + \
                    f"{lo['value_text']}-{hi['value_high_text'] if pd.notna(hi['value_high']) else hi['value_text']}"
            else:
                text = lo["written"]
            ax.annotate(text, (np.sqrt(lo["value"] * top), yi), xytext=(0, 5.5), textcoords="offset points",
                        ha="center", fontsize=7.2)
        ax.set_xscale("log")
        vals = pd.concat([sub["value"], sub["value_high"].dropna()])
        ax.set_xlim(vals.min() / 5, vals.max() * 5)
        if panel == "context":          # powers of eight of two: 4K, 32K, 256K, 2M
            ax.xaxis.set_major_locator(matplotlib.ticker.LogLocator(base=8))
            figures.token_axis(ax.xaxis)
        else:
            ax.xaxis.set_major_locator(matplotlib.ticker.LogLocator(base=100 if panel == "data" else 10, numticks=6))
            ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: si(v)))
        ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
        ax.set_title(PANELS[panel], fontsize=9)
        ax.grid(axis="y", color="#f0f0f0")
    axes[0, 0].set_yticks(list(y.values()), list(y.keys()), fontsize=7.6)
    axes[0, 0].set_ylim(-0.6, len(order) - 0.3)
    if "context" in panels:
        from matplotlib.lines import Line2D
        ax = axes[0, panels.index("context")]
        ax.legend(handles=[Line2D([], [], ls="", marker="o", mfc=COLOR, mec=COLOR, label="trained at"),
                           Line2D([], [], ls="", marker="o", mfc="white", mec=COLOR,
                                  label="supported / evaluated")],
                  loc="lower left", fontsize=7, handletextpad=0.2, borderpad=0.2)
    fig.tight_layout()
    return fig


def _same_hardware(a, b) -> bool:
    if not (isinstance(a, str) and isinstance(b, str)):
        return False
    a, b = _norm(a), _norm(b)
    return a.startswith(b) or b.startswith(a)


def runs(claims: pd.DataFrame) -> pd.DataFrame:
    """Training runs with GPUs and wall-clock time for the same hardware; GPU-hours and cost per GPU-hour."""
    t = claims[(claims["quantity"] == "training time") & claims["unit"].isin(list(HOURS) + ["GPU-hours"])]
    g = claims[claims["quantity"] == "GPUs"]
    c = claims[(claims["quantity"] == "cost") & (claims["unit"] == "USD")]
    out = []
    for _, r in t.iterrows():
        same = lambda f: f[(f["paper"] == r["paper"]).to_numpy(dtype=bool) & np.array(
            [_same_hardware(h, r["hardware"]) or (isinstance(m, str) and m == r["model"])
             for h, m in zip(f["hardware"], f["model"])], dtype=bool)]
        gpus, cost = same(g), same(c)
        row = {"paper": r["paper"], "short": r["short"], "time_id": r["id"], "hardware": r["hardware"],
               "model": r["model"], "task": r["task"], "time_text": f"{QUAL_PREFIX.get(r['qualifier'], '')}"
               f"{r['value_text']} {r['unit']}", "upper_bound": r["qualifier"] in ("less than", "up to")}
        if r["unit"] == "GPU-hours":
            row.update(hours=np.nan, gpu_hours=r["value"], assumption="reported as GPU-hours")
        else:
            row["hours"] = r["value"] * HOURS[r["unit"]]
            if len(gpus):
                n = gpus.iloc[0]
                row.update(gpus=n["value"], gpus_id=n["id"], gpu_hours=n["value"] * row["hours"],
                           assumption=f"{n['value']:,.0f} GPUs x {'< ' if row['upper_bound'] else ''}"
                           f"{r['value']:g} {r['unit']}"
                           + (f" x {HOURS[r['unit']]} h" if HOURS[r["unit"]] != 1 else "")
                           + f" = {'< ' if row['upper_bound'] else ''}{n['value'] * row['hours']:,.0f} GPU-hours")
            else:
                row.update(gpu_hours=np.nan, assumption="number of GPUs not reported")
        if len(cost):
            row.update(cost=cost.iloc[0]["value"], cost_text=cost.iloc[0]["value_text"], cost_id=cost.iloc[0]["id"])
            if pd.notna(row.get("gpu_hours")):
                row["usd_per_gpu_hour"] = row["cost"] / row["gpu_hours"]
        out.append(row)
    cols = ["paper", "short", "hardware", "model", "task", "time_text", "hours", "gpus", "gpu_hours", "upper_bound",
            "cost", "cost_text", "usd_per_gpu_hour", "assumption", "time_id", "gpus_id", "cost_id"]
    frame = pd.DataFrame(out).reindex(columns=cols)
    frame["label"] = [_run_label(r) for _, r in frame.iterrows()]
    return frame.sort_values("gpu_hours", ascending=False, na_position="last").reset_index(drop=True)


def _run_label(r) -> str:
    model = r["model"] if isinstance(r["model"], str) and _norm(r["short"]) not in _norm(r["model"]) else ""
    hw = r["hardware"] if isinstance(r["hardware"], str) else "hardware not stated"
    task = r["task"] if isinstance(r["task"], str) else ""
    first = r["short"] + (f" · {_short(model, 20)}" if model else "")
    return first + "\n" + _short(hw + (f" · {task}" if task else ""), 44)


def cost_figure(frame: pd.DataFrame):
    """Panels per unit: wall-clock hours, GPU-hours, USD; one line per training run."""
    spec = [("hours", "wall-clock (hours)", lambda r: ("< " if r["upper_bound"] else "") + f"{r['hours']:,.0f} h"),
            ("gpu_hours", "GPU-hours",
             lambda r: ("< " if r["upper_bound"] else "") + f"{r['gpu_hours']:,.0f}"),
            ("cost", "cost (USD)", lambda r: str(r["cost_text"]))]
    fig, axes = plt.subplots(1, 3, sharey=True, figsize=(8.6, 0.9 + 0.55 * len(frame)), squeeze=False)
    y = np.arange(len(frame))[::-1]
    for ax, (col, title, fmt) in zip(axes[0], spec):
        vals = frame[col].astype(float)
        for yi, (_, r) in zip(y, frame.iterrows()):
            if pd.isna(r[col]):
                ax.text(0.5, yi, "not reported", transform=ax.get_yaxis_transform(), ha="center", va="center",
                        fontsize=7.5, color="#999999")
                continue
            ax.plot(r[col], yi, "<" if r["upper_bound"] and col != "cost" else "o", color=COLOR, ms=7)
            ax.annotate(fmt(r), (r[col], yi), xytext=(0, 7), textcoords="offset points", ha="center", fontsize=7.5)
        ax.set_xscale("log")
        if vals.notna().any():
            ax.set_xlim(vals.min() / 10, vals.max() * 10)
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _, c=col: si(v, "$" if c == "cost" else "")))
        ax.xaxis.set_major_locator(matplotlib.ticker.LogLocator(base=100 if col == "gpu_hours" else 10, numticks=6))
        ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
        ax.set_title(title, fontsize=9)
        ax.grid(axis="y", visible=False)
    axes[0, 0].set_yticks(y, frame["label"], fontsize=7.8)
    axes[0, 0].set_ylim(-0.6, len(frame) - 0.3)
    fig.tight_layout()
    return fig


def speedup_rows(claims: pd.DataFrame) -> pd.DataFrame:
    """Training speedups, plus wall-clock reductions whose task is training (percent converted to a factor)."""
    parts = [relative_rows(claims, ["training speedup"]),
             relative_rows(claims, ["time reduction"], include_task="training")]
    parts = [p for p in parts if len(p)]
    if not parts:
        return relative_rows(claims, ["training speedup"])
    rows = pd.concat(parts, ignore_index=True)
    return rows.sort_values(["kind_order", "factor"], ascending=[True, False]).reset_index(drop=True)


def scale_alt(scale: pd.DataFrame) -> str:
    gpus, ctx = scale[scale["panel"] == "GPUs"], scale[scale["panel"] == "context"]
    parts = [f"Dot chart of training scale for {scale['paper'].nunique()} papers in {scale['panel'].nunique()} panels"]
    if len(gpus):
        parts.append(f"GPUs range from {gpus['value'].min():,.0f} to {gpus['value'].max():,.0f}")
    if len(ctx):
        parts.append(f"context lengths from {figures.fmt_tokens(ctx['value'].min())} to "
                     f"{figures.fmt_tokens(ctx['value_high'].fillna(ctx['value']).max())}")
    return "; ".join(parts) + "."


def cost_alt(runs: pd.DataFrame) -> str:
    if runs["gpu_hours"].notna().sum() == 0:
        return f"Three panels for {len(runs)} training runs; no GPU-hours could be computed."
    lo, hi = runs.loc[runs["gpu_hours"].idxmin()], runs.loc[runs["gpu_hours"].idxmax()]
    return (f"Three panels (wall-clock hours, GPU-hours, USD) for {len(runs)} training runs; GPU-hours range from "
            f"{lo['gpu_hours']:,.0f} ({lo['short']}) to {hi['gpu_hours']:,.0f} ({hi['short']}); "
            f"{int(runs['cost'].notna().sum())} run(s) report a cost.")


def cost_assumptions(runs: pd.DataFrame) -> str:
    """'Paper: N GPUs x T = G GPU-hours; ...' for every computed GPU-hour figure."""
    return "; ".join(f"{r.short}: {r.assumption}" for r in runs.itertuples() if "=" in str(r.assumption))
