"""``make bench``: build times as ratios measured in one run, on one machine state.

(a) bare execution of every chapter with nbclient in one process, (b) a clean build, (c) a no-op build, (d) a build
after a one-value data change, (e) a clean build executing one chapter at a time; for (b)-(d) also ``make check``,
each build's peak memory, its steps (check / execution / Sphinx) and every chapter's execution seconds; the size of
each page with its images and of the largest figure.

``make bench SCALE="3 10"`` (``--scale 3 10``) measures (b)-(d) again on copies with the corpus replicated 3 and
10 times (:mod:`lcreview.replicate`), gives every figure as a ratio to 1x next to the goals at 10x, and names the
chapter and the step whose time grows fastest. A replicated copy whose build fails (a figure that cannot hold the
rows) is reported with the chapters that did run, and the bench exits 1. Everything goes to _build/bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lcreview import paths
from lcreview.build import STATE, copy_sources, default_jobs, is_notebook, read_json, read_notebook, toc_files
from lcreview.replicate import read_table, replicate, write_table

# Runs a command and prints the peak resident memory of its process tree (the largest process, KiB) last, so one
# build's peak is never mixed with another's.
PEAK = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
    "print('bench-peak-kib', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, flush=True); sys.exit(code)"
)
STEPS = ("check", "execution", "sphinx")


def child_env() -> dict:
    """The environment of a measured subprocess: unbuffered (lines are timed as they come), no pinned root."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env.pop("LCREVIEW_ROOT", None)
    return env


