"""Build the book so that it is never stale, never half-built, and a no-op is quick.

1. Validate the data (``make check``); stop on any problem.
2. Mirror the book's sources into ``_build/site-src`` (a file is rewritten only when its content changed, so Sphinx
   re-reads only what changed). Chapters are notebooks: ``.ipynb`` or MyST Markdown (an ``.md`` whose front matter
   names a kernelspec, read with jupytext); the staging folder holds only their executed ``.ipynb`` copies.
3. Execute each chapter with nbclient (two at a time) when its source, an output it wrote, a data file it read
   (``lcreview.load`` appends each to the file named by ``LCREVIEW_READS``) or a package module its code imports
   (found with ``ast``, through other ``lcreview`` modules) has changed. A chapter's state is dropped before it runs
   and written once its outputs exist. The stock MyST-NB cache keys on code cells only and would keep a figure
   drawn from an old CSV.
4. Run ``jupyter-book build`` strictly (``-W -n --keep-going``) into ``_build/next``, seeded from the last complete
   build so Sphinx stays incremental, and swap it in as ``_build/html`` only on success; ``site-manifest.json``
   lists every file of that site. "Up to date" means: the Sphinx inputs are those of the last complete build and the
   site on disk matches its manifest.

A lock (``_build/.lock``) makes a second build in the same checkout wait for the first.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures as cf
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import yaml

STATE = "exec-state.json"  # per notebook: its inputs and outputs when it last ran
SITE = "site-manifest.json"  # the complete site in _build/html: every file, and the inputs it was built from


BOOK_FILES = ["_toc.yml", "references.bib", "CHANGELOG.md"]  # copied as they are into the staging folder
BOOK_DIRS = ["book", "notebooks", "data"]  # mirrored, notebooks executed
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
        hits = (
            [base] if base.suffix else [base.with_suffix(s) for s in (".md", ".ipynb") if base.with_suffix(s).exists()]
        )
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

        nb = jupytext.read(path, fmt="md:myst")
        for index, cell in enumerate(nb.cells):  # jupytext draws new random ids on every read
            cell.id = f"cell-{index}"
        return nb
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
    return (
        "# generated by lcreview.build from ../../_config.yml; do not edit\n"
        + yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True)
    ).encode()


def mirror(root: Path, site: Path, notebooks: list[str]) -> None:
    """Copy every source except notebooks into the staging folder (only what changed); drop stale files."""
    wanted: dict[str, bytes] = {"_config.yml": staged_config(root)}
    for name in BOOK_FILES:
        wanted[name] = (root / name).read_bytes()
    for folder in BOOK_DIRS:
        for p in sorted((root / folder).rglob("*")):
            rel = str(p.relative_to(root))
            if p.is_file() and ".ipynb_checkpoints" not in rel and "__pycache__" not in rel and not is_notebook(p):
                wanted[rel] = p.read_bytes()
    for rel, data in wanted.items():
        write_if_changed(site / rel, data)
    keep = set(wanted) | {staged_name(nb) for nb in notebooks}
    for folder in BOOK_DIRS:
        for p in (site / folder).rglob("*"):
            if p.is_file() and str(p.relative_to(site)) not in keep:
                p.unlink()


def execute(root: Path, site: Path, nb_rel: str, timeout: int) -> dict:
    """Run one notebook; return its new state entry. Raises RuntimeError on a failing cell."""
    import nbformat
    from jupyter_client.manager import AsyncKernelManager
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
    env = {
        **os.environ,
        "LCREVIEW_ROOT": str(root),
        "LCREVIEW_SITE_SRC": str(site),
        "LCREVIEW_READS": str(reads_log),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
        "MPLBACKEND": "Agg",
    }
    # the kernel talks over Unix sockets in a folder of its own: kernels started at the same moment by other
    # builds (two test workers, two notebooks at a time) cannot pick the same TCP port, which killed one at start
    sockets = tempfile.TemporaryDirectory(prefix="lcr-kernel-")
    km = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets.name) / "kernel"))
    client = NotebookClient(
        nb,
        km=km,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=False,
        record_timing=False,
        resources={"metadata": {"path": str(src.parent)}},
    )
    with (
        open(reports / f"{page}.kernel.log", "w") as klog,
        sockets,
        client.setup_kernel(env=env, stderr=klog),
    ):
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
    return {
        "source": sha(src),
        "deps": {**data, **code_deps(root, [c.source for c in nb.cells if c.cell_type == "code"])},
    }


def stale(root: Path, site: Path, nb_rel: str, entry: dict | None) -> str | None:
    """Why a notebook must run again, or None."""
    if entry is None:
        return "never executed"
    staged = site / staged_name(nb_rel)
    if not staged.is_file() or sha(staged) != entry.get("executed"):
        return "executed copy missing or changed"
    if tree_manifest(site / "_generated" / Path(nb_rel).stem) != entry.get("outputs"):
        return "generated files missing or changed"
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


def read_json(path: Path) -> dict:
    """A JSON object from a file; {} when it is missing or unreadable (a state file is only a cache)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_json(path: Path, data: dict) -> None:
    write_if_changed(path, json.dumps(data, indent=1, sort_keys=True).encode())


