"""``make pdf``: the whole review as one PDF, offline.

After ``make book`` has executed the chapters into ``_build/site-src``, this builds that folder as one
HTML page (jupyter-book's ``singlehtml`` builder, into ``_build/single``) and prints it with Debian's
chromium through Playwright, refusing every request that leaves the page's folder. The PDF goes to
``_build/site-src/_pdf/`` (kept by the staging step); the next ``make book`` copies it to the site root
and the citation page links to it (lcreview.sphinx_ext). Figures stay vector (SVG) in the PDF.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

NAME = "long-context-review.pdf"
FOLDER = "_pdf"  # below the folder the book is built from
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def single_page(site: Path, out: Path) -> Path:
    """Build ``site`` as one HTML page into ``out``; return the page. Raises SystemExit on a failed build."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = [
        str(Path(sys.executable).parent / "jupyter-book"),
        "build",
        str(site),
        "--builder",
        "singlehtml",
        "--path-output",
        str(out),
        "-n",
        "--keep-going",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    root_doc = yaml.safe_load((site / "_toc.yml").read_text(encoding="utf-8"))["root"]
    built = out / "_build" / "singlehtml" / f"{Path(root_doc).with_suffix('')}.html"
    if proc.returncode != 0 or not built.is_file():
        log = out / "singlehtml.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(proc.stdout + proc.stderr)
        raise SystemExit(f"pdf: the single-page build failed (exit {proc.returncode}); full log: {log}")
    # Sphinx writes the page's links relative to the output root even when the root page is in a folder
    page = out / "_build" / "singlehtml" / "review.html"
    shutil.copyfile(built, page)
    return page


def print_pdf(page: Path, dest: Path, chromium: str = CHROMIUM) -> list[str]:
    """Print ``page`` to ``dest`` with chromium; return the outside requests that were refused."""
    from playwright.sync_api import sync_playwright

    if not Path(chromium).exists():
        raise SystemExit(f"pdf: {chromium} is missing; install Debian's chromium (make browser)")
    base, refused = page.parent.resolve().as_uri(), []

    def offline(route):
        refused.append(route.request.url)
        route.abort()

    dest.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=ARGS)
        context = browser.new_context()
        context.route(
            lambda url: not (url.startswith(base) or url.startswith("data:") or url.startswith("blob:")), offline
        )
        tab = context.new_page()
        tab.goto(page.resolve().as_uri(), wait_until="load")
        tab.emulate_media(media="print")
        tmp = dest.with_name(dest.name + ".tmp")
        tab.pdf(
            path=str(tmp),
            format="A4",
            print_background=True,
            outline=True,
            tagged=True,
            margin={"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"},
        )
        tmp.replace(dest)
        browser.close()
    return refused


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lcreview.pdf", description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=None, help="repository root (default: this checkout)")
    args = parser.parse_args(argv)
    from lcreview import paths

    root = Path(args.root).resolve() if args.root else paths.ROOT
    site = root / "_build" / "site-src"
    if not (site / "_config.yml").is_file():
        print("pdf: no staged book in _build/site-src; run make book first")
        return 1
    page = single_page(site, root / "_build" / "single")
    dest = site / FOLDER / NAME
    refused = print_pdf(page, dest)
    for url in refused:
        print(f"pdf: refused an outside request: {url}")
    print(f"pdf: wrote {dest} ({dest.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
