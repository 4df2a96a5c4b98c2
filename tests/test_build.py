"""The strict build: bad citations, failing cells and warnings stop it, naming the culprit; what a chapter imports."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, build, small_toc


def test_small_book_builds_a_markdown_notebook(project):
    small_toc(project, ["book/data", "book/cite"])
    code, log = build(project)
    assert code == 0, log
    assert "execute: book/data.md" in log
    site = project / "_build" / "site-src"
    assert (site / "book" / "data.ipynb").exists() and not (site / "book" / "data.md").exists()
    assert list((site / "_generated" / "data").glob("*.csv")), "the notebook wrote no table"
    assert "Data dictionary" in (project / "_build" / "html" / "book" / "data.html").read_text()


def build_with_intro_line(project, line):
    """Append one line of MyST to the introduction and build the small book."""
    small_toc(project, [])
    intro = project / "book" / "intro.md"
    intro.write_text(intro.read_text() + "\n" + line + "\n")
    return build(project)


def test_broken_citation_fails_with_key(project):
    code, log = build_with_intro_line(project, "See {cite:p}`no-such-paper-2099`.")
    assert code != 0
    assert "no-such-paper-2099" in log


def test_raising_cell_fails_with_exception(project):
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Boom"),
            nbformat.v4.new_code_cell("raise ZeroDivisionError('boom-marker-17')"),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, project / "notebooks" / "boom.ipynb")
    small_toc(project, ["notebooks/boom"])
    code, log = build(project)
    assert code != 0
    assert "notebooks/boom.ipynb: cell 2 raised ZeroDivisionError: boom-marker-17" in log


def test_sphinx_warning_fails(project):
    code, log = build_with_intro_line(project, "A link to [nowhere](missing-page.md).")
    assert code != 0
    assert "missing-page" in log


def test_bad_data_stops_before_any_notebook(project):
    claims = project / "data" / "claims.csv"
    lines = claims.read_text().splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    cells = next(csv.reader([lines[1]]))
    cells[header.index("value")] = "not-a-number"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    lines[1] = buf.getvalue()
    claims.write_text("".join(lines))
    code, log = build(project)
    assert code != 0
    assert "data/claims.csv:2: column value:" in log
    assert "execute:" not in log


@pytest.mark.build
def test_plain_jupyter_book_build_works(project):
    """The root _config.yml alone (execute_notebooks: force) builds strictly, executing through myst-nb.

    A small table of contents (a chapter and a Markdown notebook): the configuration is what is tested here; the
    book's own build (the ``site`` fixture) executes every notebook.
    """
    small_toc(project, ["notebooks/training", "book/data", "book/cite"])
    env = dict(os.environ, LCREVIEW_ROOT=str(project), PYTHONPATH=str(project))
    env.pop("LCREVIEW_SITE_SRC", None)
    jb = Path(sys.executable).parent / "jupyter-book"
    proc = subprocess.run(
        [str(jb), "build", str(project), "-W", "-n", "--keep-going"],
        capture_output=True,
        text=True,
        env=env,
        cwd=project,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    html = project / "_build" / "html"
    assert (html / "notebooks" / "training.html").exists()
    assert list((html / "_images").glob("*.png")) or list((html / "_images").glob("*.svg")), (
        "no figure reached the site"
    )
    assert "Data dictionary" in (html / "book" / "data.html").read_text()  # a MyST Markdown notebook, executed


def fake_package(root, modules):
    """A package lcreview/ under root with the given module sources."""
    (root / "lcreview").mkdir(parents=True)
    for name, src in modules.items():
        (root / "lcreview" / f"{name}.py").write_text(src)
    return root


def deps(root, *cells):
    from lcreview.build import code_deps

    return {k for k, v in code_deps(root, list(cells)).items() if v}


@pytest.mark.fast
def test_code_deps_follow_imports_inside_the_package(tmp_path):
    root = fake_package(
        tmp_path,
        {
            "__init__": "from lcreview import base\n",
            "base": "",
            "kv": "import math\n",
            "chart": "def draw():\n    from .kv import size\n",
            "lone": "",
        },
    )
    everything = {f"lcreview/{n}.py" for n in ("__init__", "base", "kv", "chart", "lone")}
    init = {"lcreview/__init__.py", "lcreview/base.py"}
    assert deps(root, "import math") == set()
    assert deps(root, "import lcreview as lcr") == init
    assert deps(root, "%matplotlib inline\nfrom lcreview.chart import draw") == init | {
        "lcreview/chart.py",
        "lcreview/kv.py",
    }
    assert deps(root, "x = 1", "from lcreview import lone, nothing") == init | {"lcreview/lone.py"}
    assert deps(root, "this is not python (") == everything  # unsure: the whole package


@pytest.mark.fast
def test_code_deps_record_a_module_that_may_appear(tmp_path):
    from lcreview.build import code_deps

    root = fake_package(tmp_path, {"__init__": "name = 1\n"})
    assert code_deps(root, ["from lcreview import name"])["lcreview/name.py"] is None


@pytest.mark.fast
def test_the_package_names_loaded_on_first_use_are_dependencies():
    """``import lcreview as lcr; lcr.Page(...)`` loads lcreview.figures lazily; the build still tracks it."""
    import lcreview

    found = deps(ROOT, "import lcreview as lcr\npage = lcr.Page('x')")
    modules = [m for m, _ in lcreview._NAMES.values()] + [f"lcreview.{m}" for m in lcreview._MODULES]
    assert {name for name in lcreview.__all__} == set(lcreview._NAMES) | set(lcreview._MODULES)
    for module in modules:
        assert module.replace(".", "/") + ".py" in found, (module, sorted(found))