def tree_manifest(folder: Path) -> dict[str, list]:
    """Every file below a folder with its size and SHA-256 ({} for a missing folder)."""
    return {str(p.relative_to(folder)): [p.stat().st_size, sha(p)] for p in sorted(folder.rglob("*")) if p.is_file()}


def execute_all(root: Path, site: Path, todo: list[str], jobs: int, timeout: int, out=print) -> list[str]:
    """Execute notebooks (``jobs`` at a time) into the staging folder; return the failures.

    Their state entries are dropped before they run and each is written once its outputs exist, so a build
    killed midway never leaves a notebook recorded as fresh.
    """
    reports = site.parent / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    state_path = site.parent / STATE
    state = read_json(state_path)
    write_json(state_path, {k: v for k, v in state.items() if k not in todo})
    work = [(str(root), str(site), nb, timeout) for nb in todo]
    pool = cf.ProcessPoolExecutor(max_workers=jobs) if jobs > 1 and len(todo) > 1 else None
    results = (
        (f.result() for f in cf.as_completed([pool.submit(_run_one, w) for w in work])) if pool else map(_run_one, work)
    )
    failures = []
    for nb_rel, entry, error, seconds in results:
        log = reports / (Path(nb_rel).stem + ".log")
        if error:
            failures.append(nb_rel)
            log.write_text(error)
            out(f"error: {error.splitlines()[0]} (full report: {log.relative_to(root)})")
            continue
        out(f"{nb_rel}: ok in {seconds:.1f} s")
        entry.update(
            seconds=round(seconds, 2),
            executed=sha(site / staged_name(nb_rel)),
            outputs=tree_manifest(site / "_generated" / Path(nb_rel).stem),
        )
        state = read_json(state_path)
        state[nb_rel] = entry
        write_json(state_path, state)
        log.write_text(f"ok in {seconds:.1f}s; read: {', '.join(sorted(entry['deps']))}\n")
    if pool:
        pool.shutdown()
    return failures


