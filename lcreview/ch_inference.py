"""Helpers of the chapter 'Efficient inference and the KV cache' (notebooks/inference.ipynb).

Everything here selects rows by their columns (quantity, unit, baseline_kind,
model, hardware, task), never by paper, so new rows in ``data/`` flow in.
Also used by the training chapter for its speedup panels.
"""
from __future__ import annotations

import math
import re

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from lcreview import figures, kvcache, load
from lcreview.text import QUAL_PREFIX, as_written

# Hardware facts (vendor specifications, not paper claims) live in data/accelerators.csv.
HOURS = {"hours": 1, "days": 24, "weeks": 7 * 24}

BASELINE_ORDER = ["unoptimized-framework", "optimized-kernel", "full-attention", "same-model",
                  "prior-methods", "other-model", "shorter-input"]
PHASE = {"prefill speedup": "prefill", "decode speedup": "decode", "end-to-end speedup": "end-to-end",
         "throughput gain": "throughput", "time reduction": "wall-clock / delay", "training speedup": "training",
         "memory reduction": "KV / memory", "bandwidth reduction": "bandwidth"}
PHASE_COLORS = {"prefill": "#0072B2", "decode": "#009E73", "end-to-end": "#CC79A7", "throughput": "#E69F00",
                "wall-clock / delay": "#56B4E9", "training": "#D55E00", "KV / memory": "#009E73",
                "bandwidth": "#E69F00"}
# How papers word "no (or little) accuracy cost" next to a number; searched in quote and note.
ACCURACY_PHRASES = [(r"negligible accuracy loss", "negligible accuracy loss"),
                    (r"without accuracy loss", "no accuracy loss"),
                    (r"similar LLM performance", "similar task quality"),
                    (r"\blossless\b", "lossless")]


# --- small parsers --------------------------------------------------------------------------------
def _norm(text) -> str:
    return re.sub(r"[^a-z0-9.]", "", str(text).lower())


def match_config(model_text, configs: pd.DataFrame):
    """The first configuration whose model name occurs in a claim's model field (';'-separated), else None."""
    if not isinstance(model_text, str):
        return None
    for part in model_text.split(";"):
        p = _norm(part)
        for _, c in configs.iterrows():
            if _norm(c["model"]) == p or (_norm(c["model"]) in p and not re.search(
                    re.escape(_norm(c["model"])) + r"[0-9]", p)):
                return c
    return None


def tokens_in(text):
    """A context length written as '16K context' / '32K' in free text; K is 1024 for powers of two."""
    if not isinstance(text, str):
        return None
    m = re.search(r"(\d+(?:\.\d+)?)\s*([KkMm])\b", text)
    if not m:
        return None
    n = float(m.group(1))
    base = 1024 if n.is_integer() and int(n) & (int(n) - 1) == 0 else 1000
    return int(n * base ** (1 if m.group(2) in "Kk" else 2))


def params_in_name(name):
    """Parameter count read from a model name ('Llama-3.1-8B' -> 8e9), else None."""
    m = re.search(r"(\d+(?:\.\d+)?)B\b", str(name))
    return float(m.group(1)) * 1e9 if m else None


def capacity_gb(hardware, claims: pd.DataFrame):
    """Memory of an accelerator: from a 'memory' claim naming that hardware, else the vendor constant."""
    if not isinstance(hardware, str):
        return None, ""
    mem = claims[(claims["quantity"] == "memory") & (claims["unit"] == "GB")]
    same = mem[mem["hardware"].fillna("").map(_norm) == _norm(hardware)]
    if len(same):
        return float(same.iloc[0]["value"]), f"claim {same.iloc[0]['id']}"
    for _, acc in load.accelerators().iterrows():
        name = acc["accelerator"]
        if _norm(name) in _norm(hardware) or _norm(hardware) in _norm(name):
            return float(acc["memory_gb"]), f"vendor specification of {name}"
    return None, ""


