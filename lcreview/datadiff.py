"""``python -m lcreview diff BASE``: what a change does to the data, as a Markdown report.

Compares ``data/`` and ``references.bib`` of the working tree with git revision BASE: rows added, removed
and changed in every table (by its primary key, each changed cell old -> new), BibTeX entries added,
removed and changed, and the chapters that read a changed file (so whose figures may change). Reads only.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import bibtexparser

from lcreview import build, paths
from lcreview.coverage import DataError, csv_rows
from lcreview.validate import Problem

DESCRIPTOR, BIB, STATE = "data/datapackage.json", "references.bib", "_build/exec-state.json"


class GitError(Exception):
    """BASE cannot be read with git."""


def _git(root: Path, *args: str) -> str:
    try:
        out = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if out.returncode:
        raise GitError(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"git {args[0]} failed")
    return out.stdout


def base_files(root: Path, base: str) -> dict[str, str]:
    """{path: text} of data/ and references.bib at revision ``base``."""
    try:
        _git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    except GitError:
        raise GitError(
            f"{base!r} is not a revision of this repository (in CI, fetch it first: git fetch --depth=1 origin BRANCH)"
        ) from None
    names = _git(root, "ls-tree", "-r", "--name-only", base, "--", "data", BIB).split("\n")
    return {n: _git(root, "show", f"{base}:{n}") for n in names if n}


def work_files(root: Path) -> dict[str, str]:
    """{path: text} of data/ and references.bib in the working tree."""
    files = [p for p in sorted((root / "data").rglob("*")) if p.is_file()] + [root / BIB]
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in files if p.exists()}


def tables(files: dict[str, str]) -> dict[str, tuple[str, list[str]]]:
    """{resource: (file, primary key)} declared by the descriptor among ``files``.

    Paths are relative to the descriptor; older revisions wrote them from the repository root (data/...).
    """
    try:
        pkg = json.loads(files.get(DESCRIPTOR, "{}"))
    except json.JSONDecodeError as exc:
        raise DataError(Problem(DESCRIPTOR, exc.lineno, "", f"not valid JSON: {exc.msg}")) from None
    out = {}
    for res in pkg.get("resources", []):
        path = res["path"] if res["path"].startswith("data/") else "data/" + res["path"]
        out[res["name"]] = (path, res.get("schema", {}).get("primaryKey", []))
    return out


def diff_rows(old: str, new: str, file: str, key: list[str]) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """(added, removed, changed) between two versions of one CSV file, rows identified by ``key``.

    Added and removed are [(id, row)], changed is [(id, [(column, old, new)])].
    """

    def keyed(text):
        rows = [r for _, r in csv_rows(text, file)] if text else []
        cols = key or list(rows[0])[:1] if rows else []
        return {" / ".join(r.get(c, "") for c in cols): r for r in rows}

    a, b = keyed(old), keyed(new)
    changed = []
    for k in sorted(b.keys() & a.keys()):
        cells = [
            (c, a[k].get(c, ""), b[k].get(c, ""))
            for c in dict.fromkeys([*a[k], *b[k]])
            if a[k].get(c, "") != b[k].get(c, "")
        ]
        if cells:
            changed.append((k, cells))
    return [(k, r) for k, r in b.items() if k not in a], [(k, r) for k, r in a.items() if k not in b], changed


def bib_entries(text: str) -> dict[str, dict[str, str]]:
    """{key: {field: value}} of a BibTeX file (entries that parse)."""
    library = bibtexparser.parse_string(text) if text else None
    return {e.key: {f.key: str(f.value) for f in e.fields} for e in library.entries} if library else {}


def _code(value: str) -> str:
    """A cell value as inline code in Markdown (empty shown as such)."""
    value = " ".join(str(value).split())
    return f"`{value.replace('`', chr(39))}`" if value else "*(empty)*"


def _cells(cells: list[tuple[str, str, str]]) -> str:
    return "; ".join(f"{c}: {_code(o)} → {_code(n)}" for c, o, n in cells)


def _fields(row: dict, skip: list[str]) -> str:
    return "; ".join(f"{c}: {_code(v)}" for c, v in row.items() if v and c not in skip)


def _descriptor_parts(a: dict, b: dict) -> list[str]:
    """The parts of two descriptors that differ: each resource's schema, each vocabulary, other keys."""
    ra, rb = ({r["name"]: r for r in d.get("resources", [])} for d in (a, b))
    parts = [f"resource {_code(n)}" for n in sorted(ra.keys() | rb.keys()) if ra.get(n) != rb.get(n)]
    return parts + [_code(k) for k in sorted(a.keys() | b.keys()) if k != "resources" and a.get(k) != b.get(k)]


def chapter_reads(root: Path) -> tuple[dict[str, set[str]], str]:
    """{chapter: data files it reads}, and how that was found (the last build's record or a source scan)."""
    try:
        chapters = [f for f in build.toc_files(root) if build.is_notebook(root / f)]
    except (OSError, SystemExit) as exc:
        return {}, f"nowhere: the table of contents cannot be read ({exc})"
    state_path = root / STATE
    state = json.loads(state_path.read_text(encoding="utf-8")) if state_path.exists() else {}
    if chapters and all(build.staged_name(c) in state for c in chapters):
        return (
            {c: set(state[build.staged_name(c)].get("deps", {})) for c in chapters},
            f"what each chapter read when it last ran ({STATE})",
        )
    loaders = _loader_files(root)
    out = {}
    for c in chapters:
        code = [cell.source for cell in build.read_notebook(root / c).cells if cell.cell_type == "code"]
        modules = [root / m for m in build.code_deps(root, code) if m != "lcreview/load.py" and (root / m).exists()]
        text = "\n".join(code + [m.read_text(encoding="utf-8") for m in modules])
        out[c] = set().union(*(loaders.get(name, set()) for name in re.findall(r"\bload\.(\w+)\(", text)))
    return (
        out,
        "a scan of each chapter's code and the lcreview modules it imports for lcreview.load calls (no build record)",
    )


