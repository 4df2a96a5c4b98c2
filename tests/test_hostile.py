"""Hostile data never reaches a page or a download, and bad input never crashes ``make check``.

One small book (the landscape chapter, which shows the papers table, and the data page) is built once from
a copy whose papers carry every hostile cell at the same time; the data check is skipped for that build, as
if a contributor had bypassed it. The other tests are quick and build nothing.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, build, copy_project, small_toc
from test_validate import rows, write

SECRET = "LCREVIEW-SECRET-7f3a9c"  # in a file of the book's sources, which the include directive tries to publish
HOSTILE = {
    "include": "Quiet start.\n\n```{include} ../book/secret.txt\n```\n\nQuiet end.",
    "image": "An outside image:\n\n![x](https://example.org/x.png)\n\nin a summary.",
    "heading": "Before.\n\n# Injected heading\n\nAfter.",
    "formula": '=HYPERLINK("https://example.org/x","click")',
}


def plant(root: Path) -> None:
    """Put each hostile summary on an included paper, and a negative number as a venue (legitimate text)."""
    header, data = rows(root / "data" / "papers.csv")
    included = [r for r in data if r["included"] == "true"]
    for row, text in zip(included, HOSTILE.values()):
        row["summary"] = text
    included[len(HOSTILE)]["venue"] = "-3.2"
    write(root / "data" / "papers.csv", header, data)
    (root / "book" / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    small_toc(root, ["book/method", "notebooks/landscape", "book/data", "book/cite"])
    # the chapter links the method page, whose code maps every chapter of the whole book: a plain page here
    (root / "book" / "method.md").write_text("# Method\n\nA stand-in for the small copy.\n", encoding="utf-8")
    plant(root)
    code, log = build(root, check=False)
    assert code == 0, log
    return root / "_build" / "html"


def built(site: Path, suffix: str) -> dict[str, str]:
    return {
        str(p.relative_to(site)): p.read_text(encoding="utf-8", errors="replace")
        for p in site.rglob(f"*{suffix}")
        if "_static" not in p.parts
    }


def csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


@pytest.mark.build
def test_hostile_cells_are_shown_as_text_on_the_page(hostile_site):
    pages = built(hostile_site, ".html")
    landscape = pages["notebooks/landscape.html"]
    everything = "\n".join(pages.values())
    assert SECRET not in everything, "an {include} in a data cell published a file"
    assert 'src="https://example.org' not in everything and "example.org/x.png" in landscape
    assert "Injected heading</h" not in everything and 'id="injected-heading"' not in everything
    for shown in ("{include} ../book/secret.txt", "# Injected heading", "![x](https://example.org/x.png)"):
        assert shown in landscape, f"{shown!r} is not shown as text"


@pytest.mark.build
def test_downloads_neutralise_formulas(hostile_site):
    downloads = {
        rel: csv_cells(text)
        for rel, text in built(hostile_site, ".csv").items()
        if not rel.startswith("_downloads") or "included-papers" in rel
    }
    table = next(cells for rel, cells in downloads.items() if rel.endswith("included-papers.csv"))
    assert "'" + HOSTILE["formula"] in table and "-3.2" in table
    for rel, cells in downloads.items():
        assert not [c for c in cells if c.startswith(("=", "@", "\t", "\r"))], rel


@pytest.mark.build
def test_data_page_copies_neutralise_formulas(hostile_site):
    offered = [csv_cells(text) for rel, text in built(hostile_site, ".csv").items() if rel.endswith("/papers.csv")]
    assert offered and not [c for cells in offered for c in cells if c.startswith("=")]


def test_evidence_and_tables_keep_hostile_cells_on_one_line():
    from lcreview import figures

    quote = HOSTILE["include"]
    claims = pd.DataFrame(
        [
            {
                "short": "X",
                "url": "javascript:alert(1)",
                "quantity": "score",
                "value_text": "1",
                "unit": "%",
                "baseline": "",
                "location": "abstract",
                "quote": quote,
                "model": "m\n\n# h",
            }
        ]
    )
    for html in (figures.evidence_html(claims, "Evidence"),):
        assert "\n" not in html and "javascript:" not in html
        assert "Quiet start. ```{include} ../book/secret.txt ``` Quiet end." in html
    assert "\n" not in figures.md_escape(quote) and "\\`\\`\\`\\{include\\}" in figures.md_escape(quote)


def test_csv_download_neutralises_text_cells_only(tmp_path, monkeypatch):
    monkeypatch.setenv("LCREVIEW_SITE_SRC", str(tmp_path))
    from lcreview import figures

    frame = pd.DataFrame(
        {
            "text": [HOSTILE["formula"], "-3.2", "@SUM(A1)", "\tx", "+cmd", "plain"],
            "value": [-3.2, 1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )
    figures.Page("hostile")._download("t", frame, "label")
    out = pd.read_csv(tmp_path / "_generated" / "hostile" / "t.csv", dtype=str, keep_default_na=False)
    assert list(out["text"]) == ["'" + HOSTILE["formula"], "-3.2", "'@SUM(A1)", "'\tx", "'+cmd", "plain"]
    assert list(out["value"]) == ["-3.2", "1.0", "2.0", "3.0", "4.0", "5.0"]


def edit(root: Path, table: str, **changes) -> None:
    header, data = rows(root / "data" / f"{table}.csv")
    data[0].update(changes)
    write(root / "data" / f"{table}.csv", header, data)


def header_only(root: Path, table: str) -> None:
    path = root / "data" / f"{table}.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")


def break_utf8(path: Path) -> None:
    """An invalid byte at the start of line 2."""
    data = path.read_bytes()
    cut = data.index(b"\n") + 1
    path.write_bytes(data[:cut] + b"\xff" + data[cut:])


BAD = {
    # case: (change the copy, first line expected)
    "kv_heads=0": (lambda r: edit(r, "model_configs", kv_heads="0"), "data/model_configs.csv:2: column kv_heads: "),
    "bib not UTF-8": (
        lambda r: (r / "references.bib").write_bytes(
            b"@misc{x-2024,\n  title = {\xff}\n}\n" + (r / "references.bib").read_bytes()
        ),
        "references.bib:2: not valid UTF-8",
    ),
    "title not UTF-8": (lambda r: break_utf8(r / "data" / "papers.csv"), "data/papers.csv:2: not valid UTF-8"),
    "header-only claims": (lambda r: header_only(r, "claims"), "data/claims.csv:2: the table has no rows"),
    "header-only papers": (lambda r: header_only(r, "papers"), "data/papers.csv:2: the table has no rows"),
    "blank-line directive": (
        lambda r: edit(r, "papers", summary=HOSTILE["include"]),
        "data/papers.csv:2: column summary: line break in a cell",
    ),
    "formula": (
        lambda r: edit(r, "papers", summary=HOSTILE["formula"]),
        "data/papers.csv:2: column summary: starts with '='",
    ),
    "unknown claim in a chapter": (
        lambda r: (r / "book" / "zz.md").write_text('said("nobody-2024.3")\n', encoding="utf-8"),
        "book/zz.md:1: claim 'nobody-2024.3' is not in data/claims.csv",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_make_check_names_the_cause_first_without_traceback(tmp_path, case):
    root = copy_project(tmp_path / "project")
    change, first = BAD[case]
    change(root)
    out = subprocess.run(
        [sys.executable, "-m", "lcreview", "check", "--root", str(root)], cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 1 and "Traceback" not in out.stdout + out.stderr, out.stderr
    assert out.stdout.splitlines()[0].startswith(first), out.stdout[:1000]
    if "not UTF-8" in case or "header-only" in case:
        assert len(out.stdout.splitlines()) == 1, out.stdout[:1000]


def test_check_stays_fast_at_ten_times_the_rows(tmp_path):
    from lcreview.replicate import replicate

    project = copy_project(tmp_path / "project")
    replicate(project, 10)
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "lcreview", "check", "--root", str(project)], cwd=ROOT, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    assert out.returncode == 0, out.stdout[-2000:]
    assert elapsed < 10, f"make check took {elapsed:.1f}s at ten times the rows"
