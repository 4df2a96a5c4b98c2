"""Every notebook of the table of contents (.ipynb or MyST .md) executes under nbclient, from any working directory."""

from __future__ import annotations

import os
import subprocess

import pytest
from conftest import ROOT
from nbclient import NotebookClient

from lcreview.build import is_notebook, read_notebook, toc_files
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


@pytest.mark.parametrize("rel", NOTEBOOKS)
def test_notebook_executes(rel, tmp_path, monkeypatch):
    monkeypatch.setenv("LCREVIEW_SITE_SRC", str(tmp_path))  # generated files go to a scratch folder
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = read_notebook(ROOT / rel)
    # run from an unrelated folder: paths must resolve from the repository root
    NotebookClient(
        nb, timeout=600, kernel_name="python3", allow_errors=False, resources={"metadata": {"path": str(tmp_path)}}
    ).execute(stderr=subprocess.DEVNULL)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code), f"{rel}: not every code cell ran"
    page = (ROOT / rel).stem
    figures = sorted((tmp_path / "_generated" / page).glob("*.svg"))
    if rel.startswith("notebooks/") or page == "method":  # pages that must draw figures
        assert len(figures) >= 1, f"{rel} drew no figure"
    for svg in figures:
        assert svg.with_suffix(".csv").exists(), f"{svg.name} has no data CSV"
        assert svg.stat().st_size <= MAX_BYTES, f"{svg.name} is {svg.stat().st_size} bytes"
