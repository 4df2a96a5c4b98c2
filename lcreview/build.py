"""Build the book so that it is never stale and a no-op is quick.

1. Validate the data (``make check``); stop on any problem.
2. Mirror the book's sources into ``_build/site-src`` (a file is rewritten
   only when its content changed, so Sphinx re-reads only what changed).
3. Execute each notebook of the table of contents with nbclient when its
   source, the package, or any file it read last time (``lcreview.load``
   appends each file it reads to the file named by ``LCREVIEW_READS``) has changed; write the executed copy into the
   staging folder. The stock MyST-NB cache keys on code cells only and would
   keep a figure drawn from an old CSV.
4. Run ``jupyter-book build`` on the staging folder, strictly
   (``-W -n --keep-going``), unless nothing in it changed since the last
   successful build.
"""
from __future__ import annotations

import argparse
import ast
import concurrent.futures as cf
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

STATE = "exec-state.json"
SITE_STAMP = "site-stamp.json"


BOOK_FILES = ["_toc.yml", "references.bib", "CHANGELOG.md"]     # copied as they are into the staging folder
BOOK_DIRS = ["book", "notebooks", "data"]                        # mirrored, notebooks executed
SOURCES = ["_config.yml", *BOOK_FILES, *BOOK_DIRS, "lcreview"]


def copy_sources(root: Path, dest: Path) -> Path:
    """A clean copy of the book's sources (no _build, no .venv), for tests and benchmarks."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in SOURCES:
        src = root / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        else:
            shutil.copy2(src, dest / name)
    return dest


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def imported_modules(source: str) -> set[str] | None:
    """Names of ``lcreview`` modules (or names inside them) some Python code imports; None if it does not parse.

    Imports anywhere count (also inside functions), and a package is imported with any of its modules.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = ("lcreview" + (f".{node.module}" if node.module else "")) if node.level else node.module or ""
            names |= {base} | {f"{base}.{a.name}" for a in node.names}
    return {n for n in names if n == "lcreview" or n.startswith("lcreview.")}


def module_files(root: Path, name: str) -> list[Path]:
    """Candidate files of a dotted name: the module itself and every package above it."""
    parts = name.split(".")
    out = []
    for i in range(1, len(parts) + 1):
        base = root.joinpath(*parts[:i])
        out += [base / "__init__.py", base.with_suffix(".py")]
    return out


def code_deps(root: Path, sources: list[str]) -> dict[str, str | None]:
    """Package files the given code cells run, directly or through other lcreview modules, with their digests.

    Conservative: code that does not parse depends on the whole package. A candidate that does not exist yet
    (``from lcreview import x`` may one day mean ``lcreview/x.py``) is recorded as None.
    """
    from IPython.core.inputtransformer2 import TransformerManager
    transform = TransformerManager().transform_cell
    every = sorted((root / "lcreview").rglob("*.py"))
    todo: list[Path] = []
    for src in sources:
        names = imported_modules(transform(src))
        if names is None:
            todo = every
            break
        todo += [f for n in sorted(names) for f in module_files(root, n)]
    seen: dict[str, str | None] = {}
    while todo:
        f = todo.pop()
        rel = str(f.relative_to(root))
        if rel in seen or not (f.exists() or f.parent.joinpath("__init__.py").exists()):
            continue
        seen[rel] = sha(f) if f.exists() else None
        if f.exists():
            names = imported_modules(f.read_text(encoding="utf-8"))
            todo += every if names is None else [g for n in sorted(names) for g in module_files(root, n)]
    return seen


