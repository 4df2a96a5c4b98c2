"""Numbers for prose: a sentence quotes a claim by its id, never by typing it.

In a notebook::

    from lcreview.text import glue_claims
    glue_claims(beacon_to="activation-beacon-2024.2")

and in markdown: {glue:text}`beacon_to` renders the number as the paper
wrote it, with its unit ("400K tokens", "24.89x").
"""

from __future__ import annotations

import pandas as pd

from lcreview import load

_UNIT_WORDS = {"x": "", "%": "", "USD": ""}
# How a number is bounded: the sign written before it, and the marker that draws it.
QUAL_PREFIX = {"more than": "> ", "at least": "≥ ", "up to": "≤ ", "less than": "< ", "about": "~ ", "average": "avg. "}
QUAL_MARKER = {
    "exact": "o",
    "about": "o",
    "average": "D",
    "more than": ">",
    "at least": ">",
    "up to": "<",
    "less than": "<",
}
RANGED = ("range", "from-to")


def one_line(value) -> str:
    """Text from data on one line: each run of white space (line breaks too) one space, control characters gone."""
    from lcreview.validate import CONTROL

    return " ".join(CONTROL.sub(" ", str(value)).split())


def text_or_empty(v) -> str:
    """A cell that may be missing (NaN/None) as text."""
    return v if isinstance(v, str) else ""


def as_written(row) -> str:
    """The number as the paper wrote it, with its bound: '≤ 2,000', '2k–32k', '4K → 400K', 'avg. 227K'."""
    text = text_or_empty(row.get("value_text"))
    if row.get("qualifier") in RANGED and text_or_empty(row.get("value_high_text")):
        return text + (" → " if row.get("qualifier") == "from-to" else "–") + row["value_high_text"]
    prefix = QUAL_PREFIX.get(row.get("qualifier"), "")
    return text if prefix.startswith(">") and text.endswith("+") else prefix + text


def said(claim, high: bool = False, unit: bool = True) -> str:
    """A claim's number as written in the paper, plus its unit where the text lacks it."""
    if isinstance(claim, str):
        table = load.claims(with_papers=False).set_index("id")
        if claim not in table.index:
            raise KeyError(f"no claim with id {claim!r} in data/claims.csv")
        claim = table.loc[claim]
    text = claim["value_high_text"] if high else claim["value_text"]
    if not isinstance(text, str) or not text:
        raise ValueError(f"claim {claim.name!r} has no {'value_high_text' if high else 'value_text'}")
    u = claim["unit"]
    if unit and u not in _UNIT_WORDS and not text.rstrip().lower().endswith(u.lower().rstrip("s")):
        text = f"{text} {u}"
    return text


class _Glued(dict):
    """The glued texts; shows nothing when it ends a cell (the prose shows them)."""

    def _ipython_display_(self):
        pass


def glue_claims(**names: str) -> dict[str, str]:
    """Glue each claim's number under a name, for {glue:text} in the page's prose.

    A name ending in ``_high`` takes the upper end (value_high_text) of the claim.
    """
    from myst_nb import glue

    table = load.claims(with_papers=False).set_index("id")
    out = _Glued()
    for name, claim_id in names.items():
        if claim_id not in table.index:
            raise KeyError(f"glue {name!r}: no claim with id {claim_id!r} in data/claims.csv")
        out[name] = said(table.loc[claim_id], high=name.endswith("_high"))
        glue(name, out[name], display=False)
    return out


def count_glue(name: str, value) -> None:
    """Glue a number the notebook computed from data (a count, a maximum)."""
    from myst_nb import glue

    glue(
        name,
        value if isinstance(value, str) else f"{value:,}" if isinstance(value, int) else f"{value:g}",
        display=False,
    )


def listing(frame: pd.DataFrame, column: str = "short") -> str:
    """'A, B and C' from a column of selected rows."""
    items = [str(v) for v in frame[column].dropna().unique()]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""