def accelerator_lines(claims: pd.DataFrame) -> pd.DataFrame:
    """The memory lines to draw: each capacity from claims (a GPU named with that capacity) when present."""
    mem = claims[(claims["quantity"] == "memory") & (claims["unit"] == "GB")]
    gpu = mem[np.array([f"{v:g}G" in str(h) for v, h in zip(mem["value"], mem["hardware"])], dtype=bool)]
    rows = []
    drawn = load.accelerators()
    for name, gb in zip(drawn.loc[drawn["kv_figure"], "accelerator"], drawn.loc[drawn["kv_figure"], "memory_gb"]):
        hits = gpu[gpu["value"] == gb]
        if len(hits):
            hw = "; ".join(dict.fromkeys(hits["hardware"]))
            rows.append({"memory_gb": float(hits.iloc[0]["value"]), "label": f"{gb:g} GB ({hw}, reported)",
                         "source": "claims " + ", ".join(hits["id"]), "paper": ";".join(dict.fromkeys(hits["paper"]))})
        else:
            rows.append({"memory_gb": float(gb), "label": f"{gb:g} GB ({name}, vendor spec)",
                         "source": f"vendor specification of {name}", "paper": None})
    return pd.DataFrame(rows)


# --- relative numbers as factors ------------------------------------------------------------------
def as_factor(value, unit):
    """A reduction or speedup as a factor: x stays, a p% reduction becomes 1 / (1 - p/100)."""
    if unit == "x":
        return float(value)
    if unit == "%" and pd.notna(value) and value < 100:
        return 1.0 / (1.0 - float(value) / 100.0)
    return float("nan")


def accuracy_notes(rows: pd.DataFrame, claims: pd.DataFrame) -> pd.Series:
    """What each row says about the accuracy cost; a row without a statement takes the one made for
    another relative number of the same paper against the same baseline ('same sentence')."""
    deg = claims[claims["quantity"] == "score degradation"]

    def own(r):
        text = f"{r.get('quote', '')} {r.get('note', '')}"
        found = next((label for pat, label in ACCURACY_PHRASES if re.search(pat, text, re.I)), None)
        inside = np.array([str(v) in str(r.get("quote", "")) for v in deg["value_text"]], dtype=bool)
        d = deg[(deg["paper"] == r["paper"]).to_numpy(dtype=bool) & inside]
        if len(d):
            x = d.iloc[0]
            found = (f"score {QUAL_PREFIX.get(x['qualifier'], '')}{x['value_text']} {x['unit']} lower"
                     + (f" ({x['task']})" if isinstance(x["task"], str) else ""))
        return found

    pool = claims[claims["paper"].isin(set(rows["paper"])) & claims["baseline"].notna()
                  & (claims["quantity"] != "score degradation")]
    notes = {r["id"]: own(r) for _, r in pool.iterrows()}
    out = {}
    for i, r in rows.iterrows():
        mine = notes.get(r["id"]) or own(r)
        if mine:
            out[i] = mine
            continue
        peers = [notes[s["id"]] for _, s in pool.iterrows()
                 if notes.get(s["id"]) and s["paper"] == r["paper"] and s["baseline"] == r["baseline"]]
        out[i] = f"{peers[0]} (same sentence)" if peers else "not stated"
    return pd.Series(out)


