"""Every number the review derives from reported numbers, each computed by exactly one function.

Chapters call these; no chapter computes a derived number itself, so a
number shown on two pages is the same on both. Quantity names used in code
go through :func:`quantity`, which checks them against the vocabulary in
``data/datapackage.json`` so that a renamed quantity fails loudly instead of
emptying a panel.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from lcreview import load

HOURS = {"hours": 1.0, "days": 24.0, "weeks": 24.0 * 7}
# How a number is bounded: -1 an upper bound, +1 a lower bound, 0 a point.
BOUND = {"exact": 0, "about": 0, "average": 0, "up to": -1, "less than": -1, "more than": 1, "at least": 1}
_GPU_COUNT = re.compile(r"^\s*(\d[\d,]*)\s*[x\u00d7]")  # "8xA800", "512×H800" -> 8, 512


# ----------------------------------------------------------------------------- vocabulary


def quantity(*names: str) -> list[str]:
    """The given quantity names, checked against the vocabulary (KeyError naming the unknown one)."""
    known = load.vocabulary()["quantities"]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise KeyError(
            f"quantity {unknown[0]!r} is not in data/datapackage.json x-quantities (known: {', '.join(sorted(known))})"
        )
    return list(names)


# ----------------------------------------------------------------------------- formatting


def fmt_si(v: float, prefix: str = "") -> str:
    """Decimal SI-style label: 300 -> '300', 2e4 -> '20K', 1.2e6 -> '1.2M', 4e10 -> '40B'."""
    for div, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(v) >= div:
            return f"{prefix}{v / div:.3g}{unit}"
    return f"{prefix}{v:.3g}"


def fmt_tokens(n: float) -> str:
    """Token counts as the field writes them: 400000 -> '400K', 1048576 -> '1M' (binary when exact)."""
    n = float(n)
    for base in (1024, 1000):
        for unit, power in (("M", 2), ("K", 1)):
            v = n / base**power
            if v >= 1 and abs(v - round(v)) < 1e-9:
                return f"{int(round(v))}{unit}"
    return fmt_si(n)


def pct(part: float, whole: float) -> str:
    """'42%' (no decimals), or '0%' when the whole is empty."""
    return f"{100 * part / whole:.0f}%" if whole else "0%"


def spread(values) -> float:
    """How many times the largest positive value is the smallest one (NaN with fewer than two values)."""
    v = pd.Series(values, dtype=float).dropna()
    v = v[v > 0]
    return float(v.max() / v.min()) if len(v) > 1 else np.nan


# ----------------------------------------------------------------------------- counting once


def once(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows counting each reported number once.

    A row whose ``duplicate_of`` names another claim repeats it (a title and its
    abstract, a body table and the abstract) and is dropped; without that column,
    rows stating the same number in the same setting are dropped.
    """
    if "duplicate_of" in rows:
        keep = rows["duplicate_of"].isna() | ~rows["duplicate_of"].isin(rows["id"])
        rows = rows[keep]
    key = ["paper", "quantity", "value", "value_high", "unit", "qualifier", "model", "task"]
    key = [c for c in key if c in rows]
    return rows.loc[~rows[key].astype(str).duplicated()].reset_index(drop=True)


# ----------------------------------------------------------------------------- factors


def as_factor(value, unit) -> float:
    """A relative number as a factor: '2.5x' -> 2.5, '60%' reduction -> 1 / (1 - 0.6) = 2.5."""
    if unit == "x":
        return float(value)
    if unit == "%":
        return np.inf if value >= 100 else 1.0 / (1.0 - float(value) / 100.0)
    return np.nan


BASELINE_ORDER = [
    "unoptimized-framework",
    "optimized-kernel",
    "full-attention",
    "same-model",
    "prior-methods",
    "other-model",
    "shorter-input",
]


def relative(claims: pd.DataFrame, quantities) -> pd.DataFrame:
    """Relative claims of ``quantities`` with a baseline kind, as factors over their baseline.

    ``factor`` (and ``factor_high`` for ranges) come from :func:`as_factor`;
    ``converted`` marks a percentage turned into a factor. Sorted by baseline
    kind (:data:`BASELINE_ORDER`), then largest factor first.
    """
    rows = claims[
        claims["quantity"].isin(quantity(*quantities))
        & claims["unit"].isin(["x", "%"])
        & claims["baseline_kind"].notna()
    ].copy()
    rows["factor"] = [as_factor(v, u) for v, u in zip(rows["value"], rows["unit"])]
    rows["factor_high"] = [as_factor(v, u) if pd.notna(v) else np.nan for v, u in zip(rows["value_high"], rows["unit"])]
    rows["converted"] = rows["unit"].eq("%")
    rows = rows[np.isfinite(rows["factor"])]
    order = {k: i for i, k in enumerate(BASELINE_ORDER)}
    rows["kind_order"] = rows["baseline_kind"].map(order).fillna(len(order))
    return rows.sort_values(["kind_order", "factor"], ascending=[True, False]).reset_index(drop=True)


# ----------------------------------------------------------------------------- training compute


def _norm(text) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower()) if isinstance(text, str) else ""


def _prefix_match(a: str, b: str) -> bool:
    """Same hardware written more or less fully: '8xa800' and '8xa80080gb'."""
    return bool(a) and bool(b) and (a.startswith(b) or b.startswith(a))


def _gpus_in(hardware) -> float:
    m = _GPU_COUNT.match(hardware) if isinstance(hardware, str) else None
    return float(m.group(1).replace(",", "")) if m else np.nan


