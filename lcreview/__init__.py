"""Shared code of the long-context review: load, validate, select, draw.

Notebooks import this package and stay thin; every number they show comes
from the tables in ``data/`` through :mod:`lcreview.load`.
"""

from lcreview import load, select, validate
from lcreview.figures import Page
from lcreview.load import benchmarks, claims, model_configs, papers, vocabulary
from lcreview.paths import ROOT

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
