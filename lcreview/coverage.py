"""``python -m lcreview coverage LISTING``: every paper and every number of its abstract is accounted for.

A number of the abstract of a paper not excluded from the review is accounted for when the quote of one of that
paper's claims holds it as written (the quote found verbatim in the abstract), or when it lies inside the span of a
row of ``data/coverage-exclusions.csv`` that excuses it. Reads only; exits 1 when anything is unaccounted for.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from lcreview import listing, paths
from lcreview.validate import Problem

PAPERS, CLAIMS, EXCLUSIONS = "data/papers.csv", "data/claims.csv", "data/coverage-exclusions.csv"


class DataError(Exception):
    """A data file that cannot be read as CSV; ``problem`` says where."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def csv_rows(text: str, file: str) -> list[tuple[int, dict]]:
    """Rows of CSV ``text`` with the physical line each starts on."""
    reader = csv.DictReader(text.splitlines(keepends=True), strict=True)
    rows, start = [], 2
    try:
        for row in reader:
            rows.append((start, {k: (v or "") for k, v in row.items() if k is not None}))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(Problem(file, start, "", f"cannot parse this row ({exc}); run make check")) from None
    return rows


def data_rows(root: Path, file: str, required: bool = True) -> list[tuple[int, dict]]:
    """Rows of the data file ``file`` (relative to ``root``); an optional missing file has none."""
    path = root / file
    if not path.exists():
        if required:
            raise DataError(Problem(file, 0, "", "file is missing"))
        return []
    return csv_rows(path.read_text(encoding="utf-8"), file)


def _occurrences(text: str, span: str) -> list[tuple[int, int]]:
    out, i = [], text.find(span) if span else -1
    while i >= 0:
        out.append((i, i + len(span)))
        i = text.find(span, i + 1)
    return out


def _inside(n: listing.Number, spans: list[tuple[int, int]]) -> bool:
    return any(s <= n.start and n.end <= e for s, e in spans)


def audit(listing_path: Path | str, root: Path | str | None = None) -> tuple[list[Problem], dict]:
    """All problems of coverage, and counts (papers, numbers, claimed, excused)."""
    root = Path(root or paths.ROOT)
    name = str(listing_path)
    entries, problems = listing.read(listing_path)
    counts = {"papers": len(entries), "numbers": 0, "claimed": 0, "excused": 0}
    if not entries:
        return problems, counts
    try:
        papers = data_rows(root, PAPERS)
        claims = data_rows(root, CLAIMS)
        exclusions = data_rows(root, EXCLUSIONS, required=False)
    except DataError as exc:
        return problems + [exc.problem], counts
    by_title = {listing.norm_title(p.title): p for p in entries}
    matched: dict[str, listing.Paper] = {}
    in_data = set()
    for line, row in papers:
        entry = by_title.get(listing.norm_title(row.get("title", "")))
        in_data.add(listing.norm_title(row.get("title", "")))
        if entry is None:
            problems.append(
                Problem(PAPERS, line, "title", f"{row.get('key')!r} ({row.get('title')!r}) is not in {name}")
            )
        elif row.get("included") != "false":
            matched[row.get("key", "")] = entry
    for p in entries:
        if listing.norm_title(p.title) not in in_data:
            problems.append(
                Problem(
                    name,
                    p.line,
                    "",
                    f"paper {p.title!r} is not in {PAPERS}; add it with: "
                    f"python -m lcreview add {name} --title {p.title!r}",
                )
            )
    quoted: dict[str, set[str]] = {k: set() for k in matched}
    for line, row in claims:
        entry = matched.get(row.get("paper", ""))
        if entry is None or not row.get("location", "").startswith("abstract"):
            continue
        if row.get("quote", "") not in entry.abstract:
            problems.append(
                Problem(
                    CLAIMS,
                    line,
                    "quote",
                    f"not verbatim in the abstract of {row['paper']!r} "
                    f"({name}:{entry.abstract_line}): {row.get('quote')!r}",
                )
            )
        elif row.get("quote"):
            quoted[row["paper"]].update(n.text for n in listing.numbers(row["quote"]))
    excused: dict[str, list[tuple[str, list[tuple[int, int]], int]]] = {k: [] for k in matched}
    for line, row in exclusions:
        key, number, span = row.get("paper", ""), row.get("number", ""), row.get("span", "")
        entry = matched.get(key)
        where = entry and _occurrences(entry.abstract, span)
        if entry is None:
            problems.append(Problem(EXCLUSIONS, line, "paper", f"{key!r} is not an included paper of {name}"))
        elif not where:
            problems.append(Problem(EXCLUSIONS, line, "span", f"{span!r} is not verbatim in the abstract of {key!r}"))
        elif not any(n.text == number for n in listing.numbers(span)):
            problems.append(
                Problem(
                    EXCLUSIONS,
                    line,
                    "number",
                    f"{number!r} is not a number of the span {span!r}; "
                    "expected the number as the coverage report writes it",
                )
            )
        else:
            excused[key].append((number, where, line))
    used: set[int] = set()
    for key, entry in matched.items():
        for n in listing.numbers(entry.abstract):
            counts["numbers"] += 1
            by = [line for number, where, line in excused[key] if number == n.text and _inside(n, where)]
            if n.text in quoted[key]:
                counts["claimed"] += 1
                for line in by:
                    problems.append(
                        Problem(
                            EXCLUSIONS,
                            line,
                            "number",
                            f"{n.text!r} of {key!r} is covered by a claim's quote; delete this exclusion",
                        )
                    )
            elif by:
                counts["excused"] += 1
                used.update(by)
            else:
                problems.append(
                    Problem(
                        name,
                        entry.abstract_line,
                        "",
                        f"{key}: number {n.text!r} has no claim and no exclusion: {_context(entry.abstract, n)!r}",
                    )
                )
    for key in matched:
        for _, _, line in excused[key]:
            if line not in used and not any(p.file == EXCLUSIONS and p.line == line for p in problems):
                problems.append(Problem(EXCLUSIONS, line, "number", "excuses no number of the abstract"))
    return sorted(dict.fromkeys(problems), key=lambda p: (p.file != name, p.file, p.line)), counts


def _context(text: str, n: listing.Number, words: int = 5) -> str:
    """A few words either side of a number, verbatim."""
    before = text[: n.start].split(" ")[-words:]
    after = text[n.end :].split(" ")[: words + 1]
    return " ".join(before) + n.text + " ".join(after)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lcreview coverage", description=__doc__.splitlines()[0])
    parser.add_argument("listing", help="listing file (title line, abstract line, optional metadata lines)")
    parser.add_argument("--root", help="repository root (default: this checkout)")
    parser.add_argument(
        "--record",
        action="store_true",
        help="also check title and benchmark quotes and summaries, and when all pass write data/listing-record.json",
    )
    args = parser.parse_args(argv)
    problems, c = audit(args.listing, args.root)
    if args.record:
        from lcreview import provenance

        problems = provenance.verify(args.listing, args.root)
        if not problems:
            print(f"coverage: recorded the checked cells in {provenance.write(args.listing, args.root)}")
    for p in problems:
        print(p)
    print(
        f"coverage: {c['papers']} papers listed; {c['numbers']} numbers in the included abstracts: "
        f"{c['claimed']} in claim quotes, {c['excused']} excused, {c['numbers'] - c['claimed'] - c['excused']} "
        f"unaccounted; {len(problems)} problem(s)",
        file=sys.stderr,
    )
    return 1 if problems else 0