def toc_files(root: Path) -> list[str]:
    """Source files named by _toc.yml, with their extension, relative to the root."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    names: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for key in ("root", "file"):
                if key in node:
                    names.append(node[key])
            for v in node.values():
                if isinstance(v, (list, dict)):
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(toc)
    out = []
    for name in names:
        base = root / name
        hits = [base] if base.suffix else [base.with_suffix(s) for s in (".md", ".ipynb") if base.with_suffix(s).exists()]
        if not hits or not hits[0].exists():
            raise SystemExit(f"_toc.yml: entry {name!r}: no file {name}.md or {name}.ipynb")
        out.append(str(hits[0].relative_to(root)))
    return out


def front_matter(path: Path) -> dict:
    """The YAML front matter of a Markdown file, or {} when it has none."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}
    end = text.find("\n---", 4)
    meta = yaml.safe_load(text[4:end]) if end > 0 else None
    return meta if isinstance(meta, dict) else {}


def is_notebook(path: Path) -> bool:
    """An .ipynb, or a MyST Markdown notebook (an .md whose front matter names a kernelspec)."""
    return path.suffix == ".ipynb" or (path.suffix == ".md" and "kernelspec" in front_matter(path))


def staged_name(rel: str) -> str:
    """Where a notebook's executed copy goes in the staging folder: same path, as .ipynb."""
    return str(Path(rel).with_suffix(".ipynb"))


def read_notebook(path: Path):
    """A notebook node from an .ipynb or a MyST Markdown notebook (through jupytext)."""
    if path.suffix == ".md":
        import jupytext
        return jupytext.read(path, fmt="md:myst")
    import nbformat
    return nbformat.read(path, as_version=4)


def write_if_changed(dest: Path, data: bytes) -> bool:
    if dest.exists() and dest.read_bytes() == data:
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(dest)
    return True


def staged_config(root: Path) -> bytes:
    """The book's _config.yml with execution off: notebooks arrive executed."""
    cfg = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    cfg.setdefault("execute", {})["execute_notebooks"] = "off"
    return ("# generated by lcreview.build from ../../_config.yml; do not edit\n"
            + yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True)).encode()


def mirror(root: Path, site: Path, notebooks: list[str]) -> list[str]:
    """Copy every source except notebooks into the staging folder; drop stale files."""
    wanted: dict[str, bytes] = {"_config.yml": staged_config(root)}
    for name in BOOK_FILES:
        wanted[name] = (root / name).read_bytes()
    for folder in BOOK_DIRS:
        for p in sorted((root / folder).rglob("*")):
            rel = str(p.relative_to(root))
            if (p.is_file() and ".ipynb_checkpoints" not in rel and "__pycache__" not in rel
                    and not is_notebook(p)):
                wanted[rel] = p.read_bytes()
    changed = [rel for rel, data in wanted.items() if write_if_changed(site / rel, data)]
    keep = set(wanted) | {staged_name(nb) for nb in notebooks}
    for folder in BOOK_DIRS:
        for p in sorted((site / folder).rglob("*"), reverse=True) if (site / folder).exists() else []:
            rel = str(p.relative_to(site))
            if p.is_file() and rel not in keep:
                p.unlink()
                changed.append(rel)
    return changed


