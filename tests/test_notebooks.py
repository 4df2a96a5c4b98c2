"""Every notebook of the table of contents (.ipynb or MyST .md) executes under nbclient: in the build, and from any
working directory."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient

from lcreview.build import is_notebook, read_notebook, staged_name, toc_files
from lcreview.figures import MAX_BYTES

NOTEBOOKS = [f for f in toc_files(ROOT) if is_notebook(ROOT / f)]


def test_every_chapter_is_selected():
    chapters = [f for f in toc_files(ROOT) if f.startswith("notebooks/")]
    assert len(NOTEBOOKS) >= 9 and set(chapters) <= set(NOTEBOOKS), NOTEBOOKS


def test_notebooks_are_stored_without_outputs():
    for rel in NOTEBOOKS:
        for cell in read_notebook(ROOT / rel).cells:
            if cell.cell_type == "code":
                assert not cell.get("outputs") and cell.get("execution_count") is None, f"{rel} is stored with outputs"
                assert "hide-input" in cell.metadata.get("tags", []), f"{rel}: code cells are collapsed (hide-input)"


def check_outputs(rel: str, nb, generated: Path) -> None:
    """Every code cell ran; a chapter (and the method page) drew figures, each with its data and within the size cap."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code), f"{rel}: not every code cell ran"
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{rel}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    figures = sorted((generated / Path(rel).stem).glob("*.svg"))
    if rel.startswith("notebooks/") or Path(rel).stem == "method":  # pages that must draw figures
        assert len(figures) >= 1, f"{rel} drew no figure"
    for svg in figures:
        assert svg.with_suffix(".csv").exists(), f"{svg.name} has no data CSV"
        assert svg.stat().st_size <= MAX_BYTES, f"{svg.name} is {svg.stat().st_size} bytes"


@pytest.mark.parametrize("rel", NOTEBOOKS)
def test_notebook_executed_in_the_build(rel, site):
    """The book's build ran each notebook under nbclient (lcreview.build.execute); its executed copy is checked."""
    staged = site.parent / "site-src"
    check_outputs(rel, nbformat.read(staged / staged_name(rel), as_version=4), staged / "_generated")


def test_a_chapter_executes_from_an_unrelated_folder(tmp_path, monkeypatch):
    """A researcher's rerun: plain nbclient, another working directory, no LCREVIEW_ROOT; paths resolve from the
    package's checkout (one chapter here; the build above and tests/test_build.py's plain jupyter-book build run
    every notebook)."""
    rel = "notebooks/rag.md"
    monkeypatch.delenv("LCREVIEW_ROOT", raising=False)
    monkeypatch.setenv("LCREVIEW_SITE_SRC", str(tmp_path))  # generated files go to a scratch folder
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = read_notebook(ROOT / rel)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", allow_errors=False, resources={"metadata": {"path": str(tmp_path)}}
    ).execute(stderr=subprocess.DEVNULL)
    check_outputs(rel, nb, tmp_path / "_generated")
