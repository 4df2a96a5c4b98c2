"""Helpers of the chapter 'Alignment, test-time learning and long output'.

Shares the drawing code of :mod:`lcreview.ch_benchmarks`; adds the derivation of
GPU-hours from a paper's own GPU count and wall-clock training time.
"""
from __future__ import annotations

import pandas as pd

from lcreview.ch_benchmarks import facets, setting_label  # noqa: F401
from lcreview.text import QUAL_PREFIX, as_written as written  # noqa: F401

HOURS = {"hours": 1, "days": 24, "weeks": 24 * 7}
SAME = ["paper", "quantity", "value", "value_high", "unit", "qualifier", "model", "task"]
BOUND = {"exact": 0, "about": 0, "average": 0, "up to": -1, "less than": -1, "more than": 1, "at least": 1}


def dedupe(rows: pd.DataFrame) -> pd.DataFrame:
    """Drop rows that repeat the same number in the same setting (a paper stating it twice)."""
    key = rows[SAME].astype(str)
    return rows.loc[~key.duplicated()].reset_index(drop=True)


def _pair_key(row) -> str:
    return row["hardware"] if isinstance(row.get("hardware"), str) and row["hardware"] else ""


def gpu_hours(rows: pd.DataFrame) -> pd.DataFrame:
    """GPU-hours computed from a 'GPUs' row and a 'training time' row of the same paper.

    Rows pair when they name the same hardware, or when the paper has exactly one of each.
    Reported GPU-hours (unit 'GPU-hours') are passed through unchanged. The result has the
    claim columns the figures need, with ``value_text`` spelling out the product.
    """
    out = []
    reported = rows[(rows["quantity"] == "training time") & (rows["unit"] == "GPU-hours")]
    for _, r in reported.iterrows():
        out.append({**r.to_dict(), "quantity": "training compute", "value_text": f"{r['value_text']} (reported)",
                    "derived": False})
    gpus = rows[rows["quantity"] == "GPUs"]
    times = rows[(rows["quantity"] == "training time") & rows["unit"].isin(list(HOURS))]
    for paper, t in times.groupby("paper"):
        g = gpus[gpus["paper"] == paper]
        for _, tr in t.iterrows():
            match = g[g.apply(_pair_key, axis=1) == _pair_key(tr)] if _pair_key(tr) else g
            if len(match) != 1 and not (len(g) == 1 and len(t) == 1):
                continue
            gr = (match if len(match) == 1 else g).iloc[0]
            bounds = {BOUND.get(gr["qualifier"], 0), BOUND.get(tr["qualifier"], 0)} - {0}
            qualifier = "exact" if not bounds else ("less than" if bounds == {-1} else
                                                    "more than" if bounds == {1} else "about")
            value = gr["value"] * tr["value"] * HOURS[tr["unit"]]
            text = (f"{value:,.0f} = {gr['value_text']} GPUs × {QUAL_PREFIX.get(tr['qualifier'], '')}"
                    f"{tr['value_text']} {tr['unit']}")
            out.append({**tr.to_dict(), "quantity": "training compute", "unit": "GPU-hours",
                        "value": value, "value_text": text, "value_high": None, "value_high_text": None,
                        "qualifier": qualifier, "hardware": gr.get("hardware"), "derived": True})
    return pd.DataFrame(out, columns=list(rows.columns) + ["derived"])


WORDS = {"less than": "less than ", "up to": "up to ", "more than": "more than ", "at least": "at least ",
         "about": "about "}


def bounded(rows: pd.DataFrame, largest: bool = True) -> str:
    """The largest (smallest) computed value of ``rows`` in words: 'less than 72 GPU-hours'."""
    if rows.empty:
        return "none"
    r = rows.loc[rows["value"].idxmax() if largest else rows["value"].idxmin()]
    return f"{WORDS.get(r['qualifier'], '')}{r['value']:,.0f} {r['unit']}"
