"""``python -m lcreview add LISTING --title TITLE``: one paper of a listing as rows for the contributor to finish.

Appends a ``data/papers.csv`` row (what the listing gives; the fields a contributor decides left empty), one
``data/claims.csv`` row per number of the abstract (quote, value_text and value prefilled; quantity, unit
and setting left empty) and a BibTeX stub with no authors, so that ``make check`` names every field to fill.
Refuses a title the listing does not hold or a paper already in the data, and then changes nothing.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import io
import math
import re
import sys
from collections import Counter
from pathlib import Path

from lcreview import listing, paths, validate
from lcreview.coverage import CLAIMS, PAPERS, DataError, data_rows
from lcreview.validate import Problem

BIB = "references.bib"
SHORT_MAX = 32  # papers.short maxLength in data/datapackage.json


class Refused(Exception):
    """The paper cannot be added; ``problem`` says why."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def short_name(title: str) -> str:
    """Display name: the part before ':' or ' -- ' when short, else the title's first words (<= 32 chars)."""
    head = re.split(r":\s| -- ", title, maxsplit=1)[0].strip()
    if len(head) <= SHORT_MAX and head != title:
        return head
    words, out = title.split(), ""
    for w in words:
        if len(f"{out} {w}".strip()) > SHORT_MAX:
            break
        out = f"{out} {w}".strip()
    return out or title[:SHORT_MAX]