@contextmanager
def locked(out_dir: Path, out=print):
    """Hold _build/.lock: a second build (or run) in the same checkout waits for the first."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / ".lock", "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            out(f"book: another build is running in {out_dir}; waiting for it to finish")
            fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def unwritable(exc: OSError, out) -> int:
    """One line for a _build that cannot be written (read-only, no permission, full disk); others re-raised."""
    if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC):
        raise exc
    out(f"book: not built: cannot write {exc.filename}: {exc.strerror}")
    return 1


def recover(out_dir: Path) -> None:
    """Undo what a killed build left: put a swapped-out site back if no new one replaced it; drop half-built output."""
    old = out_dir / "old"
    for name in ("html", "sphinx"):
        if (old / name).is_dir() and not (out_dir / name).exists():
            (old / name).rename(out_dir / name)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(out_dir / "next", ignore_errors=True)


def seed(out_dir: Path, site: Path, record: dict) -> str:
    """Start the new Sphinx output from the last complete one, so Sphinx redoes only what changed.

    The environment (doctrees) is reused whenever a complete build recorded it; the old pages only when the site
    on disk still matches its manifest (otherwise every page is written again from the environment).
    """
    work = out_dir / "next" / "_build"
    html, cache = out_dir / "html", out_dir / "sphinx"
    if not record or not cache.is_dir():
        return "clean"
    shutil.copytree(cache, work, symlinks=True)
    if not html.is_dir() or tree_manifest(html) != record.get("manifest"):
        return "site on disk incomplete: all pages rewritten"
    shutil.copytree(html, work / "html", symlinks=True)
    for src in (site / "book" / "_static").rglob("*"):
        # Sphinx 7.4 never overwrites an existing static asset: remove a copy that differs from its source
        old = work / "html" / "_static" / src.relative_to(site / "book" / "_static")
        if src.is_file() and old.is_file() and old.read_bytes() != src.read_bytes():
            old.unlink()
    return "incremental"


def swap_in(out_dir: Path, manifest: dict, inputs: str) -> None:
    """Replace _build/html (and the Sphinx cache) by the new complete output; record its manifest last."""
    (out_dir / SITE).unlink(missing_ok=True)
    old, work = out_dir / "old", out_dir / "next" / "_build"
    old.mkdir()
    for name, new in (("html", work / "html"), ("sphinx", work)):
        if (out_dir / name).exists():
            (out_dir / name).rename(old / name)
        new.rename(out_dir / name)
    shutil.rmtree(old)
    shutil.rmtree(out_dir / "next")
    write_json(out_dir / SITE, {"inputs": inputs, "manifest": manifest})


def sphinx_inputs(root: Path, site: Path) -> str:
    """Digest of everything the Sphinx step reads: the staging folder and the project's Sphinx extension
    with every lcreview module it imports (citation styles, paper pages, explorer, tables, PDF link)."""
    h = hashlib.sha256(json.dumps(tree_manifest(site), sort_keys=True).encode())
    ext = (root / "lcreview" / "sphinx_ext.py").read_text(encoding="utf-8")
    h.update(json.dumps(code_deps(root, [ext]), sort_keys=True).encode())
    h.update(sha(root / "lcreview" / "sphinx_ext.py").encode())
    return h.hexdigest()


NOISE = (
    "Running Sphinx",
    "loading pickled",
    "building [",
    "updating environment",
    "reading sources",
    "looking for now-outdated",
    "pickling environment",
    "checking consistency",
    "preparing documents",
    "writing output",
    "copying",
    "dumping",
    "generating indices",
    "writing additional",
    "done",
)


def run_sphinx(root: Path, out_dir: Path, site: Path, files: list[str], force: bool, out=print) -> str | None:
    """Build the site into _build/next and swap it in on success. Returns 'up to date', 'built' or None (failed)."""
    record = {} if force else read_json(out_dir / SITE)
    inputs = sphinx_inputs(root, site)
    html = out_dir / "html"
    if record.get("inputs") == inputs and html.is_dir() and tree_manifest(html) == record.get("manifest"):
        return "up to date"
    how = seed(out_dir, site, record)
    if how != "incremental":
        out(f"sphinx: {how}")
    work = out_dir / "next" / "_build" / "html"
    cmd = [
        str(Path(sys.executable).parent / "jupyter-book"),
        "build",
        str(site),
        "--path-output",
        str(out_dir / "next"),
        "--builder",
        "html",
        "-W",
        "-n",
        "--keep-going",
    ]
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    log = out_dir / "reports" / "sphinx.log"
    log.write_text(proc.stdout + proc.stderr)
    for line in re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr).splitlines():
        if ("WARNING" in line or "ERROR" in line or "Error" in line or "Exception" in line) and not line.startswith(
            NOISE
        ):
            out(line)
    missing = [f for f in files if not (work / Path(f).with_suffix(".html")).is_file()]
    if proc.returncode != 0 or "WARNING" in proc.stdout + proc.stderr or missing:
        shutil.rmtree(out_dir / "next", ignore_errors=True)
        out(
            f"book: build failed (jupyter-book exit {proc.returncode}"
            + (f"; no page for {', '.join(missing)}" if missing else "")
            + f"); full log: {log.relative_to(root)}; the previous site is unchanged"
        )
        return None
    swap_in(out_dir, tree_manifest(work), inputs)
    return "built"


def build(
    root: Path, jobs: int | None = None, force: bool = False, timeout: int = 600, check: bool = True, out=print
) -> int:
    """Validate, execute what is stale, build the site strictly; 0 when _build/html is whole and current."""
    root = root.resolve()
    out_dir = root / "_build"
    try:
        with locked(out_dir, out):
            return _build(root, out_dir, jobs or default_jobs(), force, timeout, check, out)
    except OSError as exc:
        return unwritable(exc, out)


def _build(root: Path, out_dir: Path, jobs: int, force: bool, timeout: int, check: bool, out) -> int:
    t_start = time.perf_counter()
    if check:
        from lcreview import validate

        problems = validate.check(root)
        if problems:
            for p in problems:
                out(str(p))
            out(f"book: not built: {len(problems)} data problem(s); run make check")
            return 1
    recover(out_dir)
    site = out_dir / "site-src"
    files = toc_files(root)
    notebooks = [f for f in files if is_notebook(root / f)]
    site.mkdir(parents=True, exist_ok=True)
    (out_dir / "reports").mkdir(exist_ok=True)
    mirror(root, site, notebooks)
    state = {} if force else read_json(out_dir / STATE)
    todo = []
    for nb in notebooks:
        why = "forced" if force else stale(root, site, nb, state.get(nb))
        if why:
            todo.append(nb)
            out(f"execute: {nb} ({why})")
    failures = execute_all(root, site, todo, jobs, timeout, out) if todo else []
    write_json(out_dir / STATE, {k: v for k, v in read_json(out_dir / STATE).items() if k in notebooks})
    if failures:
        names = ", ".join(failures)
        out(f"book: not built: {len(failures)} notebook(s) failed: {names}; the previous site is unchanged")
        return 1
    result = run_sphinx(root, out_dir, site, files, force, out)
    index = out_dir / "html" / "index.html"
    seconds = time.perf_counter() - t_start
    if result == "up to date":
        out(f"book: up to date, nothing executed or rebuilt ({seconds:.1f}s); open {index}")
    elif result == "built":
        out(
            f"book: built {len(files)} pages ({len(todo)} notebook(s) executed, {len(notebooks) - len(todo)} reused) "
            f"in {seconds:.1f}s; open {index}"
        )
    return 0 if result else 1


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
    try:
        with locked(root / "_build", out):
            failures = execute_all(root, site, todo, jobs or default_jobs(), timeout, out)
    except OSError as exc:
        return unwritable(exc, out)
    for nb_rel in todo:
        folder = site / "_generated" / Path(nb_rel).stem
        written = sorted(p for p in folder.rglob("*") if p.is_file())
        out(f"{nb_rel}: wrote {site / staged_name(nb_rel)}" + "".join(f"\n  {p}" for p in written))
    return 1 if failures else 0


def run_main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lcreview run",
        description="Execute chapters into _build/site-src as make book does, without Sphinx.",
    )
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
    parser.add_argument(
        "--jobs",
        type=int,
        default=default_jobs(),
        help="notebooks executed at once (default: 2 on two or more cores; see make bench)",
    )
    parser.add_argument("--force", action="store_true", help="execute every notebook and rebuild every page")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    from lcreview import paths

    root = Path(args.root) if args.root else paths.ROOT
    return build(root, jobs=args.jobs, force=args.force, timeout=args.timeout)