def bare(root: Path, scratch: Path) -> float:
    """Seconds to execute every chapter of ``root`` in turn with nbclient, outside the build."""
    from nbclient import NotebookClient

    env = {
        **child_env(),
        "LCREVIEW_SITE_SRC": str(scratch),
        "LCREVIEW_ROOT": str(root),
        "MPLBACKEND": "Agg",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
    }
    t0 = time.perf_counter()
    for rel in toc_files(root):
        if is_notebook(root / rel):
            NotebookClient(
                read_notebook(root / rel),
                timeout=600,
                kernel_name="python3",
                resources={"metadata": {"path": str((root / rel).parent)}},
            ).execute(env=env, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def timed(cmd: list[str]) -> tuple[float, int, list[tuple[float, str]], int]:
    """Run ``cmd`` under :data:`PEAK`: (seconds, exit code, its output lines with their times, peak KiB)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", PEAK, *cmd], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=child_env()
    )
    lines = [(time.perf_counter() - t0, line.rstrip("\n")) for line in proc.stdout]
    code = proc.wait()
    seconds = time.perf_counter() - t0
    peak = int(lines.pop()[1].split()[1]) if lines and lines[-1][1].startswith("bench-peak-kib") else 0
    return seconds, code, lines, peak


def steps(lines: list[tuple[float, str]], seconds: float) -> dict:
    """Where a build's time went, from the times its lines came: check (with start-up), execution, Sphinx."""
    started = [t for t, line in lines if line.startswith("execute: ")]
    done = [t for t, line in lines if re.match(r"\S+: ok in ", line)]
    if not started or not done:
        return {}
    return {"check": started[0], "execution": done[-1] - started[0], "sphinx": seconds - done[-1]}


def make_book(root: Path, *extra: str, may_fail: bool = False) -> dict:
    """One build of ``root``: seconds, peak MiB, steps, the chapters it executed and its last line.

    A failing build stops the bench, unless ``may_fail``: then its error lines are returned under "failed".
    """
    seconds, code, lines, peak = timed([sys.executable, "-m", "lcreview", "build", "--root", str(root), *extra])
    log = "\n".join(line for _, line in lines)
    if code and not may_fail:
        raise SystemExit(f"bench: build of {root} failed:\n{log}")
    out = {
        "seconds": seconds,
        "peak_mib": peak / 1024,
        "steps": steps(lines, seconds),
        "executed": re.findall(r"^execute: (\S+)", log, re.M),
        "last": log.strip().splitlines()[-1],
    }
    if code:
        out["failed"] = [
            line for line in log.splitlines() if line.startswith(("error: ", "book: not built", "book: build failed"))
        ]
    return out


def make_check(root: Path) -> float:
    """Seconds of ``make check`` (``python -m lcreview check``) on ``root``; stops the bench when it fails."""
    seconds, code, lines, _ = timed([sys.executable, "-m", "lcreview", "check", "--root", str(root)])
    if code:
        raise SystemExit(f"bench: make check failed on {root}:\n" + "\n".join(line for _, line in lines))
    return seconds


def change_one_value(root: Path) -> str:
    path = root / "data" / "model_configs.csv"
    fields, rows = read_table(path)
    rows[0]["retrieved"] = "re-read by make bench"
    write_table(path, fields, rows)
    return "data/model_configs.csv"


def measure(root: Path, scale: int) -> dict:
    """make check, clean, no-op and one-change builds of one copy, printed as they come."""
    tag = f"{scale}x"
    m = {table: len(read_table(root / "data" / f"{table}.csv")[1]) for table in ("papers", "claims")}
    m["check_seconds"] = make_check(root)
    print(f"bench: [{tag}: {m['papers']} papers, {m['claims']} claims] make check: {m['check_seconds']:.1f}s")
    m["clean"] = make_book(root, may_fail=scale > 1)
    m["chapters"] = {nb: e["seconds"] for nb, e in sorted(read_json(root / "_build" / STATE).items())}
    if "failed" in m["clean"]:
        print(
            f"bench: [{tag}] (b) clean make book FAILED after {m['clean']['seconds']:.1f}s; no-op and one-change "
            "builds not measured:\n  " + "\n  ".join(m["clean"]["failed"])
        )
        return m
    split = ", ".join(f"{k} {v:.1f}s" for k, v in m["clean"]["steps"].items())
    print(
        f"bench: [{tag}] (b) clean make book ({default_jobs()} chapters at a time): {m['clean']['seconds']:.1f}s, "
        f"peak {m['clean']['peak_mib']:.0f} MiB; {split}"
    )
    m["noop"] = make_book(root)
    print(
        f"bench: [{tag}] (c) no-op make book: {m['noop']['seconds']:.1f}s, peak {m['noop']['peak_mib']:.0f} MiB "
        f"({m['noop']['last']})"
    )
    changed = change_one_value(root)
    m["change"] = make_book(root)
    print(
        f"bench: [{tag}] (d) make book after one value of {changed} changed: {m['change']['seconds']:.1f}s, "
        f"peak {m['change']['peak_mib']:.0f} MiB, re-executed {len(m['change']['executed'])} chapter(s): "
        f"{', '.join(m['change']['executed'])}"
    )
    return m


def figures(m: dict) -> dict[str, float]:
    """The figures of one scale that are compared across scales, by name."""
    out = {"make check": m["check_seconds"]}
    for build in ("clean", "noop", "change"):
        if build in m and "failed" not in m[build]:
            out[f"{build} build"] = m[build]["seconds"]
            out[f"{build} peak memory"] = m[build]["peak_mib"]
    if "failed" not in m["clean"]:  # a failed build stops before Sphinx: its steps are not comparable
        out |= {f"step {k}": v for k, v in m["clean"]["steps"].items()}
    out |= {f"chapter {k}": v for k, v in m["chapters"].items()}
    return out


def compare(scales: dict[int, dict]) -> dict:
    """Ratios of every figure to 1x, the goals at 10x and the fastest-growing chapter and step."""
    base = figures(scales[1])
    out: dict = {"ratios": {}}
    for n, m in scales.items():
        if n == 1:
            continue
        fig = figures(m)
        ratios = {k: fig[k] / base[k] for k in base if k in fig and base[k] > 0}
        out["ratios"][str(n)] = ratios
        for k, r in ratios.items():
            grew = m["claims"] / scales[1]["claims"]
            linear = f" (goal <= {grew:.1f}: at most linear in the claims)" if k.startswith("chapter ") else ""
            print(f"bench: ratio {k} {n}x/1x = {r:.2f}{linear}")
        if "noop build" in fig:
            print(f"bench: ratio no-op/clean at {n}x = {fig['noop build'] / fig['clean build']:.3f}")
    built = [n for n, m in scales.items() if n > 1 and "failed" not in m["clean"]]
    top = max(built or scales)  # the largest copy that built, else the largest
    if top == 1:
        return out
    ratios = out["ratios"][str(top)]
    out["fastest"] = {"scale": top}
    for kind in ("chapter", "step"):
        names = [k for k in ratios if k.startswith(kind + " ")]
        if names:
            name = max(names, key=ratios.get)
            out["fastest"] |= {kind: name.split(" ", 1)[1], f"{kind}_ratio": ratios[name]}
            print(f"bench: fastest-growing {kind} at {top}x: {name.split(' ', 1)[1]} (ratio {ratios[name]:.2f})")
    if 10 in scales:
        ten = figures(scales[10])
        clean, noop = ten.get("clean build"), ten.get("noop build")
        out["goals_10x"] = {
            "ratio clean 10x/1x": [clean / base["clean build"] if clean else None, 3],
            "ratio no-op/clean at 10x": [noop / clean if noop and clean else None, 0.1],
            "make check at 10x (s)": [ten["make check"], 10],
        }
        for name, (value, goal) in out["goals_10x"].items():
            verdict = "not measured: the 10x build failed" if value is None else ("met" if value <= goal else "NOT met")
            shown = "-" if value is None else f"{value:.2f}"
            print(f"bench: goal {name} = {shown} (goal <= {goal}: {verdict})")
    return out


def table(scales: dict[int, dict]) -> str:
    """The figures of every scale side by side (seconds, MiB), for the terminal."""
    cols = sorted(scales)
    figs = {n: figures(scales[n]) for n in cols}
    lines = [["figure (seconds; memory in MiB)"] + [f"{n}x" for n in cols]]
    lines += [[name] + [f"{figs[n][name]:.1f}" if name in figs[n] else "-" for n in cols] for name in figs[1]]
    width = max(len(line[0]) for line in lines)
    return "\n".join(f"{line[0]:<{width}}" + "".join(f"{c:>9}" for c in line[1:]) for line in lines)


def sizes(html: Path) -> dict:
    """Bytes of every page with the images it shows, and the largest figure (SVG or PNG)."""
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
    figs = {p.name: p.stat().st_size for p in (html / "_images").glob("*") if p.suffix in (".svg", ".png")}
    return {"pages": pages, "largest_figure": max(figs.items(), key=lambda kv: kv[1]) if figs else None}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lcreview.bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale",
        type=int,
        nargs="*",
        default=[],
        metavar="N",
        help="also measure copies with the corpus N times (N >= 2), e.g. --scale 3 10",
    )
    args = parser.parse_args(argv)
    if any(n < 2 for n in args.scale):
        parser.error("--scale: give sizes of 2 or more (1x is always measured)")
    root = paths.ROOT
    out = {"jobs": default_jobs(), "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="lcreview-bench-") as tmp:
        tmp = Path(tmp)
        copy = copy_sources(root, tmp / "serial")
        out["bare_seconds"] = bare(copy, tmp / "bare-scratch")
        print(f"bench: (a) bare nbclient execution of all chapters: {out['bare_seconds']:.1f}s")
        scales = {1: measure(copy, 1)}
        out["clean_seconds"] = scales[1]["clean"]["seconds"]
        out["noop_seconds"] = scales[1]["noop"]["seconds"]
        out["change_seconds"] = scales[1]["change"]["seconds"]
        out["change_reexecuted"] = scales[1]["change"]["executed"]
        out["sizes"] = sizes(copy / "_build" / "html")
        shutil.rmtree(copy)
        serial = copy_sources(root, tmp / "one-at-a-time")
        out["clean_jobs1_seconds"] = make_book(serial, "--jobs", "1")["seconds"]
        print(f"bench: (e) clean make book with JOBS=1 (one chapter at a time): {out['clean_jobs1_seconds']:.1f}s")
        shutil.rmtree(serial)
        for n in sorted(set(args.scale)):
            big = copy_sources(root, tmp / f"scale-{n}")
            replicate(big, n)
            scales[n] = measure(big, n)
            shutil.rmtree(big)
    out["ratio_clean_over_bare"] = out["clean_seconds"] / out["bare_seconds"]
    out["ratio_noop_over_clean"] = out["noop_seconds"] / out["clean_seconds"]
    out["ratio_change_over_clean"] = out["change_seconds"] / out["clean_seconds"]
    out["ratio_default_over_jobs1"] = out["clean_seconds"] / out["clean_jobs1_seconds"]
    print(f"bench: ratio clean/bare = {out['ratio_clean_over_bare']:.2f} (goal <= 1.5)")
    print(f"bench: ratio no-op/clean = {out['ratio_noop_over_clean']:.3f} (goal <= 0.1)")
    print(f"bench: ratio one-change/clean = {out['ratio_change_over_clean']:.2f}")
    print(
        f"bench: ratio clean default ({out['jobs']} jobs) / clean one-at-a-time = "
        f"{out['ratio_default_over_jobs1']:.2f} (below 1: parallel execution helps)"
    )
    pages = out["sizes"]["pages"]
    heaviest = max(pages.items(), key=lambda kv: kv[1])
    name, size = out["sizes"]["largest_figure"] or ("none", 0)
    print(
        f"bench: heaviest page with images: {heaviest[0]} {heaviest[1] / 1024:.0f} KiB; "
        f"largest figure {name} {size / 1024:.0f} KiB (goal <= 195 KiB)"
    )
    out["scales"] = {str(n): m for n, m in scales.items()}
    out |= compare(scales)
    failed = [f"{n}x" for n, m in scales.items() if "failed" in m["clean"]]
    print(table(scales))
    target = root / "_build" / "bench.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(out, indent=1))
    print(f"bench: wrote {target.relative_to(root)}")
    if failed:
        print(
            f"bench: the clean build failed at {', '.join(failed)} (FAILED lines above); those builds are not compared"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
