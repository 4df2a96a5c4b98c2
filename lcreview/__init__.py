"""Shared code of the long-context review: load, validate, select, draw.

Notebooks import this package and stay thin; every number they show comes
from the tables in ``data/`` through :mod:`lcreview.load`.

The names below are loaded on first use (PEP 562), so that tools which need
only a part of the package (``make check``, the Sphinx extension) do not
import matplotlib and pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the names below; lcreview.build's dependency tracking reads these imports as well
    from lcreview import load, select, validate
    from lcreview.figures import Page
    from lcreview.load import benchmarks, claims, model_configs, papers, vocabulary
    from lcreview.paths import ROOT

_NAMES = {
    "ROOT": ("lcreview.paths", "ROOT"),
    "Page": ("lcreview.figures", "Page"),
    "papers": ("lcreview.load", "papers"),
    "claims": ("lcreview.load", "claims"),
    "model_configs": ("lcreview.load", "model_configs"),
    "benchmarks": ("lcreview.load", "benchmarks"),
    "vocabulary": ("lcreview.load", "vocabulary"),
}
_MODULES = ("load", "select", "validate")

__all__ = [
    "ROOT",
    "load",
    "select",
    "validate",
    "papers",
    "claims",
    "model_configs",
    "benchmarks",
    "vocabulary",
    "Page",
]


def __getattr__(name: str):
    if name in _NAMES:
        module, attr = _NAMES[name]
        value = getattr(importlib.import_module(module), attr)
    elif name in _MODULES:
        value = importlib.import_module(f"lcreview.{name}")
    else:
        raise AttributeError(f"module 'lcreview' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
