"""Pick rows by their columns, never by hand-written lists of papers.

A paper added to ``data/`` as rows alone flows through these functions into
every figure and table whose columns it matches.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from lcreview import load


def _as_set(value) -> set | None:
    if value is None:
        return None
    if isinstance(value, str):
        return {value}
    return set(value)


def in_theme(frame: pd.DataFrame, themes: str | Iterable[str], secondary: bool = True) -> pd.Series:
    """Rows whose paper has one of ``themes`` as primary (or, by default, secondary) theme."""
    wanted = _as_set(themes)
    primary = frame["theme"].isin(wanted)
    if not secondary:
        return primary
    second = (
        frame["themes_secondary"]
        .fillna("")
        .map(lambda s: bool(wanted & {t.strip() for t in s.split(";") if t.strip()}))
    )
    return primary | second


def papers(theme=None, secondary: bool = True, included: bool | None = True) -> pd.DataFrame:
    """Papers, optionally restricted to a theme and to included ones."""
    df = load.papers()
    if included is not None:
        df = df[df["included"] == included]
    if theme is not None:
        df = df[in_theme(df, theme, secondary)]
    return df.reset_index(drop=True)


def claims(
    quantity=None, unit=None, theme=None, baseline_kind=None, secondary: bool = True, frame: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Claims of included papers filtered by quantity, unit, theme and baseline kind.

    Each filter takes one value or several; ``None`` keeps everything.
    """
    df = load.claims() if frame is None else frame
    df = df[df["included"].fillna(False).astype(bool)]
    for col, wanted in (("quantity", quantity), ("unit", unit), ("baseline_kind", baseline_kind)):
        wanted = _as_set(wanted)
        if wanted is not None:
            df = df[df[col].isin(wanted)]
    if theme is not None:
        df = df[in_theme(df, theme, secondary)]
    return df.reset_index(drop=True)


def setting(row) -> str:
    """Model, hardware and task of a claim, as one readable string."""
    parts = [row.get(c) for c in ("model", "hardware", "task")]
    return "; ".join(str(p) for p in parts if isinstance(p, str) and p)


def by_id(frame: pd.DataFrame, ids) -> pd.DataFrame:
    """The rows of ``frame`` with these claim ids, in the order given, each once (evidence under a figure)."""
    return frame.set_index("id").loc[list(dict.fromkeys(ids))].reset_index()
