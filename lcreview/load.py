"""Read the tables of ``data/`` into typed pandas DataFrames.

Types come from ``data/datapackage.json``. Every file read is recorded in
:data:`READ` and, when ``LCREVIEW_READS`` names a file (the build sets it for
each chapter's kernel), appended there, so the build knows which chapter
depends on which file.
Loading never writes; run ``make check`` (:mod:`lcreview.validate`) for
row-level diagnostics -- loading assumes the data passed it.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import pandas as pd

from lcreview import paths

READ: set[str] = set()


def _record(path: Path) -> Path:
    rel = paths.rel(path)
    log = os.environ.get("LCREVIEW_READS")
    if log and rel not in READ:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(rel + "\n")
    READ.add(rel)
    return path


def as_written(name: str) -> pd.DataFrame:
    """The data file ``data/NAME`` with every cell as the text it holds (recorded as read, like every table)."""
    return pd.read_csv(_record(paths.DATA / name), dtype=str, keep_default_na=False, encoding="utf-8")


@cache
def _package_cached(root: str) -> dict:
    return json.loads(Path(root, "data", "datapackage.json").read_text(encoding="utf-8"))


def package() -> dict:
    """The Frictionless Data Package descriptor (``data/datapackage.json``)."""
    _record(paths.DATA / "datapackage.json")
    return _package_cached(str(paths.ROOT))


def resource(name: str) -> dict:
    for res in package()["resources"]:
        if res["name"] == name:
            return res
    raise KeyError(f"data/datapackage.json has no resource named {name!r}")


def vocabulary() -> dict:
    """Controlled vocabularies: themes, quantities (units, relative), baseline kinds, abilities."""
    pkg = package()
    return {k[2:]: v for k, v in pkg.items() if k.startswith("x-")}


def table(name: str) -> pd.DataFrame:
    """Read one resource with the types its schema declares."""
    res = resource(name)
    path = _record(paths.DATA / res["path"])
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for field in res["schema"]["fields"]:
        col, kind = field["name"], field["type"]
        if col not in df:
            continue
        blank = df[col].str.strip() == ""
        if kind == "integer":
            df[col] = pd.to_numeric(df[col].mask(blank), errors="raise").astype("Int64")
        elif kind == "number":
            df[col] = pd.to_numeric(df[col].mask(blank), errors="raise").astype(float)
        elif kind == "boolean":
            df[col] = df[col].str.strip().str.lower().map({"true": True, "false": False})
        elif kind == "date":
            df[col] = pd.to_datetime(df[col].mask(blank), format="%Y-%m-%d")
        else:
            df[col] = df[col].mask(blank)
    return df


def papers() -> pd.DataFrame:
    """All papers of the corpus, with a ``url`` column to arXiv."""
    df = table("papers")
    df["url"] = "https://arxiv.org/abs/" + df["arxiv_id"]
    themes = vocabulary()["themes"]
    df["theme_label"] = df["theme"].map(themes)
    return df


def claims(with_papers: bool = True) -> pd.DataFrame:
    """All reported numbers; by default joined with their paper's short name, theme and url."""
    df = table("claims")
    vocab = vocabulary()["quantities"]
    df["relative"] = df["quantity"].map(lambda q: vocab[q]["relative"])
    if with_papers:
        p = papers()[["key", "short", "theme", "themes_secondary", "url", "published", "included"]]
        df = df.merge(p.rename(columns={"key": "paper"}), on="paper", how="left", validate="many_to_one")
    return df


def model_configs() -> pd.DataFrame:
    return table("model_configs")


def benchmarks() -> pd.DataFrame:
    return table("benchmarks")


def accelerators() -> pd.DataFrame:
    return table("accelerators")