def relative_rows(claims: pd.DataFrame, quantities, exclude_task: str | None = None,
                  include_task: str | None = None) -> pd.DataFrame:
    """Relative claims of ``quantities`` (x or %), as factors, labelled for the baseline panels."""
    rows = claims[claims["quantity"].isin(quantities) & claims["unit"].isin(["x", "%"])].copy()
    task = rows["task"].fillna("")
    if exclude_task:
        rows = rows[~task.str.contains(exclude_task, case=False)]
    if include_task:
        rows = rows[task.str.contains(include_task, case=False)]
    rows = rows[rows["baseline_kind"].notna()].copy()
    rows["factor"] = [as_factor(v, u) for v, u in zip(rows["value"], rows["unit"])]
    rows["factor_high"] = [as_factor(v, u) if pd.notna(v) else np.nan for v, u in zip(rows["value_high"], rows["unit"])]
    rows["converted"] = rows["unit"] == "%"
    rows = rows[rows["factor"].notna()]
    rows["phase"] = rows["quantity"].map(PHASE).fillna(rows["quantity"])
    rows["hardware_shown"] = rows["hardware"].fillna("hardware not stated")
    rows["accuracy"] = accuracy_notes(rows, claims) if len(rows) else pd.Series(dtype=str)
    rows["written"] = [_written(r) for _, r in rows.iterrows()]
    rows["label"] = [_label(r) for _, r in rows.iterrows()]
    rows["kind_order"] = rows["baseline_kind"].map({k: i for i, k in enumerate(BASELINE_ORDER)})
    return rows.sort_values(["kind_order", "factor"], ascending=[True, False]).reset_index(drop=True)


def _written(r) -> str:
    text = as_written(r)
    if r["converted"]:
        text += f" less = {r['factor']:.2f}x"
    elif not text.endswith("x"):
        text += "x"
    return text


def _short(text, n=34) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _label(r) -> str:
    """'Paper · phase' over 'hardware · model' where stated (the task stays in the evidence table)."""
    model = r.get("model")
    parts = [_short(h, 26) for h in [r.get("hardware")] if isinstance(h, str) and h]
    parts += [_short(model, 22)] if isinstance(model, str) and _norm(model) != _norm(r["short"]) else []
    return f"{r['short']} · {r['phase']}" + ("\n" + " · ".join(parts) if parts else "")


def kind_title(kind: str) -> str:
    """'unoptimized framework (e.g. Hugging Face transformers)' from the baseline-kind vocabulary."""
    desc = load.vocabulary()["baseline-kinds"].get(kind, "")
    m = re.search(r"\(for example ([^)]*)\)", desc)
    return kind.replace("-", " ") + (f" (e.g. {m.group(1)})" if m else "")


def baseline_panels(rows: pd.DataFrame, xlabel: str, width: float = 7.4, accuracy: bool = True):
    """One panel per baseline kind, shared log x axis; bars start at 1x (no change)."""
    kinds = [k for k in BASELINE_ORDER if k in set(rows["baseline_kind"])]
    kinds += sorted(set(rows["baseline_kind"]) - set(kinds))
    counts = [int((rows["baseline_kind"] == k).sum()) for k in kinds]
    fig, axes = plt.subplots(len(kinds), 1, sharex=True, squeeze=False,
                             figsize=(width, 0.7 + sum(0.36 * c + 0.42 for c in counts)),
                             gridspec_kw={"height_ratios": [c + 0.9 for c in counts]})
    hi = np.nanmax(np.r_[rows["factor"], rows["factor_high"].fillna(0)]) if len(rows) else 10
    for ax, kind in zip(axes[:, 0], kinds):
        sub = rows[rows["baseline_kind"] == kind].reset_index(drop=True)
        y = np.arange(len(sub))[::-1]
        colors = [PHASE_COLORS.get(p, figures.NEUTRAL) for p in sub["phase"]]
        ax.barh(y, sub["factor"] - 1, left=1, height=0.55, color=colors,
                hatch=["///" if c else None for c in sub["converted"]], edgecolor="white", linewidth=0)
        for yi, (_, r) in zip(y, sub.iterrows()):
            end = r["factor"]
            if pd.notna(r["factor_high"]):
                ax.plot([r["factor"], r["factor_high"]], [yi, yi], color=PHASE_COLORS.get(r["phase"], figures.NEUTRAL),
                        lw=5, alpha=0.45, solid_capstyle="butt")
                end = r["factor_high"]
            ax.text(end * 1.06, yi, r["written"], va="center", fontsize=8.2)
            if accuracy:
                ax.text(1.02, yi, _short(r["accuracy"], 44), transform=ax.get_yaxis_transform(), va="center",
                        fontsize=7.8, color="#333333" if r["accuracy"] != "not stated" else "#999999")
        ax.set_yticks(y, sub["label"], fontsize=7.6)
        ax.set_ylim(-0.6, len(sub) - 0.4)
        ax.set_title(f"Baseline: {kind_title(kind)}", fontsize=9, loc="left")
        ax.grid(axis="y", visible=False)
    ax = axes[-1, 0]
    ax.set_xscale("log")
    ax.set_xlim(1, hi * 4)
    ax.xaxis.set_major_locator(matplotlib.ticker.LogLocator(base=10, subs=(1, 2, 5)))
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:g}x"))
    ax.set_xlabel(xlabel)
    if accuracy:
        axes[0, 0].annotate("accuracy cost as reported", (1.02, 1.0), xycoords="axes fraction", xytext=(0, 16),
                            textcoords="offset points", fontsize=8, fontweight="bold", va="bottom")
    fig.tight_layout()
    return fig