def _loader_files(root: Path) -> dict[str, set[str]]:
    """{function of lcreview.load: data files it reads}, from its source: table("x") literals and calls."""
    tree = ast.parse((root / "lcreview" / "load.py").read_text(encoding="utf-8"))
    files = tables(work_files(root))
    direct, calls = {}, {}
    for fn in (n for n in tree.body if isinstance(n, ast.FunctionDef)):
        called = [n for n in ast.walk(fn) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
        calls[fn.name] = {c.func.id for c in called}
        direct[fn.name] = {
            files[a.value][0]
            for c in called
            if c.func.id in ("table", "resource")
            for a in c.args
            if isinstance(a, ast.Constant) and a.value in files
        }
        if fn.name == "package":
            direct[fn.name].add(DESCRIPTOR)
    out = {}
    for name in direct:
        seen, todo = set(), [name]
        while todo:
            f = todo.pop()
            if f in direct and f not in seen:
                seen.add(f)
                todo += calls[f]
        out[name] = set().union(*(direct[f] for f in seen))
    return out


def report(root: Path | str | None, base: str) -> str:
    """The Markdown report of the working tree against ``base``."""
    root = Path(root or paths.ROOT)
    old, new = base_files(root, base), work_files(root)
    short = _git(root, "rev-parse", "--short", base).strip()
    lines = [f"# Data changes against `{base}` ({short})", ""]
    summary, body, changed_files = [], [], sorted(f for f in old.keys() | new.keys() if old.get(f) != new.get(f))
    declared = {**tables(old), **tables(new)}
    for name, (file, key) in sorted(declared.items(), key=lambda kv: kv[1][0]):
        if old.get(file, "") == new.get(file, ""):
            continue
        added, removed, changed = diff_rows(old.get(file, ""), new.get(file, ""), file, key)
        noun = name.replace("_", " ")
        summary.append(f"{noun}: {len(added)} added, {len(removed)} removed, {len(changed)} changed")
        body += [f"## {noun} (`{file}`)", ""]
        body += [f"- added {_code(k)}: {_fields(r, key)}" for k, r in added]
        body += [f"- removed {_code(k)}: {_fields(r, key)}" for k, r in removed]
        body += [f"- changed {_code(k)}: {_cells(cells)}" for k, cells in changed] + [""]
    if old.get(BIB, "") != new.get(BIB, ""):
        a, b = bib_entries(old.get(BIB, "")), bib_entries(new.get(BIB, ""))
        moved = sorted(k for k in a.keys() & b.keys() if a[k] != b[k])
        summary.append(
            f"bibliography: {len(b.keys() - a.keys())} added, {len(a.keys() - b.keys())} removed, {len(moved)} changed"
        )
        body += [f"## Bibliography (`{BIB}`)", ""]
        body += [f"- added {_code(k)}: {b[k].get('title', '')}" for k in sorted(b.keys() - a.keys())]
        body += [f"- removed {_code(k)}" for k in sorted(a.keys() - b.keys())]
        body += [
            f"- changed {_code(k)}: "
            + _cells(
                [
                    (f, a[k].get(f, ""), b[k].get(f, ""))
                    for f in dict.fromkeys([*a[k], *b[k]])
                    if a[k].get(f) != b[k].get(f)
                ]
            )
            for k in moved
        ] + [""]
    if old.get(DESCRIPTOR) != new.get(DESCRIPTOR) and DESCRIPTOR in old and DESCRIPTOR in new:
        body += (
            [f"## Data package (`{DESCRIPTOR}`)", ""]
            + [f"- changed {p}" for p in _descriptor_parts(json.loads(old[DESCRIPTOR]), json.loads(new[DESCRIPTOR]))]
            + [""]
        )
    others = [f for f in changed_files if f not in (BIB, DESCRIPTOR) and f not in {v[0] for v in declared.values()}]
    if others:
        body += (
            ["## Other files", ""]
            + [
                f"- {_code(f)} " + ("added" if f not in old else "removed" if f not in new else "changed")
                for f in others
            ]
            + [""]
        )
    if changed_files:
        reads, how = chapter_reads(root)
        hit = {c: sorted(r & set(changed_files)) for c, r in reads.items() if r & set(changed_files)}
        body += ["## Chapters whose inputs changed", "", f"From {how}.", ""]
        body += [f"- `{c}`: " + ", ".join(map(_code, files)) for c, files in hit.items()] or ["- none"]
        body.append("")
    lines += ([f"- {s}" for s in summary] or ["No change to the data or the bibliography."]) + [""] + body
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lcreview diff", description=__doc__.splitlines()[0])
    parser.add_argument("base", help="git revision to compare with, e.g. origin/main")
    parser.add_argument("--root", help="repository root (default: this checkout)")
    args = parser.parse_args(argv)
    try:
        print(report(args.root, args.base), end="")
    except GitError as exc:
        print(f"diff: {exc}", file=sys.stderr)
        return 1
    except DataError as exc:
        print(exc.problem)
        print("diff: a data file cannot be read; run make check", file=sys.stderr)
        return 1
    return 0
