"""make check on the real data, and on each class of bad input (temporary copies)."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from lcreview import validate
from lcreview.replicate import read_table as rows
from lcreview.replicate import write_table as write
from lcreview.validate import parse_number


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
    "unknown paper": (
        "claims",
        {},
        {"paper": "nobody-2024"},
        "column paper: 'nobody-2024' is not a key of data/papers.csv",
    ),
    "required": ("claims", {}, {"quote": ""}, "column quote: required cell is empty"),
    "quote lacks number": (
        "claims",
        {},
        {"value_text": "999999"},
        "column value_text: '999999' does not appear in the quote",
    ),
    "unknown theme": ("papers", {}, {"theme": "astrology"}, "column theme: 'astrology' is not allowed"),
    "secondary theme": (
        "papers",
        {},
        {"themes_secondary": "astrology"},
        "column themes_secondary: unknown theme 'astrology'",
    ),
    "arxiv id": (
        "papers",
        {},
        {"arxiv_id": "arXiv:24.1"},
        "column arxiv_id: 'arXiv:24.1' does not match the expected form",
    ),
    "markup in title": (
        "papers",
        {},
        {"title": "Nice <script>alert(1)</script>"},
        "column title: markup is not allowed",
    ),
    "img onerror": ("papers", {}, {"short": "<img src=x onerror=alert(1)>"}, "column short: markup is not allowed"),
    "excluded without reason": (
        "papers",
        {},
        {"included": "false", "exclusion_reason": ""},
        "column exclusion_reason: an excluded paper needs the reason",
    ),
    "boolean": ("papers", {}, {"included": "yes"}, "column included: 'yes' is not true or false"),
    "date": ("papers", {}, {"published": "2024-13-01"}, "column published: '2024-13-01' is not a date YYYY-MM-DD"),
    "boolean spelling": ("papers", {}, {"included": "True"}, "column included: 'True' is not true or false"),
    "not a finite number": ("claims", {}, {"value": "NaN"}, "column value: 'NaN' is not a plain number"),
    "outside image": (
        "papers",
        {},
        {"summary": "See ![x](https://example.org/x.png)"},
        "column summary: markup is not allowed",
    ),
    "formula": (
        "papers",
        {},
        {"summary": '=HYPERLINK("https://example.org","click")'},
        "column summary: starts with '=', which a spreadsheet runs as a formula",
    ),
    "formula +": ("papers", {}, {"venue": "+cmd|' /C calc'!A0"}, "column venue: starts with '+'"),
    "formula @": ("papers", {}, {"short": "@SUM(1+1)"}, "column short: starts with '@'"),
    "formula -": ("claims", {}, {"note": "-2+3"}, "column note: starts with '-'"),
    "leading tab": ("papers", {}, {"summary": "\t=1+1"}, "column summary: control character U+0009 (a tab)"),
    "control character": ("papers", {}, {"title": "Bell\x07"}, "column title: control character U+0007"),
    "bidi override": ("claims", {}, {"model": "abc\u202edcb"}, "column model: control character U+202E"),
    "zero kv heads": ("model_configs", {}, {"kv_heads": "0"}, "column kv_heads: 0 is below the minimum 1"),
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
    assert any(
        p.startswith(f"data/claims.csv:{line}: column value_high: 40000 does not match '400K'")
        for p in problems(project)
    )


def test_unit_must_fit_quantity(project):
    i = first_claim(project, quantity="throughput gain")
    line = edit(project, "claims", i, unit="tokens")
    assert any(
        p.startswith(f"data/claims.csv:{line}: column unit: 'tokens' does not fit quantity 'throughput gain'")
        for p in problems(project)
    )


def test_k_suffix_needs_k_base(project):
    i = first_claim(project, paper="activation-beacon-2024", quantity="context extension")
    line = edit(project, "claims", i, k_base="")
    assert any(p.startswith(f"data/claims.csv:{line}: column k_base:") for p in problems(project))


def test_binary_b_is_read_with_k_base(project):
    i = first_claim(project, id="prolong-2024.2")
    line = edit(project, "claims", i, value="40000000000", k_base="1024")
    found = [p for p in problems(project) if p.startswith(f"data/claims.csv:{line}:")]
    assert found == [
        f"data/claims.csv:{line}: column value: 40000000000 does not match '40B' as written "
        "(reads as 4.29497e+10 with k_base 1024)"
    ]
    edit(project, "claims", i, value=str(40 * 2**30), k_base="1024")
    assert not [p for p in problems(project) if p.startswith(f"data/claims.csv:{line}:")]
    edit(project, "claims", i, value="40000000000", k_base="")  # B needs no k_base: decimal by default
    assert not [p for p in problems(project) if p.startswith(f"data/claims.csv:{line}:")]


def claim_problems(root: Path, line: int) -> list[str]:
    return [p for p in problems(root) if p.startswith(f"data/claims.csv:{line}:")]


def test_a_range_is_read_with_one_base(project):
    i = first_claim(project, paper="activation-beacon-2024", quantity="context extension")
    _, data = rows(project / "data" / "claims.csv")
    other = "1024" if data[i]["k_base"] == "1000" else "1000"
    line = edit(project, "claims", i, k_base_high=other)
    assert claim_problems(project, line) == [
        f"data/claims.csv:{line}: column k_base_high: a range is read with one base: k_base_high {other} differs "
        f"from k_base {data[i]['k_base']}; read both ends with the same base"
    ]
    edit(project, "claims", i, k_base_high=data[i]["k_base"])
    assert claim_problems(project, line) == [
        f"data/claims.csv:{line}: column k_base_high: "
        "k_base_high is deprecated (k_base reads both ends); leave it empty"
    ]


def test_same_text_same_reading_within_a_paper(project):
    first = first_claim(project, id="prolong-2024.8")
    i = first_claim(project, id="prolong-2024.9")
    line = edit(project, "claims", i, k_base="1000", value="20000000000")
    assert claim_problems(project, line) == [
        f"data/claims.csv:{line}: column k_base: '20B' is read with base 1000 here but 1024 on line {first + 2} "
        "of the same paper; one reading per paper"
    ]


@pytest.mark.parametrize("quantity", ["score", "score gain", "score degradation"])
def test_a_win_rate_is_not_a_score(project, quantity):
    i = first_claim(project, quantity="score")
    _, data = rows(project / "data" / "claims.csv")
    line = edit(project, "claims", i, quantity=quantity, quote=data[i]["quote"] + " (its win rate)")
    want = (
        f"data/claims.csv:{line}: column quantity: the quote reports a win rate; "
        "expected quantity 'win rate' with the opponent as baseline"
    )
    assert want in claim_problems(project, line)
    edit(project, "claims", i, quote=data[i]["quote"] + " over the whole window, winning")
    assert want in claim_problems(project, line)
    edit(project, "claims", i, quote=data[i]["quote"] + " over the whole context window")
    assert want not in claim_problems(project, line)


DUPLICATE = {
    # duplicate_of of longgen-2024.3 (7B parameters): expected message
    "longgen-2024.3": "a claim cannot repeat itself",
    "prolong-2024.1": "'prolong-2024.1' is a claim of another paper; duplicate_of names a claim of the same paper",
    "longgen-2024.4": "'longgen-2024.4' reports 70000000000 parameters, not 7000000000 parameters; "
    "duplicate_of links rows that state the same number",
}


@pytest.mark.parametrize("target", sorted(DUPLICATE))
def test_duplicate_of_names_the_same_number_of_the_same_paper(project, target):
    line = edit(project, "claims", first_claim(project, id="longgen-2024.3"), duplicate_of=target)
    assert claim_problems(project, line) == [f"data/claims.csv:{line}: column duplicate_of: {DUPLICATE[target]}"]


def test_duplicate_of_points_to_the_claim_that_is_kept(project):
    line = edit(project, "claims", first_claim(project, id="relic-2024.2"), duplicate_of="relic-2024.1")
    assert (
        f"data/claims.csv:{line}: column duplicate_of: 'relic-2024.1' is itself a duplicate of 'relic-2024.2'; "
        "point to the claim that is kept"
    ) in claim_problems(project, line)


COMPARED = {
    # (row, compared_with, changes of the named row): expected message
    ("needle-threading-2024.3", "longbench-2023.1", ()): "'longbench-2023.1' is a claim of another paper; "
    "compare with a claim of the same paper",
    ("needle-threading-2024.3", "needle-threading-2024.4", ()): "'needle-threading-2024.4' is not the claimed "
    "window of model 'Gemini 1.5 Pro'",
    ("needle-threading-2024.3", "needle-threading-2024.5", ()): "'needle-threading-2024.5' is not the claimed "
    "window of model 'Gemini 1.5 Pro'",
    ("needle-threading-2024.3", "needle-threading-2024.2", (("unit", "tokens"),)): "'needle-threading-2024.2' is in "
    "tokens, not thousand characters; compare lengths in the same unit",
    ("needle-threading-2024.2", "needle-threading-2024.4", ()): "compared_with is for quantity 'effective context "
    "length' (it names the claimed window); not 'claimed context length'",
}


@pytest.mark.parametrize("case", sorted(COMPARED), ids=lambda case: f"{case[0]}->{case[1]}")
def test_compared_with_names_the_claimed_window_of_the_same_model(project, case):
    row, target, changes = case
    edit(project, "claims", first_claim(project, id=target), **dict(changes))
    line = edit(project, "claims", first_claim(project, id=row), compared_with=target)
    assert f"data/claims.csv:{line}: column compared_with: {COMPARED[case]}" in claim_problems(project, line)


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
    assert f"data/papers.csv:{line}: column key: 'longbench-2023' has no entry in references.bib" in "\n".join(
        problems(project)
    )


def test_bib_parse_error_names_line(project):
    bib = project / "references.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(text + "\n@article{broken-2024,\n  title = {Unclosed,\n  year = 2024\n", encoding="utf-8")
    line = text.count("\n") + 2  # the entry starts after one added newline
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


@pytest.mark.parametrize(
    "text,k_base,expected",
    [
        ("400K", 1000, 400_000),
        ("128K", 1024, 131_072),
        ("24.89x", None, 24.89),
        ("10,000", None, 10_000),
        ("three", None, 3),
        ("456 billion", None, 456e9),
        ("40B", None, 40e9),
        ("40B", 1024, 40 * 2**30),
        ("456 billion", 1024, 456e9),
        ("$534,700", None, 534_700),
        ("58.9%", None, 58.9),
        ("2048K", 1024, 2_097_152),
        ("1 million", None, 1e6),
        (".5", None, 0.5),
        ("1/3", None, 1 / 3),
        ("2/3 efficient", None, 2 / 3),
    ],
)
def test_parse_number(text, k_base, expected):
    assert parse_number(text, k_base)[0] == pytest.approx(expected)


def test_parse_number_rejects_text_without_number():
    with pytest.raises(ValueError):
        parse_number("no digits here")


def test_fraction_over_zero_is_a_problem_not_a_traceback(project):
    i = first_claim(project, id="longgen-2024.11")
    line = edit(project, "claims", i, value_text="1/0", quote="A hybrid with 1/0 full attention layers")
    assert (
        f"data/claims.csv:{line}: column value_text: a fraction over zero in '1/0'; expected the number as written"
        in "\n".join(problems(project))
    )


def test_line_break_in_a_cell_names_its_first_line_and_later_lines_stay_right(project):
    _, data = rows(project / "data" / "claims.csv")
    header, _ = rows(project / "data" / "claims.csv")
    data[0]["note"] = "ok\n\n```{include} ../.git/config\n```"
    data[1]["value"] = "abc"
    write(project / "data" / "claims.csv", header, data)
    found = problems(project)
    assert "data/claims.csv:2: column note: line break in a cell shown on one line; write the cell on one line" in found
    assert any(p.startswith("data/claims.csv:6: column value: 'abc' is not a plain number") for p in found), found


def test_negative_numbers_are_not_formulas(project):
    i = first_claim(project)
    line = edit(project, "claims", i, note="-3.2")
    assert not [p for p in problems(project) if p.startswith(f"data/claims.csv:{line}:")]


def test_byte_order_mark_is_accepted(project):
    for name in ("claims", "papers"):
        path = project / "data" / f"{name}.csv"
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    bib = project / "references.bib"
    bib.write_bytes(b"\xef\xbb\xbf" + bib.read_bytes())
    assert problems(project) == []


def test_invalid_utf8_is_the_only_problem_reported(project):
    path = project / "data" / "papers.csv"
    data = path.read_bytes()
    path.write_bytes(data.replace(b"ConnNet", b"Conn\xffNet", 1))
    line = data[: data.index(b"ConnNet")].count(b"\n") + 1
    found = problems(project)
    assert found[0].startswith(f"data/papers.csv:{line}: not valid UTF-8"), found[:3]
    assert len(found) == 1, found[:5]


def test_bib_not_utf8_names_its_line(project):
    bib = project / "references.bib"
    data = bib.read_bytes()
    at = data.index(b"title")
    bib.write_bytes(data[:at] + b"\xe9" + data[at:])
    line = data[:at].count(b"\n") + 1
    assert problems(project) == [
        f"references.bib:{line}: not valid UTF-8 (invalid continuation byte); save the file as UTF-8"
    ]


@pytest.mark.parametrize("table", ["papers", "claims"])
def test_header_only_core_table_is_an_error(project, table):
    path = project / "data" / f"{table}.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    found = problems(project)
    assert found[0] == f"data/{table}.csv:2: the table has no rows (only its header); the book needs at least one"
    assert not [p for p in found if "is not in data/claims.csv" in p or "is not a key of" in p], found[:5]


@pytest.mark.parametrize("suffix", [".md", ".ipynb"])
def test_chapter_claim_ids_must_exist(project, suffix):
    lines = [
        "# A chapter",
        "",
        "```{code-cell}",
        'glue_claims(x="longbench-2023.1", y="nobody-2024.7")',
        'said("prolong-2024.99")',
        "```",
    ]
    text = "\n".join(lines) + "\n"
    if suffix == ".ipynb":
        cell = {
            "cell_type": "code",
            "metadata": {},
            "source": [line + "\n" for line in lines[3:5]],
            "outputs": [],
            "execution_count": None,
        }
        text = json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)
    (project / "notebooks" / f"zz-test{suffix}").write_text(text, encoding="utf-8")
    found = [p for p in problems(project) if p.startswith(f"notebooks/zz-test{suffix}:")]
    numbered = text.splitlines()
    want = {
        f"notebooks/zz-test{suffix}:{next(i for i, x in enumerate(numbered, 1) if cid in x)}: claim {cid!r} is not in "
        "data/claims.csv (column id); fix the id or add the claim"
        for cid in ("nobody-2024.7", "prolong-2024.99")
    }
    assert set(found) == want, found


def test_stock_frictionless_validator_passes():
    from frictionless import Package

    report = Package(str(ROOT / "data" / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