def panels_alt(what: str, rows: pd.DataFrame) -> str:
    if rows.empty:
        return f"{what}: no data."
    hi, lo = rows.loc[rows["factor"].idxmax()], rows.loc[rows["factor"].idxmin()]
    kinds = rows["baseline_kind"].nunique()
    return (f"{what}: {len(rows)} values in {kinds} panels by baseline kind, log scale; highest {hi['short']} "
            f"{hi['phase']} {hi['written']} against {hi['baseline_kind']}, lowest {lo['short']} {lo['phase']} "
            f"{lo['written']} against {lo['baseline_kind']}.")


def plotted(rows: pd.DataFrame) -> pd.DataFrame:
    cols = ["paper", "short", "id", "quantity", "phase", "baseline", "baseline_kind", "value_text", "value_high_text",
            "unit", "qualifier", "factor", "factor_high", "converted", "model", "hardware", "task", "accuracy"]
    return rows[cols]


# --- KV-cache model -------------------------------------------------------------------------------
def context_grid(lo: int = 2 ** 12, hi: int = 2 ** 20) -> np.ndarray:
    """Context lengths 4K ... 1M, powers of two."""
    return 2 ** np.arange(int(math.log2(lo)), int(math.log2(hi)) + 1)


def config_groups(configs: pd.DataFrame) -> pd.DataFrame:
    """Configurations with identical KV bytes per token share one curve ('A / B')."""
    c = configs.copy()
    c["bytes_per_token"] = [kvcache.bytes_per_token(r) for _, r in c.iterrows()]
    g = (c.groupby("bytes_per_token", sort=False)
         .agg(models=("model", lambda s: " / ".join(s)), attention=("attention", "first"),
              layers=("layers", "first"), kv_heads=("kv_heads", "first"), head_dim=("head_dim", "first"))
         .reset_index())
    return g.sort_values("bytes_per_token", ascending=False).reset_index(drop=True)


