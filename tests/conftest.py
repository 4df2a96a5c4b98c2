"""Shared fixtures: temporary copies of the project and the built site."""
from __future__ import annotations

from pathlib import Path

import pytest

from lcreview.build import copy_sources

ROOT = Path(__file__).resolve().parent.parent


def copy_project(dest: Path) -> Path:
    """A clean copy of the book's sources (no _build, no .venv)."""
    return copy_sources(ROOT, dest)


def build(root: Path, **kw) -> tuple[int, str]:
    """Run lcreview.build on a copy; return (exit code, everything it printed)."""
    from lcreview.build import build as run
    lines: list[str] = []
    code = run(root, out=lines.append, **kw)
    return code, "\n".join(lines)


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The whole book built once from a clean copy; returns its _build/html."""
    root = copy_project(tmp_path_factory.mktemp("site") / "project")
    code, log = build(root)
    assert code == 0, log
    return root / "_build" / "html"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Expose each phase's report to fixtures (screenshots on failure)."""
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)
