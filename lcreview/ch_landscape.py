"""Figures and numbers of the landscape chapter (notebooks/landscape.ipynb).

Everything is computed from the papers and claims tables; which papers and
which quantities appear is decided by their columns, so new rows show up
without touching this module.
"""
from __future__ import annotations

import textwrap

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd

from lcreview import figures


def _secondary(papers: pd.DataFrame) -> pd.Series:
    """Number of included papers naming each theme as a secondary theme."""
    themes = papers["themes_secondary"].fillna("").str.split(";").explode().str.strip()
    return themes[themes != ""].value_counts()


def theme_counts(papers: pd.DataFrame, themes: dict[str, str]) -> pd.DataFrame:
    """Per theme (in vocabulary order): label, primary and secondary paper counts."""
    primary = papers["theme"].value_counts()
    second = _secondary(papers)
    rows = [{"theme": k, "label": v, "primary": int(primary.get(k, 0)), "secondary": int(second.get(k, 0))}
            for k, v in themes.items()]
    return pd.DataFrame(rows)


def _pack(ax, fig, df, order, themes, fontsize, pad_days):
    """Assign each paper's label to the first sub-row of its lane where it overlaps nothing."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    to_data = ax.transData.inverted()

    def width_days(text: str) -> float:
        t = ax.text(0, 0, text, fontsize=fontsize)
        box = t.get_window_extent(renderer)
        t.remove()
        (x0, _), (x1, _) = to_data.transform([(box.x0, 0), (box.x1, 0)])
        return x1 - x0

    placed, lanes, y = [], [], 0.0
    for theme in order:
        sub = df[df["theme"] == theme]
        ends: list[float] = []          # right end (in days) of the last label of each sub-row
        for _, p in sub.iterrows():
            x = mdates.date2num(p["published"])
            right = x + pad_days + width_days(p["short"])
            for row, last in enumerate(ends):
                if x > last + pad_days:
                    ends[row] = right
                    break
            else:
                ends.append(right)
                row = len(ends) - 1
            placed.append({"paper": p["key"], "short": p["short"], "theme": theme,
                           "published": p["published"], "lane": themes.get(theme, theme), "row": row,
                           "y": -(y + row), "right": right})
        lanes.append((theme, y, len(ends)))
        y += len(ends) + 0.9
    return pd.DataFrame(placed), lanes, y


def timeline(papers: pd.DataFrame, themes: dict[str, str], fontsize: float = 6.8):
    """Swim-lane timeline: one lane per primary theme, one labelled dot per paper at its arXiv date.

    Labels are packed into sub-rows of a lane so that none overlap. Returns
    (figure, plotted frame with paper, short, theme, published, lane, row).
    """
    df = papers.dropna(subset=["published"]).sort_values("published").reset_index(drop=True)
    counts = theme_counts(papers, themes).set_index("theme")
    order = [t for t in themes if t in set(df["theme"])] + sorted(set(df["theme"]) - set(themes))
    start = df["published"].min() - pd.Timedelta(days=45)
    end = df["published"].max() + pd.Timedelta(days=45)

    fig, ax = plt.subplots(figsize=(7.4, 0.2 * (len(df) * 0.45 + 2 * len(order)) + 1.2))
    end_num = mdates.date2num(end)
    for _ in range(4):          # pack, widen the axis if labels overflow, pack again at the new scale
        ax.set_xlim(mdates.date2num(start), end_num)
        data, lanes, y = _pack(ax, fig, df, order, themes, fontsize, (end_num - mdates.date2num(start)) * 0.006)
        needed = data["right"].max() + (end_num - mdates.date2num(start)) * 0.01
        if needed <= end_num:
            break
        end_num = needed
    pad_days = (end_num - mdates.date2num(start)) * 0.006
    for _, r in data.iterrows():
        color = figures.theme_color(r["theme"])
        ax.plot(r["published"], r["y"], "o", ms=4.2, color=color, zorder=3)
        ax.text(mdates.date2num(r["published"]) + pad_days, r["y"], r["short"], fontsize=fontsize,
                va="center", ha="left", color="#222222")
    for i, (theme, top, n) in enumerate(lanes):
        color = figures.theme_color(theme)
        if i % 2 == 0:
            ax.axhspan(-(top + n - 0.5), -(top - 0.5), color="#f5f5f5", zorder=0, lw=0)
        n_primary = int((data["theme"] == theme).sum())
        n_second = int(counts.loc[theme, "secondary"]) if theme in counts.index else 0
        label = textwrap.fill(themes.get(theme, theme), 24)
        extra = f"{n_primary} paper{'s' if n_primary != 1 else ''}" + (f" (+{n_second} secondary)" if n_second else "")
        ax.text(-0.025, -(top + (n - 1) / 2), f"{label}\n{extra}", transform=ax.get_yaxis_transform(),
                ha="right", va="center", fontsize=7.4, color="#222222", linespacing=1.1)
        ax.plot([-0.012, -0.012], [-(top + n - 0.6), -(top - 0.4)], transform=ax.get_yaxis_transform(),
                color=color, lw=3, solid_capstyle="butt", clip_on=False)
    ax.set_ylim(-(y - 0.9) + 0.4, 0.6)
    fig.set_figheight(0.21 * y + 0.9)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_minor_locator(mdates.MonthLocator(bymonth=(4, 7, 10)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_xlabel("arXiv release date (first version)")
    return fig, data.drop(columns=["y", "right"])


def year_counts(papers: pd.DataFrame) -> pd.Series:
    return papers["published"].dt.year.value_counts().sort_index()


def _luminance(hex_color: str) -> float:
    r, g, b = (int(hex_color.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def quantity_matrix(claims: pd.DataFrame, themes: dict[str, str], quantities: dict[str, dict]):
    """Dot matrix: reported numbers per quantity (rows) and primary theme of the paper (columns).

    Dot area grows with the number of claims; the count is written in the dot.
    Relative quantities (measured against a baseline) are marked with a dagger.
    Returns (figure, plotted frame: quantity, theme, claims, papers, paper keys).
    """
    cells = (claims.groupby(["quantity", "theme"])
             .agg(claims=("id", "size"), papers=("paper", "nunique"), paper=("paper", lambda s: ";".join(sorted(set(s)))))
             .reset_index())
    qs = [q for q in quantities if q in set(cells["quantity"])] + sorted(set(cells["quantity"]) - set(quantities))
    ts = [t for t in themes if t in set(cells["theme"])] + sorted(set(cells["theme"]) - set(themes))
    qi = {q: i for i, q in enumerate(qs)}
    ti = {t: i for i, t in enumerate(ts)}
    fig, ax = plt.subplots(figsize=(6.0, 0.155 * len(qs) + 1.3))
    biggest = cells["claims"].max() if len(cells) else 1
    for _, c in cells.iterrows():
        x, y = ti[c["theme"]], qi[c["quantity"]]
        color = figures.theme_color(c["theme"])
        ax.scatter(x, y, s=45 + 260 * c["claims"] / biggest, color=color, lw=0, zorder=3)
        ax.text(x, y, str(c["claims"]), ha="center", va="center", fontsize=6.2, zorder=4,
                color="white" if _luminance(color) < 0.45 else "#111111")
    totals = cells.groupby("quantity")["claims"].sum()
    for q, i in qi.items():
        ax.text(len(ts) - 0.35, i, str(int(totals.get(q, 0))), ha="left", va="center", fontsize=7, color="#444444")
    ax.text(len(ts) - 0.35, -1.0, "all", ha="left", va="bottom", fontsize=7.2, color="#444444", fontweight="bold")
    ax.set_yticks(range(len(qs)))
    ax.set_yticklabels([q + (" \u2020" if quantities.get(q, {}).get("relative") else "") for q in qs], fontsize=7.2)
    ax.set_xticks(range(len(ts)))
    ax.set_xticklabels(ts, fontsize=7.4, rotation=30, ha="left", rotation_mode="anchor")
    ax.xaxis.tick_top()
    for tick, t in zip(ax.xaxis.get_major_ticks(), ts):
        tick.label2.set_color(figures.theme_color(t))
        tick.label2.set_fontweight("bold")
    ax.tick_params(axis="both", length=0)
    ax.set_xlim(-0.6, len(ts) + 0.1)
    ax.set_ylim(len(qs) - 0.5, -1.2)
    ax.spines[["left", "bottom", "top", "right"]].set_visible(False)
    ax.grid(False)
    for i in range(0, len(qs), 2):
        ax.axhspan(i - 0.5, i + 0.5, color="#f3f3f3", lw=0, zorder=0)
    return fig, cells.assign(quantity=pd.Categorical(cells["quantity"], qs)).sort_values(["quantity", "theme"])


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "0%"


def summary(papers_all: pd.DataFrame, claims: pd.DataFrame, themes: dict[str, str],
            quantities: dict[str, dict]) -> dict:
    """Numbers and names the chapter's prose quotes, all computed from the tables.

    ``papers_all``: every listed paper; ``claims``: claims of included papers.
    Keys become glue names; values are ints or strings.
    """
    inc = papers_all[papers_all["included"].astype(bool)]
    out: dict = {"n_listed": len(papers_all), "n_included": len(inc), "n_excluded": len(papers_all) - len(inc)}
    tc = theme_counts(inc, themes).sort_values("primary", ascending=False, kind="stable")
    ranked = tc[tc["primary"] > 0].reset_index(drop=True)
    for i, name in enumerate(("top", "second", "third")):
        if i < len(ranked):
            out[f"{name}_theme"] = ranked.loc[i, "label"]
            out[f"n_{name}_theme"] = int(ranked.loc[i, "primary"])
    for _, r in tc.iterrows():
        key = r["theme"].replace("-", "_")
        out[f"n_{key}"] = int(r["primary"])
        out[f"n_{key}_secondary"] = int(r["secondary"])
    out["n_with_secondary"] = int(inc["themes_secondary"].fillna("").str.strip().ne("").sum())
    years = year_counts(inc)
    out["first_year"], out["last_year"] = str(int(years.index.min())), str(int(years.index.max()))
    out["peak_year"] = str(int(years.idxmax()))
    out["n_peak_year"] = int(years.max())
    out["share_peak_year"] = _pct(years.max(), years.sum())
    first, last = inc.loc[inc["published"].idxmin()], inc.loc[inc["published"].idxmax()]
    out["first_paper"], out["first_date"] = first["short"], first["published"].strftime("%B %Y")
    out["last_paper"], out["last_date"] = last["short"], last["published"].strftime("%B %Y")
    out["median_date"] = inc["published"].median().strftime("%B %Y")
    venue = inc["venue"].fillna("").str.strip().ne("")
    out["n_venue"], out["n_preprint"] = int(venue.sum()), int((~venue).sum())
    out["n_votes"] = int(inc["votes"].notna().sum())
    # claims
    out["n_claims"] = len(claims)
    out["n_quantities"] = int(claims["quantity"].nunique())
    qc = claims["quantity"].value_counts()
    out["top_quantity"], out["n_top_quantity"] = qc.index[0], int(qc.iloc[0])
    out["second_quantity"], out["n_second_quantity"] = qc.index[1], int(qc.iloc[1])
    rel = claims["relative"].astype(bool)
    out["n_relative"] = int(rel.sum())
    out["share_relative"] = _pct(rel.sum(), len(claims))
    per_theme = claims.groupby("theme")["relative"].agg(lambda s: s.astype(bool).mean())
    for t, share in per_theme.items():
        out[f"share_relative_{t.replace('-', '_')}"] = f"{100 * share:.0f}%"
    lengths = claims["quantity"].isin([q for q in quantities if "length" in q or q == "context extension"])
    out["n_length_claims"] = int(lengths.sum())
    out["share_length_claims"] = _pct(lengths.sum(), len(claims))
    cost = claims[claims["quantity"].isin(["GPUs", "training time", "cost"])]
    out["n_cost_papers"] = int(cost["paper"].nunique())
    out["n_usd_papers"] = int(claims.loc[claims["quantity"].eq("cost"), "paper"].nunique())
    counts = claims[claims["quantity"].eq("count")]
    out["n_count_claims"] = len(counts)
    out["share_count_benchmark"] = _pct(counts["theme"].eq("benchmark").sum(), len(counts))
    per_paper = claims.groupby("paper").size()
    out["median_claims_per_paper"] = f"{per_paper.median():g}"
    out["max_claims_per_paper"] = int(per_paper.max())
    out["n_papers_without_claims"] = int((~inc["key"].isin(claims["paper"])).sum())
    return out
