"""Every quote from an abstract or title is verbatim in the listing the review is built on.

The listing is the corpus file shipped beside the project (../shared/seed/...);
set LCREVIEW_LISTING to point elsewhere.
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest
from conftest import ROOT

LISTING = Path(os.environ.get("LCREVIEW_LISTING", ROOT.parent / "shared" / "seed" / "000_d698e663c0964d8a.txt"))


def listing() -> dict[str, str]:
    """title -> abstract, parsed from the listing (a title line, a blank line, the abstract)."""
    lines = LISTING.read_text(encoding="utf-8").split("\n")
    out = {}
    for i, line in enumerate(lines[:-2]):
        if line.strip() and len(line) < 250 and len(lines[i + 2]) > 300 and not lines[i + 1].strip():
            out[line.strip()] = lines[i + 2]
    return out


@pytest.fixture(scope="module")
def corpus():
    if not LISTING.exists():
        pytest.skip(f"the corpus listing is not beside this checkout ({LISTING}); set LCREVIEW_LISTING")
    return listing()


def test_every_paper_is_in_the_listing_and_back(corpus):
    with open(ROOT / "data" / "papers.csv", encoding="utf-8") as fh:
        titles = {r["title"] for r in csv.DictReader(fh)}
    assert titles == set(corpus), titles ^ set(corpus)


def test_abstract_and_title_quotes_are_verbatim(corpus):
    with open(ROOT / "data" / "papers.csv", encoding="utf-8") as fh:
        title = {r["key"]: r["title"] for r in csv.DictReader(fh)}
    bad = []
    with open(ROOT / "data" / "claims.csv", encoding="utf-8") as fh:
        for line, r in enumerate(csv.DictReader(fh), start=2):
            where = r["location"].split(",")[0]
            if where == "abstract" and r["quote"] not in corpus[title[r["paper"]]]:
                bad.append(f"data/claims.csv:{line}: quote not in the abstract of {r['paper']}: {r['quote']!r}")
            if where == "title" and r["quote"] not in title[r["paper"]]:
                bad.append(f"data/claims.csv:{line}: quote not in the title of {r['paper']}: {r['quote']!r}")
    assert not bad, "\n".join(bad)


def test_summaries_are_our_own_words(corpus):
    """No summary repeats six or more consecutive words of its abstract."""
    with open(ROOT / "data" / "papers.csv", encoding="utf-8") as fh:
        papers = list(csv.DictReader(fh))
    copied = []
    for p in papers:
        words = re.findall(r"\w+", p["summary"].lower())
        abstract = " ".join(re.findall(r"\w+", corpus[p["title"]].lower()))
        for i in range(len(words) - 5):
            if " ".join(words[i : i + 6]) in abstract:
                copied.append(f"{p['key']}: '{' '.join(words[i : i + 6])}'")
                break
    assert not copied, "\n".join(copied)


def test_benchmark_quotes_are_verbatim(corpus):
    with open(ROOT / "data" / "papers.csv", encoding="utf-8") as fh:
        title = {r["key"]: r["title"] for r in csv.DictReader(fh)}
    with open(ROOT / "data" / "benchmarks.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["location"] == "abstract":
                assert r["quote"] in corpus[title[r["paper"]]], r["paper"]