def make_key(short: str, year: int) -> str:
    """Lower-case, hyphenated short name and year (``SpeContext``, 2025 -> ``specontext-2025``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", short.lower()).strip("-")
    return f"{slug or 'paper'}-{year}"


def listing_year(entry: listing.Paper, papers: list[tuple[int, dict]]) -> int | None:
    """The year of the listing's date; a date without one is of the year the data's yearless dates are."""
    m = re.search(r", (\d{4})$", entry.date)
    if m:
        return int(m.group(1))
    if not entry.date:
        return None
    years = Counter(
        row["published"][:4]
        for _, row in papers
        if row.get("date") and "," not in row["date"] and row.get("published", "")[:4].isdigit()
    )
    return int(years.most_common(1)[0][0]) if years else None


def _k_base(text: str) -> str:
    """1024 for a power-of-two mantissa with a K or M suffix (4K, 128K), 1000 for another (10K); '' without."""
    m = re.fullmatch(r"([\d.,]+)\s?([KkMm])", text.rstrip("x×+%\\"))
    if not m:
        return ""
    mantissa = float(m.group(1).replace(",", ""))
    return "1024" if mantissa.is_integer() and mantissa >= 1 and math.log2(mantissa).is_integer() else "1000"


def _plain(x: float) -> str:
    return str(int(x)) if x.is_integer() else repr(x)


def claim_rows(key: str, entry: listing.Paper) -> list[dict]:
    """One claims row per number of the abstract, numbered KEY.1, KEY.2, ..."""
    rows = []
    for i, n in enumerate(listing.numbers(entry.abstract), start=1):
        k_base = _k_base(n.low) or _k_base(n.high)  # one reading of K for both ends of a range
        base = int(k_base) if k_base else None
        high = _plain(listing.value(n.high, base)) if n.high else ""
        rows.append(
            {
                "id": f"{key}.{i}",
                "paper": key,
                "value": _plain(listing.value(n.low, base)),
                "value_text": n.low,
                "value_high": high,
                "value_high_text": n.high,
                "k_base": k_base,
                "qualifier": "range" if n.high else "",
                "location": "abstract",
                "quote": listing.quote_span(entry.abstract, n),
            }
        )
    return rows


def bib_stub(key: str, title: str, year: int) -> str:
    """A BibTeX entry with title and year whose empty author, eprint and url fields make check report."""
    return (
        f"% {key}: stub written by python -m lcreview add; look up the full author list, eprint, url and venue\n"
        f"@misc{{{key},\n  title = {{{{{title}}}}},\n  author = {{}},\n  year = {{{year}}},\n"
        f"  eprint = {{}},\n  url = {{}}\n}}\n"
    )


def _csv_line(header: list[str], row: dict) -> str:
    buf = io.StringIO()
    csv.DictWriter(buf, header, lineterminator="\n", restval="").writerow(row)
    return buf.getvalue()


def _append(path: Path, text: str) -> None:
    old = path.read_text(encoding="utf-8")
    sep = "" if not old or old.endswith("\n") else "\n"
    path.write_text(old + sep + text, encoding="utf-8")


def plan(
    listing_path: Path | str,
    title: str,
    root: Path,
    key: str | None = None,
    short: str | None = None,
    year: int | None = None,
) -> dict[str, str]:
    """What ``add`` appends: {file: text}. Raises :class:`Refused` when the paper cannot be added."""
    name = str(listing_path)
    entries, problems = listing.read(listing_path)
    if problems:
        raise Refused(problems[0])
    found = {listing.norm_title(p.title): p for p in entries}
    entry = found.get(listing.norm_title(title))
    if entry is None:
        titles = [p.title for p in entries]
        close = [t for t in titles if listing.norm_title(title) in listing.norm_title(t)][
            :3
        ] or difflib.get_close_matches(title, titles, n=3, cutoff=0.5)
        hint = "; did you mean: " + " | ".join(close) if close else "; titles are matched ignoring case and spaces"
        raise Refused(Problem(name, 0, "", f"no paper titled {title!r} in the listing{hint}"))
    try:
        papers, claims = data_rows(root, PAPERS), data_rows(root, CLAIMS)
    except DataError as exc:
        raise Refused(exc.problem) from None
    for line, row in papers:
        if listing.norm_title(row.get("title", "")) == listing.norm_title(entry.title):
            raise Refused(
                Problem(PAPERS, line, "title", f"{entry.title!r} is already in the data as {row.get('key')!r}")
            )
    year = year or listing_year(entry, papers)
    if year is None:
        raise Refused(Problem(name, entry.line, "", "the listing gives no year for this paper; pass --year YYYY"))
    short = short or short_name(entry.title)
    key = key or make_key(short, year)
    for line, row in papers:
        if row.get("key") == key:
            raise Refused(Problem(PAPERS, line, "key", f"key {key!r} is taken; pass --key (form short-name-YEAR)"))
    if any(row.get("id", "").startswith(key + ".") for _, row in claims):
        raise Refused(Problem(CLAIMS, 0, "id", f"claims with ids {key}.N exist already; pass another --key"))
    header = {f: next(csv.reader([(root / f).read_text(encoding="utf-8").split("\n", 1)[0]])) for f in (PAPERS, CLAIMS)}
    paper = {
        "key": key,
        "title": entry.title,
        "short": short,
        "date": entry.date,
        "n_authors": entry.n_authors or "",
        "votes": "" if entry.votes is None else entry.votes,
    }
    return {
        PAPERS: _csv_line(header[PAPERS], paper),
        CLAIMS: "".join(_csv_line(header[CLAIMS], r) for r in claim_rows(key, entry)),
        BIB: "\n" + bib_stub(key, entry.title, year),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lcreview add", description=__doc__.splitlines()[0])
    parser.add_argument("listing", help="listing file holding the paper")
    parser.add_argument("--title", required=True, help="the paper's title as listed (case and spaces do not matter)")
    parser.add_argument("--key", help="BibTeX key (default: short name and year, e.g. specontext-2025)")
    parser.add_argument("--short", help=f"display name, at most {SHORT_MAX} characters (default: from the title)")
    parser.add_argument("--year", type=int, help="year of the paper when the listing's date has none")
    parser.add_argument("--root", help="repository root (default: this checkout)")
    args = parser.parse_args(argv)
    root = Path(args.root or paths.ROOT)
    try:
        texts = plan(args.listing, args.title, root, args.key, args.short, args.year)
    except Refused as exc:
        print(exc.problem)
        print("add: nothing was changed", file=sys.stderr)
        return 1
    for file, text in texts.items():
        _append(root / file, text)
    key = next(csv.reader([texts[PAPERS]]))[0]
    todo: dict[tuple[str, int], list[str]] = {}
    for p in validate.check(root):
        todo.setdefault((p.file, p.line), []).append(p.column or "?")
    print(f"add: appended {key} to {PAPERS}, {texts[CLAIMS].count(chr(10))} rows to {CLAIMS} and a stub to {BIB}")
    print(
        "add: delete the claims rows of numbers that are no quantities, fill these columns (make check says "
        "what each expects), then run make coverage:"
    )
    for (file, line), columns in todo.items():
        print(f"  {file}:{line}: {', '.join(columns)}")
    return 0