def config_table(configs: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for _, c in configs.iterrows():
        row = {"model": c["model"], "attention": c["attention"], "layers": int(c["layers"]),
               "KV heads": int(c["kv_heads"]), "head dim": int(c["head_dim"]),
               "KV per token (KiB)": f"{kvcache.bytes_per_token(c) / 1024:,.0f}",
               "native window": figures.fmt_tokens(c["max_context"]),
               "KV at native window (GB)": f"{float(kvcache.kv_cache_bytes(c['layers'], c['kv_heads'], c['head_dim'], c['max_context'])) / kvcache.GB:.2f}"}
        for _, l in lines.iterrows():
            row[f"max tokens in {l['memory_gb']:g} GB"] = f"{int(kvcache.max_tokens(c, l['memory_gb'])):,}"
        row["source_url"] = c["source_url"]
        rows.append(row)
    return pd.DataFrame(rows)


def reported_vs_model(claims: pd.DataFrame, configs: pd.DataFrame) -> pd.DataFrame:
    """Reported KV-cache sizes and concurrency limits next to what the memory model gives."""
    out = []
    kv = claims[(claims["quantity"] == "KV cache size") & (claims["unit"] == "GB")]
    for _, r in kv.iterrows():
        c = match_config(r["model"], configs)
        t = tokens_in(r["task"]) or tokens_in(r["quote"])
        base = {"paper": r["paper"], "short": r["short"], "id": r["id"], "quantity": r["quantity"],
                "model": r["model"], "hardware": r["hardware"], "tokens": t, "reported": f"{r['value_text']} GB",
                "reported_value": r["value"]}
        if c is None or t is None:
            out.append({**base, "verdict": "no matching configuration or context length; not compared"})
            continue
        b = float(kvcache.kv_cache_bytes(c["layers"], c["kv_heads"], c["head_dim"], t))
        gb, gib = b / kvcache.GB, b / 2 ** 30
        dec, binary = r["value"] / gb - 1, r["value"] / gib - 1
        if abs(dec) <= 0.03:
            verdict = "agrees (decimal GB)"
        elif abs(binary) <= 0.03:
            verdict = f"agrees in binary GiB; decimal model is {-dec:.0%} {'higher' if dec < 0 else 'lower'}"
        else:
            verdict = f"differs: reported/model = {r['value'] / gb:.2f}"
        out.append({**base, "config": c["model"], "model_gb": gb, "model_gib": gib, "rel_diff_decimal": dec,
                    "verdict": verdict})
    cr = claims[claims["quantity"] == "concurrent requests"]
    for _, r in cr.iterrows():
        c = match_config(r["model"], configs)
        t = tokens_in(r["task"]) or tokens_in(r["quote"])
        cap, cap_src = capacity_gb(r["hardware"], claims)
        base = {"paper": r["paper"], "short": r["short"], "id": r["id"], "quantity": r["quantity"],
                "model": r["model"], "hardware": r["hardware"], "tokens": t,
                "reported": f"{r['value_text']} requests", "reported_value": r["value"]}
        p = params_in_name(c["model"]) if c is not None else None
        if c is None or t is None or cap is None or p is None:
            out.append({**base, "verdict": "missing configuration, length, capacity or size; not compared"})
            continue
        b = float(kvcache.kv_cache_bytes(c["layers"], c["kv_heads"], c["head_dim"], t))
        weights = 2 * p                                    # half-precision weights, parameters from the name
        fit_dec = math.floor((cap * kvcache.GB - weights) / b)
        fit_bin = math.floor((cap * 2 ** 30 - weights) / b)
        kv_only = math.floor(cap * kvcache.GB / b)
        lo, hi = min(fit_dec, fit_bin), max(fit_dec, fit_bin)
        verdict = ("agrees" if lo <= r["value"] <= hi else
                   "paper is more conservative" if r["value"] < lo else "paper allows more")
        out.append({**base, "config": c["model"], "model_gb": b / kvcache.GB, "model_gib": b / 2 ** 30,
                    "capacity_gb": cap, "capacity_source": cap_src, "weights_gb": weights / kvcache.GB,
                    "fit_with_weights_lo": lo, "fit_with_weights_hi": hi, "fit_kv_only": kv_only,
                    "verdict": verdict})
    cols = ["paper", "short", "id", "quantity", "model", "hardware", "tokens", "reported", "reported_value", "config",
            "model_gb", "model_gib", "rel_diff_decimal", "capacity_gb", "capacity_source", "weights_gb",
            "fit_with_weights_lo", "fit_with_weights_hi", "fit_kv_only", "verdict"]
    return pd.DataFrame(out).reindex(columns=cols)


def implied_reductions(claims: pd.DataFrame, configs: pd.DataFrame) -> pd.DataFrame:
    """A reported KV/memory reduction applied to the model at the paper's own context length and model."""
    red = claims[(claims["quantity"] == "memory reduction") & claims["unit"].isin(["x", "%"])]
    ctx = claims[claims["quantity"] == "context length"]
    out = []
    for _, r in red.iterrows():
        for part in str(r["model"]).split(";") if isinstance(r["model"], str) else []:
            c = match_config(part, configs)
            if c is None:
                continue
            lengths = ctx[(ctx["paper"] == r["paper"]) & ctx["model"].map(
                lambda m: (k := match_config(m, configs)) is not None and k["model"] == c["model"])]
            for _, L in lengths.iterrows():
                full = float(kvcache.kv_cache_bytes(c["layers"], c["kv_heads"], c["head_dim"], L["value"])) / kvcache.GB
                f = as_factor(r["value"], r["unit"])
                out.append({"paper": r["paper"], "short": r["short"], "id": r["id"], "context_id": L["id"],
                            "config": c["model"], "tokens": int(L["value"]), "reduction": r["value_text"],
                            "full_gb": full, "reduced_gb": full / f})
    return pd.DataFrame(out).reindex(columns=["paper", "short", "id", "context_id", "config", "tokens", "reduction",
                                              "full_gb", "reduced_gb"])


def kv_figure(configs: pd.DataFrame, lines: pd.DataFrame, reported: pd.DataFrame, implied: pd.DataFrame):
    """Log-log KV-cache size of each configuration against context length, with memory lines and reports."""
    tokens = context_grid()
    groups = config_groups(configs)
    fig, ax = plt.subplots(figsize=(7.4, 4.9))
    palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#444444"]
    curves = []
    notes = []

    def note(text, xy):          # drawn later, stacked in the empty lower right in the order of the points
        notes.append((xy[1], text, xy))

    for i, g in groups.iterrows():
        gb = g["bytes_per_token"] * tokens / kvcache.GB
        col = palette[i % len(palette)]
        ax.plot(tokens, gb, color=col, lw=1.8)
        ax.text(1.01, gb[-1], f"{g['models']}\n{g['attention']}, {g['layers']} layers x "
                f"{g['kv_heads']} KV heads", color=col, fontsize=7.6, va="center",
                transform=ax.get_yaxis_transform())
        for t, v in zip(tokens, gb):
            curves.append({"series": g["models"], "tokens": int(t), "kv_gb": v, "paper": None, "kind": "model"})
        for _, c in configs.iterrows():
            if kvcache.bytes_per_token(c) == g["bytes_per_token"] and tokens[0] <= c["max_context"] <= tokens[-1]:
                y = g["bytes_per_token"] * c["max_context"] / kvcache.GB
                ax.plot(c["max_context"], y, "|", color=col, ms=11, mew=1.6)
    for _, l in lines.iterrows():
        ax.axhline(l["memory_gb"], color="#555555", lw=0.9, ls="--")
        ax.text(tokens[0], l["memory_gb"] * 1.06, l["label"], fontsize=7.6, color="#333333", va="bottom")
        for key in (l["paper"].split(";") if isinstance(l["paper"], str) else [None]):
            curves.append({"series": l["label"], "tokens": None, "kv_gb": l["memory_gb"], "paper": key,
                           "kind": "memory line"})
    shown = reported[reported["quantity"] == "KV cache size"].dropna(subset=["tokens"]) if len(reported) else reported
    for _, r in shown.iterrows():
        ax.plot(r["tokens"], r["reported_value"], "D", color="black", ms=6, zorder=5)
        note(f"{r['short']}: {r['reported']} at {figures.fmt_tokens(r['tokens'])} ({r['model']}, reported)",
             (r["tokens"], r["reported_value"]))
        curves.append({"series": r["id"], "tokens": int(r["tokens"]), "kv_gb": r["reported_value"],
                       "paper": r["paper"], "kind": "reported KV size"})
    for _, r in implied.iterrows():
        ax.annotate("", xy=(r["tokens"], r["reduced_gb"]), xytext=(r["tokens"], r["full_gb"]),
                    arrowprops=dict(arrowstyle="->", color="#555555", lw=0.9, connectionstyle="arc3,rad=-0.35",
                                    shrinkA=2, shrinkB=4))
        ax.plot(r["tokens"], r["reduced_gb"], "o", mfc="white", mec="black", ms=6, zorder=5)
        note(f"{r['short']}: {r['reduction']} reduction applied at {figures.fmt_tokens(r['tokens'])} "
             f"({r['config']}, derived)", (r["tokens"], r["reduced_gb"]))
        curves.append({"series": r["id"], "tokens": int(r["tokens"]), "kv_gb": r["reduced_gb"], "paper": r["paper"],
                       "kind": "reported reduction applied to model"})
    step = min(0.07, 0.28 / max(len(notes), 1))
    for i, (_, text, xy) in enumerate(sorted(notes, key=lambda n: -n[0])):
        ax.annotate(text, xy, xytext=(0.50, 0.30 - step * i), textcoords="axes fraction", fontsize=7.3,
                    va="center", arrowprops=dict(arrowstyle="-", color="#888888", lw=0.6, shrinkB=4,
                                                 relpos=(0, 0.5)))
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(tokens)
    figures.token_axis(ax.xaxis)
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_xlim(tokens[0] / 1.2, tokens[-1] * 1.2)
    from matplotlib.lines import Line2D
    keys = [Line2D([], [], ls="", marker="|", ms=10, mew=1.6, color=figures.NEUTRAL, label="native window of a model"),
            Line2D([], [], ls="", marker="D", ms=5, color="black", label="KV-cache size reported by a paper"),
            Line2D([], [], ls="", marker="o", ms=5, mfc="white", mec="black",
                   label="reported reduction applied to the model")]
    ax.legend(handles=keys, loc="upper left", fontsize=7.6)
    ax.set_xlabel("context length (tokens, one sequence)")
    ax.set_ylabel("KV-cache size (GB, decimal; half-precision values)")
    fig.tight_layout()
    return fig, pd.DataFrame(curves)


# --- numbers for the chapter's prose (glued, never typed) ------------------------------------------
def _gb(c, tokens) -> float:
    return float(kvcache.kv_cache_bytes(c["layers"], c["kv_heads"], c["head_dim"], tokens)) / kvcache.GB


def kv_numbers(configs: pd.DataFrame, lines: pd.DataFrame) -> dict:
    """The MHA configuration, the smallest and largest GQA configurations of the longest native window,
    their bytes per token, what fits in the smaller memory line and what the longest length needs."""
    mha = configs[configs["attention"] == "MHA"].iloc[0]
    gqa = configs[(configs["attention"] == "GQA") & (configs["max_context"] == configs["max_context"].max())]
    small, large = gqa.sort_values("layers").iloc[0], gqa.sort_values("layers").iloc[-1]
    cap, top = lines["memory_gb"].min(), context_grid()[-1]
    out = {"mha_model": mha["model"], "gqa_small": small["model"], "gqa_large": large["model"],
           "mha_kib": f"{kvcache.bytes_per_token(mha) / 1024:,.0f} KiB",
           "gqa_kib": f"{kvcache.bytes_per_token(small) / 1024:,.0f} KiB",
           "mha_gqa_ratio": f"{kvcache.bytes_per_token(mha) / kvcache.bytes_per_token(small):g}",
           "cap_low": f"{cap:g} GB", "cap_high": f"{lines['memory_gb'].max():g} GB", "top_len": figures.fmt_tokens(top),
           "top_vs_high": "just under" if _gb(small, top) < lines["memory_gb"].max() else "above",
           "large_native": figures.fmt_tokens(large["max_context"]),
           "large_native_gb": f"{_gb(large, large['max_context']):.0f} GB"}
    for name, c in (("mha", mha), ("gqa_small", small), ("gqa_large", large)):
        out[f"fit_{name}"] = figures.fmt_tokens(round(kvcache.max_tokens(c, cap), -3))
    for name, c in (("gqa_small", small), ("gqa_large", large)):
        out[f"top_{name}"] = f"{_gb(c, top):.0f} GB"
    return out


def reported_numbers(reported: pd.DataFrame, implied: pd.DataFrame) -> dict:
    """The first reported KV size and concurrency limit that could be compared, and the first implied reduction."""
    kvr = reported[reported["quantity"] == "KV cache size"]
    out = {"n_kv_rep": f"{len(kvr):,}",
           "n_kv_bin": f"{int(kvr['verdict'].fillna('').str.startswith('agrees in binary').sum()):,}"}
    ex = kvr.dropna(subset=["model_gb"])
    ex = ex.iloc[0] if len(ex) else None
    for key, val in (("ex_model", lambda e: e["config"]), ("ex_rep", lambda e: e["reported"]),
                     ("ex_len", lambda e: figures.fmt_tokens(e["tokens"])), ("ex_gb", lambda e: f"{e['model_gb']:.2f} GB"),
                     ("ex_gib", lambda e: f"{e['model_gib']:.2f} GiB"),
                     ("ex_diff", lambda e: f"{-e['rel_diff_decimal']:.0%}")):
        out[key] = val(ex) if ex is not None else "none"
    cr = reported[(reported["quantity"] == "concurrent requests")].dropna(subset=["fit_kv_only"])
    c0 = cr.iloc[0] if len(cr) else None
    for key, val in (("cr_rep", lambda c: c["reported"]), ("cr_hw", lambda c: c["hardware"]),
                     ("cr_cap", lambda c: f"{c['capacity_gb']:g} GB"), ("cr_cap_src", lambda c: c["capacity_source"]),
                     ("cr_w", lambda c: f"{c['weights_gb']:.0f} GB"), ("cr_lo", lambda c: f"{c['fit_with_weights_lo']:.0f}"),
                     ("cr_hi", lambda c: f"{c['fit_with_weights_hi']:.0f}"), ("cr_kv", lambda c: f"{c['fit_kv_only']:.0f}"),
                     ("cr_len", lambda c: figures.fmt_tokens(c["tokens"]))):
        out[key] = val(c0) if c0 is not None else "none"
    imp = implied.iloc[0] if len(implied) else None
    for key, val in (("imp_full", lambda i: f"{i['full_gb']:.1f} GB"), ("imp_red", lambda i: f"{i['reduced_gb']:.1f} GB"),
                     ("imp_len", lambda i: figures.fmt_tokens(i["tokens"]))):
        out[key] = val(imp) if imp is not None else "none"
    return out


def reported_table(reported: pd.DataFrame) -> pd.DataFrame:
    fmt = lambda v, f: f.format(v) if pd.notna(v) else ""
    show = reported.assign(tokens=reported["tokens"].map(lambda t: figures.fmt_tokens(t) if pd.notna(t) else ""),
                           model_gb=reported["model_gb"].map(lambda v: fmt(v, "{:.2f}")),
                           model_gib=reported["model_gib"].map(lambda v: fmt(v, "{:.2f}")))
    cols = ["short", "id", "quantity", "model", "hardware", "tokens", "reported", "model_gb", "model_gib", "verdict"]
    return show[cols].rename(columns={"short": "paper", "model_gb": "model (GB)", "model_gib": "model (GiB)"})


def kv_alt(configs: pd.DataFrame, lines: pd.DataFrame, curve_data: pd.DataFrame) -> str:
    grid = context_grid()
    model = curve_data[curve_data["kind"] == "model"]
    return (f"Log-log lines of KV-cache size for {config_groups(configs)['models'].str.cat(sep=', ')} from "
            f"{figures.fmt_tokens(grid[0])} to {figures.fmt_tokens(grid[-1])} tokens, rising linearly; the largest "
            f"reaches {model['kv_gb'].max():.0f} GB; horizontal lines at "
            f"{', '.join(f'{v:g}' for v in lines['memory_gb'])} GB; "
            f"{int((curve_data['kind'] == 'reported KV size').sum())} reported sizes overlaid.")
