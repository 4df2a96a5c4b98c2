"""make check on the real data, and on each class of bad input (temporary copies)."""
from __future__ import annotations

import csv
import hashlib
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lcreview import validate
from lcreview.validate import parse_number

from conftest import ROOT


def rows(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return reader.fieldnames, list(reader)


def write(path: Path, header: list[str], data: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    w.writeheader()
    w.writerows(data)
    path.write_text(buf.getvalue(), encoding="utf-8")


def edit(root: Path, table: str, index: int, **changes) -> int:
    """Change cells of row ``index`` (0-based) of data/<table>.csv; return its line number."""
    path = root / "data" / f"{table}.csv"
    header, data = rows(path)
    data[index].update(changes)
    write(path, header, data)
    return index + 2  # header is line 1, no multi-line cells in our tables


def problems(root: Path) -> list[str]:
    return [str(p) for p in validate.check(root)]


def test_real_data_passes():
    assert problems(ROOT) == []


def test_cli_reports_ok_and_counts():
    out = subprocess.run([sys.executable, "-m", "lcreview", "check"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert re.search(r"check: OK - \d+ papers, \d+ claims", out.stdout)


def test_corpus_size():
    _, papers = rows(ROOT / "data" / "papers.csv")
    _, claims = rows(ROOT / "data" / "claims.csv")
    assert len(papers) == 45
    assert len(claims) >= 150
    excluded = [p for p in papers if p["included"] == "false"]
    assert [p["key"] for p in excluded] == ["connnet-2018"]
    assert excluded[0]["exclusion_reason"]


def first_claim(root: Path, **match) -> int:
    _, data = rows(root / "data" / "claims.csv")
    for i, r in enumerate(data):
        if all(r[k] == v for k, v in match.items()):
            return i
    raise AssertionError(f"no claim with {match}")


BAD = {
    # name: (table, row finder, changes, expected message fragment)
    "type": ("claims", {}, {"value": "abc"}, "column value: 'abc' is not a plain number"),
    "enum quantity": ("claims", {}, {"quantity": "vibes"}, "column quantity: 'vibes' is not allowed; expected one of"),
    "unknown paper": ("claims", {}, {"paper": "nobody-2024"}, "column paper: 'nobody-2024' is not a key of data/papers.csv"),
    "required": ("claims", {}, {"quote": ""}, "column quote: required cell is empty"),
    "quote lacks number": ("claims", {}, {"value_text": "999999"}, "column value_text: '999999' does not appear in the quote"),
    "unknown theme": ("papers", {}, {"theme": "astrology"}, "column theme: 'astrology' is not allowed"),
    "secondary theme": ("papers", {}, {"themes_secondary": "astrology"}, "column themes_secondary: unknown theme 'astrology'"),
    "arxiv id": ("papers", {}, {"arxiv_id": "arXiv:24.1"}, "column arxiv_id: 'arXiv:24.1' does not match the expected form"),
    "markup in title": ("papers", {}, {"title": "Nice <script>alert(1)</script>"}, "column title: markup is not allowed"),
    "img onerror": ("papers", {}, {"short": "<img src=x onerror=alert(1)>"}, "column short: markup is not allowed"),
    "excluded without reason": ("papers", {}, {"included": "false", "exclusion_reason": ""}, "column exclusion_reason: an excluded paper needs the reason"),
    "boolean": ("papers", {}, {"included": "yes"}, "column included: 'yes' is not true or false"),
    "date": ("papers", {}, {"published": "2024-13-01"}, "column published: '2024-13-01' is not a date YYYY-MM-DD"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_names_file_line_column(project, name):
    table, match, changes, expected = BAD[name]
    index = first_claim(project, **match) if table == "claims" else 0
    line = edit(project, table, index, **changes)
    found = problems(project)
    want = f"data/{table}.csv:{line}: {expected}"
    assert any(p.startswith(want) for p in found), f"expected {want!r} in {found}"


def test_relative_number_needs_baseline(project):
    i = first_claim(project, quantity="throughput gain")
    line = edit(project, "claims", i, baseline="", baseline_kind="")
    found = problems(project)
    assert f"data/claims.csv:{line}: column baseline: 'throughput gain' is a relative number" in "\n".join(found)
    assert any(p.startswith(f"data/claims.csv:{line}: column baseline_kind:") for p in found)


def test_value_must_match_text_as_written(project):
    i = first_claim(project, paper="activation-beacon-2024", quantity="context extension")
    line = edit(project, "claims", i, value_high="40000")
    assert any(p.startswith(f"data/claims.csv:{line}: column value_high: 40000 does not match '400K'") for p in problems(project))


def test_unit_must_fit_quantity(project):
    i = first_claim(project, quantity="throughput gain")
    line = edit(project, "claims", i, unit="tokens")
    assert any(p.startswith(f"data/claims.csv:{line}: column unit: 'tokens' does not fit quantity 'throughput gain'") for p in problems(project))


def test_k_suffix_needs_k_base(project):
    i = first_claim(project, paper="activation-beacon-2024", quantity="context extension")
    line = edit(project, "claims", i, k_base="")
    assert any(p.startswith(f"data/claims.csv:{line}: column k_base:") for p in problems(project))


def test_duplicate_key(project):
    header, data = rows(project / "data" / "papers.csv")
    data.append(dict(data[3]))
    write(project / "data" / "papers.csv", header, data)
    found = problems(project)
    assert any(p.startswith(f"data/papers.csv:{len(data) + 1}: column key: duplicate value") for p in found), found


def test_missing_column(project):
    header, data = rows(project / "data" / "claims.csv")
    header.remove("baseline")
    for r in data:
        r.pop("baseline")
    write(project / "data" / "claims.csv", header, data)
    assert "data/claims.csv:1: column baseline: column is missing from the header" in "\n".join(problems(project))


def test_broken_csv_quoting_names_line(project):
    path = project / "data" / "claims.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = lines[5].rstrip("\n") + ',"unterminated\n'
    path.write_text("".join(lines), encoding="utf-8")
    found = problems(project)
    assert any(p.startswith("data/claims.csv:6:") for p in found), found


def test_not_utf8(project):
    path = project / "data" / "papers.csv"
    path.write_bytes(path.read_bytes().replace(b"ConnNet", b"Conn\xffNet", 1))
    assert any(p.startswith("data/papers.csv:") and "not valid UTF-8" in p for p in problems(project))


def test_paper_without_bib_entry(project):
    bib = project / "references.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(text.replace("{longbench-2023,", "{longbench-2023-renamed,"), encoding="utf-8")
    _, data = rows(project / "data" / "papers.csv")
    line = next(i for i, r in enumerate(data) if r["key"] == "longbench-2023") + 2
    assert f"data/papers.csv:{line}: column key: 'longbench-2023' has no entry in references.bib" in "\n".join(problems(project))


def test_bib_parse_error_names_line(project):
    bib = project / "references.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(text + "\n@article{broken-2024,\n  title = {Unclosed,\n  year = 2024\n", encoding="utf-8")
    line = text.count("\n") + 2   # the entry starts after one added newline
    found = problems(project)
    assert any(p.startswith("references.bib:") and "cannot parse" in p for p in found), found
    assert any(p.startswith(f"references.bib:{line}:") for p in found), (line, found)


def test_validation_only_reads(project):
    def digest():
        return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(project.rglob("*")) if p.is_file()}
    edit(project, "claims", 0, value="abc")
    before = digest()
    assert problems(project)
    assert digest() == before


@pytest.mark.parametrize("text,k_base,expected", [
    ("400K", 1000, 400_000), ("128K", 1024, 131_072), ("24.89x", None, 24.89), ("10,000", None, 10_000),
    ("three", None, 3), ("456 billion", None, 456e9), ("40B", None, 40e9), ("$534,700", None, 534_700),
    ("58.9%", None, 58.9), ("2048K", 1024, 2_097_152), ("1 million", None, 1e6), (".5", None, 0.5),
])
def test_parse_number(text, k_base, expected):
    assert parse_number(text, k_base)[0] == pytest.approx(expected)


def test_parse_number_rejects_text_without_number():
    with pytest.raises(ValueError):
        parse_number("no digits here")
