"""``make bench``: build times as ratios measured in one run, on one machine state.

(a) bare execution of every notebook with nbclient in one process,
(b) a clean build, (c) a no-op build, (d) a build after a one-value data
change, (e) a clean build executing two notebooks at once; plus the size of
each page with its images and of the largest figure. Writes _build/bench.json.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lcreview import paths
from lcreview.build import copy_sources, toc_files


def bare(root: Path, scratch: Path) -> float:
    import nbformat
    from nbclient import NotebookClient
    os.environ.update({"LCREVIEW_SITE_SRC": str(scratch), "LCREVIEW_ROOT": str(root),
                       "PYTHONPATH": str(root) + os.pathsep + os.environ.get("PYTHONPATH", "")})
    t0 = time.perf_counter()
    for rel in toc_files(root):
        if rel.endswith(".ipynb"):
            nb = nbformat.read(root / rel, as_version=4)
            NotebookClient(nb, timeout=600, kernel_name="python3",
                           resources={"metadata": {"path": str((root / rel).parent)}}).execute(stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def make_book(root: Path, *extra: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "lcreview", "build", "--root", str(root), *extra],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"bench: build failed:\n{proc.stdout}{proc.stderr}")
    return seconds, proc.stdout


def change_one_value(root: Path) -> str:
    path = root / "data" / "model_configs.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[0]["retrieved"] = "re-read by make bench"
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return "data/model_configs.csv"


def sizes(html: Path) -> dict:
    pages = {}
    for page in sorted(html.rglob("*.html")):
        if "_sources" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        total = page.stat().st_size
        for src in set(re.findall(r'<img[^>]+src="([^"]+)"', text)):
            img = (page.parent / src).resolve()
            if img.exists():
                total += img.stat().st_size
        pages[str(page.relative_to(html))] = total
    figures = {p.name: p.stat().st_size for p in (html / "_images").glob("*.png")}
    return {"pages": pages, "largest_figure": max(figures.items(), key=lambda kv: kv[1]) if figures else None}


def main() -> int:
    root = paths.ROOT
    from lcreview.build import default_jobs
    out = {"jobs": default_jobs(), "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="lcreview-bench-") as tmp:
        tmp = Path(tmp)
        copy = copy_sources(root, tmp / "serial")
        out["bare_seconds"] = bare(copy, tmp / "bare-scratch")
        print(f"bench: (a) bare nbclient execution of all notebooks: {out['bare_seconds']:.1f}s")
        out["clean_seconds"], _ = make_book(copy)
        print(f"bench: (b) clean make book ({out['jobs']} notebooks at a time): {out['clean_seconds']:.1f}s")
        out["noop_seconds"], log = make_book(copy)
        print(f"bench: (c) no-op make book: {out['noop_seconds']:.1f}s ({log.strip().splitlines()[-1]})")
        changed = change_one_value(copy)
        out["change_seconds"], log = make_book(copy)
        reran = re.findall(r"^execute: (\S+)", log, re.M)
        out["change_reexecuted"] = reran
        print(f"bench: (d) make book after one value of {changed} changed: {out['change_seconds']:.1f}s, "
              f"re-executed {len(reran)} notebook(s): {', '.join(reran)}")
        serial = copy_sources(root, tmp / "one-at-a-time")
        out["clean_jobs1_seconds"], _ = make_book(serial, "--jobs", "1")
        print(f"bench: (e) clean make book with JOBS=1 (one notebook at a time): {out['clean_jobs1_seconds']:.1f}s")
        out["sizes"] = sizes(copy / "_build" / "html")
    out["ratio_clean_over_bare"] = out["clean_seconds"] / out["bare_seconds"]
    out["ratio_noop_over_clean"] = out["noop_seconds"] / out["clean_seconds"]
    out["ratio_change_over_clean"] = out["change_seconds"] / out["clean_seconds"]
    out["ratio_default_over_jobs1"] = out["clean_seconds"] / out["clean_jobs1_seconds"]
    print(f"bench: ratio clean/bare = {out['ratio_clean_over_bare']:.2f} (goal <= 1.5)")
    print(f"bench: ratio no-op/clean = {out['ratio_noop_over_clean']:.3f} (goal <= 0.1)")
    print(f"bench: ratio one-change/clean = {out['ratio_change_over_clean']:.2f}")
    print(f"bench: ratio clean default ({out['jobs']} jobs) / clean one-at-a-time = {out['ratio_default_over_jobs1']:.2f} "
          "(below 1: parallel execution helps)")
    pages = out["sizes"]["pages"]
    heaviest = max(pages.items(), key=lambda kv: kv[1])
    name, size = out["sizes"]["largest_figure"] or ("none", 0)
    print(f"bench: heaviest page with images: {heaviest[0]} {heaviest[1] / 1024:.0f} KiB; "
          f"largest figure {name} {size / 1024:.0f} KiB (goal <= 195 KiB)")
    target = root / "_build" / "bench.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(out, indent=1))
    print(f"bench: wrote {target.relative_to(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
