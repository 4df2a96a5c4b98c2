"""The corpus at three times its size: the replicated copy is valid, and figures stay within their label budget.

Page.publish refuses an illegible figure (small, overlapping or cut text), so a chapter that executes on the larger
corpus drew every figure legibly; on top of that, a panel that labels papers names at most a dozen of them.
"""

from __future__ import annotations

import csv
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ROOT, copy_project

from lcreview import plots, validate
from lcreview.build import run, toc_files
from lcreview.replicate import new_key, replicate

SCALE = 3
CHAPTERS = sorted(Path(f).stem for f in toc_files(ROOT) if f.startswith("notebooks/"))  # every chapter
BUDGET = plots.TOP  # texts naming a paper per panel (labelled rows), the chapters' own limit
SVG = "{http://www.w3.org/2000/svg}"


def table(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def doubled(tmp_path) -> Path:
    """A copy of the data and bibliography with the corpus twice."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copy2(ROOT / "references.bib", root / "references.bib")
    assert replicate(root, 2) == 2 * len(table(ROOT / "data" / "papers.csv"))
    return root


@pytest.mark.fast
def test_replica_is_valid_under_make_check(doubled):
    assert validate.check(doubled) == []


@pytest.mark.fast
def test_replica_renames_keys_ids_references_and_bib_entries(doubled):
    papers, claims = table(doubled / "data" / "papers.csv"), table(doubled / "data" / "claims.csv")
    originals = table(ROOT / "data" / "papers.csv")
    by_key = {p["key"]: p for p in papers}
    for p in originals:
        copy = by_key[new_key(p["key"], 2)]
        assert copy["arxiv_id"] != p["arxiv_id"] and copy["title"] == f"{p['title']} (replica 2)"
    assert len({p["arxiv_id"] for p in papers}) == len(papers)
    ids = {c["id"] for c in claims}
    replicas = [c for c in claims if "-r2-" in c["paper"] or c["paper"].endswith("-r2")]
    assert len(replicas) * 2 == len(claims)
    for c in replicas:
        assert c["id"].rsplit(".", 1)[0] == c["paper"]
        for ref in ("duplicate_of", "compared_with"):
            if c[ref]:
                assert c[ref] in ids and "-r2" in c[ref], (c["id"], ref, c[ref])
    assert any(c["compared_with"] for c in replicas) and any(c["duplicate_of"] for c in replicas)
    bib = (doubled / "references.bib").read_text(encoding="utf-8")
    entries = dict(re.findall(r"@\w+\{([^,]+),(.*?)\n\}", bib, re.S))
    for p in originals:
        key = new_key(p["key"], 2)
        assert "(replica 2)" in entries[key]
        if "eprint" in entries[p["key"]]:
            assert re.search(rf"eprint = \{{{re.escape(by_key[key]['arxiv_id'])}\}}", entries[key]), key


@pytest.mark.fast
def test_replicate_refuses_the_checkout():
    with pytest.raises(SystemExit, match="refusing"):
        replicate(ROOT, 2)


@pytest.fixture(scope="module")
def executed(site, tmp_path_factory) -> dict[int, Path]:
    """Each scale's project copy: the book's own build (1x) and the chapters executed on the corpus three times."""
    root = copy_project(tmp_path_factory.mktemp(f"scale-{SCALE}") / "project")
    replicate(root, SCALE)
    lines: list[str] = []
    code = run(root, [str(root / "notebooks" / f"{c}.md") for c in CHAPTERS], out=lines.append)
    reports = "".join(p.read_text() for p in sorted((root / "_build" / "reports").glob("*.log")))
    assert code == 0, f"at {SCALE}x:\n" + "\n".join(lines) + "\n" + reports
    return {1: site.parent.parent, SCALE: root}


def generated(root: Path, chapter: str) -> Path:
    return root / "_build" / "site-src" / "_generated" / chapter


def named_papers(path: Path) -> set[str]:
    """Paper keys a figure's CSV names (its ``paper`` column; several joined by ';')."""
    rows = table(path)
    assert rows and "paper" in rows[0], f"{path.name}: no paper column"
    return {key for r in rows for key in r["paper"].split(";") if key}


def paper_labels(svg: Path, shorts: set[str]) -> dict[str, list[str]]:
    """Per panel (axes), the texts drawn in it (ticks, notes, legend) that start with a paper's short name."""
    out = {}
    for ax in ET.parse(svg).getroot().iter(f"{SVG}g"):
        if not ax.get("id", "").startswith("axes_"):
            continue
        texts = [
            " ".join("".join(t.itertext()) for t in g.iter(f"{SVG}text"))
            for g in ax.iter(f"{SVG}g")
            if re.fullmatch(r"text_\d+", g.get("id", ""))
        ]  # a wrapped label: one text per line
        out[ax.get("id")] = [t for t in texts if any(t.startswith(s) for s in shorts)]
    return out


@pytest.mark.build
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_figure_data_grows_with_the_corpus(executed, chapter):
    figures = sorted(generated(executed[SCALE], chapter).glob("*.svg"))
    assert figures, f"{chapter}: no figure published"
    for svg in figures:
        small, large = (named_papers(generated(executed[n], chapter) / f"{svg.stem}.csv") for n in (1, SCALE))
        assert len(large) > len(small), f"{chapter}/{svg.stem}: {len(small)} papers at 1x, {len(large)} at {SCALE}x"


@pytest.mark.build
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_figures_label_at_most_a_dozen_papers_per_panel(executed, chapter):
    shorts = {p["short"] for p in table(executed[SCALE] / "data" / "papers.csv")}
    over = []
    for svg in sorted(generated(executed[SCALE], chapter).glob("*.svg")):
        for panel, labels in paper_labels(svg, shorts).items():
            if len(labels) > BUDGET:
                over.append(f"{chapter}/{svg.stem} {panel}: {len(labels)} rows label papers ({', '.join(labels)})")
    assert not over, "\n".join(over)