def execute(root: Path, site: Path, nb_rel: str, timeout: int) -> dict:
    """Run one notebook; return its new state entry. Raises RuntimeError on a failing cell."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    src = root / nb_rel
    nb = read_notebook(src)
    page = Path(nb_rel).stem
    shutil.rmtree(site / "_generated" / page, ignore_errors=True)
    reports = site.parent / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    reads_log = reports / f"{page}.reads"
    reads_log.write_text("")
    env = {**os.environ, "LCREVIEW_ROOT": str(root), "LCREVIEW_SITE_SRC": str(site), "LCREVIEW_READS": str(reads_log),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])), "MPLBACKEND": "Agg"}
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(src.parent)}})
    with open(reports / f"{page}.kernel.log", "w") as klog, client.setup_kernel(env=env, stderr=klog):
        try:
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
        except CellExecutionError as exc:
            name = getattr(exc, "ename", "Error")
            value = getattr(exc, "evalue", str(exc).splitlines()[-1] if str(exc) else "")
            raise RuntimeError(f"{nb_rel}: cell {index + 1} raised {name}: {value}\n{exc}") from None
    reads = sorted(set(reads_log.read_text(encoding="utf-8").split()))
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("jupytext", None)
    write_if_changed(site / staged_name(nb_rel), nbformat.writes(nb).encode())
    data = {r: sha(root / r) for r in reads if (root / r).is_file()}
    return {"source": sha(src), "deps": {**data, **code_deps(root, [c.source for c in nb.cells if c.cell_type == "code"])}}


def stale(root: Path, site: Path, nb_rel: str, entry: dict | None) -> str | None:
    """Why a notebook must run again, or None."""
    if entry is None:
        return "never executed"
    if not (site / staged_name(nb_rel)).exists():
        return "executed copy missing"
    if entry.get("source") != sha(root / nb_rel):
        return "notebook changed"
    for dep, digest in entry.get("deps", {}).items():
        if (sha(root / dep) if (root / dep).is_file() else None) != digest:
            return f"{dep} changed"
    return None


def _run_one(args):
    root, site, nb_rel, timeout = args
    t0 = time.perf_counter()
    try:
        entry = execute(Path(root), Path(site), nb_rel, timeout)
        return nb_rel, entry, None, time.perf_counter() - t0
    except Exception as exc:  # reported by the caller, with the notebook's name
        return nb_rel, None, str(exc), time.perf_counter() - t0


def execute_all(root: Path, site: Path, todo: list[str], state: dict, jobs: int, timeout: int, out=print) -> list[str]:
    """Execute notebooks (``jobs`` at a time) into the staging folder; update ``state``; return the failures."""
    reports = site.parent / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    work = [(str(root), str(site), nb, timeout) for nb in todo]
    if jobs > 1 and len(todo) > 1:
        with cf.ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_run_one, work))
    else:
        results = [_run_one(w) for w in work]
    failures = []
    for nb_rel, entry, error, seconds in results:
        log = reports / (Path(nb_rel).stem + ".log")
        if error:
            failures.append(nb_rel)
            log.write_text(error)
            state.pop(nb_rel, None)
            out(f"error: {error.splitlines()[0]} (full report: {log.relative_to(root)})")
        else:
            out(f"{nb_rel}: ok in {seconds:.1f} s")
            entry["seconds"] = round(seconds, 2)
            state[nb_rel] = entry
            log.write_text(f"ok in {seconds:.1f}s; read: {', '.join(sorted(entry['deps']))}\n")
    return failures


def site_digest(site: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(site.rglob("*")):
        if p.is_file():
            st = p.stat()
            h.update(f"{p.relative_to(site)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def build(root: Path, jobs: int | None = None, force: bool = False, timeout: int = 600, check: bool = True,
          out=print) -> int:
    root = root.resolve()
    jobs = jobs or default_jobs()
    out_dir = root / "_build"
    site = out_dir / "site-src"
    reports = out_dir / "reports"
    t_start = time.perf_counter()
    if check:
        from lcreview import validate
        problems = validate.check(root)
        if problems:
            for p in problems:
                out(str(p))
            out(f"book: not built: {len(problems)} data problem(s); run make check")
            return 1
    files = toc_files(root)
    notebooks = [f for f in files if is_notebook(root / f)]
    site.mkdir(parents=True, exist_ok=True)
    reports.mkdir(parents=True, exist_ok=True)
    changed = mirror(root, site, notebooks)
    for rel in changed:
        # Sphinx 7.4 never overwrites an existing static asset: remove the stale copy
        if rel.startswith("book/_static/"):
            (out_dir / "html" / "_static" / rel[len("book/_static/"):]).unlink(missing_ok=True)
    state_path = out_dir / STATE
    state = json.loads(state_path.read_text()) if state_path.exists() and not force else {}
    todo = []
    for nb in notebooks:
        why = "forced" if force else stale(root, site, nb, state.get(nb))
        if why:
            todo.append(nb)
            out(f"execute: {nb} ({why})")
    state = {k: v for k, v in state.items() if k in notebooks}
    failures = execute_all(root, site, todo, state, jobs, timeout, out)
    state_path.write_text(json.dumps(state, indent=1, sort_keys=True))
    if failures:
        out(f"book: not built: {len(failures)} notebook(s) failed: {', '.join(failures)}")
        return 1
    stamp_path = out_dir / SITE_STAMP
    digest = site_digest(site)
    html_index = out_dir / "html" / "index.html"
    if not force and html_index.exists() and stamp_path.exists() and json.loads(stamp_path.read_text()).get("digest") == digest:
        out(f"book: up to date, nothing executed or rebuilt ({time.perf_counter() - t_start:.1f}s); open {html_index}")
        return 0
    stamp_path.unlink(missing_ok=True)
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(site), "--path-output", str(root),
           "--builder", "html", "-W", "-n", "--keep-going"]
    if force:
        cmd.append("--all")
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    log = reports / "sphinx.log"
    log.write_text(proc.stdout + proc.stderr)
    noise = ("Running Sphinx", "loading pickled", "building [", "updating environment", "reading sources",
             "looking for now-outdated", "pickling environment", "checking consistency", "preparing documents",
             "writing output", "copying", "dumping", "generating indices", "writing additional", "done")
    for line in re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr).splitlines():
        if ("WARNING" in line or "ERROR" in line or "Error" in line or "Exception" in line) and not line.startswith(noise):
            out(line)
    if proc.returncode != 0 or "WARNING" in proc.stdout + proc.stderr or not html_index.exists():
        out(f"book: build failed (jupyter-book exit {proc.returncode}); full log: {log.relative_to(root)}")
        return 1
    stamp_path.write_text(json.dumps({"digest": site_digest(site)}))
    pages = len(files)
    out(f"book: built {pages} pages ({len(todo)} notebook(s) executed, {len(notebooks) - len(todo)} reused) "
        f"in {time.perf_counter() - t_start:.1f}s; open {html_index}")
    return 0


def run(root: Path, files: list[str], jobs: int | None = None, timeout: int = 600, out=print) -> int:
    """Execute the given chapters into the staging folder as the build does (no Sphinx); list what they wrote."""
    root = root.resolve()
    site = root / "_build" / "site-src"
    todo = []
    for name in files:
        path = Path(name).resolve()
        if not path.is_relative_to(root) or not path.is_file() or not is_notebook(path):
            out(f"{name}: not a notebook of this book (an .ipynb, or an .md with a kernelspec in its front matter)")
            return 2
        todo.append(str(path.relative_to(root)))
    state_path = root / "_build" / STATE
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    failures = execute_all(root, site, todo, state, jobs or default_jobs(), timeout, out)
    state_path.write_text(json.dumps(state, indent=1, sort_keys=True))
    for nb_rel in todo:
        folder = site / "_generated" / Path(nb_rel).stem
        written = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
        out(f"{nb_rel}: wrote {site / staged_name(nb_rel)}" + "".join(f"\n  {p}" for p in written))
    return 1 if failures else 0


def run_main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lcreview run",
                                     description="Execute chapters into _build/site-src as make book does, without Sphinx.")
    parser.add_argument("files", nargs="+", help="chapters, e.g. notebooks/inference.md")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="chapters executed at once")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    from lcreview import paths
    return run(paths.ROOT, args.files, jobs=args.jobs, timeout=args.timeout)


def default_jobs() -> int:
    """Notebooks executed at once: two where there are two cores (make bench measured it faster)."""
    env = os.environ.get("LCREVIEW_JOBS")
    return int(env) if env else max(1, min(2, os.cpu_count() or 1))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lcreview build", description="Build the book (see module doc).")
    parser.add_argument("--root", default=None, help="repository root (default: this checkout)")
    parser.add_argument("--jobs", type=int, default=default_jobs(),
                        help="notebooks executed at once (default: 2 on two or more cores; see make bench)")
    parser.add_argument("--force", action="store_true", help="execute every notebook and rebuild every page")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    from lcreview import paths
    root = Path(args.root) if args.root else paths.ROOT
    return build(root, jobs=args.jobs, force=args.force, timeout=args.timeout)
