"""Every notebook of the table of contents executes under nbclient, from any working directory."""
from __future__ import annotations

import os
import subprocess

import nbformat
import pytest
from nbclient import NotebookClient

from lcreview.build import toc_files

from conftest import ROOT

NOTEBOOKS = [f for f in toc_files(ROOT) if f.endswith(".ipynb")]


def test_notebooks_are_stored_without_outputs():
    for rel in NOTEBOOKS:
        nb = nbformat.read(ROOT / rel, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, f"{rel} is stored with outputs"
                assert "hide-input" in cell.metadata.get("tags", []), f"{rel}: code cells are collapsed (hide-input)"


@pytest.mark.parametrize("rel", NOTEBOOKS)
def test_notebook_executes(rel, tmp_path, monkeypatch):
    monkeypatch.setenv("LCREVIEW_SITE_SRC", str(tmp_path))      # generated files go to a scratch folder
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    nb = nbformat.read(ROOT / rel, as_version=4)
    # run from an unrelated folder: paths must resolve from the repository root
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=False,
                   resources={"metadata": {"path": str(tmp_path)}}).execute(stderr=subprocess.DEVNULL)
    page = (ROOT / rel).stem
    figures = sorted((tmp_path / "_generated" / page).glob("*.png"))
    if rel.startswith("notebooks/") or page == "method":     # pages that must draw figures
        assert len(figures) >= 1, f"{rel} drew no figure"
    for png in figures:
        assert png.with_suffix(".csv").exists(), f"{png.name} has no data CSV"
        assert png.stat().st_size <= 200_000, f"{png.name} is {png.stat().st_size} bytes"
