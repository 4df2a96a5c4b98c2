"""Never stale, never half-built, and no more work than needed: one small copy of the book, built clean once.

The tests run in order on the same copy (two chapters and their cross-references): no-op; builds killed at
several points (on copies) end equal to the clean build; two builds at once; a deleted output comes back; a
failing page leaves the site as it was; a chapter edit, a package module edit, a changed value, a file only
one chapter reads, and a new paper added as rows alone re-execute exactly the chapters they concern.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml
from conftest import build, copy_project, site_files, small_toc, start_build

from lcreview.build import toc_files
from lcreview.replicate import read_table as read
from lcreview.replicate import write_table as write

pytestmark = pytest.mark.build

CHAPTERS = ["notebooks/inference", "book/data", "book/cite"]
CLEAN = {}


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = small_toc(copy_project(tmp_path_factory.mktemp("incremental") / "project"), CHAPTERS)
    t0 = time.perf_counter()
    code, log = build(root)
    assert code == 0, log
    CLEAN.update(seconds=time.perf_counter() - t0, site=site_files(root))
    return root


def source(root, name):
    """The file behind a table-of-contents entry (.md or .ipynb)."""
    return next(f for f in toc_files(root) if f.startswith(name + "."))


def executed(log: str) -> set[str]:
    return set(re.findall(r"^execute: (\S+)", log, re.M))


def generated_csvs(root, page):
    return {p.name: p.read_text() for p in (root / "_build" / "site-src" / "_generated" / page).glob("*.csv")}


def test_noop_build_executes_nothing_and_is_quick(root):
    t0 = time.perf_counter()
    code, log = build(root)
    assert code == 0, log
    assert executed(log) == set()
    assert "up to date" in log
    assert time.perf_counter() - t0 < CLEAN["seconds"] / 10, "a no-op build takes over a tenth of a clean build"


def kill_when(proc, marker: str, delay: float) -> str:
    """Read a build's output until a line starts with marker, wait delay seconds, SIGKILL its process group."""
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if line.startswith(marker):
            time.sleep(delay)
            break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert any(s.startswith(marker) for s in seen), "".join(seen)
    return "".join(seen)


@pytest.mark.parametrize(
    "marker, delay", [("execute:", 2.0), ("sphinx:", 3.0)], ids=["during-execution", "during-sphinx"]
)
def test_killed_build_then_rerun_equals_clean_build(root, tmp_path, marker, delay):
    copy = tmp_path / "project"
    shutil.copytree(root, copy, symlinks=True)
    kill_when(start_build(copy, "--force"), marker, delay)
    assert site_files(copy) == CLEAN["site"], "the site on disk changed while a build was killed"
    code, log = build(copy)
    assert code == 0, log
    if marker == "execute:":
        assert source(root, "notebooks/inference") in executed(log), log  # its state was dropped before it ran
    assert site_files(copy) == CLEAN["site"]
    code, log = build(copy)
    assert "up to date" in log, log


