"""Every rule of ``make check``: one line per problem, ``FILE:LINE: column NAME: message``.

Validation only reads. It is driven by ``data/datapackage.json`` (types,
required cells, enumerations, patterns, keys) plus the review's own rules:
quotes hold the number as written, relative numbers name a baseline, units
fit their quantity, papers have a BibTeX entry, no cell carries markup.
"""
from __future__ import annotations

import csv
import datetime as _dt
import json
import logging
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import bibtexparser

MAX_QUOTE_WORDS = 30          # "at most ~25 words", with a little slack
MARKUP = re.compile(r"<\s*[A-Za-z/!?]|javascript:|\bon[a-z]+\s*=|\{[a-z:-]+\}`", re.I)
NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "a hundred": 100})
_NUM = re.compile(
    r"(?P<num>\d[\d,]*(?:\.\d+)?|\.\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
    r"\s*(?P<suffix>billion|million|thousand|[KkMB](?![a-z]))?", re.I)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        col = f" column {self.column}:" if self.column else ""
        return f"{self.file}:{self.line}:{col} {self.message}"


def parse_number(text: str, k_base: int | None = None) -> tuple[float, bool]:
    """Value of a number as written ("400K", "24.89x", "10,000", "three", "456 billion").

    Returns (value, has_k_or_m_suffix). Raises ValueError when text holds no number.
    """
    m = _NUM.search(text)
    if not m:
        raise ValueError(f"no number in {text!r}")
    raw = m.group("num").lower()
    value = float(NUMBER_WORDS[raw]) if raw in NUMBER_WORDS else float(raw.replace(",", ""))
    suffix = (m.group("suffix") or "").lower()
    base = k_base or 1000
    mult = {"": 1, "k": base, "m": base ** 2, "b": 1e9, "billion": 1e9,
            "million": 1e6, "thousand": 1e3}[suffix]
    return value * mult, suffix in ("k", "m")