def combine_bounds(*qualifiers) -> str:
    """The qualifier of a product of bounded numbers: both upper -> 'less than', mixed -> 'about'."""
    bounds = {BOUND.get(q, 0) for q in qualifiers} - {0}
    if not bounds:
        return "exact"
    return "less than" if bounds == {-1} else "more than" if bounds == {1} else "about"


def training_runs(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per reported training time, with GPUs, GPU-hours and cost where the paper gives them.

    GPU-hours = GPUs x wall-clock hours, assuming every GPU is busy for the whole
    time (stated in ``assumption``). The GPU count is the paper's ``GPUs`` claim
    for the same hardware (or model), else the count written in the hardware
    ("8xA800"), else the paper's only ``GPUs`` claim when it reports one time.
    A time reported in GPU-hours is passed through. Cost pairs the same way.
    """
    q_time, q_gpus, q_cost = quantity("training time", "GPUs", "cost")
    times = claims[claims["quantity"].eq(q_time) & claims["unit"].isin([*HOURS, "GPU-hours"])]
    gpus = claims[claims["quantity"].eq(q_gpus)]
    costs = claims[claims["quantity"].eq(q_cost) & claims["unit"].eq("USD")]
    n_times = times.groupby("paper").size()

    def same_setting(frame: pd.DataFrame, r) -> pd.DataFrame:
        f = frame[frame["paper"].eq(r["paper"])]
        hw, model = _norm(r["hardware"]), _norm(r["model"])
        hit = [
            _prefix_match(hw, _norm(h)) or (bool(model) and _norm(m) == model)
            for h, m in zip(f["hardware"], f["model"])
        ]
        picked = f[np.array(hit, dtype=bool)] if len(f) else f
        return picked if len(picked) else (f if len(f) == 1 and n_times.get(r["paper"], 0) == 1 else f.iloc[:0])

    out = []
    for _, r in times.iterrows():
        row = {
            "paper": r["paper"],
            "short": r.get("short"),
            "time_id": r["id"],
            "model": r["model"],
            "hardware": r["hardware"],
            "task": r["task"],
            "time": r["value"],
            "time_unit": r["unit"],
            "time_text": r["value_text"],
            "qualifier": r["qualifier"],
            "hours": np.nan,
            "gpus": np.nan,
            "gpus_id": None,
            "gpu_hours": np.nan,
            "cost": np.nan,
            "cost_id": None,
        }
        if r["unit"] == "GPU-hours":
            row.update(gpu_hours=r["value"], assumption="reported in GPU-hours")
        else:
            row["hours"] = r["value"] * HOURS[r["unit"]]
            g = same_setting(gpus, r)
            n = g.iloc[0]["value"] if len(g) else _gpus_in(r["hardware"])
            if len(g):
                row["gpus_id"] = g.iloc[0]["id"]
                row["qualifier"] = combine_bounds(r["qualifier"], g.iloc[0]["qualifier"])
            if pd.notna(n):
                row.update(
                    gpus=n,
                    gpu_hours=n * row["hours"],
                    assumption=(f"{n:,.0f} GPUs × {r['value_text']} {r['unit']} (all GPUs busy for the whole time)"),
                )
            else:
                row["assumption"] = "number of GPUs not reported"
        c = same_setting(costs, r)
        if len(c):
            row.update(cost=c.iloc[0]["value"], cost_id=c.iloc[0]["id"])
        out.append(row)
    cols = [
        "paper",
        "short",
        "time_id",
        "gpus_id",
        "cost_id",
        "model",
        "hardware",
        "task",
        "time",
        "time_unit",
        "time_text",
        "qualifier",
        "hours",
        "gpus",
        "gpu_hours",
        "cost",
        "assumption",
    ]
    frame = pd.DataFrame(out, columns=cols)
    frame["usd_per_gpu_hour"] = frame["cost"] / frame["gpu_hours"]
    return frame.sort_values("gpu_hours", ascending=False, na_position="last").reset_index(drop=True)


# ----------------------------------------------------------------------------- growth over time


def log2_trend(dates, values, n_boot: int = 2000, level: float = 0.95, seed: int = 0) -> dict:
    """Growth of ``values`` over ``dates``: a least-squares line of log2(value) against the date in years.

    As Epoch AI reports its context-window trend: the slope (doublings per year),
    the factor per year (2 ** slope) and a percentile bootstrap interval of that
    factor from resampling the points (``n_boot`` times, fixed ``seed``).
    Raises ValueError with fewer than three points or fewer than two dates.
    """
    frame = pd.DataFrame(
        {"date": pd.to_datetime(pd.Series(dates).to_numpy()), "value": pd.Series(values, dtype=float).to_numpy()}
    ).dropna()
    frame = frame[frame["value"] > 0]
    if len(frame) < 3 or frame["date"].nunique() < 2:
        raise ValueError(f"a trend needs at least three positive values on two dates or more (got {len(frame)})")
    x = (frame["date"] - frame["date"].min()).dt.days.to_numpy() / 365.25
    y = np.log2(frame["value"].to_numpy())
    slope = np.polyfit(x, y, 1)[0]
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(x), size=(n_boot, len(x)))
    xs, ys = x[picks], y[picks]
    spread = xs.var(axis=1)
    ok = spread > 0  # a resample with a single date has no slope
    xm, ym = xs.mean(axis=1, keepdims=True), ys.mean(axis=1, keepdims=True)
    boot = (((xs - xm) * (ys - ym)).mean(axis=1)[ok]) / spread[ok]
    low, high = np.quantile(boot, [(1 - level) / 2, (1 + level) / 2])
    return {
        "n": len(frame),
        "slope": float(slope),
        "factor": float(2**slope),
        "low": float(2**low),
        "high": float(2**high),
        "level": level,
        "start": frame["date"].min(),
        "end": frame["date"].max(),
    }
