"""The data against the corpus listing the review is built on, with the listing or without it.

Where the listing is at hand (beside the checkout, ../shared/seed/..., or named by LCREVIEW_LISTING), every title,
quote from an abstract or title, benchmark quote and summary is checked against it, and the committed record of
those checks (data/listing-record.json) must be the one the listing gives today. Where it is absent (a CI runner),
every such cell must still be the one that was checked: an edit after the check is named by file, line and column.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from lcreview import provenance
from lcreview.replicate import read_table, write_table

LISTING = Path(os.environ.get("LCREVIEW_LISTING", ROOT.parent / "shared" / "seed" / "000_d698e663c0964d8a.txt"))
needs_listing = pytest.mark.skipif(
    not LISTING.exists(), reason=f"the corpus listing is not beside this checkout ({LISTING}); set LCREVIEW_LISTING"
)

pytestmark = pytest.mark.fast


def test_every_checked_cell_is_as_it_was_checked():
    assert provenance.check(ROOT) == []


@pytest.fixture
def data_copy(tmp_path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path


def test_a_quote_edited_after_the_check_is_named(data_copy):
    header, rows = read_table(data_copy / provenance.CLAIMS)
    n = next(i for i, r in enumerate(rows) if r["location"].startswith("abstract"))
    rows[n]["quote"] += " (edited)"
    write_table(data_copy / provenance.CLAIMS, header, rows)
    problems = [str(p) for p in provenance.check(data_copy)]
    assert len(problems) == 1 and problems[0].startswith(f"{provenance.CLAIMS}:{n + 2}: column quote: {rows[n]['id']}:")


def test_a_new_paper_must_be_checked(data_copy):
    header, rows = read_table(data_copy / provenance.PAPERS)
    rows.append({**rows[0], "key": "new-paper-2026", "arxiv_id": "2601.00001", "title": "A New Paper"})
    write_table(data_copy / provenance.PAPERS, header, rows)
    problems = {(p.line, p.column) for p in provenance.check(data_copy)}
    assert problems == {(len(rows) + 1, "title"), (len(rows) + 1, "summary")}


def test_a_broken_record_is_one_line(data_copy):
    (data_copy / provenance.RECORD).write_text("{not json", encoding="utf-8")
    (problem,) = provenance.check(data_copy)
    assert problem.file == provenance.RECORD and "cannot be read" in problem.message


@needs_listing
def test_the_data_passes_every_check_against_the_listing():
    assert [str(p) for p in provenance.verify(LISTING, ROOT)] == []


@needs_listing
def test_the_record_is_what_the_listing_gives_today():
    committed = json.loads((ROOT / provenance.RECORD).read_text(encoding="utf-8"))
    assert committed == provenance.record(LISTING, ROOT), "rerun: make coverage LISTING=FILE RECORD=1"


@needs_listing
def test_verify_names_a_copied_summary_and_a_quote_not_in_the_abstract(data_copy):
    header, papers = read_table(data_copy / provenance.PAPERS)
    from lcreview import listing

    entries, _ = listing.read(LISTING)
    abstract = {listing.norm_title(e.title): e.abstract for e in entries}
    papers[0]["summary"] = " ".join(abstract[listing.norm_title(papers[0]["title"])].split()[:8])
    write_table(data_copy / provenance.PAPERS, header, papers)
    found = {(p.file, p.line, p.column) for p in provenance.verify(LISTING, data_copy)}
    assert (provenance.PAPERS, 2, "summary") in found