class _Table:
    """A CSV file read with physical line numbers, checked against its schema."""

    def __init__(self, root: Path, res: dict, problems: list[Problem]):
        self.res, self.problems = res, problems
        self.path = root / "data" / res["path"]
        self.file = "data/" + res["path"]
        self.fields = {f["name"]: f for f in res["schema"]["fields"]}
        self.rows: list[tuple[int, dict]] = []
        self.ok = self._read()

    def problem(self, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, column, message))

    def _read(self) -> bool:
        if not self.path.exists():
            self.problem(0, "", "file is missing (declared in data/datapackage.json)")
            return False
        try:
            text = self.path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            line = self.path.read_bytes()[: exc.start].count(b"\n") + 1
            self.problem(line, "", f"not valid UTF-8 ({exc.reason}); expected a UTF-8 CSV file")
            return False
        reader = csv.reader(text.splitlines(keepends=True), strict=True)
        try:
            header = next(reader)
        except StopIteration:
            self.problem(1, "", "file is empty; expected a header line")
            return False
        except csv.Error as exc:
            self.problem(1, "", f"cannot parse the header: {exc}")
            return False
        expected = list(self.fields)
        missing = [c for c in expected if c not in header]
        unknown = [c for c in header if c not in self.fields]
        for c in missing:
            self.problem(1, c, "column is missing from the header; expected columns: " + ", ".join(expected))
        for c in unknown:
            self.problem(1, c, "unknown column; expected one of: " + ", ".join(expected))
        if len(set(header)) != len(header):
            self.problem(1, "", "a column name appears twice in the header")
        if missing or unknown:
            return False
        start = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                self.problem(start, "", f"cannot parse this row ({exc}); check its quoting")
                return False
            line, start = start, reader.line_num + 1
            if not cells or cells == [""]:
                continue
            if len(cells) != len(header):
                self.problem(line, "", f"row has {len(cells)} cells, expected {len(header)} (one per header column)")
                continue
            self.rows.append((line, dict(zip(header, cells))))
        return True

    def check_schema(self) -> None:
        seen: dict[str, dict[str, int]] = {}
        for line, row in self.rows:
            for name, field in self.fields.items():
                value = row[name]
                cons = field.get("constraints", {})
                if value != value.strip():
                    self.problem(line, name, f"leading or trailing spaces in {value!r}")
                    value = value.strip()
                if MARKUP.search(value):
                    self.problem(line, name, f"markup is not allowed in data cells (found {MARKUP.search(value).group(0)!r}); write plain text")
                if value == "":
                    if cons.get("required"):
                        self.problem(line, name, f"required cell is empty; expected {field['description'].rstrip('.').lower()}")
                    continue
                typed = self._typed(line, name, field["type"], value)
                if typed is None:
                    continue
                if "enum" in cons and typed not in cons["enum"]:
                    allowed = ", ".join(map(str, cons["enum"]))
                    self.problem(line, name, f"{value!r} is not allowed; expected one of: {allowed}")
                if "pattern" in cons and not re.fullmatch(cons["pattern"], value):
                    self.problem(line, name, f"{value!r} does not match the expected form {cons['pattern']}" +
                                 (f" (for example {field['example']})" if "example" in field else ""))
                if "minimum" in cons and typed < cons["minimum"]:
                    self.problem(line, name, f"{value} is below the minimum {cons['minimum']}")
                if "maxLength" in cons and len(value) > cons["maxLength"]:
                    self.problem(line, name, f"{len(value)} characters; expected at most {cons['maxLength']}")
                if cons.get("unique"):
                    first = seen.setdefault(name, {}).setdefault(value, line)
                    if first != line:
                        self.problem(line, name, f"duplicate value {value!r} (first on line {first}); expected unique values")

    def _typed(self, line: int, name: str, kind: str, value: str):
        try:
            if kind == "integer":
                if not re.fullmatch(r"-?\d+", value):
                    raise ValueError
                return int(value)
            if kind == "number":
                if not re.fullmatch(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", value):
                    raise ValueError
                return float(value)
            if kind == "boolean":
                if value not in ("true", "false"):
                    raise ValueError
                return value == "true"
            if kind == "date":
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                    raise ValueError
                return _dt.date.fromisoformat(value)
        except ValueError:
            expected = {"integer": "a whole number", "number": "a plain number (no commas, units or suffixes)",
                        "boolean": "true or false", "date": "a date YYYY-MM-DD"}[kind]
            self.problem(line, name, f"{value!r} is not {expected}")
            return None
        return value


def _bib(root: Path, problems: list[Problem]) -> dict[str, int]:
    """Parse references.bib; return {key: line}."""
    path = root / "references.bib"
    if not path.exists():
        problems.append(Problem("references.bib", 0, "", "file is missing"))
        return {}
    text = path.read_text(encoding="utf-8")
    quiet = logging.getLogger("bibtexparser")
    level, quiet.level = quiet.level, logging.CRITICAL   # problems are reported below, one line each
    try:
        library = bibtexparser.parse_string(text)
    finally:
        quiet.setLevel(level)
    for block in library.failed_blocks:
        kind = type(block).__name__
        if kind == "DuplicateBlockKeyBlock":
            problems.append(Problem("references.bib", block.start_line + 1, "key", f"duplicate BibTeX key {block.key!r}"))
        else:
            err = getattr(block, "error", None)
            detail = str(err) or getattr(getattr(err, "__class__", None), "__name__", "") or kind
            if "Aborted" in detail:
                detail = "the entry is not closed (an unbalanced brace or quote)"
            problems.append(Problem("references.bib", block.start_line + 1, "",
                                    f"cannot parse this entry: {detail}; expected @type{{key, field = {{...}}, ...}}"))
    keys: dict[str, int] = {}
    for entry in library.entries:
        line = entry.start_line + 1
        keys[entry.key] = line
        fields = {f.key.lower(): f.value for f in entry.fields}
        needs = {"article": ("journal",), "inproceedings": ("booktitle",)}.get(entry.entry_type.lower(), ())
        for needed in ("author", "title", "year", "url") + needs:
            if not str(fields.get(needed, "")).strip():
                problems.append(Problem("references.bib", line, needed, f"entry {entry.key!r} has no {needed}"))
        if "year" in fields and not re.fullmatch(r"(19|20)\d\d", str(fields["year"]).strip("{} ")):
            problems.append(Problem("references.bib", line, "year", f"{fields['year']!r} is not a four-digit year"))
        if "eprint" in fields and not re.fullmatch(r"\d{4}\.\d{4,5}", str(fields["eprint"]).strip("{} ")):
            problems.append(Problem("references.bib", line, "eprint", f"{fields['eprint']!r} is not an arXiv id like 2401.03462"))
    return keys


def check(root: Path | str | None = None) -> list[Problem]:
    """All problems of the data in ``root`` (the repository root by default)."""
    from lcreview import paths
    root = Path(root or paths.ROOT)
    problems: list[Problem] = []
    try:
        pkg = json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", 0)
        return [Problem("data/datapackage.json", line, "", f"cannot read the data package descriptor: {exc}")]
    tables = {res["name"]: _Table(root, res, problems) for res in pkg["resources"]}
    for t in tables.values():
        if t.ok:
            t.check_schema()
    keys = {}
    for res in pkg["resources"]:
        t = tables[res["name"]]
        pk = res["schema"].get("primaryKey", [])
        if len(pk) == 1:
            keys[res["name"]] = {row[pk[0]]: line for line, row in t.rows}
        for fk in res["schema"].get("foreignKeys", []):
            col, ref = fk["fields"][0], fk["reference"]
            known = {row[ref["fields"][0]] for _, row in tables[ref["resource"]].rows}
            for line, row in t.rows:
                if row[col] and row[col] not in known:
                    t.problem(line, col, f"{row[col]!r} is not a key of {tables[ref['resource']].file}")
    bib = _bib(root, problems)
    _papers(tables["papers"], pkg, bib)
    _claims(tables["claims"], pkg, {row["key"]: row for _, row in tables["papers"].rows})
    _configs(tables["model_configs"])
    _benchmarks(tables["benchmarks"], pkg)
    return sorted(problems, key=lambda p: (p.file, p.line, p.column))


def _papers(t: _Table, pkg: dict, bib: dict[str, int]) -> None:
    themes = pkg["x-themes"]
    for line, row in t.rows:
        if row["key"] and row["key"] not in bib:
            t.problem(line, "key", f"{row['key']!r} has no entry in references.bib; expected an entry with this key")
        included = row["included"] == "true"
        if included and not row["theme"]:
            t.problem(line, "theme", "an included paper needs a primary theme; expected one of: " + ", ".join(themes))
        if included and row["exclusion_reason"]:
            t.problem(line, "exclusion_reason", "an included paper has no exclusion reason; empty it or set included to false")
        if row["included"] == "false" and not row["exclusion_reason"]:
            t.problem(line, "exclusion_reason", "an excluded paper needs the reason it is out of scope")
        for theme in filter(None, (s.strip() for s in row["themes_secondary"].split(";"))):
            if theme not in themes:
                t.problem(line, "themes_secondary", f"unknown theme {theme!r}; expected themes from: " + ", ".join(themes))
            elif theme == row["theme"]:
                t.problem(line, "themes_secondary", f"{theme!r} is already the primary theme")


def _claims(t: _Table, pkg: dict, papers: dict[str, dict]) -> None:
    quantities = pkg["x-quantities"]
    for line, row in t.rows:
        q, unit = row["quantity"], row["unit"]
        spec = quantities.get(q)
        if row["id"] and row["paper"] and not row["id"].startswith(row["paper"] + "."):
            t.problem(line, "id", f"{row['id']!r} should start with the paper key {row['paper']!r} and a dot")
        paper = papers.get(row["paper"])
        if paper and paper["included"] == "false":
            t.problem(line, "paper", f"{row['paper']!r} is excluded from the review; its numbers do not belong in claims.csv")
        if spec and unit and unit not in spec["units"]:
            t.problem(line, "unit", f"{unit!r} does not fit quantity {q!r}; expected one of: " + ", ".join(spec["units"]))
        if spec and spec["relative"]:
            if not row["baseline"]:
                t.problem(line, "baseline", f"{q!r} is a relative number: name what it is measured against")
            if not row["baseline_kind"]:
                t.problem(line, "baseline_kind", f"{q!r} is a relative number: give the kind of baseline; expected one of: " + ", ".join(pkg["x-baseline-kinds"]))
        if row["baseline_kind"] and not row["baseline"]:
            t.problem(line, "baseline", "baseline_kind is set but baseline is empty; describe the baseline")
        quote = row["quote"]
        words = len(quote.split())
        if words > MAX_QUOTE_WORDS:
            t.problem(line, "quote", f"{words} words; expected the shortest span that holds the number (at most {MAX_QUOTE_WORDS} words)")
        span = row["qualifier"] in ("range", "from-to")
        if span and not (row["value_high"] and row["value_high_text"]):
            t.problem(line, "value_high", f"qualifier {row['qualifier']!r} needs value_high and value_high_text")
        if not span and (row["value_high"] or row["value_high_text"]):
            t.problem(line, "value_high", f"value_high is only for qualifiers range and from-to, not {row['qualifier']!r}")
        k_base = int(row["k_base"]) if row["k_base"] in ("1000", "1024") else None
        k_high = int(row["k_base_high"]) if row["k_base_high"] in ("1000", "1024") else k_base
        used = {"k_base": False, "k_base_high": False}
        for vcol, tcol, kcol, k in (("value", "value_text", "k_base", k_base),
                                    ("value_high", "value_high_text", "k_base_high", k_high)):
            text = row[tcol]
            if not text:
                continue
            if quote and text not in quote:
                t.problem(line, tcol, f"{text!r} does not appear in the quote; expected the number exactly as written there")
            try:
                parsed, has_k = parse_number(text, k)
            except ValueError:
                t.problem(line, tcol, f"{text!r} holds no number; expected the number as written, e.g. 400K, 24.89x, 10,000")
                continue
            used[kcol] |= has_k
            if has_k and unit == "tokens" and k is None:
                t.problem(line, "k_base", f"{text!r} has a K/M suffix: say how it was read (1024 or 1000)")
                continue
            try:
                value = float(row[vcol])
            except ValueError:
                continue
            if not math.isclose(parsed, value, rel_tol=1e-9, abs_tol=1e-12):
                t.problem(line, vcol, f"{row[vcol]} does not match {text!r} as written (reads as {parsed:g}" +
                          (f" with {kcol} {k}" if has_k else "") + ")")
        if row["k_base"] and not (used["k_base"] or (used["k_base_high"] and not row["k_base_high"])):
            t.problem(line, "k_base", "k_base is only for numbers written with a K or M suffix")
        if row["k_base_high"] and not used["k_base_high"]:
            t.problem(line, "k_base_high", "k_base_high is only for an upper value written with a K or M suffix")
        if span and row["value"] and row["value_high"]:
            try:
                lo, hi = float(row["value"]), float(row["value_high"])
                if hi < lo or (row["qualifier"] == "from-to" and hi == lo):
                    t.problem(line, "value_high", f"{row['value_high']} is below value {row['value']}; expected the upper end")
            except ValueError:
                pass


def _configs(t: _Table) -> None:
    for line, row in t.rows:
        try:
            heads, kv = int(row["attention_heads"]), int(row["kv_heads"])
        except ValueError:
            continue
        if kv > heads or heads % kv:
            t.problem(line, "kv_heads", f"{kv} key-value heads must divide the {heads} attention heads")


def _benchmarks(t: _Table, pkg: dict) -> None:
    abilities = pkg["x-abilities"]
    for line, row in t.rows:
        for a in filter(None, (s.strip() for s in row["abilities"].split(";"))):
            if a not in abilities:
                t.problem(line, "abilities", f"unknown ability {a!r}; expected some of: " + ", ".join(abilities))


def main(argv: list[str] | None = None) -> int:
    import argparse
    parser = argparse.ArgumentParser(prog="python -m lcreview check", description=__doc__.splitlines()[0])
    parser.add_argument("--root", help="repository root to check (default: this checkout)")
    args = parser.parse_args(argv)
    problems = check(args.root)
    for p in problems:
        print(p)
    if problems:
        print(f"check: {len(problems)} problem(s) found; nothing was changed", file=sys.stderr)
        return 1
    from lcreview import paths
    root = Path(args.root or paths.ROOT)
    counts = []
    pkg = json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))
    for res in pkg["resources"]:
        with open(root / "data" / res["path"], encoding="utf-8") as fh:
            counts.append(f"{sum(1 for _ in csv.DictReader(fh))} {res['name'].replace('_', ' ')}")
    print("check: OK - " + ", ".join(counts) + ", references.bib")
    return 0
