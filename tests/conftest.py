"""Shared fixtures: temporary copies of the project (whole, or with a small table of contents) and the built site."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from lcreview.build import copy_sources, tree_manifest

ROOT = Path(__file__).resolve().parent.parent
LONGEST = ["test_browser", "test_incremental", "test_site_figures", "test_reference", "test_scale", "test_hostile"]
FAST = {"test_validate.py", "test_core.py", "test_kvcache.py", "test_ci_files.py"}  # whole files in make test-fast


def pytest_collection_modifyitems(items):
    """Mark the quick tier (the files in FAST, besides tests marked fast one by one); put the longest files first.

    ``make test`` runs the suite on two pytest-xdist workers with ``--dist loadfile --no-loadscope-reorder``: a
    file's tests stay on one worker (its module fixtures are built once) and the workers take files in this order,
    so no long file is left to run alone at the end.
    """
    for item in items:
        if item.path.name in FAST:
            item.add_marker(pytest.mark.fast)
    items.sort(key=lambda item: LONGEST.index(item.path.stem) if item.path.stem in LONGEST else len(LONGEST))


def copy_project(dest: Path) -> Path:
    """A clean copy of the book's sources (no _build, no .venv)."""
    return copy_sources(ROOT, dest)


def small_toc(root: Path, chapters: list[str]) -> Path:
    """Cut a copy down to a short introduction, the given pages and the bibliography (mechanism tests stay fast)."""
    toc = {
        "format": "jb-book",
        "root": "book/intro",
        "chapters": [{"file": c} for c in chapters + ["book/bibliography"]],
    }
    (root / "_toc.yml").write_text(yaml.safe_dump(toc), encoding="utf-8")
    (root / "book" / "intro.md").write_text(
        "# A small copy of the review\n\nFor the build's tests.\n", encoding="utf-8"
    )
    return root


def build(root: Path, **kw) -> tuple[int, str]:
    """Run lcreview.build on a copy; return (exit code, everything it printed)."""
    from lcreview.build import build as run

    lines: list[str] = []
    code = run(root, out=lines.append, **kw)
    return code, "\n".join(lines)


def start_build(root: Path, *args: str) -> subprocess.Popen:
    """``python -m lcreview build`` on a copy, in its own process group (so a test can kill it whole)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env.pop("LCREVIEW_ROOT", None)
    return subprocess.Popen(
        [sys.executable, "-m", "lcreview", "build", "--root", str(root), *args],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def site_files(root: Path) -> dict[str, list]:
    """The built site's files with size and digest, to compare two builds.

    Left out: the notebooks' copies under ``_sources/`` (an execution's outputs hold object addresses) and Sphinx's
    ``?v=`` cache-busting suffixes (present or not depending on what the output folder held before).
    """
    html = root / "_build" / "html"
    files = {rel: v for rel, v in tree_manifest(html).items() if not rel.startswith("_sources/")}
    for rel in files:
        if rel.endswith(".html"):
            text = re.sub(r"\?v=[0-9a-f]{8}", "", (html / rel).read_text(encoding="utf-8"))
            files[rel] = hashlib.sha256(text.encode()).hexdigest()
    return files


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The whole book built once from a clean copy; returns its _build/html.

    Built once per run, whichever pytest-xdist worker asks first: the others wait for it (a lock in the run's
    shared temporary folder) and read the same site. LCREVIEW_TEST_SITE=path/to/_build/html reuses a site built
    already (for quick reruns of site tests).
    """
    if os.environ.get("LCREVIEW_TEST_SITE"):
        return Path(os.environ["LCREVIEW_TEST_SITE"]).resolve()
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each worker's own
    root = shared / "site" / "project"
    outcome = shared / "site" / "outcome.json"
    with open(shared / "site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not outcome.exists():
            code, log = build(copy_project(root))
            outcome.write_text(json.dumps({"code": code, "log": log}), encoding="utf-8")
    result = json.loads(outcome.read_text(encoding="utf-8"))
    assert result["code"] == 0, result["log"]
    return root / "_build" / "html"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Expose each phase's report to fixtures (screenshots on failure)."""
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)
