"""A corpus N times as large, for measuring growth (``make bench SCALE=N``) and testing figures at scale.

Every paper is copied N-1 times under a new key (``name-2024`` -> ``name-r2-2024``), with a new arXiv id, title
and short name; its claims (their ``duplicate_of`` and ``compared_with`` ids too), benchmark row, coverage exclusions
and BibTeX entry follow, so the copy passes ``make check``. Only a temporary copy of the project is ever rewritten
(never the checkout itself).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from lcreview import paths

_KEY = re.compile(r"^(?P<name>.+)-(?P<year>(19|20)\d{2})$")
PAPER_COLUMNS = {
    "papers.csv": "key",
    "claims.csv": "paper",
    "benchmarks.csv": "paper",
    "coverage-exclusions.csv": "paper",
}


def new_key(key: str, k: int) -> str:
    m = _KEY.match(key)
    return f"{m.group('name')}-r{k}-{m.group('year')}" if m else f"{key}-r{k}"


def read_table(path: Path) -> tuple[list[str], list[dict]]:
    """A CSV file's header and rows."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def write_table(path: Path, fields: list[str], rows: list[dict]) -> None:
    """Write rows as CSV with Unix line ends, as the data files are kept."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _copy_row(row: dict, table: str, k: int, index: int) -> dict:
    row = dict(row)
    col = PAPER_COLUMNS[table]
    row[col] = new_key(row[col], k)
    if table == "papers.csv":
        yymm = row["arxiv_id"].split(".")[0]
        row["arxiv_id"] = f"{yymm}.{(k * 1000 + index) % 100000:05d}"
        row["title"] = f"{row['title']} (replica {k})"
        row["short"] = f"{row['short'][:27]} r{k}"
    if table == "claims.csv":
        row["id"] = f"{row['paper']}.{row['id'].rsplit('.', 1)[1]}"
        for ref in ("duplicate_of", "compared_with"):  # claim ids point into the same replica
            if row.get(ref):
                base, n = row[ref].rsplit(".", 1)
                row[ref] = f"{new_key(base, k)}.{n}"
    return row


def _bib_copies(text: str, n: int, arxiv: dict[str, str]) -> str:
    """The bibliography with n-1 renamed copies of every entry; ``arxiv`` gives each new key its arXiv id."""
    entries = re.split(r"(?m)^(?=@)", text)
    out = [text.rstrip() + "\n"]
    for k in range(2, n + 1):
        for entry in entries:
            m = re.match(r"@(\w+)\{([^,]+),", entry)
            if not m:
                continue
            key = new_key(m.group(2), k)
            copy = entry.replace(f"{{{m.group(2)},", f"{{{key},", 1)
            copy = re.sub(r"(?m)^(\s*title\s*=\s*\{\{)(.*?)(\}\},?)$", rf"\g<1>\g<2> (replica {k})\g<3>", copy, count=1)
            old = re.search(r"(?m)^\s*eprint\s*=\s*\{([^}]+)\}", copy)
            if old and key in arxiv:  # the eprint field and the arXiv URL
                copy = copy.replace(old.group(1), arxiv[key])
            out.append("\n" + copy.rstrip() + "\n")
    return "".join(out)


def replicate(root: Path, n: int) -> int:
    """Rewrite the data of the project copy at ``root`` to hold the corpus ``n`` times; returns the paper count."""
    root = Path(root).resolve()
    if root == paths.ROOT.resolve():
        raise SystemExit("replicate: refusing to rewrite the checkout itself; give a temporary copy")
    if n < 2:
        return len(read_table(root / "data" / "papers.csv")[1])
    for table in PAPER_COLUMNS:
        path = root / "data" / table
        if not path.exists():
            continue
        fields, rows = read_table(path)
        copies = [_copy_row(r, table, k, i) for k in range(2, n + 1) for i, r in enumerate(rows)]
        write_table(path, fields, rows + copies)
        if table == "papers.csv":
            arxiv = {r["key"]: r["arxiv_id"] for r in copies}
    bib = root / "references.bib"
    bib.write_text(_bib_copies(bib.read_text(encoding="utf-8"), n, arxiv), encoding="utf-8")
    return len(read_table(root / "data" / "papers.csv")[1])
