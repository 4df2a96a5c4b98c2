"""Every rule of ``make check``: one line per problem, ``FILE:LINE: column NAME: message``.

Validation only reads. The schema in ``data/datapackage.json`` (types,
required cells, enumerations, patterns, unique and foreign keys) is checked
by the Frictionless library; this module reads each file with its physical
line numbers, reports Frictionless' findings in the form above, and adds the
review's own rules: every cell is plain text on one line (no markup, no
control characters, no spreadsheet formula), quotes hold the number as
written, a K, M or B text has one reading per range and per paper, relative
numbers name a baseline, a win rate is not filed as a score, units fit their
quantity, duplicate_of and compared_with link claims of the same paper that
fit, papers have a BibTeX entry, and every claim id a chapter names exists.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import bibtexparser

MAX_QUOTE_WORDS = 30  # "at most ~25 words", with a little slack
SCORES = ("score", "score gain", "score degradation")
WIN_RATE = re.compile(r"\bwin(s|ning)?\b(?!dow)|\bwin[- ]rate", re.I)
MARKUP = re.compile(r"<\s*[A-Za-z/!?]|javascript:|\bon[a-z]+\s*=|\{[a-z:-]+\}`|!\[|\]\(", re.I)
# C0 and C1 controls (tab, CR and LF among them), line and paragraph separators, bidirectional overrides
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
PLAIN_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may run (OWASP, CSV injection)
CHAPTER_DIRS = ("notebooks", "book")
TYPE_WORDS = {
    "integer": "a whole number",
    "number": "a plain number (no commas, units or suffixes)",
    "boolean": "true or false",
    "date": "a date YYYY-MM-DD",
}
NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "a hundred": 100})
_NUM = re.compile(
    r"(?P<num>(?P<frac>\d+/\d+)|\d[\d,]*(?:\.\d+)?|\.\d+|"
    + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
    + r")"
    r"\s*(?P<suffix>billion|million|thousand|[KkMB](?![a-z]))?",
    re.I,
)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        col = f" column {self.column}:" if self.column else ""
        return f"{self.file}:{self.line}:{col} {self.message}"


def formula_risk(text: str) -> bool:
    """Whether a spreadsheet opening ``text`` as a CSV cell could run it (a plain number cannot)."""
    return text.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(text)


def neutralise(value):
    """A CSV cell that a spreadsheet shows as text: a leading quote before a formula (OWASP's advice)."""
    return "'" + value if isinstance(value, str) and formula_risk(value) else value


def parse_number(text: str, k_base: int | None = None) -> tuple[float, str]:
    """Value of the first number of ``text`` as written ("400K", "24.89x", "10,000", "1/3", "three", "456 billion").

    K, M and B read as ``k_base`` to the power 1, 2 and 3 (1000 when it is None; ProLong's 40B is 40 x 2^30 with
    k_base 1024); words (thousand, million, billion) are always decimal. Returns (value, the K/M/B letter that
    k_base applied to, lower case, or ""). Raises ValueError when text holds no number (or a fraction over zero).
    """
    m = _NUM.search(text)
    if not m:
        raise ValueError(f"no number in {text!r}")
    raw = m.group("num").lower()
    if m.group("frac"):
        numerator, denominator = map(int, raw.split("/"))
        if not denominator:
            raise ValueError(f"a fraction over zero in {text!r}")
        value = numerator / denominator
    else:
        value = float(NUMBER_WORDS[raw]) if raw in NUMBER_WORDS else float(raw.replace(",", ""))
    suffix = (m.group("suffix") or "").lower()
    base = k_base or 1000
    mult = {"": 1, "k": base, "m": base**2, "b": base**3, "billion": 1e9, "million": 1e6, "thousand": 1e3}[suffix]
    return value * mult, suffix if suffix in ("k", "m", "b") else ""


def _line_of(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


class _Table:
    """A CSV file read with physical line numbers; ``ok`` when its rows could be read at all."""

    def __init__(self, root: Path, res: dict, problems: list[Problem]):
        self.res, self.problems = res, problems
        self.path = root / "data" / res["path"]
        self.file = "data/" + res["path"]
        self.fields = {f["name"]: f for f in res["schema"]["fields"]}
        self.rows: list[tuple[int, dict]] = []
        self.lines: list[int] = []  # line of each row after the header, blank ones too (Frictionless' rows 2, 3, ...)
        self.ok = self._read()

    def problem(self, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, column, message))

    def line_of(self, row_number: int) -> int:
        """Physical line of Frictionless' row ``row_number`` (the header is row 1)."""
        return self.lines[row_number - 2] if 2 <= row_number < len(self.lines) + 2 else row_number

    def _read(self) -> bool:
        if not self.path.exists():
            self.problem(0, "", "file is missing (declared in data/datapackage.json)")
            return False
        data = self.path.read_bytes()
        try:
            text = data.decode("utf-8-sig")  # a byte-order mark, as spreadsheet programs write, is fine
        except UnicodeDecodeError as exc:
            self.problem(_line_of(data, exc.start), "", f"not valid UTF-8 ({exc.reason}); save the file as UTF-8 CSV")
            return False
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
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
        if missing or unknown or len(set(header)) != len(header):
            return False
        start, ok = reader.line_num + 1, True
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                self.problem(start, "", f"cannot parse this row ({exc}); check its quoting")
                return False
            line, start = start, reader.line_num + 1
            self.lines.append(line)
            if cells and cells != [""] and len(cells) != len(header):
                self.problem(line, "", f"row has {len(cells)} cells, expected {len(header)} (one per header column)")
                ok = False
            elif cells and cells != [""]:
                self.rows.append((line, dict(zip(header, cells))))
        if ok and not self.rows:
            self.problem(2, "", "the table has no rows (only its header); the book needs at least one")
        return ok and bool(self.rows)

    def check_cells(self, flagged: set[tuple[int, str]]) -> None:
        """The review's rules for every cell: one line of plain text, no formula, numbers written plainly."""
        for line, row in self.rows:
            for name, field in self.fields.items():
                message = _cell_problem(row[name], field["type"])
                if message and (line, name) not in flagged:
                    self.problem(line, name, message)


def _cell_problem(value: str, kind: str) -> str:
    """What is wrong with one cell by the review's own rules; empty when nothing is."""
    bad = CONTROL.search(value)
    if bad and bad.group(0) in "\r\n\u2028\u2029":
        return "line break in a cell shown on one line; write the cell on one line"
    if bad:
        name = {"\t": " (a tab)", "\x00": " (NUL)"}.get(bad.group(0), "")
        return f"control character U+{ord(bad.group(0)):04X}{name} in the cell; remove it"
    if value != value.strip():
        return f"leading or trailing spaces in {value!r}"
    if kind == "string" and formula_risk(value):
        return (
            f"starts with {value[0]!r}, which a spreadsheet runs as a formula; reword it "
            "(plain numbers such as -3.2 are fine)"
        )
    if MARKUP.search(value):
        return f"markup is not allowed in data cells (found {MARKUP.search(value).group(0)!r}); write plain text"
    if kind in ("integer", "number") and value and not PLAIN_NUMBER.fullmatch(value):
        return f"{value!r} is not {TYPE_WORDS[kind]}"
    return ""


def _frictionless(pkg: dict, root: Path, tables: dict[str, _Table], problems: list[Problem]) -> set[tuple[int, str]]:
    """Schema checks by Frictionless on the readable tables; returns the cells it flagged.

    Foreign keys into a table that could not be read are left out: the cause is reported, not its echoes.
    """
    from frictionless import FrictionlessException, Package

    readable = [dict(res) for res in pkg["resources"] if tables[res["name"]].ok]
    names = {res["name"] for res in readable}
    for res in readable:
        schema = res["schema"] = dict(res["schema"])
        schema["foreignKeys"] = [fk for fk in schema.get("foreignKeys", []) if fk["reference"]["resource"] in names]
    descriptor = {k: v for k, v in pkg.items() if not k.startswith("x-")} | {"resources": readable}
    try:
        report = Package(descriptor, basepath=str(root / "data")).validate(limit_errors=10_000)
    except FrictionlessException as exc:
        detail = "; ".join(e.message for e in exc.reasons) or exc.error.message
        problems.append(
            Problem("data/datapackage.json", 0, "", f"the descriptor is not a valid data package: {detail}")
        )
        return set()
    for error in report.errors:
        problems.append(Problem("data/datapackage.json", 0, "", error.message))
    flagged = set()
    for task in report.tasks:
        t = tables[task.name]
        for error in task.errors:
            line = t.line_of(getattr(error, "row_number", None) or 0)
            column = getattr(error, "field_name", None) or ""
            if error.type == "foreign-key":
                column = error.field_names[0]
            elif error.type == "primary-key":
                column = t.res["schema"]["primaryKey"][0]
            flagged.add((line, column))
            t.problem(line, column, _message(error, t, tables))
    return flagged


def _message(error, t: _Table, tables: dict[str, _Table]) -> str:
    """One Frictionless error in the review's words."""
    field = t.fields.get(getattr(error, "field_name", None) or "", {})
    cell = getattr(error, "cell", None)
    if error.type == "type-error":
        return f"{cell!r} is not {TYPE_WORDS.get(field['type'], 'of type ' + field['type'])}"
    if error.type == "constraint-error":
        kind = re.match(r'constraint "(\w+)"', error.note)
        kind = kind.group(1) if kind else ""
        cons = field.get("constraints", {})
        if kind == "required":
            return f"required cell is empty; expected {field['description'].rstrip('.').lower()}"
        if kind == "enum":
            return f"{cell!r} is not allowed; expected one of: " + ", ".join(map(str, cons["enum"]))
        if kind == "pattern":
            example = f" (for example {field['example']})" if "example" in field else ""
            return f"{cell!r} does not match the expected form {cons['pattern']}{example}"
        if kind == "minimum":
            return f"{cell} is below the minimum {cons['minimum']}"
        if kind == "maxLength":
            return f"{len(cell)} characters; expected at most {cons['maxLength']}"
    if error.type in ("unique-error", "primary-key"):
        first = re.search(r"position (\d+)", error.note)
        value = (
            cell
            if error.type == "unique-error"
            else ", ".join(str(error.cells[list(t.fields).index(k)]) for k in t.res["schema"]["primaryKey"])
        )
        where = f" (first on line {t.line_of(int(first.group(1)))})" if first else ""
        return f"duplicate value {value!r}{where}; expected unique values"
    if error.type == "foreign-key":
        return f"{error.field_cells[0]!r} is not a key of {tables[error.reference_name].file}"
    if error.type == "blank-row":
        return "blank row; remove it"
    return f"{error.title.lower()}: {error.note}"


def _bib(root: Path, problems: list[Problem]) -> dict[str, int] | None:
    """Parse references.bib; return {key: line}, or None when it cannot be read."""
    path = root / "references.bib"
    if not path.exists():
        problems.append(Problem("references.bib", 0, "", "file is missing"))
        return {}
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(
            Problem(
                "references.bib",
                _line_of(data, exc.start),
                "",
                f"not valid UTF-8 ({exc.reason}); save the file as UTF-8",
            )
        )
        return None
    quiet = logging.getLogger("bibtexparser")
    level, quiet.level = quiet.level, logging.CRITICAL  # problems are reported below, one line each
    try:
        library = bibtexparser.parse_string(text)
    finally:
        quiet.setLevel(level)
    for block in library.failed_blocks:
        kind = type(block).__name__
        if kind == "DuplicateBlockKeyBlock":
            problems.append(
                Problem("references.bib", block.start_line + 1, "key", f"duplicate BibTeX key {block.key!r}")
            )
        else:
            err = getattr(block, "error", None)
            detail = str(err) or getattr(getattr(err, "__class__", None), "__name__", "") or kind
            if "Aborted" in detail:
                detail = "the entry is not closed (an unbalanced brace or quote)"
            problems.append(
                Problem(
                    "references.bib",
                    block.start_line + 1,
                    "",
                    f"cannot parse this entry: {detail}; expected @type{{key, field = {{...}}, ...}}",
                )
            )
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
            problems.append(
                Problem("references.bib", line, "eprint", f"{fields['eprint']!r} is not an arXiv id like 2401.03462")
            )
    return keys


def check(root: Path | str | None = None) -> list[Problem]:
    """All problems of the data in ``root`` (the repository root by default).

    Files that cannot be read come first; nothing is checked against them.
    """
    from lcreview import paths

    root = Path(root or paths.ROOT)
    problems: list[Problem] = []
    try:
        pkg = json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", 0)
        return [Problem("data/datapackage.json", line, "", f"cannot read the data package descriptor: {exc}")]
    from frictionless import FrictionlessException, Package

    try:
        Package(pkg, basepath=str(root / "data"))
    except FrictionlessException as exc:
        detail = "; ".join(e.message for e in exc.reasons) or exc.error.message
        return [Problem("data/datapackage.json", 0, "", f"the descriptor is not a valid data package: {detail}")]
    tables = {res["name"]: _Table(root, res, problems) for res in pkg["resources"]}
    bib = _bib(root, problems)
    unreadable = sorted(problems, key=lambda p: (p.file, p.line, p.column, p.message))
    problems.clear()
    flagged = _frictionless(pkg, root, tables, problems)
    for t in tables.values():
        t.check_cells(flagged)
    papers = {row["key"]: row for _, row in tables["papers"].rows}
    _papers(tables["papers"], pkg, bib)
    _claims(tables["claims"], pkg, papers)
    _configs(tables["model_configs"])
    _benchmarks(tables["benchmarks"], pkg)
    if tables["claims"].ok:
        _chapters(root, tables["claims"], tables["papers"].fields["key"]["constraints"]["pattern"], problems)
    return unreadable + sorted(set(problems), key=lambda p: (p.file, p.line, p.column, p.message))


def _chapters(root: Path, claims: _Table, key_pattern: str, problems: list[Problem]) -> None:
    """Every claim id a chapter names (glue_claims, said, any string of the id form) is in claims.csv."""
    known = {row["id"] for _, row in claims.rows}
    form = re.compile(r"(?<![\w.-])(" + key_pattern + r"\.[0-9]+)(?![\w-]|\.[0-9])")
    for folder in CHAPTER_DIRS:
        for path in sorted((root / folder).glob("*")):
            if path.suffix not in (".md", ".ipynb"):
                continue
            text = path.read_bytes().decode("utf-8", errors="replace")
            for number, line in enumerate(text.splitlines(), 1):
                for m in form.finditer(line):
                    if m.group(1) not in known:
                        problems.append(
                            Problem(
                                f"{folder}/{path.name}",
                                number,
                                "",
                                f"claim {m.group(1)!r} is not "
                                f"in {claims.file} (column id); fix the id or add the claim",
                            )
                        )


def _papers(t: _Table, pkg: dict, bib: dict[str, int]) -> None:
    themes = pkg["x-themes"]
    for line, row in t.rows:
        if bib is not None and row["key"] and row["key"] not in bib:
            t.problem(line, "key", f"{row['key']!r} has no entry in references.bib; expected an entry with this key")
        included = row["included"] == "true"
        if included and not row["theme"]:
            t.problem(line, "theme", "an included paper needs a primary theme; expected one of: " + ", ".join(themes))
        if included and row["exclusion_reason"]:
            t.problem(
                line, "exclusion_reason", "an included paper has no exclusion reason; empty it or set included to false"
            )
        if row["included"] == "false" and not row["exclusion_reason"]:
            t.problem(line, "exclusion_reason", "an excluded paper needs the reason it is out of scope")
        for theme in filter(None, (s.strip() for s in row["themes_secondary"].split(";"))):
            if theme not in themes:
                t.problem(
                    line, "themes_secondary", f"unknown theme {theme!r}; expected themes from: " + ", ".join(themes)
                )
            elif theme == row["theme"]:
                t.problem(line, "themes_secondary", f"{theme!r} is already the primary theme")


def _claims(t: _Table, pkg: dict, papers: dict[str, dict]) -> None:
    """Rules of each claims row; one reading of a K/M/B text per paper and unit; duplicate_of and compared_with."""
    quantities = pkg["x-quantities"]
    readings: dict[tuple[str, str, str], tuple[int, int]] = {}  # (paper, unit, TEXT) -> (base, first line)
    for line, row in t.rows:
        q, unit = row["quantity"], row["unit"]
        spec = quantities.get(q)
        if q in SCORES and WIN_RATE.search(row["quote"]):
            t.problem(
                line,
                "quantity",
                "the quote reports a win rate; expected quantity 'win rate' with the opponent as baseline",
            )
        if row["id"] and row["paper"] and not row["id"].startswith(row["paper"] + "."):
            t.problem(line, "id", f"{row['id']!r} should start with the paper key {row['paper']!r} and a dot")
        paper = papers.get(row["paper"])
        if paper and paper["included"] == "false":
            t.problem(
                line, "paper", f"{row['paper']!r} is excluded from the review; its numbers do not belong in claims.csv"
            )
        if spec and unit and unit not in spec["units"]:
            t.problem(
                line, "unit", f"{unit!r} does not fit quantity {q!r}; expected one of: " + ", ".join(spec["units"])
            )
        if spec and spec["relative"]:
            if not row["baseline"]:
                t.problem(line, "baseline", f"{q!r} is a relative number: name what it is measured against")
            if not row["baseline_kind"]:
                t.problem(
                    line,
                    "baseline_kind",
                    f"{q!r} is a relative number: give the kind of baseline; expected one of: "
                    + ", ".join(pkg["x-baseline-kinds"]),
                )
        if row["baseline_kind"] and not row["baseline"]:
            t.problem(line, "baseline", "baseline_kind is set but baseline is empty; describe the baseline")
        quote = row["quote"]
        words = len(quote.split())
        if words > MAX_QUOTE_WORDS:
            t.problem(
                line,
                "quote",
                f"{words} words; expected the shortest span that holds the number (at most {MAX_QUOTE_WORDS} words)",
            )
        span = row["qualifier"] in ("range", "from-to")
        if span and not (row["value_high"] and row["value_high_text"]):
            t.problem(line, "value_high", f"qualifier {row['qualifier']!r} needs value_high and value_high_text")
        if not span and (row["value_high"] or row["value_high_text"]):
            t.problem(
                line, "value_high", f"value_high is only for qualifiers range and from-to, not {row['qualifier']!r}"
            )
        _numbers(t, line, row, readings)
        if span and row["value"] and row["value_high"]:
            try:
                lo, hi = float(row["value"]), float(row["value_high"])
                if hi < lo or (row["qualifier"] == "from-to" and hi == lo):
                    t.problem(
                        line, "value_high", f"{row['value_high']} is below value {row['value']}; expected the upper end"
                    )
            except ValueError:
                pass
    _links(t)


def _numbers(t: _Table, line: int, row: dict, readings: dict[tuple[str, str, str], tuple[int, int]]) -> None:
    """value_text and value_high_text hold the number as written, read with k_base (one base for a range).

    ``readings`` holds the base each K/M/B text of a paper and unit was first read with, and where.
    """
    quote, unit = row["quote"], row["unit"]
    k = int(row["k_base"]) if row["k_base"] in ("1000", "1024") else None
    used = False
    for vcol, tcol in (("value", "value_text"), ("value_high", "value_high_text")):
        text = row[tcol]
        if not text:
            continue
        if quote and text not in quote:
            t.problem(
                line, tcol, f"{text!r} does not appear in the quote; expected the number exactly as written there"
            )
        try:
            parsed, letter = parse_number(text, k)
        except ValueError as exc:
            t.problem(line, tcol, f"{exc}; expected the number as written, e.g. 400K, 24.89x, 10,000, 1/3")
            continue
        used |= bool(letter)
        if letter in ("k", "m") and unit == "tokens" and k is None:
            t.problem(line, "k_base", f"{text!r} has a K/M suffix: say how it was read (1024 or 1000)")
            continue
        if letter:
            first_base, first_line = readings.setdefault((row["paper"], unit, text.strip().upper()), (k or 1000, line))
            if first_base != (k or 1000):
                t.problem(
                    line,
                    "k_base",
                    f"{text!r} is read with base {k or 1000} here but {first_base} on line {first_line} of the same "
                    "paper; one reading per paper",
                )
        try:
            value = float(row[vcol])
        except ValueError:
            continue
        if not math.isclose(parsed, value, rel_tol=1e-9, abs_tol=1e-12):
            read = f" with k_base {k}" if letter and k else ""
            t.problem(line, vcol, f"{row[vcol]} does not match {text!r} as written (reads as {parsed:g}{read})")
    if row["k_base"] and not used:
        t.problem(line, "k_base", "k_base is only for numbers written with a K, M or B suffix")
    if row["k_base_high"] and row["k_base_high"] != row["k_base"]:
        t.problem(
            line,
            "k_base_high",
            f"a range is read with one base: k_base_high {row['k_base_high']} differs from k_base "
            f"{row['k_base'] or '(empty)'}; read both ends with the same base",
        )
    elif row["k_base_high"]:
        t.problem(line, "k_base_high", "k_base_high is deprecated (k_base reads both ends); leave it empty")


def _links(t: _Table) -> None:
    """duplicate_of names a claim of the same paper stating the same number; compared_with a claimed window."""
    by_id = {row["id"]: row for _, row in t.rows}
    for line, row in t.rows:
        dup, other = row["duplicate_of"], by_id.get(row["duplicate_of"])
        if dup and dup == row["id"]:
            t.problem(line, "duplicate_of", "a claim cannot repeat itself")
        elif other and other["paper"] != row["paper"]:
            t.problem(
                line,
                "duplicate_of",
                f"{dup!r} is a claim of another paper; duplicate_of names a claim of the same paper",
            )
        elif other and not _same_number(row, other):
            t.problem(
                line,
                "duplicate_of",
                f"{dup!r} reports {_stated(other)}, not {_stated(row)}; "
                "duplicate_of links rows that state the same number",
            )
        elif other and other["duplicate_of"]:
            t.problem(
                line,
                "duplicate_of",
                f"{dup!r} is itself a duplicate of {other['duplicate_of']!r}; point to the claim that is kept",
            )
        cid, claimed = row["compared_with"], by_id.get(row["compared_with"])
        if cid and row["quantity"] != "effective context length":
            t.problem(
                line,
                "compared_with",
                "compared_with is for quantity 'effective context length' (it names the claimed window); "
                f"not {row['quantity']!r}",
            )
        elif claimed and claimed["paper"] != row["paper"]:
            t.problem(
                line, "compared_with", f"{cid!r} is a claim of another paper; compare with a claim of the same paper"
            )
        elif claimed and (claimed["quantity"] != "claimed context length" or claimed["model"] != row["model"]):
            t.problem(line, "compared_with", f"{cid!r} is not the claimed window of model {row['model']!r}")
        elif claimed and claimed["unit"] != row["unit"]:
            t.problem(
                line,
                "compared_with",
                f"{cid!r} is in {claimed['unit']}, not {row['unit']}; compare lengths in the same unit",
            )


def _same_number(a: dict, b: dict) -> bool:
    """Whether two claims rows state the same number (unit, value and value_high; unreadable cells are not compared)."""
    if a["unit"] != b["unit"] or bool(a["value_high"]) != bool(b["value_high"]):
        return False
    try:
        return all(math.isclose(float(a[c]), float(b[c]), rel_tol=1e-9) for c in ("value", "value_high") if a[c])
    except ValueError:
        return True  # the schema reports the cell


def _stated(row: dict) -> str:
    high = f" to {row['value_high']}" if row["value_high"] else ""
    return f"{row['value']}{high} {row['unit']}"


def _configs(t: _Table) -> None:
    for line, row in t.rows:
        try:
            heads, kv = int(row["attention_heads"]), int(row["kv_heads"])
        except ValueError:
            continue
        if kv >= 1 and (kv > heads or heads % kv):  # kv_heads below 1 is reported by the schema
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
        with open(root / "data" / res["path"], encoding="utf-8-sig", newline="") as fh:
            counts.append(f"{sum(1 for _ in csv.DictReader(fh))} {res['name'].replace('_', ' ')}")
    print("check: OK - " + ", ".join(counts) + ", references.bib")
    return 0