def test_two_builds_at_once_end_with_one_complete_site(root):
    cite = root / "book" / "cite.md"
    cite.write_text(cite.read_text() + "\nA sentence the concurrent builds add.\n")
    procs = [start_build(root) for _ in range(2)]
    logs = [p.communicate()[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], logs
    assert sum("waiting for it to finish" in log for log in logs) == 1, logs
    assert "A sentence the concurrent builds add." in (root / "_build" / "html" / "book" / "cite.html").read_text()
    code, log = build(root)
    assert "up to date" in log, log


def test_deleted_output_comes_back(root):
    html = root / "_build" / "html"
    before = site_files(root)
    image = next(p for p in sorted((html / "_images").iterdir()) if p.is_file())
    image.unlink()
    (html / "book" / "cite.html").unlink()
    code, log = build(root)
    assert code == 0, log
    assert "up to date" not in log
    assert site_files(root) == before


def test_failing_page_leaves_the_site_unchanged(root):
    before = site_files(root)
    intro = root / "book" / "intro.md"
    text = intro.read_text()
    intro.write_text(text + "\nA link to [nowhere](missing-page.md).\n")
    code, log = build(root)
    assert code != 0 and "missing-page" in log, log
    assert site_files(root) == before
    code, log = build(root)
    assert code != 0 and "missing-page" in log, "a second build hid the failure: " + log
    intro.write_text(text)
    code, log = build(root)
    assert code == 0 and "up to date" in log, log


def add_paragraph(path, text):
    """Append a paragraph to a chapter, stored as MyST Markdown or as .ipynb."""
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        nb.cells.append(nbformat.v4.new_markdown_cell(text))
        nbformat.write(nb, path)
    else:
        path.write_text(path.read_text() + "\n" + text + "\n")


def test_chapter_edit_reexecutes_it_alone(root):
    add_paragraph(root / source(root, "book/data"), "A paragraph only this chapter gained.")
    code, log = build(root)
    assert code == 0, log
    assert executed(log) == {source(root, "book/data")}
    assert "A paragraph only this chapter gained." in (root / "_build" / "html" / "book" / "data.html").read_text()


def test_module_edit_reexecutes_only_its_importers(root):
    state = json.loads((root / "_build" / "exec-state.json").read_text())
    inference, data = source(root, "notebooks/inference"), source(root, "book/data")
    only = sorted(f for f in state[inference]["deps"] if f.startswith("lcreview/") and f not in state[data]["deps"])
    assert only, "the inference chapter imports no module the data page does not: nothing to learn here"
    module = root / only[0]
    module.write_text(module.read_text() + "\n# touched by the test\n")
    code, log = build(root)
    assert code == 0, log
    assert executed(log) == {inference}


def test_changed_value_shows_in_figure_data(root):
    path = root / "data" / "claims.csv"
    header, rows = read(path)
    row = next(r for r in rows if r["quantity"] == "throughput gain" and r["value_text"] == "24.89x")
    row["value"], row["value_text"] = "31.57", "31.57x"
    row["quote"] = row["quote"].replace("24.89x", "31.57x")
    write(path, header, rows)
    code, log = build(root)
    assert code == 0, log
    assert source(root, "notebooks/inference") in executed(log)
    values = set()
    for name in generated_csvs(root, "inference"):
        frame = pd.read_csv(root / "_build" / "site-src" / "_generated" / "inference" / name)
        if "id" in frame:
            hits = frame[frame["id"] == row["id"]]
            values |= {v for c in ("value", "factor") if c in hits for v in hits[c]}
    assert values == {31.57}, values  # the figure data holds the new value, not the old one
    html = (root / "_build" / "html" / "notebooks" / "inference.html").read_text()
    assert "31.57x" in html  # figure, evidence table and glued prose were rebuilt
    assert ">24.89x<" not in html  # the old value is gone from the evidence table


PROBE = """---
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A probe chapter that reads papers.csv only

```{code-cell} ipython3
import lcreview

len(lcreview.papers())
```
"""


def test_file_change_reexecutes_only_its_readers(root, tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(root, copy, symlinks=True)
    (copy / "book" / "probe.md").write_text(PROBE, encoding="utf-8")  # a chapter that does not read the file
    toc = yaml.safe_load((copy / "_toc.yml").read_text(encoding="utf-8"))
    toc["chapters"].insert(0, {"file": "book/probe"})
    (copy / "_toc.yml").write_text(yaml.safe_dump(toc), encoding="utf-8")
    code, log = build(copy)
    assert code == 0, log
    state = json.loads((copy / "_build" / "exec-state.json").read_text())
    readers = {nb for nb, entry in state.items() if "data/model_configs.csv" in entry["deps"]}
    assert source(copy, "notebooks/inference") in readers and "book/probe.md" not in readers
    path = copy / "data" / "model_configs.csv"
    header, rows = read(path)
    rows[0]["retrieved"] = "re-read by the staleness test"
    write(path, header, rows)
    code, log = build(copy)
    assert code == 0, log
    assert executed(log) == readers


FIXTURE_PAPER = {
    "key": "fixture-paper-2026",
    "arxiv_id": "2611.99999",
    "title": "A Fixture Paper & *Not Emphasis*",
    "short": "FixturePaper",
    "date": "Nov 1",
    "published": "2026-11-01",
    "theme": "inference",
    "themes_secondary": "extension",
    "included": "true",
    "exclusion_reason": "",
    "n_authors": "1",
    "votes": "",
    "venue": "",
    "code_url": "",
    "summary": "A paper that exists only in the tests.",
}


def claim(n, **kw):
    base = {
        "id": f"fixture-paper-2026.{n}",
        "paper": "fixture-paper-2026",
        "value_high": "",
        "value_high_text": "",
        "k_base": "",
        "qualifier": "up to",
        "model": "Toy-1B",
        "hardware": "",
        "task": "",
        "baseline": "",
        "baseline_kind": "",
        "location": "abstract",
        "note": "",
    }
    base.update(kw)
    return base


def test_new_paper_as_rows_alone_appears_everywhere(root):
    header, rows = read(root / "data" / "papers.csv")
    write(root / "data" / "papers.csv", header, rows + [FIXTURE_PAPER])
    n_papers = len(rows) + 1
    header, rows = read(root / "data" / "claims.csv")
    rows += [
        claim(
            1,
            quantity="throughput gain",
            value="77.7",
            value_text="77.7x",
            unit="x",
            baseline="FlashAttention",
            baseline_kind="optimized-kernel",
            hardware="1xA100",
            quote="up to 77.7x higher throughput than FlashAttention",
        )
    ]
    write(root / "data" / "claims.csv", header, [{k: r.get(k, "") for k in header} for r in rows])
    bib = root / "references.bib"
    bib.write_text(
        bib.read_text() + "\n@article{fixture-paper-2026,\n  title = {A Fixture Paper},\n"
        "  author = {Tester, Ada},\n  year = {2026},\n  journal = {arXiv preprint arXiv:2611.99999},\n"
        "  url = {https://arxiv.org/abs/2611.99999}\n}\n"
    )
    code, log = build(root)
    assert code == 0, log
    assert executed(log) == {source(root, "notebooks/inference"), source(root, "book/data")}
    data = "\n".join(generated_csvs(root, "inference").values())
    assert "fixture-paper-2026" in data or "FixturePaper" in data, "fixture paper missing from the inference figures"
    assert f">{n_papers}<" in (root / "_build" / "html" / "book" / "data.html").read_text()


def chmod_folders(top: Path, mode: int) -> None:
    for folder in [top, *(p for p in top.rglob("*") if p.is_dir())]:
        folder.chmod(mode)


@contextlib.contextmanager
def traversable_by_others(path: Path):
    """Let another user reach ``path`` (the checkout's .venv) for a while: add o+x to each folder above it
    that lacks it (a checkout made with mktemp -d is 0700), and take it away again afterwards."""
    changed = []
    for folder in [path, *path.parents]:
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            folder.chmod(mode | stat.S_IXOTH)
            changed.append((folder, mode))
    try:
        yield
    finally:
        for folder, mode in changed:
            folder.chmod(mode)


def test_unwritable_build_folder_gives_one_line(root):
    """A read-only _build (as another user where the tests run as root, since root writes anywhere)."""
    with tempfile.TemporaryDirectory(dir="/tmp") as scratch, traversable_by_others(Path(sys.prefix)):
        copy = Path(scratch) / "project"
        shutil.copytree(root, copy, symlinks=True)
        os.chmod(scratch, 0o755)
        chmod_folders(copy / "_build", 0o555)
        as_other = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
        home = Path(scratch) / "home"  # that user's own settings (matplotlib's) stay writable
        home.mkdir()
        home.chmod(0o777)
        env = {k: v for k, v in os.environ.items() if k != "LCREVIEW_ROOT"} | {
            "HOME": str(home),
            "MPLCONFIGDIR": str(home),
        }
        proc = subprocess.run(
            [*as_other, sys.executable, "-m", "lcreview", "build", "--root", str(copy)],
            capture_output=True,
            text=True,
            cwd=scratch,
            env=env,
        )
        chmod_folders(copy / "_build", 0o755)
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    assert proc.returncode == 1, lines
    assert len(lines) == 1 and lines[0].startswith("book: not built: cannot write ") and "Traceback" not in lines[0], (
        lines
    )
