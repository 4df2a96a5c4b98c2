"""Never stale, and no more work than needed: rebuilds after data changes, in one temporary copy.

The tests run in order on the same copy: clean build, no-op, one value changed,
one file only some notebooks read, a new paper added as rows alone.
"""
from __future__ import annotations

import csv
import io
import json
import re

import pandas as pd
import pytest

from conftest import build, copy_project

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("incremental") / "project")
    code, log = build(root)
    assert code == 0, log
    return root


def executed(log: str) -> set[str]:
    return set(re.findall(r"^execute: (\S+)", log, re.M))


def generated_csvs(root, page):
    return {p.name: p.read_text() for p in (root / "_build" / "site-src" / "_generated" / page).glob("*.csv")}


def read(path):
    with open(path, newline="", encoding="utf-8") as fh:
        r = csv.DictReader(fh)
        return r.fieldnames, list(r)


def write(path, header, rows):
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def test_noop_build_executes_nothing(root):
    code, log = build(root)
    assert code == 0, log
    assert executed(log) == set()
    assert "up to date" in log


def test_changed_value_shows_in_figure_data(root):
    path = root / "data" / "claims.csv"
    header, rows = read(path)
    row = next(r for r in rows if r["quantity"] == "throughput gain" and r["value_text"] == "24.89x")
    row["value"], row["value_text"] = "31.57", "31.57x"
    row["quote"] = row["quote"].replace("24.89x", "31.57x")
    write(path, header, rows)
    code, log = build(root)
    assert code == 0, log
    assert "notebooks/inference.ipynb" in executed(log)
    values = set()
    for name in generated_csvs(root, "inference"):
        frame = pd.read_csv(root / "_build" / "site-src" / "_generated" / "inference" / name)
        if "id" in frame:
            hits = frame[frame["id"] == row["id"]]
            values |= {v for c in ("value", "factor") if c in hits for v in hits[c]}
    assert values == {31.57}, values          # the figure data holds the new value, not the old one
    html = (root / "_build" / "html" / "notebooks" / "inference.html").read_text()
    assert "31.57x" in html                    # figure, evidence table and glued prose were rebuilt
    assert ">24.89x<" not in html              # the old value is gone from the evidence table


def test_file_change_reexecutes_only_its_readers(root):
    state = json.loads((root / "_build" / "exec-state.json").read_text())
    readers = {nb for nb, entry in state.items() if "data/model_configs.csv" in entry["deps"]}
    assert "notebooks/inference.ipynb" in readers
    assert readers != set(state), "every notebook reads model_configs.csv: nothing to learn here"
    path = root / "data" / "model_configs.csv"
    header, rows = read(path)
    rows[0]["retrieved"] = "re-read by the staleness test"
    write(path, header, rows)
    code, log = build(root)
    assert code == 0, log
    assert executed(log) == readers


FIXTURE_PAPER = {
    "key": "fixture-paper-2026", "arxiv_id": "2611.99999", "title": "A Fixture Paper & *Not Emphasis*",
    "short": "FixturePaper", "date": "Nov 1", "published": "2026-11-01", "theme": "extension",
    "themes_secondary": "inference", "included": "true", "exclusion_reason": "", "n_authors": "1",
    "votes": "", "venue": "", "code_url": "", "summary": "A paper that exists only in the tests.",
}


def claim(n, **kw):
    base = {"id": f"fixture-paper-2026.{n}", "paper": "fixture-paper-2026", "value_high": "", "value_high_text": "",
            "k_base": "", "qualifier": "up to", "model": "Toy-1B", "hardware": "", "task": "", "baseline": "",
            "baseline_kind": "", "location": "abstract", "note": ""}
    base.update(kw)
    return base


def test_new_paper_as_rows_alone_appears_everywhere(root):
    header, rows = read(root / "data" / "papers.csv")
    write(root / "data" / "papers.csv", header, rows + [FIXTURE_PAPER])
    header, rows = read(root / "data" / "claims.csv")
    rows += [
        claim(1, quantity="context extension", value="4096", value_text="4K", value_high="3145728",
              value_high_text="3M", k_base="1024", qualifier="from-to", unit="tokens",
              quote="extends Toy-1B from 4K to 3M tokens"),
        claim(2, quantity="throughput gain", value="77.7", value_text="77.7x", unit="x",
              baseline="FlashAttention", baseline_kind="optimized-kernel", hardware="1xA100",
              quote="up to 77.7x higher throughput than FlashAttention"),
    ]
    write(root / "data" / "claims.csv", header, rows)
    bib = root / "references.bib"
    bib.write_text(bib.read_text() + "\n@article{fixture-paper-2026,\n  title = {A Fixture Paper},\n"
                   "  author = {Tester, Ada},\n  year = {2026},\n  journal = {arXiv preprint arXiv:2611.99999},\n"
                   "  url = {https://arxiv.org/abs/2611.99999}\n}\n")
    code, log = build(root)
    assert code == 0, log
    for page in ("landscape", "extension", "inference"):
        data = "\n".join(generated_csvs(root, page).values())
        assert "fixture-paper-2026" in data or "FixturePaper" in data, f"fixture paper missing from {page} figures"
    html = (root / "_build" / "html" / "notebooks" / "landscape.html").read_text()
    assert "A Fixture Paper &amp; *Not Emphasis*" in html or "FixturePaper" in html
    assert "<em>Not Emphasis</em>" not in html
