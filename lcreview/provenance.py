"""What was checked against the corpus listing, kept as digests so the check travels without the listing.

``make coverage LISTING=FILE`` audits the data against a listing (``lcreview.coverage``); with ``RECORD=1`` it also
runs the checks below and, when everything passes, writes ``data/listing-record.json``: the listing's digest and one
SHA-256 digest per cell verified against it (titles, quotes from an abstract or a title, coverage-exclusion spans,
benchmark quotes, summaries checked to share no six-word run with their abstract). No text of the listing is kept.
Where the listing is absent (a CI runner), ``check`` compares every such cell with its digest, so a title, quote or
summary edited after the check is named by file, line and column.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from lcreview import listing, paths
from lcreview.coverage import CLAIMS, EXCLUSIONS, PAPERS, DataError, audit, data_rows
from lcreview.validate import Problem

RECORD = "data/listing-record.json"
BENCHMARKS = "data/benchmarks.csv"
OWN_WORDS = 6  # a summary may not repeat this many consecutive words of its abstract


def cells(root: Path) -> list[tuple[str, int, str, str, str]]:
    """Every cell a listing vouches for: (file, line, column, row key, text)."""
    out = []
    for line, r in data_rows(root, PAPERS):
        out.append((PAPERS, line, "title", r["key"], r["title"]))
        if r.get("included") != "false":
            out.append((PAPERS, line, "summary", r["key"], r["summary"]))
    for line, r in data_rows(root, CLAIMS):
        if r.get("location", "").split(",")[0] in ("abstract", "title"):
            out.append((CLAIMS, line, "quote", r["id"], r["quote"]))
    for line, r in data_rows(root, EXCLUSIONS, required=False):
        out.append((EXCLUSIONS, line, "span", f"{r['paper']} {r['number']} {r['span']}", r["span"]))  # not unique
    for line, r in data_rows(root, BENCHMARKS, required=False):
        if r.get("location") == "abstract":
            out.append((BENCHMARKS, line, "quote", r["paper"], r["quote"]))
    return out


def digest(file: str, key: str, column: str, text: str) -> str:
    return hashlib.sha256("\x1f".join((file, key, column, text)).encode("utf-8")).hexdigest()[:20]


def _copied(summary: str, abstract: str) -> str:
    """The first run of OWN_WORDS words the summary shares with the abstract, or ''."""
    words = re.findall(r"\w+", summary.lower())
    text = " " + " ".join(re.findall(r"\w+", abstract.lower())) + " "
    for i in range(len(words) - OWN_WORDS + 1):
        run = " ".join(words[i : i + OWN_WORDS])
        if f" {run} " in text:
            return run
    return ""


def verify(listing_path: Path | str, root: Path | str | None = None) -> list[Problem]:
    """The coverage audit plus what it leaves out: title quotes, benchmark quotes, summaries in our own words."""
    root = Path(root or paths.ROOT)
    problems, _ = audit(listing_path, root)
    entries, _ = listing.read(listing_path)
    by_title = {listing.norm_title(p.title): p for p in entries}
    try:
        papers = {r["key"]: r for _, r in data_rows(root, PAPERS)}
        rows = cells(root)
    except DataError as exc:
        return problems + [exc.problem]
    for file, line, column, key, text in rows:
        paper = papers.get(key.split(".")[0] if file == CLAIMS else key)
        entry = paper and by_title.get(listing.norm_title(paper["title"]))
        if entry is None:
            continue  # the audit names a paper missing from the listing
        if file == CLAIMS and text not in entry.title and text not in entry.abstract:
            problems.append(Problem(file, line, column, f"not verbatim in the title or abstract of {key}: {text!r}"))
        if file == BENCHMARKS and text not in entry.abstract:
            problems.append(Problem(file, line, column, f"not verbatim in the abstract of {key}: {text!r}"))
        if file == PAPERS and column == "summary" and (run := _copied(text, entry.abstract)):
            problems.append(Problem(file, line, column, f"repeats the abstract's words {run!r}; write it anew"))
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.column, p.message))


def record(listing_path: Path | str, root: Path | str | None = None) -> dict:
    """The record of a listing's checks (call after ``verify`` found nothing)."""
    root = Path(root or paths.ROOT)
    return {
        "about": "SHA-256 digests of the cells checked against the corpus listing (lcreview.provenance)",
        "listing": {
            "file": Path(listing_path).name,
            "sha256": hashlib.sha256(Path(listing_path).read_bytes()).hexdigest(),
        },
        "cells": {f"{f} {k} {c}": digest(f, k, c, t) for f, _, c, k, t in cells(root)},
    }


def write(listing_path: Path | str, root: Path | str | None = None) -> Path:
    root = Path(root or paths.ROOT)
    dest = root / RECORD
    dest.write_text(json.dumps(record(listing_path, root), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return dest


def check(root: Path | str | None = None) -> list[Problem]:
    """Cells changed or added since the record was written (no listing needed)."""
    root = Path(root or paths.ROOT)
    path = root / RECORD
    if not path.is_file():
        return [Problem(RECORD, 0, "", "missing; write it with: make coverage LISTING=FILE RECORD=1")]
    try:
        seen = json.loads(path.read_text(encoding="utf-8"))["cells"]
        rows = cells(root)
    except (ValueError, KeyError, TypeError) as exc:
        return [
            Problem(RECORD, 0, "", f"cannot be read ({exc}); write it anew with: make coverage LISTING=FILE RECORD=1")
        ]
    except DataError as exc:
        return [exc.problem]
    out = []
    for file, line, column, key, text in rows:
        if seen.get(f"{file} {key} {column}") != digest(file, key, column, text):
            out.append(
                Problem(
                    file,
                    line,
                    column,
                    f"{key}: not checked against the corpus listing since it was written or changed "
                    f"({RECORD}); check it: make coverage LISTING=FILE RECORD=1",
                )
            )
    return out
